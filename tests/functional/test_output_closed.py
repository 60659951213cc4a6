"""A command whose output is read only in part (`facilitator sessions list | head`) ends quietly.

It printed a Python traceback (BrokenPipeError) once `head` had its lines and closed the pipe. Run for real, in a
subprocess whose standard output is a pipe already closed at its other end, as `head` leaves it.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.learning.helpers import reviewed_session


def _run_into_a_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone: the first write fails with EPIPE
    try:
        return subprocess.run(
            [sys.executable, "-m", "facilitator", *args], stdout=write_end, stderr=subprocess.PIPE, text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)


def test_listing_sessions_into_a_pipe_closed_early_prints_no_traceback(store, library, clock):
    reviewed_session(store, library, clock)
    store.close()
    done = _run_into_a_closed_pipe("--data-dir", str(store.data_dir), "sessions", "list")
    assert done.stderr == ""
    assert done.returncode == 141  # as a command ended by SIGPIPE: the shell's `head` pipelines expect it


def test_listing_templates_into_a_pipe_closed_early_prints_no_traceback(data_dir):
    done = _run_into_a_closed_pipe("--data-dir", str(data_dir), "templates", "list")
    assert done.stderr == ""
    assert done.returncode == 141
