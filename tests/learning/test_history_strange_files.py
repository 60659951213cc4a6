"""One strange session file never stops the history: the child process that builds it, the app's history, actions
and themes screens, `facilitator digest`, `sessions list` and `export` all go on, every other session is in the
history, and the user is told in one sentence which file it is.

The files here are what the store's start-up checks let through: a file changed after them (a folder synced by
another computer, a second copy of the app, a disk error) keeps its checksum right and its size unchanged, so
the store does not look at it again until the history reads it, or the history reads it in a process that makes
no checks (the child process that builds the index, the digest).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from textual.widgets import Static

from facilitator.learning.actions import changes_from_reviews
from facilitator.learning.history import HistoryIndex
from facilitator.learning.themes import middle_iso, themes_from_tallies, themes_markdown
from facilitator.store.actions import reviews_in_history
from facilitator.store.tallies import distinct_sessions, tallies, teams_of
from facilitator.store import Store
from facilitator.store.index import ACTIONS_BY_OWNER, HistoryDB
from facilitator.store.storage import CHECKSUM, META_TABLE, _META_KEY, _digest, database_bytes, parse_database
from tests.conftest import FixedClock, build_app
from tests.learning.helpers import wait_ready

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from _history import make_history  # noqa: E402

import datetime as dt  # noqa: E402

#: enough sessions that the child process reads them in worker processes, as it does for a new data folder
MANY = 420
FEW = 30
WORD = "kitchen"


def _nested(depth: int):
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


def _header(tables: dict) -> dict:
    return next(iter(tables["session"].values()))


def _first(tables: dict) -> dict:
    return next(iter(tables["contributions"].values()))


#: what a session file may hold that the app never writes, each passing the checksum
STRANGE = {
    "a text that is a number": lambda t: _first(t).__setitem__("text", 12345),
    "a date that is not a date": lambda t: _header(t).__setitem__("date", "soon"),
    "an id that is a list": lambda t: _header(t).__setitem__("id", ["x"]),
    "fields nested a thousand deep": lambda t: [c.__setitem__("fields", {"owner": _nested(1000)}) for c in t["contributions"].values()],
    "phases that are text": lambda t: (_header(t).pop("template_ref", None),
                                       _header(t).__setitem__("template", {"id": "x", "name": "X", "phases": "abc"})),
    "a contribution that is a number": lambda t: t["contributions"].__setitem__("1", 5),
    "no template": lambda t: (_header(t).pop("template_ref", None), _header(t).__setitem__("template", None)),
    "a status the app does not know": lambda t: _header(t).__setitem__("status", "archived"),
    "contributions in no phase of the template": lambda t: [c.__setitem__("phase_id", "gone") for c in t["contributions"].values()],
}


def _file_bytes(tables: dict, meta: dict) -> bytes:
    """A session file as the store writes it, its checksum right; a value nested deeper than orjson writes is
    written by json (the checksum covers the bytes as they are)."""
    try:
        return database_bytes(tables, meta)
    except TypeError:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 5000))
        try:
            body = json.dumps(tables, separators=(",", ":"), ensure_ascii=False).encode()
        finally:
            sys.setrecursionlimit(limit)
        meta = {k: v for k, v in meta.items() if k != CHECKSUM}
        return body[:-1] + b"," + _META_KEY + orjson.dumps({"1": {**meta, CHECKSUM: _digest(body, meta)}}) + b"}"


def make_strange(path: Path, change) -> bool:  # noqa: ANN001
    """Change a session file as ``change`` says, its checksum written again; its size kept where the change allows
    (the facilitator's name padded or cut), so the store's start-up checks, which look at sizes, let it through.
    True if the size was kept."""
    data = path.read_bytes()
    tables = parse_database(path, data)
    meta = tables.pop(META_TABLE)["1"]
    change(tables)
    new = _file_bytes(tables, meta)
    header = _header(tables)
    if len(new) != len(data) and isinstance(header.get("facilitator"), str):
        diff = len(data) - len(new)
        name = header["facilitator"]
        header["facilitator"] = name + " " * diff if diff > 0 else name[: max(0, len(name) + diff)]
        new = _file_bytes(tables, meta)
    path.write_bytes(new)
    return len(new) == len(data)


def _build(folder: Path, count: int) -> None:
    store = Store(folder).open()
    try:
        store.import_sessions(make_history(count, 6, dt.date(2026, 11, 1)), sync=False)
    finally:
        store.close()


def _hits(folder: Path) -> tuple[int, int]:
    """(contributions holding WORD, sessions they are in), read from the session files themselves."""
    store = Store(folder, read_only=True).open()
    try:
        hits, total = HistoryIndex(store, use_cache=False).refresh().search(WORD, limit=100_000)
        return total, len({h.session.id for h in hits})
    finally:
        store.close()


@pytest.fixture(scope="module")
def histories(tmp_path_factory) -> dict[int, tuple[Path, tuple[int, int]]]:
    """A history of MANY sessions and one of FEW, built once; with what a search for WORD finds in each."""
    built = {}
    for count in (MANY, FEW):
        folder = tmp_path_factory.mktemp(f"history-{count}") / "data"
        _build(folder, count)
        built[count] = folder, _hits(folder)
    return built


def _copy(histories, count: int, tmp_path: Path) -> tuple[Path, str]:
    """A copy of a built history, and the id of the session in its middle (the one each test makes strange)."""
    folder = tmp_path / "data"
    shutil.copytree(histories[count][0], folder)
    ids = sorted(p.name[:-5] for p in (folder / "sessions").glob("*.json"))
    return folder, ids[len(ids) // 2]


def _session_file(folder: Path, sid: str) -> Path:
    return folder / "sessions" / f"{sid}.json"


def one_sentence(text: str) -> bool:
    return "\n" not in text and text.endswith(".") and "Traceback" not in text and not re.search(
        r"[.;:]\s+[A-Z][a-z]+ ", text.replace("“", "")
    )


# ---------------------------------------------------------------------- the child process that builds the history
@pytest.mark.parametrize("case", ["a text that is a number", "an id that is a list", "fields nested a thousand deep"])
def test_the_child_process_building_the_history_reads_every_other_session_past_a_strange_file(histories, tmp_path, case):
    """As the app starts it on a new data folder: the sessions read in worker processes. A strange file used to stop
    the whole child (an error raised in a worker stops the writing process), leaving the history empty."""
    folder, sid = _copy(histories, MANY, tmp_path)
    make_strange(_session_file(folder, sid), STRANGE[case])
    child = subprocess.run(
        [sys.executable, "-m", "facilitator.learning.rebuild", str(folder), str(os.getpid())],
        capture_output=True, text=True, timeout=180,
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.split("\n")[-2] == f"{MANY} {MANY}"
    # What the history then shows, read from the index the child wrote (no session read again).
    store = Store(folder, read_only=True).open()
    db = HistoryDB.for_store(store)
    try:
        assert db.count() == MANY
        assert sid in db.session_ids()  # read through the store: what its journal holds
        hits, total = db.search(WORD, limit=100_000)
        assert (total, len({h.session.id for h in hits})) == histories[MANY][1]
    finally:
        db.close()
        store.close()
    assert not list((folder / "quarantine").iterdir())  # the index was never set aside as damaged


# ---------------------------------------------------------------------- the app
async def _open_history(pilot, limit: float = 60.0) -> str:
    await pilot.press("h")
    await wait_ready(pilot, limit)
    assert pilot.app.screen.ready, "the history is still reading"
    return str(pilot.app.screen.query_one("#history-status", Static).render())


@contextlib.asynccontextmanager
async def _history_of_few(folder: Path):
    """The app on ``folder`` (a copy of the history of FEW sessions), its history screen open and read: every
    session listed. Yields (app, pilot, store)."""
    clock = FixedClock()
    store = Store(folder, clock=clock).open()
    try:
        app = build_app(store, clock)
        async with app.run_test(size=(120, 40)) as pilot:
            status = await _open_history(pilot)
            assert status.startswith(f"{FEW} of {FEW} sessions.") and "Reading" not in status, status
            yield app, pilot, store
    finally:
        store.close()


async def _search(pilot, words: str) -> str:
    await pilot.press("slash", *words, "enter")
    for _ in range(100):
        await asyncio.sleep(0.05)
        status = str(pilot.app.screen.query_one("#history-status", Static).render())
        if words in status:
            return status
    return status


def _notices(app) -> list[str]:  # noqa: ANN001
    """What the app has told the facilitator: its notifications, and the home screen's banner of what the store
    found (a notification may have come and gone meanwhile)."""
    app.show_new_notices()
    return sorted(app._said)


@pytest.mark.parametrize("case", ["a text that is a number", "a date that is not a date", "phases that are text",
                                  "a contribution that is a number", "no template", "a status the app does not know"])
async def test_the_app_shows_every_session_and_names_the_strange_file(histories, tmp_path, case):
    """A short history is read as the history screen opens (on the screen's own thread): a strange file used to
    stop the app with a traceback on h."""
    folder, sid = _copy(histories, FEW, tmp_path)
    assert make_strange(_session_file(folder, sid), STRANGE[case])  # the store's start-up checks let it through
    async with _history_of_few(folder) as (app, pilot, _):
        total, sessions = histories[FEW][1]
        status = await _search(pilot, WORD)
        assert status.startswith(f"{total} contributions match “{WORD}” in {sessions} sessions"), status
        for key in "at":  # the actions and themes screens, read from the same history
            await pilot.press("escape", key)
            await wait_ready(pilot)
            assert pilot.app.screen.ready
        said = [n for n in _notices(app) if sid in n]
        assert len(said) == 1 and one_sentence(said[0]) and str(_session_file(folder, sid)) in said[0], said


async def test_a_new_data_folder_with_a_strange_file_is_read_to_the_end_in_the_child_process(histories, tmp_path):
    """`facilitator` on a folder with many sessions and no history index yet: the child process builds it while the
    app is used. A strange file used to leave the history "Reading the history…" for ever, with no session listed."""
    folder, sid = _copy(histories, MANY, tmp_path)
    assert make_strange(_session_file(folder, sid), STRANGE["a text that is a number"])
    clock = FixedClock()
    store = Store(folder, clock=clock).open()
    try:
        app = build_app(store, clock, warm_history=True)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(1200):
                if app.warmed_up:
                    break
                await asyncio.sleep(0.05)
            status = await _open_history(pilot)
            assert status.startswith(f"{MANY} of {MANY} sessions.") and "Reading" not in status, status
            said = [n for n in _notices(app) if sid in n]
            assert len(said) == 1 and one_sentence(said[0]), said
    finally:
        store.close()
    # The next start reads nothing again: the strange file was repaired (set aside, rebuilt from its journal).
    store = Store(folder, clock=clock).open()
    try:
        index = HistoryIndex(store).refresh()
        assert (index.from_files, len(index)) == (0, MANY)
    finally:
        index.db.close()
        store.close()


# ---------------------------------------------------------------------- the command line
def facilitator(folder: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "facilitator", "--data-dir", str(folder), *args], capture_output=True, text=True, timeout=120,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


@pytest.mark.parametrize("case", ["a text that is a number", "an id that is a list"])
def test_digest_sessions_list_and_export_go_on_past_a_strange_file(histories, tmp_path, case):
    folder, sid = _copy(histories, FEW, tmp_path)
    make_strange(_session_file(folder, sid), STRANGE[case])
    digest = facilitator(folder, "digest", "--since", "2020-01-01", "--out", str(tmp_path / "digest.md"))
    assert digest.returncode == 0, digest.stderr
    said = [line.removeprefix("facilitator: ") for line in digest.stderr.splitlines() if line.strip()]
    assert len(said) == 1 and str(_session_file(folder, sid)) in said[0] and one_sentence(said[0]), said
    assert f"sessions: {FEW}\n" in (tmp_path / "digest.md").read_text()
    listed = facilitator(folder, "sessions", "list")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == FEW
    exported = facilitator(folder, "export", sid, "--format", "md", "--out", str(tmp_path / "one.md"))
    assert exported.returncode == 0 and (tmp_path / "one.md").read_text().count("\n") > 10


# ---------------------------------------------------------------------- files that change while they are read
def test_files_replaced_or_removed_between_the_scan_and_the_read(histories, tmp_path):
    """The index finds what to read (one listing of the folder), then reads each session: a file replaced by a
    strange one, cut off, or removed with its journal in between (a sync program at work) never stops it."""
    folder, sid = _copy(histories, FEW, tmp_path)
    ids = sorted(p.name[:-5] for p in (folder / "sessions").glob("*.json"))
    cut, gone = ids[3], ids[7]
    store = Store(folder, clock=FixedClock()).open()

    def meanwhile(done: int, total: int) -> None:
        if done == 0:  # listed, not read yet
            make_strange(_session_file(folder, sid), STRANGE["a date that is not a date"])
            data = _session_file(folder, cut).read_bytes()
            _session_file(folder, cut).write_bytes(data[: len(data) // 2])
            _session_file(folder, gone).unlink()
            (folder / "sessions" / f"{gone}.journal.jsonl").unlink()

    try:
        index = HistoryIndex(store).refresh(progress=meanwhile)
        listed = {e.id for e in index.entries()}
        assert listed == set(ids) - {gone}
        for notice in store.notices:
            assert one_sentence(notice), notice
        index.db.close()
    finally:
        store.close()
    # The next start: the index is whole, and reads again only what changed since.
    store = Store(folder, clock=FixedClock()).open()
    try:
        index = HistoryIndex(store).refresh()
        assert {e.id for e in index.entries()} == set(ids) - {gone}
        hits, total = index.search(WORD, limit=100_000)
        assert total > 0
        index.db.close()
    finally:
        store.close()


# ---------------------------------------------------------------------- a copy of a session's files under another name
def _copy_of(folder: Path, sid: str) -> str:
    """The session's files copied as a program syncing the folder names a copy it could not merge."""
    copy = f"{sid} (1)"
    for suffix in (".json", ".journal.jsonl"):
        shutil.copyfile(folder / "sessions" / f"{sid}{suffix}", folder / "sessions" / f"{copy}{suffix}")
    return copy


async def test_a_copy_of_a_sessions_files_under_another_name_is_left_out_and_named(histories, tmp_path):
    """The copy holds a session that has its own files: listed, it was the same session twice, which the history
    index cannot hold (its whole build failed, and the index was set aside as damaged at every start)."""
    folder, sid = _copy(histories, FEW, tmp_path)
    copy = _copy_of(folder, sid)
    listed = facilitator(folder, "sessions", "list")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == FEW
    said = [line.removeprefix("facilitator: ") for line in listed.stderr.splitlines() if line.strip()]
    assert len(said) == 1 and f"{copy}.json" in said[0] and one_sentence(said[0]), said
    async with _history_of_few(folder) as (_, _, store):
        said = [n for n in store.notices if copy in n]
        assert len(said) == 1 and one_sentence(said[0]), said
    assert not list((folder / "quarantine").iterdir())  # the index was never set aside


def test_the_child_process_building_the_history_leaves_a_copy_out(histories, tmp_path):
    folder, sid = _copy(histories, MANY, tmp_path)
    _copy_of(folder, sid)
    child = subprocess.run(
        [sys.executable, "-m", "facilitator.learning.rebuild", str(folder), str(os.getpid())],
        capture_output=True, text=True, timeout=180,
    )
    assert child.returncode == 0, child.stderr
    store = Store(folder, read_only=True).open()
    db = HistoryDB.for_store(store)
    try:
        assert db.count() == MANY
    finally:
        db.close()
        store.close()


def test_a_strange_file_the_store_reads_as_it_is_is_read_again_only_when_it_changes(histories, tmp_path):
    """Contributions in no phase of the session's template: the store reads the file as it is (the record lists
    them in a section of their own, and the history counts them as it shows them), so nothing is repaired; the history reads it through the store once, not again
    at every start (each start used to read it again, about 50 ms at 2,000 sessions), and again once it changes."""
    folder, sid = _copy(histories, FEW, tmp_path)
    read = []
    for start in range(4):
        if start == 1:  # the history built: the file changes after the store's start-up checks
            assert make_strange(_session_file(folder, sid), STRANGE["contributions in no phase of the template"])
        if start == 3:  # it changes again (a sync program writes it again)
            os.utime(_session_file(folder, sid), ns=(1, 1))
        store = Store(folder, clock=FixedClock()).open()
        try:
            index = HistoryIndex(store).refresh()
            read.append(index.from_files)
            assert len(index) == FEW and not store.notices
            index.db.close()
        finally:
            store.close()
    assert read == [FEW, 1, 0, 1]


# ---------------------------------------------------------------------- a session the history cannot read at all
def test_a_session_whose_rows_cannot_be_made_is_left_out_said_and_tried_again_once_changed(histories, tmp_path):
    """What the history cannot make of a session even as the store reads it (no such content is known: a
    computation handed to the index that fails on one session stands for it) leaves that session out, and only it."""
    from facilitator.learning.facts import session_data

    folder, sid = _copy(histories, FEW, tmp_path)

    def compute(header: dict, contributions: list):  # noqa: ANN202
        if header.get("id") == sid:
            raise ValueError("not a session this computation can read")
        return session_data(header, contributions)

    store = Store(folder, read_only=True).open()
    db = HistoryDB.for_store(store)
    try:
        db.sync(store, compute)
        assert db.count() == FEW - 1 and sid not in db.session_ids()
        said = [n for n in store.notices if sid in n]
        assert len(said) == 1 and one_sentence(said[0]) and str(_session_file(folder, sid)) in said[0], said
        # Not read again while its files are as they were (every sync read it again, so a history holding one
        # such session was never up to date), but read again once they change.
        db.sync(store, compute)
        assert (db.last_read, db.count(), db.unchanged(store)) == (0, FEW - 1, True)
        other = next(s for s in db.session_ids() if s != sid)  # another session changes: only it is read again
        os.utime(_session_file(folder, other), ns=(2, 2))
        db.sync(store, compute)
        assert (db.last_read, db.count(), db.unchanged(store)) == (1, FEW - 1, True)
        os.utime(_session_file(folder, sid), ns=(1, 1))
        assert not db.unchanged(store)
        db.sync(store, compute)
        assert (db.last_read, db.count()) == (1, FEW - 1)
    finally:
        db.close()
    db = HistoryDB.for_store(store)  # the next start: that session alone is read again
    try:
        db.sync(store, session_data)
        assert (db.last_read, db.count()) == (1, FEW)
    finally:
        db.close()
        store.close()


# ---------------------------------------------------------------------- any content, through the index's reading
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

def _containing(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=12),
    _containing, max_leaves=12,
)
_HEADER_KEYS = ["id", "date", "created_at", "title", "team", "status", "facilitator", "participants", "redactions",
                "action_reviews", "template", "current_phase"]
_CONTRIBUTION_KEYS = ["id", "text", "phase_id", "fields", "tags", "starred", "safeguarding", "speaker"]
_TEMPLATE_KEYS = ["id", "name", "phases"]
_PHASE_KEYS = ["id", "title", "kind"]
_FIELDS = ["owner", "due", "tell", "evidence", "skill", "rating"]
_GONE = object()

#: (where in the file, the key, its new value or _GONE): one change, or a few
_CHANGE = st.tuples(
    st.sampled_from(["header", "contribution", "template", "phase", "field", "contributions"]),
    st.integers(0, 11),
    st.one_of(st.just(_GONE), _JSON, st.builds(_nested, st.integers(200, 1000))),
)


def _apply(tables: dict, where: str, n: int, value) -> None:  # noqa: ANN001
    header = _header(tables)
    contributions = list(tables["contributions"].values())
    if where == "header":
        target, key = header, _HEADER_KEYS[n % len(_HEADER_KEYS)]
    elif where == "contributions":
        tables["contributions"][str(n + 1)] = value if value is not _GONE else {}
        return
    elif where in ("template", "phase") and not isinstance(header.get("template"), dict):
        return  # (changed already)
    elif where == "template":
        target, key = header["template"], _TEMPLATE_KEYS[n % len(_TEMPLATE_KEYS)]
    elif where == "phase":
        phases = header["template"].get("phases")
        if not isinstance(phases, list) or not phases or not isinstance(phases[n % len(phases)], dict):
            return
        target, key = phases[n % len(phases)], _PHASE_KEYS[n % len(_PHASE_KEYS)]
    else:
        target = contributions[n % len(contributions)]
        if not isinstance(target, dict):
            return
        if where == "field":
            fields = target.setdefault("fields", {})
            if not isinstance(fields, dict):
                return
            target, key = fields, _FIELDS[n % len(_FIELDS)]
        else:
            key = _CONTRIBUTION_KEYS[n % len(_CONTRIBUTION_KEYS)]
    if value is _GONE:
        target.pop(key, None)
    else:
        target[key] = value


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    """Three sessions, the middle one's file rewritten by each example (the template inlined, so it can be changed
    too); the store opened read-only, as the child process and the digest open it."""
    folder = tmp_path_factory.mktemp("fuzzed") / "data"
    _build(folder, 3)
    ids = sorted(p.name[:-5] for p in (folder / "sessions").glob("*.json"))
    path = _session_file(folder, ids[1])
    store = Store(folder, read_only=True).open()
    tables = parse_database(path, path.read_bytes())
    meta = tables.pop(META_TABLE)["1"]
    store.resolve_template(_header(tables), path)
    store.close()
    return folder, ids, path, orjson.dumps(tables), meta


def _history_after(fuzzed, changes) -> tuple[set, set, list, list]:  # noqa: ANN001
    """The middle session's file changed by ``changes``, then the history read as the child process and the digest
    read it: (the sessions listed, every session, the texts each session's facts hold against their count, the
    notices), with the search, the themes and the actions screen's order read on the way."""
    folder, ids, path, original, meta = fuzzed
    tables = orjson.loads(original)
    for change in changes:
        _apply(tables, *change)
    path.write_bytes(_file_bytes(tables, meta))
    store = Store(folder, read_only=True).open()
    try:
        index = HistoryIndex(store, use_cache=False).refresh()
        listed = {e.id for e in index.entries()}
        counted = [(facts.contribution_count, len(facts.texts())) for facts in index.facts()]  # as the digest reads
        index.search(WORD)
        db = index.db  # what the themes and the actions screen read
        reviewed = [c for sid, reviews in reviews_in_history(db) for c in changes_from_reviews(sid, reviews)]
        themes_markdown(themes_from_tallies(
            tallies(db, None, middle_iso), reviewed, None, lambda ids: teams_of(db, ids),
            lambda tags: distinct_sessions(db, tags, None),
        ))
        db.read(f"SELECT * FROM actions ORDER BY {ACTIONS_BY_OWNER}")
        return listed, set(ids), counted, list(store.notices)
    finally:
        store.close()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(changes=st.lists(_CHANGE, min_size=1, max_size=3))
def test_any_content_of_a_session_file_leaves_the_others_in_the_history(fuzzed, changes):
    listed, every, counted, notices = _history_after(fuzzed, changes)
    first, _, last = sorted(every)
    assert {first, last} <= listed <= every
    assert all(count == texts for count, texts in counted)
    assert all(one_sentence(notice) for notice in notices), notices


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(changes=st.lists(_CHANGE, min_size=1, max_size=5))
def test_any_content_of_a_session_file_leaves_the_others_in_the_history_at_length(fuzzed, changes):
    listed, every, counted, notices = _history_after(fuzzed, changes)
    first, _, last = sorted(every)
    assert {first, last} <= listed <= every
    assert all(count == texts for count, texts in counted)
    assert all(one_sentence(notice) for notice in notices), notices


# ---------------------------------------------------------------------- a worker process that never answers
@pytest.mark.parametrize("from_nothing", [False, True], ids=["sessions", "shards"])
def test_a_worker_process_that_never_answers_leaves_its_sessions_to_the_writing_process(histories, tmp_path, monkeypatch,
                                                                                      from_nothing):
    """A worker killed or stuck while it reads (the system out of memory, a file that never ends) never answers
    for its window: the process building the index reads it itself after a while, and every window after it without
    waiting again (it used to wait for ever, and the history read for ever). The workers are stopped here (SIGSTOP)
    once ready, so none can answer. ``from_nothing``: a build from nothing, where the workers hand windows over
    as Shards."""
    import functools
    import multiprocessing
    import signal
    import threading
    import time

    import facilitator.learning.rebuild as rebuild
    from facilitator.learning.facts import session_data

    monkeypatch.setattr(rebuild, "WAIT", 2)
    monkeypatch.setattr(rebuild, "PARALLEL_FROM", 1)
    monkeypatch.setattr(rebuild, "WINDOW", 5)  # six windows: once the first is not answered, the rest read at once
    if from_nothing:
        import facilitator.store.index as index_module

        monkeypatch.setattr(index_module, "BULK_BATCH", 10)  # (a build from nothing of more than this: Shards)
    folder, _ = _copy(histories, FEW, tmp_path)
    store = Store(folder, read_only=True).open()
    pool = rebuild._pool(str(folder))
    pool.map(abs, [1, 2])  # the workers started and ready
    workers = [p for p in multiprocessing.active_children() if p.pid]
    db = HistoryDB.for_store(store)
    try:
        for worker in workers:
            os.kill(worker.pid, signal.SIGSTOP)
        building = threading.Thread(
            target=db.sync, args=(store, session_data),
            kwargs={"read_sessions": functools.partial(rebuild.read_in_workers, pool=pool)}, daemon=True,
        )
        began = time.monotonic()
        building.start()
        building.join(30)
        assert not building.is_alive(), "still waiting for the workers"
        assert db.count() == FEW
        assert time.monotonic() - began < 4 * rebuild.WAIT  # (waiting for each window in turn took six times WAIT)
    finally:
        for worker in workers:
            os.kill(worker.pid, signal.SIGCONT)
        pool.terminate()
        db.close()
        store.close()


async def test_the_history_screen_opens_at_once_while_another_program_holds_the_index_locked(store, library, clock,
                                                                                           data_dir):
    """Another program holding the history index locked (a backup tool, a second copy of the app on a shared folder)
    while the index was behind the sessions: h froze the whole app for about 30 s, the start-up's reading of the
    index waiting on the lock and the screen waiting for it, and every key typed meanwhile was acted on afterwards.
    The screen opens at once, shows what the index holds, and answers keys."""
    import time

    from textual.widgets import Input

    from facilitator.tui.screens.history import HistoryScreen
    from tests.conftest import build_app
    from tests.learning.helpers import reviewed_session

    reviewed_session(store, library, clock, title="Indexed before")
    HistoryIndex(store).refresh().db.close()
    reviewed_session(store, library, clock, title="Not yet indexed")  # the index is behind: it must be written
    locker = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=1); c.execute('BEGIN EXCLUSIVE')\n"
         "print('locked', flush=True); time.sleep(60)", str(data_dir / "history-index.sqlite")],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert locker.stdout.readline().strip() == "locked"
        app = build_app(store, clock)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause(0.5)  # the start-up's reading of the index is waiting on the lock by now
            started = time.monotonic()
            await pilot.press("h")
            await pilot.pause()
            assert isinstance(app.screen, HistoryScreen)
            assert time.monotonic() - started < 5
            box = app.screen.query_one("#history-search", Input)
            box.focus()
            await pilot.press(*"visits")
            assert box.value == "visits"
            assert time.monotonic() - started < 5
    finally:
        locker.kill()
        locker.wait()


