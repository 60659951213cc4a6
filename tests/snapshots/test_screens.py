"""What a person sees: every screen at 80x24 and at projector size 160x45.

Review each new or changed SVG (pytest --snapshot-update, then look at it) before accepting it.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from facilitator.session_ops import go_to_phase, record_contribution, start_session
from tests.conftest import FixedClock, build_app

from tests.snapshots.conftest import SIZES




def _session_with_content(store, library):
    clock = FixedClock()
    session = start_session(
        store,
        library.get("serious-success-review"),
        clock=clock,
        title="Returning to school after a bereavement",
        team="Family Support 2",
        facilitator="Jo Lead",
        participants=["Sam", "Priya", "Team manager"],
        ground_rules_agreed=True,
    )
    session = go_to_phase(store, session, 2)
    record_contribution(store, session, "Visits at Grandmother's kitchen table, where Mother felt safe.", "Sam", clock)
    record_contribution(store, session, "The worker always rang back the same day.", "Priya", clock)
    record_contribution(store, session, "School and health shared one plan instead of three.", "anonymous", clock)
    return session


class TestHome:
    @pytest.mark.parametrize("size", SIZES)
    def test_home_empty(self, snap_compare, snap_store, size):
        assert snap_compare(build_app(snap_store, FixedClock()), terminal_size=size)

    @pytest.mark.parametrize("size", SIZES)
    def test_home_with_unfinished_session(self, snap_compare, snap_store, library, size):
        _session_with_content(snap_store, library)
        assert snap_compare(build_app(snap_store, FixedClock()), terminal_size=size)


class TestSetup:
    @pytest.mark.parametrize("size", SIZES)
    def test_setup(self, snap_compare, snap_store, size):
        async def open_setup(pilot):
            await pilot.press("enter")
            await pilot.pause()
            pilot.app.screen.query_one("#title", Input).value = "Returning to school"
            pilot.app.screen.query_one("#participants", Input).value = "Sam, Priya, Team manager"
            await pilot.pause()

        assert snap_compare(build_app(snap_store, FixedClock()), terminal_size=size, run_before=open_setup)


class TestSession:
    @pytest.mark.parametrize("size", SIZES)
    def test_session_with_contributions(self, snap_compare, snap_store, library, size):
        session = _session_with_content(snap_store, library)
        app = build_app(snap_store, FixedClock(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size)

    @pytest.mark.parametrize("size", SIZES)
    def test_session_first_phase_empty(self, snap_compare, snap_store, library, size):
        session = start_session(snap_store, library.get("serious-success-review"), clock=FixedClock(), title="New")
        app = build_app(snap_store, FixedClock(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size)

    @pytest.mark.parametrize("size", SIZES)
    def test_help(self, snap_compare, snap_store, library, size):
        session = _session_with_content(snap_store, library)
        app = build_app(snap_store, FixedClock(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, press=["f1"])


class TestEnd:
    @pytest.mark.parametrize("size", SIZES)
    def test_end_confirmation(self, snap_compare, snap_store, library, size):
        session = _session_with_content(snap_store, library)
        app = build_app(snap_store, FixedClock(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, press=["ctrl+e"])

    @pytest.mark.parametrize("size", SIZES)
    def test_ended(self, snap_compare, snap_store, library, size):
        session = _session_with_content(snap_store, library)
        app = build_app(snap_store, FixedClock(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, press=["ctrl+e", "enter"])
