"""The only code that knows TinyDB and the data folder's layout.

<data>/.lock                        held while the app runs; a second app is refused
<data>/index.json                   TinyDB: one document per session (a summary); rebuildable
<data>/sessions/<id>.json           TinyDB per session: the session and its contributions
<data>/sessions/<id>.journal.jsonl  append-only journal; an fsynced line is an acknowledged change
<data>/records/                     written records (markdown, and exports)
<data>/quarantine/ <data>/backups/  damaged files moved aside; copies of ended sessions
<data>/templates/                   the team's own session templates
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import secrets
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB

from ..models import Contribution, Session, SessionStatus, SessionSummary
from .files import atomic_write, ensure_private_dir, remove_stray_temp_files
from .journal import Journal, JournalWriteError, apply_op, session_header
from .storage import AtomicJSONStorage, DamagedFileError

Clock = Callable[[], dt.datetime]


class StoreError(Exception):
    """A problem with the data folder, worded for the user (one sentence and the fix)."""


class FolderInUseError(StoreError):
    pass


class NotSavedError(StoreError):
    """A change could not be made durable. Nothing of it was kept; the caller keeps the user's text."""


class UnknownSessionError(StoreError):
    pass


def _default_clock() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EROFS,):
        return "the disk is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission was refused"
    return exc.strerror or str(exc)


