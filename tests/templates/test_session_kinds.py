"""The session screen adapts to the phase kind: extra fields by tab, enter still records, rounds and scales."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input, Select, Static

from facilitator.session_ops import go_to_phase, start_session
from facilitator.tui.screens.home import HomeScreen
from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.widgets.contribution_list import ContributionList
from facilitator.tui.widgets.kind_fields import KindFields
from tests.conftest import build_app

PEOPLE = ["Sam", "Priya", "Team manager"]


async def go_to(pilot, phase_id: str) -> SessionScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    while screen.session.phase.id != phase_id:
        await pilot.press("ctrl+n")
        await pilot.pause()
    return screen


def status(screen) -> str:
    return str(screen.query_one("#status", Static).render())


def shown(screen) -> list[str]:
    return [item.text for item in screen.query_one(ContributionList).shown_contributions()]


async def type_keys(pilot, text: str) -> None:
    """Really press the keys (slow): used where reaching the right box by keyboard is the point."""
    await pilot.press(*[("space" if ch == " " else ch) for ch in text])


async def type_text(pilot, text: str) -> None:
    """Type into whichever box has the focus."""
    await pilot.pause()
    focused = pilot.app.screen.focused
    assert isinstance(focused, Input), f"focus is on {focused!r}, not a text box"
    focused.value = text
    await pilot.pause()


def open_at(store, clock, template, phase_id: str, **kwargs):
    """A session started and moved to one phase, and the real app opened on it (as `resume` would)."""
    session = start_session(store, template, clock=clock, title="S", **kwargs)
    session = go_to_phase(store, session, template.phase_index(phase_id))
    return session, build_app(store, clock, open_session_id=session.id)


async def test_strength_with_evidence_and_skill_reached_by_tab(store, clock, library):
    session, app = open_at(store, clock, library.get("serious-success-review"), "strengths-evidence", participants=PEOPLE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert screen.query_one(KindFields).display
        await type_text(pilot, "Child focus")
        await pilot.press("tab", "tab")  # past "who said it" to the evidence box
        assert screen.focused is screen.query_one("#kf-evidence", Input)
        await type_keys(pilot, "her words in every plan")
        screen.query_one("#kf-skill", Select).value = "child focus"
        screen.query_one("#contribution", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert status(screen).startswith("Recorded")
        assert shown(screen) == ["1. Child focus\n   evidence: her words in every plan  ·  practice skill: child focus"]
        # The fields are emptied for the next strength, and the cursor is back in the main box.
        assert screen.query_one("#kf-evidence", Input).value == ""
        assert screen.query_one("#kf-skill", Select).value is Select.NULL
        assert screen.focused is screen.query_one("#contribution", Input)
    stored = store.load_session(session.id).contributions
    assert [(c.text, c.fields) for c in stored] == [
        ("Child focus", {"evidence": "her words in every plan", "skill": "child focus"})
    ]


async def test_enter_in_an_extra_field_records_and_plain_text_needs_no_fields(store, clock, library):
    session, app = open_at(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        await type_text(pilot, "Share the plan")
        screen.query_one("#kf-owner", Input).value = "Priya"
        screen.query_one("#kf-due", Input).value = "15/12/2026"
        screen.query_one("#kf-tell", Input).focus()
        await type_text(pilot, "whole team")
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "Write to school")
        await pilot.press("enter")
        await pilot.pause()
        assert shown(screen) == [
            "1. Share the plan\n   owner: Priya  ·  due: 2026-12-15  ·  who hears: whole team",
            "2. Write to school",
        ]
    stored = store.load_session(session.id).contributions
    assert [c.fields for c in stored] == [{"owner": "Priya", "due": "2026-12-15", "tell": "whole team"}, {}]


async def test_timeline_fields_and_discussion_phases_hide_them(store, clock, library):
    session = start_session(store, library.get("serious-success-review"), clock=clock, title="S")
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = pilot.app.screen
        assert not screen.query_one(KindFields).display  # ground rules: a discussion
        screen = await go_to(pilot, "turning-points")
        assert screen.query_one("#kf-timeline").display and not screen.query_one("#kf-actions").display
        screen.query_one("#kf-when", Input).value = "Month 3"
        screen.query_one("#kf-changed", Input).value = "asked Child A about mornings"
        await type_text(pilot, "Attendance dropped")
        await pilot.press("enter")
        await pilot.pause()
        # Typed-but-unrecorded fields never leak into the next phase.
        screen.query_one("#kf-when", Input).value = "left over"
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.query_one("#kf-when", Input).value == ""
        assert shown(screen) == ["1. Attendance dropped\n   when: Month 3  ·  done differently: asked Child A about mornings"]


async def test_scale_rating_is_checked_with_a_clear_note(store, clock, library):
    session, app = open_at(store, clock, library.get("signs-of-safety-group-supervision"), "scaling", participants=PEOPLE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        note = str(screen.query_one("#kf-scale-note", Static).render())
        assert "each person's rating" in note and "0 = the child is not safe enough" in note
        screen.query_one("#speaker", Select).value = "Sam"
        await type_text(pilot, "Dad is engaging")
        for bad in ("11", "x", "-1"):
            screen.query_one("#kf-rating", Input).value = bad
            screen.query_one("#contribution", Input).focus()
            await pilot.press("enter")
            await pilot.pause()
            assert f"'{bad}' is not a number from 0 to 10" in status(screen)
            assert screen.query_one("#status").has_class("error")
            # Nothing is lost: the reason is still typed and the cursor is on the rating.
            assert screen.query_one("#contribution", Input).value == "Dad is engaging"
            assert screen.focused is screen.query_one("#kf-rating", Input)
            assert shown(screen) == []
        # A half point, as a scale is often said: said to be no whole number, with the two nearest to type
        screen.query_one("#kf-rating", Input).value = "7.5"
        screen.query_one("#contribution", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "'7.5' is not a whole number; type 7 or 8" in status(screen), status(screen)
        assert shown(screen) == []
        screen.query_one("#kf-rating", Input).value = ""
        await type_text(pilot, "6")
        await pilot.press("enter")
        await pilot.pause()
        assert shown(screen) == ["1. Sam: Dad is engaging\n   rating: 6/10"]
        # A rating alone can be recorded; the record says no reason was given.
        screen.query_one("#kf-rating", Input).value = "3"
        await pilot.press("enter")
        await pilot.pause()
        assert shown(screen)[1] == "2. Sam: (no reason given)\n   rating: 3/10"  # who said it stays chosen
        # As a rating is said: "7/10", "seven" (the box stopped at 3 letters: "7/1", and "'sev' is not a number")
        for said in ("7/10", "seven", "8 out of 10"):
            screen.query_one("#kf-rating", Input).value = ""
            screen.query_one("#kf-rating", Input).focus()
            await pilot.press(*said)
            assert screen.query_one("#kf-rating", Input).value == said
            screen.query_one("#contribution", Input).focus()
            await pilot.press("enter")
            await pilot.pause()
    stored = store.load_session(session.id).contributions
    assert [c.fields["rating"] for c in stored] == ["6", "3", "7", "7", "8"]


async def test_a_groups_one_rating_is_the_groups_not_the_last_speakers(store, clock, library):
    """In a phase rated by the group ("Agree one rating for the group"), the speaker chosen in the phase before was
    kept, and the record gave the group's rating to that person. Entering the phase leaves who said it empty: the
    record says "the group"."""
    from facilitator.record.markdown import render_markdown

    mini = library.get("mini-internal-review")
    session, app = open_at(store, clock, mini, "what-should-change", participants=PEOPLE)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        await type_text(pilot, "@2 Ask the family first")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#speaker", Select).value == "Priya"
        await pilot.press("ctrl+n")  # on to the phase rated by the group
        await pilot.pause()
        assert screen.session.phase.id == "embedding"
        assert screen.query_one("#speaker", Select).value is Select.NULL
        await type_text(pilot, "Noted but not yet embedded")
        screen.query_one("#kf-rating", Input).value = "4"
        await pilot.press("enter")
        await pilot.pause()
    record = render_markdown(store.load_session(session.id))
    assert "| the group | 4 / 10 | Noted but not yet embedded |" in record


async def test_round_shows_who_is_still_to_speak_and_allows_pass(store, clock, library):
    session, app = open_at(store, clock, library.get("quick-success-huddle"), "thanks", participants=PEOPLE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        speaker = screen.query_one("#speaker", Select)
        note = lambda: str(screen.query_one("#kf-round-note", Static).render())  # noqa: E731
        assert note().startswith("Still to speak: Sam, Priya, Team manager")
        assert speaker.value == "Sam"  # whose turn it is
        await type_text(pilot, "Thanks all")
        await pilot.press("enter")
        await pilot.pause()
        assert note().startswith("Still to speak: Priya, Team manager")
        assert speaker.value == "Priya"
        await type_text(pilot, "PASS")
        await pilot.press("enter")
        await pilot.pause()
        assert speaker.value == "Team manager"
        # The Pass button refuses while the box has unrecorded text, then records a pass.
        screen.query_one("#contribution", Input).value = "half typed"
        screen.query_one("#kf-pass", Button).press()
        await pilot.pause()
        assert "still has text" in status(screen)
        screen.query_one("#contribution", Input).value = ""
        screen.query_one("#kf-pass", Button).press()
        await pilot.pause()
        assert note() == "Everyone has had a turn."
        assert speaker.value is Select.NULL
        assert shown(screen) == ["1. Sam: Thanks all", "2. Priya: pass", "3. Team manager: pass"]
        # Leaving the round does not carry a preset speaker into the next phase.
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert speaker.value is Select.NULL
    stored = store.load_session(session.id).contributions
    assert [(c.speaker, c.text, c.fields) for c in stored] == [
        ("Sam", "Thanks all", {}),
        ("Priya", "pass", {"turn": "pass"}),
        ("Team manager", "pass", {"turn": "pass"}),
    ]
    # In the minutes, a pass is said once ("pass — turn: pass" read as a stammer).
    from facilitator.record.markdown import render_markdown

    record = render_markdown(store.load_session(session.id))
    assert "- **Priya:** passed\n" in record and "- **Team manager:** passed\n" in record
    assert "turn:" not in record


async def test_round_without_a_participant_list_says_how_to_go_round(store, clock, library):
    session, app = open_at(store, clock, library.get("quick-success-huddle"), "thanks")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert "No participant list" in str(screen.query_one("#kf-round-note", Static).render())
        assert screen.query_one("#speaker", Select).value is Select.NULL


MY_TEMPLATE = """
id = "team-check-in"
name = "Team check-in"
typical_length = 10
ground_rules = ["Roles or initials only."]

