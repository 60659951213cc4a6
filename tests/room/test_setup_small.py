"""At 80x24 a setup error is shown where the cursor is, not below the fold; the labels fit."""

from __future__ import annotations

from textual.widgets import Input, Static

from facilitator.tui.screens.setup import SetupScreen
from tests.conftest import build_app


async def _setup(pilot) -> SetupScreen:
    await pilot.press("enter")  # the first template
    await pilot.pause()
    assert isinstance(pilot.app.screen, SetupScreen)
    return pilot.app.screen


def _on_screen(widget, screen) -> bool:
    region = widget.region
    return region.height > 0 and 0 <= region.y and region.bottom <= screen.size.height


async def test_a_bad_date_is_shown_beside_the_date_at_80x24(store, clock):
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _setup(pilot)
        date = screen.query_one("#date", Input)
        date.value = "31/02/2026"
        screen.query_one("#agreed").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        error = screen.query_one("#setup-error", Static)
        said = str(error.render())
        # the sentence names both ways a date is taken (it asked for YYYY-MM-DD though 30/11/2026 is taken too)
        assert "Date: '31/02/2026' is not a date" in said and "22/11/2026" in said and "2026-11-22" in said, said
        assert screen.focused is date
        assert _on_screen(error, screen) and _on_screen(date, screen)
        assert 0 < error.region.y - date.region.y <= 4  # just under the date


async def test_the_unticked_agreement_is_shown_beside_the_box_and_its_label_fits(store, clock):
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _setup(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        agreed = screen.query_one("#agreed")
        error = screen.query_one("#setup-error", Static)
        assert screen.focused is agreed
        assert "Tick that the group agreed" in str(error.render())
        assert _on_screen(error, screen) and _on_screen(agreed, screen)
        label = str(agreed.label)
        assert agreed.content_region.width >= len(label) + 4, "the whole label is shown"
        await pilot.press("space")  # ticked: the sentence asking for the tick goes (it stayed until ctrl+s)
        await pilot.pause()
        assert agreed.value and "Tick that the group agreed" not in str(error.render())


async def test_escape_on_a_filled_in_form_says_once_that_it_would_be_lost(store, clock):
    """Escape on the set-up form threw away what was typed at once, without a word. With something typed, the
    first escape says so and stays; the second goes back. An empty form goes back at once."""
    from facilitator.tui.screens.home import HomeScreen

    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _setup(pilot)
        await pilot.press("escape")  # nothing typed: back at once
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        screen = await _setup(pilot)
        await pilot.press(*"Jayden's return to school")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        error = screen.query_one("#setup-error", Static)
        assert "Escape again leaves without starting" in str(error.render())
        assert _on_screen(error, screen)  # (at 80x24, where the cursor is, not below the fold)
        assert screen.query_one("#title", Input).value == "Jayden's return to school"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_after_ending_a_resumed_session_the_home_screens_arrows_move_through_the_templates(store, clock, library):
    """A session resumed from the home screen's list of unfinished ones and ended: back home, the focus stayed on
    that list, now "No unfinished sessions.", and the arrow keys did nothing until n was pressed."""
    from textual.widgets import OptionList

    from facilitator.session_ops import start_session
    from facilitator.tui.screens.home import HomeScreen
    from facilitator.tui.screens.session import SessionScreen
    from tests.conftest import end_from_the_screen

    start_session(store, library.get("quick-success-huddle"), clock=clock, title="Huddle", ground_rules_agreed=True)
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "enter")  # resume the unfinished one
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await end_from_the_screen(pilot)
        await pilot.press("enter")  # home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        templates = app.screen.query_one("#templates", OptionList)
        assert app.screen.focused is templates
        before = templates.highlighted
        await pilot.press("down")
        assert templates.highlighted == before + 1


async def test_a_date_after_today_is_said_once_before_the_session_starts(store, clock):
    """A session dated ahead (20/12 typed for 20/11) was started without a word, and its actions and follow-up were
    dated there. It is said once, beside the date; ctrl+s again starts it."""
    from facilitator.tui.screens.session import SessionScreen

    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _setup(pilot)
        today = clock().date()
        ahead = today.replace(year=today.year + 1)
        screen.query_one("#date", Input).value = ahead.isoformat()
        screen.query_one("#agreed").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        said = str(screen.query_one("#setup-error", Static).render())
        assert f"is after today ({today:%-d %B %Y})" in said, said
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.session.date == ahead
