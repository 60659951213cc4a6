"""The only code that knows TinyDB and the data folder's layout.

<data>/.lock                        held while the app runs; a second app is refused. Its identity (device,
                                    inode) is noted at open and checked (one stat) before every change is
                                    acknowledged: if the folder was removed, moved or replaced, nothing more
                                    is written there and each change is refused as not saved
<data>/index.json                   TinyDB: one document per session (a summary); rebuildable
<data>/index.journal.jsonl          derived: the index entries changed since index.json was written, one JSON line
                                    each (``{"put": doc}`` or ``{"drop": id}``), appended without fsync while the
                                    app runs, so a change costs one line, not the whole index; folded into
                                    index.json when it is read, and index.json written whole (and this removed)
                                    at close and at the start after a crash. Lost or cut-off lines lose nothing:
                                    the start-up checks read every session whose files do not match its entry
<data>/index-head.json              derived: the documents the home screen lists (sessions not ended, the newest
                                    ended ones) and the identity (inode, size, mtime) of the index.json they
                                    were taken from, and the length of index.journal.jsonl; written after every
                                    index change, without fsync
<data>/sessions/<id>.json           TinyDB per session: the session, its contributions, and in ``_meta``
                                    the last journal line (``seq``) and journal length (``journal_bytes``) it
                                    contains, and a ``sha256`` of the rest of the file (older files have none)
<data>/sessions/<id>.journal.jsonl  append-only journal; an fsynced line is an acknowledged change
<data>/sessions/<id>.final-record   a final record waiting while its session is being ended (see end_session)
<data>/actions.journal.jsonl        learning actions' status changes, one line each (see store/actions.py)
<data>/records/                     written records (markdown, and exports)
<data>/quarantine/                  damaged files moved aside, byte for byte
<data>/backups/<id>.json            a good copy of each session file, taken at every phase change and at the end
                                    (self-contained: with its template snapshot inside)
<data>/templates-used/<id>-<version>-<hash>.json
                                    the snapshot of each template version sessions were run with, written once
                                    (fsynced) before any session file that refers to it; a session file holds
                                    ``template_ref`` instead of a copy of its template (older files that embed
                                    the template are read as they are). Journals keep the whole template.
<data>/history-index.sqlite         derived, rebuildable: the history index (SQLite, see store/index.py)
<data>/templates/                   the team's own session templates
<data>/drafts/<id>.json             what was half typed when the app was closed (store/drafts.py)

Recording a change: append it to the journal and fsync (that is the acknowledgement); nothing else is
done before the caller is told it is recorded. The change is kept in memory, and every ``flush_every``
changes (or ``flush_after`` seconds) a thread of the store's own applies the kept changes to the session's
TinyDB and replaces its file (checksum written then, atomic replace), holding the store's lock while it
prepares the bytes and only a file lock while the disk writes them, so the next change is never kept
waiting. It does so once recording has paused for ``write_when_quiet`` seconds (at most
``write_wait_at_most`` later), so that in a burst of changes its write and fsync do not share the disk
with the acknowledgements. A phase change and close write at once. If the write fails the change is safe in the journal;
the session file is rewritten whole at the next change, at close, or at the next start.

Opening: ``open()`` takes the lock and checks the folder can be written; if index-head.json was taken from
the index.json there now, that is all it reads (the home screen needs nothing more), and the rest of the
start-up (the whole index read, every session's files checked and repaired as below, the action log)
waits for ``finish_opening()``: the app runs it in a thread just after its first screen is drawn, and
every method that needs it (and reading ``notices``) runs it first. Without a usable head, open() does it all.

What is checked, and what happens (``_load``, ``_open_index``, ``_check_action_log``): a file that cannot
be read at all (a folder in its place, an input/output error) or that is damaged (cut off, not JSON, its
checksum no longer matching) is moved to quarantine/ and rebuilt from the journal or the backup; journal
lines that cannot be read, or that are JSON but cannot be applied (a newer version's change, a wrong
type, a phase the template lacks, an unknown op), are set aside, the original journal copied to
quarantine/ first, and every other line is applied; a journal shorter than its session file says it was
is reported as possible loss, naming the session. Each is one sentence in ``notices``; read-only stores
(the command line's list, export and digest) repair nothing and say the same. A full disk at start opens
the store read-only (``open_or_read_only``).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import hashlib
import heapq
import json
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

from ..memory import return_large_blocks
from ..text import one_line, plural, team_key
from ..vocabulary import ActionStatus, SessionStatus
from .files import (
    FILE_MODE, TEMP_SUFFIX, FileTooLargeError, NotAFileError, atomic_write, ensure_private_dir, fsync_dir, read_whole,
    readable_again,
    remove_stray_temp_files, write_chosen,
)
from .journal import (
    APPLY_ERRORS,
    Journal,
    JournalContents,
    JournalWriteError,
    apply_op,
    contribution_doc,
    session_header,
    parse_journal,
    valid_seq,
)
from .docs import MISSING, IndexDocs, read_index
from .storage import META_TABLE, AtomicJSONStorage, DamagedFileError, check_checksum, database_bytes, parse_database

if TYPE_CHECKING:  # the pydantic models are imported where they are used: not needed to open the store
    from ..models import Contribution, Session, SessionSummary, Template

Clock = Callable[[], dt.datetime]

JOURNAL_SUFFIX = ".journal.jsonl"

#: how many ended sessions the home screen lists as recent
RECENT_SESSIONS = 20
#: <data>/index-head.json: the index entries the home screen lists (every session not ended, the newest ended
#: ones), with the identity of the index.json they were taken from; derived, rewritten with the index
HEAD_NAME = "index-head.json"
#: the folder of session files and journals, the list of every session, the lock a running app holds
SESSIONS_DIR = "sessions"
SESSIONS_LIST = "index.json"
LOCK_NAME = ".lock"
#: <data>/index.journal.jsonl: the index entries changed since index.json was last written whole (see above)
INDEX_LOG_NAME = "index.journal.jsonl"
#: a session's final record, written while it is being ended, before the session is marked ended
STAGED_RECORD_SUFFIX = ".final-record"
#: learning actions' status changes (see store/actions.py), one JSON line each
ACTION_LOG = "actions.journal.jsonl"
#: the action log's line that takes back a status change made by mistake (ctrl+z): {"op": "retract",
#: "at": when, "action_id": its action, "of": the "at" of the change taken back}
RETRACT = "retract"
_ACTION_STATUSES = frozenset(s.value for s in ActionStatus)
#: bytes <data>/settings.toml is read up to (it holds a few lines; a larger file, or a device, is not read)
SETTINGS_LIMIT = 1024 * 1024


def usable_status_change(op: dict[str, Any]) -> bool:
    """A line of the action log as the app writes it (checked without the pydantic models)."""
    if op.get("op") == RETRACT:
        return all(isinstance(op.get(key), str) for key in ("at", "action_id", "of"))
    if op.get("op") != "status" or not isinstance(op.get("action_id"), str) or op.get("status") not in _ACTION_STATUSES:
        return False
    if not isinstance(op.get("note", ""), str) or not isinstance(op.get("session_id"), (str, type(None))):
        return False
    try:
        dt.date.fromisoformat(op["date"])
    except (KeyError, TypeError, ValueError):
        return False
    return True


class StoreError(Exception):
    """A problem with the data folder, worded for the user (one sentence and the fix)."""


class FolderInUseError(StoreError):
    pass


class DiskFullError(StoreError):
    """The data folder's disk is full: the store cannot be opened for writing (see open_or_read_only)."""


class NotSavedError(StoreError):
    """A change could not be made durable. Nothing of it was kept; the caller keeps the user's text."""


class UnknownSessionError(StoreError):
    pass


def is_data_folder(folder: Path) -> bool:
    """Whether ``folder`` is one the app keeps its sessions in: a sessions folder beside the list of sessions or the
    folder's lock (``export --out`` writes into none but its records folder)."""
    try:
        return (folder / SESSIONS_DIR).is_dir() and any(
            (folder / name).exists() for name in (SESSIONS_LIST, HEAD_NAME, LOCK_NAME))
    except OSError:
        return False


class SessionLostError(StoreError):
    """A session's files are damaged beyond repair (the damaged bytes are in quarantine/)."""


class SessionRefusedError(StoreError):
    """A session's file or journal cannot be read for its permissions: nothing of it is opened or changed (the
    sentence says how to give the permission back)."""


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
    #: title and team with the session's names list applied, for lists on a shared screen (as typed in
    #: index entries written before these were kept, which the start brings up to date for the newest)
    shown_title: str = ""
    shown_team: str = ""

    @classmethod
    def of(cls, summary: SessionSummary) -> "SessionRow":
        return cls(
            summary.id, summary.title, summary.team, summary.template_id, summary.template_name, summary.date,
            summary.status.value,
            summary.current_phase, summary.phase_count, summary.created_at, summary.record_path,
            summary.title if summary.shown_title is None else summary.shown_title,
            summary.team if summary.shown_team is None else summary.shown_team,
        )

    @classmethod
    def from_values(cls, values: tuple) -> "SessionRow":
        """From an index document's values in store/docs.py's FIELDS order (MISSING where it has none); as
        from_doc."""
        (sid, title, team, _facilitator, template_id, template_name, date, status, current_phase, phase_count,
         created_at, _ended_at, record_path, shown_title, shown_team, *_) = values
        team = "" if team is MISSING else team
        row = cls(
            sid, title, team, template_id, "" if template_name is MISSING else template_name,
            dt.date.fromisoformat(date), SessionStatus(status).value, 0 if current_phase is MISSING else current_phase,
            1 if phase_count is MISSING else phase_count, dt.datetime.fromisoformat(created_at),
            None if record_path is MISSING else record_path,
            title if shown_title is None or shown_title is MISSING else shown_title,
            team if shown_team is None or shown_team is MISSING else shown_team,
        )
        texts = (row.id, row.title, row.team, row.template_id, row.template_name, row.shown_title, row.shown_team)
        if not all(isinstance(t, str) for t in texts) or not all(type(n) is int for n in (row.current_phase, row.phase_count)):
            raise TypeError("not an index document")
        return row

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> "SessionRow":
        """From an index document; ValueError, TypeError or KeyError if it is not one as the store writes them."""
        row = cls(
            doc["id"], doc["title"], doc.get("team", ""), doc["template_id"], doc.get("template_name", ""),
            dt.date.fromisoformat(doc["date"]), SessionStatus(doc["status"]).value, doc.get("current_phase", 0),
            doc.get("phase_count", 1), dt.datetime.fromisoformat(doc["created_at"]), doc.get("record_path"),
            doc.get("shown_title") if doc.get("shown_title") is not None else doc["title"],
            doc.get("shown_team") if doc.get("shown_team") is not None else doc.get("team", ""),
        )
        texts = (row.id, row.title, row.team, row.template_id, row.template_name, row.shown_title, row.shown_team)
        if not all(isinstance(t, str) for t in texts) or not all(type(n) is int for n in (row.current_phase, row.phase_count)):
            raise TypeError("not an index document")
        return row


def _default_clock() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


#: the sessions whose files changed size that a read-only open reads to say what is wrong, at most
READ_ONLY_CHECKS = 200


def _read_only_said(notice: str) -> str:
    """A notice of a read-only open (`facilitator sessions list`, export, digest): a session that the app's start
    would rebuild is read from its journal or backup, and the files are left as they are."""
    if " was rebuilt from " in notice:
        notice = notice.replace(" was rebuilt from ", " was read from ").rstrip(".") + "; start the app once to repair it."
    return notice


