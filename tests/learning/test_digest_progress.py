"""`facilitator digest` over a long history says how far it has got, on the terminal only.

At 20,000 sessions the digest takes about 13 s; it printed nothing until the path of the file it wrote. It now
writes one line on standard error, over itself, cleared before the path; where standard error is not a
terminal (a scheduled job, a log) nothing more is printed. Run for real, in a subprocess on a pseudo-terminal.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.learning.helpers import reviewed_session

SESSIONS = 5


def _history(store, library, clock) -> None:  # noqa: ANN001
    for n in range(SESSIONS):
        reviewed_session(store, library, clock, title=f"Review {n}", action=f"Action {n}")


def _digest_on_a_terminal(data_dir: Path, out: Path) -> tuple[int, str]:
    """(exit code, what the terminal was sent): stdout and stderr both on a pseudo-terminal, as in a window."""
    master, slave = pty.openpty()
    env = {**os.environ, "FACILITATOR_PROGRESS_AFTER": "0"}  # (a history this small is read in a moment)
    proc = subprocess.Popen(
        [sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), "digest", "--since", "2026-01-01",
         "--until", "2026-12-31", "--out", str(out)],
        stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env,
    )
    os.close(slave)
    sent = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the command has ended and the terminal is closed
            break
        if not chunk:
            break
        sent += chunk
    os.close(master)
    return proc.wait(timeout=60), sent.decode("utf-8", "replace")


def test_on_a_terminal_the_digest_says_how_many_sessions_it_has_read_then_clears_the_line(store, library, clock, tmp_path):
    _history(store, library, clock)
    store.close()
    out = tmp_path / "digest.md"
    code, sent = _digest_on_a_terminal(store.data_dir, out)
    assert code == 0, sent
    assert f"Writing the digest: {SESSIONS} of {SESSIONS} sessions read" in sent, sent
    # then the sessions with learning actions read again, for the actions' table: every one of them has one
    assert f"Writing the digest: the learning actions, {SESSIONS} of {SESSIONS} sessions read" in sent, sent
    # The line is cleared before the path is printed, so the path stands alone on its line.
    assert sent.rstrip().endswith(f"\r\x1b[K{out}"), repr(sent[-200:])
    assert "## What went right, and the highlights" in out.read_text(encoding="utf-8")


def test_to_a_file_or_a_pipe_the_digest_prints_only_the_path(store, library, clock, tmp_path):
    _history(store, library, clock)
    store.close()
    out = tmp_path / "digest.md"
    done = subprocess.run(
        [sys.executable, "-m", "facilitator", "--data-dir", str(store.data_dir), "digest", "--since", "2026-01-01",
         "--until", "2026-12-31", "--out", str(out)],
        capture_output=True, text=True, env={**os.environ, "FACILITATOR_PROGRESS_AFTER": "0"}, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{out}\n" and done.stderr == ""
