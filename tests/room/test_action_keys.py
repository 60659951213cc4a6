"""Action statuses change only by a deliberate key on a focused row, then enter; typing a note with the wrong
focus never reaches the table, and ctrl+z undoes a saved change."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Static

from facilitator.models import ActionStatus
from tests.learning.helpers import load_actions
from facilitator.learning.history import HistoryIndex
from facilitator.tui.screens.actions import ActionsScreen
from tests.conftest import build_app, until
from tests.learning.helpers import reviewed_session
from tests.learning.helpers import open_actions_screen, wait_ready


def _statuses(store) -> dict[str, tuple[ActionStatus, int]]:
    return {a.text: (a.status, len(a.history)) for a in load_actions(store, HistoryIndex(store).refresh().facts())}


def _status_line(screen) -> str:
    return str(screen.query_one("#actions-status", Static).render())


async def test_a_note_typed_at_the_table_goes_into_the_note_box_and_changes_nothing(store, library, clock):
    reviewed_session(store, library, clock, action="Invite school nurse", owner="Sam", due="2027-01-15")
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_actions_screen(pilot)
        assert screen.focused is screen.table
        await pilot.press(*"dad called, done")  # meant for the note box, typed with the table focused
        note = screen.query_one("#action-note", Input)
        await until(pilot, lambda: screen.focused is note)  # the cursor moves to the note box once the typing stops
        assert note.value == "dad called, done"
        assert screen.focused is note
        assert "no status was changed" in _status_line(screen)
        assert screen.table.rows[0][5].plain.startswith("open")
    assert _statuses(store) == {"Invite school nurse": (ActionStatus.open, 0)}


async def test_a_status_key_proposes_enter_saves_escape_cancels_ctrl_z_undoes(store, library, clock):
    reviewed_session(store, library, clock, action="Invite school nurse", owner="Sam", due="2027-01-15")
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_actions_screen(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert "Mark “Invite school nurse” (A1, 01 Sep 2026, Sam) as done?" in _status_line(screen)
        assert screen.table.rows[0][5].plain.startswith("open")  # shown, not yet saved
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)
        assert "no status was changed" in _status_line(screen)
        assert _statuses(store) == {"Invite school nurse": (ActionStatus.open, 0)}
        await pilot.press("d", "enter")
        await pilot.pause()
        assert "is now done" in _status_line(screen)
        assert _statuses(store)["Invite school nurse"][0] == ActionStatus.done
        await pilot.press("a")  # show closed ones too, to see it
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "is open again" in _status_line(screen)
        assert screen.table.rows[0][5].plain == "open"  # as it was: not "open 22 Nov", changed today
    # Taken back as if it had not been made: open, with no change in its history.
    assert _statuses(store)["Invite school nurse"] == (ActionStatus.open, 0)


async def test_ctrl_z_in_the_follow_up_round_leaves_nothing_of_the_change_in_the_minutes(store, library, clock, data_dir):
    """A status changed in a team's follow-up round and undone is not in the new session's record, nor in the
    action's history; one changed twice and undone once is as it was after the first change. The cursor goes
    back to the action undone."""
    from facilitator.session_ops import end_session
    from facilitator.tui.screens.actions import FollowUpScreen
    from tests.learning.test_actions import _start_from_setup

    reviewed_session(store, library, clock, action="Share the morning plan", owner="Priya", due="2026-10-01")
    reviewed_session(store, library, clock, action="Invite school nurse", owner="Sam", due="2027-01-15",
                     date=dt.date(2026, 10, 1))
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await _start_from_setup(pilot, "Family Support 2")
        screen = app.screen
        assert isinstance(screen, FollowUpScreen)
        assert [row[0] for row in screen.table.rows] == ["Share the morning plan", "Invite school nurse"]
        await pilot.press("c", "enter")  # the first carried over; the cursor moves to the second
        await pilot.pause()
        await pilot.press("p", "enter", "up", "d", "enter")  # the second in progress; the first done
        await pilot.pause()
        await pilot.press("ctrl+z")  # the first back to carried over
        await pilot.pause()
        assert screen.table.cursor_row == 0
        assert "Undone: “Share the morning plan” (A1, 01 Sep 2026, Priya) is carried over again." in _status_line(screen)
        await pilot.press("down", "ctrl+z", "ctrl+z")  # the second back to open, then the first too
        await pilot.pause()
        assert screen.table.cursor_row == 0
        assert [row[4].plain for row in screen.table.rows] == ["open", "open"]
        session = app.screen.session
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "No status change to undo." in _status_line(screen)
    assert _statuses(store) == {"Share the morning plan": (ActionStatus.open, 0), "Invite school nurse": (ActionStatus.open, 0)}
    ended, path = end_session(store, store.load_session(session.id), clock)
    body = path.read_text(encoding="utf-8")
    assert "Share the morning plan" not in body and "Invite school nurse" not in body and "mistake" not in body
    assert not ended.action_reviews
    # The lines that take the changes back are the app's own: the action log opens again without a word.
    from facilitator.store import Store

    again = Store(data_dir, read_only=True).open()
    again.finish_opening()
    assert not [n for n in again.notices if "action log" in n]


async def test_a_fast_burst_of_typing_at_the_table_lands_whole_in_the_note_box(store, library, clock):
    from textual import events

    reviewed_session(store, library, clock, action="Invite school nurse", owner="Sam", due="2027-01-15")
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await wait_ready(pilot)
        screen = app.screen
        # All at once, as a terminal delivers keys typed quickly (or pasted) before any is handled.
        for ch in "dad said, call done":
            app.post_message(events.Key("space" if ch == " " else ch, ch))
        await until(pilot, lambda: screen.query_one("#action-note", Input).value == "dad said, call done")
        assert screen.query_one("#action-note", Input).value == "dad said, call done"
        assert screen.table.rows[0][5].plain.startswith("open")
    assert _statuses(store) == {"Invite school nurse": (ActionStatus.open, 0)}


async def test_a_long_action_is_shortened_at_a_word_and_a_names_what_it_will_show(store, library, clock):
    long = ("Write to the head teacher and the school nurse to thank them for the plan they kept to all winter, "
            "and ask them to the next review")
    reviewed_session(store, library, clock, action=long, owner="Sam", due="2027-01-15")
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        from facilitator.tui.widgets.key_bar import KeyBar

        screen = await open_actions_screen(pilot)
        offered = lambda: {k.description for k in screen.query_one(KeyBar).keys()[0]}  # noqa: E731
        assert "Show closed" in offered() and "Open only" not in offered()
        await pilot.press("d")
        await pilot.pause()
        assert "Mark “Write to the head teacher and the school nurse to thank…” (A1, 01 Sep 2026, Sam) as done?" in _status_line(screen)
        await pilot.press("escape", "a")
        await pilot.pause()
        assert screen.sub_title == "all actions"
        assert "Open only" in offered() and "Show closed" not in offered()
        await pilot.press("a")
        await pilot.pause()
        assert screen.sub_title == "open actions" and "Show closed" in offered()


async def test_the_chosen_action_stays_in_sight_when_its_history_is_shown_below(store, clock):
    import datetime as dt
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from _history import make_history

    store.import_sessions(make_history(12, 30, dt.date(2026, 11, 1)), sync=False)
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_actions_screen(pilot)
        table = screen.table
        assert table.row_count > 30
        await pilot.press("end")
        await pilot.pause()
        await pilot.press("enter")  # the action's history, below the table: the table is made smaller
        await pilot.pause()
        history = str(screen.query_one("#action-history", Static).render())
        assert history.startswith(screen.current_action().text)
        top = int(table.scroll_offset.y)
        assert top <= table.cursor_row < top + table.size.height - 1  # (its first line is the header)


async def test_a_note_typed_and_not_given_to_an_action_is_not_thrown_away_unseen(store, library, clock):
    """ctrl+s in the follow-up round (and escape there or on the actions screen) with a note typed but not yet
    given to an action threw the note away without a word. It says so once and stays; the same key again goes on."""
    from facilitator.tui.screens.actions import FollowUpScreen
    from facilitator.tui.screens.session import SessionScreen
    from tests.learning.test_actions import _start_from_setup

    reviewed_session(store, library, clock, action="Invite school nurse", owner="Sam", due="2027-01-15")
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await _start_from_setup(pilot, "Family Support 2")
        screen = app.screen
        assert isinstance(screen, FollowUpScreen)
        note = screen.query_one("#action-note", Input)
        note.focus()
        await pilot.press(*"nurse starts in January")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert "The note “nurse starts in January” is not saved" in _status_line(screen)
        assert "ctrl+s again starts the session without it" in _status_line(screen)
        await pilot.press("escape")  # said once for this note: escape now skips the round
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)

    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_actions_screen(pilot)
        await pilot.press(*"dad called")
        await until(pilot, lambda: screen.focused is screen.query_one("#action-note", Input))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)
        assert "The note “dad called” is not saved" in _status_line(screen)
        await pilot.press("enter", "d", "enter")  # given to the action: saved with it
        await pilot.pause()
        assert "is now done (dad called)" in _status_line(screen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ActionsScreen)


async def test_a_follow_up_round_of_a_session_dated_in_the_past_dates_its_changes_that_day(store, library, clock):
    """Minutes typed up afterwards: the changes made in the round were dated the day they were typed, so the themes
    counted them in the wrong month and two digests of one history disagreed on the day."""
    import datetime as dt

    from facilitator.session_ops import start_session
    from facilitator.tui.screens.actions import FollowUpScreen

    reviewed_session(store, library, clock, action="Invite school nurse", owner="Sam", due="2027-01-15")
    session = start_session(store, library.get("quick-success-huddle"), clock=clock, title="October huddle",
                            team="Family Support 2", date=dt.date(2026, 10, 6))
    app = build_app(store, clock, open_session_id=session.id, follow_up=True)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(pilot)
        assert isinstance(app.screen, FollowUpScreen)
        await pilot.press("d", "enter")
        await pilot.pause()
        assert "is now done" in _status_line(app.screen)
    (action,) = load_actions(store, HistoryIndex(store).refresh().facts())
    assert [(c.status, c.date) for c in action.history] == [(ActionStatus.done, dt.date(2026, 10, 6))]


async def test_enter_straight_after_a_note_typed_at_the_table_gives_the_note(store, library, clock):
    """A note typed at the table at a steady pace, enter within a moment of the last letter, then d and enter: the
    enter opened the action's history and the d went into the note ("Panel met earlyd"), the status as it was. The
    enter gives the note, and d then proposes done."""
    reviewed_session(store, library, clock, action="Invite school nurse", owner="Sam", due="2027-01-15")
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_actions_screen(pilot)
        await pilot.press(*"panel met early", "enter")  # (within the 0.3 s that moves the focus to the note box)
        await pilot.pause()
        note = screen.query_one("#action-note", Input)
        assert note.value == "panel met early"
        assert "Now press d, p, x or c" in _status_line(screen), _status_line(screen)
        assert "escape closes this" not in str(screen.query_one("#action-history", Static).render())
        await pilot.press("d")
        await pilot.pause()
        assert note.value == "panel met early" and "as done?" in _status_line(screen), _status_line(screen)
        await pilot.press("enter")
        await pilot.pause()
    actions = load_actions(store, HistoryIndex(store).refresh().facts())
    assert [(a.status, a.history[-1].note) for a in actions] == [(ActionStatus.done, "panel met early")]
