"""The actions screen, the follow-up round, the themes and the digest over a history of a few hundred sessions:
what each shows is what the sessions say, read from the history index a page at a time or counted there, and
the app answers keys while they are read."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path
from typing import NamedTuple

import pytest

from textual.widgets import Input, Static

from tests.learning.helpers import by_owner_and_due, compute_themes, gather_actions, open_actions
from facilitator.learning.history import HistoryIndex
from facilitator.learning.themes import themes_markdown
from facilitator.session_ops import start_session
from facilitator.store import Store
from facilitator.store.actions import change_status, read_changes
from facilitator.tui.screens.actions import FollowUpScreen
from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.screens.themes import ThemesScreen
from tests.conftest import FixedClock, build_app, counter_ids, until
from tests.learning.helpers import open_actions_screen, wait_ready
from tests.record.helpers import new_session, say

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from _history import make_history  # noqa: E402

SESSIONS = 240


def _build_history(store, library, clock, count: int = SESSIONS):
    """``count`` ended sessions on every template, four teams (bench/_history.py's generator), a running one
    with tags given in two spellings, and status changes: one done, one dropped with a note, one done then
    carried over (open again)."""
    store.import_sessions(make_history(count, 30, dt.date(2026, 11, 1)), sync=False)
    ssr = library.get("serious-success-review")
    running = new_session(store, ssr, clock, team="Fostering", date=dt.date(2026, 11, 20), title="Still going")
    say(store, running, clock, "strengths-evidence", "Child focus", fields={"evidence": "Her words in the plan",
                                                                           "skill": "Care and empathy"})
    say(store, running, clock, "what-went-right", "Rang every morning", tags=["Persistence"])
    say(store, running, clock, "what-went-right", "Kept at it", tags=["persistence"])
    say(store, running, clock, "learning-actions", "Ask the school who else could help", fields={"due": "2026-12-01"})
    actions = gather_actions(HistoryIndex(store, use_cache=False).refresh().facts(), read_changes(store))
    chosen = by_owner_and_due(open_actions(actions))
    change_status(store, chosen[0], "done", dt.date(2026, 11, 2))
    change_status(store, chosen[1], "dropped", dt.date(2026, 11, 3), "the school said no")
    change_status(store, chosen[2], "done", dt.date(2026, 11, 3))
    change_status(store, chosen[2], "carried over", dt.date(2026, 11, 4))
    return running.id


class Built(NamedTuple):
    folder: Path
    now: dt.datetime  # the clock's time once it was built
    ids: object  # the store's id counter, going on from there
    running_id: str


@pytest.fixture(scope="module")
def built(tmp_path_factory, library) -> Built:
    """The long history, built once for the module; each test starts from a copy of it (the same folder,
    clock and ids a test building it itself would have)."""
    folder = tmp_path_factory.mktemp("long-history") / "data"
    clock, ids = FixedClock(), counter_ids()
    store = Store(folder, clock=clock, id_factory=ids).open()
    try:
        running_id = _build_history(store, library, clock)
    finally:
        store.close()
    return Built(folder, clock.now, ids, running_id)


@pytest.fixture(scope="module")
def library():
    from facilitator.templates import load_library

    return load_library(None)


@pytest.fixture
def clock(built):
    return FixedClock(built.now)


@pytest.fixture
def store(built, data_dir, clock):
    """A copy of the long history, opened as the app opens its folder."""
    shutil.copytree(built.folder, data_dir)
    s = Store(data_dir, clock=clock, id_factory=built.ids).open()
    yield s
    s.close()


def _history(store, built):
    """The running session of the long history."""
    return store.load_session(built.running_id)


def _expected_rows(store, team: str | None = None, exclude: str | None = None):
    """The actions as the sessions say, worked out from every session's facts (the slow way, as before)."""
    actions = gather_actions(HistoryIndex(store, use_cache=False).refresh().facts(), read_changes(store))
    if team is not None:
        return open_actions(actions, team=team, exclude_session=exclude)
    return by_owner_and_due(open_actions(actions))


def _cells(table, rows: list[int]):
    return [tuple(c.plain if hasattr(c, "plain") else c for c in table.rows[n]) for n in rows]


async def test_actions_screen_lists_the_open_actions_of_a_long_history_a_page_at_a_time(store, library, clock):
    expected = _expected_rows(store)
    assert len(expected) > 1000  # several pages
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_actions_screen(pilot)
        table = screen.table
        assert table.row_count == len(expected)
        today = clock().date()
        overdue = sum(1 for a in expected if a.overdue(today))
        assert f"{len(expected):,} open actions, {overdue:,} overdue" in str(screen.query_one("#actions-status", Static).render())
        # The first rows, and rows far down the list (another page), are the actions the sessions hold, in order.
        for n in (0, 1, 2, 150, 151, 152, len(expected) - 2, len(expected) - 1):
            owner, due, text, _team, agreed, status = _cells(table, [n])[0]
            want = expected[n]
            assert (owner, due.split()[0], text, status.split()[0]) == (
                want.owner or "no owner", want.due or "no", want.text, want.status.value.split()[0]
            )
            assert agreed == f"A{want.number}, {want.session_date:%d %b %Y}"
        assert _cells(table, [len(expected) - 1])[0][0] == "no owner"  # no owner: last
        # Only the pages shown were read, not every action of the history.
        assert len(screen.actions._pages) <= 3
        # And every row, page after page, is in the order the sessions give.
        assert [(r[2], r[4]) for r in _cells(table, list(range(table.row_count)))] == [
            (a.text, f"A{a.number}, {a.session_date:%d %b %Y}") for a in expected
        ]
        # The action done then carried over is open again and shows its history; the dropped one is not listed.
        carried = next(n for n in range(table.row_count) if "carried over" in str(table.rows[n][5]))
        table.cursor_row = carried
        await pilot.press("enter")
        await pilot.pause()
        shown = str(screen.query_one("#action-history", Static).render())
        assert "done" in shown and "carried over" in shown
        # a shows every action, the closed ones too.
        await pilot.press("a")
        await pilot.pause()
        assert table.row_count == len(expected) + 2
        texts = {str(table.rows[n][5]) for n in range(table.row_count)}
        assert any(t.startswith("dropped") for t in texts)


async def test_a_status_changed_on_a_later_page_is_saved_and_shown_there(store, library, clock, data_dir):
    expected = _expected_rows(store)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("a")
        await wait_ready(pilot)
        screen = app.screen
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown", "pagedown")
        await pilot.pause()
        row = screen.table.cursor_row
        assert row > 100
        await pilot.press("d", "enter")
        await pilot.pause()
        assert str(screen.table.rows[row][5]).startswith("done")
        await pilot.press("a", "a")  # all, then open ones again: the done one is no longer open
        await pilot.pause()
        assert screen.table.row_count == len(expected) - 1
    store.close()
    again = Store(data_dir, clock=FixedClock()).open()
    try:
        done = {a.id for a in gather_actions(HistoryIndex(again).refresh().facts(), read_changes(again))
                if a.status.value == "done"}
        assert expected[row].id in done
    finally:
        again.close()


async def test_follow_up_round_lists_the_teams_open_actions_and_the_app_answers_keys_meanwhile(
    store, library, clock, monkeypatch
):
    session = start_session(store, library.get("quick-success-huddle"), clock=clock, title="Huddle", team="fostering")
    expected = _expected_rows(store, team="fostering", exclude=session.id)
    # A slow disk: the round is read in a worker while the screen is up and answers keys.
    from facilitator.tui.screens import learning_data

    made = learning_data.ActionSource.__init__
    disk_answers = threading.Event()

    def slow_source(self, *args, **kwargs):  # noqa: ANN001
        disk_answers.wait(30)  # until the test has typed (at most 30 s)
        made(self, *args, **kwargs)

    monkeypatch.setattr(learning_data.ActionSource, "__init__", slow_source)
    app = build_app(store, clock, open_session_id=session.id, follow_up=True)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FollowUpScreen) and not screen.ready
        assert "Looking for this team's open learning actions" in str(screen.query_one("#actions-status", Static).render())
        note = screen.query_one("#action-note", Input)
        note.focus()
        await pilot.press(*"typing")
        assert note.value == "typing"  # typed while the actions are read
        disk_answers.set()
        await wait_ready(pilot)
        table = screen.table
        assert table.row_count == len(expected)
        assert [r[0] for r in _cells(table, list(range(5)))] == [a.text for a in expected[:5]]
        overdue = sum(1 for a in expected if a.overdue(clock().date()))
        assert f"{len(expected):,} open actions, {overdue:,} overdue" in str(screen.query_one("#actions-status", Static).render())
        await pilot.press("ctrl+s")  # the note typed meanwhile is given to no action: said once
        await pilot.pause()
        assert "The note “typing” is not saved" in str(screen.query_one("#actions-status", Static).render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)


