"""Data folder and every folder in it 0700, every file 0600, whatever the umask."""

from __future__ import annotations

import os
import stat

import pytest

from facilitator.session_ops import end_session, go_to_phase, record_contribution
from facilitator.store import Store

from .helpers import fixed_clock, new_session


@pytest.fixture
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def modes(data_dir):
    found = {data_dir: stat.S_IMODE(data_dir.stat().st_mode)}
    for p in data_dir.rglob("*"):
        found[p] = stat.S_IMODE(p.lstat().st_mode)
    return found


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077], indirect=True)
def test_everything_written_is_private(data_dir, library, umask):
    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    session = new_session(store, library.get("serious-success-review"), clock)
    record_contribution(store, session, "Private by default.", None, clock)
    session = go_to_phase(store, session, 1)
    end_session(store, session, clock)
    store.close()
    # A damaged file at the next start goes to quarantine: private too.
    (data_dir / "index.json").write_bytes(b"garbage")
    os.chmod(data_dir / "index.json", 0o644)
    store = Store(data_dir, clock=clock).open()
    store.close()

    found = modes(data_dir)
    kinds = {p.relative_to(data_dir).parts[0] if p != data_dir else "." for p in found}
    assert {"sessions", "backups", "records", "quarantine", "index.json", ".lock"} <= kinds
    for path, mode in found.items():
        expected = 0o700 if path.is_dir() else 0o600
        assert mode == expected, f"{path} is {oct(mode)} with umask {oct(umask)}"


def test_existing_folder_and_lock_with_loose_modes_are_tightened(data_dir):
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    (data_dir / ".lock").write_bytes(b"")
    os.chmod(data_dir / ".lock", 0o644)
    Store(data_dir).open().close()
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / ".lock").stat().st_mode) == 0o600


START_UNDER_UMASK_0 = """
import os, sys
os.umask(0)
from facilitator.cli import main
sys.exit(main(sys.argv[1:], run=lambda app: None))
"""


@pytest.mark.parametrize("where", ["--data-dir two levels down", "the default folder in a new home"])
def test_parent_folders_the_app_creates_are_private_under_umask_0(tmp_path, where):
    """A real start of the app (cli.main, in a new process) with umask 0: no folder it makes is group/world-writable."""
    import subprocess
    import sys

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_DATA_HOME", "FACILITATOR_DATA_DIR")}
    if where.startswith("--data-dir"):
        data_dir = fresh / "team" / "supervision" / "data"
        args = ["--data-dir", str(data_dir)]
    else:
        env["HOME"] = str(fresh)
        data_dir = fresh / ".local" / "share" / "facilitator"
        args = []
    result = subprocess.run(
        [sys.executable, "-c", START_UNDER_UMASK_0, *args], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr
    assert (data_dir / "sessions").is_dir()
    made = []
    at = data_dir
    while at != fresh:
        made.append(at)
        at = at.parent
    assert len(made) == 3
    for folder in made:
        mode = stat.S_IMODE(folder.stat().st_mode)
        assert mode == 0o700, f"{folder} was made {oct(mode)} under umask 0"
