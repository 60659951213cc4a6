"""Shared fixtures: a temporary data folder, a fixed clock, and the real app built by make_app()."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Snapshots must not depend on the developer's terminal settings.
for _var in ("NO_COLOR", "TEXTUAL_THEME", "FACILITATOR_DATA_DIR", "TEXTUAL_ANIMATIONS"):
    os.environ.pop(_var, None)
os.environ["TEXTUAL_ANIMATIONS"] = "none"


def _temporary_folders_in_memory() -> None:
    """The tests' temporary folders (tmp_path) in /dev/shm when it is a memory file system: the store's
    fsyncs then cost nothing, so hundreds of tests that record through the real store run without waiting for
    the disk (a tenth of the run's time on a busy disk). The code is the same: every write, fsync and rename
    still happens. Only when it has 2 GB free. Set PYTEST_DEBUG_TEMPROOT (or pass --basetemp) to put them elsewhere."""
    if "PYTEST_DEBUG_TEMPROOT" in os.environ:
        return
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            in_memory = any(line.split()[1:3] == ["/dev/shm", "tmpfs"] for line in mounts)
        if not in_memory or not os.access("/dev/shm", os.W_OK):
            return
        shm = os.statvfs("/dev/shm")
        if shm.f_bavail * shm.f_frsize < 2 * 1024**3:
            return  # a small /dev/shm (a container's 64 MB): the tests' folders stay on disk
        root = Path("/dev/shm") / f"facilitator-tests-{os.getuid()}"
        root.mkdir(mode=0o700, exist_ok=True)
        if root.stat().st_uid != os.getuid():
            return
    except (OSError, IndexError):
        return
    os.environ["PYTEST_DEBUG_TEMPROOT"] = str(root)


_temporary_folders_in_memory()


def _pilot_looks_for_idle_more_often() -> None:
    """Pilot waits, after each key it presses and at each pause(), until the app has used less than a millisecond
    of CPU over a slice of wall time, looking every 20 ms: at least 40 ms a key, however little the key did, so a
    test that types a sentence a key at a time spent seconds asleep. It looks every 5 ms here; "idle" is still
    under a millisecond of CPU in a slice, so it waits as long as the app keeps working."""
    import textual._wait as wait

    wait.SLEEP_GRANULARITY = 0.005
    wait.SLEEP_IDLE = 0.001


_pilot_looks_for_idle_more_often()


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook
def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto` (the default run, pyproject's addopts): one process per core, at most four. The tests share
    little; the snapshots run in one process (tests/snapshots/conftest.py)."""
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def pytest_collection_finish(session) -> None:
    """What the test run holds once the tests are collected (its modules, pytest's own objects) set aside from the
    garbage collector, as the app sets aside what it holds the first time the session screen is shown
    (facilitator/tui/collector.py). The app then has nothing more to set aside and lets go of nothing when it
    ends, so each of the hundreds of apps the tests start does not walk the whole test run's objects in a full
    collection (a quarter of a second each). ``fresh_collector`` lets a test see the app do it itself."""
    gc.collect()
    gc.freeze()


@pytest.fixture
def fresh_collector():
    """Nothing set aside, as in a process that runs one app: the app's own collector settings are seen whole."""
    gc.unfreeze()
    yield
    gc.collect()
    gc.freeze()


FIXED_NOW = dt.datetime(2026, 11, 22, 10, 0, 0, tzinfo=dt.timezone.utc)


class FixedClock:
    """A clock that starts at FIXED_NOW and moves on one minute each time it is read."""

    def __init__(self, start: dt.datetime = FIXED_NOW, step: dt.timedelta = dt.timedelta(minutes=1)):
        self.now = start
        self.step = step

    def __call__(self) -> dt.datetime:
        value = self.now
        self.now = self.now + self.step
        return value


def counter_ids(prefix: str = "s"):
    counter = itertools.count(1)
    return lambda: f"{prefix}{next(counter):03d}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def snapshot_data_dir() -> Path:
    """A fixed path, so paths shown on screen are the same in every snapshot run."""
    path = Path(tempfile.gettempdir()) / "facilitator-snapshot-data"
    shutil.rmtree(path, ignore_errors=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def store(data_dir: Path, clock: FixedClock):
    from facilitator.store import Store

    s = Store(data_dir, clock=clock, id_factory=counter_ids()).open()
    yield s
    s.close()


@pytest.fixture
def library():
    from facilitator.templates import load_library

    return load_library(None)


@pytest.fixture
def ssr(library):
    return library.get("serious-success-review")


def build_app(store, clock, open_session_id: str | None = None, size_blink: bool = False, **kwargs):
    """The real app as the command line builds it, with the cursor blink off for stable snapshots."""
    from facilitator.cli import make_app
    from facilitator.settings import Settings

    settings = Settings(data_dir=store.data_dir, cursor_blink=size_blink)
    return make_app(store, settings, clock, open_session_id=open_session_id, **kwargs)


async def until(pilot, check, timeout: float = 10.0) -> bool:
    """Let the app run (its timers, workers and refreshes) until ``check()`` is true, looking every 20 ms:
    a wait as short as the app allows, instead of a fixed pause. Returns whether it came true in time; the
    caller asserts what it waited for, so a failure shows what was there."""
    import time

    deadline = time.monotonic() + timeout
    await pilot.pause()
    while not check():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.02)
    return True


async def run_command(pilot, query: str) -> None:
    """Open the command palette (ctrl+p), search for ``query``, and run the best match (enter) once the
    palette has finished looking for it."""
    from textual.command import CommandList, CommandPalette
    from textual.widgets import Input

    await pilot.press("ctrl+p")
    await pilot.pause()
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    palette.query_one(Input).value = query

    def found() -> bool:
        searching = [w for w in pilot.app.workers if w.group == CommandPalette._GATHER_COMMANDS_GROUP and w.is_running]
        return not searching and palette.query_one(CommandList).option_count > 0

    await until(pilot, found)
    await pilot.press("enter")
    await pilot.pause()


def screen_text(app) -> str:  # noqa: ANN001
    """Everything drawn on the screen now, as the room sees it, a line of text per row."""
    return "\n".join(line.text for line in app.screen._compositor.render_strips())


async def end_from_the_screen(pilot):  # noqa: ANN001, ANN201
    """ctrl+e, then enter on the confirmation, as a facilitator ends a session: the end screen it opens."""
    from facilitator.tui.screens.dialogs import EndedScreen

    await pilot.press("ctrl+e")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, EndedScreen)
    return pilot.app.screen
