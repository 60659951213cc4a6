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
import threading
from pathlib import Path

from .files import FileTooLargeError, NotAFileError, atomic_write, ensure_private_dir, fsync_dir, read_whole

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


class DraftKeeper:
    """Writes the drafts off the screen's thread: a draft is kept every second while typing goes on, and each write
    is fsynced, so on a slow disk (a network home folder, a USB stick) writing it there held up the typing and the
    recording each time, for as long as the disk took. keep() returns at once; one thread writes, the newest draft
    of each session winning over one not yet written; flush() waits for those given. Nothing touches the disk or
    starts a thread until the first keep()."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._waiting: dict[str, tuple] = {}  # session id -> write_draft's arguments, not yet written
        self._writing: str | None = None  # the session whose draft the thread is writing now
        self._failed: dict[str, str] = {}  # session id -> why its last draft could not be written
        self._thread: threading.Thread | None = None

    def keep(
        self, data_dir: Path, session_id: str, text: str, speaker: str | None = None, phase_id: str = "",
        fields: dict[str, str] | None = None, edit: dict | None = None,
    ) -> None:
        """The draft to keep (empty text and no edit: remove it), written a moment later by the keeper's thread."""
        with self._changed:
            self._waiting[session_id] = (data_dir, session_id, text, speaker, phase_id, dict(fields or {}), edit)
            self._failed.pop(session_id, None)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._write_all, name="drafts", daemon=True)
                self._thread.start()
            self._changed.notify_all()

    def failed(self, session_id: str) -> bool:
        """Whether the session's last draft given could not be written (the text is still in the box)."""
        with self._changed:
            return session_id in self._failed

    def why_failed(self, session_id: str) -> str:
        """Why the session's last draft could not be written, in a few words ("" if it was)."""
        with self._changed:
            return self._failed.get(session_id, "")

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every draft given has been written (or has failed); False if the disk took longer than
        ``timeout`` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._waiting and self._writing is None, timeout)

    def _write_all(self) -> None:
        while True:
            with self._changed:
                if not self._changed.wait_for(lambda: self._waiting, timeout=5.0):
                    self._thread = None  # nothing more to write for now: the next keep() starts a thread again
                    return
                session_id, arguments = next(iter(self._waiting.items()))
                del self._waiting[session_id]
                self._writing = session_id
            try:
                write_draft(*arguments)
                failed = ""
            except Exception as exc:  # noqa: BLE001 - a draft that cannot be written is said by failed(), never raised
                # here: the thread goes on, and flush() is not left waiting for a write that ended
                failed = (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__).lower()
            with self._changed:
                if failed:
                    self._failed[session_id] = failed
                self._writing = None
                self._changed.notify_all()


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


def read_draft(data_dir: Path, session_id: str, damaged: list[str] | None = None) -> dict | None:
    """The kept draft ({"text", "speaker", "phase_id", "fields", "edit"}), or None if there is none or it cannot be
    read (fields that are not text are left out; "edit" is None when no edit was kept). A draft file that is not one
    as the app writes it adds why to ``damaged`` (the caller sets it aside: a new draft would overwrite it)."""
    try:
        data = json.loads(read_whole(draft_path(data_dir, session_id)))
    except (IsADirectoryError, FileTooLargeError, NotAFileError) as exc:
        # Something in the draft's place the app never writes (a folder, a device, a huge file): set aside by the
        # caller, and said, as a damaged draft is (it was passed over without a word, and every draft kept
        # afterwards failed against it).
        if damaged is not None:
            damaged.append("it is a folder, not a file" if isinstance(exc, IsADirectoryError) else exc.reason)
        return None
    except OSError:  # (none kept, or one that cannot be read just now: left where it is)
        return None
    except (ValueError, RecursionError):  # (RecursionError: lists nested thousands deep)
        if damaged is not None:
            damaged.append("it is cut off or not valid JSON")
        return None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        if damaged is not None:
            damaged.append("it does not hold a draft as the app writes it")
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
