"""A table that renders only the rows on screen, so thousands of sessions or search hits show at once.

(Textual's DataTable measures and lays out every row: about half a second for 2,000.) Cells are rich Text
or plain strings, never markup. Up/down/page keys move the cursor; enter or a click posts Selected.
Where the rows on screen are in the list is shown by a bar in the last column, drawn with the rows
(Textual's scrollbar widget took as long to draw as the rest of the table); the mouse wheel scrolls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


#: the text columns (width None) are made no narrower than this while other columns can give way
TEXT_LEAST = 24
#: the text columns keep at least this much while the others grow towards their ``most`` (a wide screen)
TEXT_AMPLE = 48


class Column(NamedTuple):
    title: str
    width: int | None = None  # None: a text column, sharing what the others leave
    least: int | None = None  # while the text columns are short of TEXT_LEAST, narrowed down to this (None: width)
    hides: bool = False  # left out (the rightmost such first) while narrowing the others leaves them short still
    keep_end: bool = False  # cut in the middle, keeping the end ("Family S… 2"): names that differ at the end
    most: int | None = None  # grown to this on a wide screen, while the text columns keep TEXT_AMPLE (None: width)


def cut_middle(text: str, width: int) -> str:
    """``text`` in ``width`` cells, cut in the middle with "…" so its last word (up to a third of the width)
    stays: "Family Support 2" in 11 is "Family S… 2", not "Family Sup…"."""
    if len(text) <= width:
        return text
    if width < 5:
        return text[: max(0, width - 1)] + "…"
    last = text.rsplit(" ", 1)[-1]
    tail = f" {last}" if " " in text and len(last) + 1 <= width // 3 else text[-(width // 3):]
    return text[: width - 1 - len(tail)].rstrip() + "…" + tail


def column_widths(columns: Sequence[Column], total: int) -> list[int]:
    """Each column's width in a table ``total`` cells wide, a space after each; 0 for a column left out. The text
    columns share what is left, made up to TEXT_LEAST if they can be: the other columns are narrowed (each in
    proportion to what it can give) down to their least widths, then those that may hide are left out."""
    shown = [True] * len(columns)
    hiding = [n for n, c in enumerate(columns) if c.hides and c.width is not None]
    while True:
        fixed = [n for n, c in enumerate(columns) if shown[n] and c.width is not None]
        texts = [n for n, c in enumerate(columns) if shown[n] and c.width is None]
        widths = [(c.width or 0) if shown[n] else 0 for n, c in enumerate(columns)]
        room = total - sum(widths[n] + 1 for n in fixed) - len(texts)
        short = TEXT_LEAST * len(texts) - room
        if texts and short > 0:
            slack = {n: max(0, widths[n] - min(widths[n], columns[n].least or widths[n])) for n in fixed}
            spare = sum(slack.values())
            if spare < short and hiding:
                shown[hiding.pop()] = False
                continue
            take = min(short, spare)
            given = {n: slack[n] * take // spare for n in fixed} if spare else {}
            for n in fixed:  # what rounding down left, a cell at a time from the left
                if sum(given.values()) >= take:
                    break
                if given[n] < slack[n]:
                    given[n] += 1
            for n, cells in given.items():
                widths[n] -= cells
            room += sum(given.values())
        # A wide screen: what the text columns have beyond TEXT_AMPLE each goes first to the columns that can grow
        # (at 160 columns a team "Duty and As…ssment" and an owner "Personal advi…" were cut beside an action
        # with thirty cells to spare), from the left.
        extra = room - TEXT_AMPLE * len(texts) if texts else 0
        for n in fixed:
            if extra <= 0:
                break
            grow = min(extra, max(0, (columns[n].most or 0) - widths[n]))
            widths[n] += grow
            extra -= grow
            room -= grow
        for n in texts:
            widths[n] = max(4, room // len(texts))
        return widths


class VirtualTable(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    VirtualTable { height: 1fr; scrollbar-size-vertical: 0; }
    VirtualTable > .virtual-table--header { text-style: bold; }
    VirtualTable > .virtual-table--position { color: $foreground 50%; }
    VirtualTable > .virtual-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    VirtualTable > .virtual-table--odd { background: $surface-lighten-1; }
    """
    COMPONENT_CLASSES = {"virtual-table--header", "virtual-table--cursor", "virtual-table--odd", "virtual-table--position"}
    BINDINGS = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
        Binding("enter", "select", show=False),
    ]

    cursor_row = reactive(0, always_update=True)

    class Selected(Message):
        def __init__(self, table: "VirtualTable", row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> "VirtualTable":
            return self.table

    def __init__(self, columns: Sequence[tuple], *, id: str | None = None) -> None:  # noqa: A002
        """``columns``: a Column each, or its fields as a tuple (title, width, ...)."""
        super().__init__(id=id)
        self.columns = [Column(*column) for column in columns]
        self._fitted: dict[int, list[int]] = {}  # {table width: column widths} (the rows are drawn with and without the bar)
        self.rows: Sequence[tuple[str | Text, ...]] = []
        self._style_now: Style | None = None  # while the lines are drawn (render_lines)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def set_rows(self, rows: Sequence[tuple[str | Text, ...]]) -> None:
        """A list, or any sequence (rows may be made only when drawn)."""
        self.rows = rows
        # No width: the rows are cut to the table's width, never scrolled sideways. So a change of size needs no
        # new virtual size (and no second layout of the screen when the table is first laid out).
        self.virtual_size = Size(0, len(rows) + 1)
        self.cursor_row = min(self.cursor_row, max(0, len(rows) - 1))
        # From the top, but never with the cursor (what enter and e act on) out of sight.
        visible = max(1, self.size.height - 1)
        self.scroll_to(y=max(0, self.cursor_row - visible + 1), animate=False)
        self.refresh()

    def _widths(self, total: int) -> list[int]:
        widths = self._fitted.get(total)
        if widths is None:
            if len(self._fitted) > 4:
                self._fitted.clear()
            widths = self._fitted[total] = column_widths(self.columns, total)
        return widths

    def column_width(self, n: int) -> int:
        """Column n's width as the table is drawn now (0: left out; before the table has a size, 0 too)."""
        if self.size.width <= 1:
            return 0
        widths = self._widths(max(0, self.size.width - 1))
        return widths[n] if 0 <= n < len(widths) else 0

    def _line(self, cells, width: int, style: Style) -> Strip:  # noqa: ANN001
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        # The columns as wide on every line, whether or not it ends with the bar's cell (see render_line).
        for cell, w, column in zip(cells, self._widths(max(0, self.size.width - 1)), self.columns):
            if not w:  # left out at this width
                continue
            if column.keep_end and not isinstance(cell, Text):
                cell = cut_middle(str(cell), w)
            piece = cell.copy() if isinstance(cell, Text) else Text(str(cell))
            piece.truncate(w, overflow="ellipsis", pad=True)
            line.append_text(piece)
            line.append(" ")
        line.truncate(width, pad=True)
        segments = list(line.render(self.app.console))
        return Strip(Segment.apply_style(segments, style), width).crop(0, width)

    def _position_cell(self, y: int) -> Strip | None:
        """The last column of line y: part of the position bar, or blank; None if every row is on screen."""
        visible = max(1, self.size.height - 1)
        total = len(self.rows)
        if total <= visible or y == 0:
            return None
        top = int(self.scroll_offset.y)
        start = top * visible // total
        end = max(start + 1, -(-(top + visible) * visible // total))
        on_bar = start <= y - 1 < end
        style = self._base_style() + self.get_component_rich_style("virtual-table--position")
        return Strip([Segment("▐" if on_bar else " ", style)], 1)

    def render_lines(self, crop: Region) -> list[Strip]:
        # The table's own style, worked out once for every line drawn now: Textual works it out at each use from
        # the styles of every ancestor, which took most of the time of drawing a line.
        self._style_now = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._style_now = None

    def _base_style(self) -> Style:
        return self._style_now if self._style_now is not None else self.rich_style

    def render_line(self, y: int) -> Strip:
        marker = self._position_cell(y)
        if marker is None:
            return self._render_row(y, self.size.width)
        return Strip.join([self._render_row(y, self.size.width - 1), marker])

    def _render_row(self, y: int, width: int) -> Strip:
        base = self._base_style()
        if y == 0:
            header = self.get_component_rich_style("virtual-table--header")
            return self._line([Text(c.title) for c in self.columns], width, base + header)
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        style = base
        if index == self.cursor_row and self.has_focus:
            style = base + self.get_component_rich_style("virtual-table--cursor")
        elif index == self.cursor_row:
            style = base + Style(reverse=True)
        elif index % 2:
            style = base + self.get_component_rich_style("virtual-table--odd")
        try:
            row = self.rows[index]
        except IndexError:  # (the rows changed under the table since they were counted: a blank line until redrawn)
            return Strip.blank(width, base)
        return self._line(row, width, style)

    def watch_cursor_row(self, row: int) -> None:
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_offset.y)
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False)
        self.refresh()

    def on_resize(self) -> None:
        # Made smaller (a panel shown below it, such as an action's history; the terminal resized): the cursor kept
        # in sight.
        if self.rows:
            self.watch_cursor_row(self.cursor_row)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, step: int) -> None:
        if self.rows:
            self.cursor_row = max(0, min(len(self.rows) - 1, self.cursor_row + step))

    def action_page(self, step: int) -> None:
        self.action_move(step * max(1, self.size.height - 2))

    def action_jump(self, row: int) -> None:
        if self.rows:
            self.cursor_row = row if row >= 0 else len(self.rows) - 1

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self, self.cursor_row))

    def on_click(self, event) -> None:  # noqa: ANN001
        index = int(self.scroll_offset.y) + event.y - 1
        if 0 <= index < len(self.rows):
            self.cursor_row = index
            self.post_message(self.Selected(self, index))
