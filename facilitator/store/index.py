"""The history index: a rebuildable SQLite file beside the TinyDB store, for the history, search and learning.

<data>/history-index.sqlite (stdlib sqlite3, WAL, FTS5) holds what the history list, search, the actions,
themes and digest need of every session, as the group records show it (names replaced, safeguarding
concerns left out). TinyDB stays the store of record: this file is derived, and rebuilt from the session
files when it is missing, unreadable (set aside in quarantine/ first), of another schema version, or stale.

Who computes what: this module stores and queries rows; it does not decide what a session's rows are.
``HistoryDB.sync`` is handed a function ``compute(header, contributions) -> SessionData`` (the session's
stored documents in, its rows out), which the caller takes from learning/ (``learning.facts.session_data``):
the store hands data out and learning/ computes from it, so store/ imports nothing of learning/.

Staleness: each session row keeps a *mark*, the size and modification time of the session file and of its
journal when it was read. ``sync`` compares every mark with the files (one directory scan), reads again
only the sessions whose mark changed, adds new ones and drops removed ones. A session file that is behind
its journal (a running session, or one a crash left unfinished) is read through ``Store.load_session``
(journal replayed) and gets an empty mark, so it is read again at the next sync.

Schema (``PRAGMA user_version`` = SCHEMA_VERSION; any other version is deleted and rebuilt). Query it
through the methods below or with ``HistoryDB.read(sql, params)``; this schema is the API (columns are
only ever added):

    sessions(k INTEGER PRIMARY KEY,  -- the session's place: ascending k is newest first (near enough:
                                     -- a session indexed later than its date says comes before older ones)
             id TEXT UNIQUE, date TEXT (ISO), created_at TEXT (ISO), team, team_key (text.team_key of
             team), title (names replaced), template_id, template_name, status (a SessionStatus value),
             mark TEXT (JSON; '' = read again at the next sync), contribution_count INTEGER,
             phases TEXT (JSON [[id, title, kind], ...]), names TEXT (JSON [[name, replacement], ...]),
             people TEXT (JSON [facilitator, participants...] as typed), reviews TEXT (JSON: the
             session's action reviews, names replaced))
             -- indexed newest first (date, created_at), by template (template_name, template_id: the history's
             -- filter), and by id where the session's follow-up round reviewed actions
    session_texts(k INTEGER PRIMARY KEY (= sessions.k), texts TEXT (JSON [text, ...]: each contribution's text,
             names replaced, one line, in recorded order; its place in this list is the contribution's idx; for
             one with a field a search looks in, [text, evidence, skill, when, changed, owner, tell] (those
             after its last left out): FIELDS_SEARCHED),
             phases TEXT (JSON [int, ...]: each contribution's phase, an index into the session's phases),
             went_right TEXT (JSON [idx, ...]: the contributions that say what went right: such a phase, a
             strength or a highlight))
    contributions_fts  FTS5 (unicode61), contentless, one row per contribution: rowid = k << 20 | idx, its text
             (with its fields searched) from session_texts (no ranking, so no column sizes kept)
    strengths(session, idx, evidence, skill, text)     -- idx: the contribution; text: its text (the strength)
    actions(session, idx, contribution_id, number, owner, due, tell,   -- number: A1 is 1, as the record
            date (the session's, ISO), team_key (the session's), owner_key (owner case folded),
            due_date (due as an ISO date if it is one, else NULL), text (the contribution's text))
            -- indexed in the orders the actions screen (by owner, then due) and the follow-up round (a
            -- team's, by due) list them: see ACTIONS_BY_OWNER and ACTIONS_BY_DUE
    tags(session, tag)                                 -- every tag and practice skill given, with repeats
    ratings(session, rating)                           -- 0-10, in recorded order
    month_counts, tag_months, strength_months, skill_months, rating_months: what the themes count, by team
             and month, kept in step with the rows above (see store/tallies.py; a build from nothing in this
             process counts them at its end, from the rows above)

One FTS row per contribution (not one per session): a hit is then a row (its session and place) and the
number of hits a count, both from FTS5 alone; a hit's text is the session's texts at that place. The texts
are kept one row per session (not one per contribution), and the full-text index holds no copy of them:
a row per contribution (two million at 20,000 sessions) cost the build more CPU than their full-text rows.

Search finds contributions holding every word of the query at the start of a word, in any case (``kitchen``
finds "Kitchen" and "kitchens"; a word of one or two letters is found whole), in their text or in the fields it
looks in (FIELDS_SEARCHED: a strength's evidence, an action's owner, a turning point's "done differently", ...).

API (stable: things are added, never renamed):

    db = HistoryDB.for_store(store)            # <data>/history-index.sqlite; for_store(store, in_memory=True)
    db.sync(store, compute, progress=None, wanted=None, cancelled=None, read_sessions=None)
    db.count(filters) / db.sessions(filters, offset, limit) / db.session_ids(filters) / db.session(id)
                                               # IndexedSession rows, newest first; Filters(team, template_id,
                                               # since, until)
    db.templates()                             # [(name, id)] of the templates the sessions ran on
    db.search(query, filters, limit, ids=None, count_up_to=None) -> ([Hit], total)
    db.session_data(ids=None, filters)         # SessionData of each session, newest first, one at a time
    db.read(sql, params)                       # any read-only query on the schema above
    db.to_read(store)                          # how many sessions a sync would read now
    read_session_file(store, id, mark, compute) / read_each(store, items, compute)
                                               # a session's rows from its files (for read_sessions)

Threads and processes: a sync writes with its thread's own connection; reads borrow one of a few kept
connections; the file is in WAL mode, so the history screen reads while a sync writes (in this process or
another). Writes are committed every BATCH sessions (BULK_BATCH when the index is built from nothing), so
what is read so far is visible at once; the full-text rows of a transaction's sessions are made in one
statement at its end. Many
sessions to read are read by a child process (learning/rebuild.py, started by learning/history.py) so the
app's interpreter stays free for typing; its worker processes hand the rows of each window of sessions over as
a Shard (a small SQLite database, as bytes, with what they add to the themes' counts), which the writing process
copies in with a statement a table. A build from nothing in one process (no workers) makes the actions' orders
(_LATE_INDEXES) and counts the themes' counts once at its end instead (until then the themes count nothing of it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import operator
import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson

from ..text import team_key as make_team_key
from ..vocabulary import SessionStatus
from .files import FILE_MODE, read_whole
from .journal import contribution_doc, session_header
from .storage import DamagedFileError
from .store import JOURNAL_SUFFIX, StoreError, _read_tables
from .tallies import SCHEMA as TALLIES_SCHEMA, Counts, add_counted, counted, recount, untally, write_counted

if TYPE_CHECKING:
    from .store import Store

INDEX_NAME = "history-index.sqlite"
#: the file the history was kept in before this index; deleted when found
OLD_CACHE_NAME = "history-cache.json"
#: 10: the names list finds names typed with a curly apostrophe, another hyphen, or a space for a hyphen, and a
#: session's contributions are read in the order the record lists them (an index of version 9 may hold such names
#: as typed, and number actions otherwise than the record: it is built again); 11: a name joined to a digit or an
#: underscore ("Jayden2", "Jayden_S") is found (an index of version 10 holds such names as typed); 12: a name typed
#: with its accents left off or another put on ("Zoe" for "Zoë"), or without an apostrophe inside it ("ONeil"), is
#: found; 13: a name with a letter that has no accent to leave off is found either way ("Lukasz" for "Łukasz"), and
#: one joined to a sign spelled in letters ("Jayden™"), and a hyphenated one broken across two lines at its hyphen;
#: 15: names run together with capitals ("JaydenSmith", "#KaiJayden") and one typed with a backtick for its
#: apostrophe ("O`Neil") are found (an index of version 14 may hold them as typed)
SCHEMA_VERSION = 15
#: the fields of a contribution a search looks in besides its text, in the order session_texts keeps them
FIELDS_SEARCHED = ("evidence", "skill", "when", "changed", "owner", "tell")
#: a session's contributions' rowids: k << SHIFT | idx
SHIFT = 20
#: sessions written per transaction while syncing (each commit makes them visible to readers)
BATCH = 200
#: the same when the index is built from nothing (fewer, larger transactions: fewer full-text segments to merge)
BULK_BATCH = 1000
#: the first k of a fresh index; sessions indexed later get smaller ones (newest first)
FIRST_K = 1 << 40

#: the orders the actions are listed in (an ORDER BY, and the index that gives it): by owner (none last), then
#: due date (none, or not a date, last), then the date agreed; sessions of a day newest first, then as recorded
ACTIONS_BY_DUE = "due_date IS NULL, due_date, date, session"
ACTIONS_BY_OWNER = f"owner_key = '', owner_key, {ACTIONS_BY_DUE}"

#: the indexes a build from nothing makes once every row is in (sorting the rows once is quicker than keeping
#: an index in order row by row), with the themes' counts (counted once in SQL, not session by session):
#: ``_sync`` makes any that is missing before it writes
_LATE_INDEXES = f"""
CREATE INDEX IF NOT EXISTS actions_by_owner ON actions({ACTIONS_BY_OWNER});
CREATE INDEX IF NOT EXISTS actions_by_due ON actions(team_key, {ACTIONS_BY_DUE});
"""
_LATE_NAMES = ("actions_by_owner", "actions_by_due")

#: indexes added to the schema since its version was last changed (the file stays readable by the app that
#: made it): made by the first sync that finds one missing
_ADDED_INDEXES = """
-- the templates the history's filter offers, read from the index alone (not a scan of every session's row)
CREATE INDEX IF NOT EXISTS sessions_templates ON sessions(template_name, template_id);
"""

_SCHEMA = f"""
CREATE TABLE sessions (
    k INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, date TEXT NOT NULL, created_at TEXT NOT NULL,
    team TEXT NOT NULL, team_key TEXT NOT NULL, title TEXT NOT NULL, template_id TEXT NOT NULL,
    template_name TEXT NOT NULL, status TEXT NOT NULL, mark TEXT NOT NULL, contribution_count INTEGER NOT NULL,
    phases TEXT NOT NULL, names TEXT NOT NULL, people TEXT NOT NULL, reviews TEXT NOT NULL
);
CREATE INDEX sessions_order ON sessions(date DESC, created_at DESC);
-- the few sessions whose follow-up round reviewed actions (read whenever actions are listed)
CREATE INDEX sessions_reviewed ON sessions(id) WHERE reviews != '[]';
{{ADDED_INDEXES}}
CREATE TABLE session_texts (k INTEGER PRIMARY KEY, texts TEXT NOT NULL, phases TEXT NOT NULL, went_right TEXT NOT NULL);
CREATE VIRTUAL TABLE contributions_fts USING fts5(text, content='', columnsize=0);
CREATE TABLE strengths (
    session INTEGER NOT NULL, idx INTEGER NOT NULL, evidence TEXT NOT NULL, skill TEXT NOT NULL, text TEXT NOT NULL
);
CREATE INDEX strengths_session ON strengths(session);
CREATE TABLE actions (
    session INTEGER NOT NULL, idx INTEGER NOT NULL, contribution_id TEXT NOT NULL, number INTEGER NOT NULL,
    owner TEXT NOT NULL, due TEXT NOT NULL, tell TEXT NOT NULL,
    date TEXT NOT NULL, team_key TEXT NOT NULL, owner_key TEXT NOT NULL, due_date TEXT, text TEXT NOT NULL
);
CREATE INDEX actions_session ON actions(session);
{{LATE_INDEXES}}
CREATE TABLE tags (session INTEGER NOT NULL, tag TEXT NOT NULL);
CREATE INDEX tags_session ON tags(session);
CREATE TABLE ratings (session INTEGER NOT NULL, rating INTEGER NOT NULL);
CREATE INDEX ratings_session ON ratings(session);
{TALLIES_SCHEMA}
INSERT INTO contributions_fts(contributions_fts, rank) VALUES ('automerge', 16);
PRAGMA user_version = {SCHEMA_VERSION};
""".replace("{LATE_INDEXES}", _LATE_INDEXES.strip()).replace("{ADDED_INDEXES}", _ADDED_INDEXES.strip())


class SessionData(NamedTuple):
    """Everything the index holds of one session, as its group record shows it (computed by learning/)."""

    id: str
    date: str  # ISO
    created_at: str  # ISO
    team: str
    title: str
    template_id: str
    template_name: str
    status: str
    phases: list  # [(id, title, kind)]
    names: list  # [(name, replacement)]
    people: list  # [str]
    reviews: list  # [dict]
    texts: list  # [str], one per contribution, in recorded order
    phase_of: list  # [int], each contribution's phase
    went_right: list  # [int], the contributions that say what went right
    strengths: list  # [(idx, evidence, skill)]
    actions: list  # [(contribution_id, idx, number, owner, due, tell)]
    tags: list  # [str]
    ratings: list  # [int]
    timeline: Sequence = ()  # [(idx, when, changed)]: turning points saying when, or what would be done differently


Compute = Callable[[dict, list], SessionData]


class Rows(NamedTuple):
    """A session's rows as the index writes them, but for its place (k) and mark: made from its SessionData by
    ``rows_of`` where the session is read (in a worker process, when the index is built from nothing), so the
    process writing the index only hands them to SQLite."""

    head: tuple  # the sessions table's columns from id to status
    tail: tuple  # its columns from contribution_count to reviews (JSON texts)
    texts: str  # session_texts' columns (JSON texts)
    phases: str
    went_right: str
    strengths: list  # [(idx, evidence, skill, text)]
    actions: list  # [(idx, contribution_id, number, owner, due, tell, date, team_key, owner_key, due_date, text)]
    tags: list  # [str]
    ratings: list  # [int]

    @property
    def team_key(self) -> str:
        return self.head[4]

    @property
    def date(self) -> str:
        return self.head[1]


def _stored_texts(d: SessionData) -> list:
    """session_texts' texts: each contribution's text, or [text, *its fields] (FIELDS_SEARCHED, those after the
    last it has left out) for one with a field searched, so that a word in it finds the contribution."""
    texts = d.texts
    if not (d.strengths or d.actions or d.timeline):
        return texts
    fields: dict[int, list[str]] = {}
    for idx, evidence, skill in d.strengths:
        if evidence or skill:
            fields[idx] = [evidence, skill]
    for action in d.actions:
        owner, tell = action[3], action[5]
        if owner or tell:
            fields[action[1]] = ["", "", "", "", owner, tell]
    for idx, when, changed in d.timeline:
        fields.setdefault(idx, [""] * len(FIELDS_SEARCHED))[2:4] = when, changed
    if not fields:
        return texts
    stored: list = list(texts)
    for idx, values in fields.items():
        while values and not values[-1]:
            values.pop()
        if values:
            stored[idx] = [texts[idx], *values]
    return stored


def rows_of(d: SessionData) -> Rows:
    """A session's rows, from what learning/ computed of it."""
    team = make_team_key(d.team)
    texts = d.texts
    return Rows(
        (d.id, d.date, d.created_at, d.team, team, d.title, d.template_id, d.template_name, d.status),
        (len(texts), _json_list(d.phases), _json_list(d.names), _json_list(d.people), _json_list(d.reviews)),
        _json_list(_stored_texts(d)), _json_list(d.phase_of), _json_list(d.went_right),
        [(*st, texts[st[0]]) for st in d.strengths],
        [(a[1], a[0], *a[2:], d.date, team, a[3].casefold(), _due_date(a[4]), texts[a[1]]) for a in d.actions],
        d.tags, d.ratings,
    )


