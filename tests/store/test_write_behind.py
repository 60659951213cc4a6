"""Recording waits for the journal line alone: the session file's periodic rewrite comes after "Recorded"."""

from __future__ import annotations

import os
import time
import threading

from textual.widgets import Input, Static

from facilitator.store import Store
from facilitator.tui.widgets.contribution_list import ContributionList
from tests.conftest import build_app

from .helpers import fixed_clock, new_session


async def test_a_slow_session_file_write_never_holds_up_recorded(data_dir, library):
    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    session = new_session(store, library.get("serious-success-review"), clock)
    store.wait_for_file_writes()  # its first file (written just after it is made)
    session_file = f"{session.id}.json"
    started, finished, release = threading.Event(), threading.Event(), threading.Event()
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            path = ""
        # the session file's temp file (not the draft's, drafts/<session id>.json, named the same in its own folder)
        in_sessions = os.path.dirname(path) == str(data_dir / "sessions")
        if in_sessions and os.path.basename(path).startswith(f".{session_file}.") and not release.is_set():
            started.set()
            release.wait(60)  # a disk that takes its time (until the test has looked at the screen)
            finished.set()
        real_fsync(fd)

    app = build_app(store, clock, open_session_id=session.id)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            screen = app.screen
            box = screen.query_one("#contribution", Input)
            os.fsync = slow_fsync
            try:
                for n in range(1, store.flush_every + 1):  # the last of these makes the session file due
                    box.value = f"Point {n}."
                    await pilot.press("enter")
                    await pilot.pause()
                assert started.wait(5), "the session file was never written"
                # The write is still held by the disk, and the room already sees the contribution as recorded.
                assert not finished.is_set()
                status = str(screen.query_one("#status", Static).render())
                assert f"Recorded ({store.flush_every} in this phase)" in status
                assert [i.contribution.text for i in screen.query_one(ContributionList).shown_contributions()][-1] == f"Point {store.flush_every}."
            finally:
                release.set()
                os.fsync = real_fsync
            box.value = "After the slow write."
            await pilot.press("enter")
            await pilot.pause()
        store.close()
    finally:
        os.fsync = real_fsync
        release.set()
    again = Store(data_dir, clock=fixed_clock()).open()
    try:
        texts = [c.text for c in again.load_session(session.id).contributions]
        assert texts == [f"Point {n}." for n in range(1, store.flush_every + 1)] + ["After the slow write."]
        assert not again.notices
    finally:
        again.close()


def test_in_a_burst_of_changes_the_session_file_is_rewritten_once_recording_pauses(data_dir, library):
    """Phones sending at once, points typed quickly: the session file's write and fsync wait for a pause, so they
    do not share the disk with the acknowledgements; after the pause the file holds every change."""
    from facilitator.session_ops import record_contribution
    from facilitator.store.store import _session_from_file

    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    try:
        session = new_session(store, library.get("serious-success-review"), clock)
        store.wait_for_file_writes()  # its first file (written just after it is made)
        store.write_when_quiet = 0.5  # (a long pause, so that a slow machine does not make one mid-burst)
        path = data_dir / "sessions" / f"{session.id}.json"
        written = path.stat().st_ino  # the file is replaced whole (a new inode) each time it is written
        texts = [f"Point {n}." for n in range(1, store.flush_every * 2 + 1)]
        for text in texts:  # two files' worth of changes fall due in the burst
            record_contribution(store, session, text, None, clock)
            assert path.stat().st_ino == written, "the session file was rewritten in the middle of the burst"
        until = time.monotonic() + 10
        while path.stat().st_ino == written and time.monotonic() < until:
            time.sleep(0.02)
        assert path.stat().st_ino != written, "the session file was never written after the burst"
        on_disk, _ = _session_from_file(path, path.read_bytes())
        assert [c.text for c in on_disk.contributions] == texts
    finally:
        store.close()


def test_a_new_session_gets_its_file_and_backup_just_after_it_is_made(data_dir, library):
    """Making a session waits for its journal line alone (what ctrl+s on the set-up screen waits for); its file and
    its backup follow by themselves a moment later, with no other change, as any later start would find them."""
    from facilitator.store.store import _session_from_file

    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    try:
        session = new_session(store, library.get("serious-success-review"), clock, title="Made and left alone")
        assert (data_dir / "sessions" / f"{session.id}.journal.jsonl").exists()
        path = data_dir / "sessions" / f"{session.id}.json"
        backup = data_dir / "backups" / f"{session.id}.json"
        until = time.monotonic() + 10
        while not (path.exists() and backup.exists()) and time.monotonic() < until:
            time.sleep(0.02)
        assert path.exists(), "the new session's file was never written"
        assert backup.exists(), "the new session's backup was never written"
        for written in (path, backup):
            on_disk, _ = _session_from_file(written, written.read_bytes(), store.resolve_template)
            assert on_disk.title == "Made and left alone" and on_disk.team == session.team
        # Its file is now the session as made: recording goes on from it.
        from facilitator.session_ops import record_contribution

        record_contribution(store, session, "The first point.", None, clock)
    finally:
        store.close()
    again = Store(data_dir, clock=fixed_clock()).open()
    try:
        assert [c.text for c in again.load_session(session.id).contributions] == ["The first point."]
        assert not again.notices
    finally:
        again.close()


def test_a_session_made_just_before_the_app_closes_has_its_file_and_backup(data_dir, library):
    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    session = new_session(store, library.get("serious-success-review"), clock, title="Made, then quit at once")
    store.close()  # (ctrl+q on the follow-up round, before the writer thread got to it)
    assert (data_dir / "sessions" / f"{session.id}.json").exists()
    assert (data_dir / "backups" / f"{session.id}.json").exists()
    again = Store(data_dir, clock=fixed_clock()).open()
    try:
        assert [s.title for s in again.unfinished_sessions()] == ["Made, then quit at once"]
        assert not again.notices
    finally:
        again.close()
