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


async def test_a_strength_waiting_for_evidence_does_not_slip_into_the_next_phase(store, clock, library):
    """ctrl+n with a strength typed and not recorded (waiting for "How do we know?") says so and stays; pressed
    again it moves on, the words going along in the box. Before, it moved at once without a word, and enter there
    recorded the strength as an action."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "strengths-evidence")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = session_screen(pilot)
        await say(pilot, "Zoë's idea worked")
        assert "How do we know?" in status(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.session.phase.id == "strengths-evidence"
        assert "Not moved: “Zoë's idea worked” is not recorded" in status(pilot)
        await pilot.press("enter")  # recorded here, without evidence
        await pilot.pause()
        await pilot.press("ctrl+n")  # nothing typed now: moves at once
        await pilot.pause()
        assert screen.session.phase.id == "learning-actions"
        screen.query_one("#contribution", Input).value = "Buddy new starters"
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.session.phase.id == "learning-actions"
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.session.phase.id == "strengths-evidence"
        assert screen.query_one("#contribution", Input).value == "Buddy new starters"
    assert [(c.text, c.phase_id) for c in store.load_session(session.id).contributions] == [
        ("Zoë's idea worked", "strengths-evidence")]


async def test_a_strength_from_the_multi_line_editor_is_asked_for_its_evidence_too(store, clock, library):
    """A strength recorded with ctrl+s in the multi-line editor (a pasted note) was recorded at once without evidence,
    while the same typed in the box was asked "How do we know?". Now it is asked too: the lines wait, enter in the
    evidence field records them with it, and enter again records them without."""
    from textual.widgets import TextArea

    from facilitator.tui.screens.contribution_dialogs import LongTextScreen

    session, app = open_app(store, clock, library.get("serious-success-review"), "strengths-evidence")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = session_screen(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, LongTextScreen)
        app.screen.query_one("#long-text", TextArea).text = "First line of a pasted note\nSecond line"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert "How do we know?" in status(pilot)
        assert screen.focused is screen.query_one("#kf-evidence", Input)
        assert store.load_session(session.id).contributions == []
        await pilot.press(*"the school wrote to say so", "enter")
        await pilot.pause()
        assert len(shown(pilot)) == 1
        # the next one, recorded without evidence: enter again
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("#long-text", TextArea).text = "Another\nstrength"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "How do we know?" in status(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert len(shown(pilot)) == 2
        assert screen.query_one("#contribution", Input).value == ""
    said = store.load_session(session.id).contributions
    assert [(c.text, c.fields.get("evidence")) for c in said] == [
        ("First line of a pasted note\nSecond line", "the school wrote to say so"),
        ("Another\nstrength", None),
    ]


async def test_a_strength_with_its_speaker_typed_first_keeps_every_line_from_the_multi_line_editor(
        store, clock, library):
    """"@2 Warmth with the boys" typed in the box, ctrl+o, a second line added, ctrl+s: the editor stayed open (the
    question about evidence was compared with the words without "@2"), evidence typed next went into the strength,
    and after escape only the box's first line was recorded with the evidence, the second line in no record."""
    from textual.widgets import TextArea

    from facilitator.tui.screens.contribution_dialogs import LongTextScreen

    session, app = open_app(store, clock, library.get("serious-success-review"), "strengths-evidence")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        screen.query_one("#contribution", Input).value = "@2 Warmth with the boys"
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, LongTextScreen)
        app.screen.query_one("#long-text", TextArea).text = (
            "@2 Warmth with the boys\nplayed football with them at every visit")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen  # the editor closed; its lines wait
        assert "How do we know?" in status(pilot)
        assert screen.focused is screen.query_one("#kf-evidence", Input)
        assert screen.query_one("#contribution", Input).value == ""
        await pilot.press(*"the boys asked for him by name", "enter")
        await pilot.pause()
        assert len(shown(pilot)) == 1
    said = store.load_session(session.id).contributions
    assert [(c.text, c.speaker, c.fields.get("evidence")) for c in said] == [
        ("Warmth with the boys\nplayed football with them at every visit", "Priya", "the boys asked for him by name"),
    ]
