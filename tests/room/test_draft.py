"""ctrl+q keeps the half-typed contribution, and resuming brings it back; it is never in a record."""

from __future__ import annotations

from textual.widgets import Input, Select

from facilitator.session_ops import export_record
from facilitator.store import Store
from facilitator.store.drafts import draft_path
from facilitator.tui.screens.session import SessionScreen
from tests.conftest import build_app, until

from .helpers import open_app, say, status

HALF = "the health visitor noticed that Mum"


async def test_ctrl_q_keeps_the_half_typed_contribution_and_resume_brings_it_back(store, clock, library, data_dir):
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "@2 it started with a school referral")
        box = app.screen.query_one("#contribution", Input)
        await pilot.press(*HALF)
        await pilot.press("ctrl+q")
    store.close()
    assert draft_path(data_dir, session.id).exists()

    again = Store(data_dir, clock=clock).open()
    try:
        app2 = build_app(again, clock, open_session_id=session.id)
        async with app2.run_test(size=(80, 24)) as pilot:
            screen = app2.screen
            assert isinstance(screen, SessionScreen)
            box = screen.query_one("#contribution", Input)
            assert box.value == HALF
            assert screen.query_one("#speaker", Select).value == "Priya"
            assert "Brought back what was being typed" in status(pilot)
            for fmt in ("md", "csv"):
                assert HALF not in export_record(again, screen.session, fmt, draft=True).read_text()
            await pilot.press(*" was tired", "enter")
            await pilot.pause()
            assert [c.text for c in again.load_session(session.id).contributions][-1] == HALF + " was tired"
            await until(pilot, lambda: not draft_path(data_dir, session.id).exists())
            assert not draft_path(data_dir, session.id).exists(), "recorded: no draft is left"
    finally:
        again.close()


async def test_a_damaged_draft_is_ignored_and_the_session_opens(store, clock, library, data_dir):
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    path = draft_path(data_dir, session.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00{not json")
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.query_one("#contribution", Input).value == ""
        await say(pilot, "still works")
    assert [c.text for c in store.load_session(session.id).contributions] == ["still works"]
