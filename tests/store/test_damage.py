"""Damaged files at start: kept byte for byte in quarantine/, rebuilt where possible, told in one sentence."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from textual.widgets import Static

from facilitator.session_ops import end_session, go_to_phase, record_contribution
from facilitator.store import Store, UnknownSessionError
from facilitator.tui.screens.home import HomeScreen
from tests.conftest import build_app, until

from .helpers import assert_files_readable, counter_free_clock, new_session

SAID = ["Referral came from school.", "Mother felt judged at first.", "The worker always rang back."]
LATER = ["Visits at the kitchen table.", "Child A's words are in every plan."]


def one_sentence(notice: str) -> bool:
    return "\n" not in notice and notice.endswith(".") and not re.search(r"[.;:]\s+[A-Z][a-z]+ ", notice.replace("“", ""))


@pytest.fixture
def recorded(data_dir, library):
    """A session with contributions before and after a phase change (which takes a backup), then closed."""
    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    session = new_session(store, library.get("serious-success-review"), clock)
    for text in SAID:
        record_contribution(store, session, text, None, clock)
    session = go_to_phase(store, session, 2)
    for text in LATER:
        record_contribution(store, session, text, None, clock)
    store.close()
    return data_dir, session.id


def reopen(data_dir: Path) -> Store:
    return Store(data_dir, clock=counter_free_clock()).open()


def texts(session) -> list[str]:
    return [c.text for c in session.contributions]


def quarantined(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "quarantine").iterdir())


DAMAGE = {
    "cut-off JSON": lambda data: data[: len(data) // 2],
    "zero bytes": lambda data: b"",
    "garbage": lambda data: b"\x00\x17 garbage \xff\xfe" * 40,
    "JSON but not a session": lambda data: b'{"session": {}, "contributions": {}}',
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_session_file_is_rebuilt_from_its_journal(recorded, damage):
    data_dir, session_id = recorded
    path = data_dir / "sessions" / f"{session_id}.json"
    damaged = DAMAGE[damage](path.read_bytes())
    path.write_bytes(damaged)

    store = reopen(data_dir)
    try:
        session = store.load_session(session_id)
        assert texts(session) == SAID + LATER
        assert session.current_phase == 2
        (notice,) = store.notices
        assert str(path) in notice and "rebuilt from its journal with nothing lost" in notice
        assert one_sentence(notice), notice
        (kept,) = quarantined(data_dir)
        assert kept.read_bytes() == damaged
        assert str(kept) in notice
        assert_files_readable(data_dir)
    finally:
        store.close()
    # Repaired for good: the next start has nothing to say.
    again = reopen(data_dir)
    assert again.notices == [] and texts(again.load_session(session_id)) == SAID + LATER
    again.close()


def test_damaged_file_of_an_ended_session_is_found_at_start(data_dir, library):
    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    session = new_session(store, library.get("serious-success-review"), clock)
    record_contribution(store, session, "Kept safe.", None, clock)
    ended, _ = end_session(store, session, clock)
    store.close()
    path = data_dir / "sessions" / f"{ended.id}.json"
    path.write_bytes(path.read_bytes()[:-10])

    store = reopen(data_dir)
    try:
        (notice,) = store.notices
        assert str(path) in notice and one_sentence(notice)
        assert texts(store.load_session(ended.id)) == ["Kept safe."]
        assert [s.status.value for s in store.list_sessions()] == ["ended"]
    finally:
        store.close()


def test_half_written_last_journal_line_is_set_aside_and_nothing_recorded_is_lost(recorded):
    data_dir, session_id = recorded
    journal = data_dir / "sessions" / f"{session_id}.journal.jsonl"
    original = journal.read_bytes() + b'{"seq": 99, "op": "add", "contribution": {"id": "x", "te'
    journal.write_bytes(original)

    store = reopen(data_dir)
    try:
        assert texts(store.load_session(session_id)) == SAID + LATER
        (notice,) = store.notices
        assert str(journal) in notice and "half-written line" in notice and one_sentence(notice)
        (kept,) = quarantined(data_dir)
        assert kept.read_bytes() == original
        assert_files_readable(data_dir)
        # Recording goes on normally after the repair.
        session = store.load_session(session_id)
        record_contribution(store, session, "After the repair.", None, counter_free_clock())
    finally:
        store.close()
    again = reopen(data_dir)
    assert texts(again.load_session(session_id)) == SAID + LATER + ["After the repair."]
    again.close()


def test_damaged_line_in_the_middle_of_the_journal_loses_nothing_the_session_file_holds(recorded):
    data_dir, session_id = recorded
    journal = data_dir / "sessions" / f"{session_id}.journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[2] = b"\x00\x00\x00 not json at all\n"
    original = b"".join(lines)
    journal.write_bytes(original)

    store = reopen(data_dir)
    try:
        session = store.load_session(session_id)
        assert texts(session) == SAID + LATER
        (notice,) = store.notices
        assert str(journal) in notice and "nothing was lost" in notice and one_sentence(notice)
        (kept,) = quarantined(data_dir)
        assert kept.read_bytes() == original
        assert_files_readable(data_dir)
    finally:
        store.close()


def test_session_file_and_journal_both_damaged_are_rebuilt_from_backup_and_journal(recorded):
    """The phase change took a backup holding SAID; the journal's later lines hold LATER."""
    data_dir, session_id = recorded
    path = data_dir / "sessions" / f"{session_id}.json"
    journal = data_dir / "sessions" / f"{session_id}.journal.jsonl"
    path.write_bytes(b"")
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[1] = b"garbage\n"  # the first contribution's line: in the backup, so not lost
    journal.write_bytes(b"".join(lines))

    store = reopen(data_dir)
    try:
        session = store.load_session(session_id)
        assert texts(session) == SAID + LATER
        assert session.current_phase == 2
        (notice,) = store.notices
        assert str(path) in notice and "backup" in notice and "nothing lost" in notice and one_sentence(notice)
        assert len(quarantined(data_dir)) == 2
    finally:
        store.close()


