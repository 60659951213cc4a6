"""The history index (<data>/history-index.sqlite) as the facilitator meets it: missing, damaged, of another
version or stale, the history screen and `facilitator digest` still show the truth; a session ended in the
app is found by search; a search never holds up typing."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from facilitator.learning.history import HistoryIndex
from facilitator.store.index import INDEX_NAME, HistoryDB
from facilitator.tui.screens.history import HistoryScreen
from tests.conftest import build_app
from tests.learning.helpers import reviewed_session
from tests.record.helpers import new_session, say

ROOT = Path(__file__).resolve().parents[2]


def _history(store, library, clock):
    reviewed_session(store, library, clock, team="Family Support 2", date=dt.date(2026, 6, 3), title="June review")
    reviewed_session(store, library, clock, team="Fostering", date=dt.date(2026, 9, 1), title="September review",
                     went_right="The carer rang the school every morning")
    huddle = new_session(store, library.get("quick-success-huddle"), clock, team="Fostering", title="Huddle",
                         date=dt.date(2026, 10, 5))
    say(store, huddle, clock, "the-story", "A placement held together over the summer")


async def _open_history(app, pilot) -> HistoryScreen:
    await pilot.press("h")
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    for _ in range(500):
        if screen.ready:
            break
        await pilot.pause(0.02)
    assert screen.ready
    await pilot.pause()
    return screen


async def _search(pilot, screen: HistoryScreen, words: str) -> list[tuple]:
    screen.query_one("#history-search", Input).value = words
    hits = screen.query_one("#history-hits")
    for _ in range(200):
        await pilot.pause(0.02)
        if screen._searched is not None and screen._searched[0] == words:
            break
    return [(row[1], row[2], str(row[3])) for row in hits.rows] if hits.display else []


def _status(screen) -> str:
    return str(screen.query_one("#history-status", Static).render())


def _break(data_dir: Path, how: str) -> None:
    path = data_dir / INDEX_NAME
    if how == "missing":
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    elif how == "damaged":
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        path.write_bytes(b"this is not a database " * 400)
    elif how == "old version":  # as another version of the app would have written it
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE sessions (id TEXT, title TEXT)")
            conn.execute("INSERT INTO sessions VALUES ('x', 'A session of another version')")
            conn.execute("PRAGMA user_version = 999")


@pytest.mark.parametrize("how", ["missing", "damaged", "old version"])
async def test_history_screen_shows_every_session_whatever_became_of_the_index(store, library, clock, data_dir, how):
    _history(store, library, clock)
    HistoryIndex(store).refresh().db.close()
    _break(data_dir, how)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _open_history(app, pilot)
        assert [row[3] for row in screen.query_one("#history-sessions").rows] == ["Huddle", "September review", "June review"]
        assert "3 of 3 sessions" in _status(screen)
        assert await _search(pilot, screen, "kitchen") == [("June review", "What went right", "Visits at Child A's kitchen table")]
        if how == "damaged":
            # Set aside, never overwritten, and said in one sentence.
            assert [p.name.endswith(INDEX_NAME) for p in (data_dir / "quarantine").iterdir()] == [True]
            said = [n for n in store.notices if "history index" in n]
            assert len(said) == 1 and "moved to" in said[0] and "nothing recorded is affected" in said[0]
            await pilot.pause(1.2)  # the app shows new notices every second
            assert any("history index" in str(n.message) for n in app._notifications)
        else:
            assert not (data_dir / "quarantine").exists() or not list((data_dir / "quarantine").iterdir())


async def test_a_long_history_is_read_in_a_child_process_while_the_list_shows_how_far_it_is(
    store, library, clock, data_dir, monkeypatch
):
    import facilitator.learning.history as learning_history
    import facilitator.tui.screens.history as history_screen

    _history(store, library, clock)
    # As with thousands of sessions: read in a child process, the screen not waiting for it.
    monkeypatch.setattr(history_screen, "READ_NOW", 0)
    monkeypatch.setattr(learning_history, "CHILD_AT", 1)
    # The index is there but empty, and another process is writing into it (as a second copy of the app
    # would): the child process waits for it, so the screen is seen while the reading goes on.
    HistoryDB.for_store(store).count()
    writer = sqlite3.connect(str(data_dir / INDEX_NAME), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        try:
            await pilot.press("h")
            screen = app.screen
            assert isinstance(screen, HistoryScreen) and not screen.ready
            assert "Reading the history" in _status(screen)
        finally:
            writer.rollback()
            writer.close()
        screen = await _open_history(app, pilot)
        assert [row[3] for row in screen.query_one("#history-sessions").rows] == ["Huddle", "September review", "June review"]
        # Every session was read by the child process: none was left for the app to read.
        assert app._learning_history.from_files == 0
        assert "Reading" not in _status(screen)
        assert await _search(pilot, screen, "placement") == [("Huddle", "One story", "A placement held together over the summer")]


async def test_a_session_ended_in_the_app_is_found_by_history_search(store, library, clock, data_dir, monkeypatch):
    import facilitator.tui.screens.history as history_screen

    monkeypatch.setattr(history_screen, "READ_NOW", 0)  # the history screen never reads the index itself first
    _history(store, library, clock)
    session = new_session(store, library.get("quick-success-huddle"), clock, team="Fostering", title="Grandad huddle",
                          date=dt.date(2026, 11, 2))
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#contribution", Input)
        box.value = "Grandad drove her to contact twice a week"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        # Ended: the index on disk takes it in the background, before anyone opens the history.
        from facilitator.store.index import HistoryDB

        on_disk = HistoryDB.for_store(store)
        for _ in range(200):
            if on_disk.session(session.id) is not None and on_disk.session(session.id).status == "ended":
                break
            await pilot.pause(0.02)
        assert on_disk.session(session.id).status == "ended"
        await pilot.press("h")  # the ended screen: home
        await pilot.pause()
        screen = await _open_history(app, pilot)
        assert await _search(pilot, screen, "grandad twice") == [
            ("Grandad huddle", "One story", "Grandad drove her to contact twice a week")
        ]
    # And the index on disk holds it for the next start.
    again = HistoryIndex(store).refresh()
    assert again.search("grandad")[1] == 1 and again.from_files == 0


async def test_typing_goes_on_while_a_slow_search_runs_and_the_latest_search_wins(
    store, library, clock, data_dir, monkeypatch
):
    from facilitator.store.index import HistoryDB

    _history(store, library, clock)
    slow = threading.Event()
    searching = HistoryDB.search

    def held(self, query, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if query.strip() == "kitchen":
            slow.wait(5)  # a search that takes seconds (a very long history)
        return searching(self, query, *args, **kwargs)

    monkeypatch.setattr(HistoryDB, "search", held)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _open_history(app, pilot)
        await pilot.press("slash", *"kitchen", "enter")
        await pilot.pause(0.3)  # the search for "kitchen" is running, held
        took = []
        for key in " visits":
            started = time.perf_counter()
            await pilot.press("space" if key == " " else key)
            took.append(time.perf_counter() - started)
        assert screen.query_one("#history-search", Input).value == "kitchen visits"
        assert max(took) < 0.25, took  # each key shown at once, the search still running
        await pilot.pause(0.4)
        hits = [(row[1], str(row[3])) for row in screen.query_one("#history-hits").rows]
        assert hits == [("June review", "Visits at Child A's kitchen table")]
        slow.set()  # the first search ends last: its hits are not shown over the latest
        await pilot.pause(0.3)
        assert screen._searched[0] == "kitchen visits"
        assert [(row[1], str(row[3])) for row in screen.query_one("#history-hits").rows] == hits


@pytest.mark.parametrize("how", ["missing", "damaged", "old version", "stale"])
def test_digest_shows_the_truth_whatever_became_of_the_index(store, library, clock, data_dir, tmp_path, how):
    _history(store, library, clock)
    HistoryIndex(store).refresh().db.close()
    if how == "stale":
        # A session changed after the index was made: its files changed, so it is read again.
        june = next(s for s in store.session_rows() if s.title == "June review")
        session = store.load_session(june.id)
        say(store, session, clock, "what-went-right", "Grandad took her to school")
    else:
        _break(data_dir, how)
    store.close()
    out = tmp_path / "digest.md"
    done = subprocess.run(
        [sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), "digest", "--since", "2026-01-01",
         "--until", "2026-12-31", "--out", str(out)],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    text = out.read_text(encoding="utf-8")
    assert "Visits at Child A's kitchen table" in text.replace("\\", "")
    assert "The carer rang the school every morning" in text
    assert "Jayden" not in text and "SECRET" not in text
    if how == "stale":
        assert "Grandad took her to school" in text
