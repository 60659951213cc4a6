"""The only code that knows TinyDB and the data folder's layout.

<data>/.lock                        held while the app runs; a second app is refused
<data>/index.json                   TinyDB: one document per session (a summary); rebuildable
<data>/sessions/<id>.json           TinyDB per session: the session, its contributions, and in ``_meta``
                                    the last journal line (``seq``) and journal length it contains
<data>/sessions/<id>.journal.jsonl  append-only journal; an fsynced line is an acknowledged change
<data>/records/                     written records (markdown, and exports)
<data>/quarantine/                  damaged files moved aside, byte for byte
<data>/backups/<id>.json            a good copy of each session file, taken at every phase change and at the end
                                    (self-contained: with its template snapshot inside)
<data>/templates-used/<id>-<version>-<hash>.json
                                    the snapshot of each template version sessions were run with, written once
                                    (fsynced) before any session file that refers to it; a session file holds
                                    ``template_ref`` instead of a copy of its template (older files that embed
                                    the template are read as they are). Journals keep the whole template.
<data>/history-cache.json           derived, rebuildable: the history's compact facts (see store/history.py)
<data>/templates/                   the team's own session templates

Recording a change: append it to the journal and fsync (that is the acknowledgement), then update
the session's TinyDB file (atomic replace). If the second step fails the change is safe in the
journal; the session file is rewritten whole at the next change, at close, or at the next start.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import hashlib
import os
import re
import secrets
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson
from filelock import FileLock, Timeout
from tinydb import Query, TinyDB

from ..text import plural
from ..vocabulary import SessionStatus
from .files import FILE_MODE, TEMP_SUFFIX, atomic_write, ensure_private_dir, fsync_dir, remove_stray_temp_files
from .journal import Journal, JournalContents, JournalWriteError, apply_op, contribution_doc, session_header
from .storage import META_TABLE, AtomicJSONStorage, DamagedFileError, parse_database

if TYPE_CHECKING:  # the pydantic models are imported where they are used: not needed to open the store
    from ..models import Contribution, Session, SessionSummary, Template

Clock = Callable[[], dt.datetime]

JOURNAL_SUFFIX = ".journal.jsonl"


class StoreError(Exception):
    """A problem with the data folder, worded for the user (one sentence and the fix)."""


class FolderInUseError(StoreError):
    pass


class NotSavedError(StoreError):
    """A change could not be made durable. Nothing of it was kept; the caller keeps the user's text."""


class UnknownSessionError(StoreError):
    pass


class SessionLostError(StoreError):
    """A session's files are damaged beyond repair (the damaged bytes are in quarantine/)."""


@dataclass(eq=False)
class HistoryEntry:
    """One session of the history as stored: its summary and documents, validated only when asked.

    Turning 200,000 contribution documents into pydantic objects takes seconds; a history screen
    lists and searches the documents and calls ``session()`` for the one it opens. Contribution
    documents leave out fields at their default value: read them with ``doc.get("tags", [])``.
    """

    summary: SessionSummary
    header: dict[str, Any]
    contributions: list[dict[str, Any]]
    _session: Session | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.summary.id

    def session(self) -> Session:
        if self._session is None:
            from ..models import Session

            self._session = Session.model_validate({**self.header, "contributions": self.contributions})
        return self._session

    @classmethod
    def of(cls, session: Session) -> "HistoryEntry":
        return cls(
            session.summary(),
            session_header(session),
            [contribution_doc(c) for c in session.contributions],
            session,
        )


class SessionRow(NamedTuple):
    """A session as the home screen lists it: read from the index alone, without the pydantic models."""

    id: str
    title: str
    team: str
    template_id: str
    template_name: str
    date: dt.date
    status: str  # a SessionStatus value
    current_phase: int
    phase_count: int
    created_at: dt.datetime
    record_path: str | None

    @classmethod
    def of(cls, summary: SessionSummary) -> "SessionRow":
        return cls(
            summary.id, summary.title, summary.team, summary.template_id, summary.template_name, summary.date,
            summary.status.value,
            summary.current_phase, summary.phase_count, summary.created_at, summary.record_path,
        )

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> "SessionRow":
        """From an index document; ValueError, TypeError or KeyError if it is not one as the store writes them."""
        row = cls(
            doc["id"], doc["title"], doc.get("team", ""), doc["template_id"], doc.get("template_name", ""),
            dt.date.fromisoformat(doc["date"]), SessionStatus(doc["status"]).value, doc.get("current_phase", 0),
            doc.get("phase_count", 1), dt.datetime.fromisoformat(doc["created_at"]), doc.get("record_path"),
        )
        texts = (row.id, row.title, row.team, row.template_id, row.template_name)
        if not all(isinstance(t, str) for t in texts) or not all(type(n) is int for n in (row.current_phase, row.phase_count)):
            raise TypeError("not an index document")
        return row


def _default_clock() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission was refused"
    if exc.errno == errno.EIO:
        return "the disk reported an input/output error"
    return (exc.strerror or str(exc)).rstrip(".").lower()


def _read_tables(path: Path, data: bytes) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """(session header, contributions, meta) of a session file, or DamagedFileError."""
    tables = parse_database(path, data)
    header_table = tables.get("session") or {}
    if not header_table:
        raise DamagedFileError(path, "it does not hold a session")
    header = next(iter(header_table.values()))
    contributions = list((tables.get("contributions") or {}).values())
    meta = (tables.get(META_TABLE) or {}).get("1") or {}
    return header, contributions, meta