#: the tables a Shard holds, as (the column naming the session, the others): the index's own, in their order
_SHARD_TABLES = {
    "sessions": ("k", "id, date, created_at, team, team_key, title, template_id, template_name, status, mark, "
                 "contribution_count, phases, names, people, reviews"),
    "session_texts": ("k", "texts, phases, went_right"),
    "strengths": ("session", "idx, evidence, skill, text"),
    "actions": ("session", "idx, contribution_id, number, owner, due, tell, date, team_key, owner_key, due_date, text"),
    "tags": ("session", "tag"),
    "ratings": ("session", "rating"),
}
_SHARD_SCHEMA = ";".join(
    f"CREATE TABLE {table} ({key}{' INTEGER PRIMARY KEY' if key == 'k' else ''}, {others})"
    for table, (key, others) in _SHARD_TABLES.items()
) + ";" + TALLIES_SCHEMA  # with what its sessions add to the themes' counts (store/tallies.py)
#: sqlite3 can hand a database over as bytes (SQLite 3.36 and later, as Python's own builds have)
SHARDS = hasattr(sqlite3.Connection, "serialize") and hasattr(sqlite3.Connection, "deserialize")


class Shard(NamedTuple):
    """The rows of a run of sessions, made where they were read (a worker process) in a database of their own and
    handed over whole, as bytes (``sqlite3.Connection.serialize``): the process writing the index copies them in
    with one statement a table, instead of receiving every row as Python objects and writing them one by one (at
    20,000 sessions, that receiving and writing was most of the writing process's own work). Made by
    ``shard_of``."""

    count: int  # the sessions it stands for: the next ``count`` of the sync's work, in order
    blob: bytes  # their rows (_SHARD_TABLES) and counts, each session's k its place among them (0 to count - 1)
    gaps: tuple  # the places among them it holds no rows of: each comes next as a result of its own


