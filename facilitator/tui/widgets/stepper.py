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
        # The names of the phases to come, as many as fit, next first: the room sees what comes next (at 160
        # columns seven phases showed only their numbers, with room to spare for some of their names).
        for last in range(count - 1, self.current, -1):
            some = self._steps(head, names=True, named=range(self.current + 1, last + 1))
            if some.cell_len <= width:
                return some
        short = self._steps(head, names=False)
        if short.cell_len <= width:
            return short
        # Still too long (many phases, a long title at 80 columns): the current title is shortened, and the row
        # ends with "…" where steps are left out (phases 12 to 15 went missing without a sign).
        title = self.titles[self.current] if 0 <= self.current < count else ""
        keep = max(8, len(title) - (short.cell_len - width) - 1)
        if keep < len(title):
            short = self._steps(head, names=False, current_title=title[: keep - 1].rstrip() + "…")
        if short.cell_len > width:
            short.truncate(width, overflow="ellipsis")
        return short

    def _steps(
        self, head: Text, names: bool, current_title: str | None = None, named: range | None = None
    ) -> Text:
        """The row; ``names``: each phase with its title (``named``: only those phases', besides the current one)."""
        out = head.copy()
        for index, title in enumerate(self.titles):
            if index == self.current and current_title is not None:
                title = current_title
            if index:
                out.append("  " if names else " ", style="dim")
            number = str(index + 1)
            shown = names and (named is None or index in named)
            if index == self.current:
                out.append(f"▶ {number} {title} ◀", style="bold reverse")
            elif index < self.current:
                out.append(f"✓{number}" + (f" {title}" if shown else ""), style="")
            else:
                out.append(number + (f" {title}" if shown else ""), style="dim")
        return out