def _session_from_file(
    path: Path, data: bytes, resolve: Callable[[dict, Path], dict] | None = None,
    templates: dict[str, Template] | None = None,
) -> tuple[Session, dict]:
    from ..models import Session, Template

    header, contributions, meta = _read_tables(path, data)
    ref = header.get(TEMPLATE_REF)
    if resolve is not None:
        header = resolve(header, path)
    elif isinstance(ref, str):  # a session file on its own: its snapshot is in <data>/templates-used/
        header = Store(path.parent.parent, read_only=True).resolve_template(header, path)
    try:
        if templates is not None and isinstance(ref, str):
            template = templates.get(ref)
            if template is None:
                template = templates[ref] = Template.model_validate(header["template"])
            header = {**header, "template": template}
        session = Session.model_validate({**header, "contributions": contributions})
    except (ValueError, TypeError, KeyError):  # pydantic's ValidationError is a ValueError
        raise DamagedFileError(path, "it does not hold a valid session") from None
    return session, meta


TEMPLATE_REF = "template_ref"


def template_ref(template: dict[str, Any]) -> tuple[str, bytes]:
    """The name of a template snapshot (``<id>-<version>-<hash of its content>``) and its canonical bytes."""
    canonical = orjson.dumps(template, option=orjson.OPT_SORT_KEYS)
    digest = hashlib.sha256(canonical).hexdigest()[:16]
    safe = [re.sub(r"[^A-Za-z0-9._-]+", "_", str(template.get(key, "")))[:60] for key in ("id", "version")]
    return f"{safe[0]}-{safe[1]}-{digest}", canonical


def _session_file_bytes(session: Session, seq: int, journal_bytes: int, ref: str | None = None) -> bytes:
    """The whole session file; with ``ref`` the template is referred to, not copied."""
    if ref is None:
        header = session_header(session)
    else:
        header = session.model_dump(mode="json", exclude={"contributions", "template"})
        header[TEMPLATE_REF] = ref
    return orjson.dumps(
        {
            "session": {"1": header},
            "contributions": {str(i + 1): contribution_doc(c) for i, c in enumerate(session.contributions)},
            META_TABLE: {"1": {"seq": seq, "journal_bytes": journal_bytes}},
        }
    )


#: index document fields whose values repeat from session to session (the id: in the history index too)
_SHARED_VALUES = ("id", "team", "facilitator", "template_id", "template_name", "status", "date")


