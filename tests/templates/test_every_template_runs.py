"""Every built-in template, run by Pilot through the real app: chosen on the home screen, set up, its first
and last phases recorded (with the fields of their kind), ended, and its record written."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from facilitator.models import PhaseKind
from facilitator.tui.screens.dialogs import EndedScreen
from facilitator.tui.screens.home import HomeScreen
from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.screens.setup import SetupScreen
from facilitator.tui.widgets.contribution_list import ContributionList
from tests.conftest import build_app

from .test_builtin import DESIGN_IDS

# What to fill in the extra fields of each kind, and what the record's table must then show.
KIND_INPUT = {
    PhaseKind.discussion: ({}, None),
    PhaseKind.strengths: ({"#kf-evidence": "seen at every visit"}, "| Strength | Evidence |"),
    PhaseKind.timeline: ({"#kf-when": "week 2"}, "| When | What happened |"),
    PhaseKind.actions: ({"#kf-owner": "Priya", "#kf-due": "2026-12-15", "#kf-tell": "the team"}, "| Action | Owner | Due |"),
    PhaseKind.scale: ({"#kf-rating": "7"}, "| Who | Rating | Reason |"),
    PhaseKind.round: ({}, None),
}


async def record_here(pilot, screen: SessionScreen, text: str) -> None:
    kind = screen.session.phase.kind
    for selector, value in KIND_INPUT[kind][0].items():
        screen.query_one(selector, Input).value = value
    screen.query_one("#contribution", Input).value = text
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("template_id", DESIGN_IDS)
async def test_builtin_template_runs_from_first_to_last_phase(template_id, store, clock, data_dir):
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        templates = home.query_one("#templates")
        templates.highlighted = templates.get_option_index(template_id)
        await pilot.press("enter")
        await pilot.pause()
        setup = app.screen
        assert isinstance(setup, SetupScreen) and setup.template.id == template_id
        setup.query_one("#title", Input).value = f"Trying {template_id}"
        setup.query_one("#participants", Input).value = "Sam, Priya, Team manager"
        setup.query_one("#agreed").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        phases = screen.session.template.phases
        first, last = phases[0], phases[-1]
        assert screen.session.phase.id == first.id
        assert screen.focused is screen.query_one("#contribution", Input)

        await record_here(pilot, screen, f"First words in {first.title}")
        for _ in phases[1:]:
            await pilot.press("ctrl+n")
            await pilot.pause()
        assert screen.session.phase.id == last.id
        if last.kind == PhaseKind.round:
            # In a round, who said it starts on the first person still to speak.
            assert screen.query_one("#speaker", Select).value == "Sam"
        await record_here(pilot, screen, f"Last words in {last.title}")
        assert [i.contribution.text for i in screen.query_one(ContributionList).shown_contributions()] == [f"Last words in {last.title}"]

        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EndedScreen)

    [record] = list((data_dir / "records").glob("*.md"))
    text = record.read_text(encoding="utf-8")
    plain = text.replace("\\", "")
    assert f"template: {template_id}" in text
    for phase in (first, last):
        assert f"{phase.title}" in plain
        said = f"{'First' if phase is first else 'Last'} words in {phase.title}"
        assert said in plain
        header = KIND_INPUT[phase.kind][1]
        if header:
            assert header in text, f"{phase.kind.value} phase {phase.id} has no table in the record"
    stored = store.load_session(screen.session.id).contributions
    assert [c.phase_id for c in stored] == [first.id, last.id]
    if last.kind == PhaseKind.actions:
        assert stored[-1].fields == {"owner": "Priya", "due": "2026-12-15", "tell": "the team"}