def shard_of(results: Sequence[tuple[Rows | None, Mark | None]]) -> Shard:
    """A Shard of these sessions' rows (and marks); a session whose rows are None, or that cannot be written as they
    are, is a gap (the process writing the index reads it itself, through the store)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")  # (a session that cannot be written is deleted, not rolled back)
        conn.executescript(_SHARD_SCHEMA)
        gaps = []
        counts = Counts()
        conn.execute("BEGIN")
        for place, (rows, mark) in enumerate(results):
            if rows is None:
                gaps.append(place)
                continue
            try:
                _insert(conn, place, rows, mark, counts)  # (its counts are added last, once its rows are in)
            except (sqlite3.Error, OverflowError, TypeError, ValueError):  # a value SQLite cannot hold
                for table, (key, _) in _SHARD_TABLES.items():
                    conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (place,))
                gaps.append(place)
        counts.write(conn)
        conn.execute("COMMIT")
        return Shard(len(results), conn.serialize(), tuple(gaps))
    finally:
        conn.close()


def _attach(conn: sqlite3.Connection, shard: Shard, schema: str) -> str | None:
    """``schema``, the Shard attached to ``conn`` as it (its tables checked); None if its bytes are no such database
    (then nothing is attached)."""
    conn.execute(f"ATTACH ':memory:' AS {schema}")
    try:
        conn.deserialize(shard.blob, name=schema)
        for table in _SHARD_TABLES:
            conn.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()
    except sqlite3.Error:
        conn.execute(f"DETACH {schema}")
        return None
    return schema


def _copy_shard(conn: sqlite3.Connection, schema: str, base: int, tally: bool) -> None:
    """The rows of the Shard attached as ``schema`` written into the index, each session's k its place plus ``base``;
    ``tally``: what they add to the themes' counts added."""
    for table, (key, others) in _SHARD_TABLES.items():
        conn.execute(f"INSERT INTO main.{table} ({key}, {others}) SELECT {key} + ?, {others} FROM {schema}.{table}", (base,))
    if tally:
        add_counted(conn, schema, base)


@functools.lru_cache(maxsize=4096)
def team_folded(team_key: str) -> str:
    """A team's key with its accents left out, so that "equipe" finds "Équipe" (as search does): the history's
    team filter compares these (a SQL function of every connection)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", team_key) if not unicodedata.combining(ch))


def _with_functions(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.create_function("team_folded", 1, team_folded, deterministic=True)
    return conn


class Filters(NamedTuple):
    """What the history list is narrowed to: part of a team's name, a template, dates (inclusive)."""

    team: str = ""  # compared as text.team_key, anywhere in the team's key
    template_id: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def where(self, alias: str = "s") -> tuple[str, list]:
        parts, params = [], []
        if self.team:
            parts.append(f"instr(team_folded({alias}.team_key), ?) > 0")
            params.append(team_folded(make_team_key(self.team)))
        if self.template_id is not None:
            parts.append(f"{alias}.template_id = ?")
            params.append(self.template_id)
        if self.since is not None:
            parts.append(f"{alias}.date >= ?")
            params.append(self.since.isoformat())
        if self.until is not None:
            parts.append(f"{alias}.date <= ?")
            params.append(self.until.isoformat())
        return (" AND ".join(parts) or "1"), params


class IndexedSession(NamedTuple):
    """A session as the history list shows it (and as a search hit names it)."""

    id: str
    date: dt.date
    team: str
    title: str
    template_id: str
    template_name: str
    status: str
    contribution_count: int


_SESSION_COLUMNS = "s.id, s.date, s.team, s.title, s.template_id, s.template_name, s.status, s.contribution_count"


#: what reading a value the index holds raises when it is not as this module writes it (set aside: _value_damaged)
_VALUE_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError)


def _indexed(row: Sequence) -> IndexedSession:
    return IndexedSession(row[0], dt.date.fromisoformat(row[1]), *row[2:8])


class Hit(NamedTuple):
    session: IndexedSession
    index: int  # the contribution's place in the session
    text: str
    spans: tuple  # ((start, end), ...) of the query's words in text
    phase_title: str
    #: how many contributions before it in its phase say the same (the record shows it after them)
    same_before: int = 0
    #: ((key, value, spans), ...): its fields searched (FIELDS_SEARCHED) that it has, spans as in text
    fields: tuple = ()


class Progress(NamedTuple):
    done: int
    total: int
    running: bool


Mark = tuple


def _scan(folder: Path) -> dict[str, tuple[int, int]]:
    stats: dict[str, tuple[int, int]] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    st = entry.stat()
                except OSError:
                    continue
                stats[entry.name] = (st.st_size, st.st_mtime_ns)
    except OSError:
        pass
    return stats


class _Unchanged(NamedTuple):
    """A session whose files are as the index holds them (stale() makes no SessionRow for it)."""

    id: str


def _marks(folder: Path, ids: list[str]) -> dict[str, Mark]:
    """{id: its mark} for these sessions, from one listing of the folder (as _mark over _scan, without a table of
    every file's name)."""
    found: dict[str, tuple] = {}
    journal = len(JOURNAL_SUFFIX)
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                if name.endswith(JOURNAL_SUFFIX):
                    sid, at = name[:-journal], 2
                elif name.endswith(".json"):
                    sid, at = name[:-5], 0
                else:
                    continue
                try:
                    st = entry.stat()
                except OSError:
                    continue
                mark = found.get(sid, _NO_FILES)
                found[sid] = (st.st_size, st.st_mtime_ns, *mark[2:]) if at == 0 else (*mark[:2], st.st_size, st.st_mtime_ns)
    except OSError:
        pass
    return {sid: found.get(sid, _NO_FILES) for sid in ids}


def _file_mark(path: str) -> tuple[int, int] | None:
    if path.rpartition("/")[2].startswith("."):
        return None  # (not a session's file: _marks leaves such names out)
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _all_marked(conn: sqlite3.Connection, folder: str, store: "Store", left_out: dict[str, str]) -> bool:
    """True if the sessions table holds the store's sessions and no other, each with the mark its files have
    now (as _marks gives it), but for those ``left_out`` (read and not indexed, {id: the mark they had then}) with
    their files as they were. One row and one session at a time: nothing is kept for each."""
    count = store.session_count()
    for sid, was in list(left_out.items()):
        if not store.has_session(sid) or _current_mark(folder, sid) != was:
            return False  # (changed or gone: read again)
        count -= 1
    cursor = conn.execute("SELECT id, mark FROM sessions")
    try:
        rows = 0
        for sid, mark in cursor:
            rows += 1
            if rows > count or not store.has_session(sid) or "/" in sid:
                return False
            if mark != _current_mark(folder, sid):
                return False
        return rows == count  # (ids are unique in both: the same sessions)
    finally:
        cursor.close()


def _current_mark(folder: str, sid: str) -> str:
    """A session's mark as its files give it now, as text (what the sessions table keeps)."""
    db = _file_mark(f"{folder}/{sid}.json") or (None, None)
    journal = _file_mark(f"{folder}/{sid}{JOURNAL_SUFFIX}") or (0, None)
    return _mark_text((*db, *journal))


#: the mark of a session with neither file (as _mark gives it)
_NO_FILES = (None, None, 0, None)


def _mark(sid: str, stats: dict[str, tuple[int, int]]) -> Mark:
    db = stats.get(f"{sid}.json")
    journal = stats.get(f"{sid}{JOURNAL_SUFFIX}")
    return (*(db or (None, None)), *(journal or (0, None)))


def _mark_text(mark: Mark | None) -> str:
    return "" if mark is None else json.dumps(list(mark))


# ---------------------------------------------------------------------------- search words
_TOKEN = re.compile(r"[^\W_]+")


#: a query's words: a phrase in double quotes (straight or curly) is one, found as its words in a row
_QUERY_WORD = re.compile(r'["“”]([^"“”]*)["“”]?|(\S+)')


