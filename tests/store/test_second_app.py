"""A second facilitator on the same data folder is refused at once, writes nothing, and the lock dies with its holder."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.store import FolderInUseError, Store

from .helpers import tree_state

DRIVER = Path(__file__).with_name("crash_driver.py")


def facilitator_command() -> list[str]:
    script = Path(sys.executable).with_name("facilitator")
    if script.exists():
        return [str(script)]
    found = shutil.which("facilitator")
    return [found] if found else [sys.executable, "-m", "facilitator"]


@pytest.fixture
def holder(tmp_path):
    """A real facilitator process holding the data folder open, as the app does while it runs."""
    data_dir = tmp_path / "data"
    with subprocess.Popen(  # leaving the block waits for it and closes its pipes
        [sys.executable, str(DRIVER), str(data_dir), "unused", "unused", "--hold"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout.readline() == b"READY\n", proc.stderr.read().decode()
        yield data_dir, proc
        proc.kill()


def test_second_app_is_refused_within_a_second_naming_the_folder_and_writes_nothing(holder):
    data_dir, proc = holder
    before = tree_state(data_dir)
    started = time.perf_counter()
    result = subprocess.run(
        [*facilitator_command(), "--data-dir", str(data_dir), "new", "--template", "serious-success-review"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    elapsed = time.perf_counter() - started
    assert result.returncode == 1
    assert elapsed < 1.0, f"refusing took {elapsed:.2f}s"
    message = result.stderr.strip()
    assert str(data_dir) in message and "in use" in message, message
    assert "Traceback" not in message
    assert len(message.splitlines()) == 1
    assert tree_state(data_dir) == before, "the refused app changed the data folder"


def test_after_the_first_app_is_killed_a_new_one_opens_normally(holder, clock):
    data_dir, proc = holder
    with pytest.raises(FolderInUseError):
        Store(data_dir).open()
    proc.kill()
    proc.wait()
    apps = []
    code = main(
        ["--data-dir", str(data_dir), "new", "--template", "serious-success-review", "--title", "After the crash"],
        clock=clock,
        run=apps.append,
    )
    assert code == 0
    (app,) = apps
    assert app._open_session.title == "After the crash"
    # And it holds the folder in its turn, until it closes.
    again = Store(data_dir).open()
    assert [s.title for s in again.unfinished_sessions()] == ["After the crash"]
    again.close()


def test_two_stores_in_one_process_are_also_refused(tmp_path):
    first = Store(tmp_path / "data").open()
    try:
        with pytest.raises(FolderInUseError, match=str(tmp_path / "data")):
            Store(tmp_path / "data").open()
    finally:
        first.close()
    Store(tmp_path / "data").open().close()
