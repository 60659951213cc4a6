"""The ground-rules phase shows the rules; the timer can start with each phase (a setting, off by default)."""

from __future__ import annotations

from textual.widgets import Markdown

from .helpers import StillClock, open_app, session_screen


async def test_the_ground_rules_phase_shows_the_rules(store, clock, library):
    ssr = library.get("serious-success-review")
    session, app = open_app(store, clock, ssr)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = session_screen(pilot)
        assert screen.session.phase.id == "ground-rules"
        source = screen.query_one("#phase-guidance", Markdown).source
        assert ssr.ground_rules[0] in source and ssr.ground_rules[-1] in source
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert ssr.ground_rules[0] not in screen.query_one("#phase-guidance", Markdown).source


async def test_the_timer_starts_with_the_phase_only_when_set(store, library, data_dir):
    ssr = library.get("serious-success-review")
    clock = StillClock()
    session, app = open_app(store, clock, ssr)
    async with app.run_test(size=(80, 24)) as pilot:
        assert not session_screen(pilot).timer().running  # off by default

    (data_dir / "settings.toml").write_text("[room]\ntimer_starts_with_phase = true\n")
    session, app = open_app(store, clock, ssr)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = session_screen(pilot)
        assert screen.timer().running
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.session.phase.id == "case-story" and screen.timer().running


async def test_a_wrong_timer_setting_is_one_sentence_and_the_timer_waits(store, library, data_dir):
    (data_dir / "settings.toml").write_text('[room]\ntimer_starts_with_phase = "yes"\n')
    session, app = open_app(store, StillClock(), library.get("serious-success-review"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not session_screen(pilot).timer().running
        messages = [n.message for n in app._notifications]
        assert any("timer_starts_with_phase" in m and "write true or false" in m for m in messages)
