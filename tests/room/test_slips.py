"""No slip can hurt anyone: choosing starts at the newest contribution, flagging and deleting ask first and
name the item, and each is undone by ctrl+z."""

from __future__ import annotations

from facilitator.tui.screens.contribution_dialogs import ConfirmScreen
from facilitator.tui.widgets.contribution_list import ContributionList

from .helpers import open_app, say, session_screen, shown, status


def chosen_text(pilot) -> list[str]:
    return [i.text for i in session_screen(pilot).query_one(ContributionList).shown_contributions() if i.chosen]


async def test_up_from_the_box_chooses_the_newest_not_the_last_chosen(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "first thing")
        await say(pilot, "second thing")
        await pilot.press("up", "up")  # into the list, then up to the first
        await pilot.pause()
        assert chosen_text(pilot) == ["1. first thing"]
        await pilot.press("escape")
        await say(pilot, "third thing")
        await pilot.press("up")
        await pilot.pause()
        assert chosen_text(pilot) == ["3. third thing"]


async def test_flag_asks_naming_the_item_and_undo_brings_it_back(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "the school rang the same day")
        await say(pilot, "home visit on the Tuesday went well")
        await pilot.press("up", "up", "exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "the school rang the same day" in app.screen.detail
        await pilot.press("escape")  # no: nothing hidden
        await pilot.pause()
        assert len(shown(pilot)) == 2
        assert "Not flagged: “the school rang the same day”" in status(pilot)
        assert not any(c.safeguarding for c in store.load_session(session.id).contributions)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert shown(pilot) == ["1. home visit on the Tuesday went well"]
        assert status(pilot).startswith("Flagged as a safeguarding concern")
        assert "the school rang the same day" not in status(pilot)  # (hidden from the room: not on its status line)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(shown(pilot)) == 2
        assert "the school rang the same day" in status(pilot)
    assert not any(c.safeguarding for c in store.load_session(session.id).contributions)


async def test_delete_message_names_the_item(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "kept this one")
        await say(pilot, "delete this one")
        await pilot.press("up", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "delete this one" in app.screen.detail
        await pilot.press("enter")
        await pilot.pause()
        assert "Deleted “delete this one”" in status(pilot)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "delete this one" in status(pilot)
        assert shown(pilot) == ["1. kept this one", "2. delete this one"]


async def test_the_names_to_replace_dialog_warns_to_blank_the_projector_first(store, clock, library):
    from textual.widgets import Static

    from facilitator.tui.screens.redaction import NamesScreen

    from .helpers import palette

    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await palette(pilot, "names to replace")
        assert isinstance(app.screen, NamesScreen)
        warning = str(app.screen.query_one("#names-warning", Static).render())
        assert "real names" in warning and "Blank the projector" in warning
        assert app.screen.query_one("#names-warning").region.height >= 1  # on screen at 80x24
        # and the Save button, inside the dialog (it was cut off below the box at 24 rows)
        save, dialog = app.screen.query_one("#save").region, app.screen.query_one("#names-dialog").region
        assert save.height == 3 and dialog.contains_region(save) and save.bottom <= dialog.bottom - 2, (save, dialog)


async def test_a_names_list_whose_replacement_is_a_listed_name_is_not_kept(store, clock, library):
    """"Jayden -> Kai" with "Kai -> Jayden" on the list too (children given each other's pseudonyms) put both
    names into the record. The dialog says so and keeps the list it had."""
    from textual.widgets import Static, TextArea

    from facilitator.tui.screens.redaction import NamesScreen

    from .helpers import palette

    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await palette(pilot, "names to replace")
        assert isinstance(app.screen, NamesScreen)
        app.screen.query_one("#names", TextArea).text = "Jayden -> Kai\nKai -> Jayden"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NamesScreen)
        said = str(app.screen.query_one("#names-error", Static).render())
        assert "“Jayden -> Kai” would put a name on this list into the record" in said
        app.screen.query_one("#names", TextArea).text = "Jayden -> Child A\nKai -> Child B"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NamesScreen)
    assert store.load_session(session.id).redactions == {"Jayden": "Child A", "Kai": "Child B"}


async def test_a_name_that_is_also_an_ordinary_word_is_asked_about_once(store, clock, library):
    """"Will -> Child B" put "we Child B see" and the template's "What Child B we take…" in the record without a
    word: a name newly listed and written in lower case in the session is asked about once; ctrl+s again keeps it."""
    from textual.widgets import Static, TextArea

    from facilitator.tui.screens.redaction import NamesScreen

    from .helpers import palette

    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "Kayla said she will stay; we will see")
        await palette(pilot, "names to replace")
        app.screen.query_one("#names", TextArea).text = "Kayla -> Child A\nWill -> Child B"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NamesScreen)
        said = " ".join(str(app.screen.query_one("#names-error", Static).render()).split())
        assert "“Will” is written in lower case here (“Kayla said she will stay; we will see”)" in said, said
        assert store.load_session(session.id).redactions == {}
        # At 24 rows the question and the Save button both show (the how-to lines above the box make room).
        save, dialog = app.screen.query_one("#save").region, app.screen.query_one("#names-dialog").region
        assert save.height == 3 and dialog.contains_region(save) and save.bottom <= dialog.bottom - 1, (save, dialog)
        await pilot.press("ctrl+s")  # kept, as asked
        await pilot.pause()
        assert not isinstance(app.screen, NamesScreen)
    assert store.load_session(session.id).redactions == {"Kayla": "Child A", "Will": "Child B"}


