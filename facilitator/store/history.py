"""Files the learning screens and the digest write and read: the themes summary and digest files, the digest's
settings, and folders of exported records. The history itself is in the history index (store/index.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .store import Store


def write_learning_file(store: Store, name: str, data: bytes | Iterable[bytes], out: Path | None = None) -> Path:
    """Write a themes summary or digest (default: <data>/records/<name>), atomically, 0600; ``data`` may come
    in pieces, written as they are made."""
    from .files import ensure_private_dir
    from .store import write_out

    chosen = out is not None
    if out is None:
        ensure_private_dir(store.records_dir)
        out = store.records_dir / name
    write_out(out, data, chosen)
    return out


#: the app's own files written into a records folder beside the records: the themes summary (themes-<team>-<date>.md)
#: and the digest (digest-<since>-to-<until>.md); a record's name starts with its date
LEARNING_FILES = ("themes-", "digest-")


def record_paths(folder: Path) -> list[Path]:
    """Every markdown file in a folder of exported records (sub-folders too), in order, but the themes summaries and
    digests the app writes there (a digest of the folder called them damaged records)."""
    return sorted(p for p in folder.rglob("*.md") if not p.name.startswith(LEARNING_FILES))


def record_text(path: Path) -> str | None:
    """A record file's text; None if it cannot be read as UTF-8 text (or is far larger than a record)."""
    from .files import read_whole

    try:
        return read_whole(path).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def digest_owners_setting(store: Store) -> tuple[str, str | None]:
    """[digest] owners in <data>/settings.toml: "initials" (the default) or "names"; and a note saying how to
    fix any other value (initials are used until then)."""
    table = store.read_settings_file().get("digest", {})
    value = table.get("owners", "initials") if isinstance(table, dict) else "initials"
    if value in ("initials", "names"):
        return value, None
    return "initials", (
        f"settings.toml: [digest] owners is {value!r}; write \"initials\" or \"names\". "
        "Until then action owners are shown by role or initials."
    )
