"""What a person sees of the learning screens: history, search, actions, follow-up, themes; 80x24 and 160x45.

Review each new or changed SVG (pytest --snapshot-update, then look at it) before accepting it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from facilitator.session_ops import start_session
from tests.conftest import FixedClock, build_app
from tests.learning.helpers import reviewed_session

from tests.snapshots.conftest import SIZES




def _history(store, library):
    clock = FixedClock()
    reviewed_session(store, library, clock, date=dt.date(2026, 6, 3), title="Back to school", skill="collaboration",
                     action="Share the morning plan", owner="Priya", due="2026-10-01")
    reviewed_session(store, library, clock, date=dt.date(2026, 9, 1), title="Settling a placement",
                     went_right="The carer rang the school every morning", action="Invite the school nurse",
                     owner="Sam", due="2027-01-15")
    reviewed_session(store, library, clock, team="Fostering", date=dt.date(2026, 10, 7), title="Learning from Kim",
                     action="Buddy new carers", owner="Kim", due="2026-12-01")


async def _press(pilot, *keys):
    await _history_read(pilot)  # a screen that reads in the background (the follow-up round) answers keys once read
    await pilot.press(*keys)
    await pilot.pause()
    await _history_read(pilot)


async def _history_read(pilot, limit: float = 20.0):
    """Wait until the history screen has read the history: until then it shows no title (a busy machine is slow)."""
    import asyncio

    screen = pilot.app.screen
    waited = 0.0
    while getattr(screen, "ready", True) is False and waited < limit:
        await asyncio.sleep(0.05)
        waited += 0.05
    await pilot.pause()


class TestLearning:
    @pytest.mark.parametrize("size", SIZES)
    def test_history(self, snap_compare, snap_store, library, size):
        _history(snap_store, library)
        assert snap_compare(build_app(snap_store, FixedClock()), terminal_size=size,
                            run_before=lambda pilot: _press(pilot, "h"))

    @pytest.mark.parametrize("size", SIZES)
    def test_history_search(self, snap_compare, snap_store, library, size):
        _history(snap_store, library)

        async def search(pilot):
            await _press(pilot, "h")
            pilot.app.screen.query_one("#history-search", Input).value = "school"
            await pilot.press("slash", "enter")
            await pilot.pause()

        assert snap_compare(build_app(snap_store, FixedClock()), terminal_size=size, run_before=search)

    @pytest.mark.parametrize("size", SIZES)
    def test_session_opened_at_a_hit(self, snap_compare, snap_store, library, size):
        """A search hit opened: the session's record at the hit's phase, the hit marked."""
        _history(snap_store, library)

        async def open_hit(pilot):
            await _press(pilot, "h")
            pilot.app.screen.query_one("#history-search", Input).value = "nurse"
            await pilot.press("slash", "enter")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            await pilot.pause()

        assert snap_compare(build_app(snap_store, FixedClock()), terminal_size=size, run_before=open_hit)

    @pytest.mark.parametrize("size", SIZES)
    def test_actions(self, snap_compare, snap_store, library, size):
        _history(snap_store, library)
        assert snap_compare(build_app(snap_store, FixedClock()), terminal_size=size,
                            run_before=lambda pilot: _press(pilot, "a"))

    @pytest.mark.parametrize("size", SIZES)
    def test_follow_up(self, snap_compare, snap_store, library, size):
        _history(snap_store, library)
        session = start_session(snap_store, library.get("quick-success-huddle"), clock=FixedClock(),
                                title="Weekly huddle", team="Family Support 2")
        app = build_app(snap_store, FixedClock(), open_session_id=session.id, follow_up=True)
        assert snap_compare(app, terminal_size=size, run_before=lambda pilot: _press(pilot, "d"))

    @pytest.mark.parametrize("size", SIZES)
    def test_themes(self, snap_compare, snap_store, library, size):
        _history(snap_store, library)
        assert snap_compare(build_app(snap_store, FixedClock()), terminal_size=size,
                            run_before=lambda pilot: _press(pilot, "t"))
