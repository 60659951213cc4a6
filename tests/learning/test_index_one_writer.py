"""One process writes the history index at a time. The app's child process builds it from nothing while the app
is used, and `facilitator digest` brings it up to date from the command line: two writing it at once each wrote
what the other had not yet, and the themes' counts came out missing most sessions, for good. A sync now waits
while another process's sync holds the index's lock file (history-index.sqlite.lock), as the child's does for
the whole of a build."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import queue
import threading
import time
from pathlib import Path

from filelock import FileLock

from facilitator.store import Store
from facilitator.store.index import INDEX_NAME

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from _history import make_history  # noqa: E402

SESSIONS = 40


def test_a_digest_waits_while_another_process_writes_the_index(data_dir, clock, tmp_path):
    """...and says so, at once: it waited up to 5 minutes without a word (a digest suspended in another terminal
    held every later one), which looked like a hang."""
    store = Store(data_dir, clock=clock).open()
    store.import_sessions(make_history(SESSIONS, 6, dt.date(2026, 11, 1)), sync=False)
    store.close()
    out = tmp_path / "digest.md"
    held = FileLock(str(data_dir / INDEX_NAME) + ".lock")  # as the app's child holds it while it builds the index
    held.acquire()
    proc = subprocess.Popen(
        [sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), "digest", "--since", "1990-01-01",
         "--until", "2026-12-31", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: lines.put(proc.stderr.readline()), daemon=True).start()
        said = lines.get(timeout=15)  # (read while the lock is still held: said as the wait begins)
        assert said.startswith("facilitator: ") and said.count("\n") == 1, said
        assert f"{data_dir / INDEX_NAME}" in said and "waits" in said and said.rstrip().endswith("."), said
        time.sleep(1.0)  # (the same digest, nothing holding the lock, takes about 1 s here)
        assert proc.poll() is None, proc.communicate()  # still waiting: it has written nothing beside the other
        assert not out.exists()
        if (data_dir / INDEX_NAME).exists():
            with sqlite3.connect(data_dir / INDEX_NAME) as conn:
                assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'sessions'").fetchall()
    finally:
        held.release()
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert f"**Sessions:** {SESSIONS}" in out.read_text(encoding="utf-8")


async def test_themes_counts_an_earlier_race_left_short_are_counted_again_at_the_next_start(data_dir, clock):
    """An index two processes wrote at the same time (before one writer at a time) kept themes' counts that missed
    most sessions: the next start counts them again from the sessions' rows, and the themes screen is right."""
    from facilitator.learning.history import HistoryIndex
    from facilitator.learning.themes import themes_markdown
    from facilitator.store.actions import read_changes
    from tests.conftest import build_app
    from tests.learning.helpers import compute_themes, themes_written

    store = Store(data_dir, clock=clock).open()
    store.import_sessions(make_history(SESSIONS, 12, dt.date(2026, 11, 1)), sync=False)
    expected = themes_markdown(compute_themes(list(HistoryIndex(store, use_cache=False).refresh().facts()),
                                              read_changes(store)))
    HistoryIndex(store).refresh().db.close()
    store.close()
    with sqlite3.connect(data_dir / INDEX_NAME) as conn:  # as the race left them: most sessions not counted
        for table in ("month_counts", "tag_months", "strength_months", "skill_months", "rating_months"):
            conn.execute(f"DELETE FROM {table} WHERE team_key != (SELECT min(team_key) FROM month_counts)")
        assert conn.execute("SELECT total(sessions) FROM month_counts").fetchone()[0] < SESSIONS

    store = Store(data_dir, clock=clock).open()
    app = build_app(store, clock)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            written = await themes_written(pilot)
    finally:
        store.close()
    assert written == expected
