"""The whole history: one entry per session in memory, the rest of its facts on disk (learning/facts.py).

Reads <data>/sessions/<id>.json straight from disk with orjson, one file at a time. A session file that is
behind its journal (its recorded journal length differs from the journal's) goes through
Store.load_session, which replays and repairs it, so nothing acknowledged is missed. ``refresh()`` reads
again only the sessions whose files changed since the last read.

The facts of ended sessions are kept in <data>/history-cache.json (derived, never the source of truth).
A later start takes a session's facts from there while its session file and journal still have the sizes
and modification times noted with them, and reads the file otherwise. The app keeps in memory only each
session's entry (what the history list shows) and the facts of sessions not in that file (running ones);
a search reads the file's texts a piece at a time, and the themes, actions and digest read each session's
facts from it as they go (``facts()``), so a long history costs little memory.
"""

from __future__ import annotations

import datetime as dt
import os
from array import array
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

import orjson

from ..learning.facts import ActionFact, SessionEntry, SessionFacts, Strength, facts_from_docs, facts_from_session
from ..learning.search import Search, SearchHit, with_phase_titles
from ..vocabulary import SessionStatus
from .files import atomic_write
from .storage import DamagedFileError
from .store import JOURNAL_SUFFIX, Store, StoreError, _no_gc, _read_tables

if TYPE_CHECKING:
    from .store import SessionRow


def _read_file(path: Path) -> tuple[dict, list[dict], dict] | None:
    try:
        return _read_tables(path, path.read_bytes())
    except (OSError, DamagedFileError):
        return None


# ---------------------------------------------------------------------- the on-disk cache
# <data>/history-cache.json, in three parts, each one line per ended session and in the same order:
#   a first line: {"version", "phases": the phase tables, "count": how many sessions}
#   entries:  [id, mark, [date, team, title, template id, template name, status],
#              length of its facts line, length of its text line]
#   facts:    [phase table, phases, strengths, actions, ratings, tags, went right, action reviews, names list,
#              facilitator and participants]
#   texts:    its contributions' texts, SEP between them (UTF-8)
# A mark is the size and modification time of the session file and journal when the facts were taken.
# Derived and rebuildable: an entry is used only while both files still have exactly those sizes and
# times (any acknowledged change appends to the journal, so it changes both), and a cache that cannot be
# read is ignored and written again. Only a writable store (the app, holding the folder's lock) writes it;
# readers (the digest) read it.

CACHE_NAME = "history-cache.json"
#: bump whenever facts_from_docs or the layout above changes: older caches are then ignored
CACHE_VERSION = 7
#: a search reads the texts this many bytes at a time (about), so memory never holds them all
SEARCH_PIECE = 1 << 16

Mark = tuple  # (session file size, its mtime_ns, journal size, its mtime_ns); None parts if missing


class Span(NamedTuple):
    facts_at: int
    facts_len: int
    text_at: int
    text_len: int


class CacheFile(NamedTuple):
    """The cache file as last read or written: where each session's facts and texts are in it."""

    path: Path
    identity: tuple[int, int, int]  # inode, size, mtime_ns: a file written since is not this one
    phase_table: list  # [(ids, titles, kinds)] of the templates' phases, which the facts lines refer to
    place: dict[str, int]  # each session's place in the file, in the file's order
    facts_at: array  # where each session's facts line starts; one more: where the texts start
    text_at: array  # where each session's text line starts; one more: the file's end

    def span(self, sid: str) -> Span:
        n = self.place[sid]
        facts_at, text_at = self.facts_at[n], self.text_at[n]
        return Span(facts_at, self.facts_at[n + 1] - facts_at - 1, text_at, self.text_at[n + 1] - text_at - 1)

    def open(self) -> IO[bytes] | None:
        """The file, if it is still the one described; None otherwise."""
        try:
            f = open(self.path, "rb")  # noqa: SIM115 - closed by the caller
        except OSError:
            return None
        st = os.fstat(f.fileno())
        if (st.st_ino, st.st_size, st.st_mtime_ns) != self.identity:
            f.close()
            return None
        return f


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


def _entry_row(entry: SessionEntry) -> list:
    return [entry.date.isoformat(), entry.team, entry.title, entry.template_id, entry.template_name, entry.status]


