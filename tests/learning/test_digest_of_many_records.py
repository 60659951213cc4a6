"""`facilitator digest --records FOLDER` over many records (a service manager combining every team's): the files
are read and parsed in worker processes, each worker reading its own files, so the digest process never holds
every record's text, and each record's parts are kept packed on a shelf (a spooled temporary file), not as
objects, read back one record at a time as the digest is written (bench/records.py: see README).

The digest made through the workers must be the very one made reading the files here, strange files included,
and the same again with the shelf in its temporary file from its first byte.
"""

from __future__ import annotations

import datetime as dt

from facilitator.cli import main
from facilitator.learning import records
from facilitator.store import Store
from tests.conftest import FixedClock, counter_ids
from tests.learning.helpers import reviewed_session

SESSIONS = 12


def _other_teams_records(library, tmp_path):  # noqa: ANN001, ANN202
    folder = tmp_path / "other-team"
    store = Store(folder, clock=FixedClock(), id_factory=counter_ids("o")).open()
    try:
        for n in range(SESSIONS):
            reviewed_session(store, library, FixedClock(), team=f"Team {n % 3}", date=dt.date(2026, 3, 1 + n),
                             title=f"Review {n}", action=f"Action {n}", went_right=f"What went right {n}")
    finally:
        store.close()
    found = folder / "records"
    # Strange files among them: not UTF-8 text, markdown that is not a record, a record cut off in its front matter.
    (found / "binary.md").write_bytes(b"\xff\xfe\x00garbage")
    (found / "notes.md").write_text("# Notes from the away day\n\n- nothing to count\n", encoding="utf-8")
    (found / "cut.md").write_text("---\nid: x\nstatus: final\ndate: [2026-01-0", encoding="utf-8")
    return found


def _digest(found, out, capsys) -> str:  # noqa: ANN001
    assert main(["digest", "--since", "2026-01-01", "--until", "2026-12-31", "--records", str(found), "--out", str(out)],
                clock=FixedClock()) == 0
    capsys.readouterr()
    return out.read_text(encoding="utf-8")


def test_many_records_are_read_in_workers_and_make_the_same_digest(library, tmp_path, capsys, monkeypatch):
    found = _other_teams_records(library, tmp_path)
    monkeypatch.setattr(records, "PARALLEL_FROM", 10**9)
    here = _digest(found, tmp_path / "here.md", capsys)
    seen: list[int] = []
    from facilitator.store import history

    real = history.record_text
    monkeypatch.setattr(history, "record_text", lambda path: seen.append(1) or real(path))  # (read in this process)
    monkeypatch.setattr(records, "PARALLEL_FROM", 2)
    monkeypatch.setattr("facilitator.learning.rebuild.worker_count", lambda: 2)
    through_workers = _digest(found, tmp_path / "workers.md", capsys)
    assert seen == []  # every file was read in the workers
    assert through_workers == here
    assert f"**Sessions:** {SESSIONS}" in here and "What went right 11" in here
    assert "3 files in the records folders were not" in here  # the three strange files, counted and named as such


def test_records_kept_on_the_shelf_past_memory_make_the_same_digest(library, tmp_path, capsys, monkeypatch):
    found = _other_teams_records(library, tmp_path)
    in_memory = _digest(found, tmp_path / "in-memory.md", capsys)
    monkeypatch.setattr(records, "SHELF_IN_MEMORY", 1)  # every record's parts in the temporary file
    rolled: list[bool] = []
    real_close = records.RecordShelf.close
    monkeypatch.setattr(records.RecordShelf, "close", lambda self: rolled.append(self._file._rolled) or real_close(self))
    on_disk = _digest(found, tmp_path / "on-disk.md", capsys)
    assert rolled == [True]
    assert on_disk == in_memory
    assert "Action 11" in on_disk and "What went right 0" in on_disk


def _workers_of(pid: int) -> list[int]:
    """The worker processes the digest started (not multiprocessing's resource tracker) running now."""
    from pathlib import Path

    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            try:
                if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(int(child))
            except OSError:
                continue
    return found


def test_a_worker_killed_while_the_records_are_read_loses_none_of_them(library, tmp_path):
    """A worker killed (as the system does when memory runs short): the records it had not parsed are read in the
    digest's own process, and the digest is the one made with no worker killed."""
    import os
    import signal
    import subprocess
    import sys
    import time

    found = _other_teams_records(library, tmp_path)
    made = sorted(found.glob("*.md"))
    for n in range(30):  # 360 records more: enough to be read in workers, and for them to take a while
        for path in made:
            text = path.read_text(encoding="utf-8", errors="replace")
            (found / f"copy-{n}-{path.name}").write_text(text.replace("\nid: ", f"\nid: copy-{n}-", 1), encoding="utf-8")

    def digest(out, kill: bool) -> tuple[int, int | None]:  # noqa: ANN001 - (exit status, the worker killed)
        command = [sys.executable, "-m", "facilitator", "--data-dir", str(tmp_path / "none"), "digest", "--since",
                   "2026-01-01", "--until", "2026-12-31", "--records", str(found), "--out", str(out)]
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        killed = None
        try:
            while kill and killed is None and proc.poll() is None:
                for killed in _workers_of(proc.pid)[:1]:
                    os.kill(killed, signal.SIGKILL)
                time.sleep(0.005)
            return proc.wait(timeout=60), killed
        finally:  # (stuck: the digest once waited for ever for a worker left behind; nothing is left running)
            if proc.poll() is None:
                for pid in [*_workers_of(proc.pid), proc.pid]:
                    os.kill(pid, signal.SIGKILL)
                proc.wait()

    assert digest(tmp_path / "whole.md", kill=False) == (0, None)
    status, killed = digest(tmp_path / "killed.md", kill=True)
    assert status == 0 and killed is not None
    whole = (tmp_path / "whole.md").read_text(encoding="utf-8")
    assert (tmp_path / "killed.md").read_text(encoding="utf-8") == whole
    assert f"**Sessions:** {SESSIONS * 31:,}" in whole


def test_a_final_record_cut_off_or_changed_since_it_was_written_is_named(library, tmp_path, capsys):
    """`digest --records` read a final record cut off half way, or with words changed, as a whole session without a
    word (its strengths and actions silently missing), though its front matter holds the checksum of its body. The
    digest reads it as it is, and names it, with what to do."""
    found = _other_teams_records(library, tmp_path)
    records_written = sorted(p for p in found.glob("*.md") if p.name not in ("binary.md", "notes.md", "cut.md"))
    cut, changed = records_written[0], records_written[1]
    cut.write_text(cut.read_text(encoding="utf-8")[:1500], encoding="utf-8")
    changed.write_text(changed.read_text(encoding="utf-8").replace("What went right", "What went wrong", 1),
                       encoding="utf-8")
    out = tmp_path / "digest.md"
    assert main(["digest", "--since", "2026-01-01", "--until", "2026-12-31", "--records", str(found), "--out", str(out)],
                clock=FixedClock()) == 0
    said = [line for line in capsys.readouterr().err.splitlines() if "checksum" in line]
    assert len(said) == 1 and cut.name in said[0] and changed.name in said[0] and said[0].endswith("."), said
    assert f"**Sessions:** {SESSIONS}" in out.read_text(encoding="utf-8")  # (read as they are)