def _why_refused(exc: Exception) -> str:
    """Why a journal line could not be used, in a few words: the first field pydantic refused and why ("date: input
    should be a valid date"), or the error's own words."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
            where = ".".join(str(part) for part in first.get("loc", ()))
            return f"{where}: {first.get('msg', 'not valid')}".lower() if where else str(first.get("msg", "not valid"))
        except (IndexError, TypeError, AttributeError, KeyError):
            pass
    return str(exc) or type(exc).__name__


def _read_reason(exc: OSError) -> str:
    """Why a file could not be read, in a few words."""
    if isinstance(exc, IsADirectoryError):
        return "it is a folder, not a file"
    if isinstance(exc, (FileTooLargeError, NotAFileError)):
        return exc.reason
    return _reason(exc)


#: the process, or the whole system, has as many files (and network connections) open as it may
TOO_MANY_FILES = (errno.EMFILE, errno.ENFILE)


def not_saved(exc: OSError, data_dir: Path | str, what: str = "Not saved", kept: str = "what you typed is kept") -> str:
    """One sentence for a write that failed: what happened, that nothing is lost, and what to do. Too many open
    files is not a matter of disk space or of the folder, so it is not told to free space or fix the folder."""
    if exc.errno in TOO_MANY_FILES:
        return (f"{what}: this computer has too many files and connections open at once (nothing is lost, and "
                f"{kept}); wait a moment and try again, and if it goes on close phone access (f10, then x) or "
                "other programs.")
    if exc.errno == errno.EISDIR and exc.filename:
        # (a folder where the app keeps a file: naming the data folder and "free some space" sent people the wrong way)
        return f"{what}: {exc.filename} is a folder where the app keeps a file; {kept}, so move that folder aside and try again."
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{what}: {_reason(exc)} ({data_dir}); {kept}, so free some space and try again."
    return f"{what}: {_reason(exc)} ({exc.filename or data_dir}); {kept}, so put that right and try again."


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
    """(session header, contributions, meta) of a session file, or DamagedFileError (its checksum checked too)."""
    tables = parse_database(path, data)
    header_table = tables.get("session") or {}
    if not header_table:
        raise DamagedFileError(path, "it does not hold a session")
    header = next(iter(header_table.values()))
    if not isinstance(header, dict):
        raise DamagedFileError(path, "it does not hold a session")
    check_checksum(path, data, tables)
    contributions = list((tables.get("contributions") or {}).values())
    meta = (tables.get(META_TABLE) or {}).get("1") or {}
    if not isinstance(meta, dict) or not all(type(meta.get(k, 0)) is int for k in ("seq", "journal_bytes")):
        raise DamagedFileError(path, "its note of the journal is not as the app writes it")
    return header, contributions, meta


def _kept_in(*targets: Path | None) -> str:
    """The folder (or folders) damaged files were moved to: quarantine/, or beside them if it could not be made."""
    return " and ".join(sorted({str(t.parent) for t in targets if t is not None}))


def _journal_names(contents: "JournalContents") -> str | None:
    """The id of the session a journal's start line names (None if it has none readable)."""
    for op in contents.ops:
        if op.get("op") == "create":
            header = op.get("session")
            named = header.get("id") if isinstance(header, dict) else None
            return named if isinstance(named, str) else None
    return None


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
        session.phase  # noqa: B018 - its phase must be one of its template's (IndexError otherwise)
    except (ValueError, TypeError, KeyError, IndexError):  # pydantic's ValidationError is a ValueError
        raise DamagedFileError(path, "it does not hold a valid session") from None
    given = [c.get("id") for c in contributions if isinstance(c, dict)]
    if len(set(given)) != len(given):
        # Two contributions shared an id (see Session._each_contribution_its_own_id): the file is written again
        # with the ids given, so that its table and the session agree on which one a change is to.
        meta = {**meta, IDS_GIVEN: True}
    return session, meta


#: set in a session file's meta as it is read if a contribution was given an id of its own (the file is written again)
IDS_GIVEN = "ids_given"


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
    return database_bytes(
        {
            "session": {"1": header},
            "contributions": {str(i + 1): contribution_doc(c) for i, c in enumerate(session.contributions)},
        },
        {"seq": seq, "journal_bytes": journal_bytes},
    )


def _newest(doc: dict[str, Any]) -> tuple[str, str]:
    return (str(doc.get("date")), str(doc.get("created_at")))


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


class _Made(NamedTuple):
    """The writer thread's job for a session just made: its file's bytes, its backup's, the journal length the file
    holds, the number of this write (see create_session); ``backed_up`` once the backup is written."""

    data: bytes
    backup: bytes
    journal_bytes: int
    number: int
    backed_up: bool = False


class _Add:
    """A contribution recorded, to be added to its session's TinyDB (see _apply_changes)."""

    __slots__ = ("doc",)

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    def __call__(self, db: TinyDB) -> None:
        db.table("contributions").insert(self.doc)


def _apply_changes(db: TinyDB, changes: list[tuple[Callable[[TinyDB], None], int, int]]) -> None:
    """Kept changes applied to a session's TinyDB in order; contributions recorded one after the other added in
    one insert (TinyDB copies the whole table at each insert: 32 of them into 1,000 contributions took 7 ms)."""
    adds: list[dict[str, Any]] = []
    for change, _, _ in changes:
        if type(change) is _Add:
            adds.append(change.doc)
            continue
        if adds:
            db.table("contributions").insert_multiple(adds)
            adds = []
        change(db)
    if adds:
        db.table("contributions").insert_multiple(adds)


