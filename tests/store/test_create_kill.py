"""kill -9 just after a session is made: the next start lists it, offers it for resumption, and keeps it.

Making a session appends its index entry to a change log (index.journal.jsonl, not fsynced) instead of writing
the whole index, which at 20,000 sessions took longer than the rest of the start. The index is derived: these
tests kill a real process right after the session was made, also with the log lost or cut off (a power cut
may leave it so), and look at what a user sees after the restart: `facilitator sessions list`, and the home
screen of the app.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from facilitator.session_ops import end_session, record_contribution
from facilitator.store import Store
from tests.conftest import build_app

from .helpers import counter_free_clock, new_session, start_checks_done

DRIVER = Path(__file__).with_name("create_driver.py")
TITLE = "Made just before the crash"


@pytest.fixture
def history(data_dir, library):
    """Three ended sessions, written and closed as the app leaves them: index.json and its head there."""
    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    template = library.get("serious-success-review")
    for n in range(3):
        ended = new_session(store, template, clock, title=f"Ended review {n}")
        record_contribution(store, ended, "The worker always rang back.", None, clock)
        end_session(store, ended, clock)
    store.close()
    return data_dir


def make_session_and_kill(data_dir: Path) -> str:
    proc = subprocess.Popen([sys.executable, str(DRIVER), str(data_dir), TITLE], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        line = proc.stdout.readline().decode()
        assert line.startswith("CREATED "), proc.stderr.read().decode()[-2000:]
    finally:
        proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -9
    return line.split()[1]


def listed(screen, list_id: str) -> list[str]:
    options = screen.query_one(f"#{list_id}", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


@pytest.mark.parametrize("log", ["as left", "lost", "cut off"])
async def test_a_session_made_just_before_a_kill_is_there_after_the_restart(history, log):
    data_dir = history
    session_id = make_session_and_kill(data_dir)
    index_log = data_dir / "index.journal.jsonl"
    assert index_log.exists(), "the new session's entry was not in the index's change log"
    if log == "lost":  # never reached the disk (not fsynced: a power cut)
        index_log.unlink()
    elif log == "cut off":
        index_log.write_bytes(index_log.read_bytes()[:-20])

    listing = subprocess.run([sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), "sessions", "list"],
                             capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0, listing.stderr
    assert "Traceback" not in listing.stderr
    (line,) = [line for line in listing.stdout.splitlines() if line.startswith(session_id)]
    assert TITLE in line and "running" in line
    assert listing.stdout.count("\n") == 4

    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    try:
        app = build_app(store, clock)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert any(TITLE in shown for shown in listed(screen, "unfinished")), listed(screen, "unfinished")
            await start_checks_done(app, pilot)
            assert any(TITLE in shown for shown in listed(screen, "unfinished")), listed(screen, "unfinished")
            assert sum("Ended review" in shown for shown in listed(screen, "recent")) == 3
            assert not screen.query_one("#home-notices", Static).display  # nothing to tell: nothing was lost
    finally:
        store.close()
    assert not index_log.exists(), "the change log was not folded into index.json"
    again = Store(data_dir).open()
    try:
        assert [s.title for s in again.unfinished_sessions()] == [TITLE]
        assert len(again.session_rows()) == 4 and not again.notices
    finally:
        again.close()


def test_an_unreadable_line_in_the_change_log_is_told_in_one_sentence_and_kept(history):
    data_dir = history
    session_id = make_session_and_kill(data_dir)
    index_log = data_dir / "index.journal.jsonl"
    damaged = b'{"put": {"id": 12}}\n' + b"\x00garbage\n" + index_log.read_bytes()
    index_log.write_bytes(damaged)

    store = Store(data_dir).open()
    try:
        assert [s.id for s in store.unfinished_sessions()] == [session_id]
        (notice,) = store.notices
        assert str(index_log) in notice and "2 lines of it could not be read" in notice
        assert notice.count(". ") == 0 and notice.endswith(".")
        (kept,) = (data_dir / "quarantine").iterdir()
        assert kept.read_bytes() == damaged and kept.name.endswith("index.journal.jsonl")
        assert not index_log.exists()
    finally:
        store.close()
