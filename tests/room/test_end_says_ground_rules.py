"""A session started without the ground rules' agreement recorded (`facilitator new` without --ground-rules-agreed):
the end confirmation says so and how to record it (f3, then a), as it says text in the box is not recorded."""

from __future__ import annotations

from textual.widgets import Static

from facilitator.session_ops import start_session
from facilitator.tui.screens.dialogs import EndConfirmScreen
from tests.conftest import build_app

from .helpers import PEOPLE, session_screen


def said(screen) -> str:  # noqa: ANN001
    return " ".join(" ".join(str(s.render()) for s in screen.query(Static)).split())


async def test_the_end_confirmation_says_the_ground_rules_agreement_is_not_recorded_and_how_to_record_it(
    store, clock, library
):
    session = start_session(store, library.get("gibbs-reflective-cycle"), clock=clock, title="Room",
                            participants=PEOPLE, ground_rules_agreed=False)
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"half typed")  # a note of its own in the confirmation too
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, EndConfirmScreen)
        text = said(app.screen)
        assert "ground rules" in text and "not recorded" in text and "f3" in text, text
        # every note and the buttons fit, or scroll with the buttons in view, at 80x24
        await pilot.pause()
        dialog = app.screen.query_one("#end-dialog")
        for button in ("#end", "#cancel"):
            assert dialog.region.contains_region(app.screen.query_one(button).region), button
            assert app.screen.query_one(button).region.height == 3, button
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+u")
        await pilot.press("f3", "a")
        await pilot.pause()
        assert store.load_session(session.id).ground_rules_agreed
        if not isinstance(app.screen, type(session_screen(pilot))):
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, EndConfirmScreen)
        assert "ground rules" not in said(app.screen)
