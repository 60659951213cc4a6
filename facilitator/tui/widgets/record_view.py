"""A record's markdown drawn as lines, one widget however long the record is.

Textual's Markdown widget makes a widget of every block, list item and table cell: a session of 100
contributions took 2 to 4 seconds to show (about 900 widgets). Here Rich draws the markdown into lines once
for the width shown (about 0.1 s), and only the lines on screen are painted. The view can open at a section
(a ``## `` heading: a phase), with one contribution marked (a search hit's).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rich.markdown import Markdown
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...text import shortened

_SECTION = re.compile(r"^## (.+)$", re.MULTILINE)
_NUMBERED = re.compile(r"^\d+\.\s+")


class Found(NamedTuple):
    """Where to open: a section by its heading (a phase's title, without its number), and in it the
    contribution whose text starts so (None: the heading only), after ``same_before`` others that say the same."""

    heading: str
    text: str | None = None
    same_before: int = 0


def sections(markdown: str) -> list[tuple[str, str]]:
    """(heading, its text) for each ``## `` heading of the record, in order: the heading without its phase's
    number ("What went right"), and as it is shown ("3. What went right")."""
    titles = [m.group(1).strip() for m in _SECTION.finditer(markdown)]
    return [(_NUMBERED.sub("", title), title) for title in titles]


class RecordView(ScrollView, can_focus=True):
    """The record of a session, read-only, scrolled with the arrow, page, home and end keys."""

    DEFAULT_CSS = """
    RecordView { height: 1fr; padding: 0 1; overflow-x: hidden; overflow-y: scroll; }
    RecordView > .record-view--found { background: $accent 35%; }
    """
    COMPONENT_CLASSES = {"record-view--found"}

    def __init__(self, markdown: str, found: Found | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = markdown
        self.found = found
        self._sections = sections(markdown)
        self._width = -1
        self._lines: list[Strip] = []
        self._plain: list[str] = []
        self._starts: dict[str, int] = {}  # each section's heading: its first line
        self._marked: range = range(0)
        self._opened = False
        self._shown: dict[int, Strip] = {}  # lines as drawn (render_line), for the style they were drawn in
        self._shown_style: Style | None = None

    # ------------------------------------------------------------------ drawing
    def _draw(self, width: int) -> None:
        """Every line of the record at this width, with where each section starts and the found lines."""
        console = self.app.console
        options = console.options.update(width=width, height=None)
        lines = [Strip(segments, width) for segments in console.render_lines(Markdown(self.source), options, pad=True)]
        plain = ["".join(segment.text for segment in strip) for strip in lines]
        # Each section's heading, looked for in order: the first line after the last one found that starts it.
        starts: dict[str, int] = {}
        at = 0
        for heading, title in self._sections:
            for line in range(at, len(plain)):
                text = plain[line].strip()
                if text and title.startswith(text) and len(text) >= min(len(title), 12):
                    starts.setdefault(heading, line)
                    at = line + 1
                    break
        self._lines, self._plain, self._starts, self._width = lines, plain, starts, width
        self._shown.clear()
        self._marked = self._find()
        self.virtual_size = Size(width, len(lines))

    def _find(self) -> range:
        """The lines of the found contribution: its first, and those after it indented as its own."""
        found = self.found
        if found is None or not found.text or found.heading not in self._starts:
            return range(0)
        start = self._starts[found.heading] + 1
        later = [at for at in self._starts.values() if at >= start]
        lines = [" ".join(line.split()) for line in self._plain[start : min(later) if later else len(self._plain)]]
        text = " ".join(found.text.split())
        # Its first 30 characters, on a line or carried onto the next (a list item wrapped); then, for a table's
        # cell (wrapped within its column), its first words up to 12 characters.
        for needle in dict.fromkeys((text[:30], shortened(text, 13).rstrip("…"))):
            if not needle:
                continue
            starts = [n for n, line in enumerate(lines) if needle in line or self._straddles(needle, lines, n)]
            if starts:
                first = start + starts[min(found.same_before, len(starts) - 1)]
                indent = len(self._plain[first]) - len(self._plain[first].lstrip())
                last = first
                while last + 1 < len(self._plain) and self._continues(self._plain[last + 1], indent):
                    last += 1
                return range(first, last + 1)
        return range(0)

    @staticmethod
    def _straddles(needle: str, lines: list[str], n: int) -> bool:
        """Whether ``needle`` starts on line n and goes on onto the next (a list item wrapped)."""
        following = lines[n + 1] if n + 1 < len(lines) else ""
        return needle in f"{lines[n]} {following}" and needle not in following

    @staticmethod
    def _continues(line: str, indent: int) -> bool:
        """Whether a line carries on an item that starts ``indent`` cells in (wrapped onto it, or its own list)."""
        text = line.lstrip()
        return bool(text) and len(line) - len(text) > indent

    @property
    def _room(self) -> int:
        """The width the lines are drawn to: the view's, less its padding and scroll bar."""
        return max(1, self.scrollable_content_region.width)

    def on_resize(self) -> None:
        width = self._room
        redrawn = width != self._width
        if redrawn:
            self._draw(width)
        if not self._opened:
            self._opened = True
            self.call_after_refresh(self._open_at_found)
        elif redrawn and self._marked:
            self.call_after_refresh(self.scroll_to, y=max(0, self._marked.start - 2), animate=False)

    def _open_at_found(self) -> None:
        found = self.found
        if found is None or found.heading not in self._starts:
            return
        # The section's heading at the top, or the found contribution in view a few lines under it.
        y = self._starts[found.heading]
        if self._marked and self._marked.stop > y + self.size.height - 1:
            y = max(y, self._marked.start - 2)
        self.scroll_to(y=y, animate=False, immediate=True)

    @property
    def marked_text(self) -> str:
        """The lines marked as the found contribution, as text."""
        return "\n".join(self._plain[at].rstrip() for at in self._marked)

    def render_line(self, y: int) -> Strip:
        width = self._room
        base = self.rich_style
        if width != self._width:
            self._draw(width)
        at = int(self.scroll_offset.y) + y
        if at >= len(self._lines):
            return Strip.blank(width, base)
        # Each line as shown, made once for the view's style (a Strip is costly to make: scrolling draws the same
        # lines again and again).
        if self._shown_style != base:
            self._shown.clear()
            self._shown_style = base
        strip = self._shown.get(at)
        if strip is None:
            style: Style = base
            if at in self._marked:
                style = base + self.get_component_rich_style("record-view--found")
            line = self._lines[at]
            strip = self._shown[at] = Strip(Segment.apply_style(line, style), line.cell_length).crop_extend(0, width, style)
        return strip
