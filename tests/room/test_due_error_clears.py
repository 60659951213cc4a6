"""A due date refused ("31/02/2027 is not a date") stops being said once the date is put right: the sentence stayed
on the status line, under a field now showing "4 Dec 2026", until the next enter."""

from __future__ import annotations

from textual.widgets import Input

from .helpers import open_app, say, session_screen, status


async def test_the_due_date_error_goes_once_the_date_is_put_right(store, clock, library):
    session, app = open_app(store, clock, library.get("quick-success-huddle"), "actions")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = session_screen(pilot)
        screen.query_one("#kf-owner", Input).value = "Jo"
        screen.query_one("#kf-due", Input).value = "31/02/2027"
        await say(pilot, "Share the dog story at the team meeting")
        assert "is not a date" in status(pilot)
        due = screen.query_one("#kf-due", Input)
        assert screen.focused is due
        await pilot.press("left")  # the cursor moving changes nothing: the sentence stays
        await pilot.pause()
        assert "is not a date" in status(pilot)
        await pilot.press("end", "ctrl+u", *"next Friday")
        await pilot.pause()
        assert "is not a date" not in status(pilot)
        assert screen.query_one("#status").has_class("error") is False
        await pilot.press("enter")
        await pilot.pause()
        assert "Recorded" in status(pilot)
    said = store.load_session(session.id).contributions
    assert said[0].fields.get("due_said") == "next Friday" or said[0].fields.get("due") == "next Friday"