async def test_a_name_that_is_an_everyday_word_can_be_replaced_only_where_it_has_its_capital(store, clock, library, data_dir):
    """"Hope -> Child D" made "we hope the school kept a place open" read "we Child D the school ..." in the record,
    the HTML, the Word file and the digest; the question when the list was saved offered only to keep that or take
    the name off. "Hope (capital only) -> Child D" replaces "Hope" and "HOPE", and leaves the word."""
    from pathlib import Path

    from textual.widgets import Static, TextArea

    from facilitator.record.markdown import split_record
    from facilitator.tui.screens.redaction import NamesScreen
    from tests.conftest import end_from_the_screen

    from .helpers import palette

    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "we hope the school kept a place open")
        await say(pilot, "Hope came to the meeting")
        await palette(pilot, "names to replace")
        app.screen.query_one("#names", TextArea).text = "Hope -> Child D"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NamesScreen)
        said = " ".join(str(app.screen.query_one("#names-error", Static).render()).split())
        assert "every “hope” would become “Child D”. “Hope (capital only)” replaces it only with its capital" in said, said
        save, dialog = app.screen.query_one("#save").region, app.screen.query_one("#names-dialog").region
        assert dialog.contains_region(save), (save, dialog)  # (the longer question leaves the Save button in sight)
        app.screen.query_one("#names", TextArea).text = "Hope (capital only) -> Child D"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NamesScreen)  # (not asked again: the word is left as it is)
        await say(pilot, "HOPE rang back, hopeful")
        ended = await end_from_the_screen(pilot)
        path = str(ended.query_one("#record-path", Static).render()).replace("\n", "")
    body = split_record(Path(path).read_text(encoding="utf-8"))[1]
    assert "we hope the school kept a place open" in body and "Child D came to the meeting" in body
    assert "Child D rang back, hopeful" in body and "Hope" not in body and "HOPE" not in body
    assert store.load_session(session.id).redactions == {"Hope (capital only)": "Child D"}


async def test_a_listed_name_in_the_name_of_someone_at_the_session_is_asked_about_once(store, clock, library, data_dir):
    """"O'Neil -> Family D", listed for a family, turned the participant Mark O'Neil into "Mark Family D" in the
    record's attendees, speakers and owners, without a word. Saving such a list names the person once; ctrl+s
    again keeps it."""
    from textual.widgets import Static, TextArea

    from facilitator.tui.screens.redaction import NamesScreen

    from .helpers import palette

    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story",
                            participants=["Mark O'Neil", "Dev Patel"])
    async with app.run_test(size=(80, 24)) as pilot:
        await palette(pilot, "names to replace")
        app.screen.query_one("#names", TextArea).text = "Mary-Jane O'Neil -> Patient D\nO'Neil -> Family D"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NamesScreen)
        said = " ".join(str(app.screen.query_one("#names-error", Static).render()).split())
        assert "“O'Neil” is in the name of Mark O'Neil, who is at this session" in said, said
        assert "“Mark Family D”" in said
        assert store.load_session(session.id).redactions == {}
        # Changed to the whole name: saved at once.
        app.screen.query_one("#names", TextArea).text = "Mary-Jane O'Neil -> Patient D\nTina O'Neil -> Family D"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NamesScreen)
        assert store.load_session(session.id).redactions == {"Mary-Jane O'Neil": "Patient D", "Tina O'Neil": "Family D"}
        # Kept as it is when asked again.
        await palette(pilot, "names to replace")
        area = app.screen.query_one("#names", TextArea)
        area.text = area.text + "O'Neil -> Family D\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NamesScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NamesScreen)
    assert store.load_session(session.id).redactions["O'Neil"] == "Family D"


async def test_a_teams_next_session_is_told_of_its_last_names_list_and_ctrl_l_carries_it_over(store, clock, library,
                                                                                             data_dir):
    """A team's next session about the same family started with an empty names list, and nothing said so: the
    child's name then reached its record. The session says the team's last session had a list, and ctrl+l in the
    names dialog adds its names (to check, then save)."""
    from textual.widgets import Static, TextArea

    from facilitator.session_ops import set_redactions, start_session
    from facilitator.tui.screens.redaction import NamesScreen
    from tests.conftest import build_app, until

    from .helpers import palette

    huddle = library.get("quick-success-huddle")
    first = start_session(store, huddle, clock=clock, title="Huddle", team="Family Support 2", ground_rules_agreed=True)
    set_redactions(store, first, {"Jayden": "Child A", "Mary-Jane": "Mother"})
    # a session between them whose list was left empty: the names come from the one before it
    start_session(store, huddle, clock=clock, title="Huddle between", team="Family Support 2", ground_rules_agreed=True)
    second = start_session(store, huddle, clock=clock, title="Huddle again", team="family support 2",
                           ground_rules_agreed=True)
    app = build_app(store, clock, open_session_id=second.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "earlier session of this team" in status(pilot))
        assert "An earlier session of this team listed 2 names to replace" in status(pilot), status(pilot)
        assert "ctrl+l" in status(pilot)
        await palette(pilot, "names to replace")
        screen = app.screen
        assert isinstance(screen, NamesScreen)
        assert "listed 2 names this list does not have" in str(screen.query_one("#names-earlier", Static).render())
        screen.query_one("#names", TextArea).text = "Kai -> Child B\n"
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert screen.query_one("#names", TextArea).text == "Kai -> Child B\nJayden -> Child A\nMary-Jane -> Mother\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NamesScreen)
        assert "earlier session of this team" not in status(pilot)  # (it has a list now)
    assert store.load_session(second.id).redactions == {"Kai": "Child B", "Jayden": "Child A", "Mary-Jane": "Mother"}