def _themes_expected(store, team=None) -> str:
    """The themes file as the sessions say, worked out from every session's facts (the slow way)."""
    return themes_markdown(compute_themes(HistoryIndex(store, use_cache=False).refresh().facts(),
                                          read_changes(store), team=team))


async def _themes_written(pilot) -> str:
    """w on the themes screen: the file it wrote."""
    await pilot.press("w")
    await pilot.pause()
    status = str(pilot.app.screen.query_one("#themes-status", Static).render())
    return Path(status.removeprefix("Written: ")).read_text(encoding="utf-8")


async def test_themes_worked_out_at_start_are_shown_at_once_and_never_once_out_of_date(store, built, clock, data_dir,
                                                                                         monkeypatch):
    """The themes of every team are worked out after the start-up reading, so t shows them without working them
    out on the way (about half of its time at 20,000 sessions); once a contribution is recorded, t works them out
    again rather than show the ones worked out before it."""
    import facilitator.tui.screens.themes as themes_screen

    running = _history(store, built)
    worked_out: list[str | None] = []
    real = themes_screen.themes_of
    monkeypatch.setattr(themes_screen, "themes_of", lambda app, team: worked_out.append(team) or real(app, team))
    app = build_app(store, clock, warm_history=True)  # as `facilitator` starts it
    async with app.run_test(size=(160, 45)) as pilot:
        assert await until(pilot, lambda: app.warmed_up, timeout=60)
        await pilot.press("t")
        await wait_ready(pilot)
        shown = await _themes_written(pilot)
        assert (worked_out, shown) == ([], _themes_expected(store))
        await pilot.press("escape")
        await pilot.pause()
        say(store, running, clock, "what-went-right", "Again", tags=["PERSISTENCE"])
        await pilot.press("t")
        await wait_ready(pilot)
        again = await _themes_written(pilot)
        assert worked_out == [None] and again == _themes_expected(store) and again != shown


