"""A checkbox whose state shows as a tick or a blank, not by colour alone."""

from __future__ import annotations

from textual.widgets import Checkbox


class TickBox(Checkbox):
    BUTTON_INNER = " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "✓" if self.value else " "
        super().watch_value()  # (the -on class, and the Changed message the screen listens for)
        self.refresh()
