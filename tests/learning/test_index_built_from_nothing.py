"""A history index built from nothing (a new data folder, a new index version) is written in large transactions,
its full-text rows made once a transaction, the themes' counts gathered in memory and the actions' orders made
at the end. What the facilitator sees from it (search hits and counts, themes, actions, the digest) must be what
an index built one session at a time shows, and a build stopped half way must still end in a whole index."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import facilitator.learning.rebuild as rebuild
import facilitator.store.index as index_module
from facilitator.learning.facts import session_data
from facilitator.learning.history import HistoryIndex
from facilitator.learning.themes import middle_iso, themes_from_tallies, themes_markdown
from facilitator.store.actions import read_changes
from facilitator.store.index import INDEX_NAME, HistoryDB
from facilitator.store.tallies import distinct_sessions, tallies, teams_of
from tests.conftest import build_app
from tests.learning.helpers import compute_themes, themes_written
from tests.learning.test_learning_at_scale import _build_history as _history

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ("kitchen", "SCHOOL", "attendance 96", "Child A's", "a relative", "persist", "rang every", "no such words")


def _one_at_a_time(store) -> HistoryDB:
    """The index as the app keeps it up to date: one session written at a time (in memory)."""
    db = HistoryDB.for_store(store, in_memory=True)
    for row in store.session_rows()[::-1]:
        db.sync(store, session_data, wanted=lambda r, sid=row.id: r.id == sid)
    return db


def _from_nothing(store, monkeypatch) -> HistoryDB:
    """The index file built from nothing, as the rebuild's child process builds it: sessions read in worker
    processes a few windows ahead, written a large transaction at a time (several transactions here)."""
    monkeypatch.setattr(index_module, "BULK_BATCH", 40)
    monkeypatch.setattr(rebuild, "PARALLEL_FROM", 1)
    monkeypatch.setattr(rebuild, "WINDOW", 25)
    store.flush()
    return HistoryDB.for_store(store).sync(store, session_data, read_sessions=rebuild.read_in_workers)


def _seen(db: HistoryDB, store, limit: int = 50) -> dict:
    """What the history screen, the themes and the actions show from an index."""
    index = HistoryIndex(store, db=db)
    searches = {}
    for query in QUERIES:
        hits, total = index.search(query, limit=limit)
        searches[query] = (total, [(h.session.id, h.index, h.text, h.spans, h.phase_title) for h in hits])
    themes = {}
    for team in (None, "Fostering"):
        key = None if team is None else "fostering"
        themes[team] = themes_markdown(themes_from_tallies(
            tallies(db, key, middle_iso), read_changes(store), team, lambda ids: teams_of(db, ids),
            lambda tags: distinct_sessions(db, tags, key),
        ))
    actions = db.read(
        "SELECT s.id, a.idx, a.contribution_id, a.number, a.owner, a.due, a.tell, a.due_date, a.owner_key, a.team_key "
        "FROM actions a JOIN sessions s ON s.k = a.session ORDER BY s.id, a.idx"
    )
    return {"sessions": [s.id for s in db.sessions()], "searches": searches, "themes": themes, "actions": actions}


def _counts(db: HistoryDB) -> list:
    """What the themes count, but where each thing was first given."""
    return [db.read(sql) for sql in (
        "SELECT * FROM month_counts ORDER BY 1, 2",
        "SELECT team_key, month, tag, times, sessions FROM tag_months ORDER BY 1, 2, 3",
        "SELECT team_key, month, text, times FROM strength_months ORDER BY 1, 2, 3",
        "SELECT team_key, month, text, skill, times FROM skill_months ORDER BY 1, 2, 3, 4",
        "SELECT * FROM rating_months ORDER BY 1, 2, 3",
    )]


def test_an_index_built_from_nothing_shows_what_one_built_a_session_at_a_time_shows(store, library, clock, monkeypatch):
    _history(store, library, clock, count=130)
    expected = _seen(_one_at_a_time(store), store)
    db = _from_nothing(store, monkeypatch)
    assert db.last_read == 131
    seen = _seen(db, store)
    assert seen["sessions"] == expected["sessions"] and len(seen["sessions"]) == 131
    for query in QUERIES:
        assert seen["searches"][query] == expected["searches"][query], query
    assert expected["searches"]["kitchen"][0] > 50 and expected["searches"]["no such words"][0] == 0
    assert seen["themes"] == expected["themes"]
    # The themes as counted are the themes the sessions' facts give (worked out the slow way).
    facts = list(HistoryIndex(store, use_cache=False).refresh().facts())
    assert seen["themes"][None] == themes_markdown(compute_themes(facts, read_changes(store)))
    assert seen["actions"] == expected["actions"] and len(seen["actions"]) > 100


@pytest.mark.parametrize("workers", [False, True], ids=["one-process", "workers"])
def test_a_build_stopped_half_way_is_finished_whole_by_the_next_one(store, library, clock, monkeypatch, data_dir,
                                                                   workers):
    _history(store, library, clock, count=130)
    expected = _seen(_one_at_a_time(store), store)
    monkeypatch.setattr(index_module, "BULK_BATCH", 40)
    monkeypatch.setattr(rebuild, "PARALLEL_FROM", 1)
    monkeypatch.setattr(rebuild, "WINDOW", 25)
    store.flush()
    batches = []
    HistoryDB.for_store(store).sync(store, session_data, progress=lambda done, total: batches.append(done),
                                    cancelled=lambda: len(batches) > 2,
                                    read_sessions=rebuild.read_in_workers if workers else None)
    with sqlite3.connect(data_dir / INDEX_NAME) as conn:
        assert 0 < conn.execute("SELECT count(*) FROM sessions").fetchone()[0] < 131
        if not workers:  # as a build in one process killed before its end leaves it: the actions' orders not made
            conn.execute("DROP INDEX actions_by_owner")
            conn.execute("DROP INDEX actions_by_due")
    db = HistoryDB.for_store(store).sync(store, session_data)
    # The sessions read after the stop come after the others in the index's own order (as after any stop), so
    # hits are compared as sets, and the themes' counts without the examples that order chooses.
    seen = _seen(db, store, limit=10_000)
    whole = _seen(_one_at_a_time(store), store, limit=10_000)
    assert seen["sessions"] == expected["sessions"] and seen["actions"] == expected["actions"]
    for query in QUERIES:
        assert seen["searches"][query][0] == whole["searches"][query][0] == expected["searches"][query][0]
        assert sorted(seen["searches"][query][1]) == sorted(whole["searches"][query][1])
    assert _counts(db) == _counts(_one_at_a_time(store))
    names = {r[0] for r in db.read("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"actions_by_owner", "actions_by_due"} <= names


async def test_the_themes_screen_and_the_digest_of_an_index_built_from_nothing(store, library, clock, monkeypatch,
                                                                            data_dir, tmp_path):
    _history(store, library, clock, count=130)
    facts = list(HistoryIndex(store, use_cache=False).refresh().facts())
    expected = themes_markdown(compute_themes(facts, read_changes(store)))
    _from_nothing(store, monkeypatch).close()
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        assert await themes_written(pilot) == expected
    store.close()

    def digest(name: str) -> str:
        out = tmp_path / name
        done = subprocess.run(
            [sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), "digest", "--since", "2026-01-01",
             "--until", "2026-12-31", "--out", str(out)],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        return out.read_text(encoding="utf-8")

    built_from_nothing = digest("from-nothing.md")
    assert "Review 129: returning to school" in built_from_nothing
    # The same digest from the index file built one session at a time.
    for suffix in ("", "-wal", "-shm"):
        Path(str(data_dir / INDEX_NAME) + suffix).unlink(missing_ok=True)
    from facilitator.store import Store

    again = Store(data_dir, read_only=True).open()
    db = HistoryDB.for_store(again)
    for row in again.session_rows()[::-1]:
        db.sync(again, session_data, wanted=lambda r, sid=row.id: r.id == sid)
    db.close()
    again.close()
    assert digest("one-at-a-time.md") == built_from_nothing


def test_a_session_the_workers_leave_to_the_writing_process_is_indexed_in_its_place(store, library, clock,
                                                                                   monkeypatch, data_dir):
    """A session file the worker processes cannot read as it is (here damaged; or behind its journal) is read by the
    process writing the index, through the store (repaired from its journal), among the others the workers read:
    the history shows it, and everything else, as an index built one session at a time does."""
    from tests.record.helpers import new_session, say

    _history(store, library, clock, count=130)
    middle = store.session_rows()[66].date
    session = new_session(store, library.get("serious-success-review"), clock, team="Fostering", date=middle,
                          title="Kept in its journal")
    say(store, session, clock, "what-went-right", "Rang the aunt every evening", tags=["Persistence"])
    say(store, session, clock, "learning-actions", "Share the evening calls with the team", fields={"due": "2027-01-08"})
    store.flush()
    expected = _seen(_one_at_a_time(store), store)
    place = [r.id for r in store.session_rows()].index(session.id)
    assert 40 < place < 90  # among the sessions a worker reads, not first or last
    (data_dir / "sessions" / f"{session.id}.json").write_text('{"_default": {"1": ', encoding="utf-8")
    db = _from_nothing(store, monkeypatch)
    assert db.last_read == 132
    seen = _seen(db, store)
    assert session.id in seen["sessions"]
    assert seen == expected
    assert expected["searches"]["rang every"][0] >= 1


def test_sessions_written_by_another_process_during_a_build_are_not_written_twice(store, library, clock,
                                                                                  monkeypatch):
    """While a build from nothing runs, another process may write some of the same sessions into the index: each
    session is then in the history once, with its own rows, and the themes count it once. (A sync waits for
    another's to end, the index's lock file held: tests/learning/test_index_one_writer.py. This is the writer that
    could not take it: a folder where no lock file can be made, or an earlier version of the app.)"""
    _history(store, library, clock, count=130)
    whole = _one_at_a_time(store)
    monkeypatch.setattr(index_module, "BULK_BATCH", 40)
    monkeypatch.setattr(rebuild, "PARALLEL_FROM", 1)
    monkeypatch.setattr(rebuild, "WINDOW", 25)
    store.flush()
    raced = []

    def another_writes(sid: str) -> None:
        other = HistoryDB.for_store(store)
        other._one_sync_at_a_time = contextlib.nullcontext  # (the lock file is held by the build going on)
        other.sync(store, session_data, wanted=lambda r: r.id == sid)
        other.close()
        raced.append(sid)

    def read_while_another_writes(store_, items, compute, shards=False):  # noqa: ANN001, ANN202
        for n, result in enumerate(rebuild.read_in_workers(store_, items, compute, shards=shards)):
            if n == 1:  # before the first transaction: a later session, given the place meant for the first
                another_writes(items[60][0])
            if n == 2:  # after it: another later session, placed before those written
                another_writes(items[80][0])
            yield result

    db = HistoryDB.for_store(store).sync(store, session_data, read_sessions=read_while_another_writes)
    assert len(raced) == 2
    assert db.count() == 131 and len(set(db.session_ids())) == 131
    seen, expected = _seen(db, store, limit=10_000), _seen(whole, store, limit=10_000)
    assert sorted(seen["sessions"]) == sorted(expected["sessions"]) and seen["actions"] == expected["actions"]
    for query in QUERIES:
        assert seen["searches"][query][0] == expected["searches"][query][0], query
        assert sorted(seen["searches"][query][1]) == sorted(expected["searches"][query][1]), query
    assert _counts(db) == _counts(whole)
