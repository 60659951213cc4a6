"""ctrl+q with the edit dialog open keeps the edit, as the box's half-typed text is kept: resuming opens the dialog
again with it, and enter saves it. Before, the app quit and the edit was gone without a word."""

from __future__ import annotations

from textual.widgets import Input, Select

from facilitator.store.drafts import draft_path
from facilitator.tui.screens.contribution_dialogs import EditContributionScreen
from facilitator.tui.screens.session import SessionScreen
from tests.conftest import until

from .helpers import open_app, resumed, say, shown, status


async def test_ctrl_q_in_the_edit_dialog_keeps_the_edit_and_resume_opens_it_again(store, clock, library, data_dir):
    session, app = open_app(store, clock, library.get("signs-of-safety-group-supervision"))
    async with app.run_test(size=(160, 45)) as pilot:
        await say(pilot, "@1 still worried about the nights")
        await pilot.press("up", "e")
        await pilot.pause()
        assert isinstance(app.screen, EditContributionScreen)
        await pilot.press("end", *" EDITED", "tab")
        await pilot.pause()
        await pilot.press("ctrl+q")
    store.close()
    assert draft_path(data_dir, session.id).exists()

    async with resumed(data_dir, clock, session.id) as (again, app2, pilot):
        assert await until(pilot, lambda: isinstance(app2.screen, EditContributionScreen))
        dialog = app2.screen
        assert dialog.query_one("#edit-text", Input).value == "still worried about the nights EDITED"
        assert dialog.query_one("#edit-speaker", Select).value == "Sam Patel"
        # not saved until enter: the record still has the words as they were
        assert again.load_session(session.id).contributions[0].text == "still worried about the nights"
        assert "edit" in status(pilot) and "enter saves it" in status(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app2.screen, SessionScreen)
        assert shown(pilot) == ["1. Sam Patel: still worried about the nights EDITED"]
        assert again.load_session(session.id).contributions[0].text == "still worried about the nights EDITED"
        await until(pilot, lambda: not draft_path(data_dir, session.id).exists())
        assert not draft_path(data_dir, session.id).exists(), "saved: no draft is left"


async def test_an_edit_kept_and_then_cancelled_leaves_the_contribution_as_it_was(store, clock, library, data_dir):
    session, app = open_app(store, clock, library.get("signs-of-safety-group-supervision"))
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "first words")
        await pilot.press("up", "e")
        await pilot.pause()
        await pilot.press("end", *" more")
        await pilot.pause()
        await pilot.press("ctrl+q")
    store.close()
    async with resumed(data_dir, clock, session.id, size=(80, 24)) as (again, app2, pilot):
        assert await until(pilot, lambda: isinstance(app2.screen, EditContributionScreen))
        await pilot.press("escape")
        await pilot.pause()
        await until(pilot, lambda: not draft_path(data_dir, session.id).exists())
        assert not draft_path(data_dir, session.id).exists()
        assert again.load_session(session.id).contributions[0].text == "first words"
