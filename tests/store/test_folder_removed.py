"""The data folder removed (or replaced) while the app runs: nothing more is acknowledged, and a second
app that takes the folder's path is never written into by the first."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from facilitator.session_ops import go_to_phase, record_contribution
from facilitator.store import FolderInUseError, NotSavedError, Store
from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.widgets.contribution_list import ContributionList
from tests.conftest import build_app

from .helpers import fixed_clock, new_session, tree_state

DRIVER = Path(__file__).with_name("crash_driver.py")


@pytest.fixture
def running(data_dir, library):
    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    session = new_session(store, library.get("serious-success-review"), clock)
    record_contribution(store, session, "Recorded before the folder went.", None, clock)
    yield store, session, clock
    store.close()


@pytest.fixture
def second_app():
    procs = []

    def start(data_dir: Path) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, str(DRIVER), str(data_dir), "unused", "unused", "--hold"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        procs.append(proc)
        assert proc.stdout.readline() == b"READY\n", proc.stderr.read().decode()
        return proc

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_after_the_folder_is_removed_and_another_app_takes_its_place_the_first_writes_nothing(running, data_dir, second_app):
    store, session, clock = running
    record_contribution(store, session, "Not yet in the session file.", None, clock)  # waits in memory for a flush
    shutil.rmtree(data_dir)
    second_app(data_dir)  # a real second facilitator opens the path: a new, empty folder, locked by it
    before = tree_state(data_dir)

    with pytest.raises(NotSavedError) as refused:
        record_contribution(store, session, "Said after the folder went.", None, clock)
    message = str(refused.value)
    assert message.startswith("Not saved: the data folder was removed") and str(data_dir) in message
    assert "\n" not in message
    with pytest.raises(NotSavedError):
        go_to_phase(store, session, 1)
    store.flush()
    store.close()
    assert tree_state(data_dir) == before, "the first app wrote into the folder the second app holds"
    # The second app still holds the folder: a third is refused.
    with pytest.raises(FolderInUseError):
        Store(data_dir).open()


def test_folder_moved_away_is_refused_too(running, data_dir):
    store, session, clock = running
    data_dir.rename(data_dir.with_name("moved"))
    with pytest.raises(NotSavedError, match="removed or replaced"):
        record_contribution(store, session, "Said after the move.", None, clock)
    assert not data_dir.exists(), "the app made the folder again where it was"


async def test_ui_says_not_saved_with_the_reason_and_keeps_the_text(running, data_dir):
    store, session, clock = running
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        box = screen.query_one("#contribution", Input)
        shutil.rmtree(data_dir)
        box.value = "Priya: the kitchen-table visits."
        await pilot.press("enter")
        await pilot.pause()
        status = str(screen.query_one("#status", Static).render()).replace("\n", " ")
        assert "Not saved" in status and "data folder was removed" in status
        assert box.value == "Priya: the kitchen-table visits."
        assert [item.contribution.text for item in screen.query_one(ContributionList).shown_contributions()] == ["Recorded before the folder went."]
    assert not data_dir.exists()


async def test_half_typed_text_is_not_kept_in_a_folder_another_app_has_taken(running, data_dir, second_app):
    """ctrl+q keeps a half-typed contribution as a draft, but never in a folder a second app now holds."""
    store, session, clock = running
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        assert isinstance(app.screen, SessionScreen)
        shutil.rmtree(data_dir)
        second_app(data_dir)
        before = tree_state(data_dir)
        app.screen.query_one("#contribution", Input).value = "Half typed when the folder went"
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert tree_state(data_dir) == before, "the first app wrote its draft into the folder the second app holds"
