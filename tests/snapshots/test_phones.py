"""Phones in the room, as the room and the facilitator see it: the join screen (its address an example; a real
one is this machine's with a new code each opening), the phones line under the box, and the review of what
phones sent."""

from __future__ import annotations

import pytest

from facilitator.phones import PhoneItem, receive
from facilitator.store.phones import PhoneInbox
from tests.conftest import FixedClock, build_app
from tests.snapshots.conftest import SIZES
from tests.snapshots.test_screens import _session_with_content

EXAMPLE = "http://192.168.1.20:8765/j/q3Vx8LkP2mZt7RwA9cYn4HbE5sJd6FgU"


async def open_join(pilot) -> None:
    from facilitator.tui.screens.phones import JoinScreen

    await pilot.press("f10")
    await pilot.pause()
    session_screen = pilot.app.screen.session_screen
    pilot.app.pop_screen()
    await pilot.app.push_screen(JoinScreen(session_screen, url=EXAMPLE))
    await pilot.pause()


def with_waiting(store, library):
    session = _session_with_content(store, library)
    (store.data_dir / "settings.toml").write_text('[phones]\naddress = "127.0.0.1"\nport = 0\n')
    inbox = PhoneInbox(store, session.id)
    clock = FixedClock()
    for text, who in [("The nurse's weekly call kept Mum going", "anonymous"), ("Grandad drove her to school", "Priya")]:
        receive(store, session, inbox, PhoneItem(text, {}, who, False), clock)
    return session


class TestPhones:
    @pytest.mark.parametrize("size", SIZES)
    def test_join_screen(self, snap_compare, snap_store, library, size):
        session = with_waiting(snap_store, library)
        app = build_app(snap_store, FixedClock(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, run_before=open_join)

    @pytest.mark.parametrize("size", SIZES)
    def test_waiting_line_and_review(self, snap_compare, snap_store, library, size):
        session = with_waiting(snap_store, library)
        app = build_app(snap_store, FixedClock(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, press=["ctrl+w", "enter"])

    @pytest.mark.parametrize("size", SIZES)
    def test_waiting_line(self, snap_compare, snap_store, library, size):
        session = with_waiting(snap_store, library)
        app = build_app(snap_store, FixedClock(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size)

    @pytest.mark.parametrize("size", SIZES)
    def test_dot_vote(self, snap_compare, snap_store, library, size):
        session = with_waiting(snap_store, library)

        async def vote(pilot) -> None:
            await pilot.press("f12")
            await pilot.pause()
            # the room without phones: the facilitator's votes for them
            for key in ["plus", "plus", "down", "plus", "down", "plus", "plus", "plus"]:
                await pilot.press(key)
            await pilot.pause(0.6)

        app = build_app(snap_store, FixedClock(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, run_before=vote)
