"""The phase timer: ctrl+t starts and pauses, f5 adds two minutes, over time is said in words, it never moves
the phase on, and the time spent in each phase is saved (pause, phase change, quit, end) and in the record."""

from __future__ import annotations

from textual.widgets import Digits

from facilitator.store import Store
from facilitator.tui.widgets.timer_display import TimerDisplay

from tests.conftest import end_from_the_screen, until
from .helpers import StillClock, open_app, session_screen, status, text_of


async def test_start_pause_extend_and_over_time_without_moving_on(store, library, data_dir):
    clock = StillClock()
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")  # 15 minutes
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        assert text_of(pilot, "#timer-label") == "◷ 15:00 left · ctrl+t starts"
        await pilot.press("ctrl+t")
        clock.advance(14 * 60 + 30)
        # the display refreshes itself every second
        await until(pilot, lambda: text_of(pilot, "#timer-label") == "◷ 0:30 left · running", timeout=3)
        assert text_of(pilot, "#timer-label") == "◷ 0:30 left · running"
        clock.advance(95)
        screen._tick()
        await pilot.pause()
        label = text_of(pilot, "#timer-label")
        assert label == "⚠ OVER TIME by 1:05 · running"
        assert screen.query_one(TimerDisplay).has_class("-over")
        # Over time never moves the phase on.
        assert screen.session.phase.id == "what-went-right"
        await pilot.press("f5")
        await pilot.pause()
        assert text_of(pilot, "#timer-label") == "◷ 0:55 left · running"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert text_of(pilot, "#timer-label") == "◷ 0:55 left · paused"
        assert "time spent is saved" in status(pilot)
        clock.advance(600)
        screen._tick()
        await pilot.pause()
        assert text_of(pilot, "#timer-label") == "◷ 0:55 left · paused", "a paused timer does not move"
    # Paused: the time spent was saved at once.
    assert store.load_session(session.id).phase_seconds == {"what-went-right": 16 * 60 + 5}


async def test_time_is_kept_per_phase_across_phase_changes_and_quit(store, library, data_dir):
    clock = StillClock()
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")
        clock.advance(300)
        await pilot.press("ctrl+n")  # the timer runs on into the next phase
        await pilot.pause()
        assert store.load_session(session.id).phase_seconds == {"case-story": 300}
        clock.advance(120)
        await pilot.press("ctrl+b")  # back: the earlier phase's time carries on from where it was
        await pilot.pause()
        clock.advance(60)
        session_screen(pilot)._tick()
        await pilot.pause()
        assert text_of(pilot, "#timer-label").endswith("running")
        await pilot.press("ctrl+q")
        await pilot.pause()
    data = store.data_dir
    store.close()
    with Store(data) as again:
        assert again.load_session(session.id).phase_seconds == {"case-story": 360, "what-went-right": 120}


async def test_time_spent_goes_into_the_record_when_the_session_ends(store, library, data_dir):
    clock = StillClock()
    session, app = open_app(store, clock, library.get("quick-success-huddle"))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("ctrl+t")
        clock.advance(4 * 60 + 10)
        record = (await end_from_the_screen(pilot)).record_path.read_text()
    first = library.get("quick-success-huddle").phases[0]
    assert store.load_session(session.id).phase_seconds == {first.id: 250}
    assert "Time spent: 4 min" in record and "not timed" not in record
    # started in the first phase only: the reader is told the times are the timer's, not the phases' whole time
    phases = len(library.get("quick-success-huddle").phases)
    assert (f"- **Time:** 10:00 to 10:04; the phase timer ran in 1 of {phases} phases: the time spent given under a "
            "phase is the time it ran there") in record


async def test_a_record_of_phases_never_timed_says_so(store, library, data_dir):
    """Without the phase timer no phase has its time spent, and a reader could not tell "no time" from "not
    timed": the record's Time line says the phases were not timed."""
    clock = StillClock()
    session, app = open_app(store, clock, library.get("quick-success-huddle"))
    async with app.run_test(size=(160, 45)) as pilot:
        record = (await end_from_the_screen(pilot)).record_path.read_text()
    assert "- **Time:** 10:00 to 10:00; phases not timed (the phase timer was not started)" in record
    assert "Time spent" not in record


async def test_projector_mode_shows_the_timer_in_large_digits(store, library):
    clock = StillClock()
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(80, 24)) as pilot:
        digits = session_screen(pilot).query_one("#timer-digits", Digits)
        assert not digits.display
        await pilot.press("f2")
        await pilot.pause()
        assert digits.display and digits.value == "15:00"
        await pilot.press("ctrl+t")
        clock.advance(15 * 60 + 7)
        session_screen(pilot)._tick()
        await pilot.pause()
        assert digits.value == "+0:07"
        assert "OVER TIME" in text_of(pilot, "#timer-label")


async def test_projector_over_time_shows_the_label_on_one_line_and_all_three_rows_of_digits(store, library):
    """At 160x45 the label "⚠ OVER TIME by 0:13 · running" wrapped to two lines and pushed the large digits down:
    their bottom row was cut off just when the timer mattered. The label is one line and the digits whole, within
    time and over it, at both sizes."""
    for size in ((160, 45), (80, 24)):
        clock = StillClock()
        session, app = open_app(store, clock, library.get("quick-success-huddle"), "thanks")  # 2 minutes
        async with app.run_test(size=size) as pilot:
            screen = session_screen(pilot)
            if not app.projector:  # (the choice is remembered in the data folder: on for the second size)
                await pilot.press("f2")
            await pilot.press("ctrl+t")
            for seconds, over in ((13, False), (2 * 60 - 13 + 13, True), (10 * 60, True)):
                clock.advance(seconds)
                screen._tick()
                await pilot.pause()
                timer, label = screen.query_one("#timer"), screen.query_one("#timer-label")
                digits = screen.query_one("#timer-digits", Digits)
                assert screen.query_one(TimerDisplay).has_class("-over") == over
                assert label.region.height == 1, (size, text_of(pilot, "#timer-label"))
                assert "OVER TIME" in text_of(pilot, "#timer-label") if over else "left" in text_of(pilot, "#timer-label")
                assert digits.region.height == 3 and timer.region.contains_region(digits.region), (size, digits.region, timer.region)
                assert text_of(pilot, "#timer-label").endswith("running"), (size, text_of(pilot, "#timer-label"))
