"""A strength with no evidence gets a gentle prompt for it (enter again records it without); enter records
from every field of a phase, drop-downs included."""

from __future__ import annotations

from textual.widgets import Input, Select

from .helpers import open_app, say, session_screen, shown, status


async def test_a_strength_without_evidence_is_asked_for_it_once(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "strengths-evidence")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = session_screen(pilot)
        await say(pilot, "Child focus")
        assert "How do we know?" in status(pilot)
        assert screen.focused is screen.query_one("#kf-evidence", Input)
        assert store.load_session(session.id).contributions == []
        await pilot.press(*"her own words are in the plan", "enter")
        await pilot.pause()
        assert "evidence: her own words are in the plan" in shown(pilot)[0]
        await say(pilot, "Persistence")
        await pilot.press("enter")  # again, from the evidence field: recorded without
        await pilot.pause()
        assert len(shown(pilot)) == 2
    said = store.load_session(session.id).contributions
    assert [(c.text, c.fields.get("evidence")) for c in said] == [
        ("Child focus", "her own words are in the plan"),
        ("Persistence", None),
    ]


async def test_enter_on_a_drop_down_records(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "strengths-evidence")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        screen.query_one("#kf-evidence", Input).value = "the school said so"
        box = screen.query_one("#contribution", Input)
        box.value = "Partnership with school"
        skill = screen.query_one("#kf-skill", Select)
        skill.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not skill.expanded
        box.value = "Calm under pressure"
        screen.query_one("#kf-evidence", Input).value = "no complaints"
        speaker = screen.query_one("#speaker", Select)
        speaker.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not speaker.expanded
        speaker.focus()
        await pilot.press("space")  # space still opens it
        await pilot.pause()
        assert speaker.expanded
    assert [c.text for c in store.load_session(session.id).contributions] == [
        "Partnership with school",
        "Calm under pressure",
    ]
