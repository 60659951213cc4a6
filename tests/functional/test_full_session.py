"""A whole Serious Success Review driven through the real app, as a facilitator would run it."""

from __future__ import annotations

import re

import pytest
import yaml
from markdown_it import MarkdownIt
from textual.widgets import Input, Select, Static

from facilitator.store import Store
from facilitator.tui.screens.dialogs import EndedScreen
from facilitator.tui.screens.home import HomeScreen
from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.screens.setup import SetupScreen
from facilitator.tui.widgets.contribution_list import ContributionList
from tests.conftest import build_app, end_from_the_screen, screen_text, until

SAID = {
    "ground-rules": ["We agreed to use Child A and Mother throughout."],
    "case-story": ["Referral came from school after Child A missed a month.", "Mother felt judged at first."],
    "what-went-right": ["Visits at the family's kitchen table.", "The worker always rang back the same day."],
    "turning-points": ["Month 3: attendance dropped; we asked Child A what mornings were like."],
    "strengths-evidence": ["Child focus: Child A's own words are in every plan."],
    "learning-actions": ["Share the morning-routine plan at the team meeting (Priya, by 15 Dec)."],
    "close": ["Thank you all."],
}


async def type_and_record(pilot, text: str) -> None:
    box = pilot.app.screen.query_one("#contribution", Input)
    box.value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_whole_serious_success_review(store, clock, data_dir):
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        # The flagship template is first in the list and enter opens its setup step.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        screen = app.screen
        screen.query_one("#title", Input).value = "Returning to school"
        screen.query_one("#team", Input).value = "Family Support 2"
        screen.query_one("#facilitator", Input).value = "Jo Lead"
        screen.query_one("#participants", Input).value = "Sam, Priya, Team manager"
        # Starting without the ground rules tick is refused with a clear note.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Tick that the group agreed" in str(screen.query_one("#setup-error", Static).render())
        assert isinstance(app.screen, SetupScreen)
        screen.query_one("#agreed").value = True
        await pilot.press("ctrl+s")
        # (a team's open actions are looked for first: under load, the session is up a few frames later)
        await until(pilot, lambda: isinstance(app.screen, SessionScreen) and bool(app.screen.query(ContributionList)))
        assert isinstance(app.screen, SessionScreen)
        session_screen = app.screen
        assert app.screen.focused is app.screen.query_one("#contribution", Input)

        phases = session_screen.session.template.phases
        assert [p.id for p in phases] == list(SAID)
        for index, phase in enumerate(phases):
            assert session_screen.session.phase.id == phase.id
            for n, text in enumerate(SAID[phase.id]):
                if n == 1:
                    # Second contribution in a phase is said by Priya, picked in the speaker box.
                    session_screen.query_one("#speaker", Select).value = "Priya"
                await type_and_record(pilot, text)
                if phase.id == "strengths-evidence":
                    # Asked once for the evidence (it is in the text here): enter again records it as it is.
                    await pilot.press("enter")
                    await pilot.pause()
            shown = [item.contribution.text for item in session_screen.query_one(ContributionList).shown_contributions()]
            assert shown == SAID[phase.id]
            if index < len(phases) - 1:
                await pilot.press("ctrl+n")
                await pilot.pause()

        # Past the last phase the app says how to end, and stays put.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "ctrl+e" in str(session_screen.query_one("#status", Static).render())
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EndedScreen)
        shown_path = str(app.screen.query_one("#record-path", Static).render()).replace("\n", "")  # (broken after a "/" where long)
        session_id = app.screen.session.id

    record_files = list((data_dir / "records").glob("*.md"))
    assert len(record_files) == 1
    assert str(record_files[0]) == shown_path
    text = record_files[0].read_text(encoding="utf-8")

    front = yaml.safe_load(text.split("---\n")[1])
    assert front["id"] == session_id
    assert front["template"] == "serious-success-review"
    assert front["date"] == "2026-11-22"
    assert front["facilitator"] == "Jo Lead"
    assert front["team"] == "Family Support 2"
    assert front["participants"] == ["Sam", "Priya", "Team manager"]
    assert front["attendees"] == ["Sam", "Priya", "Team manager"]
    assert front["status"] == "final"

    tokens = MarkdownIt().parse(text.split("---\n", 2)[2])
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    phase_headings = [h for h in headings if re.match(r"\d+\. ", h)]
    assert phase_headings == [f"{n}. {p.title}" for n, p in enumerate(phases, start=1)]
    for said in SAID.values():
        for n, sentence in enumerate(said):
            assert sentence in text.replace("\\", "")
    assert "**Priya:** Mother felt judged at first." in text

    # `facilitator export` writes the same record.
    from facilitator.cli import main

    out = data_dir.parent / "again.md"
    store.close()
    assert main(["--data-dir", str(data_dir), "export", session_id, "--format", "md", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == text


async def test_contributions_survive_quit_and_resume(store, clock, data_dir, ssr):
    from facilitator.session_ops import start_session

    session = start_session(store, ssr, clock=clock, title="Resume me", participants=["Sam"])
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_and_record(pilot, "first thing said")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_and_record(pilot, "second thing said")
        await pilot.press("ctrl+q")
    store.close()

    # A new process-like start: a fresh store on the same folder.
    again = Store(data_dir, clock=clock).open()
    try:
        assert [s.id for s in again.unfinished_sessions()] == [session.id]
        app2 = build_app(again, clock, open_session_id=session.id)
        async with app2.run_test(size=(80, 24)) as pilot:
            screen = app2.screen
            assert isinstance(screen, SessionScreen)
            assert screen.session.phase.id == "case-story"
            assert [i.contribution.text for i in screen.query_one(ContributionList).shown_contributions()] == ["second thing said"]
            await pilot.press("ctrl+b")
            await pilot.pause()
            assert [i.contribution.text for i in screen.query_one(ContributionList).shown_contributions()] == ["first thing said"]
    finally:
        again.close()


@pytest.mark.parametrize("blank", ["   \t  ", "\u200b \u200d\u2060"], ids=["spaces", "zero-width characters"])
async def test_blank_contribution_is_not_recorded(store, clock, ssr, blank):
    """Spaces, or characters that show nothing (a zero-width space pasted from a document), are not recorded."""
    from facilitator.session_ops import start_session

    session = start_session(store, ssr, clock=clock, title="Blank")
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test() as pilot:
        await type_and_record(pilot, blank)
        screen = app.screen
        assert "Nothing to record" in str(screen.query_one("#status", Static).render())
        assert not list(screen.query_one(ContributionList).shown_contributions())
    assert store.load_session(session.id).contributions == []


async def test_hostile_text_is_recorded_and_shown_as_typed(store, clock, ssr):
    from facilitator.session_ops import start_session

    session = start_session(store, ssr, clock=clock, title="Hostile")
    texts = [
        "x" * 10_000,
        "[bold red]not markup[/] and [link=http://x]link[/link]",
        "<script>alert(1)</script> # heading? | a | b |",
        "Emoji 👩🏽‍⚕️ and RTL مرحبا",
    ]
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        for text in texts:
            await type_and_record(pilot, text)
        items = list(app.screen.query_one(ContributionList).shown_contributions())
        assert [i.contribution.text for i in items] == texts
        rendered = "".join(items[1].drawn)
        assert "[bold red]not markup[/]" in rendered
    stored = [c.text for c in store.load_session(session.id).contributions]
    assert stored == texts


async def test_cursor_blink_setting_reaches_the_contribution_box(store, clock, ssr):
    """A steady cursor (setting off) is what the projector and the snapshots rely on."""
    from facilitator.session_ops import start_session

    session = start_session(store, ssr, clock=clock, title="Blink")
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test() as pilot:
        await pilot.pause()
        box = app.screen.query_one("#contribution", Input)
        assert app.screen.focused is box
        assert box.cursor_blink is False


async def test_ground_rules_tick_shows_its_state_without_colour(store, clock):
    app = build_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        box = app.screen.query_one("#agreed")
        assert "✓" not in str(box.render())
        box.value = True
        await pilot.pause()
        assert "✓" in str(box.render())


async def test_at_80_columns_the_records_path_breaks_after_a_folder_never_inside_a_name(store, clock, data_dir, ssr):
    """The ended screen's path broke wherever the line ended ("…-review-202" / "61122-s001.md"): the facilitator
    copying it for whoever files the minutes got it in pieces. It breaks after a "/" only, and reads whole."""
    from facilitator.session_ops import start_session

    session = start_session(store, ssr, clock=clock, title="A path to copy", participants=["Sam"], ground_rules_agreed=True)
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await end_from_the_screen(pilot)
        path = str(next((data_dir / "records").glob("*.md")))
        assert len(path) > 76, "(the test's folder makes a path too long for one line)"
        drawn = [line.strip() for line in screen_text(app).splitlines()]
        start = next(n for n, line in enumerate(drawn) if path.startswith(line) and line.startswith("/"))
        lines = []
        for line in drawn[start:]:
            lines.append(line)
            if "".join(lines) == path:
                break
        assert "".join(lines) == path
        assert len(lines) > 1 and all(line.endswith("/") for line in lines[:-1]), lines
