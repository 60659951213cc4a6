"""kill -9 at random moments while contributions are recorded: nothing shown as recorded is ever lost.

A real subprocess (crash_driver.py) records into a real data folder and prints each change only
after the store acknowledged it; this test kills it with SIGKILL at a random moment, then opens the
folder again as the app would and checks every session against what was printed.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from facilitator.store import Store

from .helpers import assert_files_readable, stray_temp_files

DRIVER = Path(__file__).with_name("crash_driver.py")


@dataclass
class Expected:
    """What the driver reported as recorded in one session, across every run that touched it."""

    acked: list[str] = field(default_factory=list)
    maybe: set[str] = field(default_factory=set)  # being recorded when killed: may or may not be there
    phase: int = 0
    maybe_phase: int | None = None


def run_and_kill(data_dir: Path, session_id: str, prefix: str, rng: random.Random) -> list[str]:
    proc = subprocess.Popen(
        [sys.executable, str(DRIVER), str(data_dir), session_id, prefix],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    lines: list[bytes] = []
    if rng.random() < 0.2:
        # Anywhere in start-up: while the store is opening, replaying journals, creating the session.
        time.sleep(rng.uniform(0.0, 0.6))
    else:
        while True:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line == b"READY\n":
                break
        time.sleep(rng.uniform(0.0, 0.12))
    proc.kill()
    proc.wait(timeout=10)
    # Read through the same buffered reader: lines it already holds are part of the output.
    lines += proc.stdout.read().splitlines(keepends=True)
    err = proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == -9, f"the driver stopped by itself ({proc.returncode}): {err.decode()[-2000:]}"
    # A half-written last line of output is not a report of anything.
    return [l.decode().rstrip("\n") for l in lines if l.endswith(b"\n")]


def absorb(expected: dict[str, Expected], session_id: str, lines: list[str]) -> None:
    exp = None
    for line in lines:
        words = line.split()
        if words[0] == "SESSION":
            exp = expected.setdefault(session_id, Expected(phase=int(words[2])))
        elif words[0] == "BEGIN" and words[1] == "ADD":
            exp.maybe.add(words[2])
        elif words[0] == "ADD":
            exp.maybe.discard(words[1])
            exp.acked.append(words[1])
        elif words[0] == "BEGIN" and words[1] == "PHASE":
            exp.maybe_phase = int(words[2])
        elif words[0] == "PHASE":
            exp.phase, exp.maybe_phase = int(words[1]), None


def check_after_restart(data_dir: Path, expected: dict[str, Expected], context: str) -> None:
    # Before the app starts again: every session file and the index are whole (atomic writes).
    for p in [data_dir / "index.json", *(data_dir / "sessions").glob("*.json")]:
        if p.exists():
            import orjson

            assert p.stat().st_size > 0, f"{context}: {p} is empty"
            orjson.loads(p.read_bytes())
    started = time.perf_counter()
    store = Store(data_dir).open()
    try:
        opened_in = time.perf_counter() - started
        assert opened_in < 2.0, f"{context}: opening took {opened_in:.2f}s"
        assert not any("could not be read" in n for n in store.notices), f"{context}: {store.notices}"
        # (the start-up checks are done once the notices are read: the app shows them just after its first screen)
        assert not stray_temp_files(data_dir), f"{context}: temp files left after start: {stray_temp_files(data_dir)}"
        assert not [p for p in (data_dir / "quarantine").iterdir() if p.name.endswith(".json")], context
        assert_files_readable(data_dir)
        listed = {s.id for s in store.unfinished_sessions()}
        for session_id, exp in expected.items():
            assert session_id in listed, f"{context}: {session_id} is not offered for resumption"
            session = store.load_session(session_id)
            ids = [c.id for c in session.contributions]
            assert len(ids) == len(set(ids)), f"{context}: duplicates in {session_id}"
            missing = [i for i in exp.acked if i not in ids]
            assert not missing, f"{context}: acknowledged contributions lost from {session_id}: {missing}"
            extra = set(ids) - set(exp.acked)
            assert extra <= exp.maybe, f"{context}: {session_id} holds contributions never recorded: {extra - exp.maybe}"
            assert [i for i in ids if i in set(exp.acked)] == exp.acked, f"{context}: order changed in {session_id}"
            assert session.current_phase in {exp.phase, exp.maybe_phase}, (
                f"{context}: {session_id} is on phase {session.current_phase}, expected {exp.phase}"
            )
            # What this start saw is now settled: an in-flight change is either kept for good or gone.
            exp.acked = [i for i in ids]
            exp.maybe = set()
            exp.phase, exp.maybe_phase = session.current_phase, None
    finally:
        store.close()


def kill_many_times(tmp_path: Path, runs: int) -> int:
    """Kill the recorder `runs` times; every restart is checked. Returns how many were acknowledged."""
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    data_dir = tmp_path / "data"
    expected: dict[str, Expected] = {}
    acknowledged = 0
    for run in range(runs):
        if expected and rng.random() < 0.35:
            session_id = rng.choice(sorted(expected))  # resume a session that was killed before
        else:
            session_id = f"k{run:03d}"
        lines = run_and_kill(data_dir, session_id, f"r{run:03d}", rng)
        acknowledged += sum(1 for l in lines if l.startswith("ADD "))
        absorb(expected, session_id, lines)
        check_after_restart(data_dir, expected, f"seed {seed}, run {run}")
    assert acknowledged > runs, f"seed {seed}: the driver hardly recorded anything ({acknowledged})"
    return acknowledged


def test_kill_9_while_recording_loses_nothing(tmp_path):
    assert kill_many_times(tmp_path, runs=10) > 10


@pytest.mark.slow
def test_kill_9_while_recording_loses_nothing_100_times(tmp_path):
    assert kill_many_times(tmp_path, runs=100) > 100


KILLED_AS_IT_ENDS = """
import os, signal, sys
from pathlib import Path
from facilitator.session_ops import end_session, record_contribution
from facilitator.store import Store
from facilitator.templates import load_library
from tests.store.helpers import counter_free_clock, new_session

