"""A full disk at start: the app opens read-only and says so, instead of refusing to start; the end-session
error gives advice that works inside the app."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

from textual.widgets import Input, Static

from facilitator.session_ops import record_contribution
from facilitator.store import Store
from facilitator.tui.screens.session import SessionScreen
from tests.conftest import build_app

from .helpers import FailingIO, fixed_clock, new_session
from .test_not_saved import fill, small_tmpfs  # noqa: F401 - the fixture: a real, small filesystem

DRIVER = Path(__file__).with_name("app_start_driver.py")


def test_app_opens_read_only_on_a_full_disk_and_says_so(small_tmpfs, library):  # noqa: F811
    data_dir = small_tmpfs / "data"
    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    session = new_session(store, library.get("serious-success-review"), clock)
    record_contribution(store, session, "Recorded before the disk filled.", None, clock)
    store.close()
    fill(small_tmpfs)

    result = subprocess.run(
        [sys.executable, str(DRIVER), str(data_dir), session.id], capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["READ_ONLY"] == "True"
    assert "is full, so the app opened read-only" in lines["NOTICES"] and str(data_dir) in lines["NOTICES"]
    assert lines["SESSIONS"] == "1"
    assert "Not saved" in lines["RECORD"] and "read-only" in lines["RECORD"]
    assert "KEPT 'Said while the disk was full.'" in lines["RECORD"]
    assert "--data-dir" not in lines["END"] and "--out" not in lines["END"] and "ctrl+e" in lines["END"], lines["END"]

    elsewhere = small_tmpfs.parent / "record.md"
    exported = subprocess.run(
        [sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), "export", session.id, "--out", str(elsewhere)],
        capture_output=True, text=True, timeout=60,
    )
    assert exported.returncode == 0, exported.stderr
    assert "Recorded before the disk filled." in elsewhere.read_text()


async def test_end_session_on_a_full_disk_gives_advice_that_works_in_the_app(data_dir, library, monkeypatch):
    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    session = new_session(store, library.get("serious-success-review"), clock)
    record_contribution(store, session, "Recorded before the disk filled.", None, clock)
    app = build_app(store, clock, open_session_id=session.id)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            assert isinstance(app.screen, SessionScreen)
            FailingIO(monkeypatch, data_dir).fail_write(errno.ENOSPC)
            await pilot.press("ctrl+e")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, SessionScreen)
            status = str(app.screen.query_one("#status", Static).render()).replace("\n", " ")
            assert "the disk is full" in status and "ctrl+e" in status, status
            assert "--data-dir" not in status and "--out" not in status
            monkeypatch.undo()
            await pilot.press("ctrl+e")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert not isinstance(app.screen, SessionScreen)
    finally:
        store.close()
    assert not list((data_dir / "sessions").glob("*.final-record"))
