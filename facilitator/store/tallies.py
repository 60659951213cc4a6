"""What the themes count, counted by the history index (store/index.py): plain rows out, computed on in
facilitator/learning/themes.py.

The counts are kept by month and team in tables of their own, updated in the same transaction as each
session's rows (``Counts`` gathers what the sessions being written add, ``untally`` takes out a session about
to be removed), so the themes of twenty thousand sessions add up a few thousand rows, not every tag and
strength ever given:

    month_counts(team_key, month, sessions, strengths, evidenced, actions)
    tag_months(team_key, month, tag, times, sessions, first)          -- first: where it was first given
    strength_months(team_key, month, text, times, first, evidence)    -- strengths with evidence; evidence: the first's
    skill_months(team_key, month, text, skill, times, first)          -- of those, the practice skills given
    rating_months(team_key, month, rating, times)

``first`` is a place in the index's order, k << 20 | n (sessions newest first, then as recorded), so the
spelling of a tag and the example of a strength are those the themes worked out from the sessions show.
The sessions counted are every session of a team (or all), running ones too, as the themes screen shows.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from typing import NamedTuple

from ..text import team_key as make_team_key

SCHEMA = """
CREATE TABLE month_counts (
    team_key TEXT NOT NULL, month TEXT NOT NULL, sessions INTEGER NOT NULL, strengths INTEGER NOT NULL,
    evidenced INTEGER NOT NULL, actions INTEGER NOT NULL, PRIMARY KEY (team_key, month)
) WITHOUT ROWID;
CREATE TABLE tag_months (
    team_key TEXT NOT NULL, month TEXT NOT NULL, tag TEXT NOT NULL, times INTEGER NOT NULL, sessions INTEGER NOT NULL,
    first INTEGER NOT NULL, PRIMARY KEY (team_key, month, tag)
) WITHOUT ROWID;
CREATE TABLE strength_months (
    team_key TEXT NOT NULL, month TEXT NOT NULL, text TEXT NOT NULL, times INTEGER NOT NULL, first INTEGER NOT NULL,
    evidence TEXT NOT NULL, PRIMARY KEY (team_key, month, text)
) WITHOUT ROWID;
CREATE TABLE skill_months (
    team_key TEXT NOT NULL, month TEXT NOT NULL, text TEXT NOT NULL, skill TEXT NOT NULL, times INTEGER NOT NULL,
    first INTEGER NOT NULL, PRIMARY KEY (team_key, month, text, skill)
) WITHOUT ROWID;
CREATE TABLE rating_months (
    team_key TEXT NOT NULL, month TEXT NOT NULL, rating INTEGER NOT NULL, times INTEGER NOT NULL,
    PRIMARY KEY (team_key, month, rating)
) WITHOUT ROWID;
"""

SHIFT = 20  # as store/index.py: a session's places are k << SHIFT | n


def _session_counts(conn: sqlite3.Connection, k: int) -> tuple | None:
    """What a session in the index adds to the counts, read from its rows there."""
    head = conn.execute("SELECT team_key, substr(date, 1, 7) FROM sessions WHERE k = ?", (k,)).fetchone()
    if head is None:
        return None
    team, month = head
    tags = conn.execute("SELECT tag FROM tags WHERE session = ? ORDER BY rowid", (k,)).fetchall()
    strengths = conn.execute(
        "SELECT st.idx, st.evidence, st.skill, st.text FROM strengths st WHERE st.session = ? ORDER BY st.rowid",
        (k,),
    ).fetchall()
    actions = conn.execute("SELECT count(*) FROM actions WHERE session = ?", (k,)).fetchone()[0]
    ratings = conn.execute("SELECT rating FROM ratings WHERE session = ?", (k,)).fetchall()
    return team, month, [t[0] for t in tags], strengths, actions, [r[0] for r in ratings]


class Counts:
    """What sessions being written add to the counts, gathered from their rows as they are handed to the index
    (nothing read back) and written with few statements: ``add`` each session, then ``write`` in the same
    transaction. ``untally`` takes out what ``add`` put in."""

    def __init__(self) -> None:
        self.months: dict[tuple, list[int]] = {}  # (team, month): [sessions, strengths, evidenced, actions]
        self.tags: dict[tuple, list[int]] = {}  # (team, month, tag): [times, sessions, first]
        self.strengths: dict[tuple, list] = {}  # (team, month, text): [times, first, evidence of the first]
        self.skills: dict[tuple, list[int]] = {}  # (team, month, text, skill): [times, first]
        self.ratings: Counter[tuple] = Counter()  # (team, month, rating): times

    def __bool__(self) -> bool:
        return bool(self.months)

    def add(self, k: int, team: str, month: str, tags: list[str], strengths: Iterable[tuple], actions: int,
            ratings: list[int]) -> None:
        """A session: ``strengths`` (idx, evidence, skill, text of the contribution) in recorded order."""
        base = k << SHIFT
        strengths = list(strengths)
        evidenced = [s for s in strengths if s[1]]
        counts = self.months.get((team, month))
        if counts is None:
            self.months[(team, month)] = [1, len(strengths), len(evidenced), actions]
        else:
            counts[0] += 1
            counts[1] += len(strengths)
            counts[2] += len(evidenced)
            counts[3] += actions
        seen: dict[str, int] = {}
        for n, tag in enumerate(tags):
            key = (team, month, tag)
            entry = self.tags.get(key)
            if entry is None:
                self.tags[key] = [1, 1, base | n]
                seen[tag] = 1
            elif tag in seen:
                entry[0] += 1
            else:
                seen[tag] = 1
                entry[0] += 1
                entry[1] += 1
                entry[2] = min(entry[2], base | n)
        for idx, evidence, skill, text in evidenced:
            place = base | idx
            key = (team, month, text)
            entry = self.strengths.get(key)
            if entry is None:
                self.strengths[key] = [1, place, evidence]
            else:
                entry[0] += 1
                if place < entry[1]:
                    entry[1], entry[2] = place, evidence
            if skill:
                key = (team, month, text, skill)
                entry = self.skills.get(key)
                if entry is None:
                    self.skills[key] = [1, place]
                else:
                    entry[0] += 1
                    entry[1] = min(entry[1], place)
        for rating in ratings:
            self.ratings[(team, month, rating)] += 1

    def write(self, conn: sqlite3.Connection) -> None:
        """Add what was gathered to the count tables (and start again)."""
        gathered = {
            "month_counts": [(*key, *v) for key, v in self.months.items()],
            "tag_months": [(*key, *v) for key, v in self.tags.items()],
            "strength_months": [(*key, *v) for key, v in self.strengths.items()],
            "skill_months": [(*key, *v) for key, v in self.skills.items()],
            "rating_months": [(*key, n) for key, n in self.ratings.items()],
        }
        for table, (columns, adding) in _ADDING.items():
            conn.executemany(
                f"INSERT INTO {table} VALUES ({', '.join('?' * columns)}) ON CONFLICT DO UPDATE SET {adding}",
                gathered[table],
            )
        self.__init__()


#: how a count is added to the one a table holds: (the table's columns, the UPSERT's SET clause)
_ADDING = {
    "month_counts": (6, "sessions = sessions + excluded.sessions, strengths = strengths + excluded.strengths, "
                        "evidenced = evidenced + excluded.evidenced, actions = actions + excluded.actions"),
    "tag_months": (6, "times = times + excluded.times, sessions = sessions + excluded.sessions, "
                      "first = min(first, excluded.first)"),
    "strength_months": (6, "times = times + excluded.times, "
                           "evidence = CASE WHEN excluded.first < first THEN excluded.evidence ELSE evidence END, "
                           "first = min(first, excluded.first)"),
    "skill_months": (6, "times = times + excluded.times, first = min(first, excluded.first)"),
    "rating_months": (4, "times = times + excluded.times"),
}
#: each table's columns, ``first`` (a place: k << SHIFT | n) as ``{first}``
_COLUMNS = {
    "month_counts": "team_key, month, sessions, strengths, evidenced, actions",
    "tag_months": "team_key, month, tag, times, sessions, {first}",
    "strength_months": "team_key, month, text, times, {first}, evidence",
    "skill_months": "team_key, month, text, skill, times, {first}",
    "rating_months": "team_key, month, rating, times",
}


def add_counted(conn: sqlite3.Connection, schema: str, k_offset: int) -> None:
    """Add the counts the attached database ``schema`` holds (in these tables, as ``Counts.write`` writes them, of
    sessions whose k there is their k here less ``k_offset``) to this database's."""
    for table, (_, adding) in _ADDING.items():
        selected = _COLUMNS[table].format(first=f"first + {k_offset << SHIFT}")
        conn.execute(
            f"INSERT INTO main.{table} SELECT {selected} FROM {schema}.{table} WHERE true "
            f"ON CONFLICT DO UPDATE SET {adding}"
        )


