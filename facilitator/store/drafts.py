"""The half-typed contribution of a session, kept when the app closes (ctrl+q) and brought back on resume.

<data>/drafts/<session id>.json, folder 0700, file 0600, written atomically: {"text", "speaker", "phase_id",
"fields", "edit"} (the text may hold line breaks, from the multi-line editor; fields: the extra fields typed, such as
an action's owner and due date; edit: an edit of a recorded contribution not yet saved, {"id", "text", "speaker",
"fields"}, kept while the edit dialog is open and brought back in it).
Only the facilitator's own screen reads it; it is never part of a record or export. When the box is emptied
(recorded or cleared) or the session ends, the file is removed. A draft that cannot be read is left alone
and ignored: the session opens as usual.
"""

from __future__ import annotations

import json
from pathlib import Path

from .files import atomic_write, ensure_private_dir, fsync_dir, read_whole

DRAFTS_DIR = "drafts"


def draft_path(data_dir: Path, session_id: str) -> Path:
    return Path(data_dir) / DRAFTS_DIR / f"{session_id}.json"


def write_draft(
    data_dir: Path, session_id: str, text: str, speaker: str | None = None, phase_id: str = "",
    fields: dict[str, str] | None = None, edit: dict | None = None,
) -> None:
    """Keep what is typed (durably); empty text and no edit removes the draft. Raises OSError if it cannot be
    written."""
    if not Path(data_dir).is_dir():  # a data folder that has gone is never made again from here
        raise FileNotFoundError(f"the data folder {data_dir} is not there")
    path = draft_path(data_dir, session_id)
    if not text.strip() and not edit:
        try:
            path.unlink()
            fsync_dir(path.parent)
        except FileNotFoundError:
            pass
        return
    ensure_private_dir(path.parent)
    data = {"text": text, "speaker": speaker, "phase_id": phase_id, "fields": dict(fields or {})}
    if edit:
        data["edit"] = edit
    atomic_write(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _text_fields(fields: object) -> dict[str, str]:
    """Fields that are not text are left out."""
    if not isinstance(fields, dict):
        return {}
    return {k: v for k, v in fields.items() if isinstance(k, str) and isinstance(v, str)}


def _edit(edit: object) -> dict | None:
    """An edit kept in a draft, or None if there is none or it cannot be used."""
    if not isinstance(edit, dict) or not isinstance(edit.get("id"), str) or not isinstance(edit.get("text"), str):
        return None
    speaker = edit.get("speaker")
    return {"id": edit["id"], "text": edit["text"], "speaker": speaker if isinstance(speaker, str) else None,
            "fields": _text_fields(edit.get("fields"))}


def read_draft(data_dir: Path, session_id: str) -> dict | None:
    """The kept draft ({"text", "speaker", "phase_id", "fields", "edit"}), or None if there is none or it cannot be
    read (fields that are not text are left out; "edit" is None when no edit was kept)."""
    try:
        data = json.loads(read_whole(draft_path(data_dir, session_id)))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return None
    edit = _edit(data.get("edit"))
    if not data["text"].strip() and edit is None:
        return None
    speaker = data.get("speaker")
    return {
        "text": data["text"],
        "speaker": speaker if isinstance(speaker, str) else None,
        "phase_id": data.get("phase_id") if isinstance(data.get("phase_id"), str) else "",
        "fields": _text_fields(data.get("fields")),
        "edit": edit,
    }
