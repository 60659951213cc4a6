"""A session running when the app died is offered for resumption and reopens where it was, with everything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from textual.widgets import OptionList

from facilitator.cli import main
from facilitator.store import Store
from facilitator.tui.screens.home import HomeScreen
from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.widgets.contribution_list import ContributionList
from tests.conftest import build_app

DRIVER = Path(__file__).with_name("crash_driver.py")


def record_then_kill(data_dir: Path, session_id: str) -> tuple[list[str], set[int]]:
    """Run the recording process until it has moved to phase 2 and recorded three more, then kill -9 it.

    Returns the contributions it had acknowledged and the phase it was in when it died: the process goes on while
    this one reads, so what it printed before the kill is read to the end. Killed between BEGIN PHASE and PHASE,
    the move may or may not have been kept, so then either phase is right."""
    proc = subprocess.Popen(
        [sys.executable, str(DRIVER), str(data_dir), session_id, "c"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    acked, phase, after_phase, moving = [], 0, 0, None

    def read(raw: bytes) -> None:
        nonlocal phase, after_phase, moving
        words = raw.decode().split()
        if not words:
            return
        if words[0] == "ADD":
            acked.append(words[1])
            if phase == 2:
                after_phase += 1
        elif words[0] == "PHASE":
            phase, moving = int(words[1]), None
        elif words[:2] == ["BEGIN", "PHASE"]:
            moving = int(words[2])

    try:
        for raw in proc.stdout:
            read(raw)
            if phase == 2 and after_phase == 3:
                break
    finally:
        proc.kill()
        proc.wait()
        for raw in proc.stdout.read().split(b"\n")[:-1]:  # whole lines printed before it died: acknowledged too
            read(raw)
        proc.stdout.close()
        proc.stderr.close()
    assert phase >= 2, "the recording process never reached phase 2"
    return acked, {phase} if moving is None else {phase, moving}


async def test_home_screen_offers_the_crashed_session_and_reopens_it_on_its_phase(data_dir, clock):
    acked, phases = record_then_kill(data_dir, "20261122-crashed")
    store = Store(data_dir, clock=clock).open()
    try:
        app = build_app(store, clock)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            unfinished = app.screen.query_one("#unfinished", OptionList)
            assert unfinished.option_count == 1
            line = str(unfinished.get_option_at_index(0).prompt)
            assert "Crash test 20261122-crashed" in line
            assert any(f"phase {phase + 1} of" in line for phase in phases), line
            await pilot.press("r")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, SessionScreen)
            session = app.screen.session
            assert session.current_phase in phases and f"phase {session.current_phase + 1} of" in line
            assert [c.id for c in session.contributions if c.id in set(acked)] == acked
            shown = [item.contribution.id for item in app.screen.query_one(ContributionList).shown_contributions()]
            assert shown == [c.id for c in session.contributions if c.phase_id == session.phase.id]
            # Three were recorded on phase 3 (index 2); killed while it moved on, it reopens on the next, empty
            if session.current_phase == 2:
                assert len(shown) >= 3
    finally:
        store.close()


def test_facilitator_resume_reopens_the_crashed_session(data_dir, clock):
    acked, phases = record_then_kill(data_dir, "20261122-crashed")
    for argv in (["resume"], ["resume", "20261122-cr"]):
        apps = []
        assert main(["--data-dir", str(data_dir), *argv], clock=clock, run=apps.append) == 0
        session = apps[0]._open_session
        assert session.id == "20261122-crashed"
        assert session.current_phase in phases
        ids = [c.id for c in session.contributions]
        assert set(acked) <= set(ids) and len(ids) == len(set(ids))
