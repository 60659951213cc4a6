"""ctrl+z with words in the box never silently undoes a recording the room cannot see: it says once what it would
undo, and a second ctrl+z does it. An undone recording's words come back into the box, so nothing said is lost."""

from __future__ import annotations

from textual.widgets import Input, Select

from facilitator.tui.screens.contribution_dialogs import LongTextScreen

from tests.conftest import until

from .helpers import open_app, say, session_screen, shown, status


def box(pilot) -> Input:
    return session_screen(pilot).query_one("#contribution", Input)


async def test_ctrl_z_while_typing_says_what_it_would_undo_and_a_second_press_does_it(store, clock, library):
    session, app = open_app(store, clock, library.get("after-action-review"), "difference")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "@1 A long thought from Sam")
        await pilot.press(*"Priya says somethi")
        await pilot.press("ctrl+z")
        await pilot.pause()
        # nothing undone: the recording is still there, the typing too, and the status says what a second press does
        assert shown(pilot) == ["1. Sam Patel: A long thought from Sam"]
        assert box(pilot).value == "Priya says somethi"
        assert "ctrl+z again" in status(pilot) and "A long thought from Sam" in status(pilot)
        assert [c.text for c in store.load_session(session.id).contributions] == ["A long thought from Sam"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        # undone, and its words are kept in the box with what was being typed
        assert shown(pilot) == []
        assert store.load_session(session.id).contributions == []
        assert "A long thought from Sam" in box(pilot).value and "Priya says somethi" in box(pilot).value
        assert status(pilot).startswith("Undone: recording of")


async def test_ctrl_z_with_words_typed_for_someone_else_undoes_nothing_and_says_what_to_do(store, clock, library):
    """"@2 half typed" in the box and ctrl+z twice: Sam's undone words went before it, and enter recorded "A long
    thought from Sam @2 half typed" as Sam's (or whoever was chosen), "@2" in the record as text. With an @ typed,
    ctrl+z undoes nothing until what is typed is recorded or cleared."""
    session, app = open_app(store, clock, library.get("after-action-review"), "difference")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "@1 A long thought from Sam")
        await pilot.press(*"@2 half typed")
        for _ in range(2):
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert shown(pilot) == ["1. Sam Patel: A long thought from Sam"]
            assert box(pilot).value == "@2 half typed"
            said = " ".join(status(pilot).split())
            assert said.startswith("Not undone") and "Record what is typed first (enter), or clear the box" in said
        await pilot.press("enter")  # Priya's words recorded as hers; then ctrl+z takes back the last recording
        await pilot.pause()
        assert shown(pilot) == ["1. Sam Patel: A long thought from Sam", "2. Priya: half typed"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert shown(pilot) == ["1. Sam Patel: A long thought from Sam"] and box(pilot).value == "half typed"
    assert [(c.speaker, c.text) for c in store.load_session(session.id).contributions] == [
        ("Sam Patel", "A long thought from Sam")]


async def test_ctrl_z_while_typing_in_another_phase_names_the_phase_and_undoes_nothing(store, clock, library):
    session, app = open_app(store, clock, library.get("after-action-review"), "difference")
    async with app.run_test(size=(160, 45)) as pilot:
        await say(pilot, "@1 said in phase three")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press(*"typo")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "3. Why was there a difference?" in status(pilot)
        assert [c.text for c in store.load_session(session.id).contributions] == ["said in phase three"]
        # typing on changes what is typed: the next ctrl+z asks again, it does not undo
        await pilot.press("s", "ctrl+z")
        await pilot.pause()
        assert [c.text for c in store.load_session(session.id).contributions] == ["said in phase three"]
        assert box(pilot).value == "typos"


async def test_an_undone_recording_comes_back_into_the_empty_box_with_its_speaker(store, clock, library):
    session, app = open_app(store, clock, library.get("after-action-review"), "difference")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "@2 Priya's point about the handover")
        await say(pilot, "@1 Sam's reply")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert shown(pilot) == ["1. Priya: Priya's point about the handover"]
        assert box(pilot).value == "Sam's reply"
        assert session_screen(pilot).query_one("#speaker", Select).value == "Sam Patel"
        assert "back in the box" in status(pilot)
        # enter records it again, as it was
        await pilot.press("enter")
        await pilot.pause()
        assert [(c.speaker, c.text) for c in store.load_session(session.id).contributions] == [
            ("Priya", "Priya's point about the handover"), ("Sam Patel", "Sam's reply")]


async def test_an_undone_action_comes_back_with_its_owner_and_due_as_said(store, clock, library):
    session, app = open_app(store, clock, library.get("after-action-review"), "learning")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        screen.query_one("#kf-owner", Input).value = "Jo"
        screen.query_one("#kf-due", Input).value = "next Friday"
        await say(pilot, "Share the story")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert box(pilot).value == "Share the story"
        assert screen.query_one("#kf-owner", Input).value == "Jo"
        assert screen.query_one("#kf-due", Input).value == "next Friday"


async def test_an_undone_multi_line_recording_comes_back_in_the_multi_line_editor(store, clock, library):
    session, app = open_app(store, clock, library.get("after-action-review"), "difference")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        assert screen.record("first line\nsecond line")
        await pilot.press("ctrl+z")
        await until(pilot, lambda: isinstance(app.screen, LongTextScreen))  # (opened once the screen is refreshed)
        assert isinstance(app.screen, LongTextScreen)
        assert app.screen.text == "first line\nsecond line"
        assert store.load_session(session.id).contributions == []


async def test_undoing_a_concern_recorded_unseen_never_shows_its_words(store, clock, library):
    """ctrl+f records what is typed straight into the safeguarding note, unseen. ctrl+z then said "Undone: recording of
    “<the concern's words>”" on the status line the room reads (and, with words typed, the question before it did
    too). Neither names its words now, and they are not put back in the box, which the room sees."""
    session, app = open_app(store, clock, library.get("after-action-review"), "difference")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = session_screen(pilot)
        await pilot.press(*"Dad said he hit her")
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert store.load_session(session.id).contributions[0].safeguarding
        await pilot.press(*"next words")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "hit her" not in status(pilot) and "safeguarding concern" in status(pilot)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert store.load_session(session.id).contributions == []
        assert "hit her" not in status(pilot) and "safeguarding concern" in status(pilot)
        assert box(pilot).value == "next words"
        assert screen.query_one("#status") is not None