# ---------------------------------------------------------------------- a value in the index not as the app writes it
#: a value changed inside the history index, the file itself a sound SQLite database (a disk error in a page's data,
#: another program writing to it): SQLite reads it, the app cannot use it
INDEX_VALUES = {
    "a date that is no date": "UPDATE sessions SET date = '2026-02-30' WHERE k = (SELECT min(k) FROM sessions)",
    "texts cut off": "UPDATE session_texts SET texts = substr(texts, 1, 20) WHERE k = (SELECT min(k) FROM sessions)",
}


def _index_value_changed(folder: Path, case: str) -> None:
    import sqlite3

    conn = sqlite3.connect(folder / "history-index.sqlite")
    try:
        conn.execute(INDEX_VALUES[case])
        conn.commit()
    finally:
        conn.close()


@pytest.mark.parametrize("case", INDEX_VALUES)
def test_a_value_in_the_index_not_as_the_app_writes_it_sets_it_aside_and_it_is_built_again(histories, tmp_path, case):
    """`facilitator digest` printed a bare traceback ("day is out of range for month", orjson's "unexpected end of
    data"), and the history screen stopped the app, at every start: the sessions' files were unchanged, so the index
    was never read again. The index is now set aside as damaged (one sentence), and built again from the sessions."""
    folder, _ = _copy(histories, FEW, tmp_path)
    first = facilitator(folder, "digest", "--since", "2020-01-01", "--out", str(tmp_path / "digest.md"))
    assert first.returncode == 0 and f"sessions: {FEW}\n" in (tmp_path / "digest.md").read_text(), first.stderr
    _index_value_changed(folder, case)
    damaged = facilitator(folder, "digest", "--since", "2020-01-01", "--out", str(tmp_path / "digest.md"))
    said = [line.removeprefix("facilitator: ") for line in damaged.stderr.splitlines() if line.strip()]
    assert said and all(one_sentence(s) for s in said) and any("damaged" in s for s in said), said
    assert damaged.returncode == 0 and f"sessions: {FEW}\n" in (tmp_path / "digest.md").read_text()
    again = facilitator(folder, "digest", "--since", "2020-01-01", "--out", str(tmp_path / "digest.md"))
    assert again.returncode == 0 and f"sessions: {FEW}\n" in (tmp_path / "digest.md").read_text(), again.stderr


@pytest.mark.parametrize("case", INDEX_VALUES)
async def test_the_history_screen_goes_on_past_a_value_in_the_index_not_as_the_app_writes_it(histories, tmp_path, case):
    folder, _ = _copy(histories, FEW, tmp_path)
    facilitator(folder, "digest", "--since", "2020-01-01", "--out", str(tmp_path / "digest.md"))  # (the index built)
    _index_value_changed(folder, case)
    from tests.conftest import until

    clock = FixedClock()
    store = Store(folder, clock=clock).open()
    try:
        app = build_app(store, clock)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("h")

            def status() -> str:
                return str(pilot.app.screen.query_one("#history-status", Static).render())

            # (the damage is found as the list is drawn: the list is then shown again, built anew)
            assert await until(pilot, lambda: pilot.app.screen.ready and status().startswith(f"{FEW} of {FEW} sessions.")
                               and "Reading" not in status(), timeout=30), status()
            total, sessions = histories[FEW][1]
            found = await _search(pilot, WORD)
            assert found.startswith(f"{total} contributions match “{WORD}” in {sessions} sessions"), found
    finally:
        store.close()
