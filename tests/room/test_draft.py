"""ctrl+q keeps the half-typed contribution, and resuming brings it back; it is never in a record."""

from __future__ import annotations

import json

from textual.widgets import Input, Select

from facilitator.session_ops import export_record
from facilitator.store.drafts import draft_path
from facilitator.tui.screens.session import SessionScreen
from tests.conftest import until

from .helpers import PEOPLE, open_app, resumed, say, status

HALF = "the health visitor noticed that Mum"


async def test_ctrl_q_keeps_the_half_typed_contribution_and_resume_brings_it_back(store, clock, library, data_dir):
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "@2 it started with a school referral")
        box = app.screen.query_one("#contribution", Input)
        await pilot.press(*HALF)
        await pilot.press("ctrl+q")
    store.close()
    assert draft_path(data_dir, session.id).exists()

    async with resumed(data_dir, clock, session.id, size=(80, 24)) as (again, app2, pilot):
        screen = app2.screen
        assert isinstance(screen, SessionScreen)
        box = screen.query_one("#contribution", Input)
        assert box.value == HALF
        assert screen.query_one("#speaker", Select).value == "Priya"
        assert "Brought back what was being typed" in status(pilot)
        for fmt in ("md", "csv"):
            assert HALF not in export_record(again, screen.session, fmt, draft=True).read_text()
        await pilot.press(*" was tired", "enter")
        await pilot.pause()
        assert [c.text for c in again.load_session(session.id).contributions][-1] == HALF + " was tired"
        await until(pilot, lambda: not draft_path(data_dir, session.id).exists())
        assert not draft_path(data_dir, session.id).exists(), "recorded: no draft is left"


async def test_words_typed_steadily_are_kept_within_a_second_as_they_are_typed(store, clock, library, data_dir):
    """A draft was kept only 2 s after typing stopped: while someone typed on (a key every 0.3 s), nothing was
    kept, and a crash then lost every word of it. Now what is typed is kept within a second, and again each second."""
    import asyncio

    from facilitator.store.drafts import read_draft

    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    kept: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        for word in HALF.split():
            await pilot.press(*word, "space")
            await asyncio.sleep(0.3)
            draft = read_draft(data_dir, session.id)
            kept.append(draft["text"] if draft else "")
        typed = app.screen.query_one("#contribution", Input).value
        # While typing went on (about 2 s in all), the draft held what had been typed a second or so earlier.
        assert kept[-1] and typed.startswith(kept[-1].rstrip()) and len(set(kept)) >= 2, kept
        await pilot.press("ctrl+q")


async def test_a_damaged_draft_is_set_aside_said_and_the_session_opens(store, clock, library, data_dir):
    """A draft file that cannot be read was ignored without a word, then overwritten by the next draft: what it held
    (words typed and not recorded) was gone. It is moved to quarantine/, and the status line says so."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    path = draft_path(data_dir, session.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'{"text": "the health visitor sai')
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.query_one("#contribution", Input).value == ""
        said = " ".join(status(pilot).split())
        assert "could not be read" in said and "quarantine" in said, said
        await say(pilot, "still works")
    assert [c.text for c in store.load_session(session.id).contributions] == ["still works"]
    kept = list((data_dir / "quarantine").glob(f"*{session.id}.json"))
    assert [k.read_bytes() for k in kept] == [b'{"text": "the health visitor sai']


async def test_a_folder_where_the_draft_goes_is_set_aside_and_said_as_the_session_opens(store, clock, library, data_dir):
    """A folder (or a device) in the draft file's place was passed over without a word as the session opened, and
    every draft kept afterwards failed against it. It is moved to quarantine/, said, and drafts are kept again."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    draft_path(data_dir, session.id).mkdir(parents=True)
    async with app.run_test(size=(80, 24)) as pilot:
        said = " ".join(status(pilot).split())
        assert "could not be read (it is a folder, not a file)" in said and "quarantine" in said, said
        await pilot.press(*HALF, "ctrl+q")
        await pilot.pause()
        assert not app.is_running  # (the words kept: nothing to say)
    assert json.loads(draft_path(data_dir, session.id).read_text(encoding="utf-8"))["text"] == HALF


