"""`facilitator digest --records FOLDER` over many records (a service manager combining every team's): the files
are read and parsed in worker processes, each worker reading its own files, so the digest process never holds
every record's text. Measured at 20,000 records (bench: see README): 185 s and 841 MB before, 61 s and 420 MB.

The digest made through the workers must be the very one made reading the files here, strange files included.
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