def test_change_in_a_damaged_journal_line_after_the_backup_is_reported_lost(recorded):
    data_dir, session_id = recorded
    path = data_dir / "sessions" / f"{session_id}.json"
    journal = data_dir / "sessions" / f"{session_id}.journal.jsonl"
    path.write_bytes(b"{ cut")
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[-1] = b"garbage\n"  # the last contribution, recorded after the backup
    journal.write_bytes(b"".join(lines))

    store = reopen(data_dir)
    try:
        session = store.load_session(session_id)
        assert texts(session) == SAID + LATER[:-1]
        (notice,) = store.notices
        assert "1 recorded change in unreadable journal lines could not be recovered" in notice
        assert one_sentence(notice)
    finally:
        store.close()


def test_session_with_nothing_to_rebuild_from_is_named_and_the_rest_keeps_working(recorded, library):
    data_dir, session_id = recorded
    path = data_dir / "sessions" / f"{session_id}.json"
    (data_dir / "sessions" / f"{session_id}.journal.jsonl").unlink()
    (data_dir / "backups" / f"{session_id}.json").unlink()
    path.write_bytes(b"garbage")

    store = reopen(data_dir)
    try:
        (notice,) = store.notices
        assert str(path) in notice and "could not be opened" in notice and one_sentence(notice)
        assert store.list_sessions() == []
        with pytest.raises(UnknownSessionError):
            store.load_session(session_id)
        assert [p.read_bytes() for p in quarantined(data_dir)] == [b"garbage"]
        clock = counter_free_clock()
        other = new_session(store, library.get("serious-success-review"), clock, title="Next one")
        record_contribution(store, other, "Still works.", None, clock)
    finally:
        store.close()


@pytest.mark.parametrize("damage", ["cut-off JSON", "zero bytes", "garbage"])
def test_damaged_index_is_rebuilt_from_the_session_files(recorded, damage):
    data_dir, session_id = recorded
    index = data_dir / "index.json"
    damaged = DAMAGE[damage](index.read_bytes())
    index.write_bytes(damaged)

    store = reopen(data_dir)
    try:
        assert [s.id for s in store.unfinished_sessions()] == [session_id]
        assert store.unfinished_sessions()[0].current_phase == 2
        (notice,) = store.notices
        assert str(index) in notice and "rebuilt from 1 session" in notice and one_sentence(notice)
        (kept,) = quarantined(data_dir)
        assert kept.read_bytes() == damaged
        assert orjson.loads(index.read_bytes())["sessions"]
    finally:
        store.close()


def test_sessions_list_reads_a_damaged_index_without_writing(recorded, capsys):
    from facilitator.cli import main

    data_dir, session_id = recorded
    index = data_dir / "index.json"
    index.write_bytes(b"{ cut")
    assert main(["--data-dir", str(data_dir), "sessions", "list"]) == 0
    assert capsys.readouterr().out.startswith(session_id)
    assert index.read_bytes() == b"{ cut"
    assert quarantined(data_dir) == []


