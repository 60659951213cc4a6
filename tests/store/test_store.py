"""The store's everyday promises: clean starts, the whole history, read-only readers, private settings."""

from __future__ import annotations

import os

from facilitator.cli import main
from facilitator.session_ops import end_session, go_to_phase, record_contribution
from facilitator.store import Store

from .helpers import fixed_clock, new_session, stray_temp_files


def test_stray_temp_files_from_a_crash_are_removed_at_start(data_dir):
    Store(data_dir).open().close()
    strays = [
        data_dir / ".index.json.4242.tmp",
        data_dir / "sessions" / ".20261122-abc.json.4242.tmp",
        data_dir / "backups" / ".20261122-abc.json.4242.tmp",
        data_dir / "records" / ".2026-11-22-x.md.4242.tmp",
    ]
    for p in strays:
        p.write_bytes(b"half a file")
    store = Store(data_dir).open()
    store.close()
    assert not stray_temp_files(data_dir)
    assert store.notices == []


def test_history_holds_every_session_with_every_contribution(data_dir, library):
    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    template = library.get("serious-success-review")
    ended = new_session(store, template, clock, title="Ended one")
    for n in range(3):
        record_contribution(store, ended, f"Ended {n}.", None, clock)
    end_session(store, ended, clock)
    running = new_session(store, template, clock, title="Running one")
    for n in range(40):  # more than one write of the session file, and some changes only in the journal
        record_contribution(store, running, f"Running {n}.", None, clock)
    running = go_to_phase(store, running, 3)
    record_contribution(store, running, "After the phase change.", None, clock)

    history = {entry.summary.title: entry for entry in store.load_history()}
    assert set(history) == {"Ended one", "Running one"}
    assert [c["text"] for c in history["Ended one"].contributions] == [f"Ended {n}." for n in range(3)]
    assert [c.text for c in history["Running one"].session().contributions] == [
        *(f"Running {n}." for n in range(40)),
        "After the phase change.",
    ]
    assert history["Running one"].session().current_phase == 3
    assert history["Ended one"].summary.status.value == "ended"
    store.close()

    again = Store(data_dir).open()
    assert sorted(len(e.contributions) for e in again.load_history()) == [3, 41]
    again.close()


def test_recording_does_not_touch_the_index_or_other_sessions(data_dir, library):
    """The cost of recording does not grow with the history: only the session's own files change."""
    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    template = library.get("serious-success-review")
    other = new_session(store, template, clock, title="Another session")
    session = new_session(store, template, clock)
    store.wait_for_file_writes()  # the new sessions' files and backups (written just after they are made)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in data_dir.rglob("*") if p.is_file()}
    for n in range(20):
        record_contribution(store, session, f"Said {n}.", None, clock)
    store.flush()  # the session file brought up to date (as close does; close also writes the index whole)
    changed = {p for p, state in before.items() if (p.stat().st_mtime_ns, p.read_bytes()) != state}
    added = {p for p in data_dir.rglob("*") if p.is_file()} - set(before)
    store.close()
    assert {p.name for p in changed} <= {f"{session.id}.json", f"{session.id}.journal.jsonl"}
    assert other.id not in {p.name.split(".")[0] for p in changed}
    assert not added, added


def test_sessions_list_works_while_the_app_has_the_folder_and_writes_nothing(data_dir, library, capsys):
    clock = fixed_clock()
    store = Store(data_dir, clock=clock).open()
    try:
        session = new_session(store, library.get("serious-success-review"), clock, title="Open in the app")
        record_contribution(store, session, "Said.", None, clock)
        store.flush()
        before = {p: p.stat().st_mtime_ns for p in data_dir.rglob("*")}
        assert main(["--data-dir", str(data_dir), "sessions", "list"]) == 0
        out = capsys.readouterr().out
        assert session.id in out and "Open in the app" in out and "running" in out
        assert {p: p.stat().st_mtime_ns for p in data_dir.rglob("*")} == before
    finally:
        store.close()


def test_import_sessions_then_reopen_lists_them_all(data_dir, library):
    from facilitator.models import Contribution, Session

    clock = fixed_clock()
    template = library.get("quick-success-huddle")
    sessions = []
    for n in range(30):
        now = clock()
        sessions.append(
            Session(
                id=f"20261122-imp{n:03d}",
                template=template,
                title=f"Imported {n}",
                date=now.date(),
                created_at=now,
                contributions=[
                    Contribution(id=f"i{n}-{k}", phase_id=template.phases[0].id, text=f"Text {k}", created_at=now)
                    for k in range(5)
                ],
            )
        )
    store = Store(data_dir).open()
    assert store.import_sessions(sessions) == 30
    store.close()
    store = Store(data_dir).open()
    assert len(store.list_sessions()) == 30 and store.notices == []
    loaded = store.load_session("20261122-imp007")
    assert [c.text for c in loaded.contributions] == [f"Text {k}" for k in range(5)]
    record_contribution(store, loaded, "Added after import.", None, clock)
    store.close()
    store = Store(data_dir).open()
    assert len(store.load_session("20261122-imp007").contributions) == 6
    store.close()


def test_settings_file_missing_or_broken_gives_defaults_and_a_notice(data_dir):
    store = Store(data_dir).open()
    try:
        assert store.read_settings_file() == {}
        (data_dir / "settings.toml").write_text('[records]\nretention_note = "Keep 6 years"\n', encoding="utf-8")
        assert store.read_settings_file() == {"records": {"retention_note": "Keep 6 years"}}
        (data_dir / "settings.toml").write_text("[records\n", encoding="utf-8")
        assert store.read_settings_file() == {}
        assert any("settings.toml" in n for n in store.notices)
    finally:
        store.close()


def test_opening_a_folder_that_cannot_be_created_says_which_and_how_to_fix(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    import pytest

    from facilitator.store import StoreError

    with pytest.raises(StoreError) as caught:
        Store(blocker / "data").open()
    message = str(caught.value)
    assert str(blocker / "data") in message and "--data-dir" in message
    assert not os.path.exists(blocker / "data")