@contextlib.contextmanager
def _no_gc():
    """Pause the cyclic garbage collector while building many small objects that all stay alive.

    Parsing a long history creates millions of dicts; each collection would walk all of them again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
        #: what the user must be told about repairs made while opening or loading (one sentence each)
        self.notices: list[str] = []
        self._lock: FileLock | None = None
        self._index: TinyDB | None = None
        self._docs: dict[str, dict[str, Any]] | None = None  # index documents, by session id
        self._validated: dict[str, SessionSummary] = {}
        self._file_sizes: dict[str, tuple[int, int]] = {}  # session file and journal sizes last written
        self._stale: set[str] = set()  # index says: this session's file may be behind its journal
        self._index_behind = False  # the index file on disk misses a change kept in _docs
        self._session_dbs: dict[str, TinyDB] = {}
        self._seq: dict[str, int] = {}
        self._journal_bytes: dict[str, int] = {}
        self._dirty: dict[str, Session] = {}  # session file behind the journal: rewrite whole next time
        self._unflushed: dict[str, tuple[int, float]] = {}  # changes kept in memory, and since when
        self._templates: dict[str, dict[str, Any]] = {}  # template snapshots read or written, by ref
        self._template_models: dict[str, Template] = {}  # the same, validated once
        self._refs: dict[int, tuple[Template, str]] = {}  # Template object -> its ref (kept alive here)
        #: a session file is written after this many changes, or this many seconds, whichever first
        self.flush_every = 32
        self.flush_after = 5.0
        self._thread_lock = threading.RLock()
        #: goes up with every change this store makes to the folder (recorded, imported, repaired): a
        #: reader that saw the same count has nothing new to read (the folder's lock keeps other writers out)
        self.changes = 0

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

    @property
    def index_path(self) -> Path:
        return self.data_dir / "index.json"

    @property
    def templates_used_dir(self) -> Path:
        return self.data_dir / "templates-used"

    # ------------------------------------------------------------------ template snapshots
    def _template_path(self, ref: str) -> Path:
        return self.templates_used_dir / f"{ref}.json"

    def _ensure_template(self, template: Template) -> str:
        """The ref of a session's template, its snapshot file written (fsynced) first if it is not there yet."""
        known = self._refs.get(id(template))
        if known is not None and known[0] is template:
            return known[1]
        doc = template.model_dump(mode="json")
        ref, canonical = template_ref(doc)
        if ref not in self._templates:
            path = self._template_path(ref)
            try:
                good = orjson.loads(path.read_bytes()) == doc
            except FileNotFoundError:
                good = False
            except (OSError, ValueError):
                good = False
            if not good:
                if path.exists():
                    self._quarantine_move(path)  # damaged: kept aside, written again from the session
                if not self.templates_used_dir.is_dir():
                    ensure_private_dir(self.templates_used_dir)
                    fsync_dir(self.data_dir)
                atomic_write(path, canonical)
            self._templates[ref] = doc
        self._refs[id(template)] = (template, ref)
        return ref

    def _template_doc(self, path: Path, ref: Any) -> dict[str, Any]:
        """A template snapshot by ref, read once; DamagedFileError (of the session file ``path``) if it cannot be."""
        doc = self._templates.get(ref) if isinstance(ref, str) else None
        if doc is not None:
            return doc
        if not isinstance(ref, str) or "/" in ref or ref.startswith("."):
            raise DamagedFileError(path, "it does not say which template it was run with")
        snapshot = self._template_path(ref)
        try:
            data = snapshot.read_bytes()
            doc = orjson.loads(data)
        except (OSError, ValueError):
            raise DamagedFileError(path, f"the template snapshot {snapshot} is missing or damaged") from None
        if not isinstance(doc, dict) or template_ref(doc)[0] != ref:
            raise DamagedFileError(path, f"the template snapshot {snapshot} is damaged")
        self._templates[ref] = doc
        return doc

    def resolve_template(self, header: dict[str, Any], path: Path | None = None) -> dict[str, Any]:
        """A stored session header with its template in it (files that refer to a snapshot get the shared copy)."""
        if isinstance(header.get("template"), dict) or TEMPLATE_REF not in header:
            return header
        ref = header.pop(TEMPLATE_REF)
        header["template"] = self._template_doc(path or self.templates_used_dir, ref)
        return header

    def _file_bytes(self, session: Session, seq: int, journal_bytes: int) -> bytes:
        return _session_file_bytes(session, seq, journal_bytes, self._ensure_template(session.template))

    def _self_contained(self, path: Path, data: bytes) -> bytes:
        """A session file's bytes with its template snapshot inside (for backups, which must stand alone)."""
        tables = parse_database(path, data)
        header = next(iter((tables.get("session") or {}).values()), None)
        if not isinstance(header, dict) or TEMPLATE_REF not in header:
            return data
        self.resolve_template(header, path)
        return orjson.dumps(tables)

    def _session_path(self, session_id: str) -> Path:
        return self.sessions_dir / f"{session_id}.json"

    def _backup_path(self, session_id: str) -> Path:
        return self.backups_dir / f"{session_id}.json"

    def _journal(self, session_id: str) -> Journal:
        return Journal(self.sessions_dir / f"{session_id}{JOURNAL_SUFFIX}")

    # ------------------------------------------------------------------ open / close
    def open(self) -> "Store":
        with self._thread_lock:
            if self.read_only:
                return self._open_read_only()
            try:
                ensure_private_dir(self.data_dir)
            except OSError as exc:
                raise self._unusable(exc) from None
            lock = FileLock(str(self.data_dir / ".lock"), timeout=0, mode=FILE_MODE, thread_local=False)
            try:
                lock.acquire(timeout=0)
            except Timeout:
                raise FolderInUseError(
                    f"The data folder {self.data_dir} is in use by another facilitator window; "
                    "close that one first, or use another folder with --data-dir."
                ) from None
            except OSError as exc:
                raise self._unusable(exc) from None
            self._lock = lock
            try:
                self._open_locked()
            except BaseException:
                self.close()
                raise
            return self

    def _unusable(self, exc: OSError) -> StoreError:
        return StoreError(
            f"Cannot use the data folder {self.data_dir}: {_reason(exc)}. "
            "Choose a folder you can write to with --data-dir or FACILITATOR_DATA_DIR."
        )

    def _open_locked(self) -> None:
        try:
            lock_path = self.data_dir / ".lock"
            if (lock_path.stat().st_mode & 0o777) != FILE_MODE:
                os.chmod(lock_path, FILE_MODE)
            for folder in (self.sessions_dir, self.records_dir, self.quarantine_dir, self.backups_dir):
                ensure_private_dir(folder)
            probe = self.data_dir / f".write-test-{os.getpid()}.tmp"
            atomic_write(probe, b"ok")
            probe.unlink()
        except OSError as exc:
            raise self._unusable(exc) from None
        for folder in (self.data_dir, self.backups_dir, self.records_dir, self.quarantine_dir, self.templates_used_dir):
            remove_stray_temp_files(folder)  # sessions/: in the same pass as the start-up checks
        self._open_index()
        self._check_sessions()

    def close(self) -> None:
        with self._thread_lock:
            self.flush()  # what fails is still safe in the journal; brought up to date at the next start
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
    def _quarantine_target(self, name: str) -> Path:
        ensure_private_dir(self.quarantine_dir)
        stamp = self.clock().strftime("%Y%m%d-%H%M%S")
        target = self.quarantine_dir / f"{stamp}-{name}"
        n = 1
        while target.exists():
            target = self.quarantine_dir / f"{stamp}-{n}-{name}"
            n += 1
        return target

    def _quarantine_move(self, path: Path) -> Path:
        """Move a damaged file aside, byte for byte (a rename), so it is never overwritten."""
        target = self._quarantine_target(path.name)
        os.replace(path, target)
        try:
            os.chmod(target, FILE_MODE)
        except OSError:
            pass
        return target

    def _quarantine_copy(self, path: Path, data: bytes) -> Path:
        target = self._quarantine_target(path.name)
        atomic_write(target, data)
        return target

    def quarantine(self, path: Path, why: str) -> Path:
        """Move a damaged file aside, untouched, and tell the user."""
        target = self._quarantine_move(path)
        self.changes += 1
        self.notices.append(f"The file {path} could not be read because {why}, so it was moved to {target}.")
        return target

    # ------------------------------------------------------------------ index
    # The index holds one document per session: its summary, plus "stale" (its file may be behind
    # its journal), and "db_size" / "journal_size" (the sizes of its files when the entry was
    # written). At start a session whose files still have those sizes is not read at all.

    def _open_read_only(self) -> "Store":
        if not self.data_dir.is_dir():
            raise StoreError(
                f"There is no data folder at {self.data_dir}; start the app once or pass --data-dir to the right folder."
            )
        self._docs = {}
        try:
            self._docs = self._docs_from(parse_database(self.index_path, self.index_path.read_bytes()))
        except FileNotFoundError:
            pass
        except DamagedFileError:
            self.notices.append(
                f"The session index {self.index_path} could not be read, so the list was made from the session files; "
                "start the app once to repair it."
            )
        for session_id in self._session_ids_on_disk():
            if session_id not in self._docs:
                try:
                    self._docs[session_id] = self._doc_for(self._load(session_id))
                except StoreError:
                    continue
        return self

    def _docs_from(self, tables: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        docs = {}
        for doc in (tables.get("sessions") or {}).values():
            if not isinstance(doc, dict) or not isinstance(doc.get("id"), str) or not isinstance(doc.get("status"), str):
                raise DamagedFileError(self.index_path, "its entries are not session summaries")
            for key in _SHARED_VALUES:  # the same few teams, templates and statuses in every document: kept once
                value = doc.get(key)
                if type(value) is str:
                    doc[key] = sys.intern(value)
            docs[doc["id"]] = doc
        return docs

    def _open_index(self) -> None:
        path = self.index_path
        storage = AtomicJSONStorage(path)
        try:
            self._docs = self._docs_from(storage.read() or {})
        except DamagedFileError as exc:
            target = self._quarantine_move(path)
            count = self._rebuild_index()
            self.notices.append(
                f"The session index {path} could not be read because {exc.reason}, so it was rebuilt from "
                f"{plural(count, 'session')} in {self.sessions_dir} and the damaged file is kept in {target}."
            )
            return
        self._stale = {i for i, doc in self._docs.items() if doc.get("stale")}
        # TinyDB reads the file again when the index is first changed: its bytes are not kept meanwhile.
        self._index = TinyDB(storage=AtomicJSONStorage, path=path)

    def _rebuild_index(self) -> int:
        self._docs, self._validated, self._stale = {}, {}, set()
        for session_id in self._session_ids_on_disk(include_backups=True):
            try:
                self._docs[session_id] = self._doc_for(self._load(session_id))
            except SessionLostError as exc:
                self.notices.append(str(exc))
            except StoreError:
                continue
        self._write_index()
        return len(self._docs)

    def _doc_for(self, session: Session, stale: bool = False) -> dict[str, Any]:
        sizes: tuple[int | None, int | None] = (None, None)
        if not stale and session.id not in self._unflushed and session.id not in self._dirty:
            sizes = self._file_sizes.get(session.id, sizes)
        return {
            **session.summary().model_dump(mode="json"),
            "stale": stale,
            "db_size": sizes[0],
            "journal_size": sizes[1],
        }

    def _write_index(self) -> None:
        """Write the whole index from what is known in memory (after a rebuild or a failed write)."""
        data = orjson.dumps({"sessions": {str(n): doc for n, doc in enumerate(self._docs.values(), start=1)}})
        if self._index is not None:
            self._index.close()
            self._index = None
        try:
            atomic_write(self.index_path, data)
            self._index_behind = False
        except OSError:
            self._index_behind = True
        index = TinyDB(storage=AtomicJSONStorage, path=self.index_path)
        index.storage.preload(data)
        self._index = index

    def _put_summary(self, session: Session, stale: bool = False) -> None:
        doc = self._doc_for(session, stale)
        if stale:
            self._stale.add(session.id)
        else:
            self._stale.discard(session.id)
        if self._docs.get(session.id) == doc and not self._index_behind:
            return
        self._docs[session.id] = doc
        self._validated.pop(session.id, None)
        if self.read_only:
            return
        if self._index_behind or self._index is None:
            self._write_index()
            return
        try:
            self._index.table("sessions").upsert(doc, Query().id == session.id)
        except OSError:
            self._index_behind = True

    def _drop_summary(self, session_id: str) -> None:
        self._validated.pop(session_id, None)
        if self._docs.pop(session_id, None) is not None and not self.read_only:
            self._stale.discard(session_id)
            self._write_index()

    def _session_ids_on_disk(self, include_backups: bool = False) -> list[str]:
        ids = set()
        folders = [self.sessions_dir] + ([self.backups_dir] if include_backups else [])
        for folder in folders:
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder):
                name = entry.name
                if name.startswith("."):
                    continue
                if name.endswith(JOURNAL_SUFFIX):
                    ids.add(name[: -len(JOURNAL_SUFFIX)])
                elif name.endswith(".json"):
                    ids.add(name[: -len(".json")])
        return sorted(ids)

    def _check_sessions(self) -> None:
        """At start: bring the index up to date with the files, and repair what a crash or damage left.

        Fully loaded (and repaired): sessions left running, sessions the index does not know or
        marks stale, and ended ones whose files no longer have the sizes the index noted (cut off,
        emptied, replaced, or changed after the entry was written). The rest cost one directory
        entry each, so opening stays fast with thousands of sessions. Damage that keeps a file's
        size is found when the session is loaded, and repaired the same way.
        """
        sizes: dict[str, int] = {}
        sessions_dir = str(self.sessions_dir)
        with os.scandir(sessions_dir) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    if name.endswith(TEMP_SUFFIX):
                        try:
                            os.unlink(entry.path)  # a write the app never finished
                        except OSError:
                            pass
                    continue
                try:
                    sizes[name] = entry.stat().st_size
                except OSError:
                    continue
        on_disk = set()
        for name in sizes:
            if name.endswith(JOURNAL_SUFFIX):
                on_disk.add(name[: -len(JOURNAL_SUFFIX)])
            elif name.endswith(".json"):
                on_disk.add(name[:-5])
        to_check = on_disk - self._docs.keys()
        ended = SessionStatus.ended.value
        for session_id, doc in self._docs.items():
            if (
                doc.get("status") != ended
                or doc.get("stale")
                or sizes.get(session_id + ".json") != doc.get("db_size")
                or sizes.get(session_id + JOURNAL_SUFFIX, 0) != doc.get("journal_size")
            ):
                to_check.add(session_id)
        changed = False
        for session_id in sorted(to_check):
            try:
                session = self._load(session_id)
            except SessionLostError as exc:
                self.notices.append(str(exc))
                changed |= self._docs.pop(session_id, None) is not None
                continue
            except UnknownSessionError:
                doc = self._docs.pop(session_id, None)
                if doc is not None:
                    changed = True
                    self.notices.append(
                        f"The files of “{doc.get('title', session_id)}” ({session_id}) are no longer in "
                        f"{self.sessions_dir}, so it was taken off the list of sessions."
                    )
                continue
            doc = self._doc_for(session)
            if self._docs.get(session_id) != doc:
                self._docs[session_id] = doc
                self._validated.pop(session_id, None)
                self._stale.discard(session_id)
                changed = True
        if changed:
            self._write_index()

    # ------------------------------------------------------------------ reading
    def _summary_map(self) -> dict[str, SessionSummary]:
        """Summaries of every session, validated from the index documents on first use."""
        bad = []
        for session_id, doc in self._docs.items():
            if session_id not in self._validated:
                from ..models import SessionSummary

                try:
                    self._validated[session_id] = SessionSummary.model_validate(doc)
                except ValueError:  # pydantic's ValidationError
                    bad.append(session_id)
        for session_id in bad:
            try:
                session = self._load(session_id)
            except StoreError:
                self._docs.pop(session_id, None)
                continue
            self._put_summary(session)
            self._validated[session_id] = session.summary()
        return self._validated

    def list_sessions(self) -> list[SessionSummary]:
        assert self._docs is not None, "open() the store first"
        with self._thread_lock:
            summaries = list(self._summary_map().values())
        summaries.sort(key=lambda s: (s.date, s.created_at), reverse=True)
        return summaries

    def session_rows(self) -> list[SessionRow]:
        """Every session, newest first, as the home screen lists them: from the index documents as they are,
        without validating them into SessionSummary (and so without loading pydantic) while they are as the
        store wrote them; through list_sessions (which checks and repairs) if any is not."""
        assert self._docs is not None, "open() the store first"
        with self._thread_lock:
            try:
                rows = [SessionRow.from_doc(doc) for doc in self._docs.values()]
                rows.sort(key=lambda r: (r.date, r.created_at), reverse=True)
                return rows
            except (ValueError, TypeError, KeyError, AttributeError):
                pass
        return [SessionRow.of(s) for s in self.list_sessions()]

    def unfinished_sessions(self) -> list[SessionSummary]:
        """Sessions that were running when the app last stopped (or still are): offered for resumption."""
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
        """The session with everything recorded in it, repaired from its journal or backup if need be."""
        with self._thread_lock:
            try:
                session = self._load(session_id)
            except SessionLostError:
                if not self.read_only:
                    self._drop_summary(session_id)
                raise
            if not self.read_only and self._docs is not None and self._docs.get(session_id) != self._doc_for(session):
                self._put_summary(session)
            return session

    def load_history(self) -> list[HistoryEntry]:
        """Every session with all its contributions, newest first, as stored documents (see HistoryEntry).

        A session file whose recorded journal length matches its journal is read as it is; any
        other goes through load_session (journal replayed, damage repaired), so the history never
        misses an acknowledged change.
        """
        with self._thread_lock, _no_gc():
            if not self.read_only:
                self.flush()
            sizes: dict[str, int] = {}
            if self.sessions_dir.is_dir():
                for entry in os.scandir(self.sessions_dir):
                    if entry.name.endswith(JOURNAL_SUFFIX):
                        try:
                            sizes[entry.name] = entry.stat().st_size
                        except OSError:
                            pass
            history = []
            folder = str(self.sessions_dir)
            for summary in self.list_sessions():
                session_id = summary.id
                entry = None
                if session_id not in self._stale and session_id not in self._dirty:
                    path_name = os.path.join(folder, f"{session_id}.json")
                    try:
                        with open(path_name, "rb") as f:
                            data = f.read()
                        header, contributions, meta = _read_tables(path_name, data)  # type: ignore[arg-type]
                        if meta.get("journal_bytes") == sizes.get(f"{session_id}{JOURNAL_SUFFIX}", 0):
                            entry = HistoryEntry(summary, self.resolve_template(header, path_name), contributions)  # type: ignore[arg-type]
                    except (OSError, DamagedFileError):
                        pass
                if entry is None:
                    try:
                        entry = HistoryEntry.of(self.load_session(session_id))
                    except StoreError as exc:
                        if str(exc) not in self.notices:
                            self.notices.append(str(exc))
                        continue
                history.append(entry)
            return history

    def _read_backup(self, session_id: str) -> tuple[Session, dict] | None:
        path = self._backup_path(session_id)
        try:
            return _session_from_file(path, path.read_bytes(), self.resolve_template, self._template_models)
        except (OSError, DamagedFileError):
            return None

    def _load(self, session_id: str) -> Session:
        """Session file + journal lines newer than it; repairs damage unless the store is read-only."""
        repair = not self.read_only
        db_path = self._session_path(session_id)
        journal = self._journal(session_id)
        contents = journal.read()
        journal_target: Path | None = None
        journal_bytes = contents.size
        if repair and (contents.damaged_tail or contents.damaged_lines):
            try:
                journal_target = self._repair_journal(journal, contents)
                journal_bytes = journal.size()
            except OSError:
                repair = False  # cannot write now: use what can be read, repair at a later start

        db_session: Session | None = None
        db_meta: dict = {}
        db_problem: str | None = None
        db_target: Path | None = None
        try:
            data: bytes | None = db_path.read_bytes()
        except FileNotFoundError:
            data = None
        if data is not None:
            try:
                db_session, db_meta = _session_from_file(db_path, data, self.resolve_template, self._template_models)
            except DamagedFileError as exc:
                db_problem = exc.reason
                self._forget_db(session_id)
                if repair:
                    try:
                        db_target = self._quarantine_move(db_path)
                    except OSError:
                        repair = False

        ops = contents.ops
        has_create = any(op.get("op") == "create" for op in ops)
        missing = contents.missing_seqs()
        base: Session | None = db_session
        base_seq = int(db_meta.get("seq", 0)) if db_session is not None else 0
        source = "file"
        if base is None:
            if has_create and not missing and not contents.damaged_lines:
                source = "journal"
            else:
                backup = self._read_backup(session_id)
                if backup is not None:
                    base, backup_meta = backup
                    base_seq = int(backup_meta.get("seq", 0))
                    source = "backup"
                elif has_create:
                    source = "journal"
                else:
                    source = "none"

        session = base
        applied = 0
        for op in ops:
            seq = op.get("seq")
            if isinstance(seq, int) and seq <= base_seq:
                continue
            session = apply_op(session, op)
            applied += 1
        lost = [n for n in missing if n > base_seq]
        last_seq = max(base_seq, contents.last_seq)

        if session is None:
            if db_problem is None and not ops and not contents.damaged_lines and not contents.damaged_tail:
                raise UnknownSessionError(
                    f"There is no session '{session_id}' in {self.data_dir}; "
                    "run `facilitator sessions list` to see the ids."
                )
            if db_problem:
                what = f"The session file {db_path} could not be read because {db_problem}"
            else:
                what = f"The journal {journal.path} has lost the start of session {session_id}"
            raise SessionLostError(
                f"{what} and there is no journal or backup to rebuild it from, so session {session_id} "
                f"could not be opened; the damaged files are kept in {self.quarantine_dir}."
            )

        if repair:
            self._seq[session_id] = last_seq
            if source != "file" or applied or db_meta.get("journal_bytes") != journal_bytes:
                try:
                    self._write_session_file(session, last_seq, journal_bytes)
                except OSError:
                    self._dirty[session_id] = session
            else:
                self._journal_bytes[session_id] = journal_bytes
                self._file_sizes[session_id] = (len(data or b""), journal_bytes)
                self._dirty.pop(session_id, None)

        notice = self._load_notice(
            session, db_path, db_problem, db_target, source, journal, contents, journal_target, lost
        )
        if notice and not self.read_only:
            self.notices.append(notice)
        return session

    def _repair_journal(self, journal: Journal, contents: JournalContents) -> Path:
        self.changes += 1  # a repaired file: readers look again
        """Keep the damaged journal's bytes in quarantine, then leave only its readable lines in place."""
        target = self._quarantine_copy(journal.path, contents.raw)
        if contents.damaged_lines:
            clean = b"".join(orjson.dumps(op) + b"\n" for op in contents.ops)
            atomic_write(journal.path, clean)
        else:
            journal.truncate(contents.good_length)
        return target

    def _load_notice(
        self,
        session: Session,
        db_path: Path,
        db_problem: str | None,
        db_target: Path | None,
        source: str,
        journal: Journal,
        contents: JournalContents,
        journal_target: Path | None,
        lost: list[int],
    ) -> str | None:
        title = f"“{session.title}”"
        losing = f"{plural(len(lost), 'recorded change')} in unreadable journal lines could not be recovered"
        if db_problem:
            if source == "journal" and not lost:
                rebuilt = "was rebuilt from its journal with nothing lost"
            elif source == "journal":
                rebuilt = f"was rebuilt from its journal but {losing}"
            else:
                rebuilt = "was rebuilt from its backup" + (" and journal" if contents.ops else "")
                rebuilt += f" but {losing}" if lost else " with nothing lost"
            kept = f"the damaged file is kept in {db_target}" if db_target else "the damaged file was left in place"
            if journal_target:
                kept = f"the damaged files are kept in {self.quarantine_dir}"
            return f"The session file {db_path} could not be read because {db_problem}, so {title} {rebuilt}; {kept}."
        if contents.damaged_lines:
            count = plural(contents.damaged_lines, "unreadable line")
            outcome = (
                f"{losing}" if lost else "the session file already held everything in them, so nothing was lost"
            )
            return (
                f"The journal {journal.path} of {title} had {count} and {outcome}; "
                f"the original journal is kept in {journal_target or journal.path}."
            )
        if contents.damaged_tail:
            return (
                f"The journal {journal.path} of {title} ended in a half-written line from when the app stopped "
                f"while saving, which had not been shown as recorded, so it was set aside in {journal_target or journal.path}."
            )
        return None

    # ------------------------------------------------------------------ writing
    def _db(self, session_id: str) -> TinyDB:
        db = self._session_dbs.get(session_id)
        if db is None:
            db = TinyDB(storage=AtomicJSONStorage, path=self._session_path(session_id), sync_dir=False)
            self._session_dbs[session_id] = db
        return db

    def _forget_db(self, session_id: str) -> None:
        db = self._session_dbs.pop(session_id, None)
        if db is not None:
            db.close()
        self._unflushed.pop(session_id, None)

    def _write_session_file(self, session: Session, seq: int | None = None, journal_bytes: int | None = None) -> bytes:
        self.changes += 1  # a rewritten file: readers look again
        """Write the whole session file from the session in memory (atomic), and keep it open for changes."""
        seq = self._seq.get(session.id, 0) if seq is None else seq
        journal_bytes = self._journal_bytes.get(session.id, 0) if journal_bytes is None else journal_bytes
        data = self._file_bytes(session, seq, journal_bytes)
        self._forget_db(session.id)
        # No fsync of the folder: if a power cut undoes the rename, the old file is whole and the
        # journal lines after it are replayed (the file records the last line it holds).
        atomic_write(self._session_path(session.id), data, sync_dir=False)
        db = TinyDB(storage=AtomicJSONStorage, path=self._session_path(session.id), sync_dir=False)
        db.storage.preload(data)
        self._session_dbs[session.id] = db
        self._journal_bytes[session.id] = journal_bytes
        self._file_sizes[session.id] = (len(data), journal_bytes)
        self._dirty.pop(session.id, None)
        return data

    def _next_seq(self, session_id: str) -> int:
        if session_id not in self._seq:
            last = self._journal(session_id).read().last_seq
            path = self._session_path(session_id)
            try:
                _, _, meta = _read_tables(path, path.read_bytes())
                last = max(last, int(meta.get("seq", 0)))
            except (OSError, DamagedFileError, ValueError):
                pass
            self._seq[session_id] = last
        return self._seq[session_id] + 1

    def _acknowledge(self, session_id: str, *ops: dict[str, Any]) -> tuple[int, int]:
        """Make changes durable in the journal, or raise NotSavedError with nothing kept.

        Returns the sequence number of the last change and the journal's new length.
        """
        if self.read_only:
            raise StoreError("This data folder was opened read-only; nothing can be changed.")
        first = self._next_seq(session_id)
        at = self.clock().isoformat()
        lines = [{"seq": first + n, "at": at, **op} for n, op in enumerate(ops)]
        try:
            end = self._journal(session_id).append(*lines)
        except JournalWriteError as exc:
            raise NotSavedError(
                f"Not saved: {_reason(exc)} ({self.data_dir}); what you typed is kept, "
                "so free some space or fix the folder and try again."
            ) from None
        last = first + len(ops) - 1
        self._seq[session_id] = last
        self.changes += 1
        return last, end

    def _after_ack(
        self,
        session: Session,
        seq: int,
        journal_bytes: int,
        change: Callable[[TinyDB], None] | None,
        backup: bool = False,
    ) -> bool:
        """Bring the session's TinyDB up to date after the journal acknowledged a change.

        The change goes into the TinyDB at once; its file is replaced (atomically, fsynced) every
        ``flush_every`` changes, after ``flush_after`` seconds, at a phase change and at close. Until
        then the journal holds the change: a crash replays it. If writing fails, the change is safe
        in the journal and the whole file is rewritten at the next chance. Returns False then.
        """
        self._journal_bytes[session.id] = journal_bytes
        try:
            if change is None or session.id in self._dirty:
                data = self._write_session_file(session, seq, journal_bytes)
            else:
                try:
                    db = self._db(session.id)
                    storage = db.storage
                    storage.meta = {"seq": seq, "journal_bytes": journal_bytes}
                    storage.deferred = True
                    change(db)
                    data = None
                    count, since = self._unflushed.get(session.id, (0, time.monotonic()))
                    count += 1
                    if backup or count >= self.flush_every or time.monotonic() - since >= self.flush_after:
                        storage.flush()
                        data = storage.last_bytes
                        self._unflushed.pop(session.id, None)
                        self._file_sizes[session.id] = (len(data or b""), journal_bytes)
                    else:
                        self._unflushed[session.id] = (count, since)
                except DamagedFileError as exc:
                    # Someone else damaged the file while we ran: keep it aside, write ours whole.
                    self._forget_db(session.id)
                    target = self._quarantine_move(self._session_path(session.id))
                    self.notices.append(
                        f"The session file {exc.path} could not be read because {exc.reason}, so it was rewritten "
                        f"from the app's copy with nothing lost and the damaged file is kept in {target}."
                    )
                    data = self._write_session_file(session, seq, journal_bytes)
        except OSError as exc:
            self._forget_db(session.id)
            if session.id not in self._dirty:
                self.notices.append(
                    f"Saved in the journal, but the session file {self._session_path(session.id)} could not be "
                    f"updated because {_reason(exc)}; it will be brought up to date automatically."
                )
            self._dirty[session.id] = session
            return False
        if backup and data:
            try:
                atomic_write(self._backup_path(session.id), self._self_contained(self._session_path(session.id), data))
            except (OSError, DamagedFileError):
                pass
        return True

    def flush(self) -> None:
        """Write every session file that is behind its journal now (the app may call this when idle)."""
        with self._thread_lock:
            for session_id in list(self._unflushed):
                db = self._session_dbs.get(session_id)
                try:
                    if db is not None and db.storage.flush():
                        self._file_sizes[session_id] = (len(db.storage.last_bytes), self._journal_bytes[session_id])
                except OSError:
                    continue  # still in the journal; tried again at the next flush or start
                self._unflushed.pop(session_id, None)
            for session in list(self._dirty.values()):
                try:
                    self._write_session_file(session)
                except OSError:
                    pass

    def new_session_id(self, date: dt.date) -> str:
        return f"{date:%Y%m%d}-{self._id_factory()}"

    def new_contribution_id(self) -> str:
        return secrets.token_hex(6)

    def create_session(self, session: Session) -> Session:
        with self._thread_lock:
            if self._session_path(session.id).exists() or self._journal(session.id).path.exists():
                raise StoreError(f"A session with id {session.id} already exists.")
            self._seq[session.id] = 0
            ops = [{"op": "create", "session": session_header(session)}]
            ops += [{"op": "add", "contribution": contribution_doc(c)} for c in session.contributions]
            try:
                seq, end = self._acknowledge(session.id, *ops)
            except NotSavedError:
                self._seq.pop(session.id, None)
                raise
            ok = self._after_ack(session, seq, end, None, backup=True)
            self._put_summary(session, stale=not ok)
            return session

    def add_contribution(self, session: Session, contribution: Contribution) -> None:
        """Record a contribution: durable before this returns, or NotSavedError and nothing changed."""
        with self._thread_lock:
            doc = contribution_doc(contribution)
            seq, end = self._acknowledge(session.id, {"op": "add", "contribution": doc})
            session.contributions.append(contribution)
            self._after_ack(session, seq, end, lambda db: db.table("contributions").insert(doc))

    def edit_contribution(self, session: Session, contribution_id: str, **fields: Any) -> Contribution:
        with self._thread_lock:
            index = next(i for i, c in enumerate(session.contributions) if c.id == contribution_id)
            current = session.contributions[index]
            from ..models import Contribution

            updated = Contribution.model_validate({**current.model_dump(mode="json"), **fields})
            changes = {k: v for k, v in updated.model_dump(mode="json").items() if k in fields}
            seq, end = self._acknowledge(session.id, {"op": "edit", "id": contribution_id, "fields": changes})
            session.contributions[index] = updated
            self._after_ack(
                session, seq, end, lambda db: db.table("contributions").update(changes, Query().id == contribution_id)
            )
            return updated

    def delete_contribution(self, session: Session, contribution_id: str) -> Contribution:
        with self._thread_lock:
            removed = next(c for c in session.contributions if c.id == contribution_id)
            seq, end = self._acknowledge(session.id, {"op": "delete", "id": contribution_id})
            session.contributions = [c for c in session.contributions if c.id != contribution_id]
            self._after_ack(session, seq, end, lambda db: db.table("contributions").remove(Query().id == contribution_id))
            return removed

    def update_session(self, session: Session, **fields: Any) -> Session:
        """Change session-level fields (phase, status, ...). Returns the updated session.

        Each such change also refreshes the session's backup, so a session can be rebuilt even if
        both its file and its journal are damaged later.
        """
        with self._thread_lock:
            data = session.model_dump(mode="json")
            data.update(fields)
            from ..models import Session

            updated = Session.model_validate(data)
            header = session_header(updated)
            changes = {k: header[k] for k in fields}
            seq, end = self._acknowledge(session.id, {"op": "update", "fields": changes})
            if session.id in self._dirty:
                self._dirty[session.id] = updated
            ok = self._after_ack(
                updated, seq, end, lambda db: db.table("session").update(changes, doc_ids=[1]), backup=True
            )
            self._put_summary(updated, stale=not ok)
            return updated

    def import_sessions(self, sessions: Iterable[Session], sync: bool = True) -> int:
        """Add whole sessions (journal, session file, index entry) in one go, e.g. to restore or to benchmark.

        ``sync=False`` skips the fsyncs: only for building throwaway test data quickly.
        """
        with self._thread_lock:
            count = 0
            try:
                for session in sessions:
                    journal_path = self._journal(session.id).path
                    if self._session_path(session.id).exists() or journal_path.exists():
                        raise StoreError(f"A session with id {session.id} already exists.")
                    at = self.clock().isoformat()
                    ops = [{"op": "create", "session": session_header(session)}]
                    ops += [{"op": "add", "contribution": contribution_doc(c)} for c in session.contributions]
                    if session.status != SessionStatus.running or session.current_phase:
                        fields = {k: v for k, v in session_header(session).items() if k in ("status", "current_phase", "ended_at", "record_path")}
                        ops.append({"op": "update", "fields": fields})
                    lines = b"".join(orjson.dumps({"seq": n, "at": at, **op}) + b"\n" for n, op in enumerate(ops, start=1))
                    atomic_write(journal_path, lines, sync=sync)
                    data = self._file_bytes(session, len(ops), len(lines))
                    atomic_write(self._session_path(session.id), data, sync=sync)
                    assert self._docs is not None
                    self._file_sizes[session.id] = (len(data), len(lines))
                    self._docs[session.id] = self._doc_for(session)
                    count += 1
            finally:  # sessions written before a failure are on disk: listed, and readers look again
                self.changes += 1
                self._write_index()
            return count

    # ------------------------------------------------------------------ settings
    def read_settings_file(self) -> dict[str, Any]:
        """<data>/settings.toml as a dict; {} if there is none, with a notice if it cannot be read."""
        settings, problem = self._read_settings()
        if problem is not None and problem not in self.notices:
            self.notices.append(problem)
        return settings

    def settings_problem(self) -> str | None:
        """Why <data>/settings.toml cannot be read as it is now (one sentence), or None if it can or there is none."""
        return self._read_settings()[1]

    def _read_settings(self) -> tuple[dict[str, Any], str | None]:
        path = self.data_dir / "settings.toml"
        try:
            return tomllib.loads(path.read_text(encoding="utf-8")), None
        except FileNotFoundError:
            return {}, None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            return {}, f"The settings file {path} could not be read ({exc}), so the default settings are used."

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
        """Keep a copy of the session's file in backups/ (used if both its file and journal are damaged)."""
        with self._thread_lock:
            source = self._session_path(session.id)
            try:
                data = self._self_contained(source, source.read_bytes())
                _read_tables(source, data)
            except (OSError, DamagedFileError):
                return None
            target = self._backup_path(session.id)
            try:
                ensure_private_dir(self.backups_dir)
                atomic_write(target, data)
            except OSError:
                return None
            return target
