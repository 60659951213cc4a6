"""Disk full, read-only folder, I/O errors: "not saved", the typed text stays, nothing earlier is lost."""

from __future__ import annotations

import errno
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from facilitator.session_ops import go_to_phase, record_contribution
from facilitator.store import NotSavedError, Store
from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.widgets.contribution_list import ContributionList
from tests.conftest import build_app

from .helpers import FailingIO, assert_files_readable, fixed_clock, new_session, stray_temp_files


@pytest.fixture
def running(data_dir, library):
    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    session = new_session(store, library.get("serious-success-review"), clock)
    record_contribution(store, session, "Recorded before the trouble.", None, clock)
    yield store, session, clock
    store.close()


def reopened_texts(data_dir: Path, session_id: str) -> list[str]:
    store = Store(data_dir, clock=fixed_clock()).open()
    try:
        assert not any("could not be read" in n for n in store.notices), store.notices
        return [c.text for c in store.load_session(session_id).contributions]
    finally:
        store.close()


FAILURES = {
    "disk full": ("fail_write", errno.ENOSPC, "the disk is full"),
    "disk full after a partial write": ("fail_write_partial", errno.ENOSPC, "the disk is full"),
    "read-only folder": ("fail_open_for_writing", errno.EROFS, "the disk is read-only"),
    "EIO on write": ("fail_write", errno.EIO, "input/output error"),
    "EIO on fsync": ("fail_fsync", errno.EIO, "input/output error"),
}


def inject(io: FailingIO, how: str, code: int) -> None:
    if how == "fail_write_partial":
        io.fail_write(code, after_bytes=20)
    else:
        getattr(io, how)(code)


@pytest.mark.parametrize("failure", FAILURES)
def test_failed_save_keeps_nothing_loses_nothing_and_saving_works_again(running, monkeypatch, data_dir, failure):
    store, session, clock = running
    how, code, reason = FAILURES[failure]
    journal = data_dir / "sessions" / f"{session.id}.journal.jsonl"
    before = journal.read_bytes()

    io = FailingIO(monkeypatch, data_dir)
    inject(io, how, code)
    with pytest.raises(NotSavedError) as caught:
        record_contribution(store, session, "Said while the disk was failing.", None, clock)
    assert io.calls, "the failure was never triggered"
    message = str(caught.value)
    assert message.startswith("Not saved:") and reason in message and str(data_dir) in message
    assert [c.text for c in session.contributions] == ["Recorded before the trouble."]
    assert journal.read_bytes() == before, "a change that was not saved left bytes in the journal"

    io.restore()
    record_contribution(store, session, "Said once the disk was fine.", None, clock)
    store.close()
    assert reopened_texts(data_dir, session.id) == ["Recorded before the trouble.", "Said once the disk was fine."]
    assert_files_readable(data_dir)
    assert not stray_temp_files(data_dir)


def test_phase_change_that_cannot_be_saved_leaves_the_session_where_it_was(running, monkeypatch, data_dir):
    store, session, clock = running
    io = FailingIO(monkeypatch, data_dir)
    io.fail_write(errno.ENOSPC)
    with pytest.raises(NotSavedError):
        go_to_phase(store, session, 1)
    io.restore()
    assert store.unfinished_sessions()[0].current_phase == 0
    moved = go_to_phase(store, session, 1)
    store.close()
    again = Store(data_dir).open()
    assert again.load_session(moved.id).current_phase == 1
    again.close()


def test_journal_saved_but_session_file_not_updated_is_still_recorded(running, monkeypatch, data_dir):
    """The acknowledgement is the journal line: a failing session-file update loses nothing."""
    store, session, clock = running
    store.flush_every = 1  # write the session file at every change, to make that write fail
    io = FailingIO(monkeypatch, data_dir, name_contains=".tmp")
    io.fail_write(errno.ENOSPC)
    record_contribution(store, session, "Journal only.", None, clock)
    store.wait_for_file_writes()  # the session file is written just after the acknowledgement, off the keypress
    assert io.calls
    assert any("Saved in the journal" in n for n in store.notices)
    record_contribution(store, session, "Journal only, again.", None, clock)
    store.wait_for_file_writes()
    io.restore()
    record_contribution(store, session, "Disk fine again.", None, clock)
    store.wait_for_file_writes()
    # The session file itself caught up with everything at the first write that worked.
    from facilitator.store.store import _session_from_file

    path = data_dir / "sessions" / f"{session.id}.json"
    on_disk, _ = _session_from_file(path, path.read_bytes())
    expected = ["Recorded before the trouble.", "Journal only.", "Journal only, again.", "Disk fine again."]
    assert [c.text for c in on_disk.contributions] == expected
    store.close()
    assert reopened_texts(data_dir, session.id) == expected


