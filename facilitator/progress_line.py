"""How far a long command has got, on one line of a terminal (`facilitator digest` over a long history).

Only when standard error is a terminal, and only once the command has taken longer than a moment: a quick
command, or one whose standard error goes to a file or a pipe (a scheduled job, a log), prints nothing more.
The line is written over in place and cleared at the end, so what the command prints after it stands alone.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from typing import TextIO

#: a command quicker than this says nothing of its progress (seconds; FACILITATOR_PROGRESS_AFTER overrides it,
#: and 0 there writes every step, unthrottled: the tests' short histories)
AFTER = 0.5
#: the line is written again at most this often (seconds)
EVERY = 0.2


class ProgressLine:
    def __init__(self, stream: TextIO | None = None, after: float | None = None, wanted: bool = True) -> None:
        """``wanted``: False where the line would mix with the command's own output (written to the terminal)."""
        self.stream = stream if stream is not None else sys.stderr
        try:
            self.on = wanted and self.stream.isatty()
        except (AttributeError, ValueError, OSError):  # closed, or not a file
            self.on = False
        if after is None:
            try:
                after = float(os.environ.get("FACILITATOR_PROGRESS_AFTER", AFTER))
            except ValueError:
                after = AFTER
        self.start = time.monotonic()
        self.after = after
        self.every = EVERY if after > 0 else 0.0
        self.last = float("-inf")
        self.shown = False

    def say(self, text: str) -> None:
        """``text`` as the line, if it is time to show it."""
        if not self.on:
            return
        now = time.monotonic()
        if now - self.start < self.after or now - self.last < self.every:
            return
        self.last = now
        width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
        try:
            self.stream.write("\r" + text[:width] + "\x1b[K")
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the command goes on without its line
            self.on = False
            return
        self.shown = True

    def clear(self) -> None:
        """The line cleared, so what is printed next starts at the left of an empty line."""
        if self.shown:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self.shown = False
