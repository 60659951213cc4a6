"""The phase timer: a countdown from the phase's timebox that can be paused and extended.

Pure logic with the time passed in, so it can be tested without waiting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

EXTEND_SECONDS = 120


@dataclass
class PhaseTimer:
    timebox_seconds: int
    elapsed_before: float = 0.0
    running_since: dt.datetime | None = None
    extra_seconds: int = 0

    @property
    def running(self) -> bool:
        return self.running_since is not None

    def elapsed(self, now: dt.datetime) -> float:
        if self.running_since is None:
            return self.elapsed_before
        return self.elapsed_before + max(0.0, (now - self.running_since).total_seconds())

    def start(self, now: dt.datetime) -> None:
        if self.running_since is None:
            self.running_since = now

    def pause(self, now: dt.datetime) -> None:
        if self.running_since is not None:
            self.elapsed_before = self.elapsed(now)
            self.running_since = None

    def toggle(self, now: dt.datetime) -> bool:
        """Start if paused, pause if running. Returns whether it is now running."""
        if self.running:
            self.pause(now)
        else:
            self.start(now)
        return self.running

    def extend(self, seconds: int = EXTEND_SECONDS) -> None:
        self.extra_seconds += seconds

    def limit(self) -> int:
        return self.timebox_seconds + self.extra_seconds

    def remaining(self, now: dt.datetime) -> float:
        return self.limit() - self.elapsed(now)

    def over_time(self, now: dt.datetime) -> bool:
        return self.remaining(now) < 0


def format_clock(seconds: float) -> str:
    """Seconds as M:SS (or H:MM:SS), always positive; the caller says whether it is over."""
    seconds = int(abs(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