def _entry_from_row(sid: str, row: list) -> SessionEntry:
    date, team, title, template_id, template_name, status = row
    return SessionEntry(
        sid, _date(date), sys.intern(team), title, sys.intern(template_id), sys.intern(template_name), sys.intern(status)
    )


_dates: dict[str, dt.date] = {}


def _date(text: str) -> dt.date:
    """One date object for each day (two sessions a day share it)."""
    day = _dates.get(text)
    if day is None:
        day = _dates[text] = dt.date.fromisoformat(text)
    return day


def _facts_row(facts: SessionFacts, phase_keys: dict[tuple, int], phase_table: list) -> bytes:
    key = (facts.phase_ids, facts.phase_titles, facts.phase_kinds)
    number = phase_keys.get(key)
    if number is None:
        number = phase_keys[key] = len(phase_table)
        phase_table.append(key)
    return orjson.dumps([
        number, facts.phases.decode("latin-1"),
        [[s.index, s.evidence, s.skill] for s in facts.strengths],
        [[a.contribution_id, a.index, a.owner, a.due, a.tell] for a in facts.actions],
        list(facts.ratings), list(facts.tags), list(facts.went_right), list(facts.reviews),
        [list(pair) for pair in facts.names], list(facts.people),
    ])


def _facts_from_row(entry: SessionEntry, row: bytes, blob: str, phase_table: list) -> SessionFacts:
    number, phases, strengths, actions, ratings, tags, went_right, reviews, names, people = orjson.loads(row)
    ids, titles, kinds = phase_table[number]
    return SessionFacts(
        entry.id, entry.date, entry.team, entry.title, entry.template_id, entry.template_name, entry.status,
        ids, titles, kinds, phases.encode("latin-1"), blob,
        strengths=tuple(Strength(i, e, sk) for i, e, sk in strengths),
        actions=tuple(ActionFact(c, i, o, d, t) for c, i, o, d, t in actions),
        ratings=tuple(ratings), tags=tuple(sys.intern(t) for t in tags), went_right=tuple(went_right),
        reviews=tuple(reviews), names=tuple((name, replacement) for name, replacement in names),
        people=tuple(people),
    )


def read_cache(path: Path, wanted: Callable[[str, Mark], bool]) -> tuple[dict[str, SessionEntry], CacheFile | None]:
    """(the entries of the sessions ``wanted`` accepts, the file described), or ({}, None) if unusable.

    Only the entries are read: the facts and texts stay in the file until a search or the themes need them.
    """
    entries: dict[str, SessionEntry] = {}
    place: dict[str, int] = {}
    facts_lengths = array("q")
    text_lengths = array("q")
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            head = orjson.loads(f.readline())
            if not isinstance(head, dict) or head.get("version") != CACHE_VERSION:
                return {}, None
            phase_table = [tuple(tuple(sys.intern(x) for x in part) for part in info) for info in head["phases"]]
            for n in range(head["count"]):
                sid, mark, row, facts_len, text_len = orjson.loads(f.readline())
                sid = sys.intern(sid)  # the store's index has the same id: one string for both
                place[sid] = n
                facts_lengths.append(facts_len)
                text_lengths.append(text_len)
                if wanted(sid, tuple(mark)):
                    entries[sid] = _entry_from_row(sid, row)
            facts_at = _starts(f.tell(), facts_lengths)
            text_at = _starts(facts_at[-1], text_lengths)
            if text_at[-1] != st.st_size or len(place) != len(facts_lengths):
                return {}, None
    except (OSError, ValueError, TypeError, KeyError, IndexError, UnicodeError, OverflowError):
        return {}, None
    return entries, CacheFile(path, (st.st_ino, st.st_size, st.st_mtime_ns), phase_table, place, facts_at, text_at)


def _starts(at: int, lengths: array) -> array:
    """Where each line starts, and where the last one ends (each line its length and a newline)."""
    starts = array("q", [at])
    for length in lengths:
        at += length + 1
        starts.append(at)
    return starts


def _cached_facts(f: IO[bytes], cache: CacheFile, entry: SessionEntry, texts: bool) -> SessionFacts | None:
    """A session's facts as the cache file holds them (without the texts unless ``texts``); None if unreadable."""
    span = cache.span(entry.id)
    try:
        f.seek(span.facts_at)
        row = f.read(span.facts_len)
        blob = ""
        if texts:
            f.seek(span.text_at)
            blob = f.read(span.text_len).decode("utf-8", errors="replace")
        return _facts_from_row(entry, row, blob, cache.phase_table)
    except (OSError, ValueError, TypeError, IndexError, KeyError):  # a damaged line: read from the session file
        return None