class Store:
    def __init__(
        self,
        data_dir: Path | str,
        clock: Clock | None = None,
        id_factory: Callable[[], str] | None = None,
        read_only: bool = False,
    ):
        self.data_dir = Path(data_dir).expanduser()
        self.clock = clock or _default_clock
        self._id_factory = id_factory or (lambda: secrets.token_hex(4))
        self.read_only = read_only
        self.notices: list[str] = []
        self._lock: FileLock | None = None
        self._index: TinyDB | None = None
        self._session_dbs: dict[str, TinyDB] = {}
        self._thread_lock = threading.RLock()

    # ------------------------------------------------------------------ folders
    @property
    def sessions_dir(self) -> Path:
        return self.data_dir / "sessions"

    @property
    def records_dir(self) -> Path:
        return self.data_dir / "records"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def templates_dir(self) -> Path:
        return self.data_dir / "templates"

    def _session_path(self, session_id: str) -> Path:
        return self.sessions_dir / f"{session_id}.json"

    def _journal(self, session_id: str) -> Journal:
        return Journal(self.sessions_dir / f"{session_id}.journal.jsonl")

    # ------------------------------------------------------------------ open / close
    def open(self) -> "Store":
        if self.read_only:
            if not self.data_dir.is_dir():
                raise StoreError(
                    f"There is no data folder at {self.data_dir}; start the app once or pass --data-dir to the right folder."
                )
            self._open_index()
            return self
        try:
            ensure_private_dir(self.data_dir)
            for folder in (self.sessions_dir, self.records_dir, self.quarantine_dir, self.backups_dir):
                ensure_private_dir(folder)
            probe = self.data_dir / f".write-test-{os.getpid()}.tmp"
            atomic_write(probe, b"ok")
            probe.unlink()
        except OSError as exc:
            raise StoreError(
                f"Cannot use the data folder {self.data_dir}: {_reason(exc)}. "
                "Choose a folder you can write to with --data-dir or FACILITATOR_DATA_DIR."
            ) from None
        lock = FileLock(str(self.data_dir / ".lock"), timeout=0)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise FolderInUseError(
                f"The data folder {self.data_dir} is in use by another facilitator window; "
                "close that one first, or use another folder with --data-dir."
            ) from None
        self._lock = lock
        try:
            os.chmod(self.data_dir / ".lock", 0o600)
        except OSError:
            pass
        remove_stray_temp_files(self.data_dir)
        remove_stray_temp_files(self.sessions_dir)
        self._open_index()
        self._recover_sessions()
        return self

    def close(self) -> None:
        with self._thread_lock:
            for db in self._session_dbs.values():
                db.close()
            self._session_dbs.clear()
            if self._index is not None:
                self._index.close()
                self._index = None
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> "Store":
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ damage handling
    def quarantine(self, path: Path, why: str) -> Path:
        """Move a damaged file aside, untouched, and tell the user."""
        ensure_private_dir(self.quarantine_dir)
        stamp = self.clock().strftime("%Y%m%d-%H%M%S")
        target = self.quarantine_dir / f"{stamp}-{path.name}"
        n = 1
        while target.exists():
            target = self.quarantine_dir / f"{stamp}-{n}-{path.name}"
            n += 1
        shutil.move(str(path), str(target))
        self.notices.append(f"{path.name} was damaged ({why}); the original is kept in {target}.")
        return target

    def _open_index(self) -> None:
        path = self.data_dir / "index.json"
        index = TinyDB(storage=AtomicJSONStorage, path=path)
        try:
            index.table("sessions").all()
        except DamagedFileError as exc:
            index.close()
            if self.read_only:
                raise StoreError(
                    f"The session index {path} is damaged ({exc.reason}); start the app once to repair it."
                ) from None
            self.quarantine(path, exc.reason)
            index = TinyDB(storage=AtomicJSONStorage, path=path)
            self._index = index
            self._rebuild_index()
            return
        self._index = index

    def _rebuild_index(self) -> None:
        assert self._index is not None
        summaries = []
        for session_id in self._session_ids_on_disk():
            try:
                summaries.append(self._load_session_uncached(session_id).summary())
            except StoreError as exc:
                self.notices.append(str(exc))
        table = self._index.table("sessions")
        table.truncate()
        table.insert_multiple(s.model_dump(mode="json") for s in summaries)
        self.notices.append(f"The session index was rebuilt from {len(summaries)} session files.")

    def _session_ids_on_disk(self) -> list[str]:
        ids = set()
        if not self.sessions_dir.is_dir():
            return []
        for entry in os.scandir(self.sessions_dir):
            name = entry.name
            if name.startswith("."):
                continue
            if name.endswith(".journal.jsonl"):
                ids.add(name[: -len(".journal.jsonl")])
            elif name.endswith(".json"):
                ids.add(name[: -len(".json")])
        return sorted(ids)

    def _recover_sessions(self) -> None:
        """Bring the index up to date with every journal: new sessions, and those left running."""
        assert self._index is not None
        known = {doc["id"]: doc for doc in self._index.table("sessions").all()}
        to_check = [sid for sid in self._session_ids_on_disk() if sid not in known]
        to_check += [sid for sid, doc in known.items() if doc.get("status") == SessionStatus.running.value]
        for session_id in to_check:
            try:
                session = self.load_session(session_id)
            except StoreError as exc:
                self.notices.append(str(exc))
                continue
            self._put_summary(session)

    # ------------------------------------------------------------------ reading
    def list_sessions(self) -> list[SessionSummary]:
        assert self._index is not None, "open() the store first"
        with self._thread_lock:
            docs = self._index.table("sessions").all()
        summaries = [SessionSummary.model_validate(d) for d in docs]
        summaries.sort(key=lambda s: (s.date, s.created_at), reverse=True)
        return summaries

    def unfinished_sessions(self) -> list[SessionSummary]:
        return [s for s in self.list_sessions() if s.status == SessionStatus.running]

    def find_session_id(self, text: str) -> str:
        """A full id, or a unique prefix of one."""
        ids = [s.id for s in self.list_sessions()]
        if text in ids:
            return text
        matches = [i for i in ids if i.startswith(text)] if text else []
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise UnknownSessionError(
                f"'{text}' matches {len(matches)} sessions; type more of the id (see `facilitator sessions list`)."
            )
        raise UnknownSessionError(
            f"There is no session '{text}' in {self.data_dir}; run `facilitator sessions list` to see the ids."
        )

    def load_session(self, session_id: str) -> Session:
        with self._thread_lock:
            return self._load_session_uncached(session_id)

    def _load_session_uncached(self, session_id: str) -> Session:
        journal = self._journal(session_id)
        contents = journal.read()
        if contents.damaged_tail and not self.read_only:
            tail_path = self.quarantine_dir / f"{session_id}.journal-tail-{self.clock():%Y%m%d-%H%M%S}.bin"
            ensure_private_dir(self.quarantine_dir)
            atomic_write(tail_path, contents.damaged_tail)
            journal.truncate(contents.good_length)
            self.notices.append(
                f"The journal of session {session_id} ended in a half-written line (the app stopped while saving); "
                f"that line was never acknowledged and is kept in {tail_path}."
            )
        from_journal: Session | None = None
        for op in contents.ops:
            from_journal = apply_op(from_journal, op)

        path = self._session_path(session_id)
        from_db: Session | None = None
        if path.exists():
            try:
                from_db = self._read_session_db(path)
            except (DamagedFileError, ValueError) as exc:
                self._forget_db(session_id)
                if self.read_only:
                    if from_journal is None:
                        raise StoreError(f"The session file {path} is damaged and has no journal to rebuild it from.") from None
                else:
                    reason = exc.reason if isinstance(exc, DamagedFileError) else "its content is not a session"
                    self.quarantine(path, reason)
                    if from_journal is None:
                        raise StoreError(
                            f"Session {session_id} could not be recovered: its file was damaged and it has no journal."
                        ) from None

        if from_journal is None and from_db is None:
            raise UnknownSessionError(
                f"There is no session '{session_id}' in {self.data_dir}; run `facilitator sessions list` to see the ids."
            )
        session = from_journal if from_journal is not None else from_db
        assert session is not None
        if not self.read_only and from_journal is not None and (from_db is None or from_db != from_journal):
            self._write_session_db(session)
        return session

    def _read_session_db(self, path: Path) -> Session:
        db = TinyDB(storage=AtomicJSONStorage, path=path, create=False)
        try:
            header = db.table("session").all()
            contributions = db.table("contributions").all()
        finally:
            db.close()
        if not header:
            raise ValueError("no session header")
        return Session.model_validate({**header[0], "contributions": contributions})

    # ------------------------------------------------------------------ writing
    def _db(self, session_id: str) -> TinyDB:
        db = self._session_dbs.get(session_id)
        if db is None:
            db = TinyDB(storage=AtomicJSONStorage, path=self._session_path(session_id))
            self._session_dbs[session_id] = db
        return db

    def _forget_db(self, session_id: str) -> None:
        db = self._session_dbs.pop(session_id, None)
        if db is not None:
            db.close()

    def _write_session_db(self, session: Session) -> None:
        data = {
            "session": {"1": session_header(session)},
            "contributions": {
                str(i + 1): c.model_dump(mode="json") for i, c in enumerate(session.contributions)
            },
        }
        self._forget_db(session.id)
        AtomicJSONStorage(self._session_path(session.id)).write(data)

    def _put_summary(self, session: Session) -> None:
        assert self._index is not None
        doc = session.summary().model_dump(mode="json")
        self._index.table("sessions").upsert(doc, Query().id == session.id)

    def _acknowledge(self, session_id: str, op: dict[str, Any]) -> None:
        """Make one change durable in the journal, or raise NotSavedError with nothing kept."""
        if self.read_only:
            raise StoreError("This data folder was opened read-only; nothing can be changed.")
        op = {"at": self.clock().isoformat(), **op}
        try:
            self._journal(session_id).append(op)
        except JournalWriteError as exc:
            raise NotSavedError(
                f"Not saved: {_reason(exc)} ({self.data_dir}). Your text is still in the box; "
                "free some space or fix the folder, then press enter again."
            ) from None

    def _after_ack(self, session_id: str, apply: Callable[[], None]) -> None:
        """Update the TinyDB copy; if that fails the change is safe in the journal and replayed later."""
        try:
            apply()
        except OSError as exc:
            self._forget_db(session_id)
            self.notices.append(
                f"Saved to the journal, but the session file could not be updated yet ({_reason(exc)}); "
                "it will be brought up to date when the app next starts."
            )

    def new_session_id(self, date: dt.date) -> str:
        return f"{date:%Y%m%d}-{self._id_factory()}"

    def new_contribution_id(self) -> str:
        return secrets.token_hex(6)

    def create_session(self, session: Session) -> Session:
        with self._thread_lock:
            if self._session_path(session.id).exists() or self._journal(session.id).path.exists():
                raise StoreError(f"A session with id {session.id} already exists.")
            self._acknowledge(session.id, {"op": "create", "session": session_header(session)})
            for c in session.contributions:
                self._acknowledge(session.id, {"op": "add", "contribution": c.model_dump(mode="json")})
            self._after_ack(session.id, lambda: self._write_session_db(session))
            self._after_ack(session.id, lambda: self._put_summary(session))
            return session

    def add_contribution(self, session: Session, contribution: Contribution) -> None:
        """Record a contribution: durable before this returns, or NotSavedError and nothing changed."""
        with self._thread_lock:
            doc = contribution.model_dump(mode="json")
            self._acknowledge(session.id, {"op": "add", "contribution": doc})
            session.contributions.append(contribution)
            self._after_ack(session.id, lambda: self._db(session.id).table("contributions").insert(doc))

    def edit_contribution(self, session: Session, contribution_id: str, **fields: Any) -> Contribution:
        with self._thread_lock:
            index = next(i for i, c in enumerate(session.contributions) if c.id == contribution_id)
            current = session.contributions[index]
            updated = Contribution.model_validate({**current.model_dump(mode="json"), **fields})
            changes = {k: v for k, v in updated.model_dump(mode="json").items() if k in fields}
            self._acknowledge(session.id, {"op": "edit", "id": contribution_id, "fields": changes})
            session.contributions[index] = updated
            self._after_ack(
                session.id,
                lambda: self._db(session.id).table("contributions").update(changes, Query().id == contribution_id),
            )
            return updated

    def delete_contribution(self, session: Session, contribution_id: str) -> Contribution:
        with self._thread_lock:
            removed = next(c for c in session.contributions if c.id == contribution_id)
            self._acknowledge(session.id, {"op": "delete", "id": contribution_id})
            session.contributions = [c for c in session.contributions if c.id != contribution_id]
            self._after_ack(
                session.id, lambda: self._db(session.id).table("contributions").remove(Query().id == contribution_id)
            )
            return removed

    def update_session(self, session: Session, **fields: Any) -> Session:
        """Change session-level fields (phase, status, ...). Returns the updated session."""
        with self._thread_lock:
            data = session.model_dump(mode="json")
            data.update(fields)
            updated = Session.model_validate(data)
            header = session_header(updated)
            changes = {k: header[k] for k in fields}
            self._acknowledge(session.id, {"op": "update", "fields": changes})
            self._after_ack(session.id, lambda: self._db(session.id).table("session").update(changes, doc_ids=[1]))
            self._after_ack(session.id, lambda: self._put_summary(updated))
            return updated

    # ------------------------------------------------------------------ records
    def write_record(self, session: Session, content: bytes, extension: str, out: Path | None = None) -> Path:
        """Write an exported record; the default place is <data>/records/."""
        if out is None:
            ensure_private_dir(self.records_dir)
            out = self.records_dir / f"{session.date:%Y-%m-%d}-{session.template.id}-{session.id}.{extension}"
        try:
            atomic_write(out, content)
        except OSError as exc:
            raise StoreError(f"Could not write {out}: {_reason(exc)}. Choose another place with --out.") from None
        return out

    def backup_session(self, session: Session) -> Path | None:
        """Keep a copy of an ended session's file in backups/."""
        source = self._session_path(session.id)
        if not source.exists():
            return None
        target = self.backups_dir / source.name
        try:
            ensure_private_dir(self.backups_dir)
            atomic_write(target, source.read_bytes())
        except OSError:
            return None
        return target
