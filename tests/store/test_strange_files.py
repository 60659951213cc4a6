"""One damaged or strange file never stops the app (issue 12): each case through the commands people run.

For every case: `facilitator sessions list`, `export` and `digest` (real subprocesses) still work and say
in one sentence what happened; the app's own start (the store opened as `facilitator` opens it, and the
app under Pilot) repairs, keeps the damaged bytes in quarantine/ unchanged, and loses only what that file
alone held.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from textual.widgets import Static

from facilitator.session_ops import end_session, go_to_phase, record_contribution
from facilitator.store import Store
from facilitator.tui.screens.home import HomeScreen
from tests.conftest import build_app

from .helpers import FailingIO, counter_free_clock, new_session, start_checks_done, texts_of

SAID = ["Referral came from school.", "Mother felt judged at first.", "The worker always rang back."]
LATER = ["Visits at the kitchen table.", "Child A's words are in every plan."]
OTHER = ["The other team kept the family together."]


def one_sentence(text: str) -> bool:
    return "\n" not in text and text.endswith(".") and not re.search(r"[.;:]\s+[A-Z][a-z]+ ", text.replace("“", ""))


def facilitator(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """The real command line, in a new process, on this worktree's code."""
    result = subprocess.run(
        [sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


def notices_of(result: subprocess.CompletedProcess) -> list[str]:
    return [line.removeprefix("facilitator: ") for line in result.stderr.splitlines() if line.strip()]


@pytest.fixture
def folder(data_dir, library):
    """Two sessions: “Returning to school” (running, the one damaged in each test) and an ended one."""
    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    template = library.get("serious-success-review")
    other = new_session(store, template, clock, title="Other team's review")
    for text in OTHER:
        record_contribution(store, other, text, None, clock)
    end_session(store, other, clock)
    session = new_session(store, template, clock)
    for text in SAID:
        record_contribution(store, session, text, None, clock)
    session = go_to_phase(store, session, 2)
    for text in LATER:
        record_contribution(store, session, text, None, clock)
    store.close()
    return data_dir, session.id, other.id


def paths(data_dir: Path, session_id: str) -> tuple[Path, Path]:
    sessions = data_dir / "sessions"
    return sessions / f"{session_id}.json", sessions / f"{session_id}.journal.jsonl"


def quarantined(data_dir: Path) -> list[Path]:
    folder = data_dir / "quarantine"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def open_as_the_app(data_dir: Path) -> Store:
    return Store(data_dir, clock=counter_free_clock()).open()


@contextlib.asynccontextmanager
async def home_after_start(data_dir: Path):
    """The app started on the folder, its start-up checks done: (the store, the home screen, what its notices say)."""
    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    try:
        app = build_app(store, clock)
        async with app.run_test(size=(160, 45)) as pilot:
            await start_checks_done(app, pilot)
            assert isinstance(app.screen, HomeScreen)
            yield store, app.screen, str(app.screen.query_one("#home-notices", Static).render()).replace("\n", " ")
    finally:
        store.close()


def texts(session) -> list[str]:
    return [c.text for c in session.contributions]


def commands_still_work(data_dir: Path, session_id: str, other_id: str) -> list[str]:
    """sessions list, export of both sessions and digest: exit 0, no traceback; the notices they printed."""
    listed = facilitator(data_dir, "sessions", "list")
    assert listed.returncode == 0, listed.stderr
    assert other_id in listed.stdout
    said = notices_of(listed)
    for sid in (session_id, other_id):
        exported = facilitator(data_dir, "export", sid, "--format", "md", "--out", str(data_dir.parent / f"{sid}.md"))
        assert exported.returncode == 0, exported.stderr
        said += notices_of(exported)
    assert OTHER[0] in (data_dir.parent / f"{other_id}.md").read_text()
    digest = facilitator(data_dir, "digest", "--since", "2026-01-01", "--until", "2026-12-31", "--out", str(data_dir.parent / "digest.md"))
    assert digest.returncode == 0, digest.stderr
    said += notices_of(digest)
    for notice in said:
        assert one_sentence(notice), notice
    return said


def exported_text(data_dir: Path, session_id: str) -> str:
    return (data_dir.parent / f"{session_id}.md").read_text()


# ---------------------------------------------------------------------- 1. impossible journal lines
def _line(seq, op: str, **rest) -> bytes:
    return orjson.dumps({"seq": seq, "at": "2026-11-22T10:30:00+00:00", "op": op, **rest}) + b"\n"


def _contribution(text: str, cid: str = "after0000001") -> dict:
    return {"id": cid, "phase_id": "what-went-right", "text": text, "created_at": "2026-11-22T10:31:00+00:00"}


IMPOSSIBLE = {
    "an add of an invalid contribution": lambda n, first: _line(n, "add", contribution={"id": "bad", "text": ["not", "text"]}),
    "seq as text": lambda n, first: _line(str(n), "add", contribution=_contribution("Seq as text.", "seqtext00001")),
    "seq null": lambda n, first: _line(None, "add", contribution=_contribution("Seq null.", "seqnull00001")),
    "an unknown status": lambda n, first: _line(n, "update", fields={"status": "archived"}),
    "edit fields of the wrong type": lambda n, first: _line(n, "edit", id=first, fields={"text": 42, "starred": "very"}),
    "edit fields not a table": lambda n, first: _line(n, "edit", id=first, fields=["text"]),
    "current_phase out of range": lambda n, first: _line(n, "update", fields={"current_phase": 99}),
    "an unknown op": lambda n, first: _line(n, "merge", into="someone else"),
    # (dropped without a word before: its words were in no screen or record, and nobody was told)
    "another contribution under an id already used": lambda n, first: _line(
        n, "add", contribution=_contribution("Same id, other words.", first)),
}


@pytest.mark.parametrize("case", IMPOSSIBLE)
def test_impossible_journal_line_is_set_aside_and_every_other_change_kept(folder, case):
    data_dir, session_id, other_id = folder
    _, journal = paths(data_dir, session_id)
    lines = journal.read_bytes().splitlines(keepends=True)
    first_id = orjson.loads(lines[1])["contribution"]["id"]
    n = len(lines) + 1
    strange = IMPOSSIBLE[case](n, first_id)
    after = _line(n + 1, "add", contribution=_contribution("Said after the strange line."))
    original = journal.read_bytes() + strange + after
    journal.write_bytes(original)

    said = commands_still_work(data_dir, session_id, other_id)
    assert any(str(journal) in s and "cannot use" in s for s in said), said
    assert "Said after the strange line." in exported_text(data_dir, session_id)
    assert journal.read_bytes() == original, "a read-only command changed the journal"

    store = open_as_the_app(data_dir)
    try:
        session = store.load_session(session_id)
        assert texts(session) == SAID + LATER + ["Said after the strange line."]
        assert session.current_phase == 2 and session.status.value == "running"
        (notice,) = store.notices
        assert str(journal) in notice and "(" + session_id + ")" in notice and "set aside" in notice, notice
        assert one_sentence(notice), notice
        (kept,) = quarantined(data_dir)
        assert kept.read_bytes() == original and str(kept) in notice
        assert strange not in journal.read_bytes()
        record_contribution(store, session, "Recording goes on.", None, counter_free_clock())
    finally:
        store.close()
    again = open_as_the_app(data_dir)
    try:
        assert again.notices == []
        assert texts(again.load_session(session_id))[-1] == "Recording goes on."
    finally:
        again.close()


def test_a_far_off_seq_on_a_line_set_aside_is_not_told_as_lost_changes(folder):
    """A newer version's line numbered far ahead leaves a gap that never held anything: nothing is said lost."""
    data_dir, session_id, other_id = folder
    _, journal = paths(data_dir, session_id)
    n = len(journal.read_bytes().splitlines()) + 1
    journal.write_bytes(journal.read_bytes() + _line(n + 80, "merge", into="a newer version's change"))
    said = commands_still_work(data_dir, session_id, other_id)
    told = [s for s in said if str(journal) in s]
    assert told and all("1 line" in s and "could not be recovered" not in s for s in told), told
    store = open_as_the_app(data_dir)
    try:
        assert texts(store.load_session(session_id)) == SAID + LATER
        (notice,) = store.notices
        assert "could not be recovered" not in notice and "lost" not in notice.split("set aside")[1], notice
    finally:
        store.close()


async def test_app_starts_on_a_journal_with_an_impossible_line_and_says_so(folder):
    data_dir, session_id, _ = folder
    _, journal = paths(data_dir, session_id)
    n = len(journal.read_bytes().splitlines()) + 1
    journal.write_bytes(journal.read_bytes() + _line(n, "update", fields={"status": "archived"}))
    async with home_after_start(data_dir) as (_, home, shown):
        assert "cannot use" in shown and session_id in shown
        assert home.query_one("#unfinished").option_count == 1


# ---------------------------------------------------------------------- 2. files that cannot be read
def _into_a_folder(path: Path) -> bytes:
    """The file replaced by a folder (with the file inside it): reading it fails as it would for real."""
    original = path.read_bytes()
    inside = path.with_name(path.name + ".moved")
    path.rename(inside)
    path.mkdir()
    inside.rename(path / path.name)
    return original


def test_session_file_that_is_a_folder_is_set_aside_and_rebuilt_from_its_journal(folder):
    data_dir, session_id, other_id = folder
    db, _ = paths(data_dir, session_id)
    _into_a_folder(db)

    said = commands_still_work(data_dir, session_id, other_id)
    assert any(str(db) in s and "folder" in s for s in said), said
    assert LATER[-1] in exported_text(data_dir, session_id)

    store = open_as_the_app(data_dir)
    try:
        (notice,) = store.notices
        assert str(db) in notice and "it is a folder" in notice and "nothing lost" in notice and one_sentence(notice)
        assert texts(store.load_session(session_id)) == SAID + LATER
        (kept,) = quarantined(data_dir)
        assert kept.is_dir() and (kept / db.name).is_file()
    finally:
        store.close()


def test_journal_that_is_a_folder_leaves_the_session_as_its_file_holds_it(folder):
    data_dir, session_id, other_id = folder
    _, journal = paths(data_dir, session_id)
    original = _into_a_folder(journal)

    said = commands_still_work(data_dir, session_id, other_id)
    assert any(str(journal) in s and "could not be read" in s for s in said), said

    store = open_as_the_app(data_dir)
    try:
        (notice,) = store.notices
        assert str(journal) in notice and session_id in notice and one_sentence(notice), notice
        session = store.load_session(session_id)
        assert texts(session) == SAID + LATER
        (kept,) = quarantined(data_dir)
        assert (kept / journal.name).read_bytes() == original and str(kept) in notice
        record_contribution(store, session, "Recording goes on.", None, counter_free_clock())
    finally:
        store.close()
    again = open_as_the_app(data_dir)
    try:
        assert texts(again.load_session(session_id)) == SAID + LATER + ["Recording goes on."]
        assert again.notices == []
    finally:
        again.close()


def test_index_that_is_a_folder_is_rebuilt(folder):
    data_dir, session_id, other_id = folder
    index = data_dir / "index.json"
    original = _into_a_folder(index)

    said = commands_still_work(data_dir, session_id, other_id)
    assert any(str(index) in s and "folder" in s for s in said), said
    listed = facilitator(data_dir, "sessions", "list")
    assert session_id in listed.stdout and other_id in listed.stdout
    assert any(str(index) in s for s in notices_of(listed)), "sessions list did not say the index was unreadable"

    store = open_as_the_app(data_dir)
    try:
        (notice,) = store.notices
        assert str(index) in notice and "rebuilt" in notice and one_sentence(notice)
        assert {s.id for s in store.list_sessions()} == {session_id, other_id}
        (kept,) = quarantined(data_dir)
        assert (kept / "index.json").read_bytes() == original
    finally:
        store.close()


@pytest.mark.parametrize("value", [10**30, "\ud800"], ids=["a number too large", "a lone surrogate"])
async def test_an_index_entry_that_cannot_be_written_back_is_made_again_and_the_app_opens(folder, value):
    """An entry of index.json changed by hand to hold a value JSON cannot be written back with (a number beyond 64
    bits, a lone surrogate) was kept as read, and writing the index failed: the app, `new` and `resume` stopped with
    a traceback at every start. The entry is made again from its session's files, and said once."""
    data_dir, session_id, other_id = folder
    index = data_dir / "index.json"
    docs = json.loads(index.read_text(encoding="utf-8"))
    for doc in docs["sessions"].values():
        if doc["id"] == other_id:  # the ended one: its files unchanged, so its entry is taken as it is
            doc["phase_count"] = value
        else:  # the running one: made again at every start, and the index written with it
            doc["current_phase"] = 5
    index.write_text(json.dumps(docs), encoding="utf-8")
    (data_dir / "index-head.json").unlink(missing_ok=True)

    async with home_after_start(data_dir) as (store, home, shown):
        said = [n for n in store.notices if other_id in n]
        assert len(said) == 1 and str(index) in said[0] and "made again" in said[0] and one_sentence(said[0]), store.notices
        assert "made again" in shown
        assert home.query_one("#unfinished").option_count == 1
    assert "1000000000000000000000000000000" not in index.read_text(encoding="utf-8")


def _inode(path: str) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


class FailingReads(FailingIO):
    """EIO when one file (that very file: not one written in its place later) is read, as a failing disk gives it."""

    def fail_read(self, code: int = errno.EIO) -> None:
        real = io.open
        folder, name = self.folder, self.name_contains
        bad = os.stat(os.path.join(folder, name)).st_ino

        def open_(file, mode="r", *args, **kwargs):
            target = os.path.abspath(os.fspath(file)) if isinstance(file, (str, os.PathLike)) else ""
            if "r" in mode and target.startswith(folder) and os.path.basename(target) == name and _inode(target) == bad:
                self.calls += 1
                raise OSError(code, os.strerror(code), target)
            return real(file, mode, *args, **kwargs)

        self.monkeypatch.setattr(io, "open", open_)


@pytest.mark.parametrize("which", ["journal", "session file", "index"])
def test_input_output_error_on_reading_a_file_is_one_sentence(folder, monkeypatch, which):
    data_dir, session_id, _ = folder
    db, journal = paths(data_dir, session_id)
    path = {"journal": journal, "session file": db, "index": data_dir / "index.json"}[which]
    original = path.read_bytes()
    failing = FailingReads(monkeypatch, path.parent, path.name)
    failing.fail_read()
    store = open_as_the_app(data_dir)
    try:
        session = store.load_session(session_id)
        assert failing.calls
        assert texts(session) == SAID + LATER
        assert len(store.notices) == 1, "\n".join(store.notices)
        (notice,) = store.notices
        assert str(path) in notice and "input/output error" in notice and one_sentence(notice), notice
        failing.restore()
        (kept,) = quarantined(data_dir)
        assert kept.read_bytes() == original
    finally:
        failing.restore()
        store.close()


# ---------------------------------------------------------------------- 3. a journal cut short or zeroed
CUTS = {
    "cut short": lambda data: data[: len(data) // 2],
    "emptied": lambda data: b"",
    # (longer than when the session file was saved: changes came after, and cannot be read)
    "zeroed and longer": lambda data: b"\0" * (len(data) + 300),
}


@pytest.mark.parametrize("cut", CUTS)
def test_journal_shorter_than_the_session_file_says_is_reported_as_possible_loss(folder, cut):
    data_dir, session_id, other_id = folder
    _, journal = paths(data_dir, session_id)
    damaged = CUTS[cut](journal.read_bytes())
    journal.write_bytes(damaged)

    said = commands_still_work(data_dir, session_id, other_id)
    assert any(str(journal) in s and "may have been lost" in s for s in said), said

    store = open_as_the_app(data_dir)
    try:
        (notice,) = store.notices
        assert "“Returning to school”" in notice and f"({session_id})" in notice, notice
        assert "may have been lost" in notice and "half-written" not in notice and one_sentence(notice), notice
        session = store.load_session(session_id)
        assert texts(session) == SAID + LATER  # what the session file held
        (kept,) = quarantined(data_dir)
        assert kept.read_bytes() == damaged and str(kept) in notice
        record_contribution(store, session, "Recording goes on.", None, counter_free_clock())
    finally:
        store.close()
    if cut.startswith("zeroed"):
        assert "is shorter" not in notice and "zeros or damaged" in notice, notice
    again = open_as_the_app(data_dir)
    try:
        assert again.notices == []
        assert texts(again.load_session(session_id)) == SAID + LATER + ["Recording goes on."]
    finally:
        again.close()


def test_a_journal_zeroed_as_long_as_when_its_session_file_was_saved_says_nothing_was_lost(folder):
    """Zero-filled (a power cut, another program) but as long as when the session file was saved with every change
    in it: no change came after (it would have made the journal longer). It was said to be "shorter than when the
    session file was last saved (0 of 7262 bytes)" with changes maybe lost, which sent people looking for a loss."""
    data_dir, session_id, other_id = folder
    _, journal = paths(data_dir, session_id)
    journal.write_bytes(b"\0" * journal.stat().st_size)
    said = commands_still_work(data_dir, session_id, other_id)
    assert any(str(journal) in s and "nothing was lost" in s and "zeros" in s and one_sentence(s) for s in said), said
    assert not any("is shorter" in s or "may have been lost" in s for s in said), said
    store = open_as_the_app(data_dir)
    try:
        (notice,) = store.notices
        assert "nothing was lost" in notice and one_sentence(notice), notice
        assert texts(store.load_session(session_id)) == SAID + LATER
    finally:
        store.close()


# ---------------------------------------------------------------------- 5. a changed byte that keeps the JSON valid
def test_flipped_letter_in_a_session_file_is_found_by_its_checksum_and_rebuilt(folder):
    data_dir, session_id, other_id = folder
    db, _ = paths(data_dir, session_id)
    data = db.read_bytes()
    assert b"Referral came from school." in data
    damaged = data.replace(b"Referral came from school.", b"Referral came from schoel.")
    db.write_bytes(damaged)
    orjson.loads(damaged)  # still valid JSON

    said = commands_still_work(data_dir, session_id, other_id)
    assert any(str(db) in s and "checksum" in s for s in said), said
    assert "Referral came from school." in exported_text(data_dir, session_id)
    assert "schoel" not in exported_text(data_dir, session_id)

    store = open_as_the_app(data_dir)
    try:
        (notice,) = store.notices
        assert str(db) in notice and "checksum" in notice and "rebuilt from its journal" in notice and one_sentence(notice)
        assert texts(store.load_session(session_id)) == SAID + LATER
        (kept,) = quarantined(data_dir)
        assert kept.read_bytes() == damaged
    finally:
        store.close()


def test_flipped_letter_in_an_ended_session_is_not_in_the_digest(folder):
    data_dir, session_id, other_id = folder
    db, _ = paths(data_dir, other_id)
    db.write_bytes(db.read_bytes().replace(b"kept the family", b"kept the fanily"))
    out = data_dir.parent / "digest.md"
    result = facilitator(data_dir, "digest", "--since", "2026-01-01", "--until", "2026-12-31", "--out", str(out))
    assert result.returncode == 0
    assert "checksum" in result.stderr
    assert "fanily" not in out.read_text()


def test_session_file_without_a_checksum_is_still_read(folder):
    """Files written before checksums were added have none: they are read as they are."""
    data_dir, session_id, other_id = folder
    db, _ = paths(data_dir, session_id)
    tables = orjson.loads(db.read_bytes())
    assert "sha256" in tables["_meta"]["1"]
    del tables["_meta"]["1"]["sha256"]
    db.write_bytes(orjson.dumps(tables))
    said = commands_still_work(data_dir, session_id, other_id)
    assert said == []
    store = open_as_the_app(data_dir)
    try:
        assert store.notices == []
        assert texts(store.load_session(session_id)) == SAID + LATER
    finally:
        store.close()


# ---------------------------------------------------------------------- 4. the action log damaged
LOG_DAMAGE = {
    "a line cut short": lambda lines: [lines[0], lines[1][: len(lines[1]) // 2] + b"\n", lines[2]],
    "garbage": lambda lines: [lines[0], b"\x00\xff garbage \x17\n", lines[1], lines[2]],
    "an impossible line": lambda lines: [lines[0], lines[1], b'{"op": "status", "action_id": "x", "status": "archived", "date": "2026-10-02"}\n', lines[2]],
}


@pytest.fixture
def actions_folder(data_dir, library):
    """Three ended sessions, one learning action each; the first dropped, the second done, the third in progress."""
    import datetime as dt

    from facilitator.store.actions import change_status
    from tests.learning.helpers import load_actions
    from facilitator.learning.history import HistoryIndex
    from tests.learning.helpers import reviewed_session

    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    names = ["Share the morning plan", "Invite the school nurse", "Write to the GP"]
    for n, action in enumerate(names):
        reviewed_session(store, library, clock, action=action, title=f"Review {n}", date=dt.date(2026, 9, 1 + n))
    actions = {a.text: a for a in load_actions(store, HistoryIndex(store).refresh().facts())}
    change_status(store, actions[names[0]], "dropped", dt.date(2026, 10, 1), note="school said no")
    change_status(store, actions[names[1]], "done", dt.date(2026, 10, 1))
    change_status(store, actions[names[2]], "in progress", dt.date(2026, 10, 1))
    store.close()
    return data_dir, names


def action_statuses(data_dir: Path) -> dict[str, str]:
    from tests.learning.helpers import load_actions
    from facilitator.learning.history import HistoryIndex

    store = Store(data_dir, read_only=True).open()
    try:
        return {a.text: a.status.value for a in load_actions(store, HistoryIndex(store).refresh().facts())}
    finally:
        store.close()


@pytest.mark.parametrize("damage", LOG_DAMAGE)
def test_damaged_action_log_is_kept_and_every_readable_change_stands(actions_folder, damage):
    data_dir, names = actions_folder
    log = data_dir / "actions.journal.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    assert len(lines) == 3
    original = b"".join(LOG_DAMAGE[damage](lines))
    log.write_bytes(original)

    out = data_dir.parent / "digest.md"
    digest = facilitator(data_dir, "digest", "--since", "2026-01-01", "--until", "2026-12-31", "--out", str(out))
    assert digest.returncode == 0
    (notice,) = notices_of(digest)
    assert str(log) in notice and "kept" in notice and one_sentence(notice), notice
    assert "dropped" in out.read_text()  # the dropped action stays dropped in the digest
    listed = facilitator(data_dir, "sessions", "list")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 3

    store = open_as_the_app(data_dir)
    try:
        (notice,) = store.notices
        assert str(log) in notice and one_sentence(notice), notice
        (kept,) = quarantined(data_dir)
        assert kept.read_bytes() == original and str(kept) in notice
    finally:
        store.close()
    statuses = action_statuses(data_dir)
    assert statuses[names[0]] == "dropped", "a dropped action went back to open"
    if damage == "a line cut short":
        assert statuses[names[1]] == "open" and "1 line" in notice  # the change in the cut line alone is lost
    else:
        assert statuses[names[1]] == "done" and "3 readable changes were kept" in notice
    assert statuses[names[2]] == "in progress"
    again = open_as_the_app(data_dir)
    assert again.notices == []
    again.close()


def test_action_log_that_is_a_folder_does_not_stop_the_digest(actions_folder):
    data_dir, names = actions_folder
    log = data_dir / "actions.journal.jsonl"
    _into_a_folder(log)
    out = data_dir.parent / "digest.md"
    digest = facilitator(data_dir, "digest", "--since", "2026-01-01", "--until", "2026-12-31", "--out", str(out))
    assert digest.returncode == 0
    (notice,) = notices_of(digest)
    assert str(log) in notice and "folder" in notice and one_sentence(notice)
    store = open_as_the_app(data_dir)
    try:
        (notice,) = store.notices
        (kept,) = quarantined(data_dir)
        assert str(kept) in notice and (kept / log.name).is_file()
    finally:
        store.close()


def test_an_export_names_only_its_own_sessions_problems_and_counts_the_rest(folder):
    """A folder with a damaged session gave every export of any other session that session's sentence too."""
    data_dir, session_id, other_id = folder
    file, journal = paths(data_dir, session_id)
    with journal.open("ab") as f:
        f.write(b"{not a journal line\n")  # the running session's journal has a line no one could read
    (data_dir / "index.json").write_bytes(b"\x00junk")
    exported = facilitator(data_dir, "export", other_id, "--format", "md", "--out", str(data_dir.parent / "other.md"))
    assert exported.returncode == 0
    said = notices_of(exported)
    assert not any(session_id in notice for notice in said), said
    assert said == ["2 other problems in the data folder are not about this session; `facilitator sessions list` says them."]
    listed = facilitator(data_dir, "sessions", "list")
    assert any(session_id in notice for notice in notices_of(listed))


def test_settings_preferences_and_a_template_linked_to_a_device_are_not_read(folder):
    """settings.toml, prefs.json or a team's template linked to /dev/zero (or any endless file) were read whole:
    `facilitator export` and the app grew until the machine killed them. Each is refused unread, in one sentence,
    and the rest works. (Run with a memory limit, so a failure cannot take the machine's memory.)"""
    import resource

    data_dir, session_id, other_id = folder
    (data_dir / "settings.toml").symlink_to("/dev/zero")
    (data_dir / "prefs.json").symlink_to("/dev/zero")
    (data_dir / "templates").mkdir(exist_ok=True)
    (data_dir / "templates" / "zero.toml").symlink_to("/dev/zero")

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    def run(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), *args],
                                capture_output=True, text=True, timeout=60, preexec_fn=limited)
        assert "Traceback" not in result.stderr + result.stdout, result.stderr
        return result

    out = data_dir.parent / "other.md"
    exported = run("export", other_id, "--format", "md", "--out", str(out))
    assert exported.returncode == 0 and OTHER[0] in out.read_text(encoding="utf-8")
    listed = run("templates", "list")
    assert listed.returncode == 0
    assert "zero.toml" in listed.stdout and "is not a regular file (a device or a pipe)" in listed.stdout
    store = open_as_the_app(data_dir)
    try:
        problem = store.settings_problem()
        assert problem is not None and "settings.toml" in problem and "default settings are used" in problem
        assert one_sentence(problem)
    finally:
        store.close()


def test_a_digest_read_from_an_index_damaged_inside_is_whole_or_not_written(data_dir, library, tmp_path):
    """A history index with a page overwritten (a disk fault, a copy cut off and mended by hand) gave a digest
    that counted its sessions and held none of what they said, with exit code 0, and often no word at all: the
    damage was met while the digest was being read from the index, after its notices were printed. The index is
    set aside and built again from the sessions, and the digest made again, whole."""
    import datetime as dt

    from tests.conftest import FixedClock, counter_ids
    from tests.learning.helpers import reviewed_session

    clock = FixedClock()
    store = Store(data_dir, clock=clock, id_factory=counter_ids()).open()
    for n in range(30):
        reviewed_session(store, library, clock, date=dt.date(2026, 3, 1) + dt.timedelta(days=n), title=f"Review {n}",
                         action=f"Action {n}")
    store.close()

    def digest(name: str) -> tuple[str, str]:
        out = tmp_path / name
        result = facilitator(data_dir, "digest", "--since", "2026-01-01", "--until", "2026-12-31", "--out", str(out))
        assert result.returncode == 0, result.stderr
        return out.read_text(encoding="utf-8").split("\n---\n", 1)[1], result.stderr

    whole, _ = digest("whole.md")
    assert "Action 29" in whole and "Visits at Child A's kitchen table" in whole
    index = data_dir / "history-index.sqlite"
    good = index.read_bytes()
    size = len(good)
    for at in sorted({size * k // 12 // 4096 * 4096 for k in range(1, 12)}):
        for extra in ("-wal", "-shm"):
            Path(str(index) + extra).unlink(missing_ok=True)
        index.write_bytes(good[:at] + b"\xde\xad" * 2048 + good[at + 4096:])
        body, said = digest(f"at-{at}.md")
        assert body == whole, f"a page at {at} overwritten: the digest is not whole ({said})"


@pytest.mark.parametrize("damage", ["emptied", "cut off"])
def test_a_session_file_and_its_journal_both_cut_never_say_nothing_was_lost(folder, damage):
    """The session file unreadable and its journal cut back (to its first line): the session was rebuilt from what was
    left and the notice said "with nothing lost" while its contributions were gone. The list of sessions noted how
    long the journal was: shorter now, so the notice says recorded changes may have been lost."""
    data_dir, session_id, _ = folder
    db, journal = paths(data_dir, session_id)
    lines = journal.read_bytes().splitlines(keepends=True)
    assert len(lines) > 2
    journal.write_bytes(lines[0])
    if damage == "emptied":
        db.write_bytes(b"")
    else:
        db.write_bytes(db.read_bytes()[:100])
    result = facilitator(data_dir, "export", session_id, "--format", "md", "--out", str(data_dir.parent / "x.md"))
    said = " ".join(notices_of(result))
    assert "nothing lost" not in said and "may have been lost" in said, said
    store = open_as_the_app(data_dir)
    try:
        store.finish_opening()
        (notice,) = [n for n in store.notices if session_id in n or str(db) in n]
        assert "nothing lost" not in notice and "may have been lost" in notice and one_sentence(notice), notice
    finally:
        store.close()


def test_a_preferences_file_or_a_draft_nested_too_deeply_does_not_stop_the_app(folder):
    """preferences.json, or a session's draft, holding lists nested 100,000 deep (a program writing into the folder):
    the app stopped with a traceback at start, or when the session was opened (so it could not be resumed). Such a
    file is taken as no preferences, or no draft, and the session is recorded into and ended as any other."""
    data_dir, session_id, _ = folder
    (data_dir / "preferences.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (data_dir / "drafts").mkdir(exist_ok=True)
    (data_dir / "drafts" / f"{session_id}.json").write_text(
        '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    driver = Path(__file__).with_name("app_start_driver.py")
    result = subprocess.run([sys.executable, str(driver), str(data_dir), session_id], capture_output=True, text=True,
                            timeout=120)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]
    assert "SESSIONS 2" in result.stdout and "RECORD 'Recorded" in result.stdout, result.stdout


@pytest.mark.parametrize("lock", ["folder", "loop"])
def test_a_lock_file_that_cannot_be_used_is_named_with_what_to_do(folder, lock):
    """A folder, or a link that goes round in a loop, where the data folder's lock file goes: the app said the
    data folder could not be used ("is a directory") and to choose another. It names the lock file, and removing it
    (as said) lets the app open the folder with every session."""
    from facilitator.store import StoreError

    data_dir, session_id, _ = folder
    path = data_dir / ".lock"
    path.unlink()
    if lock == "folder":
        path.mkdir()
    else:
        path.symlink_to(path)
    with pytest.raises(StoreError) as refused:
        Store(data_dir).open()
    said = str(refused.value)
    assert f"its lock file {path} cannot be used" in said and f"rm -r '{path}'" in said and one_sentence(said), said
    subprocess.run(["rm", "-r", str(path)], check=True)
    store = Store(data_dir).open()
    try:
        assert [c.text for c in store.load_session(session_id).contributions] == [*SAID, *LATER]
    finally:
        store.close()


def test_a_start_line_holding_a_value_the_app_cannot_use_is_said_as_that(folder, capsys):
    """A session whose file and backup are gone, and whose journal's first line (the session's start) holds a date
    that is not one: the app said the journal "has lost the start of session ...", which was not what was wrong. It
    names the line and the value."""
    from facilitator.cli import main

    data_dir, session_id, _ = folder
    session_file, journal = paths(data_dir, session_id)
    session_file.unlink()
    (data_dir / "backups" / f"{session_id}.json").unlink()
    lines = journal.read_bytes().splitlines()
    first = orjson.loads(lines[0])
    assert first["op"] == "create"
    first["session"]["date"] = "notadate"
    journal.write_bytes(b"\n".join([orjson.dumps(first), *lines[1:]]) + b"\n")
    assert main(["--data-dir", str(data_dir), "export", session_id, "--out", str(data_dir.parent / "r.md")]) == 1
    said = capsys.readouterr().err
    assert "has lost the start" not in said
    assert f"The first line of the journal {journal}, the start of session {session_id}" in said, said
    assert "holds a value the app cannot use (date:" in said, said


def test_a_file_where_the_records_folder_goes_is_said_with_what_to_do(folder, capsys):
    """`records` a file: the end of a session said the record "could not be put in .../records because not a
    directory" at every start, without what to do. It says that a file is where the folder goes, to move it aside."""
    from facilitator.cli import main

    data_dir, session_id, _ = folder
    records = data_dir / "records"
    for path in records.iterdir():
        path.unlink()
    records.rmdir()
    records.write_text("not the app's", encoding="utf-8")
    assert main(["--data-dir", str(data_dir), "export", session_id]) == 1
    said = capsys.readouterr().err
    assert "not a directory" in said and "--out" in said and said.count("\n") == 1, said

    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    try:
        end_session(store, store.load_session(session_id), clock)
        notice = next(n for n in store.notices if "could not be put in" in n)
        assert f"{records} is a file, not a folder (move that file aside" in notice and one_sentence(notice), notice
    finally:
        store.close()


def test_a_damaged_session_file_is_kept_when_a_file_is_where_quarantine_goes(folder):
    """quarantine/ a file: the damaged session file could not be moved there, was "left in place", and recording on
    in the session wrote the session file again over it: the damaged bytes (what it held that the journal may not)
    were gone. It is now kept beside its session, under a name no session takes, and the notice says where."""
    data_dir, session_id, _ = folder
    db, _ = paths(data_dir, session_id)
    damaged = db.read_bytes().replace(b"Referral came from school.", b"Referral came from schoel.")
    db.write_bytes(damaged)
    (data_dir / "quarantine").rmdir()
    (data_dir / "quarantine").write_text("not the app's", encoding="utf-8")

    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    try:
        session = store.load_session(session_id)
        notice = next(n for n in store.notices if str(db) in n)
        kept = [p for p in db.parent.iterdir() if p.name.startswith(db.name) and p != db]
        assert len(kept) == 1 and kept[0].read_bytes() == damaged, sorted(db.parent.iterdir())
        assert f"kept in {kept[0]}" in notice and one_sentence(notice), notice
        for n in range(40):  # (the session file written again, more than once)
            record_contribution(store, session, f"Said next {n}.", None, clock)
        end_session(store, session, clock)
        assert kept[0].read_bytes() == damaged
        assert (data_dir / "quarantine").read_text(encoding="utf-8") == "not the app's"
    finally:
        store.close()
    listed = facilitator(data_dir, "sessions", "list")  # (the kept file is not taken for a session)
    assert listed.returncode == 0 and listed.stdout.count(session_id) == 1 and not listed.stderr, listed
    assert texts_of(data_dir, session_id)[: len(SAID + LATER)] == SAID + LATER


async def test_two_contributions_sharing_an_id_in_an_older_file_are_deleted_and_brought_back_one_at_a_time(data_dir, library):
    """A session file from before checksums (or joined by hand) with two contributions under one id: d on one
    deleted both, and ctrl+z brought back only one; the other was lost. Each is now its own contribution."""
    from facilitator.tui.screens.contribution_dialogs import ConfirmScreen
    from tests.room.helpers import shown

    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    template = library.get("serious-success-review")
    session = go_to_phase(store, new_session(store, template, clock), template.phase_index("what-went-right"))
    for text in ("first", "second", "third"):
        record_contribution(store, session, text, None, clock)
    store.close()
    db, _ = paths(data_dir, session.id)
    tables = orjson.loads(db.read_bytes())
    del tables["_meta"]["1"]["sha256"]
    contributions = tables["contributions"]
    contributions["2"]["id"] = contributions["1"]["id"]
    db.write_bytes(orjson.dumps(tables))

    store = Store(data_dir, clock=clock).open()
    try:
        app = build_app(store, clock, open_session_id=session.id)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert shown(pilot) == ["1. first", "2. second", "3. third"]
            await pilot.press("ctrl+l", "up", "d")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("enter")
            await pilot.pause()
            assert shown(pilot) == ["1. first", "2. third"]
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert shown(pilot) == ["1. first", "2. second", "3. third"]
    finally:
        store.close()
    assert sorted(texts_of(data_dir, session.id)) == ["first", "second", "third"]
    out = data_dir.parent / "record.md"
    assert facilitator(data_dir, "export", session.id, "--format", "md", "--out", str(out)).returncode == 0
    record = out.read_text(encoding="utf-8")
    assert -1 < record.find("first") < record.find("second") < record.find("third"), record


@pytest.mark.parametrize("session_file", ["emptied", "whole"])
def test_another_sessions_journal_in_a_sessions_place_is_not_taken_for_its_own(folder, session_file):
    """A session's journal replaced by another session's (copied over it, two data folders joined): read as this
    session's, the session took the other's title and words ("so “Other team's review” was read from its journal with
    nothing lost"), and its export was the other's record under this one's id. The journal is set aside, and the
    session read from its file or backup."""
    data_dir, session_id, other_id = folder
    db, journal = paths(data_dir, session_id)
    _, other_journal = paths(data_dir, other_id)
    if session_file == "emptied":
        db.write_bytes(b"")
    journal.write_bytes(other_journal.read_bytes())

    said = commands_still_work(data_dir, session_id, other_id)
    assert any(session_id in s and f"journal of another session, {other_id}" in s and one_sentence(s) for s in said), said
    record = exported_text(data_dir, session_id)
    assert "Returning to school" in record and OTHER[0] not in record, record
    assert SAID[0] in record

    store = open_as_the_app(data_dir)
    try:
        notice = next(n for n in store.notices if session_id in n)
        assert f"journal of another session, {other_id}" in notice and one_sentence(notice), notice
        session = store.load_session(session_id)
        assert session.title == "Returning to school" and OTHER[0] not in texts(session)
        assert texts(session)[0] == SAID[0]
        assert texts(store.load_session(other_id)) == OTHER
        assert other_journal.read_bytes() in [p.read_bytes() for p in quarantined(data_dir)]
    finally:
        store.close()


def test_another_sessions_file_in_a_sessions_place_is_set_aside_and_the_session_rebuilt_from_its_journal(folder):
    """A session's file replaced by another session's, its journal its own: `export` wrote the other session's final
    record under this id without a word, and the app left both files out as "a copy" of the other session (resume:
    "There is no session"), the journal holding every change of this one. The file is set aside as damaged, and the
    session rebuilt from its journal."""
    data_dir, session_id, other_id = folder
    db, _ = paths(data_dir, session_id)
    other_db, _ = paths(data_dir, other_id)
    db.write_bytes(other_db.read_bytes())

    said = commands_still_work(data_dir, session_id, other_id)
    assert any(str(db) in s and f"it holds another session, {other_id}" in s and one_sentence(s) for s in said), said
    record = exported_text(data_dir, session_id)
    assert "Returning to school" in record and f"id: {session_id}" in record and OTHER[0] not in record, record
    assert all(text in record for text in SAID + LATER)

    store = open_as_the_app(data_dir)
    try:
        store.finish_opening()
        notice = next(n for n in store.notices if str(db) in n)
        assert "rebuilt from its journal" in notice and one_sentence(notice), notice
        assert {s.id for s in store.list_sessions()} == {session_id, other_id}
        assert texts(store.load_session(session_id)) == SAID + LATER
        assert texts(store.load_session(other_id)) == OTHER
        assert other_db.read_bytes() in [p.read_bytes() for p in quarantined(data_dir)]
    finally:
        store.close()


def test_a_session_listed_with_no_files_here_is_left_off_the_list_the_commands_print(folder, library, tmp_path):
    """index.json (and its head) copied from another data folder: `sessions list` listed a session whose files are not
    here, then said "There is no session '…'; run `facilitator sessions list` to see the ids" - itself."""
    data_dir, session_id, other_id = folder
    elsewhere = tmp_path / "elsewhere"
    clock = counter_free_clock()
    store = Store(elsewhere, clock=clock).open()
    stray = new_session(store, library.get("serious-success-review"), clock, title="From another folder")
    store.close()
    index = json.loads((data_dir / "index.json").read_text(encoding="utf-8"))
    theirs = json.loads((elsewhere / "index.json").read_text(encoding="utf-8"))
    index["sessions"].update({f"x{k}": v for k, v in theirs["sessions"].items()})  # (one more entry, no files here)
    (data_dir / "index.json").write_text(json.dumps(index), encoding="utf-8")
    (data_dir / "index-head.json").unlink(missing_ok=True)
    listed = facilitator(data_dir, "sessions", "list")
    assert listed.returncode == 0 and stray.id not in listed.stdout, listed.stdout
    assert {line.split("\t")[0] for line in listed.stdout.splitlines()} == {session_id, other_id}
    said = notices_of(listed)
    assert len(said) == 1 and stray.id in said[0] and "left off the list" in said[0] and one_sentence(said[0]), said
    assert "sessions list" not in said[0]


def test_a_journal_deleted_is_said_missing_and_no_empty_copy_is_called_the_original(folder):
    """The journal deleted: the app said it was "shorter (0 of 7841 bytes)" and that "the original journal is kept in
    quarantine/…", an empty file it had made itself."""
    data_dir, session_id, other_id = folder
    _, journal = paths(data_dir, session_id)
    journal.unlink()
    said = commands_still_work(data_dir, session_id, other_id)
    assert any(str(journal) in s and "is missing" in s and one_sentence(s) for s in said), said
    store = open_as_the_app(data_dir)
    try:
        (notice,) = store.notices
        assert "is missing" in notice and "may have been lost" in notice and "quarantine" not in notice, notice
        assert texts(store.load_session(session_id)) == SAID + LATER
        assert quarantined(data_dir) == []
    finally:
        store.close()
