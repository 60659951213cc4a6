"""Where a command's output goes, as people send it: read in part, to a full disk, to a named pipe or a link.

- Read only in part (`facilitator sessions list | head`): it printed a Python traceback (BrokenPipeError) once
  `head` had its lines; it now ends quietly.
- To a full disk (`> /dev/full`): a traceback (OSError); now one sentence.
- `--out` naming a named pipe or a device: the file written beside it was renamed over it, so it was gone (as
  root, `--out /dev/null` replaced the device with a file); now it is written into.
- `--out` naming a symbolic link: the link was replaced by a file; now the file it points to is written.

Run for real, in subprocesses.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

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


def _facilitator(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "facilitator", *args], capture_output=True, text=True, timeout=60)


def test_a_listing_sent_to_a_full_disk_is_one_sentence(store, library, clock):
    reviewed_session(store, library, clock)
    store.close()
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "facilitator", "--data-dir", str(store.data_dir), "sessions", "list"],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr == (
        "facilitator: could not write the output: no space left on device. Send it to another file, or free some space.\n"
    ), done.stderr


def _read_fifo(path: Path, got: list) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as fifo:
            got.append(fifo.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


def _writing_commands(store, library, clock) -> list[list[str]]:  # noqa: ANN001
    """The commands that write a file named with --out, on a data folder with one ended session ("Settling in")."""
    session = reviewed_session(store, library, clock, title="Settling in")
    store.close()
    return [["export", session.id, "--format", "md"], ["digest", "--since", "2026-01-01", "--until", "2026-12-31"]]


def test_out_naming_a_named_pipe_writes_into_it_and_leaves_it_a_pipe(store, library, clock, tmp_path):
    for command in _writing_commands(store, library, clock):
        fifo = tmp_path / f"{command[0]}.pipe"
        os.mkfifo(fifo)
        got: list[bytes] = []
        reader = _read_fifo(fifo, got)
        done = _facilitator("--data-dir", str(store.data_dir), *command, "--out", str(fifo))
        reader.join(timeout=30)
        assert done.returncode == 0, done.stderr
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode), f"{command[0]}: the named pipe was replaced by a file"
        assert b"Settling in" in got[0]
        assert done.stdout == ""  # its path would only be added to what the pipe's reader gets


def test_out_naming_a_link_writes_the_file_it_points_to_and_keeps_the_link(store, library, clock, tmp_path):
    for command in _writing_commands(store, library, clock):
        real = tmp_path / f"{command[0]}-shared-folder" / "latest.md"
        real.parent.mkdir()
        link = tmp_path / f"{command[0]}-latest.md"
        link.symlink_to(real)
        done = _facilitator("--data-dir", str(store.data_dir), *command, "--out", str(link))
        assert done.returncode == 0, done.stderr
        assert link.is_symlink() and os.readlink(link) == str(real)
        assert "Settling in" in real.read_text(encoding="utf-8")
