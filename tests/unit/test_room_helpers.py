"""The phase timer, quick speaker picking and undo: the pieces a facilitator leans on mid-session."""

from __future__ import annotations

import datetime as dt

import pytest

from facilitator.models import ANONYMOUS
from facilitator.speakers import split_speaker
from facilitator.timer import PhaseTimer, format_clock

T0 = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_timer_counts_down_pauses_and_goes_over():
    timer = PhaseTimer(timebox_seconds=300)
    timer.start(at(0))
    assert timer.remaining(at(100)) == 200
    timer.pause(at(100))
    assert timer.remaining(at(1000)) == 200, "a paused timer does not move"
    timer.toggle(at(1000))
    assert timer.running
    assert not timer.over_time(at(1199))
    assert timer.over_time(at(1201))
    assert format_clock(timer.remaining(at(1265))) == "1:05"


def test_timer_extend_adds_two_minutes():
    timer = PhaseTimer(timebox_seconds=60)
    timer.start(at(0))
    assert timer.over_time(at(90))
    timer.extend()
    assert not timer.over_time(at(90))
    assert timer.remaining(at(90)) == 90


def test_format_clock_hours():
    assert format_clock(3725) == "1:02:05"
    assert format_clock(-59) == "0:59"


PEOPLE = ["Sam Patel", "Priya", "Team manager"]


@pytest.mark.parametrize(
    "typed, speaker, text",
    [
        ("@1 kept every appointment", "Sam Patel", "kept every appointment"),
        ("@2 rang back", "Priya", "rang back"),
        ("@pri rang back", "Priya", "rang back"),
        ("@sp knew the family", "Sam Patel", "knew the family"),
        ("@tm backed the plan", "Team manager", "backed the plan"),
        ("@0 school and health shared a plan", ANONYMOUS, "school and health shared a plan"),
        ("@anon said something", ANONYMOUS, "said something"),
        ("no speaker here", None, "no speaker here"),
        ("email me at sam@example.org", None, "email me at sam@example.org"),
    ],
)
def test_split_speaker(typed, speaker, text):
    choice = split_speaker(typed, PEOPLE)
    assert choice.error is None
    assert (choice.speaker, choice.text) == (speaker, text)


@pytest.mark.parametrize("typed", ["@9 nobody is ninth", "@zz who", "@x unknown"])
def test_split_speaker_unknown_keeps_text_and_explains(typed):
    choice = split_speaker(typed, PEOPLE + ["Steve"])
    assert choice.speaker is None
    assert choice.text == typed
    assert choice.error and "@0 anonymous" in choice.error


def test_undo_reverses_record_edit_and_delete(store, ssr, clock):
    from facilitator.session_ops import record_contribution, start_session
    from facilitator.store import Store
    from facilitator.undo import UndoEntry, UndoStack

    session = start_session(store, ssr, clock=clock, title="Undo")
    stack = UndoStack()
    first = record_contribution(store, session, "first", None, clock)
    stack.push(UndoEntry("add", first))
    second = record_contribution(store, session, "second", None, clock)
    stack.push(UndoEntry("add", second))
    store.edit_contribution(session, first.id, text="first, edited")
    stack.push(UndoEntry("edit", first, before={"text": "first"}))
    removed = store.delete_contribution(session, second.id)
    stack.push(UndoEntry("delete", removed))

    stack.undo(store, session)  # delete undone
    assert [c.text for c in session.contributions_in("ground-rules")] == ["first, edited", "second"]
    stack.undo(store, session)  # edit undone
    assert [c.text for c in session.contributions_in("ground-rules")] == ["first", "second"]
    stack.undo(store, session)  # second recording undone
    assert [c.text for c in session.contributions_in("ground-rules")] == ["first"]
    assert len(stack) == 1

    data_dir = store.data_dir
    store.close()
    with Store(data_dir) as again:
        assert [c.text for c in again.load_session(session.id).contributions] == ["first"]