def test_sessions_list_says_what_is_wrong_with_each_damaged_session_file_and_changes_nothing(recorded, capsys):
    """A session file cut short after the index noted it, an empty session file and one of random bytes: `sessions
    list` listed the session and said nothing of any of them (only the app's start did). It now says one sentence
    for each, on stderr, and leaves every file as it was (the app's next start repairs them)."""
    from facilitator.cli import main

    data_dir, session_id = recorded
    path = data_dir / "sessions" / f"{session_id}.json"
    path.write_bytes(path.read_bytes()[:500])
    (data_dir / "sessions" / "20261203-deadbeef.json").write_bytes(b"")
    (data_dir / "sessions" / "20261202-garbage1.json").write_bytes(bytes(range(256)))
    before = {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}
    assert main(["--data-dir", str(data_dir), "sessions", "list"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(session_id) and out.count("\n") == 1
    said = err.splitlines()
    assert len(said) == 3 and all(line.startswith("facilitator: ") for line in said), err
    assert any(f"{session_id}.json could not be read" in line and "was read from its journal with nothing lost" in line
               and "start the app once to repair it" in line for line in said), err
    assert any("20261203-deadbeef.json could not be read because it is empty" in line for line in said), err
    assert any("20261202-garbage1.json could not be read" in line for line in said), err
    assert {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()} == before
    assert quarantined(data_dir) == []


async def test_app_starts_and_says_what_was_repaired(recorded):
    data_dir, session_id = recorded
    path = data_dir / "sessions" / f"{session_id}.json"
    path.write_bytes(b"")
    (data_dir / "index.json").write_bytes(b"garbage")
    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    try:
        app = build_app(store, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            shown = str(app.screen.query_one("#home-notices", Static).render())
            assert "index.json could not be read" in shown.replace("\n", " ")
            assert f"{session_id}.json could not be read" in shown.replace("\n", " ")
            assert app.screen.query_one("#unfinished").option_count == 1
            # At 24 rows the sentences take a third of the screen at most (they scroll), and the lists keep their
            # room: "Start a new session" was an empty box under them.
            assert app.screen.query_one("#home-notices-box").region.height <= 8
            assert app.screen.query_one("#templates").region.height >= 4  # two templates, and the rest a scroll away
    finally:
        store.close()


async def test_at_80x24_p_shows_every_start_up_problem_sentence(recorded):
    """Four damaged files at 80x24: the banner showed seven lines and stopped mid-sentence, and no key reached the
    rest (f1 did not list them either). p (in the key bar while there are sentences) focuses the banner, which then
    takes most of the screen and scrolls with the keys, so each sentence can be read."""
    from tests.conftest import screen_text

    data_dir, session_id = recorded
    (data_dir / "sessions" / f"{session_id}.json").write_bytes(b"")
    (data_dir / "sessions" / "20261203-deadbeef.json").write_bytes(b"")
    (data_dir / "sessions" / "20261202-garbage1.json").write_bytes(bytes(range(256)))
    (data_dir / "index.json").write_bytes(b"")
    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    try:
        app = build_app(store, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            assert "p Problems found" in screen_text(app).splitlines()[-1]
            assert "index.json could not be read" not in " ".join(screen_text(app).split())  # (out of sight)
            await pilot.press("p")
            await pilot.pause()
            box = app.screen.query_one("#home-notices-box")
            assert app.screen.focused is box and box.region.height > 12
            assert await until(pilot, lambda: app.store.opening_finished)  # (the checks' sentences all in)
            await pilot.pause()
            seen = " ".join(screen_text(app).split())
            for _ in range(6):  # down the box a page at a time, as a facilitator reads it
                await pilot.press("pagedown")
                await pilot.pause()
                seen += " ".join(screen_text(app).split())
            seen = "".join(seen.split())  # (a long path is broken across lines anywhere)
            for said in (f"{session_id}.json could not be read", "20261203-deadbeef.json could not be read",
                         "20261202-garbage1.json could not be read", "index.json could not be read"):
                assert "".join(said.split()) in seen, said
            await pilot.press("tab")  # and tab leaves it for the lists
            await pilot.pause()
            assert app.screen.focused is not box
    finally:
        store.close()


def test_session_files_share_a_template_snapshot_and_a_lost_one_is_rebuilt(data_dir, library):
    """Session files refer to <data>/templates-used/; journals and backups keep the whole template."""
    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    template = library.get("serious-success-review")
    session = new_session(store, template, clock)
    record_contribution(store, session, "Kept safe.", None, clock)
    ended, _ = end_session(store, session, clock)
    store.close()
    path = data_dir / "sessions" / f"{ended.id}.json"
    header = next(iter(orjson.loads(path.read_bytes())["session"].values()))
    assert "template" not in header and header["template_ref"].startswith("serious-success-review-")
    (snapshot,) = (data_dir / "templates-used").iterdir()
    backup = next(iter(orjson.loads((data_dir / "backups" / f"{ended.id}.json").read_bytes())["session"].values()))
    assert backup["template"]["id"] == "serious-success-review"
    snapshot.unlink()

    store = reopen(data_dir)
    try:
        loaded = store.load_session(ended.id)
        assert texts(loaded) == ["Kept safe."] and loaded.template == template
        assert snapshot.exists()  # written again from the journal's copy
    finally:
        store.close()
    again = reopen(data_dir)
    assert again.notices == [] and texts(again.load_session(ended.id)) == ["Kept safe."]
    again.close()
