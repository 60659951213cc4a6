"""The whole history, read once and kept small: one SessionFacts per session (see learning/facts.py).

Reads <data>/sessions/<id>.json straight from disk with orjson, one file at a time, so memory holds only
the compact facts, never all the documents at once. A session file that is behind its journal (its
recorded journal length differs from the journal's) goes through Store.load_session, which replays and
repairs it, so nothing acknowledged is missed. ``refresh()`` reads again only the sessions whose files
changed since the last read.

The facts of ended sessions are also kept in <data>/history-cache.json (derived, never the source of
truth): a later start takes a session's facts from there while its session file and journal still have
the sizes and modification times noted with them, and reads the file otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import orjson

from ..learning.facts import ActionFact, SessionFacts, Strength, facts_from_docs, facts_from_session
from ..models import SessionStatus, SessionSummary
from .files import atomic_write
from .storage import DamagedFileError
from .store import JOURNAL_SUFFIX, Store, StoreError, _no_gc, _read_tables


def _read_file(path: Path) -> tuple[dict, list[dict], dict] | None:
    try:
        return _read_tables(path, path.read_bytes())
    except (OSError, DamagedFileError):
        return None


# ---------------------------------------------------------------------- the on-disk cache
# <data>/history-cache.json: a first line (version, phase names), then one JSON line per ended session:
# its facts, with the size and modification time of its session file and journal when they were taken. Derived and rebuildable: an entry is used
# only while both files still have exactly those sizes and times (any acknowledged change appends to the
# journal, so it changes both), and a cache that cannot be read is ignored and written again.
# Only a writable store (the app, holding the folder's lock) writes it; readers (the digest) read it.

CACHE_NAME = "history-cache.json"
#: bump whenever facts_from_docs or the layout below changes: older caches are then ignored
CACHE_VERSION = 2

Mark = tuple  # (session file size, its mtime_ns, journal size, its mtime_ns); None parts if missing


def _scan(folder: Path) -> dict[str, tuple[int, int]]:
    stats: dict[str, tuple[int, int]] = {}
    if folder.is_dir():
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    st = entry.stat()
                except OSError:
                    continue
                stats[entry.name] = (st.st_size, st.st_mtime_ns)
    return stats


def _facts_row(facts: SessionFacts, phase_keys: dict[tuple, int], phase_table: list) -> list:
    key = (facts.phase_ids, facts.phase_titles, facts.phase_kinds)
    number = phase_keys.get(key)
    if number is None:
        number = phase_keys[key] = len(phase_table)
        phase_table.append([list(facts.phase_ids), list(facts.phase_titles), list(facts.phase_kinds)])
    return [
        facts.id, facts.date.isoformat(), facts.team, facts.title, facts.template_id, facts.template_name,
        facts.status, number, facts.blob, facts.phases.decode("latin-1"),
        [[s.index, s.evidence, s.skill] for s in facts.strengths],
        [[a.contribution_id, a.index, a.owner, a.due, a.tell] for a in facts.actions],
        list(facts.ratings), list(facts.tags), list(facts.went_right), list(facts.reviews),
    ]


def _facts_from_row(row: list, phase_table: list[tuple]) -> SessionFacts:
    (sid, date, team, title, template_id, template_name, status, number, blob, phases,
     strengths, actions, ratings, tags, went_right, reviews) = row
    ids, titles, kinds = phase_table[number]
    return SessionFacts(
        id=sid, date=dt.date.fromisoformat(date), team=team, title=title,
        template_id=sys.intern(template_id), template_name=sys.intern(template_name), status=sys.intern(status),
        phase_ids=ids, phase_titles=titles, phase_kinds=kinds, blob=blob, phases=phases.encode("latin-1"),
        strengths=tuple(Strength(i, e, sk) for i, e, sk in strengths),
        actions=tuple(ActionFact(c, i, o, d, t) for c, i, o, d, t in actions),
        ratings=tuple(ratings), tags=tuple(sys.intern(t) for t in tags), went_right=tuple(went_right),
        reviews=tuple(reviews),
    )


def read_cache(path: Path, wanted: Callable[[str, Mark], bool]) -> tuple[dict[str, SessionFacts], dict[str, Mark]]:
    """(facts of the sessions ``wanted`` accepts, every session's mark) from a cache file; empty if unusable.

    One JSON line per session, read one at a time: memory never holds the whole file's objects at once.
    """
    facts: dict[str, SessionFacts] = {}
    marks: dict[str, Mark] = {}
    try:
        with open(path, "rb") as f:
            head = orjson.loads(f.readline())
            if not isinstance(head, dict) or head.get("version") != CACHE_VERSION:
                return {}, {}
            phase_table = [tuple(tuple(sys.intern(x) for x in part) for part in info) for info in head["phases"]]
            for line in f:
                sid, mark, row = orjson.loads(line)
                mark = tuple(mark)
                marks[sid] = mark
                if wanted(sid, mark):
                    facts[sid] = _facts_from_row(row, phase_table)
    except (OSError, ValueError, TypeError, KeyError, IndexError, UnicodeError):
        return {}, {}
    return facts, marks


class HistoryIndex:
    """Every session's facts, newest first. Build with ``HistoryIndex(store).refresh()``."""

    def __init__(self, store: Store, use_cache: bool = True):
        self.store = store
        self._facts: dict[str, SessionFacts] = {}
        self._marks: dict[str, Mark] = {}
        #: sessions whose facts may go in the cache (ended, read straight from a file in step with its journal)
        self._cacheable: set[str] = set()
        self._cache_written: dict[str, Mark] | None = None  # what the cache file holds, as last read or written
        self._use_cache = use_cache
        self._lock = threading.Lock()
        self.loaded = False
        #: figures of the last refresh: sessions taken from the cache, read from their files
        self.from_cache = 0
        self.from_files = 0
        self._seen_changes: int | None = None  # the store's change count when the whole history was last read

    @property
    def cache_path(self) -> Path:
        return self.store.data_dir / CACHE_NAME

    def refresh(self, wanted: Callable[[SessionSummary], bool] | None = None) -> "HistoryIndex":
        """Read what changed since the last refresh. Safe to call from a worker thread: the store's lock is
        held only while the store itself is used, so recording in the room is never held up for long.

        ``wanted`` keeps only the sessions it accepts (e.g. a digest's dates): the others are not read.
        """
        with self._lock, _no_gc():
            self._refresh(wanted)
        if wanted is None:
            self.loaded = True
        return self

    @staticmethod
    def _mark(sid: str, stats: dict[str, tuple[int, int]]) -> Mark:
        db = stats.get(f"{sid}.json")
        journal = stats.get(f"{sid}{JOURNAL_SUFFIX}")
        return (*(db or (None, None)), *(journal or (0, None)))

    def _refresh(self, wanted: Callable[[SessionSummary], bool] | None) -> None:
        store = self.store
        changes = store.changes
        if wanted is None and not store.read_only and self.loaded and self._seen_changes == changes:
            self.from_cache = self.from_files = 0
            return  # nothing was recorded, imported or repaired since: every file is as it was read
        # Noted once this read is complete (a change made meanwhile is read next time).
        self._seen_changes = None
        with store._thread_lock:  # TinyDB is not thread-safe: store calls one at a time
            if not store.read_only:
                store.flush()
            summaries = store.list_sessions()
        if wanted is not None:
            summaries = [s for s in summaries if wanted(s)]
        folder = store.sessions_dir
        stats = _scan(folder)
        wanted_ids = {s.id for s in summaries}
        for gone in set(self._facts) - wanted_ids:
            self._facts.pop(gone, None)
            self._marks.pop(gone, None)
            self._cacheable.discard(gone)
        cached: dict[str, SessionFacts] = {}
        if self._use_cache and self._cache_written is None:
            current = {s.id: self._mark(s.id, stats) for s in summaries if s.id not in self._facts}
            cached, self._cache_written = read_cache(self.cache_path, lambda sid, mark: current.get(sid) == mark)
        self.from_cache = self.from_files = 0
        ended = SessionStatus.ended
        for summary in summaries:
            sid = summary.id
            mark = self._mark(sid, stats)
            if self._marks.get(sid) == mark and sid in self._facts:
                continue
            facts = None
            cacheable = False
            facts = cached.pop(sid, None)
            if facts is not None:
                cacheable = True
                self.from_cache += 1
            if facts is None and mark[0] is not None:
                read = _read_file(folder / f"{sid}.json")
                if read is not None:
                    header, contributions, meta = read
                    if meta.get("journal_bytes") == mark[2]:
                        try:
                            facts = facts_from_docs(store.resolve_template(header, folder / f"{sid}.json"), contributions)
                        except DamagedFileError:
                            facts = None
                        else:
                            cacheable = summary.status == ended and facts.status == ended.value
                            self.from_files += 1
            if facts is None:
                try:
                    with store._thread_lock:
                        facts = facts_from_session(store.load_session(sid))
                except StoreError as exc:
                    if str(exc) not in store.notices:
                        store.notices.append(str(exc))
                    continue
                self.from_files += 1
                # The load may have repaired or rewritten the files: look again next time.
                mark = None
            self._facts[sid] = facts
            self._marks[sid] = mark
            if cacheable:
                self._cacheable.add(sid)
            else:
                self._cacheable.discard(sid)
        order = {s.id: n for n, s in enumerate(summaries)}
        self._facts = dict(sorted(self._facts.items(), key=lambda item: order.get(item[0], 0)))
        if wanted is None and self._use_cache and not store.read_only:
            self._write_cache()
        if wanted is None and not store.read_only:
            self._seen_changes = changes

    def _write_cache(self) -> None:
        marks = {sid: self._marks[sid] for sid in self._cacheable if sid in self._facts}
        if marks == self._cache_written:
            return
        phase_keys: dict[tuple, int] = {}
        phase_table: list = []
        lines = [orjson.dumps([sid, list(mark), _facts_row(self._facts[sid], phase_keys, phase_table)]) for sid, mark in marks.items()]
        data = b"\n".join([orjson.dumps({"version": CACHE_VERSION, "phases": phase_table}), *lines, b""])
        try:
            atomic_write(self.cache_path, data, sync_dir=False)
        except OSError:
            return  # only a cache: the history is read from the session files next time
        self._cache_written = marks

    def sessions(self) -> list[SessionFacts]:
        """Newest first (by date, then start time), as the store lists them."""
        return list(self._facts.values())

    def get(self, session_id: str) -> SessionFacts | None:
        return self._facts.get(session_id)

    def __len__(self) -> int:
        return len(self._facts)


def write_learning_file(store: Store, name: str, data: bytes, out: Path | None = None) -> Path:
    """Write a themes summary or digest (default: <data>/records/<name>), atomically, 0600."""
    from .files import atomic_write, ensure_private_dir

    if out is None:
        ensure_private_dir(store.records_dir)
        out = store.records_dir / name
    try:
        atomic_write(out, data)
    except OSError as exc:
        from .store import _reason

        raise StoreError(f"Could not write {out}: {_reason(exc)}. Choose another place with --out.") from None
    return out


def _record_texts(folder: Path) -> tuple[list[tuple[str, str]], int]:
    """(path, text) of every markdown file in a folder of exported records (sub-folders too), and how many
    could not be read as UTF-8 text."""
    texts = []
    unreadable = 0
    for path in sorted(folder.rglob("*.md")):
        try:
            texts.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            unreadable += 1
    return texts, unreadable


def make_digest(
    data_dir: Path | None,
    since,  # noqa: ANN001 - dt.date
    until,  # noqa: ANN001
    today,  # noqa: ANN001
    team: str | None = None,
    records_dirs: list[Path] = (),  # type: ignore[assignment]
):  # noqa: ANN201
    """The digest of a data folder (read-only, if it exists) and of any folders of exported records."""
    from ..learning.digest import build_digest, digest_session_from_facts
    from ..learning.records import parse_records
    from .actions import load_actions

    sessions = []
    actions = []
    notices: list[str] = []
    if data_dir is not None and data_dir.is_dir():
        store = Store(data_dir, read_only=True).open()
        try:
            index = HistoryIndex(store).refresh(wanted=lambda s: since <= s.date <= until)
            facts = [f for f in index.sessions() if since <= f.date <= until]
            actions = load_actions(store, facts)
            sessions = [digest_session_from_facts(f) for f in facts]
            notices = list(store.notices)
        finally:
            store.close()
    skipped = 0
    for folder in records_dirs:
        if not folder.is_dir():
            raise StoreError(f"There is no folder {folder}; give --records the folder the records were exported to.")
        texts, unreadable = _record_texts(folder)
        found, not_records = parse_records(texts)
        sessions += found
        skipped += unreadable + not_records
    digest = build_digest(sessions, since, until, today, team=team, local_actions=actions, skipped_records=skipped)
    return digest, notices