def query_tokens(query: str) -> list[list[str]]:
    """Each word of the query as the index's tokenizer splits it ("A's" is "A", "s"), repeats left out. A phrase in
    quotes is one word ("Child A" finds "Child A", not "Child C ... a week"); AND between words is left out, since
    every word is looked for anyway ("school AND plan" found only contributions with the word "and" in them)."""
    words: list[list[str]] = []
    seen: set[str] = set()
    matches = [match.groups() for match in _QUERY_WORD.finditer(query)]
    between = any(word != "AND" for _, word in matches)  # ("AND" alone is the word looked for: "and" finds it)
    for phrase, word in matches:
        if word == "AND" and between:
            continue
        tokens = _TOKEN.findall(phrase if word is None else word)
        key = " ".join(tokens).casefold()
        if tokens and key not in seen:
            seen.add(key)
            words.append(tokens)
    return words


#: a word shorter than this is found whole ("a" finds "a", not every word that starts with a)
PREFIX_FROM = 3


def fts_query(words: list[list[str]]) -> str:
    """The FTS5 query: every word, each at the start of a word (its last token a prefix, unless short)."""
    return " AND ".join(
        '"' + " ".join(tokens).replace('"', '""') + '"' + (" *" if len(tokens[-1]) >= PREFIX_FROM else "")
        for tokens in words
    )


def _span_patterns(words: list[list[str]]) -> list[re.Pattern]:
    patterns = []
    for tokens in words:
        pattern = r"(?<![^\W_])" + r"[\W_]+".join(re.escape(t) for t in tokens)
        if len(tokens[-1]) < PREFIX_FROM:
            pattern += r"(?![^\W_])"
        patterns.append(re.compile(pattern, re.IGNORECASE))
    return patterns


def _spans(text: str, patterns: list[re.Pattern]) -> tuple[tuple[int, int], ...]:
    return tuple(sorted({m.span() for p in patterns for m in p.finditer(text)}))


def word_spans(text: str, words: list[list[str]]) -> tuple[tuple[int, int], ...]:
    """Where the query's words are in ``text``, at the start of a word, any case (to show them)."""
    return _spans(text, _span_patterns(words))


# ---------------------------------------------------------------------------- the index
#: seconds a sync waits for another process's sync of the same index file (a build from nothing at 20,000 sessions
#: takes about 10 s)
SYNC_WAIT = 300
#: a sync waiting longer than this for another process's says so (HistoryDB.waiting, or its notices)
WAIT_SAID_AFTER = 1.0


class IndexDamaged(Exception):
    """The index file cannot be used (it is set aside and rebuilt by the next sync)."""


class IndexUnavailable(IndexDamaged):
    """The index file cannot be opened or written now (a read-only or full disk, a folder without write
    permission, another process holding it too long): left as it is; the caller may use an index in memory."""


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """An error that says the file is not a usable index (not a database, malformed, tables missing), as
    against one that says it cannot be used now (locked, read-only, disk full, I/O): only the first kind sets
    the file aside."""
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc)
        return "no such table" in text or "no such column" in text or "malformed" in text
    return True


#: the page cache of each reading connection, in kB (SQLite's default is 2,000 kB, which the history screen's
#: first reads filled and kept for as long as the app ran; the pages come from the system's file cache anyway)
READ_CACHE_KB = 512