#: every count worked out again from the index's rows, as ``Counts`` adds them up session by session (SQLite's
#: min() takes the row's other bare columns from the row with the smallest value: the first's evidence)
_COUNTED = (
    ("month_counts", 6,
     "SELECT s.team_key, substr(s.date, 1, 7), count(*), sum(coalesce(st.n, 0)), sum(coalesce(st.evidenced, 0)), "
     "sum(coalesce(a.n, 0)) FROM sessions s "
     "LEFT JOIN (SELECT session, count(*) AS n, sum(evidence != '') AS evidenced FROM strengths GROUP BY session) st "
     "ON st.session = s.k "
     "LEFT JOIN (SELECT session, count(*) AS n FROM actions GROUP BY session) a ON a.session = s.k GROUP BY 1, 2"),
    ("tag_months", 6,
     "SELECT s.team_key, substr(s.date, 1, 7), t.tag, count(*), count(DISTINCT t.session), "
     f"min((t.session << {SHIFT}) | t.n) FROM (SELECT session, tag, "
     "row_number() OVER (PARTITION BY session ORDER BY rowid) - 1 AS n FROM tags) t "
     "JOIN sessions s ON s.k = t.session GROUP BY 1, 2, 3"),
    ("strength_months", 6,
     "SELECT s.team_key, substr(s.date, 1, 7), st.text, count(*), "
     f"min((st.session << {SHIFT}) | st.idx), st.evidence FROM strengths st JOIN sessions s ON s.k = st.session "
     "WHERE st.evidence != '' GROUP BY 1, 2, 3"),
    ("skill_months", 6,
     "SELECT s.team_key, substr(s.date, 1, 7), st.text, st.skill, count(*), "
     f"min((st.session << {SHIFT}) | st.idx) FROM strengths st JOIN sessions s ON s.k = st.session "
     "WHERE st.evidence != '' AND st.skill != '' GROUP BY 1, 2, 3, 4"),
    ("rating_months", 4,
     "SELECT s.team_key, substr(s.date, 1, 7), r.rating, count(*) FROM ratings r "
     "JOIN sessions s ON s.k = r.session GROUP BY 1, 2, 3"),
)


