"""Projector mode and remembered themes, ground rules on demand, the pause screen, help listing every key,
and what people type shown exactly as typed (no markup, no terminal control sequences)."""

from __future__ import annotations

import io
import stat

from rich.console import Console

from textual.widgets import Input, Markdown, Select, Static

from facilitator.store.prefs import prefs_path, read_prefs
from facilitator.tui.screens.breather import GroundRulesScreen, PauseScreen
from facilitator.tui.screens.help import HelpScreen
from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.themes import PROJECTOR_THEME
from facilitator.tui.widgets.contribution_list import ContributionList
from tests.conftest import build_app

from .helpers import open_app, palette, say, session_screen, shown


async def test_projector_mode_by_key_and_command_and_remembered(store, clock, library, data_dir):
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        assert PROJECTOR_THEME in app.available_themes and "facilitator-light" in app.available_themes
        screen = session_screen(pilot)
        guidance = screen.query_one("#phase-guidance", Markdown)
        assert guidance.display and app.theme == "textual-dark"
        await pilot.press("f2")
        await pilot.pause()
        assert app.theme == PROJECTOR_THEME
        assert screen.has_class("-projector")
        assert guidance.region.height == 0, "the guidance text is not projected"
        assert screen.query_one("#phase-title").region.height >= 3, "a large title block"
        await palette(pilot, "projector mode")
        assert app.theme == "textual-dark" and not screen.has_class("-projector")
        # A theme chosen through Textual's own theme picker is remembered too.
        app.theme = "facilitator-light"
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
    assert read_prefs(data_dir) == {"theme": "facilitator-light", "projector": True, "projector_theme": PROJECTOR_THEME}
    assert stat.S_IMODE(prefs_path(data_dir).stat().st_mode) == 0o600
    again = build_app(store, clock, open_session_id=session.id)
    async with again.run_test(size=(80, 24)) as pilot:
        assert again.theme == PROJECTOR_THEME and again.screen.has_class("-projector")
        await pilot.press("f2")
        await pilot.pause()
        assert again.theme == "facilitator-light"


async def test_ground_rules_and_pause_screen_keep_what_is_typed(store, clock, library):
    ssr = library.get("serious-success-review")
    session, app = open_app(store, clock, ssr, "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        box = session_screen(pilot).query_one("#contribution", Input)
        box.value = "half a sentence"
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, GroundRulesScreen)
        rules = app.screen.query_one(Markdown).source
        assert ssr.ground_rules[0] in rules
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        assert "breather" in str(app.screen.query_one("#pause-title", Static).render())
        assert not app.screen.query(Input), "nothing from the session is on the pause screen"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.focused is box and box.value == "half a sentence"


async def test_ground_rules_agreed_in_the_session_reach_the_record(store, clock, library, data_dir):
    """A session started with `facilitator new` (no set-up screen, so no tick) said in its record that agreement to
    the ground rules was not recorded, and nothing could record it: f3 said "not recorded yet". a on f3 records it;
    `facilitator new --ground-rules-agreed` starts with it recorded."""
    from facilitator.session_ops import end_session, start_session

    ssr = library.get("serious-success-review")
    session = start_session(store, ssr, clock=clock, title="Room", participants=["Sam"])  # as `facilitator new` does
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, GroundRulesScreen)
        assert "Not recorded as agreed yet: press a when the group agrees." in str(app.screen.query_one("#ground-rules-state", Static).render())
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert "the group agreed the ground rules" in str(app.screen.query_one("#status", Static).render())
        await pilot.press("f3")
        await pilot.pause()
        assert "The group agreed these." in str(app.screen.query_one("#ground-rules-state", Static).render())
        await pilot.press("escape")
        await pilot.pause()
    _, path = end_session(store, store.load_session(session.id), clock)
    record = path.read_text(encoding="utf-8")
    assert "ground_rules_agreed: true" in record and "was not recorded" not in record


def test_facilitator_new_records_the_ground_rules_agreed(data_dir):
    from facilitator.cli import main
    from facilitator.store import Store
    from tests.conftest import FixedClock

    argv = ["--data-dir", str(data_dir), "new", "--template", "quick-success-huddle", "--ground-rules-agreed"]
    assert main(argv, clock=FixedClock(), run=lambda app: None) == 0
    store = Store(data_dir, read_only=True).open()
    try:
        (summary,) = store.list_sessions()
        assert store.load_session(summary.id).ground_rules_agreed is True
    finally:
        store.close()


async def test_help_lists_every_key_of_the_session_screen(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys", Static).content
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(table)
        listed = console.export_text()
    keys = set()
    for cls in (SessionScreen, ContributionList, type(app)):
        for binding in cls.BINDINGS:
            for key in binding.key.split(","):
                keys.add({"exclamation_mark": "!", "space": "enter"}.get(key, key))
    missing = [key for key in sorted(keys) if key not in listed]
    assert missing == []


async def test_what_is_typed_is_shown_as_typed(store, clock, library):
    people = ["[b]Sam[/b]", "Priya [link=x]"]
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right", participants=people)
    async with app.run_test(size=(160, 45)) as pilot:
        assert "@1 [b]Sam[/b] · @2 Priya [link=x]" in str(session_screen(pilot).query_one("#speaker-hint", Static).render())
        await say(pilot, "@1 [bold red]not bold[/] and $variable and [@click=app.quit]x[/]")
        await say(pilot, "colour \x1b[31mred\x1b[0m, title \x1b]0;pwned\x07 and a bell\x07 gone")
        assert shown(pilot) == [
            "1. [b]Sam[/b]: [bold red]not bold[/] and $variable and [@click=app.quit]x[/]",
            "2. [b]Sam[/b]: colour red, title  and a bell gone",  # who said it stays chosen
        ]
        assert app.is_running, "a click markup in text does nothing"
        speaker = session_screen(pilot).query_one("#speaker", Select)
        speaker.value = "Priya [link=x]"
        await pilot.pause()
        await say(pilot, "rang back")
        assert shown(pilot)[2] == "3. Priya [link=x]: rang back"
        # Edited text is cleaned the same way before it is stored.
        await pilot.press("up", "e")
        await pilot.pause()
        app.screen.query_one("#edit-text", Input).value = "rang back \x1b[2Jsame day [i]"
        await pilot.press("enter")
        await pilot.pause()
        assert shown(pilot)[2] == "3. Priya [link=x]: rang back same day [i]"
    stored = store.load_session(session.id).contributions
    assert [c.text for c in stored][1:] == ["colour red, title  and a bell gone", "rang back same day [i]"]
