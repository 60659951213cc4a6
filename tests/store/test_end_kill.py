"""kill -9 while a session is being ended: never a final record of a session still running.

A real subprocess (end_driver.py) ends a session as the app's end screen does and is killed at each
moment of it, then the folder is opened as the app opens it: either the session is still running and no
record of it says final, or it has ended and its final record is where the session says.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from facilitator.store import Store

from .helpers import assert_files_readable

DRIVER = Path(__file__).with_name("end_driver.py")


def run_driver(data_dir: Path, session_id: str, kill_at: str, delay: float | None = None) -> None:
    proc = subprocess.Popen(
        [sys.executable, str(DRIVER), str(data_dir), session_id, kill_at],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        if delay is not None:
            assert proc.stdout.readline() == b"ENDING\n", proc.stderr.read().decode()
            time.sleep(delay)
            proc.kill()
        proc.wait(timeout=30)
        err = proc.stderr.read().decode()
        assert proc.returncode == -9, f"the driver stopped by itself ({proc.returncode}): {err[-2000:]}"
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def final_records_of(data_dir: Path, session_id: str) -> list[Path]:
    """Every file under records/ (hidden ones too) that is a final record of this session."""
    folder = data_dir / "records"
    found = []
    for path in folder.rglob("*") if folder.is_dir() else []:
        text = path.read_text(errors="replace") if path.is_file() else ""
        if f"id: {session_id}" in text and "status: final" in text:
            found.append(path)
    return found


def check_consistent(data_dir: Path, session_id: str) -> str:
    """Open the folder as the app does; the session's status, after checking it agrees with its records."""
    store = Store(data_dir).open()
    try:
        session = store.load_session(session_id)
        records = final_records_of(data_dir, session_id)
        if session.status.value == "running":
            assert records == [], f"a final record of a running session: {records}"
        else:
            assert records == [Path(session.record_path)], (records, session.record_path)
            assert [c.text for c in session.contributions] == ["Said 0.", "Said 1."]
        assert not list((data_dir / "sessions").glob("*.final-record")), "a staged record was left behind"
        return session.status.value
    finally:
        store.close()
        assert_files_readable(data_dir)


@pytest.mark.parametrize("kill_at,status", [("staged", "running"), ("ended", "ended"), ("published", "ended")])
def test_kill_at_each_moment_of_ending_leaves_a_consistent_session(tmp_path, kill_at, status):
    data_dir = tmp_path / "data"
    run_driver(data_dir, "s-end", kill_at)
    if kill_at == "staged":
        assert final_records_of(data_dir, "s-end") == [], "a final record was in records/ before the session ended"
    assert check_consistent(data_dir, "s-end") == status


def _random_kills(tmp_path: Path, runs: int, seed: int) -> list[tuple[str, bool, list[str]]]:
    """For each run killed at a random moment of ending: the session's status as the app finds it next, whether a
    final record of it is in records/, and what it holds."""
    rng = random.Random(seed)
    found = []
    for n in range(runs):
        data_dir = tmp_path / f"data{n}"
        run_driver(data_dir, f"s{n}", "never", delay=rng.uniform(0.0, 0.04))
        status = check_consistent(data_dir, f"s{n}")
        store = Store(data_dir).open()
        try:
            said = [c.text for c in store.load_session(f"s{n}").contributions]
        finally:
            store.close()
        found.append((status, bool(final_records_of(data_dir, f"s{n}")), said))
    return found


def test_kill_at_random_moments_while_ending(tmp_path):
    found = _random_kills(tmp_path, 6, seed=12)
    # Each kill leaves a running session with no final record, or an ended one with its record; nothing said is lost.
    assert [(status, recorded) for status, recorded, _ in found] == [
        (status, status == "ended") for status, _, _ in found
    ]
    assert all(said == ["Said 0.", "Said 1."] for _, _, said in found)


@pytest.mark.slow
def test_kill_at_random_moments_while_ending_many_times(tmp_path):
    found = _random_kills(tmp_path, 60, seed=1212)
    seen = {status: sum(1 for s, _, _ in found if s == status) for status in ("running", "ended")}
    print(f"end-session kills: {seen}")
    assert all(recorded == (status == "ended") for status, recorded, _ in found)
    assert all(said == ["Said 0.", "Said 1."] for _, _, said in found)
    assert seen["running"] and seen["ended"], f"the kills did not reach both sides of the end: {seen}"
