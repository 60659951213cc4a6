"""The key bar at the bottom of every screen: the screen's keys, kept up to date, and clickable."""

from __future__ import annotations

from facilitator.tui.screens.history import HistoryScreen
from facilitator.tui.widgets.key_bar import KeyBar
from tests.conftest import build_app


def _line(app) -> str:
    return app.screen.query_one(KeyBar).render().plain


async def test_key_bar_shows_each_screens_keys_and_a_click_presses_one(store, clock):
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        line = _line(app)
        for words in (" n New session ", " h History ", " f1 Help ", " f2 Projector "):
            assert words in line
        # The command palette's key is at the right edge.
        assert line.rstrip().endswith("^p palette")
        start = line.index(" h History")
        await pilot.click(KeyBar, offset=(start + 2, 0))
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        # The history screen's own keys, not the home screen's.
        line = _line(app)
        assert " esc Back " in line and " / Search " in line
        assert "New session" not in line


async def test_key_bar_keeps_the_palette_key_when_the_screen_is_narrow(store, clock):
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = _line(app)
        assert len(line) == 80
        assert line.rstrip().endswith("^p palette")
        assert line.startswith(" n New session ")
