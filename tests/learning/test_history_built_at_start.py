"""A long history with no index yet (a new data folder, a new index version) is built by a child process the app
starts as soon as its first screen is drawn, beside the store's start-up checks. What the checks repair meanwhile
must still be what the history shows, and every session must be listed and searchable once it says it is ready."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from facilitator.learning.history import CHILD_AT
from facilitator.session_ops import end_session, record_contribution
from facilitator.store import Store
from facilitator.store.index import INDEX_NAME
from tests.conftest import build_app, until
from tests.record.helpers import new_session

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from _history import make_history  # noqa: E402

SESSIONS = CHILD_AT + 20


async def test_a_long_history_without_an_index_is_built_from_the_start_and_shows_what_the_checks_repaired(
    data_dir, library, clock
):
    store = Store(data_dir, clock=clock).open()
    store.import_sessions(make_history(SESSIONS, 4, dt.date(2026, 11, 1)), sync=False)
    # One session whose file is damaged after it ended: the start-up checks rebuild it from its journal.
    session = new_session(store, library.get("serious-success-review"), clock, title="Repaired at start")
    record_contribution(store, session, "Grandad's allotment became the meeting place.", None, clock)
    ended, _ = end_session(store, session, clock)
    store.close()
    damaged = data_dir / "sessions" / f"{ended.id}.json"
    damaged.write_bytes(damaged.read_bytes()[:-10])
    assert not (data_dir / INDEX_NAME).exists()

    store = Store(data_dir, clock=clock).open()
    app = build_app(store, clock, warm_history=True)  # as `facilitator` starts it
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            assert await until(pilot, lambda: app.warmed_up, timeout=60)
            await pilot.press("h")
            assert await until(pilot, lambda: getattr(app.screen, "ready", False), timeout=60)
            table = app.screen.query_one("#history-sessions")
            assert table.row_count == SESSIONS + 1
            assert "Repaired at start" in [row[3] for row in table.rows]
            await pilot.press("slash")
            await pilot.press(*"allotment")
            hits = app.screen.query_one("#history-hits")
            assert await until(pilot, lambda: hits.display and hits.row_count == 1, timeout=20)
            assert [row[2] for row in hits.rows] == ["Repaired at start"] or any(
                "Repaired at start" in str(cell) for row in hits.rows for cell in row
            ), list(hits.rows)
            status = str(app.screen.query_one("#history-status").render())
            assert "1 contribution matches" in status, status
    finally:
        store.close()
    assert (data_dir / INDEX_NAME).exists()


async def test_the_themes_opened_while_the_child_builds_the_index_count_every_session(data_dir, library, clock,
                                                                                     monkeypatch):
    """t (or a) pressed while the child process builds the index from nothing: the themes screen once wrote the
    index beside the child, and the themes' counts then missed most sessions, for good (2,000 sessions: 136 of
    them counted; how many depends on when each began). It now follows the child: nothing in the app writes the
    index while the child does, and the counts are those of the sessions themselves."""
    from facilitator.store.index import HistoryDB
    from facilitator.learning.history import HistoryIndex
    from facilitator.store.actions import read_changes
    from facilitator.learning.themes import themes_markdown
    from facilitator.tui.screens.learning_data import history
    from tests.learning.helpers import compute_themes, themes_written

    store = Store(data_dir, clock=clock).open()
    store.import_sessions(make_history(SESSIONS, 12, dt.date(2026, 11, 1)), sync=False)
    expected = themes_markdown(compute_themes(list(HistoryIndex(store, use_cache=False).refresh().facts()),
                                              read_changes(store)))
    store.close()

    beside_the_child: list[bool] = []  # for each sync in the app: was the child writing the index meanwhile?
    real_sync = HistoryDB.sync

    def sync(db, *args, **kwargs):  # noqa: ANN001, ANN202
        child = history(app)._child
        beside_the_child.append(child is not None and child.poll() is None)
        return real_sync(db, *args, **kwargs)

    monkeypatch.setattr(HistoryDB, "sync", sync)
    # The store's start-up checks, run between starting the child and following it, take as long as a long
    # history's do (about a second at 20,000 sessions): t is pressed meanwhile.
    real_checks = Store.finish_opening

    def slow_checks(self):  # noqa: ANN001, ANN202 - (asked again, once done, by whatever needs them done)
        import time

        if not self.opening_finished:
            time.sleep(1.5)
        return real_checks(self)

    monkeypatch.setattr(Store, "finish_opening", slow_checks)
    store = Store(data_dir, clock=clock).open()
    app = build_app(store, clock, warm_history=True)  # as `facilitator` starts it
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            assert await until(pilot, lambda: history(app)._child is not None, timeout=30)  # the child building it
            first = await themes_written(pilot)
            assert beside_the_child and not any(beside_the_child)
            assert await until(pilot, lambda: app.warmed_up and history(app)._child is None, timeout=60)
            await pilot.press("escape")
            again = await themes_written(pilot)
    finally:
        store.close()
    assert not any(beside_the_child)
    assert first == expected
    assert again == expected
