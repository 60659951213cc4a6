"""A due date typed as the room says it ("end of Feb") is shown as the date it means, beside the words, and
stored as that date; a due that is not a date is marked as never overdue on the actions screen."""

from __future__ import annotations

from textual.widgets import Input

from tests.conftest import build_app, screen_text
from tests.learning.helpers import reviewed_session

from .helpers import open_app, say, session_screen, shown
from tests.learning.helpers import open_actions_screen


async def test_a_due_said_in_words_becomes_a_date_shown_with_the_words(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        due = screen.query_one("#kf-due", Input)
        due.focus()
        await pilot.press(*"end of Feb")
        await pilot.pause()
        assert due.border_subtitle == "28 Feb 2027"  # the test clock's today is 22 Nov 2026
        screen.query_one("#kf-owner", Input).value = "Priya"
        await say(pilot, "Share the plan at the team meeting")
        assert "due: 2027-02-28 (end of Feb)" in shown(pilot)[0]
    fields = store.load_session(session.id).contributions[0].fields
    assert fields["due"] == "2027-02-28" and fields["due_said"] == "end of Feb"


async def test_a_due_date_already_past_is_taken_and_said_to_be_past_under_the_field(store, clock, library):
    """'01/11/2026' typed on 22 November (a slip for 01/12) was taken without a word; the note under the field
    now says the date is past, and the action is still recorded with it (one may be done already)."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = session_screen(pilot)
        due = screen.query_one("#kf-due", Input)
        due.focus()
        await pilot.press(*"01/11/2026")
        await pilot.pause()
        # Drawn whole under the field, where "1 Nov 2026: in the past" showed as "1 Nov 2026: i…".
        assert "1 Nov: past" in screen_text(app)
        await say(pilot, "Share the plan at the team meeting")
        assert "due: 2026-11-01" in shown(pilot)[0]


async def test_in_a_session_dated_in_the_past_a_due_in_words_counts_from_the_meeting(store, clock, library):
    """Minutes typed up afterwards (a session dated 1 October, typed on 22 November): "end of Nov" became 30 Nov
    2027 ("end of Oct" 31 Oct 2027) and "in 2 weeks" two weeks from the typing. They count from the meeting's day."""
    import datetime as dt

    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions",
                            date=dt.date(2026, 10, 1))
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        due = screen.query_one("#kf-due", Input)
        due.focus()
        await pilot.press(*"end of Oct")
        await pilot.pause()
        assert due.border_subtitle == "31 Oct 2026"
        await say(pilot, "Share the plan at the team meeting")
        due.focus()
        await pilot.press(*"in 2 weeks")
        await say(pilot, "Ring the school")
    fields = [c.fields for c in store.load_session(session.id).contributions]
    assert [f["due"] for f in fields] == ["2026-10-31", "2026-10-15"]


async def test_a_due_that_is_not_a_date_is_marked_never_overdue(store, library, clock):
    """Its words in italics, whole, and the status line saying italics are never overdue: "next supervision (not a
    date: never overdue)" was cut by the Due column at 160 and 80 columns ("next supervision (n…")."""
    from tests.conftest import screen_text

    reviewed_session(store, library, clock, action="Talk to the school", owner="Sam", due="next supervision")
    for size in ((160, 45), (80, 24)):
        app = build_app(store, clock)
        async with app.run_test(size=size) as pilot:
            screen = await open_actions_screen(pilot)
            due = screen.table.rows[0][1]
            assert due.plain == "next supervision" and "italic" in str(due.style)
            shown = screen_text(app)
            assert "next supervision " in shown and "next supervision (" not in shown, shown
            assert "A due in italics is words, never overdue." in " ".join(shown.split())


async def test_a_due_in_figures_that_is_no_date_is_refused_and_a_short_year_is_read(store, clock, library):
    """31/02/2027 is a slip, not words: kept as typed it would never be overdue, so it is refused with a sentence
    (the set-up screen refuses the same for its date); 1/2/27 means 1 Feb 2027."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        due = screen.query_one("#kf-due", Input)
        due.value = "31/02/2027"
        await pilot.pause()
        assert due.border_subtitle == "no such date"
        await say(pilot, "Write up the case study")
        assert store.load_session(session.id).contributions == []
        assert "Due: '31/02/2027' is not a date" in str(screen.query_one("#status").render())
        assert screen.query_one("#contribution", Input).value == "Write up the case study"  # nothing lost
        due.value = "1/2/27"
        await pilot.pause()
        assert due.border_subtitle == "1 Feb 2027"
        await pilot.press("enter")
        await pilot.pause()
        # day and month without a year (31/1, everyday shorthand): the next time it comes, not words never overdue
        due.value = "31/1"
        await pilot.pause()
        assert due.border_subtitle == "31 Jan 2027"
        await say(pilot, "Shadow a colleague's final hearing")
        due.value = "31/2"
        await pilot.pause()
        assert due.border_subtitle == "no such date"
        await say(pilot, "Ring the school")
        assert "Due: '31/2' is not a date" in str(screen.query_one("#status").render())
    said = store.load_session(session.id).contributions
    assert [c.fields["due"] for c in said] == ["2027-02-01", "2027-01-31"]


async def test_a_due_said_as_rooms_say_it_is_a_date_and_a_day_no_month_has_is_refused(store, clock, library):
    """"Fri 11 Dec", "Friday 4 December", "by 14/12", "w/c 7 Dec", "2 weeks" and "a week on Friday" were kept as words,
    never overdue; "31 April" and "30 Feb 2027" were taken silently as words too, while "31/02/2027" was refused. The
    test clock's today is Sunday 22 November 2026."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    said = {"Fri 27 Nov": "2026-11-27", "Friday 4 December": "2026-12-04", "by 14/12": "2026-12-14",
            "w/c 7 Dec": "2026-12-07", "2 weeks": "2026-12-06", "a week on Friday": "2026-12-04"}
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        due = screen.query_one("#kf-due", Input)
        for n, words in enumerate(said):
            due.value = words
            await pilot.pause()
            assert due.border_subtitle != "never overdue", words
            await say(pilot, f"Action {n}")
        for words in ("31 April", "Fri 30 Feb 2027"):
            due.value = words
            await pilot.pause()
            assert due.border_subtitle == "no such date"
            await say(pilot, "Ring the school")
            assert f"Due: '{words}' is not a date" in str(screen.query_one("#status").render())
            assert screen.query_one("#contribution", Input).value == "Ring the school"  # nothing lost
            screen.query_one("#contribution", Input).value = ""
    recorded = store.load_session(session.id).contributions
    assert [c.fields["due"] for c in recorded] == list(said.values())
