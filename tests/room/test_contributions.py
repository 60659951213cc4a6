"""Choosing a recorded contribution from the keyboard, and editing, deleting, moving, starring and tagging it;
ctrl+z undoes each change; an accidental ctrl+n is undone by ctrl+b and loses nothing."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from facilitator.record.markdown import render_markdown
from facilitator.tui.screens.contribution_dialogs import ConfirmScreen, EditContributionScreen, MoveScreen, TagScreen
from facilitator.tui.widgets.contribution_list import ContributionList

from .helpers import open_app, palette, say, session_screen, shown, status


def chosen_text(pilot) -> list[str]:
    return [i.text for i in session_screen(pilot).query_one(ContributionList).shown_contributions() if i.chosen]


async def test_choose_with_up_and_edit_then_undo(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "@1 visits at the kitchen tabel")
        await say(pilot, "@2 rang back the same day")
        await pilot.press("up")  # from the box into the list: the last one is chosen
        await pilot.pause()
        assert isinstance(app.screen.focused, ContributionList)
        assert chosen_text(pilot) == ["2. Priya: rang back the same day"]
        await pilot.press("up")
        await pilot.pause()
        assert chosen_text(pilot) == ["1. Sam Patel: visits at the kitchen tabel"]
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditContributionScreen)
        box = app.screen.query_one("#edit-text", Input)
        box.value = "visits at the kitchen table"
        await pilot.press("enter")
        await pilot.pause()
        assert shown(pilot)[0] == "1. Sam Patel: visits at the kitchen table"
        assert store.load_session(session.id).contributions[0].text == "visits at the kitchen table"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert shown(pilot)[0] == "1. Sam Patel: visits at the kitchen tabel"
        assert status(pilot).startswith("Undone: change to")
        await pilot.press("escape")  # back to the box
        await pilot.pause()
        assert app.screen.focused is session_screen(pilot).query_one("#contribution", Input)
    assert store.load_session(session.id).contributions[0].text == "visits at the kitchen tabel"


async def test_an_actions_owner_due_and_who_hears_are_edited_and_reach_the_record(store, clock, library):
    """e on a recorded action shows its owner, due date (as it was said) and who hears about it; a wrong date is
    put right and a missing owner added there, and the record and the action register show them (the read-back
    sends people here to agree what is missing). ctrl+z puts them back."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        screen.query_one("#kf-owner", Input).value = "Sam"
        screen.query_one("#kf-due", Input).value = "next supervision"
        await say(pilot, "Write up the case study")
        await say(pilot, "Review the feedback form")
        await pilot.press("up", "up", "e")
        await pilot.pause()
        assert isinstance(app.screen, EditContributionScreen)
        dialog = app.screen
        assert [dialog.query_one(f"#edit-{k}", Input).value for k in ("owner", "due", "tell")] == ["Sam", "next supervision", ""]
        dialog.query_one("#edit-due", Input).value = "end of February 2027"
        dialog.query_one("#edit-tell", Input).value = "the service manager"
        await pilot.pause()
        assert "28 Feb 2027" in str(dialog.query_one("#edit-due", Input).border_subtitle)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, EditContributionScreen)
        await pilot.press("down", "e")  # the second: no owner yet
        await pilot.pause()
        app.screen.query_one("#edit-owner", Input).value = "Priya"
        await pilot.press("enter")
        await pilot.pause()
        first, second = store.load_session(session.id).contributions
        assert (first.text, first.fields["owner"], first.fields["due"], first.fields["tell"]) == (
            "Write up the case study", "Sam", "2027-02-28", "the service manager")
        assert first.fields["due_said"] == "end of February 2027"
        assert second.fields == {"owner": "Priya"}
        record = render_markdown(store.load_session(session.id))
        assert "| A1 | Write up the case study | Sam | 2027-02-28 | the service manager |" in record
        assert "| A2 | Review the feedback form | Priya |" in record
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert store.load_session(session.id).contributions[1].fields == {}


