"""Shared helpers for the store tests: real sessions, real files, and failures of real system calls."""

from __future__ import annotations

import datetime as dt
import errno
import os
from pathlib import Path

import orjson

from facilitator.models import Contribution, Session


def new_session(store, template, clock, title: str = "Returning to school", **fields) -> Session:
    from facilitator.session_ops import start_session

    return start_session(store, template, clock=clock, title=title, participants=["Sam", "Priya"], **fields)


def contribution(store, session: Session, text: str, clock) -> Contribution:
    return Contribution(id=store.new_contribution_id(), phase_id=session.phase.id, text=text, created_at=clock())


def all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def tree_state(folder: Path) -> dict[str, tuple]:
    """Every path under folder with its size, mode, mtime and content: to show that nothing changed."""
    state = {}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        content = p.read_bytes() if p.is_file() else b""
        state[str(p.relative_to(folder))] = (st.st_mode, st.st_size, st.st_mtime_ns, content)
    st = folder.stat()
    state["."] = (st.st_mode, st.st_mtime_ns)
    return state


def stray_temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.tmp")]


def assert_files_readable(data_dir: Path) -> None:
    """Every database file parses as JSON; every journal line parses (after a start has repaired tails)."""
    for p in [data_dir / "index.json", *(data_dir / "sessions").glob("*.json")]:
        if p.exists():
            data = p.read_bytes()
            assert data, f"{p} is empty"
            assert isinstance(orjson.loads(data), dict), p
    for p in (data_dir / "sessions").glob("*.journal.jsonl"):
        data = p.read_bytes()
        assert not data or data.endswith(b"\n"), f"{p} ends in a half-written line"
        for line in data.splitlines():
            assert "op" in orjson.loads(line), p


class FailingIO:
    """Make os.write / os.fsync / os.open fail with a chosen errno, but only for files in one folder.

    Everything else (pytest, Textual) keeps working: the failure is decided per file descriptor
    by looking at what /proc says it points to.
    """

    def __init__(self, monkeypatch, folder: Path, name_contains: str = ""):
        self.monkeypatch = monkeypatch
        self.folder = str(folder.resolve())
        self.name_contains = name_contains
        self.real_write, self.real_fsync, self.real_open = os.write, os.fsync, os.open
        self.calls = 0

    def _ours(self, fd: int) -> bool:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return False
        return target.startswith(self.folder) and self.name_contains in os.path.basename(target)

    def fail_write(self, code: int = errno.ENOSPC, after_bytes: int = 0) -> None:
        """write() fails; with after_bytes, the first write of each call gets that many bytes out first."""
        real = self.real_write

        def write(fd, data):
            if self._ours(fd):
                self.calls += 1
                if after_bytes and len(data) > after_bytes:
                    real(fd, bytes(data[:after_bytes]))
                    raise OSError(code, os.strerror(code))
                raise OSError(code, os.strerror(code))
            return real(fd, data)

        self.monkeypatch.setattr(os, "write", write)

    def fail_fsync(self, code: int = errno.EIO) -> None:
        real = self.real_fsync

        def fsync(fd):
            if self._ours(fd):
                self.calls += 1
                raise OSError(code, os.strerror(code))
            return real(fd)

        self.monkeypatch.setattr(os, "fsync", fsync)

    def fail_open_for_writing(self, code: int = errno.EROFS) -> None:
        real = self.real_open
        folder = self.folder

        def open_(path, flags, mode=0o777, *, dir_fd=None):
            writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND)
            target = os.path.abspath(os.fspath(path))
            if writing and target.startswith(folder) and self.name_contains in os.path.basename(target):
                self.calls += 1
                raise OSError(code, os.strerror(code), os.fspath(path))
            return real(path, flags, mode, dir_fd=dir_fd)

        self.monkeypatch.setattr(os, "open", open_)

    def restore(self) -> None:
        self.monkeypatch.undo()


def fixed_clock():
    now = [dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)]

    def clock():
        now[0] += dt.timedelta(seconds=1)
        return now[0]

    return clock


def counter_free_clock():
    """A clock that moves on one second per reading (the store stamps journal lines and quarantine names)."""
    return fixed_clock()


async def start_checks_done(app, pilot, timeout: float = 10.0) -> None:
    """Wait until the app has finished what it does just after its first screen: the store's start-up checks
    of every session (found problems then join the home screen's banner) and the templates' validation."""
    import time

    until = time.monotonic() + timeout
    while not app.warmed_up and time.monotonic() < until:
        await pilot.pause(0.01)
    await pilot.pause()
    assert app.warmed_up, "the app did not finish its start-up checks"


def session_with_a_hand_written_line(data_dir: Path, library, **contribution_fields) -> tuple[str, Path]:  # noqa: ANN001
    """A session with one contribution recorded and saved, then one more line in its journal only, as written by hand
    or by the app killed just after recording it: a copy of the first, with ``contribution_fields`` (its id and text
    at least). (The session's id, its journal.)"""
    from facilitator.session_ops import record_contribution
    from facilitator.store import Store

    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    session = new_session(store, library.get("serious-success-review"), clock)
    record_contribution(store, session, "Recorded and saved.", None, clock)
    store.close()
    journal = data_dir / "sessions" / f"{session.id}.journal.jsonl"
    lines = [orjson.loads(line) for line in journal.read_bytes().splitlines() if line.strip()]
    added = next(line for line in lines if line.get("op") == "add")
    late = {**added, "seq": max(line["seq"] for line in lines) + 1,
            "contribution": {**added["contribution"], **contribution_fields}}
    with journal.open("ab") as out:
        out.write(orjson.dumps(late) + b"\n")
    return session.id, journal


def texts_of(data_dir: Path, session_id: str) -> list[str]:
    """The texts of a session's contributions, as a read-only store opens them (the folder as a user left it)."""
    from facilitator.store import Store

    store = Store(data_dir, read_only=True).open()
    try:
        return [c.text for c in store.load_session(session_id).contributions]
    finally:
        store.close()