class HistoryIndex:
    """Every session's entry, newest first, and its facts on demand. Build with ``HistoryIndex(store).refresh()``."""

    def __init__(self, store: Store, use_cache: bool = True):
        self.store = store
        self._entries: dict[str, SessionEntry] = {}
        #: hash of each session's mark when its facts were read (None: look again at the next refresh)
        self._marks: dict[str, int | None] = {}
        #: facts kept in memory: sessions not (yet) in the cache file, e.g. running ones
        self._held: dict[str, SessionFacts] = {}
        #: sessions whose facts are read from the cache file
        self._on_disk: set[str] = set()
        #: sessions in memory whose facts may go in the cache (ended, read straight from a file in step
        #: with its journal); those in the cache file are
        self._cacheable: set[str] = set()
        self._cache: CacheFile | None = None
        self._cache_read = False
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

    def refresh(self, wanted: Callable[[SessionRow], bool] | None = None) -> "HistoryIndex":
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

    def _refresh(self, wanted: Callable[[SessionRow], bool] | None) -> None:
        store = self.store
        changes = store.changes
        if wanted is None and not store.read_only and self.loaded and self._seen_changes == changes:
            self.from_cache = self.from_files = 0
            return  # nothing was recorded, imported or repaired since: every file is as it was read
        # Noted once this read is complete (a change made meanwhile is read next time).
        self._seen_changes = None
        if not store.read_only:
            store.flush()
        rows = store.session_rows()
        if wanted is not None:
            rows = [r for r in rows if wanted(r)]
        stats = _scan(store.sessions_dir)
        current = {r.id: self._mark(r.id, stats) for r in rows}
        del stats
        for gone in set(self._entries) - current.keys():
            self._forget(gone)
        cached: dict[str, SessionEntry] = {}
        if self._use_cache and not self._cache_read:
            self._cache_read = True
            cached, self._cache = read_cache(
                self.cache_path, lambda sid, mark: sid not in self._entries and current.get(sid) == mark
            )
        self.from_cache = self.from_files = 0
        for row in rows:
            sid = row.id
            mark = current[sid]
            if self._marks.get(sid) == hash(mark) and sid in self._entries:
                continue
            entry = cached.pop(sid, None)
            if entry is not None:
                self.from_cache += 1
                self._held.pop(sid, None)
                self._cacheable.discard(sid)
                self._entries[sid] = entry
                self._marks[sid] = hash(mark)
                self._on_disk.add(sid)
                continue
            if self._read_into_memory(sid, mark, row.status == SessionStatus.ended.value):
                self.from_files += 1
        order = {r.id: n for n, r in enumerate(rows)}
        self._entries = dict(sorted(self._entries.items(), key=lambda item: order.get(item[0], 0)))
        if wanted is None and self._use_cache and not store.read_only and store.still_ours():
            self._write_cache(current)
        if wanted is None and not store.read_only:
            self._seen_changes = changes

    def _read_into_memory(self, sid: str, mark: Mark | None, ended: bool) -> bool:
        """Read a session's facts from its own files and keep them in memory; False if it cannot be read."""
        self._on_disk.discard(sid)
        facts, mark, cacheable = self._read_facts(sid, mark, ended)
        if facts is None:
            self._forget(sid)
            return False
        self._entries[sid] = self._held[sid] = facts
        self._marks[sid] = None if mark is None else hash(mark)
        if cacheable:
            self._cacheable.add(sid)
        else:
            self._cacheable.discard(sid)
        return True

    def _forget(self, sid: str) -> None:
        for table in (self._entries, self._marks, self._held):
            table.pop(sid, None)
        self._on_disk.discard(sid)
        self._cacheable.discard(sid)

    def _stat_mark(self, sid: str) -> Mark:
        stats = {}
        for name in (f"{sid}.json", f"{sid}{JOURNAL_SUFFIX}"):
            try:
                st = os.stat(self.store.sessions_dir / name)
            except OSError:
                continue
            stats[name] = (st.st_size, st.st_mtime_ns)
        return self._mark(sid, stats)

    def _read_facts(self, sid: str, mark: Mark | None, ended: bool) -> tuple[SessionFacts | None, Mark | None, bool]:
        """(facts, the mark to note, whether they may go in the cache) of a session, from its files."""
        store = self.store
        folder = store.sessions_dir
        if mark is not None and mark[0] is not None:
            read = _read_file(folder / f"{sid}.json")
            if read is not None:
                header, contributions, meta = read
                if meta.get("journal_bytes") == mark[2]:
                    try:
                        facts = facts_from_docs(store.resolve_template(header, folder / f"{sid}.json"), contributions)
                    except DamagedFileError:
                        pass
                    else:
                        return facts, mark, ended and facts.status == SessionStatus.ended.value
        try:
            with store._thread_lock:
                facts = facts_from_session(store.load_session(sid))
        except StoreError as exc:
            if str(exc) not in store.notices:
                store.notices.append(str(exc))
            return None, None, False
        # The load may have repaired or rewritten the files: look again next time.
        return facts, None, False

    def _write_cache(self, current: dict[str, Mark]) -> None:
        """Write the cache file again if it does not hold exactly the facts of every cacheable session, as
        they are now. ``current``: every session's mark, as this refresh found them."""
        cache = self._cache
        if cache is not None and not self._cacheable and len(cache.place) == len(self._on_disk):
            return  # the file holds these sessions' facts as they are now, and no others
        old = cache.open() if cache is not None else None
        if old is None and self._on_disk:
            # Not to be copied from the file this index read (it is damaged, or was replaced by something
            # else): read from their own session files again.
            for sid in list(self._on_disk):
                self._read_into_memory(sid, self._stat_mark(sid), self._entries[sid].status == SessionStatus.ended.value)
        # A session goes in with the mark its facts were read at (the one found now, which it equals).
        marks = {
            sid: current[sid] for sid in self._entries
            if (sid in self._on_disk or sid in self._cacheable) and sid in current
            and hash(current[sid]) == self._marks.get(sid)
        }
        try:
            phase_keys: dict[tuple, int] = {}
            phase_table: list = list(cache.phase_table) if old is not None else []  # copied facts refer to it
            for number, key in enumerate(phase_table):
                phase_keys.setdefault(key, number)
            facts_lines: dict[str, bytes] = {}
            lines = []
            for sid, mark in marks.items():
                held = self._held.get(sid)
                if held is not None:
                    facts_lines[sid] = _facts_row(held, phase_keys, phase_table)
                    facts_len, text_len = len(facts_lines[sid]), len(held.blob.encode())
                else:
                    span = cache.span(sid)  # type: ignore[union-attr]
                    facts_len, text_len = span.facts_len, span.text_len
                lines.append(orjson.dumps([sid, list(mark), _entry_row(self._entries[sid]), facts_len, text_len]))
            head = orjson.dumps({"version": CACHE_VERSION, "phases": phase_table, "count": len(lines)})

            def copy(sid: str, facts: bool) -> bytes:
                held = self._held.get(sid)
                if held is not None:
                    return facts_lines[sid] if facts else held.blob.encode()
                span = cache.span(sid)  # type: ignore[union-attr]
                old.seek(span.facts_at if facts else span.text_at)  # type: ignore[union-attr]
                return old.read(span.facts_len if facts else span.text_len)  # type: ignore[union-attr]

            def chunks() -> Iterator[bytes]:
                yield head + b"\n"
                yield b"".join(line + b"\n" for line in lines)
                for facts in (True, False):
                    for sid in marks:
                        yield copy(sid, facts) + b"\n"
                if old is not None:
                    old.close()  # before the new file replaces it (Windows will not replace an open file)

            try:
                atomic_write(self.cache_path, chunks(), sync_dir=False)
            except OSError:
                return  # only a cache: the history is read from the session files next time
        finally:
            if old is not None:
                old.close()
        _, written = read_cache(self.cache_path, lambda sid, mark: False)
        if written is None or list(written.place) != list(marks):
            # Cannot happen unless the file was changed meanwhile. Facts not in memory are read from the
            # session files until the cache is next written (which reads them again first).
            self._cache = None
            return
        self._cache = written
        for sid in marks:
            held = self._held.pop(sid, None)
            if held is not None:
                self._entries[sid] = held.entry()
            self._on_disk.add(sid)
            self._cacheable.discard(sid)

    # ------------------------------------------------------------------ reading
    def entries(self) -> list[SessionEntry]:
        """Every session as the history lists it, newest first (by date, then start time), as the store lists them."""
        return list(self._entries.values())

    def _snapshot(self, ids: Iterable[str] | None) -> tuple[list[SessionEntry], dict[str, SessionFacts], set[str], CacheFile | None, IO[bytes] | None]:
        """What is where, taken at once: (entries, held facts, on disk, the cache file, it opened)."""
        with self._lock:
            if ids is None:
                entries = list(self._entries.values())
            else:
                wanted = set(ids)
                entries = [e for sid, e in self._entries.items() if sid in wanted]
            cache = self._cache
            opened = cache.open() if cache is not None and self._on_disk else None
            return entries, dict(self._held), set(self._on_disk) if opened else set(), cache, opened

    def _from_files(self, entry: SessionEntry) -> SessionFacts | None:
        """A session's facts from its own files (when the cache file is not as it was)."""
        with _no_gc():
            return self._read_facts(entry.id, self._stat_mark(entry.id), False)[0]

    def facts(self, ids: Iterable[str] | None = None) -> Iterator[SessionFacts]:
        """Every session's facts (or those of ``ids``), newest first: read from the cache file one at a time."""
        entries, held, on_disk, cache, f = self._snapshot(ids)
        try:
            for entry in entries:
                facts = held.get(entry.id)
                if facts is None and entry.id in on_disk:
                    facts = _cached_facts(f, cache, entry, texts=True)  # type: ignore[arg-type]
                if facts is None:
                    facts = self._from_files(entry)
                if facts is not None:
                    yield facts
        finally:
            if f is not None:
                f.close()

    def search(self, query: str, ids: Iterable[str] | None = None, limit: int = 500) -> tuple[list[SearchHit], int]:
        """(the first ``limit`` contributions that match every word of ``query``, and how many in all), in the
        sessions of ``ids`` (default: all). The texts in the cache file are read a piece at a time."""
        run = Search(query, limit)
        if not run.words:
            return [], 0
        entries, held, on_disk, cache, f = self._snapshot(ids)
        try:
            in_memory: dict[str, SessionFacts | None] = {}
            for e in entries:  # running sessions, most often: the newest
                if e.id not in on_disk:
                    facts = in_memory[e.id] = held.get(e.id) or self._from_files(e)
                    if facts is not None:
                        run.feed(facts.blob, [e])
            if f is None:
                return with_phase_titles(run.hits, lambda e: in_memory[e.id]), run.total
            by_id = {e.id: e for e in entries if e.id in on_disk}
            piece: list[SessionEntry | None] = []
            start = end = 0
            text_at = cache.text_at  # type: ignore[union-attr]
            for n, sid in enumerate(cache.place):  # type: ignore[union-attr]
                if not piece:
                    start = text_at[n]
                piece.append(by_id.get(sid))
                end = text_at[n + 1]
                if end - start >= SEARCH_PIECE:
                    self._feed(run, f, start, end, piece)
                    piece = []
            if piece:
                self._feed(run, f, start, end, piece)

            def facts_of(entry: SessionEntry) -> SessionFacts | None:  # for the hits' phase titles
                if entry.id in in_memory:
                    return in_memory[entry.id]
                return _cached_facts(f, cache, entry, texts=False) or self._from_files(entry)  # type: ignore[arg-type]

            return with_phase_titles(run.hits, facts_of), run.total
        finally:
            if f is not None:
                f.close()

    @staticmethod
    def _feed(run: Search, f: IO[bytes], start: int, end: int, piece: list[SessionEntry | None]) -> None:
        if not any(piece):
            return
        f.seek(start)
        run.feed(f.read(end - start).decode("utf-8", errors="replace"), piece)

    @property
    def kept_in_memory(self) -> set[str]:
        """The sessions whose whole facts are in memory (not in the cache file): running ones, mostly."""
        return set(self._held)

    def __len__(self) -> int:
        return len(self._entries)


def write_learning_file(store: Store, name: str, data: bytes | Iterable[bytes], out: Path | None = None) -> Path:
    """Write a themes summary or digest (default: <data>/records/<name>), atomically, 0600; ``data`` may come
    in pieces, written as they are made."""
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


def record_texts(folder: Path) -> tuple[list[tuple[str, str]], int]:
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
