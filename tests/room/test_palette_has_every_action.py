"""The command palette has every action the README's keys list: next and previous phase, ending the session, the
app's help (f1) and the multi-line editor among them (they were missing: "next", "end" or "help" found nothing, or
only Textual's own "Keys")."""

from __future__ import annotations

from facilitator.tui.screens.contribution_dialogs import LongTextScreen
from facilitator.tui.screens.dialogs import EndConfirmScreen
from facilitator.tui.screens.help import HelpScreen
from facilitator.tui.screens.session import SessionScreen

from .helpers import open_app, palette, session_screen


async def test_next_and_previous_phase_end_help_and_the_multi_line_editor_are_in_the_palette(store, clock, library):
    session, app = open_app(store, clock, library.get("after-action-review"), "expected")
    async with app.run_test(size=(80, 24)) as pilot:
        await palette(pilot, "next phase")
        assert session_screen(pilot).session.phase.id == "actual"
        await palette(pilot, "previous phase")
        assert session_screen(pilot).session.phase.id == "expected"
        await palette(pilot, "help")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        session_screen(pilot).query_one("#contribution").value = "typed in the box"
        await palette(pilot, "multi-line editor")
        assert isinstance(app.screen, LongTextScreen)
        assert app.screen.text == "typed in the box"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await palette(pilot, "end the session")
        assert isinstance(app.screen, EndConfirmScreen)
    assert store.load_session(session.id).status.value == "running"