def write_out(out: Path, data: bytes | Iterable[bytes], chosen: bool) -> None:
    """A record, digest or themes file written, atomically, 0600. ``chosen``: a path the user named (--out), written
    as write_chosen writes it (a device or named pipe written into, a link followed). StoreError if it cannot be;
    BrokenPipeError passed on (--out /dev/stdout read in part, as by | head: the command ends quietly)."""
    try:
        (write_chosen if chosen else atomic_write)(out, data)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise StoreError(f"Could not write {out}: {_reason(exc)}. Choose another place with --out.") from None


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
        #: what a change refused because the store is read-only is told (one sentence)
        self.read_only_reason = "Not saved: this data folder was opened read-only, so nothing can be changed."
        #: what the user must be told about repairs made while opening or loading (one sentence each)
        self._notices: list[str] = []
        #: open() found the home screen's entries in index-head.json and left the start-up checks of every
        #: session (and the reading of the whole index) to finish_opening(): see open()
        self._open_done = True
        self._completing = False
        self._head_rows: list[SessionRow] | None = None
        self._head_good = False
        #: the index entries the home screen lists (see _home_docs), kept up to date as single entries change;
        #: None: worked out again from every entry when next needed
        self._home: list[dict[str, Any]] | None = None
        #: (the entries' version it was worked out at, team key -> (spelling, newest session id)): see known_teams
        #: and team key -> the team as its sessions' names lists show it, where they change it (see team_as_listed)
        self._teams: tuple[tuple[int, int], dict[str, tuple[str, str]], dict[str, list[str]]] | None = None
        self._lock: FileLock | None = None
        self._lock_id: tuple[int, int] | None = None  # device and inode of the lock file this store holds
        self._lock_path = os.path.join(self.data_dir, LOCK_NAME)
        #: the journals of the sessions changes were recorded into (made once: recording makes no Path)
        self._recording_journals: dict[str, Journal] = {}
        #: the data folder was removed, moved or replaced while this store held it: nothing more is written
        self.folder_lost = False
        self._docs: IndexDocs | None = None  # index documents, by session id (kept compactly)
        self._validated: dict[str, SessionSummary] = {}
        self._file_sizes: dict[str, tuple[int, int]] = {}  # session file and journal sizes last written
        self._stale: set[str] = set()  # index says: this session's file may be behind its journal
        self._index_behind = False  # the index file on disk misses a change kept in _docs
        #: index.journal.jsonl may hold lines (index.json is written whole at close, and the log removed)
        self._index_logged = False
        self._session_dbs: dict[str, TinyDB] = {}
        self._seq: dict[str, int] = {}
        self._journal_bytes: dict[str, int] = {}
        self._dirty: dict[str, Session] = {}  # session file behind the journal: rewrite whole next time
        #: sessions made whose file and backup the writer thread writes (made, not yet backed up: see create_session)
        self._unbacked: set[str] = set()
        self._due_since = 0.0  # when the oldest session file now due for the writer thread fell due
        self._unflushed: dict[str, tuple[int, float]] = {}  # changes kept in memory, and since when
        self._templates: dict[str, dict[str, Any]] = {}  # template snapshots read or written, by ref
        self._template_models: dict[str, Template] = {}  # the same, validated once
        self._refs: dict[int, tuple[Template, str]] = {}  # Template object -> its ref (kept alive here)
        #: a session file is written after this many changes, or this many seconds, whichever first
        self.flush_every = 32
        self.flush_after = 5.0
        #: a due session file is written once no change has been recorded for this many seconds (recording
        #: goes on in bursts: phones sending at once, several points typed quickly), so its write and fsync
        #: do not share the disk with the next acknowledgements; but never later than ``write_wait_at_most``
        #: after it fell due. The journal holds every change meanwhile: durability does not depend on it.
        self.write_when_quiet = 0.1
        self.write_wait_at_most = 2.0
        self._last_ack = 0.0  # time.monotonic() of the last change acknowledged
        self._thread_lock = threading.RLock()
        #: session files due to be written, and the session each holds, written by a thread of their own just
        #: after the change that made them due was acknowledged (see _write_later), so recording never waits for it
        self._write_due: dict[str, Session] = {}
        #: held while a session file is written; taken after _thread_lock, never before it. The writer thread
        #: holds it alone while its write waits for the disk, so recording (journal only) never waits for that
        self._file_lock = threading.RLock()
        self._writes: dict[str, int] = {}  # how many times each session file was written: a later one wins
        self._writer_busy = False
        #: changes acknowledged but not yet applied to the session's TinyDB, with their seq and journal length,
        #: and the session they were made to (applied when the file is written: _write_now)
        self._pending: dict[str, list[tuple[Callable[[TinyDB], None], int, int]]] = {}
        self._live: dict[str, Session] = {}
        self._writer: threading.Thread | None = None
        self._writer_wake = threading.Event()
        self._writer_stop = False
        #: goes up with every change this store makes to the folder (recorded, imported, repaired): a
        #: reader that saw the same count has nothing new to read (the folder's lock keeps other writers out)
        self.changes = 0

    @property
    def notices(self) -> list[str]:
        """What the user must be told (one sentence each), the start-up checks finished first if need be."""
        self.finish_opening()
        return self.notices_so_far

    def tell(self, notice: str) -> None:
        """One more sentence the user must be told (once: a sentence already said is not said again)."""
        if notice not in self._notices:
            self._notices.append(notice)

    @property
    def opening_finished(self) -> bool:
        """False while start-up checks open() left for later are still to be done (see finish_opening)."""
        return self._open_done

    @property
    def notices_so_far(self) -> list[str]:
        """The same, without waiting for start-up checks still to be done (for the first screen). Read-only, each
        once (a session read at the open's checks and again when exported said the same twice), as said there."""
        if self.read_only:
            return list(dict.fromkeys(map(_read_only_said, self._notices)))
        return self._notices

    # ------------------------------------------------------------------ folders
    @property
    def head_path(self) -> Path:
        return self.data_dir / HEAD_NAME

    @property
    def sessions_dir(self) -> Path:
        return self.data_dir / SESSIONS_DIR

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
        return self.data_dir / SESSIONS_LIST

    @property
    def index_log_path(self) -> Path:
        return self.data_dir / INDEX_LOG_NAME

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
                good = orjson.loads(read_whole(path)) == doc
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
            data = read_whole(snapshot)
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
        check_checksum(path, data, tables)  # a changed byte is never copied into a backup with a new checksum
        header = next(iter((tables.get("session") or {}).values()), None)
        if not isinstance(header, dict) or TEMPLATE_REF not in header:
            return data
        self.resolve_template(header, path)
        meta = (tables.get(META_TABLE) or {}).get("1")
        return database_bytes(tables, meta if isinstance(meta, dict) else None)

    def _session_path(self, session_id: str) -> Path:
        return self.sessions_dir / f"{session_id}.json"

    def _backup_path(self, session_id: str) -> Path:
        return self.backups_dir / f"{session_id}.json"

    def _journal(self, session_id: str) -> Journal:
        return Journal(self.sessions_dir / f"{session_id}{JOURNAL_SUFFIX}")

    # ------------------------------------------------------------------ open / close
    def open(self) -> "Store":
        return_large_blocks()  # the start-up reads files of many MB: their buffers go back to the system once read
        with self._thread_lock:
            if self.read_only:
                return self._open_read_only()
            try:
                ensure_private_dir(self.data_dir)
            except OSError as exc:
                raise self._unusable(exc) from None
            lock = FileLock(str(self.data_dir / LOCK_NAME), timeout=0, mode=FILE_MODE, thread_local=False)
            try:
                lock.acquire(timeout=0)
            except Timeout:
                raise FolderInUseError(
                    f"The data folder {self.data_dir} is in use by another facilitator window; "
                    "close that one first, or use another folder with --data-dir."
                ) from None
            except OSError as exc:
                raise self._lock_unusable(exc) from None
            self._lock = lock
            try:
                self._open_locked()
            except BaseException:
                self.close()
                raise
            return self

    def open_or_read_only(self) -> "Store":
        """Open for the app; if the disk is full, open read-only instead and say so (one notice).

        Sessions can then be looked at and exported elsewhere; every change is refused as not saved.
        """
        try:
            return self.open()
        except DiskFullError:
            pass
        self.read_only = True
        self.read_only_reason = (
            "Not saved: the disk was full when the app started, so it opened read-only; what you typed is kept, "
            "so copy it somewhere safe, free some space and start the app again."
        )
        self._open_read_only()
        self._notices.insert(
            0,
            f"The disk holding {self.data_dir} is full, so the app opened read-only: sessions can be looked at and "
            "exported to another disk with `facilitator export ID --out PATH`, but nothing can be recorded until "
            "some space is freed and the app is started again.",
        )
        return self

    def _lock_unusable(self, exc: OSError) -> StoreError:
        """The folder's lock file cannot be made or opened: a folder or a link where it goes, another account's file
        (the folder itself may be fine: said so, with what to do)."""
        lock = self.data_dir / LOCK_NAME
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS) or not os.path.lexists(lock):
            return self._unusable(exc)
        why = "it is a folder, not a file" if lock.is_dir() and not lock.is_symlink() else _reason(exc)
        return StoreError(
            f"Cannot use the data folder {self.data_dir}: its lock file {lock} cannot be used ({why}); it holds "
            f"nothing, so remove it (rm -r '{lock}') and start again."
        )

    def _unusable(self, exc: OSError) -> StoreError:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DiskFullError(
                f"Cannot use the data folder {self.data_dir}: {_reason(exc)}. "
                "Free some space, or choose another folder with --data-dir or FACILITATOR_DATA_DIR."
            )
        why = _reason(exc)
        if exc.errno == errno.EEXIST:  # (said "file exists": a file where the folder is wanted)
            why = "it is a file, not a folder"
        elif exc.errno == errno.ENOTDIR:
            why = "a folder on its way to it is a file"
        return StoreError(
            f"Cannot use the data folder {self.data_dir}: {why}. "
            "Choose a folder you can write to with --data-dir or FACILITATOR_DATA_DIR."
        )

    def _open_locked(self) -> None:
        try:
            lock_path = self.data_dir / LOCK_NAME
            st = lock_path.stat()
            self._lock_id = (st.st_dev, st.st_ino)
            if (st.st_mode & 0o777) != FILE_MODE:
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
        if self._read_head():
            self._open_done = False  # the rest in finish_opening(), before anything else needs it
            return
        self._open_checks()

    def _open_checks(self) -> None:
        self._open_index()
        self._check_sessions()
        self._check_action_log()
        if self._index_logged and not self.read_only:
            self._write_index()  # a log left by a crash: folded in, index.json written whole (and the head)
        elif not self._head_good:
            self._write_head()

    def finish_opening(self) -> None:
        """The start-up checks open() left for later (see open()): the whole index read, every session's
        files checked and repaired as at any start, the action log checked, notices raised. Every method that
        needs them calls this first; the app calls it in a thread just after its first screen is drawn."""
        if self._open_done:
            return
        with self._thread_lock:
            if self._open_done or self._completing or self._lock is None:
                return
            self._completing = True
            try:
                self._open_checks()
            except Exception as exc:  # noqa: BLE001 - the app keeps going on what the index head holds
                if self._docs is None:
                    self._docs = IndexDocs()
                self._home = None
                self._notices.append(
                    f"The sessions in {self.data_dir} could not all be checked at start ({exc}); "
                    "close the app and start it again to check them."
                )
            finally:
                self._completing = False
                self._open_done = True
                self._head_rows = None

    # ------------------------------------------------------------------ the home screen's entries
    def _index_identity(self) -> list[int] | None:
        """index.json's inode, size and mtime, and index.journal.jsonl's length (0 if there is none)."""
        try:
            st = os.stat(self.index_path)
        except OSError:
            return None
        try:
            logged = os.stat(self.index_log_path).st_size
        except FileNotFoundError:
            logged = 0
        except OSError:
            return None
        return [st.st_ino, st.st_size, st.st_mtime_ns, logged]

    def _read_head(self) -> bool:
        """True if index-head.json was written from the index.json there now, and holds rows as the store writes them."""
        self._head_good = False
        try:
            head = orjson.loads(read_whole(self.head_path))
        except (OSError, ValueError):
            return False
        if not isinstance(head, dict) or head.get("index") != self._index_identity() or head.get("index") is None:
            return False
        docs = head.get("sessions")
        if not isinstance(docs, list):
            return False
        try:
            rows = [SessionRow.from_doc(doc) for doc in docs]
        except (ValueError, TypeError, KeyError, AttributeError):
            return False
        rows.sort(key=lambda r: (r.date, r.created_at), reverse=True)
        self._head_rows = rows
        self._head_good = True
        return True

    def _write_head(self) -> None:
        """index-head.json from the index in memory, after index.json was written (derived: no fsync)."""
        if self.read_only or self._docs is None or not self.still_ours():
            return
        identity = self._index_identity()
        if identity is None:
            return
        data = orjson.dumps({"index": identity, "sessions": self._home_list()})
        try:
            atomic_write(self.head_path, data, sync=False)
            self._head_good = True
        except OSError:
            self._head_good = False

    def _home_list(self) -> list[dict[str, Any]]:
        if self._home is None:
            # Every session not ended, and the newest ended ones (twice as many as the home screen shows, so that
            # one going leaves enough): chosen from the fields, then a document made for each kept.
            docs = self._docs or IndexDocs()
            ended = SessionStatus.ended.value
            fields = list(docs.fields("status", "date", "created_at"))
            kept = [sid for sid, status, _, _ in fields if status != ended]
            newest = heapq.nlargest(
                RECENT_SESSIONS * 2,
                ((str(None if d is MISSING else d), str(None if c is MISSING else c), sid)
                 for sid, status, d, c in fields if status == ended),
                key=lambda t: (t[0], t[1]),
            )
            self._home = [docs[sid] for sid in kept] + [docs[sid] for _, _, sid in newest]
        return self._home

    def _home_put(self, doc: dict[str, Any]) -> None:
        """One session's entry changed (``doc``): the home screen's entries follow, without reading every entry."""
        home = self._home
        if home is None:
            return
        ended = SessionStatus.ended.value
        old = next((d for d in home if d.get("id") == doc.get("id")), None)
        if old is not None and old.get("status") == ended and doc.get("status") != ended:
            self._home = None  # a recent session left the list: the next newest is found among all of them
            return
        kept = [d for d in home if d is not old]
        kept.append(doc)
        if doc.get("status") == ended:
            recent = [d for d in kept if d.get("status") == ended]
            if len(recent) > RECENT_SESSIONS * 2:
                oldest = min(recent, key=_newest)
                kept = [d for d in kept if d is not oldest]
        self._home = kept

    def home_rows(self) -> list[SessionRow]:
        """What the home screen lists, newest first: every session not ended, and the newest ended ones.

        Just after open() these come from index-head.json, before the start-up checks are done."""
        head = self._head_rows  # (without the lock: the start-up checks may be holding it, in a thread)
        if not self._open_done and head is not None:
            return list(head)
        self.finish_opening()
        with self._thread_lock:
            try:
                rows = [SessionRow.from_doc(doc) for doc in self._home_list()]
                rows.sort(key=lambda r: (r.date, r.created_at), reverse=True)
                return rows
            except (ValueError, TypeError, KeyError, AttributeError):
                pass
        rows = self.session_rows()
        ended = [r for r in rows if r.status == SessionStatus.ended.value][:RECENT_SESSIONS]
        return [r for r in rows if r.status != SessionStatus.ended.value or r in ended]

    def still_ours(self) -> bool:
        """True while the folder is the one this store locked: its lock file is still there, the same file.

        One stat. If the folder was removed, moved or replaced while the app ran, another app may hold the
        folder now at the same path: from then on this store writes nothing there (see ``folder_lost``).
        """
        if self._lock_id is None or self.folder_lost:
            return not self.folder_lost
        try:
            st = os.stat(self._lock_path)
            self.folder_lost = (st.st_dev, st.st_ino) != self._lock_id
        except OSError:
            self.folder_lost = True
        return not self.folder_lost

    def check_still_ours(self) -> None:
        """NotSavedError unless the folder is still the one this store locked (see ``still_ours``)."""
        if not self.still_ours():
            raise NotSavedError(
                f"Not saved: the data folder was removed or replaced while the app was running ({self.data_dir}), "
                "so nothing more can be saved in this window; what you typed is kept, so copy it somewhere safe, "
                "then quit and start the app again."
            )

    def close(self) -> None:
        self._stop_writer()
        with self._thread_lock:
            self._open_done = True  # checks left for later are done at the next start
            if self.still_ours():
                self.flush()  # what fails is still safe in the journal; brought up to date at the next start
                if (self._index_logged or self._index_behind) and self._docs is not None and not self.read_only:
                    self._write_index()  # the index's change log folded in: index.json alone, as the next start reads it
            for db in self._session_dbs.values():
                db.close()
            self._session_dbs.clear()
            if self._lock is not None:
                self._lock.release()
                self._lock = None
            self._lock_id = None

    def __enter__(self) -> "Store":
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ damage handling
    def _quarantine_target(self, path: Path) -> Path:
        """Where a damaged file is kept: quarantine/, or, if that folder cannot be made (a file where it goes, a
        folder that cannot be written), beside the file itself under a name no reader of that folder takes for
        its own ("….json.damaged-20261202-180000"): left in place, it was written over as the session went on."""
        stamp = self.clock().strftime("%Y%m%d-%H%M%S")
        try:
            ensure_private_dir(self.quarantine_dir)
            in_quarantine = self.quarantine_dir.is_dir()
        except OSError:
            in_quarantine = False
        n = 0
        while True:
            again = f"-{n}" if n else ""
            target = (self.quarantine_dir / f"{stamp}{again}-{path.name}" if in_quarantine
                      else path.parent / f"{path.name}.damaged-{stamp}{again}")
            if not (target.exists() or target.is_symlink()):
                return target
            n += 1

    def _quarantine_move(self, path: Path) -> Path:
        """Move a damaged file aside, byte for byte (a rename), so it is never overwritten."""
        target = self._quarantine_target(path)
        os.replace(path, target)
        try:
            os.chmod(target, FILE_MODE)
        except OSError:
            pass
        return target

    def _quarantine_copy(self, path: Path, data: bytes) -> Path:
        target = self._quarantine_target(path)
        atomic_write(target, data)
        return target

    def quarantine(self, path: Path, why: str) -> Path:
        """Move a damaged file aside, untouched, and tell the user."""
        target = self._quarantine_move(path)
        self.changes += 1
        self._notices.append(f"The file {path} could not be read because {why}, so it was moved to {target}.")
        return target

    @property
    def action_log_path(self) -> Path:
        return self.data_dir / ACTION_LOG

    def _check_action_log(self) -> None:
        """At start: an action log with lines that cannot be read or used is kept in quarantine/ as it was,
        and (unless read-only) written again with every usable line; one sentence says what was kept."""
        path = self.action_log_path
        repair = not self.read_only
        try:
            data = read_whole(path)
        except FileNotFoundError:
            return
        except OSError as exc:
            kept = "left where it is"
            if repair:
                try:
                    kept = f"kept in {self._quarantine_move(path)}"
                except OSError:
                    pass
            self._notices.append(
                f"The action log {path} could not be read because {_read_reason(exc)}, so learning actions show "
                f"the status their sessions recorded for them; the file is {kept}."
            )
            return
        contents = parse_journal(data)
        usable = [op for op in contents.ops if usable_status_change(op)]
        bad = contents.damaged_lines + len(contents.ops) - len(usable)
        if not bad and not contents.damaged_tail:
            return
        kept = f"left where it is until the app next opens this folder"
        if repair:
            try:
                target = self._quarantine_copy(path, data)
                atomic_write(path, b"".join(orjson.dumps(op) + b"\n" for op in usable))
                self.changes += 1
                kept = f"kept in {target}"
            except OSError:
                pass
        if not bad:
            self._notices.append(
                f"The action log {path} ended in a half-written line from when the app stopped while saving, which "
                f"had not been shown as saved, so it was set aside and the original file is {kept}."
            )
            return
        lines = plural(bad, "line")
        self._notices.append(
            f"The action log {path} had {lines} that could not be read or used, so the status "
            f"{'change in it was' if bad == 1 else 'changes in them were'} lost and those actions show their "
            f"earlier status; {plural(len(usable), 'readable change')} {'was' if len(usable) == 1 else 'were'} "
            f"kept and the original file is {kept}."
        )

    # ------------------------------------------------------------------ index
    # The index holds one document per session: its summary, plus "stale" (its file may be behind
    # its journal), and "db_size" / "journal_size" (the sizes of its files when the entry was
    # written). At start a session whose files still have those sizes is not read at all.

    def _open_read_only(self) -> "Store":
        if not self.data_dir.is_dir():
            raise StoreError(
                f"There is no data folder at {self.data_dir}; start the app once or pass --data-dir to the right folder."
            )
        self._docs = IndexDocs()
        try:
            self._docs = self._read_index_docs()
        except (DamagedFileError, OSError) as exc:
            why = exc.reason if isinstance(exc, DamagedFileError) else _read_reason(exc)
            self._notices.append(
                f"The session index {self.index_path} could not be read because {why}, so the list was made from "
                "the session files; start the app once to repair it."
            )
        for session_id in self._session_ids_on_disk():
            if session_id not in self._docs:
                try:
                    session = self._load(session_id)
                except StoreError as exc:  # (said: `sessions list` named nothing of an empty or damaged file)
                    self._notices.append(str(exc))
                    continue
                if not self._not_its_files(session_id, session):
                    self._docs[session_id] = self._doc_for(session)
        # Sessions whose files are no longer the sizes the index noted (cut off, emptied, or written since: the app
        # stopped as a session ended, its end in the journal only) are read, as at any start, and what is wrong
        # said; their entries are taken from what was read (the list said "running" of a session the export
        # called ended), and nothing is repaired here (the app's next start does that).
        changed = [
            session_id for session_id, db_size, journal_size in self._docs.fields("db_size", "journal_size")
            if self._sizes_changed(session_id, db_size, journal_size)
        ]
        for session_id in changed[:READ_ONLY_CHECKS]:
            try:
                session = self._load(session_id)
            except UnknownSessionError:
                # Listed, but no file of it is here (an index.json from another folder, files moved away): left off the
                # list, as the app's start does. (Listed, it was then "no session" with advice to list the sessions.)
                doc = self._docs.pop(session_id, None) or {}
                self._notices.append(
                    f"The files of “{doc.get('shown_title') or doc.get('title', session_id)}” ({session_id}) are not in "
                    f"{self.sessions_dir}, so it is left off the list of sessions (the app, started, takes it off)."
                )
                continue
            except StoreError as exc:
                self._notices.append(str(exc))
                continue
            if not self._not_its_files(session_id, session):
                # (the sizes as noted kept: a journal shorter than noted is said again by the export's own reading)
                noted = self._docs.get(session_id) or {}
                doc = self._doc_for(session)
                self._docs[session_id] = {**doc, **{k: noted[k] for k in ("db_size", "journal_size") if k in noted}}
                self._validated.pop(session_id, None)
        self._check_action_log()
        return self

    def _not_its_files(self, name: str, session: Session) -> bool:
        """True, and a notice, if the files named ``name`` hold another session (a copy of its files under another
        name, such as a program that syncs the folder makes when two computers change it): listed, that session
        would be listed twice, and the history could not hold both."""
        if session.id == name:
            return False
        said = (
            f"The files {name}.json and {name}{JOURNAL_SUFFIX} in {self.sessions_dir} hold the session {session.id}, "
            "not one of their own (a copy made by a program that syncs the folder, perhaps), so they are left out; "
            f"move them out of that folder, or rename them {session.id}.json and {session.id}{JOURNAL_SUFFIX} if that "
            "session has no files there."
        )
        if said not in self._notices:
            self._notices.append(said)
        return True

    def _read_index_docs(self) -> IndexDocs:
        """index.json's documents, kept compactly (empty if there is no index); DamagedFileError or OSError if it
        cannot be read. Read one entry at a time (store/docs.py's read_index); a file that reading refuses is
        parsed whole, which says what is wrong with it."""
        docs = self._read_index_file()
        self._fold_index_log(docs)
        return docs

    def _read_index_file(self) -> IndexDocs:
        try:
            data = read_whole(self.index_path)
        except FileNotFoundError:
            return IndexDocs()
        if data:
            try:
                return read_index(data, "sessions", self._index_doc_id)
            except ValueError:
                pass
        # Parsed with the standard library's json (as fast here): see parse_database's ``loads``.
        return self._docs_from(parse_database(self.index_path, data, loads=json.loads))

    def _fold_index_log(self, docs: IndexDocs) -> None:
        """The changes in index.journal.jsonl applied to ``docs`` (index.json's entries), in order.

        A line cut off at the end (the app stopped while writing it) is left out silently; lines that cannot
        be read are left out, the log kept in quarantine/ as it was (unless read-only), and one sentence
        says so. Nothing is lost either way: the start-up checks read again every session whose files no
        longer match its entry, and the log is only ever a shortcut to what those files hold."""
        path = self.index_log_path
        try:
            data = read_whole(path)
        except FileNotFoundError:
            return
        except OSError as exc:
            self._index_logged = True
            self._index_log_problem(path, None, _read_reason(exc))
            return
        if not data:
            return
        self._index_logged = True
        bad = 0
        for line in data[: data.rfind(b"\n") + 1].split(b"\n"):
            if not line:
                continue
            try:
                change = orjson.loads(line)
                if not isinstance(change, dict):
                    raise ValueError("not a change")
                if "put" in change:
                    docs[self._index_doc_id(change["put"])] = change["put"]
                elif isinstance(change.get("drop"), str):
                    docs.pop(change["drop"], None)
                else:
                    raise ValueError("not a change")
            except (ValueError, DamagedFileError):
                bad += 1
        if bad:
            self._index_log_problem(path, data, f"{plural(bad, 'line')} of it could not be read")

    def _index_log_problem(self, path: Path, data: bytes | None, why: str) -> None:
        kept = "left where it is"
        if not self.read_only:
            try:
                kept = f"kept in {self._quarantine_copy(path, data) if data is not None else self._quarantine_move(path)}"
            except OSError:
                pass
        self._notices.append(
            f"The session index's change log {path} could not be read whole because {why}, so the list of "
            f"sessions was checked against the session files instead and the log is {kept}."
        )

    def _index_doc_id(self, doc: Any) -> str:
        """The session id of an index document; DamagedFileError if it is not one."""
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str) or not isinstance(doc.get("status"), str):
            raise DamagedFileError(self.index_path, "its entries are not session summaries")
        return doc["id"]

    def _docs_from(self, tables: dict[str, dict[str, Any]]) -> IndexDocs:
        """The index's documents, kept compactly (see store/docs.py); the parsed tables can then be dropped."""
        docs = IndexDocs()
        for doc in (tables.get("sessions") or {}).values():
            docs[self._index_doc_id(doc)] = doc
        return docs

    def _open_index(self) -> None:
        path = self.index_path
        try:
            self._docs = self._read_index_docs()
        except (DamagedFileError, OSError) as exc:
            why = exc.reason if isinstance(exc, DamagedFileError) else _read_reason(exc)
            try:
                kept = f"the damaged file is kept in {self._quarantine_move(path)}"
            except OSError:
                kept = "the damaged file could not be moved aside and was left in place"
            self._index_logged = True  # any change log is of the damaged index: removed once it is rebuilt
            count = self._rebuild_index()
            self._notices.append(
                f"The session index {path} could not be read because {why}, so it was rebuilt from "
                f"{plural(count, 'session')} in {self.sessions_dir} and {kept}."
            )
            return
        self._stale = {i for i, stale in self._docs.fields("stale") if stale}
        self._home = None

    def _rebuild_index(self) -> int:
        self._docs, self._validated, self._stale = IndexDocs(), {}, set()
        for session_id in self._session_ids_on_disk(include_backups=True):
            try:
                self._docs[session_id] = self._doc_for(self._load(session_id))
            except (SessionLostError, SessionRefusedError) as exc:
                self._notices.append(str(exc))
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

    def _index_bytes(self) -> bytes:
        """index.json's bytes. An entry that cannot be written back as JSON (read from a file changed by hand: a
        number too large for any field, a string with a lone surrogate) is made again from its session's files,
        and said once; writing the index failed there, at every start, and the app could not open."""
        def dumped() -> bytes:
            return orjson.dumps({"sessions": {str(n): doc for n, doc in enumerate(self._docs.values(), start=1)}})

        try:
            return dumped()
        except TypeError:
            pass
        bad = []
        for session_id, doc in self._docs.items():
            try:
                orjson.dumps(doc)
            except TypeError:
                bad.append(session_id)
        for session_id in bad:
            doc = self._docs.pop(session_id)
            self._validated.pop(session_id, None)
            shown = doc.get("shown_title")  # (the title with its names list applied: the home screen is projected)
            named = f"“{one_line(shown)[:80]}” ({session_id})" if isinstance(shown, str) and shown.strip() else session_id
            try:
                self._docs[session_id] = self._doc_for(self._load(session_id))
            except Exception:  # noqa: BLE001 - its files unreadable too: left out, the next start looks again
                pass
            self._notices.append(
                f"The entry of {named} in {self.index_path} held a value no "
                "session has (changed by hand?), so it was made again from the session's files."
            )
        return dumped()

    def _write_index(self, home_kept: bool = False) -> None:
        """Write the whole index (a TinyDB file: one table, ``sessions``) from what is known in memory.

        Written from the compact entries (store/docs.py), not through a TinyDB object: TinyDB would keep a
        second copy of every entry, and this file's bytes, for as long as the app runs. ``home_kept``: the
        home screen's entries were kept up to date already (one entry changed)."""
        if not home_kept:
            self._home = None  # (entries were added or taken away)
        if not self.still_ours():
            self._index_behind = True
            return
        data = self._index_bytes()
        try:
            atomic_write(self.index_path, data)
            self._index_behind = False
        except OSError:
            self._index_behind = True
            return
        finally:
            del data
        if self._index_logged:
            # Folded into the index just written. (If this is undone by a power cut, the log's lines are applied
            # again to the index that already holds them: the same entries.)
            try:
                self.index_log_path.unlink()
                self._index_logged = False
            except FileNotFoundError:
                self._index_logged = False
            except OSError:
                pass
        self._write_head()

    def _log_index(self, change: dict[str, Any]) -> None:
        """One index change appended to index.journal.jsonl (no fsync: derived, see the module docstring); the
        whole index written instead if the log cannot be."""
        if not self.still_ours():
            self._index_behind = True
            return
        self._index_logged = True
        try:
            Journal(self.index_log_path).append(change, sync=False)
        except JournalWriteError:
            self._write_index(home_kept=True)
            return
        self._write_head()

    def _put_summary(self, session: Session, stale: bool = False) -> None:
        doc = self._doc_for(session, stale)
        if stale:
            self._stale.add(session.id)
        else:
            self._stale.discard(session.id)
        if self._docs.get(session.id) == doc and not self._index_behind:
            return
        self._docs[session.id] = doc
        self._home_put(doc)
        self._validated.pop(session.id, None)
        if self.read_only:
            return
        if self._index_behind:
            self._write_index()
        else:
            self._log_index({"put": doc})

    def _drop_summary(self, session_id: str) -> None:
        self._validated.pop(session_id, None)
        self._home = None
        if self._docs.pop(session_id, None) is not None and not self.read_only:
            self._stale.discard(session_id)
            if self._index_behind:
                self._write_index()
            else:
                self._log_index({"drop": session_id})

    def sessions_on_disk(self, up_to: int | None = None) -> int:
        """How many session files the sessions folder holds (``up_to``: counted no further than that), from a
        listing of it alone: none of the start-up checks is waited for, and no table of them is made (0 if the
        folder cannot be listed). The listing lets go of the interpreter at every file, and the start-up checks'
        thread may hold it meanwhile: counting only as far as needed is what keeps it quick (counting 40,000
        files then took 0.5 s)."""
        found = 0
        try:
            with os.scandir(self.sessions_dir) as entries:
                for entry in entries:
                    if entry.name.endswith(".json") and not entry.name.startswith("."):
                        found += 1
                        if up_to is not None and found >= up_to:
                            break
        except OSError:
            return 0
        return found

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

    def _sizes_changed(self, session_id: str, db_size: object, journal_size: object) -> bool:
        """True if the session's file or journal is no longer the size its index entry noted (cut off, emptied,
        replaced, changed after the entry was written; a size the entry lacks is MISSING)."""
        sessions_dir = self.sessions_dir

        def size(suffix: str) -> int | None:
            if session_id.startswith(".") or "/" in session_id:
                return None  # (not a session's file: left out as in the listing)
            try:
                return os.stat(f"{sessions_dir}/{session_id}{suffix}").st_size
            except OSError:
                return None

        return size(".json") != (None if db_size is MISSING else db_size) or (size(JOURNAL_SUFFIX) or 0) != (
            None if journal_size is MISSING else journal_size
        )

    def _check_sessions(self) -> None:
        """At start: bring the index up to date with the files, and repair what a crash or damage left.

        Fully loaded (and repaired): sessions left running, sessions the index does not know or
        marks stale, and ended ones whose files no longer have the sizes the index noted (cut off,
        emptied, replaced, or changed after the entry was written). The rest cost one directory
        entry each, so opening stays fast with thousands of sessions. Damage that keeps a file's
        size is found when the session is loaded, and repaired the same way.
        """
        # One listing of the folder for what the index does not know (and stray temp files, staged records),
        # then each entry's two files looked at in turn: no table of every file or session is made, since at
        # 20,000 sessions those took about 6 MB the app kept after they were dropped.
        docs = self._docs
        staged: list[str] = []
        to_check: set[str] = set()
        sessions_dir = str(self.sessions_dir)
        with os.scandir(sessions_dir) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(STAGED_RECORD_SUFFIX):
                    staged.append(name)
                    continue
                if name.startswith("."):
                    if name.endswith(TEMP_SUFFIX):
                        try:
                            os.unlink(entry.path)  # a write the app never finished
                        except OSError:
                            pass
                    continue
                if name.endswith(JOURNAL_SUFFIX):
                    session_id = name[: -len(JOURNAL_SUFFIX)]
                elif name.endswith(".json"):
                    session_id = name[:-5]
                else:
                    continue
                if session_id not in docs:
                    try:
                        entry.stat()
                    except OSError:
                        continue
                    to_check.add(session_id)

        ended = SessionStatus.ended.value
        older = []
        for session_id, status, stale, db_size, journal_size, shown_title, date, created_at in docs.fields(
            "status", "stale", "db_size", "journal_size", "shown_title", "date", "created_at"
        ):
            if status != ended or stale or self._sizes_changed(session_id, db_size, journal_size):
                to_check.add(session_id)
            if shown_title is MISSING and status == ended:
                older.append((str(None if date is MISSING else date), str(None if created_at is MISSING else created_at), session_id))
        # Entries written before the shown title was kept: the newest, which the home screen lists, are read
        # once to add it (the rest keep their title as typed until read, and no shared list shows them).
        older.sort(reverse=True)
        to_check.update(session_id for _, _, session_id in older[:RECENT_SESSIONS])
        changed = False
        for session_id in sorted(to_check):
            try:
                session = self._load(session_id)
            except SessionRefusedError as exc:  # (listed still: nothing of it is lost, once the permission is given)
                self._notices.append(str(exc))
                continue
            except SessionLostError as exc:
                self._notices.append(str(exc))
                changed |= self._docs.pop(session_id, None) is not None
                continue
            except UnknownSessionError:
                doc = self._docs.pop(session_id, None)
                if doc is not None:
                    changed = True
                    self._notices.append(
                        f"The files of “{doc.get('title', session_id)}” ({session_id}) are no longer in "
                        f"{self.sessions_dir}, so it was taken off the list of sessions."
                    )
                continue
            if self._not_its_files(session_id, session):
                changed |= self._docs.pop(session_id, None) is not None
                continue
            doc = self._doc_for(session)
            if self._docs.get(session_id) != doc:
                self._docs[session_id] = doc
                self._validated.pop(session_id, None)
                self._stale.discard(session_id)
                changed = True
        if changed:
            self._write_index()
        for name in staged:
            self._finish_staged_record(name[: -len(STAGED_RECORD_SUFFIX)])

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
                self._home = None
                continue
            self._put_summary(session)
            self._validated[session_id] = session.summary()
        return self._validated

    def list_sessions(self) -> list[SessionSummary]:
        self.finish_opening()
        assert self._docs is not None, "open() the store first"
        with self._thread_lock:
            summaries = list(self._summary_map().values())
        summaries.sort(key=lambda s: (s.date, s.created_at), reverse=True)
        return summaries

    def session_rows(self) -> list[SessionRow]:
        """Every session, newest first, as the home screen lists them: from the index documents as they are,
        without validating them into SessionSummary (and so without loading pydantic) while they are as the
        store wrote them; through list_sessions (which checks and repairs) if any is not."""
        self.finish_opening()
        assert self._docs is not None, "open() the store first"
        with self._thread_lock:
            try:
                rows = [SessionRow.from_values(values) for values in self._docs.rows()]
                rows.sort(key=lambda r: (r.date, r.created_at), reverse=True)
                return rows
            except (ValueError, TypeError, KeyError, AttributeError):
                pass
        return [SessionRow.of(s) for s in self.list_sessions()]

    def session_ids(self) -> list[str]:
        """The id of every session (in no order), without reading their entries."""
        self.finish_opening()
        assert self._docs is not None, "open() the store first"
        with self._thread_lock:
            return list(self._docs.keys())

    def has_session(self, session_id: str) -> bool:
        """True if the store holds this session (its entry not read)."""
        self.finish_opening()
        assert self._docs is not None, "open() the store first"
        with self._thread_lock:
            return session_id in self._docs

    def known_teams(self, *, only_if_ready: bool = False) -> dict[str, tuple[str, str]] | None:
        """Every team a session was held for: its key (text.team_key) -> (the spelling of its newest session, that
        session's id). Worked out from every entry once and kept until an entry changes (about 0.2 s at 20,000
        sessions): the app works it out after the start-up checks, in a thread. ``only_if_ready``: None rather than
        working it out (or finishing the start-up checks) now."""
        if only_if_ready and not self.opening_finished:
            return None
        self.finish_opening()
        assert self._docs is not None, "open() the store first"
        with self._thread_lock:
            docs = self._docs
            stamp = (id(docs), docs.version)
            if self._teams is not None and self._teams[0] == stamp:
                return dict(self._teams[1])
            if only_if_ready:
                return None
            newest: dict[str, tuple[tuple[str, str], str, str]] = {}
            #: team key -> {key of the team as a session's names list shows it: (when, that spelling)}, where it differs
            listed: dict[str, dict[str, tuple[tuple[str, str], str]]] = {}
            for sid, team, shown, date, created in docs.fields("team", "shown_team", "date", "created_at"):
                if type(team) is not str or not team.strip():
                    continue
                when = (str(None if date is MISSING else date), str(None if created is MISSING else created))
                key = team_key(team)
                if key not in newest or when > newest[key][0]:
                    newest[key] = (when, team, sid)
                if shown != team and type(shown) is str and shown.strip() and team_key(shown) != key:
                    spellings = listed.setdefault(key, {})
                    shown_key = team_key(shown)
                    if shown_key not in spellings or when > spellings[shown_key][0]:
                        spellings[shown_key] = (when, shown)
            teams = {key: (team, sid) for key, (_, team, sid) in newest.items()}
            as_listed = {
                key: [shown for _, shown in sorted(spellings.values(), reverse=True)] for key, spellings in listed.items()
            }
            self._teams = (stamp, teams, as_listed)
            return dict(teams)

    def team_sessions_before(self, session_id: str, team: str, most: int = 5) -> list[str]:
        """The ids of the newest other sessions held for this team (any spelling of it: text.team_key), newest
        first, ``most`` at most."""
        self.finish_opening()
        assert self._docs is not None, "open() the store first"
        key = team_key(team)
        if not key:
            return []
        found: list[tuple[tuple[str, str], str]] = []
        with self._thread_lock:
            for sid, typed, date, created in self._docs.fields("team", "date", "created_at"):
                if sid == session_id or type(typed) is not str or team_key(typed) != key:
                    continue
                found.append(((str(None if date is MISSING else date), str(None if created is MISSING else created)), sid))
        return [sid for _, sid in sorted(found, reverse=True)[:most]]

    def team_as_listed(self, team: str, *, only_if_ready: bool = False) -> list[str] | None:
        """How shared lists show this team where a session's names list changes its name (“Jayden's family group”
        with “Jayden -> Child A” is “Child A's family group”, as the history holds it): each such spelling once,
        newest first; none for a team whose name holds no listed name. As known_teams last worked it out (the set-up
        screen has it worked out again as a session is set up), so that a follow-up round waits for no reading of every
        entry; worked out now only if it never was. ``only_if_ready``: None rather than working it out now."""
        with self._thread_lock:
            teams = self._teams
        if teams is None:
            if self.known_teams(only_if_ready=only_if_ready) is None:
                return None
            with self._thread_lock:
                teams = self._teams
        return list(teams[2].get(team_key(team), ())) if teams is not None else []

    def session_count(self) -> int:
        """How many sessions the store holds."""
        self.finish_opening()
        assert self._docs is not None, "open() the store first"
        with self._thread_lock:
            return len(self._docs)

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
        self.finish_opening()
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
        self.finish_opening()
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
                        data = read_whole(path_name)
                        header, contributions, meta = _read_tables(path_name, data)  # type: ignore[arg-type]
                        if meta.get("journal_bytes") == sizes.get(f"{session_id}{JOURNAL_SUFFIX}", 0):
                            entry = HistoryEntry(summary, self.resolve_template(header, path_name), contributions)  # type: ignore[arg-type]
                    except (OSError, DamagedFileError):
                        pass
                if entry is None:
                    try:
                        entry = HistoryEntry.of(self.load_session(session_id))
                    except StoreError as exc:
                        if str(exc) not in self._notices:
                            self._notices.append(str(exc))
                        continue
                history.append(entry)
            return history

    def _read_backup(self, session_id: str) -> tuple[Session, dict] | None:
        path = self._backup_path(session_id)
        try:
            return _session_from_file(path, read_whole(path), self.resolve_template, self._template_models)
        except (OSError, DamagedFileError):
            return None

    def _read_refused_again(self, path: Path, read: Callable[[], Any], session_id: str, repair: bool) -> Any:
        """``read()`` of a session's file or journal; one that permissions keep from being read is made readable
        again if it is ours (``repair``) and read again. One still refused stops the session being opened, with a
        sentence: it is not damaged, and opening the session without it (and setting it aside) would leave out what
        it holds, recorded changes included."""
        try:
            return read()
        except PermissionError:
            if not (repair and readable_again(path)):
                what = "journal" if path.name.endswith(JOURNAL_SUFFIX) else "session file"
                raise SessionRefusedError(
                    f"The {what} {path} of session {session_id} could not be read because permission was refused, so the session "
                    f"was not opened and nothing was changed; give your user permission to read and write it "
                    f"(chmod 600 '{path}'), then open it again."
                ) from None
        return read()

    def _load(self, session_id: str) -> Session:
        """Session file + journal lines newer than it; repairs damage unless the store is read-only.

        Whatever is wrong is met here, for this session alone: a journal or session file that cannot be
        read at all, unreadable journal lines, lines that are JSON but cannot be applied (made by a newer
        version, or damaged), a journal shorter than the session file says it was, a session file whose
        checksum no longer matches. What can be read is used; the damaged bytes are kept in quarantine/
        (the file moved there, or a copy of it); one sentence in ``notices`` says what happened.
        """
        repair = not self.read_only
        db_path = self._session_path(session_id)
        journal = self._journal(session_id)
        journal_problem: str | None = None
        try:
            contents = self._read_refused_again(journal.path, journal.read, session_id, repair)
        except OSError as exc:
            contents = JournalContents([])
            journal_problem = _read_reason(exc)
        journal_target: Path | None = None
        journal_bytes = contents.size

        db_session: Session | None = None
        db_meta: dict = {}
        db_problem: str | None = None
        db_target: Path | None = None
        data: bytes | None = None
        try:
            data = self._read_refused_again(db_path, lambda: read_whole(db_path), session_id, repair)
        except FileNotFoundError:
            pass
        except OSError as exc:
            db_problem = _read_reason(exc)
        if data is not None:
            try:
                db_session, db_meta = _session_from_file(db_path, data, self.resolve_template, self._template_models)
            except DamagedFileError as exc:
                db_problem = exc.reason
        names = _journal_names(contents)
        if db_session is not None and db_session.id != session_id and names == session_id:
            # Another session's file in this one's place, its journal this one's: the file is set aside as damaged
            # and the session rebuilt from its journal (export wrote the other session's record under this id, and
            # the app then left both files out as a copy of the other session, the journal with all of this one).
            db_problem = f"it holds another session, {db_session.id}"
            db_session, db_meta = None, {}
        own = db_session.id if db_session is not None else session_id
        other = names if names is not None and names != own else None
        if other is not None and journal_problem is None:
            # Another session's journal in this one's place (copied over it, two folders joined): its lines are not
            # this session's. Read as this one, the session took the other's title and words, and its export was the
            # other's record under this one's id, said to have lost nothing. (A copy of both of a session's files
            # under another name holds that session in both: _not_its_files leaves it out.)
            contents = JournalContents([])
            journal_problem = f"it is the journal of another session, {other}"
        if db_problem is not None:
            self._forget_db(session_id)
            if repair:
                try:
                    db_target = self._quarantine_move(db_path)
                except OSError:
                    repair = False
        if journal_problem is not None and repair:
            try:
                journal_target = self._quarantine_move(journal.path)
                journal_bytes = 0
            except OSError:
                repair = False

        ops = [op for op in contents.ops if valid_seq(op)]
        bad_seq = len(contents.ops) - len(ops)  # e.g. a seq that is text or null: cannot be placed
        seen = {op["seq"] for op in ops}
        last_seen = max(seen, default=0)
        missing = [n for n in range(1, last_seen + 1) if n not in seen]
        missing += range(last_seen + 1, last_seen + 1 + contents.trailing_damaged)
        has_create = any(op.get("op") == "create" for op in ops)
        base: Session | None = db_session
        base_seq = int(db_meta.get("seq", 0)) if db_session is not None else 0
        source = "file"
        if base is None:
            if has_create and not missing and not contents.damaged_lines and not bad_seq:
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
        set_aside: set[int] = set()  # ids of lines that cannot be applied
        start_refused = ""  # why the session's first line (its start) could not be used, if it could not
        for op in ops:
            if op["seq"] <= base_seq:
                continue
            try:
                session = apply_op(session, op)
            except APPLY_ERRORS as exc:
                set_aside.add(id(op))
                if op.get("op") == "create" and not start_refused:
                    start_refused = _why_refused(exc)
                continue
            applied += 1
        lost = [n for n in missing if n > base_seq]
        lost = lost[min(bad_seq, len(lost)):]  # a line whose seq could not be read is most likely a gap's change
        # Only an unreadable line can hide a change: a readable line with a far-off seq (set aside, or from a
        # newer version) leaves gaps that never held anything.
        lost = lost[: contents.damaged_lines]
        not_applied = bad_seq + len(set_aside)
        last_seq = max(base_seq, last_seen)
        # The session file notes how long the journal was when it was written: a journal now shorter
        # (cut off, emptied, zeroed) has lost lines, and with them changes made after that write.
        recorded_length = db_meta.get("journal_bytes", 0) if db_session is not None else 0
        # (A line damaged in place may also shorten it: then the lines the file holds are still there.)
        cut = (
            journal_problem is None
            and contents.good_length < recorded_length
            and last_seen + contents.trailing_damaged < base_seq
        )

        # With the session file unreadable, the list of sessions still says how long the journal was when it last
        # noted the session: a journal shorter than that has lost lines too ("nothing lost" was said then).
        short_journal = None
        if db_problem is not None and journal_problem is None and self._docs is not None and session_id in self._docs:
            noted = self._docs.field(session_id, "journal_size")
            if type(noted) is int and contents.good_length < noted:
                short_journal = (contents.good_length, noted)

        # (a journal that is not there at all: nothing to keep a copy of, and none is made)
        journal_gone = cut and not contents.size and not (contents.damaged_tail or contents.damaged_lines or not_applied) \
            and not journal.path.exists()
        if repair and journal_problem is None and not journal_gone and (
            contents.damaged_tail or contents.damaged_lines or not_applied or cut
        ):
            try:
                keep = [op for op in ops if id(op) not in set_aside]
                journal_target = self._repair_journal(journal, contents, keep if not_applied else None)
                journal_bytes = journal.size()
            except OSError:
                repair = False  # cannot write now: use what can be read, repair at a later start

        if session is None:
            if db_problem is None and journal_problem is None and not contents.ops and not contents.damaged_lines and not contents.damaged_tail:
                raise UnknownSessionError(
                    f"There is no session '{session_id}' in {self.data_dir}; "
                    "run `facilitator sessions list` to see the ids."
                )
            if db_problem:
                what = f"The session file {db_path} could not be read because {db_problem}"
            elif journal_problem:
                what = f"The journal {journal.path} could not be read because {journal_problem}"
            elif start_refused:
                what = (f"The first line of the journal {journal.path}, the start of session {session_id}, holds "
                        f"a value the app cannot use ({start_refused})")
            else:
                what = f"The journal {journal.path} has lost the start of session {session_id}"
            rest = ("neither its session file nor its backup is there to open it from" if start_refused and not db_problem
                    else "there is no journal or backup to rebuild it from")
            raise SessionLostError(
                f"{what} and {rest}, so session {session_id} "
                f"could not be opened; the damaged files are kept in "
                f"{(_kept_in(db_target, journal_target) or self.quarantine_dir) if repair else 'place'}."
            )

        if repair:
            self._seq[session_id] = last_seq
            if source != "file" or applied or db_meta.get("journal_bytes") != journal_bytes or db_meta.get(IDS_GIVEN):
                try:
                    self._write_session_file(session, last_seq, journal_bytes)
                except OSError:
                    self._dirty[session_id] = session
            else:
                self._journal_bytes[session_id] = journal_bytes
                self._file_sizes[session_id] = (len(data or b""), journal_bytes)
                self._dirty.pop(session_id, None)

        notice = self._load_notice(
            session, db_path, db_problem, db_target, source, journal, contents, journal_target, lost,
            journal_problem=journal_problem, not_applied=not_applied, cut=(contents.good_length, recorded_length) if cut else None,
            short_journal=short_journal,
        )
        if notice and notice not in self._notices:
            self._notices.append(notice)
        return session

    def _repair_journal(self, journal: Journal, contents: JournalContents, keep: list[dict[str, Any]] | None = None) -> Path:
        """Keep the damaged journal's bytes in quarantine, then leave only its usable lines in place.

        ``keep``: the lines to keep when some readable lines cannot be applied (else every readable line).
        """
        self.changes += 1  # a repaired file: readers look again
        target = self._quarantine_copy(journal.path, contents.raw)
        if contents.damaged_lines or keep is not None:
            clean = b"".join(orjson.dumps(op) + b"\n" for op in (contents.ops if keep is None else keep))
            atomic_write(journal.path, clean)
        elif contents.damaged_tail:
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
        journal_problem: str | None = None,
        not_applied: int = 0,
        cut: tuple[int, int] | None = None,
        short_journal: tuple[int, int] | None = None,
    ) -> str | None:
        from ..record.redact import shown_title

        title = f"“{shown_title(session)}”"  # (the notice may be read on the projector: its names list applied)
        named = f"{title} ({session.id})"
        losing = f"{plural(len(lost), 'recorded change')} in unreadable journal lines could not be recovered"
        if not_applied:
            aside = f"{plural(not_applied, 'journal line')} this version cannot use {'was' if not_applied == 1 else 'were'} set aside"
            losing = f"{losing} and {aside}" if lost else aside
        kept_journal = f"kept in {journal_target}" if journal_target else "left where it is until the app next opens this folder"
        if db_problem:
            if source == "journal" and not lost and not not_applied:
                rebuilt = "was rebuilt from its journal with nothing lost"
            elif source == "journal":
                rebuilt = f"was rebuilt from its journal but {losing}"
            else:
                rebuilt = "was rebuilt from its backup" + (" and journal" if contents.ops else "")
                rebuilt += f" but {losing}" if lost or not_applied else " with nothing lost"
                if journal_problem:
                    rebuilt = f"was rebuilt from its backup, which may miss the latest changes, because its journal could not be read either ({journal_problem})"
            if short_journal and not journal_problem:
                rebuilt = (
                    f"was rebuilt from its {'journal' if source == 'journal' else 'backup and journal'}, but the journal "
                    f"is shorter than when the list of sessions last noted it ({short_journal[0]:,} of "
                    f"{short_journal[1]:,} bytes), so recorded changes may have been lost"
                )
            kept = f"the damaged file is kept in {db_target}" if db_target else "the damaged file was left in place"
            if journal_target:
                kept = f"the damaged files are kept in {_kept_in(db_target, journal_target)}"
            return f"The session file {db_path} could not be read because {db_problem}, so {title} {rebuilt}; {kept}."
        if journal_problem:
            return (
                f"The journal {journal.path} of {named} could not be read because {journal_problem}, so the session was "
                f"opened as its session file last saved it and changes recorded after that may be missing; the journal is {kept_journal}."
            )
        original = f"the original journal is {kept_journal}"
        if cut and not contents.size and not journal.path.exists():
            return (
                f"The journal {journal.path} of {named} is missing (it held {cut[1]:,} bytes when the session file was "
                f"last saved), so recorded changes after that may have been lost; the session was opened as its "
                f"session file holds it."
            )
        if cut and contents.size == cut[1]:
            # As long as when the session file was saved with every change it held, but unreadable from some point
            # (zero-filled, overwritten): no change came after that save (it would have made the journal longer), so
            # nothing is lost. It was said to be "shorter" and to have maybe lost changes.
            return (
                f"The journal {journal.path} of {named} can be read for only {cut[0]:,} of its {cut[1]:,} bytes (the "
                f"rest is zeros or damaged), but the session file was saved with every change it held, so nothing was "
                f"lost; {original}."
            )
        if cut and contents.size > cut[1]:
            return (
                f"The journal {journal.path} of {named} can be read for only {cut[0]:,} of the {cut[1]:,} bytes it held "
                f"when the session file was last saved (the rest is zeros or damaged), so recorded changes after that "
                f"may have been lost; the session was opened as its session file holds it and {original}."
            )
        if cut:
            return (
                f"The journal {journal.path} of {named} is shorter than when the session file was last saved "
                f"({cut[0]:,} of {cut[1]:,} bytes), so recorded changes after that may have been lost; the session was "
                f"opened as its session file holds it and {original}."
            )
        if not_applied:
            unreadable = f"{plural(contents.damaged_lines, 'unreadable line')} and " if contents.damaged_lines else ""
            lines = plural(not_applied, "line")
            aside = "it was set aside" if not_applied == 1 and not contents.damaged_lines else "they were set aside"
            if lost:
                aside += f", {plural(len(lost), 'recorded change')} in unreadable lines could not be recovered,"
            return (
                f"The journal {journal.path} of {named} had {unreadable}{lines} this version of facilitator cannot use "
                f"(written by a newer version, or damaged), so {aside} and every other change was kept; {original}."
            )
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
        """Drop the session's TinyDB and the changes kept for it (the caller writes the file whole, or the
        journal holds them)."""
        db = self._session_dbs.pop(session_id, None)
        if db is not None:
            db.close()
        self._unflushed.pop(session_id, None)
        self._pending.pop(session_id, None)
        self._live.pop(session_id, None)

    def _write_session_file(self, session: Session, seq: int | None = None, journal_bytes: int | None = None) -> bytes:
        self.changes += 1  # a rewritten file: readers look again
        """Write the whole session file from the session in memory (atomic), and keep it open for changes."""
        seq = self._seq.get(session.id, 0) if seq is None else seq
        journal_bytes = self._journal_bytes.get(session.id, 0) if journal_bytes is None else journal_bytes
        data = self._file_bytes(session, seq, journal_bytes)
        self._forget_db(session.id)
        with self._file_lock:
            self._writes[session.id] = self._writes.get(session.id, 0) + 1
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
            try:
                last = max((op["seq"] for op in self._journal(session_id).read().ops if valid_seq(op)), default=0)
            except OSError:
                last = 0
            path = self._session_path(session_id)
            try:
                _, _, meta = _read_tables(path, read_whole(path))
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
            raise NotSavedError(self.read_only_reason)
        self.finish_opening()
        self.check_still_ours()
        first = self._next_seq(session_id)
        at = self.clock().isoformat()
        lines = [{"seq": first + n, "at": at, **op} for n, op in enumerate(ops)]
        journal = self._recording_journals.get(session_id)
        if journal is None:
            journal = self._recording_journals[session_id] = self._journal(session_id)
        try:
            end = journal.append(*lines)
        except JournalWriteError as exc:
            raise NotSavedError(not_saved(exc, self.data_dir)) from None
        last = first + len(ops) - 1
        self._seq[session_id] = last
        self.changes += 1
        self._last_ack = time.monotonic()
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

        The change is kept to be applied to the session's TinyDB, and its file replaced (atomically,
        fsynced), every ``flush_every`` changes or after ``flush_after`` seconds, by a thread of its own
        once this has returned (see _write_later); at a phase change (with its backup) and at close, at
        once. Until then the journal holds the change: a crash replays it. If writing fails, the change
        is safe in the journal and the whole file is rewritten at the next chance. Returns False then.
        """
        self._journal_bytes[session.id] = journal_bytes
        data = None
        try:
            if change is None or session.id in self._dirty:
                data = self._write_session_file(session, seq, journal_bytes)
            else:
                self._pending.setdefault(session.id, []).append((change, seq, journal_bytes))
                self._live[session.id] = session
                count, since = self._unflushed.get(session.id, (0, time.monotonic()))
                count += 1
                self._unflushed[session.id] = (count, since)
                if backup:
                    self._write_due.pop(session.id, None)
                    data = self._write_now(session.id)
                elif count >= self.flush_every or time.monotonic() - since >= self.flush_after:
                    # Written just after this returns, off the keypress: the journal holds the change.
                    self._write_later(session)
        except OSError as exc:
            self._write_failed(session, exc)
            return False
        if backup and data:
            try:
                atomic_write(self._backup_path(session.id), self._self_contained(self._session_path(session.id), data))
            except (OSError, DamagedFileError):
                pass
            else:
                self._unbacked.discard(session.id)
        return True

    def _write_now(self, session_id: str) -> bytes | None:
        """Apply the session's kept changes to its TinyDB and write its file; its bytes, or None if nothing was
        kept. OSError if it cannot be written (the changes are in the journal)."""
        with self._file_lock:
            prepared = self._prepare_write(session_id)
            if prepared is None or isinstance(prepared, bytes):
                return prepared
            storage, data, journal_bytes, _ = prepared
            atomic_write(storage.path, data, sync=storage._sync, sync_dir=storage._sync_dir)
            storage.pending = False
            self._file_sizes[session_id] = (len(data), journal_bytes)
            return data

    def _prepare_write(self, session_id: str) -> tuple[AtomicJSONStorage, bytes, int, int] | bytes | None:
        """Under both locks: the session's kept changes applied to its TinyDB, and (its storage, the file's new
        bytes, the journal length they hold, the number of this write); or None if nothing is to be written;
        or the bytes written, if the file had to be written whole (it was found damaged)."""
        session = self._live.get(session_id)
        changes = self._pending.pop(session_id, [])
        self._unflushed.pop(session_id, None)
        self._live.pop(session_id, None)
        if not changes or session is None:
            return None
        try:
            db = self._db(session_id)
            storage = db.storage
            storage.deferred = True
            _apply_changes(db, changes)
        except DamagedFileError as exc:
            # Someone else damaged the file while we ran: keep it aside, write ours whole.
            self._forget_db(session_id)
            target = self._quarantine_move(self._session_path(session_id))
            self._notices.append(
                f"The session file {exc.path} could not be read because {exc.reason}, so it was rewritten "
                f"from the app's copy with nothing lost and the damaged file is kept in {target}."
            )
            return self._write_session_file(session)
        except OSError:
            self._live[session_id] = session  # for _write_failed
            raise
        seq, journal_bytes = changes[-1][1], changes[-1][2]
        storage.meta = {"seq": seq, "journal_bytes": journal_bytes}
        data = storage.last_bytes or b""
        number = self._writes[session_id] = self._writes.get(session_id, 0) + 1
        return storage, data, journal_bytes, number

    def _write_failed(self, session: Session, exc: OSError) -> None:
        self._forget_db(session.id)
        if session.id not in self._dirty:
            self._notices.append(
                f"Saved in the journal, but the session file {self._session_path(session.id)} could not be "
                f"updated because {_reason(exc)}; it will be brought up to date automatically."
            )
        self._dirty[session.id] = session

    def _write_later(self, session: Session) -> None:
        """Have the session's file written by the writer thread, as soon as the store's lock is free."""
        if not self._write_due:
            self._due_since = time.monotonic()  # (the writer waits for a pause at most so long from here)
        self._write_due[session.id] = session
        if self._writer is None or not self._writer.is_alive():
            self._writer_stop = False
            self._writer = threading.Thread(target=self._writer_loop, name="facilitator-session-files", daemon=True)
            self._writer.start()
        self._writer_wake.set()

    def _prepare_made(self, session: Session) -> "_Made":
        """Under both locks: the bytes of a session just made (its file and, for the backup, standing alone)."""
        seq, journal_bytes = self._seq.get(session.id, 0), self._journal_bytes.get(session.id, 0)
        data = self._file_bytes(session, seq, journal_bytes)
        backup = self._self_contained(self._session_path(session.id), data)
        number = self._writes[session.id] = self._writes.get(session.id, 0) + 1
        return _Made(data, backup, journal_bytes, number)

    def _write_made(self, session_id: str, made: "_Made") -> "_Made | OSError":
        """Holding the file lock: a session's first file, then its backup (a backup that cannot be written is
        left for the next change that writes one, as after any change)."""
        try:
            # No fsync of the folder, as for every session file: if a power cut undoes the rename, the journal
            # holds the session.
            atomic_write(self._session_path(session_id), made.data, sync_dir=False)
        except OSError as exc:
            return exc
        try:
            atomic_write(self._backup_path(session_id), made.backup)
        except OSError:
            return made
        return made._replace(backed_up=True)

    def _made_written(self, session_id: str, session: Session, made: "_Made") -> None:
        """Under the store's lock: a session's first file is written; it is no longer behind its journal
        (unless it changed meanwhile: then that change rewrote it, or will)."""
        if self._dirty.get(session_id) is not session:
            return
        db = TinyDB(storage=AtomicJSONStorage, path=self._session_path(session_id), sync_dir=False)
        db.storage.preload(made.data)
        self._session_dbs[session_id] = db
        self._file_sizes[session_id] = (len(made.data), made.journal_bytes)
        self._dirty.pop(session_id, None)

    def _write_unbacked(self) -> None:
        """Under the store's lock: the backups of sessions made and not yet backed up, from their files."""
        for session_id in list(self._unbacked):
            if session_id in self._dirty:
                continue  # its file is behind: backed up once it is written
            path = self._session_path(session_id)
            try:
                atomic_write(self._backup_path(session_id), self._self_contained(path, read_whole(path)))
            except (OSError, DamagedFileError):
                continue
            self._unbacked.discard(session_id)

    def _writer_loop(self) -> None:
        """The writer thread: prepares the due files under the store's lock, then writes them holding only the
        file lock (recording goes on meanwhile), then notes what was written, or what failed, under the lock."""
        while True:
            self._writer_wake.wait()
            self._wait_for_quiet()
            jobs: list[tuple[str, Session, Any]] = []
            with self._thread_lock:
                self._writer_wake.clear()
                if self._writer_stop:
                    return
                due, self._write_due = self._write_due, {}
                if not due or not self.still_ours():
                    continue
                self._writer_busy = True
                self._file_lock.acquire()
                try:
                    for session_id in due:
                        made = self._dirty.get(session_id) if session_id in self._unbacked else None
                        if made is not None:  # a session just made: its whole file and its backup
                            jobs.append((session_id, made, self._prepare_made(made)))
                            continue
                        session = self._live.get(session_id)
                        try:
                            jobs.append((session_id, session, self._prepare_write(session_id)))
                        except OSError as exc:
                            jobs.append((session_id, session, exc))
                except BaseException:
                    self._file_lock.release()
                    self._writer_busy = False
                    raise
            results = []
            try:
                for session_id, session, job in jobs:
                    if isinstance(job, _Made):
                        results.append((session_id, session, self._write_made(session_id, job), job.number))
                        continue
                    if not isinstance(job, tuple):
                        results.append((session_id, session, job, None))
                        continue
                    storage, data, journal_bytes, number = job
                    try:
                        atomic_write(storage.path, data, sync=storage._sync, sync_dir=storage._sync_dir)
                        storage.pending = False
                        results.append((session_id, session, (len(data), journal_bytes), number))
                    except OSError as exc:
                        results.append((session_id, session, exc, number))
            finally:
                self._file_lock.release()
            with self._thread_lock:
                try:
                    for session_id, session, outcome, number in results:
                        if isinstance(outcome, _Made) and outcome.backed_up:
                            self._unbacked.discard(session_id)  # (the backup of the session as it was made)
                        if number is not None and self._writes.get(session_id) != number:
                            continue  # written again since: that write is the one that counts
                        if isinstance(outcome, _Made):
                            self._made_written(session_id, session, outcome)
                        elif isinstance(outcome, OSError):
                            if session is not None:
                                self._write_failed(session, outcome)
                        elif isinstance(outcome, tuple):
                            self._file_sizes[session_id] = outcome
                finally:
                    self._writer_busy = False

    def _wait_for_quiet(self) -> None:
        """In the writer thread: return once no change has been acknowledged for ``write_when_quiet`` seconds,
        or ``write_wait_at_most`` seconds from now, or when the writer is told to stop."""
        while not self._writer_stop:
            at = time.monotonic()
            # From when the oldest write now due fell due: one written meanwhile by a flush (or by
            # wait_for_file_writes) does not shorten the wait for one falling due later.
            give_up = self._due_since + self.write_wait_at_most
            wait = min(self._last_ack + self.write_when_quiet, give_up) - at
            if wait <= 0:
                return
            time.sleep(min(wait, self.write_when_quiet))

    def _write_due_files(self) -> None:
        """Write the session files that are due, here and now (under the store's lock)."""
        due, self._write_due = self._write_due, {}
        if not due or not self.still_ours():
            return
        for session_id in due:
            made = self._dirty.get(session_id) if session_id in self._unbacked else None
            if made is not None:
                try:
                    self._write_session_file(made)
                except OSError:
                    continue  # still in the journal; written whole at the next change, flush or start
                self._write_unbacked()
                continue
            session = self._live.get(session_id)
            try:
                self._write_now(session_id)
            except OSError as exc:
                if session is not None:
                    self._write_failed(session, exc)

    def wait_for_file_writes(self, timeout: float = 30.0) -> None:
        """Return once the session files due after the changes acknowledged so far are written (or failed)."""
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            with self._thread_lock:
                if not self._writer_busy:
                    self._write_due_files()
                    return
            time.sleep(0.002)

    def _stop_writer(self) -> None:
        writer = self._writer
        if writer is None:
            return
        self._writer_stop = True
        self._writer_wake.set()
        if writer is not threading.current_thread():
            writer.join(timeout=5)
        self._writer = None

    def flush(self) -> None:
        """Write every session file that is behind its journal now (the app may call this when idle)."""
        with self._thread_lock:
            if not self.still_ours():
                return
            self._write_due.clear()
            for session_id in list(self._unflushed):
                session = self._live.get(session_id)
                try:
                    self._write_now(session_id)
                except OSError as exc:  # still in the journal; written whole at the next flush or start
                    if session is not None:
                        self._write_failed(session, exc)
            for session in list(self._dirty.values()):
                try:
                    self._write_session_file(session)
                except OSError:
                    pass
            self._write_unbacked()

    def new_session_id(self, date: dt.date) -> str:
        return f"{date:%Y%m%d}-{self._id_factory()}"

    def new_contribution_id(self) -> str:
        return secrets.token_hex(6)

    def create_session(self, session: Session) -> Session:
        self.finish_opening()
        with self._thread_lock:
            if self._session_path(session.id).exists() or self._journal(session.id).path.exists():
                raise StoreError(f"A session with id {session.id} already exists.")
            self._seq[session.id] = 0
            ops = [{"op": "create", "session": session_header(session)}]
            ops += [{"op": "add", "contribution": contribution_doc(c)} for c in session.contributions]
            try:
                _, end = self._acknowledge(session.id, *ops)
            except NotSavedError:
                self._seq.pop(session.id, None)
                raise
            # The journal's line is the acknowledgement. The session file and its backup are written just after,
            # by the writer thread (three fsyncs that once held up the new session's first screen): until then
            # the session is one whose file is behind its journal, written whole at its next change, a flush or
            # close, and a crash meanwhile rebuilds it from the journal at the next start, with nothing lost.
            self._journal_bytes[session.id] = end
            self._dirty[session.id] = session
            self._unbacked.add(session.id)
            self._put_summary(session)
            self._write_later(session)
            return session

    def add_contribution(self, session: Session, contribution: Contribution) -> None:
        """Record a contribution: durable before this returns, or NotSavedError and nothing changed."""
        with self._thread_lock:
            doc = contribution_doc(contribution)
            seq, end = self._acknowledge(session.id, {"op": "add", "contribution": doc})
            session.contributions.append(contribution)
            self._after_ack(session, seq, end, _Add(doc))

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
        self.finish_opening()
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
        self.finish_opening()
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
        if problem is not None and problem not in self._notices:
            self._notices.append(problem)
        return settings

    def settings_problem(self) -> str | None:
        """Why <data>/settings.toml cannot be read as it is now (one sentence), or None if it can or there is none."""
        return self._read_settings()[1]

    def _read_settings(self) -> tuple[dict[str, Any], str | None]:
        path = self.data_dir / "settings.toml"
        try:
            # (read as every file of the folder is: a device, a pipe or a file far too large is refused unread)
            return tomllib.loads(read_whole(path, limit=SETTINGS_LIMIT).decode("utf-8")), None
        except FileNotFoundError:
            return {}, None
        except IsADirectoryError:
            why, fix = "it is a folder", "remove it, or put a settings file in its place"
        except FileTooLargeError as exc:
            why, fix = exc.reason.split(", far")[0] + " (a settings file is a few lines)", "check it is the right file"
        except NotAFileError:
            why, fix = "it is not a file (a device or a pipe)", "remove it, or put a settings file in its place"
        except OSError as exc:
            why, fix = _read_reason(exc), "check the file and its permissions"
        except UnicodeDecodeError:
            why, fix = "it is not UTF-8 text", "save it as UTF-8 in your editor, or remove it to use the defaults"
        except tomllib.TOMLDecodeError as exc:
            why = f"of a mistake in it ({str(exc)[:1].lower()}{str(exc)[1:]})"
            fix = "mend that line, or remove the file to use the defaults"
        return {}, f"The settings file {path} could not be read because {why}, so the default settings are used; {fix}."

    # ------------------------------------------------------------------ records
    def write_record(self, session: Session, content: bytes, extension: str, out: Path | None = None) -> Path:
        """Write an exported record; the default place is <data>/records/."""
        if out is not None:
            write_out(out, content, chosen=True)
            return out
        self.check_still_ours()
        ensure_private_dir(self.records_dir)
        out = self.final_record_path(session, extension)
        write_out(out, content, chosen=False)
        return out

    # Ending a session: its final record is written beside the session file first (stage_final_record), then
    # the session is marked ended (a journal line: the acknowledgement), then the record is moved into
    # records/ (publish_final_record). A kill before the journal line leaves a running session and a staged
    # file, removed at the next start; a kill after it leaves an ended session whose record the next start
    # moves into place. So a record marked final is never in records/ for a session still running.
    def staged_record_path(self, session_id: str) -> Path:
        """Where a session's final record waits until it is in records/ (see stage_final_record)."""
        return self._staged_record_path(session_id)

    def _staged_record_path(self, session_id: str) -> Path:
        return self.sessions_dir / f"{session_id}{STAGED_RECORD_SUFFIX}"

    def final_record_path(self, session: Session, extension: str = "md") -> Path:
        from ..record.redact import record_stem  # (the template's id with the names list applied)

        return self.records_dir / f"{record_stem(session)}.{extension}"

    def stage_final_record(self, session: Session, content: bytes, extension: str = "md") -> Path:
        """Write a session's final record where it waits for the session to be marked ended; returns the
        path it will have in records/. StoreError (in words that fit the app) if it cannot be written."""
        self.check_still_ours()
        try:
            atomic_write(self._staged_record_path(session.id), content)
        except OSError as exc:
            raise StoreError(
                f"The record could not be written in {self.data_dir} because {_reason(exc)}; "
                "free some space or fix the folder, then end the session again with ctrl+e."
            ) from None
        return self.final_record_path(session, extension)

    def discard_staged_record(self, session_id: str) -> None:
        try:
            self._staged_record_path(session_id).unlink()
        except OSError:
            pass

    def publish_final_record(self, session: Session) -> Path | None:
        """Move an ended session's staged record to its place in records/ (its ``record_path``)."""
        self.finish_opening()
        with self._thread_lock:
            return self._finish_staged_record(session.id)

    def _finish_staged_record(self, session_id: str) -> Path | None:
        staged = self._staged_record_path(session_id)
        doc = (self._docs or {}).get(session_id) or {}
        target = doc.get("record_path")
        ended = doc.get("status") == SessionStatus.ended.value and isinstance(target, str)
        # In records/ of this folder, whatever path the folder was opened by when the session ended.
        target = self.records_dir / Path(target).name if ended else None
        try:
            if target is None or target.exists():
                staged.unlink()  # the session was never marked ended (or its record is in place already)
                return None
            ensure_private_dir(self.records_dir)
            os.replace(staged, target)
            fsync_dir(self.records_dir)
            fsync_dir(self.sessions_dir)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno in (errno.ENOTDIR, errno.EEXIST) and self.records_dir.is_file():
                why = f"{self.records_dir} is a file, not a folder (move that file aside, and start the app again)"
            else:
                why = _reason(exc)
            self._notices.append(
                f"The record of session {session_id} could not be put in {self.records_dir} because {why}; "
                "it is kept and put there when the app next starts."
            )
            return None
        return target

    def backup_session(self, session: Session) -> Path | None:
        """Keep a copy of the session's file in backups/ (used if both its file and journal are damaged)."""
        with self._thread_lock:
            source = self._session_path(session.id)
            try:
                data = self._self_contained(source, read_whole(source))
                _read_tables(source, data)
            except (OSError, DamagedFileError):
                return None
            target = self._backup_path(session.id)
            try:
                ensure_private_dir(self.backups_dir)
                atomic_write(target, data)
            except OSError:
                return None
            self._unbacked.discard(session.id)
            return target
