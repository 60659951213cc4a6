"""Safeguarding: a flagged contribution leaves the projected list at once, never reaches the record or any
export, and is kept in a facilitator-only note with the same-day reminder, shown only after a warning."""

from __future__ import annotations

import csv
import io
import stat

from textual.widgets import Static

from facilitator.session_ops import export_record
from facilitator.store.notes import safeguarding_note_path
from facilitator.tui.screens.dialogs import EndedScreen
from facilitator.tui.screens.safeguarding import SafeguardingScreen

from tests.record.helpers import docx_text

from .helpers import open_app, say, session_screen, shown, status

CONCERN = "Child A said Dad's friend stays over and she is scared of him"


async def test_flagging_hides_it_now_and_keeps_it_out_of_every_export(store, clock, library, data_dir):
    # In the learning actions phase: the one phase every export lists, the CSV of actions included.
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        await say(pilot, "@1 school referral after a month missed")
        await say(pilot, "@2 " + CONCERN)
        await pilot.press("up", "exclamation_mark")
        await pilot.pause()
        await pilot.press("enter")  # yes, flag it
        await pilot.pause()
        assert shown(pilot) == ["1. Sam Patel: school referral after a month missed"]
        assert "Recorded in this phase (1)" in str(session_screen(pilot).query_one("#recorded-title", Static).render())
        assert "facilitator-only note" in status(pilot)
        screen = session_screen(pilot)
        exported = {}
        for fmt in ("md", "html", "csv", "docx"):
            data = export_record(store, screen.session, fmt, draft=True).read_bytes()
            exported[fmt] = docx_text(data) if fmt == "docx" else data.decode("utf-8-sig")
            assert "scared of him" not in exported[fmt], fmt
        assert "school referral after a month missed" in exported["docx"]
        rows = list(csv.DictReader(io.StringIO(exported["csv"])))
        assert [r["Action"] for r in rows] == ["school referral after a month missed"]
        note = safeguarding_note_path(data_dir, session.id)
        assert CONCERN in note.read_text()
        assert "Pass each concern on today" in note.read_text()
        assert stat.S_IMODE(note.stat().st_mode) == 0o600
        assert not note.is_relative_to(store.records_dir)

        # The facilitator-only screen warns first; the concern is shown only after enter.
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, SafeguardingScreen)
        assert "scared" not in str(app.screen.query_one("#safeguarding-list", Static).render())
        assert "Pass each concern on today" in str(app.screen.query_one("#safeguarding-reminder", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        assert CONCERN in str(app.screen.query_one("#safeguarding-list", Static).render())
        await pilot.press("escape")
        await pilot.pause()

        # ctrl+z unflags it: back in the list, and the note holds nothing any more.
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert shown(pilot)[1] == "2. Priya: " + CONCERN
        assert not note.exists()


async def test_record_straight_into_the_note_and_the_reminder_at_the_end(store, clock, library, data_dir):
    session, app = open_app(store, clock, library.get("quick-success-huddle"))
    async with app.run_test(size=(160, 45)) as pilot:
        await say(pilot, "@3 story went well")
        screen = session_screen(pilot)
        screen.query_one("#contribution").value = "@1 " + CONCERN
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert shown(pilot) == ["1. Team manager: story went well"]
        assert screen.query_one("#contribution").value == ""
        assert CONCERN in safeguarding_note_path(data_dir, session.id).read_text()
        await pilot.press("ctrl+e")
        await pilot.pause()
        # The room is shown counts of what it saw: the flagged concern is not counted.
        asked = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "1 contribution recorded in 1 of 4 phases" in asked
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EndedScreen)
        summary = str(app.screen.query_one("#ended-summary", Static).render()).splitlines()
        assert summary[0].split()[-2:] == ["1", "recorded"]
        record = app.screen.record_path.read_text()
        messages = [n.message for n in app._notifications]
    assert "scared" not in record and "story went well" in record
    assert any("facilitator-only note" in m and "today" in m for m in messages)
    stored = store.load_session(session.id).contributions
    assert [(c.speaker, c.safeguarding) for c in stored] == [("Team manager", False), ("Sam Patel", True)]


async def test_a_note_that_cannot_be_written_is_not_said_to_hold_the_concern(store, clock, library, data_dir):
    """The note's file refused (here a folder where it goes): the status line said the concern "is in the
    facilitator-only note" while a warning said the note could not be written. The status line says where it is."""
    session, app = open_app(store, clock, library.get("quick-success-huddle"))
    safeguarding_note_path(data_dir, session.id).mkdir(parents=True)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        screen.query_one("#contribution").value = "@1 " + CONCERN
        await pilot.press("ctrl+f")
        await pilot.pause()
        said = " ".join(status(pilot).split())
        assert "it is in the facilitator-only note" not in said, said
        assert "kept in the session and f6 shows it" in said and "write it down now" in said, said
        assert any("could not be written" in n.message for n in app._notifications)
    assert store.load_session(session.id).contributions[0].safeguarding