async def test_ctrl_q_with_words_that_cannot_be_kept_says_so_once(store, clock, library, data_dir):
    """The drafts folder refusing the draft (here a folder made where its file goes while the session is open): ctrl+q
    quit, and the words typed were lost without a word. It says so and stays; ctrl+q again quits without them."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        draft_path(data_dir, session.id).mkdir(parents=True)
        await pilot.press(*HALF)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: "could not be kept" in status(pilot))
        assert app.is_running and isinstance(app.screen, SessionScreen)
        said = " ".join(status(pilot).split())
        assert "record them with enter, or press ctrl+q again" in said, said
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_q_in_the_multi_line_editor_keeps_every_line_and_resume_opens_it_again(store, clock, library, data_dir):
    """What is typed in the multi-line editor (ctrl+o) is the draft while it is open: ctrl+q keeps every line,
    and resuming opens the editor with them. Before, only the box's first line was kept (or nothing, for a
    pasted block)."""
    from textual.widgets import TextArea

    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"First line")
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("end", "enter", *"second line # not a heading")
        await pilot.pause()
        await pilot.press("ctrl+q")
    store.close()

    async with resumed(data_dir, clock, session.id, size=(80, 24)) as (again, app2, pilot):
        assert await until(pilot, lambda: app2.screen.query("#long-text"))
        area = app2.screen.query_one("#long-text", TextArea)
        assert area.text == "First line\nsecond line # not a heading"
        await pilot.press("escape")  # kept, not dropped: ctrl+o opens it again
        await pilot.pause()
        assert "kept" in status(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app2.screen.query_one("#long-text", TextArea).text == "First line\nsecond line # not a heading"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [c.text for c in again.load_session(session.id).contributions] == ["First line\nsecond line # not a heading"]
        assert await until(pilot, lambda: not draft_path(data_dir, session.id).exists())


async def test_ctrl_q_keeps_an_actions_owner_due_and_who_hears_and_the_speaker_chosen_after_the_text(
        store, clock, library, data_dir):
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        await pilot.press(*"Buddy new starters")
        await pilot.pause(2.5)  # the text kept on its own, before the rest is filled in
        screen.query_one("#kf-owner", Input).value = "Sam"
        screen.query_one("#kf-due", Input).value = "end of January"
        screen.query_one("#kf-tell", Input).value = "Whole team"
        screen.query_one("#speaker", Select).value = "Priya"
        await pilot.pause()
        await pilot.press("ctrl+q")
    store.close()

    async with resumed(data_dir, clock, session.id, size=(160, 45)) as (again, app2, pilot):
        screen = app2.screen
        assert screen.query_one("#contribution", Input).value == "Buddy new starters"
        assert [screen.query_one(f"#kf-{k}", Input).value for k in ("owner", "due", "tell")] == [
            "Sam", "end of January", "Whole team"]
        assert screen.query_one("#speaker", Select).value == "Priya"
        await pilot.press("enter")
        await pilot.pause()
        recorded = again.load_session(session.id).contributions[-1]
        assert (recorded.text, recorded.speaker, recorded.fields["owner"], recorded.fields["tell"]) == (
            "Buddy new starters", "Priya", "Sam", "Whole team")


async def test_keys_sent_faster_than_the_screen_just_before_ctrl_q_are_kept(store, clock, library, data_dir):
    """Words sent at machine speed (a paste the terminal types, a macro) and ctrl+q straight after them: the app quit
    before the box had taken the keys, and the draft held part of the words, or none. ctrl+q now waits behind the keys
    already sent."""
    from textual import events

    from facilitator.store.drafts import read_draft

    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    words = "the quick brown fox jumps over the lazy dog END"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for ch in words:  # all sent before any is handled, as a terminal sends a burst
            app.post_message(events.Key("space" if ch == " " else ch, ch))
        app.post_message(events.Key("ctrl+q", None))
        await until(pilot, lambda: not app.is_running, timeout=5)
    store.close()
    draft = read_draft(data_dir, session.id)
    assert draft is not None and draft["text"] == words, draft


async def test_a_draft_held_up_by_a_slow_disk_never_holds_up_the_typing_and_is_kept_on_quit(store, clock, library, data_dir):
    """The draft is kept every second while typing goes on, and each write waits for the disk (fsync): it was
    written by the screen itself, so on a slow disk (a network home folder) every key and every enter waited as long
    as the disk did, the room's screen frozen. The disk holds the draft's write here until the test has typed and
    recorded; ctrl+q then waits for it, and the draft is there for the next start."""
    import os
    import threading
    import time

    from facilitator.store.drafts import read_draft

    session, app = open_app(store, clock, library.get("serious-success-review"), "case-story")
    drafts = str(data_dir / "drafts")
    held, release = threading.Event(), threading.Event()
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        try:
            folder = os.path.dirname(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            folder = ""
        if folder == drafts and not release.is_set():
            held.set()
            release.wait(30)  # a disk that takes its time, until the test lets it go
        real_fsync(fd)

    os.fsync = slow_fsync
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"the school rang")
            assert await until(pilot, held.is_set), "the draft was never written"
            started = time.monotonic()
            await pilot.press(*" on Monday", "enter")
            await pilot.press(*HALF)
            await pilot.pause()
            took = time.monotonic() - started
            box = app.screen.query_one("#contribution", Input)
            assert box.value == HALF
            assert "Recorded (1 in this phase)" in status(pilot)
            assert took < 10, f"typing and recording waited {took:.1f} s for the draft's disk"
            release.set()
            await pilot.press("ctrl+q")
    finally:
        release.set()
        os.fsync = real_fsync
    store.close()
    again = store.__class__(data_dir, clock=clock).open()
    try:
        assert [c.text for c in again.load_session(session.id).contributions] == ["the school rang on Monday"]
    finally:
        again.close()
    assert read_draft(data_dir, session.id)["text"] == HALF


async def test_words_recorded_just_before_the_app_stopped_are_not_brought_back_to_be_recorded_twice(
    store, clock, library, data_dir
):
    """Killed about 0.1 s after enter recorded a contribution, before its kept words were cleared: the resumed session
    brought them back ("enter records it"), and enter recorded them a second time. They are left out, and said."""
    from facilitator.session_ops import record_contribution
    from facilitator.store.drafts import write_draft

    session, _ = open_app(store, clock, library.get("serious-success-review"), "case-story")
    record_contribution(store, session, "Typed slowly then entered", PEOPLE[0], clock)
    write_draft(data_dir, session.id, "@1 Typed slowly then entered", None, "case-story")  # (as the stop left it)
    store.close()

    async with resumed(data_dir, clock, session.id, size=(80, 24)) as (again, app2, pilot):
        screen = app2.screen
        assert screen.query_one("#contribution", Input).value == ""
        assert "was recorded already" in status(pilot), status(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert [c.text for c in again.load_session(session.id).contributions] == ["Typed slowly then entered"]
        await until(pilot, lambda: not draft_path(data_dir, session.id).exists())
        assert not draft_path(data_dir, session.id).exists()