def test_session_file_behind_at_a_crash_is_caught_up_at_the_next_start(running, monkeypatch, data_dir):
    store, session, clock = running
    store.flush_every = 1
    io = FailingIO(monkeypatch, data_dir, name_contains=".tmp")
    io.fail_write(errno.ENOSPC)
    record_contribution(store, session, "Only in the journal when the app died.", None, clock)
    store.wait_for_file_writes()
    assert io.calls
    # No close(): the app died here. The lock dies with the process; simulate that.
    store._lock.release()
    store._lock = None
    io.restore()
    assert reopened_texts(data_dir, session.id) == ["Recorded before the trouble.", "Only in the journal when the app died."]


async def test_ui_says_not_saved_and_keeps_the_typed_text(running, monkeypatch, data_dir):
    store, session, clock = running
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        box = screen.query_one("#contribution", Input)
        io = FailingIO(monkeypatch, data_dir)
        io.fail_write(errno.ENOSPC)
        box.value = "Priya: the kitchen-table visits made the difference."
        await pilot.press("enter")
        await pilot.pause()
        status = str(screen.query_one("#status", Static).render())
        assert "Not saved" in status and "disk is full" in status
        assert box.value == "Priya: the kitchen-table visits made the difference."
        shown = [item.contribution.text for item in screen.query_one(ContributionList).shown_contributions()]
        assert shown == ["Recorded before the trouble."]

        io.restore()
        await pilot.press("enter")
        await pilot.pause()
        assert box.value == ""
        shown = [item.contribution.text for item in screen.query_one(ContributionList).shown_contributions()]
        assert shown == ["Recorded before the trouble.", "Priya: the kitchen-table visits made the difference."]
    store.close()
    assert reopened_texts(data_dir, session.id) == [
        "Recorded before the trouble.",
        "Priya: the kitchen-table visits made the difference.",
    ]


async def test_a_folder_in_the_journals_place_while_the_app_runs_is_named_with_what_to_do(running, data_dir):
    """The journal moved away and a folder made in its place while the session was open: "Not saved: is a directory
    (<the data folder>); ..., so free some space or fix the folder" named the wrong place and the wrong remedy."""
    store, session, clock = running
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        journal = data_dir / "sessions" / f"{session.id}.journal.jsonl"
        journal.rename(data_dir / "journal-moved-away.jsonl")
        journal.mkdir()
        box = screen.query_one("#contribution", Input)
        box.value = "Said while the folder was there."
        await pilot.press("enter")
        await pilot.pause()
        status = " ".join(str(screen.query_one("#status", Static).render()).split())
        assert status.startswith("Not saved:") and str(journal) in status and "move that folder aside" in status, status
        assert "free some space" not in status
        assert box.value == "Said while the folder was there."  # kept
        journal.rmdir()
        await pilot.press("enter")
        await pilot.pause()
        assert box.value == ""


@pytest.fixture
def small_tmpfs(tmp_path):
    mount_point = tmp_path / "tmpfs"
    mount_point.mkdir()
    try:
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", str(mount_point)],
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        pytest.skip("cannot run mount here")
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {result.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, timeout=10)


def fill(folder: Path) -> Path:
    filler = folder / f"filler-{uuid.uuid4().hex}"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for chunk in (65536, 4096, 512, 64, 1):
            while True:
                try:
                    os.write(fd, b"\0" * chunk)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    return filler


def test_real_full_disk_on_a_small_tmpfs(small_tmpfs, library):
    data_dir = small_tmpfs / "data"
    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    session = new_session(store, library.get("serious-success-review"), clock)
    acknowledged = []
    for n in range(3):
        record_contribution(store, session, f"Before the disk filled up {n}.", None, clock)
        acknowledged.append(f"Before the disk filled up {n}.")
    filler = fill(small_tmpfs)
    refused = None
    for n in range(200):
        text = f"While the disk is full {n}: " + "what helped was " * 20
        try:
            record_contribution(store, session, text, None, clock)
        except NotSavedError as exc:
            refused = (text, str(exc))
            break
        acknowledged.append(text)  # fitted in the journal's last page: acknowledged, must be kept
    assert refused is not None, "the full disk never refused a contribution"
    assert "Not saved: the disk is full" in refused[1]
    assert [c.text for c in session.contributions] == acknowledged

    filler.unlink()
    record_contribution(store, session, "Space is back.", None, clock)
    acknowledged.append("Space is back.")
    store.close()
    assert reopened_texts(data_dir, session.id) == acknowledged
    assert_files_readable(data_dir)
    assert not stray_temp_files(data_dir)


def test_changes_not_yet_written_to_the_session_file_survive_a_crash(running, data_dir):
    """Between two writes of the session file the journal alone holds the changes: a crash loses none."""
    store, session, clock = running
    from facilitator.store.store import _session_from_file

    texts = [f"Said {n}." for n in range(5)]
    for text in texts:
        record_contribution(store, session, text, None, clock)
    path = data_dir / "sessions" / f"{session.id}.json"
    on_disk, _ = _session_from_file(path, path.read_bytes())
    assert len(on_disk.contributions) < 6, "the session file was written at every change"
    store._lock.release()  # the app died: no close(), no flush
    store._lock = None
    store._session_dbs.clear()
    store._unflushed.clear()
    assert reopened_texts(data_dir, session.id) == ["Recorded before the trouble.", *texts]
