"""A long history opens at once: the home screen is drawn from the index's head (the sessions it lists), and
the start-up checks of every session run just after it, finding and telling what they always did."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from textual.widgets import OptionList, Static

from facilitator.session_ops import end_session, record_contribution
from facilitator.store import Store
from facilitator.tui.screens.home import HomeScreen
from tests.conftest import build_app

from .helpers import counter_free_clock, new_session, start_checks_done


@pytest.fixture
def folder(data_dir, library):
    """Three ended sessions and one left running."""
    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    template = library.get("serious-success-review")
    for n in range(3):
        ended = new_session(store, template, clock, title=f"Ended review {n}")
        record_contribution(store, ended, "The worker always rang back.", None, clock)
        end_session(store, ended, clock)
    running = new_session(store, template, clock, title="Still running")
    record_contribution(store, running, "Referral came from school.", None, clock)
    store.close()
    return data_dir, running.id


def listed(screen: HomeScreen, list_id: str) -> list[str]:
    options = screen.query_one(f"#{list_id}", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_home_screen_is_drawn_before_the_sessions_are_checked(folder, monkeypatch):
    data_dir, running_id = folder
    (data_dir / "sessions" / f"{running_id}.json").write_bytes(b"{ cut off by a crash")
    sessions_dir = str(data_dir / "sessions")
    release = threading.Event()
    real_scandir = os.scandir

    def slow_scandir(path=None):  # noqa: ANN001
        if path is not None and os.fspath(path) == sessions_dir and not release.is_set():
            release.wait(10)  # a slow disk, listing a long history's folder
        return real_scandir(path) if path is not None else real_scandir()

    monkeypatch.setattr(os, "scandir", slow_scandir)
    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()  # does not list the sessions folder: returns at once
    try:
        app = build_app(store, clock)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, HomeScreen)
            # Drawn while the checks wait for the disk: the running session and the recent ones are listed.
            assert not store.opening_finished
            assert any("Still running" in line for line in listed(screen, "unfinished"))
            assert sum("Ended review" in line for line in listed(screen, "recent")) == 3
            assert not screen.query_one("#home-notices", Static).display
            release.set()
            await start_checks_done(app, pilot)
            # The checks found the damaged file, rebuilt the session from its journal, and said so on the banner.
            banner = screen.query_one("#home-notices", Static)
            assert banner.display
            shown = str(banner.render()).replace("\n", " ")
            assert f"{running_id}.json could not be read" in shown and "rebuilt from its journal" in shown
            assert any("Still running" in line for line in listed(screen, "unfinished"))
    finally:
        release.set()
        store.close()
    again = Store(data_dir, clock=counter_free_clock()).open()
    try:
        assert [c.text for c in again.load_session(running_id).contributions] == ["Referral came from school."]
    finally:
        again.close()


async def test_sessions_the_index_does_not_know_join_the_lists_once_checked(folder, tmp_path, library):
    data_dir, running_id = folder
    # Another folder's running session, its files copied in by hand (as when restoring from a copy).
    elsewhere = tmp_path / "elsewhere"
    clock = counter_free_clock()
    other_store = Store(elsewhere, clock=clock).open()
    other = new_session(other_store, library.get("quick-success-huddle"), clock, title="Copied in")
    record_contribution(other_store, other, "Brought from the other laptop.", None, clock)
    other_store.close()
    for path in (elsewhere / "sessions").iterdir():
        shutil.copy2(path, data_dir / "sessions" / path.name)
    shutil.copytree(elsewhere / "templates-used", data_dir / "templates-used", dirs_exist_ok=True)

    store = Store(data_dir, clock=clock).open()
    try:
        app = build_app(store, clock)
        async with app.run_test(size=(160, 45)) as pilot:
            await start_checks_done(app, pilot)
            screen = app.screen
            unfinished = listed(screen, "unfinished")
            assert any("Copied in" in line for line in unfinished), unfinished
            assert any("Still running" in line for line in unfinished), unfinished
    finally:
        store.close()


async def test_a_damaged_or_outdated_index_head_is_only_a_slower_start(folder):
    data_dir, running_id = folder
    head = data_dir / "index-head.json"
    assert head.exists()
    for content in (b"\x00\x00 not json", b'{"index": [1, 2, 3], "sessions": []}', None):
        if content is None:
            head.unlink()
        else:
            head.write_bytes(content)
        clock = counter_free_clock()
        store = Store(data_dir, clock=clock).open()
        try:
            assert store.opening_finished  # checked in full at once, as before there was a head
            app = build_app(store, clock)
            async with app.run_test(size=(160, 45)) as pilot:
                await pilot.pause()
                screen = app.screen
                assert any("Still running" in line for line in listed(screen, "unfinished"))
                assert sum("Ended review" in line for line in listed(screen, "recent")) == 3
                assert not screen.query_one("#home-notices", Static).display
        finally:
            store.close()
        assert head.exists() and head.read_bytes() != content  # written again from the index


def _home_lists(rows) -> tuple[list[str], list[str]]:
    """The ids the home screen lists: unfinished sessions, and the 20 most recent ended ones (HomeScreen)."""
    from facilitator.tui.screens.home import HomeScreen

    unfinished, recent = HomeScreen._session_options(rows)
    return [o.id for o in unfinished], [o.id for o in recent]


def test_the_home_lists_stay_right_through_starts_ends_and_restarts(data_dir, library):
    import datetime as dt
    import random

    from facilitator.session_ops import go_to_phase

    rng = random.Random(15)
    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    template = library.get("quick-success-huddle")
    running = []
    try:
        for step in range(70):
            roll = rng.random()
            if roll < 0.5 or not running:
                day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
                running.append(new_session(store, template, clock, title=f"Session {step}", date=day))
            elif roll < 0.8:
                session = running.pop(rng.randrange(len(running)))
                end_session(store, session, clock)
            else:
                index = rng.randrange(len(running))
                running[index] = go_to_phase(store, running[index], rng.randint(0, len(template.phases) - 1))
            expected = _home_lists(store.session_rows())
            assert _home_lists(store.home_rows()) == expected, f"step {step}"
            if step % 10 == 9:  # the app closed and started again: the first screen is drawn from the head
                store.close()
                store = Store(data_dir, clock=clock).open()
                assert not store.opening_finished
                assert _home_lists(store.home_rows()) == expected, f"after a restart at step {step}"
                running = [store.load_session(i) for i in expected[0] if i]
    finally:
        store.close()
