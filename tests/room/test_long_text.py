"""A multi-line paste is kept whole, line breaks and all, in a multi-line editor, or refused with a sentence
saying why; never cut to its first line. A long contribution is read and edited in the multi-line editor."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea

from facilitator.record.markdown import render_markdown
from facilitator.tui.screens.contribution_dialogs import EditContributionScreen, LongTextScreen

from .helpers import open_app, say, session_screen, shown, status

STORY = "Month 1: referral from school\nMonth 3: attendance dropped\nMonth 6: back full time"


async def paste(pilot, text: str) -> None:
    box = session_screen(pilot).query_one("#contribution", Input)
    box.focus()
    await pilot.pause()
    box.post_message(events.Paste(text))
    await pilot.pause()


async def test_a_multi_line_paste_is_kept_whole_with_its_line_breaks(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await paste(pilot, STORY + "\r\n")
        assert isinstance(app.screen, LongTextScreen)
        assert app.screen.query_one("#long-text", TextArea).text == STORY
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen.focused, Input) and app.screen.focused.value == ""
        assert "Recorded" in status(pilot)
        assert "Month 6: back full time" in shown(pilot)[0]
    said = store.load_session(session.id).contributions
    assert [c.text for c in said] == [STORY]
    record = render_markdown(store.load_session(session.id))
    assert "Month 3: attendance dropped" in record and "Month 6: back full time" in record


async def test_a_paste_too_long_is_refused_saying_why_and_escape_loses_nothing(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        box = session_screen(pilot).query_one("#contribution", Input)
        box.value = "half typed"
        await paste(pilot, "line\n" * 5000)
        assert not isinstance(app.screen, LongTextScreen)
        assert "Not pasted: that text is" in status(pilot) and "at most 20,000" in status(pilot)
        assert box.value == "half typed"
        await paste(pilot, " more\nsecond line")
        assert isinstance(app.screen, LongTextScreen)
        assert app.screen.query_one("#long-text", TextArea).text == "half typed more\nsecond line"
        await pilot.press("escape")
        await pilot.pause()
        assert box.value == "half typed"
    assert store.load_session(session.id).contributions == []


async def test_a_one_line_paste_too_long_is_refused_saying_why(store, clock, library):
    """One line longer than a contribution holds: refused with the sentence, as a long block is (the box dropped
    it without a word)."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        box = session_screen(pilot).query_one("#contribution", Input)
        box.value = "half typed"
        await paste(pilot, "word " * 4200)
        assert not isinstance(app.screen, LongTextScreen)
        assert "Not pasted: that text is 21,010 characters" in status(pilot)
        assert box.value == "half typed"
        await paste(pilot, " and the rest")
        assert box.value == "half typed and the rest"
    assert store.load_session(session.id).contributions == []


async def test_a_long_contribution_is_edited_in_the_multi_line_editor(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await paste(pilot, STORY)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("up", "e")
        await pilot.pause()
        assert isinstance(app.screen, EditContributionScreen)
        area = app.screen.query_one("#edit-long", TextArea)
        assert area.text == STORY
        area.move_cursor(area.document.end)
        area.insert("\nMonth 9: case closed")
        await pilot.press("enter")  # a new line, not save
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EditContributionScreen)
    assert store.load_session(session.id).contributions[0].text == STORY + "\nMonth 9: case closed"


async def test_ctrl_o_opens_the_box_in_the_multi_line_editor(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "@1 first")
        box = session_screen(pilot).query_one("#contribution", Input)
        box.value = "@zz two"
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, LongTextScreen)
        app.screen.query_one("#long-text", TextArea).insert("\nlines")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # Not recorded (nobody matches @zz): back in the editor with the reason, nothing lost.
        assert isinstance(app.screen, LongTextScreen)
        assert "Nobody matches" in str(app.screen.query_one("#long-error").render())
        assert "two\nlines" in app.screen.query_one("#long-text", TextArea).text


async def test_a_multi_line_paste_while_editing_keeps_every_line(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "Month 1: referral")
        await pilot.press("up", "e")
        await pilot.pause()
        assert isinstance(app.screen, EditContributionScreen)
        box = app.screen.query_one("#edit-text", Input)
        box.cursor_position = len(box.value)
        box.post_message(events.Paste("\nMonth 3: attendance dropped\nMonth 6: back"))
        await pilot.pause()
        area = app.screen.query_one("#edit-long", TextArea)
        assert area.text == "Month 1: referral\nMonth 3: attendance dropped\nMonth 6: back"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EditContributionScreen)
    assert store.load_session(session.id).contributions[0].text == "Month 1: referral\nMonth 3: attendance dropped\nMonth 6: back"


async def test_ctrl_s_in_the_multi_line_editor_asks_a_strength_for_its_evidence_in_the_field_behind_it(
    store, clock, library
):
    """In a strengths phase the editor's ctrl+s closes the editor and asks "How do we know?" as the box does, with the
    evidence field focused: typing goes there, never into the editor's text (an earlier prompt left the editor open,
    and later typing went into its text; then ctrl+s recorded at once, without the question)."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "strengths-evidence")
    async with app.run_test(size=(80, 24)) as pilot:
        await paste(pilot, "Child focus kept\nall through the winter")
        assert isinstance(app.screen, LongTextScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, LongTextScreen)
        assert "How do we know?" in status(pilot)
        await pilot.press(*"her diary", "enter")
        await pilot.pause()
        assert "Recorded" in status(pilot)
    said = store.load_session(session.id).contributions
    assert [(c.text, c.fields.get("evidence")) for c in said] == [("Child focus kept\nall through the winter", "her diary")]
