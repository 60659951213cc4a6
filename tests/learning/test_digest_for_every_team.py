"""Issue 14: themes count a dropped action as dropped; the digest is final, one line a value, sorted as numbers,
and names no person; minutes in every format from the end screen and the history screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Static

from facilitator.cli import main
from facilitator.record.markdown import split_record
from facilitator.store.actions import change_status, load_actions
from facilitator.store.history import HistoryIndex
from facilitator.tui.screens.themes import ThemesScreen
from tests.conftest import FixedClock, build_app
from tests.learning.helpers import reviewed_session


def _actions(store):
    return {a.text: a for a in load_actions(store, HistoryIndex(store).refresh().facts())}


async def test_themes_count_a_dropped_action_as_dropped_not_completed(store, library, clock):
    reviewed_session(store, library, clock, date=dt.date(2026, 1, 10), action="Share plan", owner="Sam")
    reviewed_session(store, library, clock, date=dt.date(2026, 1, 20), action="Ring the school", owner="Jo")
    actions = _actions(store)
    change_status(store, actions["Share plan"], "dropped", dt.date(2026, 2, 3), "no longer needed")
    # Done first, then dropped: it ends dropped, and is not also counted as completed.
    change_status(store, actions["Ring the school"], "done", dt.date(2026, 2, 4))
    change_status(store, _actions(store)["Ring the school"], "dropped", dt.date(2026, 2, 5), "the school rang us")
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "Dropped" in shown
        await pilot.press("w")
        await pilot.pause()
        path = str(screen.query_one("#themes-status", Static).render()).removeprefix("Written: ")
        text = Path(path).read_text(encoding="utf-8")
    table = text.split("## Learning actions opened, completed and dropped", 1)[1]
    assert "| Month | Opened | | Completed | | Dropped |" in table
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in table.splitlines() if line.startswith("| ") and "20" in line.split("|")[1]}
    assert rows["Jan 2026"][0] == "2" and rows["Jan 2026"][2] == "0"
    assert rows["Feb 2026"][2] == "0" and rows["Feb 2026"][4] == "2"
