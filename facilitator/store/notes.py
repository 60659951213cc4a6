"""Facilitator-only notes: the safeguarding note of a session, kept apart from the group records.

<data>/safeguarding/<session id>.md, folder 0700, file 0600, written atomically. The note holds only the
contributions flagged as safeguarding concerns; when none are left flagged the file is removed, so nothing
that was unflagged (or undone) lingers on disk.
"""

from __future__ import annotations

from pathlib import Path

from .files import atomic_write, ensure_private_dir, fsync_dir

NOTES_DIR = "safeguarding"


def safeguarding_note_path(data_dir: Path, session_id: str) -> Path:
    return Path(data_dir) / NOTES_DIR / f"{session_id}.md"


def existing_note_path(data_dir: Path, session_id: str) -> Path | None:
    """The session's safeguarding note, if there is one on disk."""
    path = safeguarding_note_path(data_dir, session_id)
    return path if path.exists() else None


def write_safeguarding_note(data_dir: Path, session_id: str, content: str | None) -> Path | None:
    """Write the note (content) or, with content None, remove it. Returns the note's path, or None if removed.

    Raises OSError if it cannot be written.
    """
    path = safeguarding_note_path(data_dir, session_id)
    if content is None:
        try:
            path.unlink()
            fsync_dir(path.parent)
        except FileNotFoundError:
            pass
        return None
    ensure_private_dir(path.parent)
    atomic_write(path, content.encode("utf-8"))
    return path
