"""In the app: the identifier review before the final record, draft exports and the names list from the palette."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static, TextArea

from facilitator.models import SessionStatus
from facilitator.tui.screens.dialogs import EndedScreen
from facilitator.tui.screens.redaction import ApologiesScreen, IdentifierReviewScreen, NamesScreen
from facilitator.tui.screens.session import SessionScreen
from tests.conftest import build_app, run_command

from .helpers import new_session, say, split_record


async def _palette(pilot, query: str) -> None:
    await run_command(pilot, query)


async def _review(pilot) -> tuple[IdentifierReviewScreen, DataTable]:  # noqa: ANN001
    """ctrl+e, then enter: the identifier review before the final record, and its table of findings."""
    await pilot.press("ctrl+e")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    review = pilot.app.screen
    assert isinstance(review, IdentifierReviewScreen)
    return review, review.query_one("#findings", DataTable)


async def test_identifiers_are_reviewed_before_the_final_record(store, ssr, clock, data_dir):
    session = new_session(store, ssr, clock)
    say(store, session, clock, "case-story", "Mum's mobile is 07700 900123 and email mum@example.org", "Sam")
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        review, table = await _review(pilot)
        found = [str(table.get_cell_at((row, 0))) for row in range(table.row_count)]
        assert found == ["07700 900123", "mum@example.org"]
        # Keep the phone number (k), put the email on the names list as "[Mother's email]" (n, type, enter).
        await pilot.press("k")
        await pilot.press("n")
        await pilot.pause()
        assert review.focused is review.query_one("#replacement", Input)
        for ch in "[Mother's email]":
            await pilot.press(ch if ch != " " else "space")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EndedScreen)
        path = str(app.screen.query_one("#record-path", Static).render()).replace("\n", "")  # (broken after a "/" where long)

    text = Path(path).read_text(encoding="utf-8")
    front, body = split_record(text)
    assert front["status"] == "final"
    assert "07700 900123" in body
    assert "mum@example.org" not in body and "\\[Mother's email]" in body
    stored = store.load_session(session.id)
    assert stored.redactions == {"mum@example.org": "[Mother's email]"}
    assert stored.pii_kept == ["07700 900123"]
    assert "mum@example.org" in stored.contributions[0].text


async def test_a_name_the_teams_last_names_list_had_is_asked_about_before_the_final_record(store, ssr, clock, data_dir):
    """The team's last session listed "Jayden -> Child A"; its next one, about the same family, started with an empty
    list, and the status line said so once, gone at the next key: "Jayden Smith" then reached the final record and
    the next session's follow-up round on the projector. The check before the final record now lists each name the
    team's earlier list has that this one lacks, wherever the record would show it, to replace with what that list
    said instead (enter writes it so)."""
    from facilitator.session_ops import set_redactions

    from .helpers import end

    earlier = new_session(store, ssr, clock, title="First look")
    earlier = set_redactions(store, earlier, {"Jayden": "Child A", "Smith": "Family B", "Ruth": "Aunt"})
    end(store, store.load_session(earlier.id), clock)
    session = new_session(store, ssr, clock, title="Jayden's move to secondary school")
    say(store, session, clock, "case-story", "Jayden Smith had a transition plan", "Sam")
    say(store, session, clock, "learning-actions", "Share the checklist", fields={"owner": "JAYDEN's mum and Priya"})
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        review, table = await _review(pilot)
        rows = [[str(table.get_cell_at((row, column))) for column in range(4)] for row in range(table.row_count)]
        assert [row[0] for row in rows] == ["Jayden", "Smith"], "Ruth is not in this session: not asked about"
        assert rows[0][1] == "team's earlier list"
        assert rows[0][2].startswith("title") and "(3x)" in rows[0][2] and rows[0][3] == "replace with Child A"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EndedScreen)
        path = str(app.screen.query_one("#record-path", Static).render()).replace("\n", "")  # (broken after a "/" where long)
    body = split_record(Path(path).read_text(encoding="utf-8"))[1]
    assert "Jayden" not in body and "JAYDEN" not in body and "Smith" not in body
    assert "Child A Family B had a transition plan" in body and "Child A's move to secondary school" in body
    assert store.load_session(session.id).redactions == {"Jayden": "Child A", "Smith": "Family B"}


async def test_a_word_of_a_listed_name_said_on_its_own_is_asked_about_before_the_final_record(store, ssr, clock, data_dir):
    """The list had "Siân Ó Dálaigh -> Aunt" and "Mohammed Al-Hassan -> Father"; "... meet at home with Siân" and
    "Mr Al-Hassan phoned" reached the record, the HTML, the Word file and the digest, and the check before the final
    record said nothing. It now lists each word of a listed name of several found on its own, with the name's
    replacement ready (enter writes it so); a word of under three letters ("Ó") is not asked about."""
    from facilitator.session_ops import set_redactions

    session = new_session(store, ssr, clock, title="Planning the move")
    session = set_redactions(store, session, {"Siân Ó Dálaigh": "Aunt", "Mohammed Al-Hassan": "Father"})
    say(store, session, clock, "case-story", "The manager backed the plan to meet at home with Siân", "Sam")
    say(store, session, clock, "case-story", "Mr Al-Hassan phoned, and Sian rang back", "Sam")
    say(store, session, clock, "case-story", "Siân Ó Dálaigh came to the meeting, O agreed", "Sam")
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        review, table = await _review(pilot)
        rows = [[str(table.get_cell_at((row, column))) for column in range(4)] for row in range(table.row_count)]
        assert [row[0] for row in rows] == ["Siân", "Al-Hassan"]
        assert rows[0][1] == "part of a listed name" and "(2x)" in rows[0][2] and rows[0][3] == "replace with Aunt"
        assert rows[1][3] == "replace with Father"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EndedScreen)
        path = str(app.screen.query_one("#record-path", Static).render()).replace("\n", "")
    body = split_record(Path(path).read_text(encoding="utf-8"))[1]
    assert "Siân" not in body and "Sian" not in body and "Hassan" not in body
    assert "meet at home with Aunt" in body and "Mr Father phoned, and Aunt rang back" in body and "Aunt came" in body
    assert store.load_session(session.id).redactions == {
        "Siân Ó Dálaigh": "Aunt", "Mohammed Al-Hassan": "Father", "Siân": "Aunt", "Al-Hassan": "Father",
    }


async def test_going_back_from_the_review_leaves_the_session_open(store, ssr, clock, data_dir):
    session = new_session(store, ssr, clock)
    say(store, session, clock, "case-story", "Lives at LS1 4AP", "Sam")
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IdentifierReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert "still open" in str(app.screen.query_one("#status", Static).render())
    assert store.load_session(session.id).status == SessionStatus.running
    assert list((data_dir / "records").glob("*.md")) == []


async def test_an_email_address_with_a_listed_name_in_it_is_shown_and_replaced_whole(store, ssr, clock, data_dir):
    """"jayden.smith-jones@school.org" with Jayden and Smith-Jones on the names list: the check showed half of it
    ("B@school.org", the names replaced cut it in two), and r left "Child A.Family \\[email address]" in the record.
    It is shown as the record would show it, whole, and replaced whole."""
    from facilitator.session_ops import set_redactions

    session = new_session(store, ssr, clock)
    say(store, session, clock, "case-story", "Write to jayden.smith-jones@school.org about the plan", "Sam")
    session = set_redactions(store, store.load_session(session.id), {"Jayden": "Child A", "Smith-Jones": "Family B"})
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        review, table = await _review(pilot)
        found = [str(table.get_cell_at((row, 0))) for row in range(table.row_count)]
        assert found == ["Child A.Family B@school.org"]
        await pilot.press("r", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EndedScreen)
        path = str(app.screen.query_one("#record-path", Static).render()).replace("\n", "")
    _, body = split_record(Path(path).read_text(encoding="utf-8"))
    assert "Write to \\[email address] about the plan" in body, body
    assert "school.org" not in body and "Family B" not in body, body


async def test_draft_export_from_the_command_palette(store, ssr, clock, data_dir):
    session = new_session(store, ssr, clock)
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        box = app.screen.query_one("#contribution", Input)
        box.value = "Something said so far"
        await pilot.press("enter")
        await pilot.pause()
        await _palette(pilot, "draft record: markdown")
        assert isinstance(app.screen, SessionScreen)
    drafts = list((data_dir / "records").glob("*-draft.md"))
    assert len(drafts) == 1
    front, body = split_record(drafts[0].read_text(encoding="utf-8"))
    assert front["status"] == "draft" and "Something said so far" in body
    assert store.load_session(session.id).status == SessionStatus.running


async def test_names_list_and_apologies_are_edited_from_the_palette(store, ssr, clock, data_dir):
    session = new_session(store, ssr, clock)
    say(store, session, clock, "ground-rules", "Jayden's mum agreed", "Sam")
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        await _palette(pilot, "names to replace")
        assert isinstance(app.screen, NamesScreen)
        area = app.screen.query_one("#names", TextArea)
        area.insert("Jayden -> Child A\nmum -> Mother")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await _palette(pilot, "apologies")
        assert isinstance(app.screen, ApologiesScreen)
        app.screen.query_one("#apologies", Input).value = "Chris, Dee"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        # Recording still works on the updated session.
        app.screen.query_one("#contribution", Input).value = "After the names were set"
        await pilot.press("enter")
        await pilot.pause()
        await _palette(pilot, "draft record: markdown")

    stored = store.load_session(session.id)
    assert stored.redactions == {"Jayden": "Child A", "mum": "Mother"}
    assert stored.apologies == ["Chris", "Dee"]
    assert [c.text for c in stored.contributions] == ["Jayden's mum agreed", "After the names were set"]
    draft = next((data_dir / "records").glob("*-draft.md")).read_text(encoding="utf-8")
    front, body = split_record(draft)
    assert front["apologies"] == ["Chris", "Dee"]
    assert "Child A's Mother agreed" in body and "Jayden" not in draft


async def test_a_names_line_that_is_not_understood_is_pointed_out(store, ssr, clock):
    session = new_session(store, ssr, clock)
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await _palette(pilot, "names to replace")
        screen = app.screen
        assert isinstance(screen, NamesScreen)
        screen.query_one("#names", TextArea).insert("Jayden -> Child A\nKerry the mum")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        error = screen.query_one("#names-error", Static)
        assert error.display and "Kerry the mum" in str(error.render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
    assert store.load_session(session.id).redactions == {}


async def test_a_name_typed_after_a_saved_list_goes_on_a_line_of_its_own(store, ssr, clock, data_dir):
    """The list opened again ends on an empty line, so a name typed at once is a line of its own; a line holding
    two arrows (two names run together) is refused, never saved as one name whose replacement holds the other."""
    session = new_session(store, ssr, clock)
    say(store, session, clock, "ground-rules", "Kezia-Mae and Mr Hussain came", "Sam")
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        await _palette(pilot, "names to replace")
        await pilot.press(*"Kezia-Mae -> Sibling B")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await _palette(pilot, "names to replace")
        await pilot.press(*"Hussain -> Family C")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert store.load_session(session.id).redactions == {"Kezia-Mae": "Sibling B", "Hussain": "Family C"}
        # Two arrows on one line: said, and nothing saved.
        await _palette(pilot, "names to replace")
        screen = app.screen
        area = screen.query_one("#names", TextArea)
        area.text = "Kezia-Mae -> Sibling BHussain -> Family C"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        said = str(screen.query_one("#names-error", Static).render())
        assert "Sibling BHussain -> Family C" in said and "own line" in said
        await pilot.press("escape")
        await pilot.pause()
        await _palette(pilot, "draft record: markdown")
    assert store.load_session(session.id).redactions == {"Kezia-Mae": "Sibling B", "Hussain": "Family C"}
    draft = next((data_dir / "records").glob("*-draft.md")).read_text(encoding="utf-8")
    assert "Sibling B and Mr Family C came" in draft and "Hussain" not in draft


async def test_the_review_names_a_phase_the_template_no_longer_has_as_the_record_does(store, ssr, clock, data_dir):
    """An identifier in a contribution recorded in a phase the template no longer has is found where the record
    shows it: in its closing section, named as the record names it, never by the phase's id as the file holds it
    (an id a person made, which may hold a name)."""
    from facilitator.store import Store
    from facilitator.vocabulary import NO_PHASE_HEADING
    from tests.privacy.helpers import move_every_contribution_out_of_its_phase

    session = new_session(store, ssr, clock)
    say(store, session, clock, "case-story", "Mum's mobile is 07700 900123", "Sam")
    store.close()
    move_every_contribution_out_of_its_phase(data_dir, session.id, "visits-jayden")
    store = Store(data_dir, clock=clock).open()
    app = build_app(store, clock, open_session_id=session.id)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            _, table = await _review(pilot)
            rows = [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]
            assert [row[0] for row in rows] == ["07700 900123"]
            assert rows[0][2] == NO_PHASE_HEADING
            assert not any("visits-jayden" in cell for row in rows for cell in row)
    finally:
        store.close()


async def test_a_part_of_a_listed_name_in_a_due_the_apologies_a_round_note_or_a_hyphenated_name_is_asked_about(
        store, library, clock, data_dir):
    """With "Lily Ward -> Child L" and "Rosa-Maria Ahmed -> Aunt" listed, an action due "before Ward's hearing", the
    apologies "Lily's gran", a follow-up note "Ward rang" and "Rosa said ... Maria came" reached the record, the CSV and
    the digest, and the check before the final record said nothing: it looked in no due, apologies or round note, and
    split names at spaces only. Each is now asked about, with the name's replacement ready."""
    import datetime as dt

    from facilitator.learning.history import HistoryIndex
    from facilitator.session_ops import set_redactions
    from facilitator.store.actions import change_status
    from tests.learning.helpers import load_actions, reviewed_session

    reviewed_session(store, library, clock, action="Invite the school nurse", owner="Sam")
    session = new_session(store, library.get("serious-success-review"), clock, title="Planning the move")
    action = load_actions(store, HistoryIndex(store).refresh().facts())[0]
    session = change_status(store, action, "done", dt.date(2026, 11, 22), note="Ward rang the nurse",
                            session=session).session
    session = set_redactions(store, session, {"Lily Ward": "Child L", "Rosa-Maria Ahmed": "Aunt"})
    session = store.update_session(session, apologies=["Lily's gran"])
    say(store, session, clock, "case-story", "Rosa said the flat is ready; Rosa-Maria Ahmed's kids; Maria came too", "Sam")
    say(store, session, clock, "learning-actions", "Book the panel", fields={"owner": "Priya", "due": "before Ward's hearing"})
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        review, table = await _review(pilot)
        rows = [[str(table.get_cell_at((row, column))) for column in range(4)] for row in range(table.row_count)]
        assert [row[0] for row in rows] == ["Lily", "Ward", "Rosa", "Maria"], rows
        assert rows[0][2] == "apologies" and rows[0][3] == "replace with Child L"
        assert rows[1][2].startswith("Action follow-up") and "(2x)" in rows[1][2]
        assert rows[2][3] == rows[3][3] == "replace with Aunt"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EndedScreen)
        path = str(app.screen.query_one("#record-path", Static).render()).replace("\n", "")
    body = split_record(Path(path).read_text(encoding="utf-8"))[1]
    for word in ("Lily", "Ward", "Rosa", "Maria"):
        assert word not in body, word
    assert "Child L's gran" in body and "before Child L's hearing" in body and "Child L rang the nurse" in body
    assert "Aunt said the flat is ready; Aunt's kids; Aunt came too" in body