clock = counter_free_clock()
store = Store(Path(sys.argv[1]), clock=clock).open()
session = new_session(store, load_library(None).get("serious-success-review"), clock, title="Ended as it stopped")
record_contribution(store, session, "Said before the end.", None, clock)
store.flush()
print(session.id, flush=True)
acknowledged = store._after_ack

def after_ack(session, *args, **kwargs):
    if session.status.value == "ended":  # the end is in the journal: killed before anything else is written
        os.kill(os.getpid(), signal.SIGKILL)
    return acknowledged(session, *args, **kwargs)

store._after_ack = after_ack
end_session(store, session, clock)
"""


def test_a_session_killed_as_it_ends_is_listed_as_export_reads_it(tmp_path):
    """kill -9 just after the session's end reached its journal: `facilitator sessions list` said "running" while
    `facilitator export` wrote it as ended, until the app was next started. The list reads what the export reads."""
    data_dir = tmp_path / "data"
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-c", KILLED_AS_IT_ENDS, str(data_dir)], capture_output=True, text=True,
                         cwd=root, timeout=60, env={**os.environ, "PYTHONPATH": str(root)})
    assert run.returncode == -9, run.stderr
    session_id = run.stdout.strip()

    def cli(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), *args],
                              capture_output=True, text=True, cwd=root, timeout=60)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        return done

    assert cli("sessions", "list").stdout.split("\t")[-1].strip() == "ended"
    record = tmp_path / "record.md"
    cli("export", session_id, "--format", "md", "--out", str(record))
    assert "Said before the end." in record.read_text(encoding="utf-8")
    assert cli("sessions", "list").stdout.split("\t")[-1].strip() == "ended"
    store = Store(data_dir).open()  # the app's next start: the same
    try:
        (row,) = store.list_sessions()
        assert row.status.value == "ended"
    finally:
        store.close()