async def test_delete_asks_first_and_undo_brings_it_back(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "first")
        await say(pilot, "second")
        await pilot.press("ctrl+l", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # no: kept
        await pilot.pause()
        assert shown(pilot) == ["1. first", "2. second"]
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert shown(pilot) == ["1. first"]
        assert [c.text for c in store.load_session(session.id).contributions] == ["first"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert shown(pilot) == ["1. first", "2. second"]
    assert [c.text for c in store.load_session(session.id).contributions] == ["first", "second"]


async def test_an_action_moved_to_a_phase_of_another_kind_says_its_owner_and_due_leave_the_minutes(store, clock, library):
    """m on an action, to turning points: its owner and due date were left out of the minutes, the actions screen and
    the next follow-up round without a word (the screen still showed them). The move says so, and ctrl+z undoes it."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        screen.query_one("#kf-owner", Input).value = "Sam"
        screen.query_one("#kf-due", Input).value = "next supervision"
        await say(pilot, "Write up the case study")
        await pilot.press("up", "m")
        await pilot.pause()
        assert isinstance(app.screen, MoveScreen)
        for _ in range(10):  # (to turning points, wherever the dialog starts)
            if "Turning points" in str(app.screen.query_one(OptionList).highlighted_option.prompt):
                break
            await pilot.press("up")
        await pilot.press("enter")
        await pilot.pause()
        said = status(pilot)
        assert said.startswith("Moved to 4. Turning points: it is no longer an action in the minutes") and (
            "owner and due" in said and "ctrl+z" in said), said
        moved = store.load_session(session.id).contributions[0]
        assert moved.phase_id == "turning-points" and moved.fields["owner"] == "Sam"  # (kept)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert store.load_session(session.id).contributions[0].phase_id == "learning-actions"


async def test_move_to_another_phase_and_undo(store, clock, library):
    ssr = library.get("serious-success-review")
    session, app = open_app(store, clock, ssr, "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        await say(pilot, "Month 3: attendance dropped")
        await pilot.press("up", "m")
        await pilot.pause()
        assert isinstance(app.screen, MoveScreen)
        await pilot.press("enter")  # the next phase is offered first: turning points
        await pilot.pause()
        assert shown(pilot) == []
        assert "Moved to 4. Turning points" in status(pilot)
        assert [c.phase_id for c in store.load_session(session.id).contributions] == ["turning-points"]
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert shown(pilot) == ["1. Month 3: attendance dropped"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert shown(pilot) == []
        assert "(in 3. What went right)" in status(pilot)  # back where it was said, and the status says where
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert shown(pilot) == ["1. Month 3: attendance dropped"]


async def test_star_and_tag_show_on_screen_and_in_the_record(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        await say(pilot, "@2 rang back the same day")
        await say(pilot, "we agreed to keep visits at home")
        await pilot.press("up", "up", "s")
        await pilot.pause()
        assert shown(pilot)[0] == "1. ★ Priya: rang back the same day"
        await pilot.press("down", "t")
        await pilot.pause()
        assert isinstance(app.screen, TagScreen)
        # Ticked state is in the text: [x] / [ ].
        await pilot.press("end", "space")  # "decision", always offered, is last
        await pilot.press("home", "space")  # and the template's first practice skill
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        # Who said it stayed chosen: the second is Priya's too.
        assert shown(pilot)[1] == "2. Priya: we agreed to keep visits at home  #care and empathy  #decision"
        assert "e gives the decision its reason" in status(pilot)
        # A decision's reason (nothing could give one: every decision in the minutes was a bare line).
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditContributionScreen)
        app.screen.query_one("#edit-reason", Input).value = "the family asked for it"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EditContributionScreen)
    record = render_markdown(store.load_session(session.id))
    highlights = record.split("## Highlights")[1].split("##")[0]
    decisions = record.split("## Decisions")[1].split("##")[0]
    assert "rang back the same day" in highlights
    # The phase the highlight was said in, as a reader of the markdown sees it: no backslash after its number.
    assert "*(3. What went right)*" in highlights, highlights
    # A full stop between the decision and its reason, as a sentence ends.
    assert "- we agreed to keep visits at home. **Reason:** the family asked for it" in decisions


async def test_an_accidental_next_phase_is_undone_by_ctrl_b_and_loses_nothing(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "visits at home")
        box = session_screen(pilot).query_one("#contribution", Input)
        box.value = "half typed"
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert session_screen(pilot).session.phase.id == "what-went-right"
        assert shown(pilot) == ["1. visits at home"]
        assert box.value == "half typed"


async def test_palette_commands_reach_the_last_contribution(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        await say(pilot, "rang back the same day")
        await palette(pilot, "star a contribution")
        assert shown(pilot) == ["1. ★ rang back the same day"]
        await palette(pilot, "undo the last change")
        assert shown(pilot) == ["1. rang back the same day"]
        await palette(pilot, "timer start")
        assert session_screen(pilot).timer().running
