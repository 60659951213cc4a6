"""Which phase of how many: a row of numbered steps, the current one marked by shape and colour."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class Stepper(Widget):
    """Shows 'Phase 3 of 7' and every phase, the current one as ▶ 3 Title ◀, done ones with ✓."""

    current: reactive[int] = reactive(0)

    def __init__(self, titles: list[str], current: int = 0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.titles = titles
        self.set_reactive(Stepper.current, current)

    def render(self) -> Text:
        width = self.size.width or 80
        count = len(self.titles)
        head = Text(f"Phase {self.current + 1} of {count}  ", style="bold")
        full = self._steps(head, names=True)
        if full.cell_len <= width:
            return full
        return self._steps(head, names=False)

    def _steps(self, head: Text, names: bool) -> Text:
        out = head.copy()
        for index, title in enumerate(self.titles):
            if index:
                out.append("  " if names else " ", style="dim")
            number = str(index + 1)
            if index == self.current:
                out.append(f"▶ {number} {title} ◀", style="bold reverse")
            elif index < self.current:
                out.append(f"✓{number}" + (f" {title}" if names else ""), style="")
            else:
                out.append(number + (f" {title}" if names else ""), style="dim")
        return out
