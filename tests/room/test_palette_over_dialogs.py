"""ctrl+p does not open the command palette over a dialog: it says why. Before, a second names dialog could be
opened over the first, and the first, still holding the old text, then overwrote the list saved from the second."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import TextArea

from facilitator.tui.screens.contribution_dialogs import EditContributionScreen
from facilitator.tui.screens.redaction import NamesScreen

from .helpers import open_app, palette, say


async def test_ctrl_p_over_the_names_dialog_opens_nothing_and_says_why(store, clock, library):
    session, app = open_app(store, clock, library.get("signs-of-safety-group-supervision"))
    async with app.run_test(size=(160, 45)) as pilot:
        await palette(pilot, "names to replace")
        assert isinstance(app.screen, NamesScreen)
        app.screen.query_one("#names", TextArea).text = "Jayden -> Child A\nKai -> Jayden"
        await pilot.press("ctrl+s")  # refused: the dialog stays
        await pilot.pause()
        assert isinstance(app.screen, NamesScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert not isinstance(app.screen, CommandPalette)
        assert sum(isinstance(s, NamesScreen) for s in app.screen_stack) == 1
        assert any("dialog" in n.message and "escape" in n.message for n in app._notifications)
        # the one dialog, put right, saves the list
        app.screen.query_one("#names", TextArea).text = "Jayden -> Child A\nKai -> Child B"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NamesScreen)
        # and the palette opens again once no dialog is open
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
    assert store.load_session(session.id).redactions == {"Jayden": "Child A", "Kai": "Child B"}


async def test_ctrl_p_over_the_edit_dialog_opens_nothing(store, clock, library):
    session, app = open_app(store, clock, library.get("signs-of-safety-group-supervision"))
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "still worried about the nights")
        await pilot.press("up", "e")
        await pilot.pause()
        assert isinstance(app.screen, EditContributionScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, EditContributionScreen)