async def test_an_answer_that_would_rename_the_facilitator_is_pointed_out_once(store, ssr, clock, data_dir):
    """"Smith" of the listed "Hope Smith", said on its own, is asked about with "Child A" ready; the facilitator is Jo
    Smith, and ctrl+s made the record say "Facilitator: Jo Child A" (and the Word file's author) without a word. The
    review now says so and stays; k keeps the word, and the record names the facilitator as typed."""
    from facilitator.session_ops import set_redactions

    session = new_session(store, ssr, clock, facilitator="Jo Smith", participants=["Sam", "Bea Smith"])
    session = set_redactions(store, session, {"Hope Smith": "Child A"})
    say(store, session, clock, "case-story", "The Smith family asked for a later visit", "Sam")
    # A participant's name written whole is their name: not asked about.
    say(store, session, clock, "learning-actions", "Book the later visit", fields={"owner": "Bea Smith"})
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        review, table = await _review(pilot)
        rows = [[str(table.get_cell_at((row, column))) for column in range(4)] for row in range(table.row_count)]
        assert [row[0] for row in rows] == ["Smith"] and "(" not in rows[0][2], rows
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is review, "the review stays"
        said = review.query_one("#review-said", Static)
        assert said.display
        assert "Jo Smith" in str(said.render()) and "“Jo Child A”" in str(said.render()), said.render()
        assert "ctrl+s again" in str(said.render())
        await pilot.press("k")
        await pilot.pause()
        assert not said.display, "said no longer: the answer is keep"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EndedScreen)
        path = str(app.screen.query_one("#record-path", Static).render()).replace("\n", "")
    body = split_record(Path(path).read_text(encoding="utf-8"))[1]
    assert "Jo Smith" in body and "Jo Child A" not in body and "| Bea Smith |" in body
    assert store.load_session(session.id).redactions == {"Hope Smith": "Child A"}


async def test_a_names_line_typed_at_machine_speed_then_ctrl_s_is_saved_whole(store, ssr, clock, data_dir):
    """A line typed fast (or pasted by the terminal) and ctrl+s straight after it: the list was read with the last
    letters still on their way, "Not understood: 'Tyle'", while the box showed the line whole."""
    from textual import events

    session = new_session(store, ssr, clock)
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        await _palette(pilot, "names to replace")
        assert isinstance(app.screen, NamesScreen)
        area = app.screen.query_one("#names", TextArea)
        area.focus()
        await pilot.pause()
        for ch in "Tyler -> Young person T":  # all sent before any is handled, as a terminal sends a burst
            app.post_message(events.Key("space" if ch == " " else ch, ch))
        app.post_message(events.Key("ctrl+s", None))
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, NamesScreen), str(app.screen.query_one("#names-error").render())
    assert store.load_session(session.id).redactions == {"Tyler": "Young person T"}