class HistoryDB:
    """The index file of one data folder (``HistoryDB.for_store(store)``), or one in memory (``path=None``)."""

    def __init__(self, path: Path | None, notices: list[str] | None = None, quarantine_dir: Path | None = None):
        self.path = path
        self.notices = notices if notices is not None else []
        self.quarantine_dir = quarantine_dir
        self._local = threading.local()  # the connection each thread writes with
        self._pool: list[tuple[int, sqlite3.Connection]] = []  # connections to read with
        self._pool_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._memory: sqlite3.Connection | None = None  # the one connection of an index in memory
        self._memory_lock = threading.RLock()
        self._generation = 0  # bumped when the file is replaced: connections made before are dropped
        self._aside_lock = threading.Lock()  # one setting aside at a time
        #: told, in one sentence, that a sync waits for another process writing the index (else: a notice)
        self.waiting: Callable[[str], None] | None = None
        self._indexes_added = -1  # the generation of the file _ADDED_INDEXES were last made in
        self.last_read = 0  # sessions read from their files by the last sync
        self.last_kept = 0  # sessions whose rows the last sync kept as they were
        # Sessions a sync read and could not index (the store's notices say why), each with the mark its files had:
        # not read again until their files change (or the app starts again), where every sync read them again and
        # a history with one of them was never up to date (its screen read again each time it was shown).
        self._left_out: dict[str, str] = {}

    @classmethod
    def for_store(cls, store: "Store", in_memory: bool = False) -> "HistoryDB":
        # notices_so_far: the same list, without the start-up checks done first (on the screen's thread)
        db = cls(None if in_memory else store.data_dir / INDEX_NAME, store.notices_so_far, store.quarantine_dir)
        if not in_memory and not store.read_only:
            old = store.data_dir / OLD_CACHE_NAME
            try:
                old.unlink()
            except OSError:
                pass
        return db

    # ------------------------------------------------------------------ connections
    def _connect(self) -> sqlite3.Connection:
        if self.path is None:
            conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            conn.executescript(_SCHEMA)
            return _with_functions(conn)
        try:
            if not self.path.exists():
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
                os.close(fd)
            conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise IndexUnavailable(str(exc)) from None
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # Derived data: no fsync. A power cut may lose the last rows written (their sessions have no mark
            # then, and are read again) or damage the file (set aside and built again).
            conn.execute("PRAGMA synchronous=OFF")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0 and not conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
                with self._write_lock:
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                            for statement in _SCHEMA.split(";"):  # one by one: executescript would commit first
                                if statement.strip():
                                    conn.execute(statement)
                        conn.execute("COMMIT")
                    except BaseException:
                        conn.execute("ROLLBACK")
                        raise
            elif version != SCHEMA_VERSION:
                conn.close()
                raise IndexDamaged("of another version")
            conn.execute("SELECT count(*) FROM sessions WHERE k < 0").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise (IndexDamaged if _is_damage(exc) else IndexUnavailable)(str(exc)) from None
        return _with_functions(conn)

    def _conn(self) -> sqlite3.Connection:
        if self.path is None:
            if self._memory is None:
                self._memory = self._connect()
            return self._memory
        local = self._local
        conn = getattr(local, "conn", None)
        if conn is not None and getattr(local, "generation", -1) == self._generation:
            return conn
        if conn is not None:
            conn.close()
        # (the generation read before the file is opened: one set aside meanwhile is not opened under the new one's)
        generation = self._generation
        try:
            conn = self._connect()
        except IndexUnavailable:
            raise
        except IndexDamaged as exc:
            self._set_aside(str(exc), generation)
            generation = self._generation
            conn = self._connect()
        local.conn, local.generation = conn, generation
        return conn

    def _set_aside(self, why: str, seen: int | None = None) -> None:
        """The index cannot be used: drop it (another version) or move it to quarantine/ (damaged). ``seen``: the
        generation the damage was found in; if the file was set aside since, the one in its place now is kept."""
        assert self.path is not None
        with self._aside_lock:
            if seen is not None and seen != self._generation:
                return
            self._move_aside(why)
            # Counted once the file is gone: a connection opened meanwhile, to the old file, has the old generation,
            # and is dropped. (Counted first, a thread opening the file just then took the old one for the new:
            # a rebuild begun then saw the old file up to date, and the history listed 0 sessions, for good.)
            self._generation += 1

    def _move_aside(self, why: str) -> None:
        assert self.path is not None
        moved = None
        if why != "of another version" and self.quarantine_dir is not None and self.path.exists():
            try:
                self.quarantine_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
                stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
                target = self.quarantine_dir / f"{stamp}-{self.path.name}"
                os.replace(self.path, target)
                moved = target
            except OSError:
                pass
        for suffix in ("", "-wal", "-shm"):
            try:
                Path(str(self.path) + suffix).unlink()
            except FileNotFoundError:
                pass
            except OSError:
                pass
        if moved is not None:
            self.notices.append(
                f"The history index {self.path} could not be read ({why}), so it was moved to {moved} and is "
                "being built again from the sessions; nothing recorded is affected."
            )

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        with self._pool_lock:
            pool, self._pool = self._pool, []
        for _, conn in pool:
            conn.close()

    def _borrow(self) -> tuple[int, sqlite3.Connection]:
        """A reading connection, kept between reads (its page cache with it), for whichever thread reads."""
        with self._pool_lock:
            while self._pool:
                generation, conn = self._pool.pop()
                if generation == self._generation:
                    return generation, conn
                conn.close()
        generation = self._generation
        try:
            conn = self._connect()
        except IndexUnavailable:
            raise
        except IndexDamaged as exc:
            self._set_aside(str(exc), generation)
            generation, conn = self._generation, self._connect()
        conn.execute(f"PRAGMA cache_size = -{READ_CACHE_KB}")
        return generation, conn

    def _give_back(self, generation: int, conn: sqlite3.Connection) -> None:
        with self._pool_lock:
            if generation == self._generation and len(self._pool) < 4:
                self._pool.append((generation, conn))
                return
        conn.close()

    def read(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        """Rows of a read-only query (the schema in the module docstring is the API); [] if the index is damaged
        (it is then set aside, and the next sync builds it again)."""
        try:
            if self.path is None:
                with self._memory_lock:
                    return self._conn().execute(sql, params).fetchall()
            generation, conn = self._borrow()
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                self._damaged(exc, generation)
                return []
            finally:
                self._give_back(generation, conn)
        except IndexUnavailable:
            return []

    def damaged(self, exc: sqlite3.DatabaseError, seen: int | None = None) -> None:
        """Set the file aside if ``exc`` says it is damaged (the next sync builds it again). ``seen``: the generation
        (``replaced``) the error was met in: a file set aside since is not, the one in its place kept."""
        self._damaged(exc, seen)

    def _damaged(self, exc: sqlite3.DatabaseError, seen: int | None = None) -> None:
        if self.path is not None and _is_damage(exc):
            self.close()
            self._set_aside(str(exc), seen)

    def _value_damaged(self, exc: Exception, seen: int) -> None:
        """A value in the index is not as this module writes it (a date that is no date, JSON cut off): the file is
        set aside as damaged, as one SQLite cannot read, and the next sync builds it again (its sessions' files are
        unchanged, so it would otherwise never be read again). ``seen``: the generation as the reading began; if the
        file was set aside since (by another thread), what was read may be of both files, and the new one is kept."""
        if self.path is not None and seen == self._generation:
            self.close()
            self._set_aside(f"a value in it is not as the app writes it: {type(exc).__name__}: {exc}", seen)

    @property
    def replaced(self) -> int:
        """How many times the file was set aside (a reader compares it to know the index must be built again)."""
        return self._generation

    # ------------------------------------------------------------------ keeping it up to date
    def stale(self, store: "Store", rows: bool = True) -> tuple[list, dict[str, Mark], dict[str, tuple[int, str]]]:
        """(the store's sessions, their marks now, {id: (k, mark)} as indexed). The sessions are SessionRows,
        newest first, if any is to be read again; if none is, only their ids (``_Unchanged``, in no order).
        ``rows=False``: the sessions' ids only, as str (what a freshness check needs)."""
        # What the index holds first: a connection made (and kept) now is not made among the many short-lived
        # objects below, where it would keep the memory they took from going back to the system.
        self.read("PRAGMA shrink_memory")  # (its statement made now, not among the objects below: see above)
        indexed = {sid: (k, mark) for k, sid, mark in self.read("SELECT k, id, mark FROM sessions")}
        # That read every page of the sessions table into the reading connection's cache, which keeps up to
        # 2 MB of them for as long as the app runs; what the screens read next is little of it.
        self.read("PRAGMA shrink_memory")
        ids = store.session_ids()
        current = _marks(store.sessions_dir, ids)
        if not rows:
            return ids, current, indexed
        if not any(self._to_read(sid, mark, indexed) for sid, mark in current.items()):
            # Nothing to read again (the usual case): no row made for each session, only its id.
            return [_Unchanged(sid) for sid in ids], current, indexed
        sessions = store.session_rows()  # newest first: the order new sessions are placed in
        missing = [r.id for r in sessions if r.id not in current]  # (one added since the ids were listed)
        if missing:
            current.update(_marks(store.sessions_dir, missing))
        return sessions, {r.id: current[r.id] for r in sessions}, indexed

    def unchanged(self, store: "Store") -> bool:
        """True if the index holds every session of the store, and no other, each with the mark its files have
        now: nothing for a sync to do (the usual case at start). Checked one session at a time, as the index's
        rows are read, so no table of every session is made: at 20,000 sessions those tables took about 6 MB,
        which the app kept after they were dropped."""
        folder = str(store.sessions_dir)
        seen = self._generation
        try:
            if self.path is None:
                with self._memory_lock:
                    return _all_marked(self._conn(), folder, store, self._left_out)
            generation, conn = self._borrow()
            try:
                return _all_marked(conn, folder, store, self._left_out)
            finally:
                try:
                    conn.execute("PRAGMA shrink_memory")  # the pages the check read: little of them is read next
                finally:
                    self._give_back(generation, conn)
        except sqlite3.DatabaseError as exc:
            self._damaged(exc, seen)
            return False
        except IndexUnavailable:
            return False

    def to_read(self, store: "Store") -> int:
        """How many sessions a sync would read from their files now."""
        if self.unchanged(store):
            return 0
        _, current, indexed = self.stale(store, rows=False)
        return sum(1 for sid, mark in current.items() if self._to_read(sid, mark, indexed))

    def _to_read(self, sid: str, mark: Mark, indexed: dict[str, tuple[int, str]]) -> bool:
        """Whether a session's files are to be read: its mark is not the one indexed, nor the one it had when it was
        last left out."""
        now = _mark_text(mark)
        return indexed.get(sid, (0, None))[1] != now and self._left_out.get(sid) != now

    def sync(
        self,
        store: "Store",
        compute: Compute,
        progress: Callable[[int, int], None] | None = None,
        wanted: Callable[[Any], bool] | None = None,
        cancelled: Callable[[], bool] | None = None,
        read_sessions: ReadSessions | None = None,
    ) -> "HistoryDB":
        """Bring the index up to date with the store: sessions whose mark changed read again, new ones added,
        removed ones dropped. ``wanted`` (a SessionRow test): only those sessions are read (the others keep
        what the index has). ``progress(done, total)`` after each batch. ``read_sessions``: how the sessions'
        rows are read (default ``read_each``, one after the other; learning/rebuild.py reads them in several
        processes)."""
        with self._one_sync_at_a_time():
            return self._sync_twice(store, compute, progress, wanted, cancelled, read_sessions)

    @contextlib.contextmanager
    def _one_sync_at_a_time(self) -> Iterator[None]:
        """Held while a sync writes: another process's sync of the same file (the child building the index from
        nothing, a digest from the command line) is waited for, not run beside it. Two at once each wrote what
        the other had not yet, and a build from nothing that took the themes' counts' indexes away for its end
        met one that made them (and counted) half way: the counts then missed most sessions, for good."""
        if self.path is None:
            yield
            return
        from filelock import FileLock, Timeout

        lock: FileLock | None = FileLock(str(self.path) + ".lock", timeout=SYNC_WAIT, mode=FILE_MODE)
        try:
            try:
                lock.acquire(timeout=WAIT_SAID_AFTER)
            except Timeout:
                # Said at once, not after minutes without a word (a digest suspended in another terminal holds it).
                said = (
                    f"Another facilitator program is writing the history index {self.path}, so this one waits up to "
                    f"{SYNC_WAIT // 60} minutes for it to finish (a digest still running or stopped with ctrl+z in "
                    "another window: end it, and this one goes on)."
                )
                if self.waiting is not None:
                    self.waiting(said)
                elif said not in self.notices:
                    self.notices.append(said)
                lock.acquire()
        except Timeout:
            raise IndexUnavailable(f"another process has been writing {self.path} for {SYNC_WAIT} s") from None
        except OSError:  # no lock file can be made (a read-only folder): nothing can write the index either
            lock = None
        try:
            yield
        finally:
            if lock is not None:
                lock.release()

    def _sync_twice(self, store, compute, progress, wanted, cancelled, read_sessions) -> "HistoryDB":  # noqa: ANN001
        for attempt in range(2):
            seen = self._generation
            try:
                self._sync(store, compute, progress, wanted, cancelled, read_sessions)
                return self
            except sqlite3.DatabaseError as exc:
                if not _is_damage(exc):
                    raise IndexUnavailable(str(exc)) from None
                if attempt:
                    raise IndexDamaged(str(exc)) from None
                self._damaged(exc, seen)
        return self

    def _sync(self, store, compute, progress, wanted, cancelled, read_sessions) -> None:  # noqa: ANN001
        if not store.read_only:
            store.flush()
        conn = self._conn()  # before stale(): see there
        if wanted is None and self.unchanged(store):
            self.last_read, self.last_kept = 0, store.session_count()
            with self._write_lock, self._memory_lock if self.path is None else _nothing:
                self._add_indexes(conn)
                _late_indexes(conn, make=True, path=self.path)  # (a build from nothing stopped before it made them)
                _counts_whole(conn)
            return
        rows, current, indexed = self.stale(store)
        if len(rows) - len(indexed) > BATCH:  # many to write: a page cache that holds the tables' growing ends
            conn.execute("PRAGMA cache_size = -32768")
        gone = [k for sid, (k, _) in indexed.items() if sid not in current]
        work = [r for r in rows if self._to_read(r.id, current[r.id], indexed)]
        if wanted is not None:
            work = [r for r in work if wanted(r)]
        self.last_read = len(work)
        self.last_kept = len(rows) - len(work)
        with self._write_lock, self._memory_lock if self.path is None else _nothing:
            self._add_indexes(conn)
            # A build from nothing writes the actions without their orders and sorts them once at the end; one
            # that was stopped half way (the app closed) has them made now.
            bulk = not indexed and len(work) > BULK_BATCH
            # Its sessions read elsewhere (read_sessions: worker processes) come as Shards, with what they add to
            # the themes' counts counted where they were read; the writing then waits for the reading, and the
            # counts and the actions' orders are kept as the rows are written (measured at 20,000 sessions: 9.2
            # and 9.4 s in all, against 9.8 and 10.0 s with the orders made at the end).
            shards = bulk and read_sessions is not None and SHARDS
            late = bulk and not shards
            _late_indexes(conn, make=not late, path=self.path)
            try:
                self._write(conn, store, compute, progress, cancelled, read_sessions, work, indexed, current, gone,
                            tally=not late, shards=shards)
            finally:
                if late:
                    _late_indexes(conn, make=True, path=self.path)
            _counts_whole(conn)

    def _add_indexes(self, conn: sqlite3.Connection) -> None:
        """The indexes of _ADDED_INDEXES made if the file lacks them (once a file)."""
        if self._indexes_added != self._generation:
            conn.executescript(_ADDED_INDEXES)
            self._indexes_added = self._generation

    def _write(self, conn, store, compute, progress, cancelled, read_sessions, work, indexed, current,  # noqa: ANN001
               gone, tally: bool = True, shards: bool = False) -> None:
        """Write the sessions of ``work`` (their rows read by ``read_sessions``) and drop those of ``gone``.
        ``tally``: add them to the themes' counts as they are written (a build from nothing counts them all at
        its end instead: ``_late_indexes``). ``shards``: ``read_sessions`` is asked for Shards (a build from
        nothing)."""
        if gone:
            conn.execute("BEGIN IMMEDIATE")
            for k in gone:
                _delete(conn, k)
            conn.execute("COMMIT")
        # Places for the sessions new to the index: the newest gets the smallest k (searched first).
        new = [r.id for r in work if r.id not in indexed]
        if not indexed:
            places = {sid: FIRST_K + n for n, sid in enumerate(new)}
        else:
            first = min(k for k, _ in indexed.values())
            places = {sid: first - len(new) + n for n, sid in enumerate(new)}
        done = 0
        total = len(work)
        if progress is not None:
            progress(0, total)
        items = [(r.id, current[r.id]) for r in work]
        if shards:
            results = read_sessions(store, items, compute, shards=True)
        else:
            results = (read_sessions or read_each)(store, items, compute)
        size = BULK_BATCH if not indexed else BATCH
        counts = Counts() if tally else None
        while done < total:
            if cancelled is not None and cancelled():
                return
            # The results for the next ``size`` sessions or so: a session's (rows, mark), or a Shard of several;
            # each with its place among them.
            parts: list[tuple] = []
            taken_here = 0
            while taken_here < size and done + taken_here < total:
                result = next(results)
                if isinstance(result, Shard):
                    parts.append((taken_here, result))
                    for gap in result.gaps:  # the sessions it holds no rows of, each a result of its own
                        parts.append((taken_here + gap, *next(results)))
                    taken_here += result.count
                else:
                    parts.append((taken_here, *result))
                    taken_here += 1
            attached: list[str | None] = []  # each Shard's schema, in order (None: it could not be read)
            try:
                for part in parts:  # (attached before the transaction: SQLite attaches none within one)
                    if len(part) == 2:
                        attached.append(_attach(conn, part[1], f"shard{len(attached)}"))
                self._write_parts(conn, store, compute, work[done : done + taken_here], parts, attached, places,
                                  current, counts)
            finally:
                for schema in attached:
                    if schema is not None:
                        conn.execute(f"DETACH {schema}")
            done += taken_here
            if progress is not None:
                progress(done, total)

    def _write_parts(self, conn, store, compute, covered, parts, attached, places, current, counts) -> None:  # noqa: ANN001
        """One transaction: the sessions ``covered`` (a run of the sync's work) written, their results in ``parts``
        ((place in ``covered``, rows, mark), or (place in ``covered``, Shard): the n-th Shard attached as
        ``attached[n]``), their full-text rows made, and the counts they add written."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            # What the index holds of these sessions now (another process may have written some since), and which
            # of the places meant for the new ones are taken: two queries a transaction.
            ids = [row.id for row in covered]
            held = dict(conn.execute(
                "SELECT id, k FROM sessions WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
            ).fetchall())
            wanted_places = json.dumps([places[sid] for sid in ids if sid in places])
            taken = {k for (k,) in conn.execute(
                "SELECT k FROM sessions WHERE k IN (SELECT value FROM json_each(?))", (wanted_places,)
            )}
            written: list[int] = []
            left_out: list[str] = []  # (taken back from self._left_out if the transaction is)

            def one(sid: str, data: Rows | None, mark: Mark | None) -> None:
                k = held.get(sid)
                if k is not None:
                    if counts:
                        counts.write(conn)  # the counts up to date before a session is taken out
                    _delete(conn, k)
                else:
                    k = places.get(sid)
                    if k is None or k in taken:
                        k = (conn.execute("SELECT min(k) FROM sessions").fetchone()[0] or FIRST_K) - 1
                if data is not None:
                    _insert(conn, k, data, mark, counts)
                    written.append(k)
                    self._left_out.pop(sid, None)
                elif mark is None:  # left out (the store's notices say why): not read again until it changes
                    self._left_out[sid] = _mark_text(current[sid])
                    left_out.append(sid)

            shard_number = 0
            for part in parts:
                if len(part) == 3:
                    one(ids[part[0]], part[1], part[2])
                    continue
                at, shard = part
                schema = attached[shard_number]
                shard_number += 1
                gaps = set(shard.gaps)
                inside = [n for n in range(shard.count) if n not in gaps]
                its = [ids[at + n] for n in inside]
                base = places.get(ids[at])
                if schema is not None and base is not None and not any(sid in held or places.get(sid) != base + n or base + n in taken
                                                for n, sid in zip(inside, its)):
                    _copy_shard(conn, schema, base, tally=counts is not None)
                    written.extend(base + n for n in inside)
                else:  # some written meanwhile (by another process), or the Shard unreadable: read again here
                    for sid, (data, mark) in zip(its, read_each(store, [(sid, current[sid]) for sid in its], compute)):
                        one(sid, data, mark)
            _index_texts(conn, written)
            if counts is not None:
                counts.write(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            for sid in left_out:
                self._left_out.pop(sid, None)
            raise

    # ------------------------------------------------------------------ the history list
    def count(self, filters: Filters = Filters()) -> int:
        where, params = filters.where()
        rows = self.read(f"SELECT count(*) FROM sessions s WHERE {where}", params)
        return rows[0][0] if rows else 0

    def sessions(self, filters: Filters = Filters(), offset: int = 0, limit: int = -1) -> list[IndexedSession]:
        """The sessions ``filters`` keeps, newest first (date, then start time), from ``offset``."""
        where, params = filters.where()
        seen = self._generation
        rows = self.read(
            f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE {where} "
            "ORDER BY s.date DESC, s.created_at DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        try:
            return [_indexed(r) for r in rows]
        except _VALUE_ERRORS as exc:
            self._value_damaged(exc, seen)
            return []

    def session_ids(self, filters: Filters = Filters()) -> list[str]:
        where, params = filters.where()
        return [r[0] for r in self.read(
            f"SELECT s.id FROM sessions s WHERE {where} ORDER BY s.date DESC, s.created_at DESC", params
        )]

    def session(self, session_id: str) -> IndexedSession | None:
        seen = self._generation
        rows = self.read(f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE s.id = ?", (session_id,))
        try:
            return _indexed(rows[0]) if rows else None
        except _VALUE_ERRORS as exc:
            self._value_damaged(exc, seen)
            return None

    def templates(self) -> list[tuple[str, str]]:
        """(name, id) of every template the history's sessions ran on, by name."""
        return [tuple(r) for r in self.read(
            "SELECT DISTINCT template_name, template_id FROM sessions ORDER BY template_name, template_id"
        )]

    def __len__(self) -> int:
        return self.count()

    # ------------------------------------------------------------------ search
    def search(
        self, query: str, filters: Filters = Filters(), limit: int = 500, ids: Iterable[str] | None = None,
        count_up_to: int | None = None,
    ) -> tuple[list[Hit], int]:
        """(the first ``limit`` contributions holding every word of ``query``, newest sessions first, and how
        many in all), in the sessions ``filters`` (and ``ids``, if given) keep. ``count_up_to``: stop counting
        past that many (the total is then ``count_up_to + 1``: "more than")."""
        words = query_tokens(query)
        if not words:
            return [], 0
        seen = self._generation
        try:
            return self._search(words, filters, limit, ids, count_up_to)
        except _VALUE_ERRORS as exc:
            self._value_damaged(exc, seen)
            return [], 0

    def _search(self, words: list[list[str]], filters: Filters, limit: int, ids: Iterable[str] | None,
                count_up_to: int | None) -> tuple[list[Hit], int]:
        match = fts_query(words)
        where, params = filters.where()
        if ids is not None:
            where += " AND s.id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(ids)))
        found = self.read(
            f"SELECT f.rowid, {_SESSION_COLUMNS}, s.phases "
            f"FROM contributions_fts f JOIN sessions s ON s.k = (f.rowid >> {SHIFT}) "
            f"WHERE contributions_fts MATCH ? AND {where} ORDER BY f.rowid LIMIT ?",
            [match, *params, limit],
        )
        # Each hit's text and phase, from its session's texts (each session's read once)
        texts_of = {k: (orjson.loads(texts), orjson.loads(phases)) for k, texts, phases in self.read(
            "SELECT k, texts, phases FROM session_texts WHERE k IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted({row[0] >> SHIFT for row in found})),),
        )}
        rows = []
        for rowid, *rest in found:
            texts, phases = texts_of.get(rowid >> SHIFT, ((), ()))
            idx = rowid & ((1 << SHIFT) - 1)
            if idx < len(texts):
                text, phase = texts[idx], phases[idx]
                fields = ()
                if isinstance(text, list):  # [text, *its fields searched]
                    text, fields = text[0], tuple(zip(FIELDS_SEARCHED, text[1:]))
                same = sum(1 for j in range(idx) if phases[j] == phase and _text_of(texts[j]) == text)
                rows.append((rowid, text, fields, phase, same, *rest))
        if len(found) < limit:
            total = len(rows)
        else:
            join = f"JOIN sessions s ON s.k = (f.rowid >> {SHIFT})" if where != "1" else ""
            cap = "" if count_up_to is None else f"LIMIT {int(count_up_to) + 1}"
            counted = self.read(
                f"SELECT count(*) FROM (SELECT 1 FROM contributions_fts f {join} "
                f"WHERE contributions_fts MATCH ? AND {where} {cap})",
                [match, *params],
            )
            total = counted[0][0] if counted else len(rows)
        patterns = _span_patterns(words)
        hits = []
        titles_of: dict[str, list[str]] = {}
        sessions: dict[str, IndexedSession] = {}
        for rowid, text, fields, phase, same, *session, phases in rows:
            entry = sessions.get(session[0])
            if entry is None:
                entry = sessions[session[0]] = _indexed(session)
                titles_of[entry.id] = [p[1] for p in json.loads(phases)]
            titles = titles_of[entry.id]
            hits.append(Hit(entry, rowid & ((1 << SHIFT) - 1), text, _spans(text, patterns),
                            titles[phase] if 0 <= phase < len(titles) else "", same,
                            tuple((key, value, _spans(value, patterns)) for key, value in fields if value)))
        return hits, total

    # ------------------------------------------------------------------ whole sessions
    def session_data(self, ids: Iterable[str] | None = None, filters: Filters = Filters()) -> Iterator[SessionData]:
        """Every session's rows (or those of ``ids``), newest first, one session at a time."""
        where, params = filters.where()
        if ids is not None:
            where += " AND s.id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(ids)))
        seen = self._generation
        heads = self.read(
            "SELECT s.k, s.id, s.date, s.created_at, s.team, s.title, s.template_id, s.template_name, s.status, "
            f"s.phases, s.names, s.people, s.reviews FROM sessions s WHERE {where} "
            "ORDER BY s.date DESC, s.created_at DESC",
            params,
        )
        for k, sid, date, created, team, title, tid, tname, status, phases, names, people, reviews in heads:
            try:
                data = self._session_data(k, sid, date, created, team, title, tid, tname, status, phases, names,
                                          people, reviews)
            except _VALUE_ERRORS as exc:
                self._value_damaged(exc, seen)
                return
            yield data

    def _session_data(self, k, sid, date, created, team, title, tid, tname, status, phases, names, people,  # noqa: ANN001
                      reviews) -> SessionData:
        """One session's SessionData, from its row of each table (a value not as written here raises)."""
        row = self.read("SELECT texts, phases, went_right FROM session_texts WHERE k = ?", (k,))
        texts, phase_of, went_right = (orjson.loads(v) for v in row[0]) if row else ([], [], [])
        timeline = [
            (idx, *(text[3:5] + ["", ""])[:2]) for idx, text in enumerate(texts)
            if isinstance(text, list) and any(text[3:5])
        ]
        texts = list(map(_text_of, texts)) if timeline or any(isinstance(t, list) for t in texts) else texts
        return SessionData(
            sid, date, created, team, title, tid, tname, status,
            [tuple(p) for p in json.loads(phases)], [tuple(p) for p in json.loads(names)], json.loads(people),
            json.loads(reviews), texts, phase_of, went_right,
            [tuple(r) for r in self.read("SELECT idx, evidence, skill FROM strengths WHERE session = ? ORDER BY rowid", (k,))],
            [tuple(r) for r in self.read(
                "SELECT contribution_id, idx, number, owner, due, tell FROM actions WHERE session = ? ORDER BY rowid", (k,)
            )],
            [r[0] for r in self.read("SELECT tag FROM tags WHERE session = ? ORDER BY rowid", (k,))],
            [r[0] for r in self.read("SELECT rating FROM ratings WHERE session = ? ORDER BY rowid", (k,))],
            timeline,
        )


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_nothing = _Nothing()


def _delete(conn: sqlite3.Connection, k: int) -> None:
    untally(conn, k)  # the themes' counts by month (store/tallies.py), in the same transaction
    # A contentless full-text index takes a row out given the very text it was given: the session's texts.
    conn.execute(
        "INSERT INTO contributions_fts(contributions_fts, rowid, text) "
        f"SELECT 'delete', (t.k << {SHIFT}) | j.key, j.value FROM session_texts t, json_each(t.texts) j WHERE t.k = ?",
        (k,),
    )
    conn.execute("DELETE FROM session_texts WHERE k = ?", (k,))
    for table in ("strengths", "actions", "tags", "ratings"):
        conn.execute(f"DELETE FROM {table} WHERE session = ?", (k,))
    conn.execute("DELETE FROM sessions WHERE k = ?", (k,))


def _insert(conn: sqlite3.Connection, k: int, r: Rows, mark: Mark | None, counts: Counts | None) -> None:
    """A session's rows, but for its full-text rows (``_index_texts``, once for every session a transaction
    writes); what it adds to the themes' counts is gathered in ``counts`` (written before the transaction is
    committed: ``counts.write(conn)``)."""
    conn.execute("INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (k, *r.head, _mark_text(mark), *r.tail))
    conn.execute("INSERT INTO session_texts VALUES (?,?,?,?)", (k, r.texts, r.phases, r.went_right))
    if r.strengths:
        conn.executemany("INSERT INTO strengths VALUES (?,?,?,?,?)", [(k, *st) for st in r.strengths])
    if r.actions:
        conn.executemany("INSERT INTO actions VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", [(k, *a) for a in r.actions])
    if r.tags:
        conn.executemany("INSERT INTO tags VALUES (?,?)", [(k, t) for t in r.tags])
    if r.ratings:
        conn.executemany("INSERT INTO ratings VALUES (?,?)", [(k, n) for n in r.ratings])
    if counts is not None:  # the themes' counts by month (store/tallies.py), in the same transaction
        counts.add(k, r.team_key, r.date[:7], r.tags, r.strengths, len(r.actions), r.ratings)


def _late_indexes(conn: sqlite3.Connection, make: bool, path: Path | None = None) -> None:
    """Make the indexes of ``_LATE_INDEXES`` that are missing (``make``), or drop them (for a build from nothing in
    one process). Their absence also says the themes' counts are not counted (such a build counts them at its end):
    they are counted again from the rows when the indexes are made; with the index's ``path``, in a thread with a
    connection of its own while this one makes the indexes (two cores at work)."""
    there = {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN (SELECT value FROM json_each(?))",
        (json.dumps(_LATE_NAMES),),
    )}
    if make == (len(there) == len(_LATE_NAMES)):
        return
    conn.execute("BEGIN IMMEDIATE")  # first: no other writer comes between the counting and what it counts
    try:
        if make:
            counting = _Counting(path) if path is not None else None
            for statement in _LATE_INDEXES.split(";"):
                if statement.strip():
                    conn.execute(statement)
            rows = counting.result() if counting is not None else None
            if rows is not None:
                write_counted(conn, rows)
            else:
                recount(conn)  # a build from nothing counts the themes' counts once, here, from its rows
        else:
            for name in there:
                conn.execute(f"DROP INDEX {name}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _counts_whole(conn: sqlite3.Connection) -> None:
    """The themes' counts counted again from the rows if they do not count every session the index holds (two
    lookups, about 0.1 ms at 20,000 sessions). An index two processes once wrote at the same time (the app and
    the child building it, before one writer at a time) kept counts that missed most sessions."""
    held = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    if conn.execute("SELECT total(sessions) FROM month_counts").fetchone()[0] == held:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        recount(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


class _Counting(threading.Thread):
    """The themes' counts read (tallies.counted) from the index file in a thread, with a read-only connection of
    its own (SQLite lets go of the interpreter while it works); ``result()``: None if they could not be read."""

    def __init__(self, path: Path) -> None:
        super().__init__(name="history-counts", daemon=True)
        self.path = path
        self.rows: list | None = None
        self.start()

    def run(self) -> None:
        try:
            reader = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            try:
                reader.execute("PRAGMA cache_size = -16384")
                self.rows = counted(reader)
            finally:
                reader.close()
        except (sqlite3.Error, OSError):
            self.rows = None

    def result(self) -> list | None:
        self.join()
        return self.rows


def _index_texts(conn: sqlite3.Connection, ks: list[int]) -> None:
    """The full-text rows of these sessions' contributions, made by SQLite from their texts written, in one
    statement: FTS5 writes what it holds in memory to disk at the end of every statement that changes it, so
    one statement a session would leave many small pieces of index to merge."""
    conn.execute(
        f"INSERT INTO contributions_fts(rowid, text) SELECT (t.k << {SHIFT}) | j.key, j.value "
        "FROM json_each(?) s JOIN session_texts t ON t.k = s.value, json_each(t.texts) j",
        (json.dumps(ks),),
    )


def _text_of(stored: str | list) -> str:
    """A contribution's text, from what session_texts keeps of it (its text, or [text, *its fields searched])."""
    return stored[0] if isinstance(stored, list) else stored


def _json_list(values: list) -> str:
    """A list as JSON text, as SQLite's json_each reads it back (orjson: quick; json for what orjson refuses)."""
    try:
        return orjson.dumps(values).decode()
    except TypeError:  # (orjson.JSONEncodeError: a text with a lone surrogate)
        return json.dumps(values)


@functools.lru_cache(maxsize=4096)  # the same few dues come again and again in a history
def _due_date(due: str) -> str | None:
    """A due as an ISO date, if it is a date (as LearningAction.due_date reads it)."""
    try:
        return dt.date.fromisoformat(due.strip()).isoformat()
    except ValueError:
        return None


def read_session_file(store: "Store", sid: str, mark: Mark, compute: Compute) -> Rows | None:
    """A session's rows straight from its session file, if that file is in step with its journal (``mark``:
    as found by the sync); None otherwise. Needs no opened store (a process of its own can call it).

    None too for a file whose content is not as the app writes it, whatever that makes ``compute`` raise (a
    text that is a number, a date that is not one, a template without phases, values nested a thousand deep, a
    file replaced or cut off while it is read) or the index refuse (an id not its file's, a status the app does
    not know, a value SQLite cannot hold): the caller reads it through the store instead, which checks it whole
    and repairs it or says why not. The session files read here passed no such check: the store checks at start
    only the files whose size changed, and a file can change after that (a synced folder, a second computer, a
    disk error)."""
    return _from_file(store, sid, mark, compute)[0]


def _from_file(store: "Store", sid: str, mark: Mark, compute: Compute) -> tuple[Rows | None, bool]:
    """(read_session_file's rows, whether the file was found in step with its journal: its rows refused, if None,
    for its content alone)."""
    if mark[0] is None:
        return None, False
    path = store.sessions_dir / f"{sid}.json"
    in_step = False
    try:
        header, contributions, meta = _read_tables(path, read_whole(path))  # (a file of gigabytes refused unread)
        in_step = meta.get("journal_bytes") == mark[2]
        if in_step:
            rows = _fit(rows_of(compute(store.resolve_template(header, path), contributions)), sid)
            if rows is not None and rows.tail[0] != len(contributions) and rows.tail[0] != len(contributions) - sum(
                1 for c in contributions if type(c) is dict and c.get("safeguarding")
            ):
                return None, True  # rows for fewer contributions than the file holds: the store reads it instead
            return rows, True
    except Exception:  # noqa: BLE001 - OSError, DamagedFileError, and whatever strange content makes compute raise
        pass
    return None, in_step


_STATUSES = frozenset(status.value for status in SessionStatus)
_SECOND = operator.itemgetter(1)


def _fit(rows: Rows, sid: str) -> Rows | None:
    """``rows`` if the index can write them as the session ``sid``'s; None if not (a header whose id is not its
    file's, a status the app does not know, or a value of another type where the tables take text): a few tests a
    session, no more."""
    head = rows.head
    try:
        "".join(head)  # (a TypeError if one is not text)
        "".join(map(_SECOND, rows.actions))  # the actions' contribution ids, as the file holds them
    except TypeError:
        return None
    return rows if head[0] == sid and head[8] in _STATUSES else None


def read_each(store: "Store", items: list[tuple[str, Mark]], compute: Compute) -> Iterator[tuple[Rows | None, Mark | None]]:
    """The rows of each session of ``items`` ((id, mark) each), in order, one after the other."""
    for sid, mark in items:
        yield _read_session(store, sid, mark, compute)


ReadSessions = Callable[["Store", list, Compute], Iterator[tuple[Rows | None, Mark | None]]]


def _read_session(store: "Store", sid: str, mark: Mark, compute: Compute) -> tuple[Rows | None, Mark | None]:
    """(a session's rows, the mark to keep) from its files: straight from the session file when it is in step
    with its journal, through Store.load_session otherwise (then no mark, read again at the next sync, but for a
    file refused for its content that the store reads as it is: see the end).

    A session the store cannot read (its notice says why), or whose rows cannot be made even from what the store
    read, is left out: (None, None), and a sentence in the store's notices; every other session is read. A session
    left out is tried again at the next sync (it has no row to keep a mark in)."""
    data, in_step = _from_file(store, sid, mark, compute)
    if data is not None:
        return data, mark
    try:
        with store._thread_lock:
            session = store.load_session(sid)
    except StoreError as exc:
        store.tell(str(exc))
        return None, None
    try:
        data = _fit(rows_of(compute(session_header(session), [contribution_doc(c) for c in session.contributions])), sid)
    except Exception:  # noqa: BLE001 - the session as the store holds it, which the history cannot read
        data = None
    if data is None:
        said = (
            f"The session {sid} (its file {store.sessions_dir / f'{sid}.json'}) could not be read for the history, "
            f"so it is left out of the history, search, themes and digest until it can be; `facilitator export {sid}` "
            "still writes its record."
        )
        store.tell(said)
        return None, None
    # A file that was the whole session, refused here for its content, which the store read as it is and said
    # nothing of (contributions in no phase of the template, say): kept with its mark, so it is read again when
    # it changes, not at every sync. Otherwise no mark: read again (the app then repairs what the store found).
    return data, mark if in_step and not any(sid in notice for notice in store.notices) else None
