"""Shared steps for the room tests: open a session in the real app, type, read what the room sees."""

from __future__ import annotations

import contextlib
import datetime as dt

from textual.widgets import Input, Static

from facilitator.session_ops import go_to_phase, start_session
from facilitator.store import Store
from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.widgets.contribution_list import ContributionList
from tests.conftest import FIXED_NOW, FixedClock, build_app, run_command

PEOPLE = ["Sam Patel", "Priya", "Team manager"]


class StillClock(FixedClock):
    """A clock that only moves when the test moves it (for the timer)."""

    def __init__(self) -> None:
        super().__init__(FIXED_NOW, dt.timedelta(0))

    def advance(self, seconds: float) -> None:
        self.now = self.now + dt.timedelta(seconds=seconds)


def open_app(store, clock, template, phase_id: str | None = None, **kwargs):
    kwargs.setdefault("participants", PEOPLE)
    session = start_session(store, template, clock=clock, title="Room", ground_rules_agreed=True, **kwargs)
    if phase_id:
        session = go_to_phase(store, session, template.phase_index(phase_id))
    return session, build_app(store, clock, open_session_id=session.id)


@contextlib.asynccontextmanager
async def resumed(data_dir, clock, session_id: str, size: tuple[int, int] = (160, 45)):
    """The app started again on the data folder (a store opened anew, as after ctrl+q or a crash) with the session
    open: (the store, the app, its pilot)."""
    again = Store(data_dir, clock=clock).open()
    try:
        app = build_app(again, clock, open_session_id=session_id)
        async with app.run_test(size=size) as pilot:
            yield again, app, pilot
    finally:
        again.close()


def session_screen(pilot) -> SessionScreen:
    for screen in reversed(pilot.app.screen_stack):
        if isinstance(screen, SessionScreen):
            return screen
    raise AssertionError("no session screen")


async def say(pilot, text: str) -> None:
    """Type into the contribution box and press enter."""
    screen = session_screen(pilot)
    box = screen.query_one("#contribution", Input)
    box.focus()
    box.value = text
    await pilot.press("enter")
    await pilot.pause()


def shown(pilot) -> list[str]:
    """What the room sees in the list of this phase's contributions."""
    return [item.text for item in session_screen(pilot).query_one(ContributionList).shown_contributions()]


def status(pilot) -> str:
    return str(session_screen(pilot).query_one("#status", Static).render())


def text_of(pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def palette(pilot, query: str) -> None:
    """Open the command palette (ctrl+p), search for `query`, and run the best match (enter)."""
    await run_command(pilot, query)