def recount(conn: sqlite3.Connection) -> None:
    """Every count worked out again from the sessions' rows in the index, in SQL (in the caller's transaction):
    what a build from nothing in one process does once at its end instead of counting session by session."""
    for table, _, select in _COUNTED:
        conn.execute(f"DELETE FROM {table}")
        conn.execute(f"INSERT INTO {table} {select}")


def counted(conn: sqlite3.Connection) -> list[tuple[str, list]]:
    """What ``recount`` would write, read (with a connection of its own, it can be read while another connection
    writes): written with ``write_counted``."""
    return [(table, conn.execute(select).fetchall()) for table, _, select in _COUNTED]


def write_counted(conn: sqlite3.Connection, rows: list[tuple[str, list]]) -> None:
    """The counts replaced by those ``counted`` read (in the caller's transaction)."""
    columns = {table: n for table, n, _ in _COUNTED}
    for table, found in rows:
        conn.execute(f"DELETE FROM {table}")
        conn.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * columns[table])})", found)


def untally(conn: sqlite3.Connection, k: int) -> None:
    """Take a session about to be removed from the index (its rows are still there) out of the counts."""
    found = _session_counts(conn, k)
    if found is None:
        return
    team, month, tags, strengths, actions, ratings = found
    evidenced = [s for s in strengths if s[1]]
    conn.execute(
        "UPDATE month_counts SET sessions = sessions - 1, strengths = strengths - ?, evidenced = evidenced - ?, "
        "actions = actions - ? WHERE team_key = ? AND month = ?",
        (len(strengths), len(evidenced), actions, team, month),
    )
    conn.execute("DELETE FROM month_counts WHERE team_key = ? AND month = ? AND sessions <= 0", (team, month))
    times = Counter(tags)
    conn.executemany(
        "UPDATE tag_months SET times = times - ?, sessions = sessions - 1 WHERE team_key = ? AND month = ? AND tag = ?",
        [(n, team, month, tag) for tag, n in times.items()],
    )
    strength_times = Counter(s[3] for s in evidenced)
    conn.executemany(
        "UPDATE strength_months SET times = times - ? WHERE team_key = ? AND month = ? AND text = ?",
        [(n, team, month, text) for text, n in strength_times.items()],
    )
    skill_times = Counter((s[3], s[2]) for s in evidenced if s[2])
    conn.executemany(
        "UPDATE skill_months SET times = times - ? WHERE team_key = ? AND month = ? AND text = ? AND skill = ?",
        [(n, team, month, text, skill) for (text, skill), n in skill_times.items()],
    )
    conn.executemany(
        "UPDATE rating_months SET times = times - ? WHERE team_key = ? AND month = ? AND rating = ?",
        [(n, team, month, rating) for rating, n in Counter(ratings).items()],
    )
    for table in ("tag_months", "strength_months", "skill_months", "rating_months"):
        conn.execute(f"DELETE FROM {table} WHERE team_key = ? AND month = ? AND times <= 0", (team, month))
    # Where this session held a first place, the next one is found among the month's other sessions.
    lo, hi = k << SHIFT, ((k + 1) << SHIFT) - 1
    others = "s.team_key = ? AND substr(s.date, 1, 7) = ? AND s.k != ?"
    for (tag,) in conn.execute(
        "SELECT tag FROM tag_months WHERE team_key = ? AND month = ? AND first BETWEEN ? AND ?", (team, month, lo, hi)
    ).fetchall():
        conn.execute(
            "UPDATE tag_months SET first = (SELECT min((t.session << 20) | (SELECT count(*) FROM tags u WHERE "
            "u.session = t.session AND u.rowid < t.rowid)) FROM tags t JOIN sessions s ON s.k = t.session "
            f"WHERE {others} AND t.tag = ?) WHERE team_key = ? AND month = ? AND tag = ?",
            (team, month, k, tag, team, month, tag),
        )
    for (text,) in conn.execute(
        "SELECT text FROM strength_months WHERE team_key = ? AND month = ? AND first BETWEEN ? AND ?",
        (team, month, lo, hi),
    ).fetchall():
        row = conn.execute(
            "SELECT min((st.session << 20) | st.idx), st.evidence FROM strengths st JOIN sessions s ON s.k = st.session "
            f"WHERE {others} AND st.text = ? "
            "AND st.evidence != ''",
            (team, month, k, text),
        ).fetchone()
        if row is not None and row[0] is not None:
            conn.execute(
                "UPDATE strength_months SET first = ?, evidence = ? WHERE team_key = ? AND month = ? AND text = ?",
                (row[0], row[1], team, month, text),
            )
    for text, skill in conn.execute(
        "SELECT text, skill FROM skill_months WHERE team_key = ? AND month = ? AND first BETWEEN ? AND ?",
        (team, month, lo, hi),
    ).fetchall():
        row = conn.execute(
            "SELECT min((st.session << 20) | st.idx) FROM strengths st JOIN sessions s ON s.k = st.session "
            f"WHERE {others} AND st.text = ? "
            "AND st.skill = ? AND st.evidence != ''",
            (team, month, k, text, skill),
        ).fetchone()
        if row is not None and row[0] is not None:
            conn.execute(
                "UPDATE skill_months SET first = ? WHERE team_key = ? AND month = ? AND text = ? AND skill = ?",
                (row[0], team, month, text, skill),
            )


