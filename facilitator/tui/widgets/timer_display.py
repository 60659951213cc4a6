"""The phase timer as the room sees it: a line of text, and large digits in projector mode.

Over time is said in words ("OVER TIME by 1:05") and with a ⚠ mark, not only by colour.
"""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from ...timer import PhaseTimer, format_clock


def timer_line(timer: PhaseTimer, now: dt.datetime | None) -> str:
    """One line of text, e.g. '◷ 7:12 left · running' or '⚠ OVER TIME by 1:05 · paused'."""
    remaining = timer.remaining(now) if now is not None else timer.limit() - timer.elapsed_before
    if not timer.running and not timer.elapsed_before:
        state = "ctrl+t starts"
    else:
        state = "running" if timer.running else "paused"
    if remaining < 0:
        return f"⚠ OVER TIME by {format_clock(remaining)} · {state}"
    return f"◷ {format_clock(remaining)} left · {state}"


class TimerDisplay(Vertical):
    """Shows a PhaseTimer; the screen calls show() each second while it runs."""

    def compose(self) -> ComposeResult:
        yield Static("", id="timer-label", markup=False)
        yield Digits("", id="timer-digits")

    def show(self, timer: PhaseTimer, now: dt.datetime | None) -> None:
        remaining = timer.remaining(now) if now is not None else timer.limit() - timer.elapsed_before
        over = remaining < 0
        self.set_class(over, "-over")
        self.set_class(timer.running, "-running")
        self.query_one("#timer-label", Static).update(timer_line(timer, now))
        big = ("+" if over else "") + format_clock(remaining)
        self.query_one("#timer-digits", Digits).update(big)