async def test_themes_screen_counts_what_the_sessions_say_and_follows_a_running_session(store, built, clock, data_dir):
    running = _history(store, built)
    expected, written = partial(_themes_expected, store), _themes_written
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("t")
        await wait_ready(pilot)
        assert isinstance(app.screen, ThemesScreen)
        shown = await written(pilot)
        assert shown == expected()
        assert "| Persistence | 2 | 1 |" in shown  # two spellings of one tag, in one session
        # The running session goes on: its new strength and tag are counted when the themes are opened again.
        await pilot.press("escape")
        await pilot.pause()
        say(store, running, clock, "strengths-evidence", "Child focus", fields={"evidence": "The school noticed",
                                                                               "skill": "care and empathy"})
        say(store, running, clock, "what-went-right", "Again", tags=["PERSISTENCE"])
        await pilot.press("t")
        await wait_ready(pilot)
        again = await written(pilot)
        assert again == expected() and again != shown
        assert "| Persistence | 3 | 1 |" in again
        # One team's.
        app.screen.query_one("#themes-team").value = "Fostering"
        await pilot.pause()
        await wait_ready(pilot)
        assert await written(pilot) == expected("Fostering")


def test_digest_of_a_long_history_is_what_the_sessions_say(store, library, clock, data_dir, tmp_path):
    """`facilitator digest`, run as a user runs it, over the whole history: the same document the sessions'
    facts give, written a piece at a time."""
    from facilitator.learning.digest import DigestEntry, DigestInput, render_digest
    from facilitator.vocabulary import SessionStatus

    since, until = dt.date(2020, 1, 1), dt.date(2026, 11, 22)
    index = HistoryIndex(store, use_cache=False).refresh()
    facts = {f.id: f for f in index.facts()}
    every = DigestInput(since, until, dt.date.today(), local=[
        DigestEntry(f.id, f.date, f.team, f.title, f.template_name, f.status != SessionStatus.ended.value)
        for f in facts.values()
    ], read=lambda ids: (facts[i] for i in ids), log=read_changes(store))
    want = "".join(render_digest(every))
    store.close()
    out = tmp_path / "digest.md"
    done = subprocess.run(
        [sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), "digest", "--since", since.isoformat(),
         "--until", until.isoformat(), "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    got = out.read_text(encoding="utf-8")
    assert got == want
    assert "the school said no" in got and f"**Sessions:** {SESSIONS:,}" in got
    assert "- *and " in got  # a session with more went-right items than are shown says how many more
    # Sessions in the order held, and the actions in the order agreed.
    went_right = got.split("## What went right, and the highlights", 1)[1].split("## Strengths evidenced", 1)[0]
    headings = [dt.datetime.strptime(line[4:].split(":")[0], "%d %b %Y").date()
                for line in went_right.splitlines() if line.startswith("### ")]
    assert len(headings) > 100 and headings == sorted(headings)
    table = got.split("| Action | Owner | Due | Team | Agreed | Status | Latest note |", 1)[1].split("\n\n", 1)[0]
    agreed = [line.split(" | ")[4].split(" of ")[1] for line in table.splitlines()[2:]]
    actions = [a for a in gather_actions(facts.values(), read_changes_of(data_dir)) if since <= a.session_date <= until
               and facts[a.session_id].status == SessionStatus.ended.value]
    assert len(agreed) == len(actions) and agreed == sorted(agreed)
    statuses = {s: sum(1 for a in actions if a.status.value == s) for s in ("done", "dropped", "carried over")}
    assert statuses == {"done": 1, "dropped": 1, "carried over": 1}
    assert f"{len(actions):,} learning actions: {len(actions) - 3:,} open, 1 done, 1 dropped, 1 carried over;" in got


def read_changes_of(data_dir):
    store = Store(data_dir, read_only=True).open()
    try:
        return read_changes(store)
    finally:
        store.close()


def test_the_store_imports_nothing_of_learning():
    """The store hands data out and learning/ computes from it: importing every module of the store, in a
    fresh interpreter, loads no module of learning/."""
    probe = (
        "import importlib, pkgutil, sys\n"
        "import facilitator.store as store\n"
        "for m in pkgutil.iter_modules(store.__path__):\n"
        "    importlib.import_module('facilitator.store.' + m.name)\n"
        "print(sorted(k for k in sys.modules if k.startswith('facilitator.learning')))\n"
        "print(len([m for m in pkgutil.iter_modules(store.__path__)]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=ROOT, check=True)
    loaded, modules = done.stdout.strip().splitlines()
    assert loaded == "[]" and int(modules) >= 10


PROBE = """
import json, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from facilitator.cli import make_app
from facilitator.settings import Settings
from facilitator.store import Store
store = Store(Path({data!r})).open()
app = make_app(store, Settings(data_dir=Path({data!r}), cursor_blink=False))
seen = {{}}
async def ready(pilot):
    for key in ("a", "t"):
        await pilot.press(key)
        await pilot.pause()
        while not getattr(pilot.app.screen, "ready", False):
            await pilot.pause(0.02)
        seen[key] = [type(pilot.app.screen).__name__, "pydantic" in sys.modules]
        await pilot.press("escape")
        await pilot.pause()
    seen["rows"] = 0
    pilot.app.exit()
app.run(headless=True, size=(160, 45), auto_pilot=ready)
store.close()
print(json.dumps(seen))
"""


def test_the_actions_and_themes_screens_open_without_loading_the_models(tmp_path):
    """Listing actions and counting themes needs no pydantic model (they cost start-up time and memory):
    the models are loaded only when a status is changed or a session opened."""
    import json

    data_dir = tmp_path / "data"
    store = Store(data_dir, clock=FixedClock(), id_factory=counter_ids()).open()
    store.import_sessions(make_history(20, 30, dt.date(2026, 11, 1)), sync=False)  # ended sessions only
    first = _expected_rows(store)[0]
    change_status(store, first, "done", dt.date(2026, 11, 2))
    store.close()
    done = subprocess.run([sys.executable, "-c", PROBE.format(root=str(ROOT), data=str(data_dir))],
                          capture_output=True, text=True, timeout=120, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["a"] == ["ActionsScreen", False] and seen["t"] == ["ThemesScreen", False]