class Tallies(NamedTuple):
    sessions: int
    first: str | None  # ISO date of the first session
    last: str | None
    tags: list[tuple]  # (tag, month, recent (0/1), times, first place)
    tag_sessions: dict[str, int]  # tag as typed: in how many sessions
    strengths: tuple[int, int]  # (strengths claimed, with evidence)
    strength_texts: list[tuple]  # (text, times, first place, evidence of the first) of those with evidence
    strength_skills: list[tuple]  # (text, skill, times, first place) of those with evidence and a skill
    opened: list[tuple]  # (month, actions agreed)
    ratings: list[tuple]  # (month, rating, times)


def _where(team_key: str | None, alias: str) -> tuple[str, list]:
    return (f"{alias}.team_key = ?", [team_key]) if team_key is not None else ("1", [])


def tallies(db, team_key: str | None, middle: Callable[[str, str], str]) -> Tallies:  # noqa: ANN001 - HistoryDB
    """The counts of every session of a team (``team_key``; None: every team). ``middle(first, last)``: the
    ISO day after which a session counts as recent (in the second half of the period)."""
    where, params = _where(team_key, "s")
    rows = db.read(f"SELECT count(*), min(s.date), max(s.date) FROM sessions s WHERE {where}", params)
    sessions, first, last = rows[0] if rows else (0, None, None)
    if not sessions:
        return Tallies(0, None, None, [], {}, (0, 0), [], [], [], [])
    mid = middle(first, last)
    mid_month = mid[:7]
    m_where, m_params = _where(team_key, "m")
    by_month = db.read(
        f"SELECT m.tag, m.month, sum(m.times), sum(m.sessions), min(m.first) FROM tag_months m WHERE {m_where} "
        "GROUP BY m.tag, m.month",
        m_params,
    )
    # Of the month the period's middle falls in, the part after the middle day is counted from the sessions.
    after_middle = dict(db.read(
        f"SELECT t.tag, count(*) FROM tags t JOIN sessions s ON s.k = t.session WHERE {where} "
        "AND s.date > ? AND s.date < ? GROUP BY t.tag",
        [*params, mid, mid_month + "-99"],
    ))
    tags = []
    tag_sessions: Counter[str] = Counter()
    for tag, month, times, with_it, place in by_month:
        tag_sessions[tag] += with_it
        if month == mid_month:
            recent = after_middle.get(tag, 0)
            if recent:
                tags.append((tag, month, 1, recent, place))
            if times - recent:
                tags.append((tag, month, 0, times - recent, place))
        else:
            tags.append((tag, month, 1 if month > mid_month else 0, times, place))
    counted = db.read(
        f"SELECT sum(m.strengths), sum(m.evidenced) FROM month_counts m WHERE {m_where}", m_params
    )
    texts = db.read(
        f"SELECT m.text, sum(m.times), min(m.first), m.evidence FROM strength_months m WHERE {m_where} "
        "GROUP BY m.text",
        m_params,
    )
    skills = db.read(
        f"SELECT m.text, m.skill, sum(m.times), min(m.first) FROM skill_months m WHERE {m_where} "
        "GROUP BY m.text, m.skill",
        m_params,
    )
    opened = db.read(
        f"SELECT m.month, sum(m.actions) FROM month_counts m WHERE {m_where} GROUP BY m.month HAVING sum(m.actions) > 0",
        m_params,
    )
    ratings = db.read(
        f"SELECT m.month, m.rating, sum(m.times) FROM rating_months m WHERE {m_where} GROUP BY m.month, m.rating",
        m_params,
    )
    total, evidenced = counted[0] if counted else (0, 0)
    return Tallies(sessions, first, last, tags, dict(tag_sessions), (total or 0, evidenced or 0), texts, skills,
                   opened, ratings)


def teams_of(db, ids: Iterable[str]) -> dict[str, str]:  # noqa: ANN001
    """The team key of each of these sessions that is in the history."""
    return dict(db.read(
        "SELECT id, team_key FROM sessions WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(sorted(set(ids)))]
    ))


def distinct_sessions(db, tags: list[str], team_key: str | None) -> int:  # noqa: ANN001
    """In how many sessions any of these tags (spellings of one) was given."""
    where, params = _where(team_key, "s")
    rows = db.read(
        f"SELECT count(DISTINCT t.session) FROM tags t JOIN sessions s ON s.k = t.session WHERE {where} "
        "AND t.tag IN (SELECT value FROM json_each(?))",
        [*params, json.dumps(tags)],
    )
    return rows[0][0] if rows else 0


def teams_newest_first(db) -> list[str]:  # noqa: ANN001
    """Each team's name as its newest session spells it, newest team first (one per team key)."""
    return [team for team, _ in db.read(
        "SELECT team, max(date || ' ' || created_at) AS newest FROM sessions WHERE trim(team) != '' "
        "GROUP BY team_key ORDER BY newest DESC"
    )]