[[phases]]
id = "weather"
title = "Weather report"
kind = "scale"
scale_by = "person"
scale_low = "stormy"
scale_high = "sunny"
timebox = 5
prompt = "How is your week, 0 to 10?"

[[phases]]
id = "one-thing"
title = "One thing"
kind = "actions"
timebox = 5
prompt = "One thing we do this week."
"""


async def templates_checked(pilot) -> None:  # noqa: ANN001
    """Until the app has checked the templates (just after its first screen), and the home screen shows it."""
    for _ in range(100):
        if pilot.app.library.validated:
            break
        await pilot.pause(0.02)
    await pilot.pause()


async def test_user_templates_are_offered_and_broken_ones_listed(store, clock, data_dir: Path):
    store.templates_dir.mkdir(parents=True, exist_ok=True)
    (store.templates_dir / "team-check-in.toml").write_text(MY_TEMPLATE, encoding="utf-8")
    (store.templates_dir / "oops.toml").write_text('id = "oops"\nname = "Oops"\nphases = []\n', encoding="utf-8")
    (store.templates_dir / "two.toml").write_text('id = "Two Wrongs"\nphases = []\n', encoding="utf-8")
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        # The home screen is drawn from the files' TOML; the templates are checked just after.
        await templates_checked(pilot)
        templates = home.query_one("#templates")
        prompts = [str(templates.get_option_at_index(i).prompt) for i in range(templates.option_count)]
        mine = next(p for p in prompts if p.startswith("Team check-in"))
        assert "your template" in mine
        assert any("oops.toml (broken: line 3: phases: has no phases" in p for p in prompts)
        # (only the first of several problems fits: the others were not said to be there)
        assert any("two.toml (broken: line 1: id:" in p and "1 of 3 problems, `facilitator templates list` says them all"
                   in p for p in prompts), prompts
        assert not any(p.startswith("Oops") for p in prompts)
        assert sum("built-in" not in p for p in prompts) == len(prompts)  # sanity: nothing odd listed
        templates.highlighted = templates.get_option_index("team-check-in")
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#participants", Input).value = "Sam, Priya"
        app.screen.query_one("#agreed").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen) and screen.session.template.id == "team-check-in"
        assert "0 = stormy" in str(screen.query_one("#kf-scale-note", Static).render())
        screen.query_one("#kf-rating", Input).value = "8"
        await type_text(pilot, "Good week")
        await pilot.press("enter")
        await pilot.pause()
        assert shown(screen) == ["1. Good week\n   rating: 8/10"]


async def test_a_template_found_broken_after_the_list_was_drawn_cannot_be_started(store, clock, monkeypatch):
    import facilitator.tui.app as app_module

    monkeypatch.setattr(app_module, "WARM_UP_AFTER", 60)  # the templates are not checked in the background
    store.templates_dir.mkdir(parents=True, exist_ok=True)
    (store.templates_dir / "oops.toml").write_text('id = "oops"\nname = "Oops"\nphases = []\n', encoding="utf-8")
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        home = app.screen
        templates = home.query_one("#templates")
        assert not app.library.validated
        # Listed from its TOML (which reads well) before it is checked ...
        templates.highlighted = templates.get_option_index("oops")
        await pilot.press("enter")
        await pilot.pause()
        # ... and checked when chosen: no setup screen, a sentence saying why, and the list now says so.
        assert app.screen is home
        assert "cannot be used" in str(home.query_one("#home-status", Static).render())
        prompts = [str(templates.get_option_at_index(i).prompt) for i in range(templates.option_count)]
        assert any("oops.toml (broken: line 3: phases: has no phases" in p for p in prompts)
        assert not any(p.startswith("Oops") for p in prompts)


async def test_at_80x24_the_keys_reach_every_broken_template_and_show_its_problems(store, clock):
    """Six broken template files at 80x24: end stopped at the last usable template and the broken ones, with their
    reasons, were never in view (only the start-up notification named the files). They are now reached with the
    keys, below the others; highlighted, each shows every problem under the list, and enter says it cannot be used."""
    from tests.conftest import screen_text

    store.templates_dir.mkdir(parents=True, exist_ok=True)
    for n in range(6):
        (store.templates_dir / f"broken-{n}.toml").write_text(f'id = "b{n}"\nname = "B{n}"\nphases = []\n', encoding="utf-8")
    (store.templates_dir / "two.toml").write_text('id = "Two Wrongs"\nphases = []\n', encoding="utf-8")
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        home = app.screen
        await templates_checked(pilot)
        templates = home.query_one("#templates")
        templates.focus()
        await pilot.press("end")
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        assert "two.toml (broken" in shown, shown
        about = " ".join(str(home.query_one("#template-about", Static).render()).split())
        assert "two.toml cannot be used" in about and about.count("- ") >= 3, about  # every problem, not the first
        await pilot.press("up")
        await pilot.pause()
        assert "broken-5.toml (broken" in " ".join(screen_text(app).split())
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is home
        assert "broken-5.toml cannot be used until it is mended" in str(home.query_one("#home-status", Static).render())
