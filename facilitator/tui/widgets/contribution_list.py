"""What has been recorded in the current phase, with who said it. User text is never read as markup.

The list can take the focus (up from the contribution box, or ctrl+l) to choose one contribution: up/down
move, and e, d, m, s, t, ! ask the screen to edit, delete, move, star, tag or flag it. Contributions
flagged as safeguarding concerns are never shown here: the list is what the room sees.

A phase may hold hundreds of contributions, so the list is drawn line by line (a ScrollView): each
contribution is wrapped once to the list's width (kept until it changes or the width does), and only the
lines on screen are drawn. A new contribution is laid out after the others, the list's scrollable size and its
scrollbar are set at once (no layout of the screen), and the lines already drawn are kept (while they stay near
the screen), so the frame after enter draws the new lines and moves the rest up. One column, each contribution after a blank line; in projector mode (the
list's style has ``layout: grid``) the contributions fill the grid's columns (``grid-size``, ``grid-gutter``),
each with a line down its left. Colours come from the component classes, styled in the screen's .tcss.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...models import ANONYMOUS, Contribution
from ...safeguarding import shown
from ...text import visible
from .kind_fields import fields_text

EMPTY_NOTE = "Nothing recorded in this phase yet."
#: the left edge of a contribution in projector mode, and of the chosen one (Textual's solid and thick borders)
EDGE, CHOSEN_EDGE = "│", "█"


def contribution_text(contribution: Contribution, number: int | None) -> Text:
    """A contribution as a line of the list: its number (None: without it, for the list to hang the rest under
    it), a star, who said it, the text, tags, and its fields on a line of their own."""
    text = Text()
    if number is not None:
        text.append(f"{number}. ", style="bold")
    if contribution.starred:
        text.append("★ ", style="bold")
    # (visible: a control character in a file written by hand or by another program, an escape sequence that would
    # clear the projected screen, is left out, as it is from what is typed)
    if contribution.speaker == ANONYMOUS:
        text.append("anonymous: ", style="italic")
    elif contribution.speaker:
        text.append(f"{visible(contribution.speaker)}: ", style="bold")
    text.append(visible(contribution.text))
    if contribution.tags:
        text.append("  ")
        text.append(visible("  ".join(f"#{tag}" for tag in contribution.tags)), style="italic")
    extra = fields_text(contribution.fields)
    if extra is not None:
        text.append("\n   " if number is not None else "\n")
        text.append_text(extra)
    return text


@dataclass
class ShownContribution:
    """One contribution as the list shows it: its text (before wrapping), whether it is the chosen one, and
    where it is on the screen (outside the list's area while scrolled out of view)."""

    contribution: Contribution
    number: int
    text: str
    chosen: bool
    region: Region
    #: its lines as drawn, wrapped to the list's width
    drawn: list[str]


@dataclass
class _Cell:
    index: int  # in the list of contributions shown
    y: int  # first line, in the list's own lines
    x: int
    width: int
    height: int


class ContributionList(ScrollView, can_focus=True):
    """A scrolling list; new items are added at the bottom and scrolled into view."""

    COMPONENT_CLASSES = {
        "contribution-list--chosen",
        "contribution-list--chosen-edge",
        "contribution-list--edge",
        "contribution-list--empty",
    }

    BINDINGS = [
        Binding("up", "move(-1)", "Earlier", show=False),
        Binding("down", "move(1)", "Later", show=False),
        Binding("home", "move_to(0)", show=False),
        Binding("end", "move_to(-1)", show=False),
        Binding("e,enter", "act('edit')", "Edit"),
        Binding("d,delete", "act('delete')", "Delete"),
        Binding("m", "act('move')", "Move"),
        Binding("shift+up", "act('earlier')", "Earlier in the story", show=False),
        Binding("shift+down", "act('later')", "Later in the story", show=False),
        Binding("s", "act('star')", "Star"),
        Binding("t", "act('tag')", "Tag"),
        Binding("exclamation_mark", "act('flag')", "Safeguarding"),
    ]

    class Chosen(Message):
        """Something to do to the chosen contribution: edit, delete, move, star, tag or flag."""

        def __init__(self, action: str, contribution: Contribution) -> None:
            super().__init__()
            self.action = action
            self.contribution = contribution

    class FocusChanged(Message):
        def __init__(self, focused: bool) -> None:
            super().__init__()
            self.focused = focused

    def __init__(self, contributions: list[Contribution] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._contributions: list[Contribution] = shown(contributions or [])
        self.selected: int | None = None
        #: each contribution's wrapped lines, by id: (the contribution, its number, the width, the lines)
        self._wrapped: dict[str, tuple[Contribution, int, int, list[Text]]] = {}
        self._cells: list[_Cell] = []
        self._starts: list[int] = []  # each row's first line (one column: each cell's)
        self._height = 0
        self._width = 0  # the width laid out for
        self._relayout_asked = False
        self._laid_out_for: tuple | None = None
        self._line_cache: dict[tuple[int, int, bool], list[Segment]] = {}
        #: whole lines as drawn, by line of the list, for one (width, scroll_x, base style): a new contribution
        #: scrolls the others up without drawing them again
        self._strips: dict[int, Strip] = {}
        self._strips_for: tuple | None = None
        self._base: Style | None = None  # the list's own style, while a frame draws its lines
        self._scroll_end_after_layout = True
        #: how a contribution is shown to the room, if not as stored (see _as_shown)
        self.as_shown: Callable[[Contribution], Contribution] | None = None

    # ------------------------------------------------------------------ contents
    def _as_shown(self, contribution: Contribution) -> Contribution:
        """The contribution as the room is shown it (``as_shown``, set by the session screen: what phones sent
        with the names list applied); what is stored, chosen and edited stays as it was."""
        return self.as_shown(contribution) if self.as_shown is not None else contribution

    @property
    def contributions(self) -> list[Contribution]:
        """The contributions shown, in order (flagged ones left out)."""
        return list(self._contributions)

    @property
    def chosen(self) -> Contribution | None:
        """The contribution marked in the list; None once the list has lost focus (its mark is gone then)."""
        if self.selected is None or not self._contributions or not self._focused:
            return None
        return self._contributions[min(self.selected, len(self._contributions) - 1)]

    def show(self, contributions: list[Contribution], keep: str | None = None) -> None:
        """Show a phase's contributions (flagged ones left out); keep the choice on `keep` (an id) if it is there."""
        visible = shown(contributions)
        chosen = keep or (self.chosen.id if self.chosen else None)
        self._contributions = visible
        self.selected = None
        self._laid_out_for = None
        if not visible:
            self._relayout()
            return
        ids = [c.id for c in visible]
        if self._focused:
            self.selected = ids.index(chosen) if chosen in ids else len(ids) - 1
            self._relayout()
            self.call_after_refresh(self._mark)
        else:
            self._scroll_end_after_layout = True
            self._relayout()

    def add(self, contribution: Contribution) -> None:
        """One more at the bottom, drawn at the next frame: laid out after the others (the rest is not wrapped or
        drawn again), the list scrolled to it at once, and no layout of the screen asked for."""
        if contribution.safeguarding:
            return
        self._contributions.append(contribution)
        if not self._append_to_layout():
            self._laid_out_for = None
        self._scroll_end_after_layout = True
        self._relayout()

    def shown_contributions(self) -> list[ShownContribution]:
        """What the list shows (for tests and the read-back): every contribution with its text as drawn."""
        self._ensure_layout()
        region = self.scrollable_content_region
        scroll_x, scroll_y = self.scroll_offset
        out = []
        for cell in self._cells:
            contribution = self._contributions[cell.index]
            top = cell.y - scroll_y
            out.append(
                ShownContribution(
                    contribution,
                    cell.index + 1,
                    contribution_text(self._as_shown(contribution), cell.index + 1).plain,
                    self._focused and cell.index == self.selected,
                    Region(region.x + cell.x - scroll_x, region.y + top, cell.width, cell.height),
                    [line.plain for line in self._lines_of(cell.index, self._content_width(cell.width))],
                )
            )
        return out

    # ------------------------------------------------------------------ layout
    @property
    def _grid(self) -> tuple[int, int, int]:
        """(columns, gutter between rows, gutter between columns): one column unless the style is a grid."""
        styles = self.styles
        if styles.layout is None or styles.layout.name != "grid":
            return 1, 0, 0
        return max(1, styles.grid_size_columns or 1), styles.grid_gutter_vertical, styles.grid_gutter_horizontal

    def _content_width(self, cell_width: int) -> int:
        columns, _, _ = self._grid
        # One column: the edge (or the chosen mark) then the text. A grid: edge, a space, text, a space.
        return max(1, cell_width - (1 if columns == 1 else 3))

    def _lines_of(self, index: int, width: int) -> list[Text]:
        contribution = self._as_shown(self._contributions[index])
        number = index + 1
        cached = self._wrapped.get(contribution.id)
        if cached is not None and cached[0] is contribution and cached[1] == number and cached[2] == width:
            return cached[3]
        # Lines after the first hang under the text, past the number, so each contribution's number stands out on
        # the left of a long one (its wrapped lines started at the edge, under the number).
        prefix = Text(f"{number}. ", style="bold")
        hang = prefix.cell_len
        if width - hang < 12:  # too narrow to hang: wrapped at the edge
            text = contribution_text(contribution, number)
            lines = list(text.wrap(self.app.console, width, overflow="fold")) or [Text("")]
        else:
            body = list(contribution_text(contribution, None).wrap(self.app.console, width - hang, overflow="fold"))
            lines = [Text.assemble(prefix if i == 0 else " " * hang, line) for i, line in enumerate(body or [Text("")])]
        self._wrapped[contribution.id] = (contribution, number, width, lines)
        return lines

    def _ensure_layout(self) -> None:
        area = self.content_region
        key = (area.width, area.height, self._grid, len(self._contributions))
        if self._laid_out_for == key:
            return
        if self._laid_out_for is not None and self._cells and self.scroll_y >= self._height - self._laid_out_for[1]:
            # It showed its newest: it does again once laid out anew (a window made smaller, projector mode's columns
            # changed with its width), as the room expects; it showed the oldest after a resize.
            self._scroll_end_after_layout = True
        self._laid_out_for = key
        self._forget_drawn()
        # Laid out for the whole width; if the contributions turn out taller than the list, again for the width
        # a scrollbar leaves (found as soon as they overflow, so a long phase is wrapped about once, not twice).
        bar = self.styles.scrollbar_size_vertical if self.styles.overflow_y in ("auto", "scroll") else 0
        if self.styles.overflow_y == "scroll" or not self._lay_out(area.width, area.height):
            self._lay_out(max(0, area.width - bar), None)

    def _lay_out(self, width: int, fits_in: int | None) -> bool:
        """Lay the contributions out for ``width``; False (and stops) once taller than ``fits_in`` lines."""
        self._width = width
        columns, row_gap, column_gap = self._grid
        cells: list[_Cell] = []
        starts: list[int] = []
        self._cells, self._starts, self._height = cells, starts, 0
        if width <= 0:
            return True
        if columns == 1:
            y = 0
            for index in range(len(self._contributions)):
                height = len(self._lines_of(index, self._content_width(width)))
                y += 1  # the blank line above each contribution
                starts.append(y)
                cells.append(_Cell(index, y, 0, width, height))
                y += height
                if fits_in is not None and y > fits_in:
                    return False
            total = y if self._contributions else 2
        else:
            widths, xs = self._columns(width)
            y = 0
            for row_start in range(0, len(self._contributions), columns):
                row = range(row_start, min(row_start + columns, len(self._contributions)))
                heights = [len(self._lines_of(i, self._content_width(widths[i - row_start]))) for i in row]
                height = max(heights)
                starts.append(y)
                for i in row:
                    column = i - row_start
                    cells.append(_Cell(i, y, xs[column], widths[column], height))
                y += height + row_gap
                if fits_in is not None and y - row_gap > fits_in:
                    return False
            total = (y - row_gap) if self._contributions else 1
        self._height = total
        # Wrapped lines of contributions no longer shown are not kept.
        if len(self._wrapped) > len(self._contributions) + 50:
            keep = {c.id for c in self._contributions}
            self._wrapped = {k: v for k, v in self._wrapped.items() if k in keep}
        return True

    def _columns(self, width: int) -> tuple[list[int], list[int]]:
        """The grid's column widths and their left edges, for ``width``."""
        columns, _, column_gap = self._grid
        usable = max(columns, width - column_gap * (columns - 1))
        widths = [usable // columns + (1 if n < usable % columns else 0) for n in range(columns)]
        xs = [sum(widths[:n]) + column_gap * n for n in range(columns)]
        return widths, xs

    def _append_to_layout(self) -> bool:
        """Lay out the newest contribution after the others, as _lay_out would have; False if the list must be
        laid out whole instead (its size or style changed since, it was empty, or this one makes it overflow and
        it was laid out for the whole width, with no room kept for a scrollbar)."""
        index = len(self._contributions) - 1
        if index < 1 or not self.is_mounted or self._width <= 0 or not self._cells:
            return False
        area = self.content_region
        grid = self._grid
        if self._laid_out_for != (area.width, area.height, grid, index) or len(self._cells) != index:
            return False
        columns, row_gap, _ = grid
        width = self._width
        changed_from = self._height  # lines drawn from here on (blank till now) show something else
        if columns == 1:
            y = self._height + 1  # the blank line above it
            height = len(self._lines_of(index, self._content_width(width)))
            self._starts.append(y)
            self._cells.append(_Cell(index, y, 0, width, height))
            total = y + height
        else:
            widths, xs = self._columns(width)
            column = index % columns
            height = len(self._lines_of(index, self._content_width(widths[column])))
            if column == 0:  # a new row
                y = self._height + row_gap
                self._starts.append(y)
            else:  # beside the others of the last row, which grows to the tallest of them
                y = changed_from = self._starts[-1]
                row = self._cells[index - column :]
                height = max(height, row[0].height)
                for cell in row:
                    cell.height = height
            self._cells.append(_Cell(index, y, xs[column], widths[column], height))
            total = y + height
        bar = self.styles.scrollbar_size_vertical if self.styles.overflow_y in ("auto", "scroll") else 0
        if bar and width == area.width and total > area.height:
            return False  # it overflows now: laid out again for the width a scrollbar leaves
        self._height = total
        self._laid_out_for = (area.width, area.height, grid, index + 1)
        for line in [line for line in self._strips if line >= changed_from]:
            del self._strips[line]
        return True

    def _set_virtual_size(self, size: Size) -> None:
        """The scrollable size, and the scrollbars told at once. The list's own size does not follow its contents
        (it takes the room the screen gives it), so no layout of the screen is needed for a new length: only
        showing or hiding a scrollbar asks for one (by Textual's own reactive)."""
        if size == self.virtual_size:
            return
        if self.styles.auto_dimensions or not self.container_size:
            self.virtual_size = size  # sized by its contents, or not laid out yet: the layout pass sets it all
            return
        self.set_reactive(ScrollView.virtual_size, size)
        self._scroll_update(size)  # Textual's own step after a layout (8.2.8, pinned): scrollbars shown and sized

    def _relayout(self) -> None:
        self._relayout_asked = False
        if not self.is_mounted:
            return
        self._ensure_layout()
        self._set_virtual_size(Size(self._width, self._height))
        self.refresh()
        if self._scroll_end_after_layout and self._width > 0:  # (not before the list has its size)
            self._scroll_end_after_layout = False
            # At once, not after the next refresh: the new item is drawn in the same frame as the list.
            self.scroll_end(animate=False, immediate=True, force=True)

    def on_mount(self) -> None:
        self._scroll_end_after_layout = True
        self.call_after_refresh(self._relayout)

    def on_resize(self) -> None:
        if self.scroll_y >= self.max_scroll_y:
            self._scroll_end_after_layout = True  # the newest stays in view
        self._relayout()

    def notify_style_update(self) -> None:
        # Colours (a theme, focus) are drawn again; projector mode on or off (a grid, or one column) is laid out
        # again when next drawn (render_line).
        super().notify_style_update()
        self._forget_drawn()

    # ------------------------------------------------------------------ drawing
    def _forget_drawn(self) -> None:
        self._line_cache.clear()
        self._strips.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The list's own style is worked out once for all the lines a frame draws, not once a line.
        self._base = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._base = None
            self._forget_far_lines()

    def _forget_far_lines(self) -> None:
        """Keep what was drawn only for the lines on screen and a screen's height either side: a long phase
        does not keep every line it ever showed (each one is many small objects for the garbage collector)."""
        height = max(1, self.size.height)
        if len(self._strips) + len(self._line_cache) <= 8 * height:
            return
        top = self.scroll_offset.y - height
        bottom = self.scroll_offset.y + 2 * height
        self._strips = {line: strip for line, strip in self._strips.items() if top <= line < bottom}
        cells = self._cells
        self._line_cache = {
            key: segments
            for key, segments in self._line_cache.items()
            if key[0] < len(cells) and top <= cells[key[0]].y + key[1] < bottom
        }

    def render_line(self, y: int) -> Strip:
        self._ensure_layout()
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if (self.virtual_size.height != self._height or self.virtual_size.width != self._width
                or self._scroll_end_after_layout) and not self._relayout_asked:
            self._relayout_asked = True  # laid out again (a new width): the scrollbars follow
            self.call_later(self._relayout)
        base = self._base or self.rich_style
        line = scroll_y + y
        if not self._contributions:
            if line == (1 if self._grid[0] == 1 else 0):  # below a blank line; in a grid, below the list's padding
                style = self.get_component_rich_style("contribution-list--empty")
                return Strip(list(Text(EMPTY_NOTE).render(self.app.console))).apply_style(style).crop_extend(0, width, base)
            return Strip.blank(width, base)
        drawn_for = (width, scroll_x, base)
        if self._strips_for != drawn_for:
            self._strips.clear()
            self._strips_for = drawn_for
        strip = self._strips.get(line)
        if strip is None:
            strip = self._strips[line] = self._draw_line(line, scroll_x, width, base)
        return strip

    def _draw_line(self, line: int, scroll_x: int, width: int, base: Style) -> Strip:
        row = bisect_right(self._starts, line) - 1
        if row < 0:
            return Strip.blank(width, base)
        columns = self._grid[0]
        segments: list[Segment] = []
        x = 0
        for cell in self._cells[row * columns : row * columns + columns]:
            if cell.x > x:
                segments.append(Segment(" " * (cell.x - x), base))
            offset = line - cell.y
            if offset >= cell.height:
                segments.append(Segment(" " * cell.width, base))
            else:
                segments.extend(self._cell_line(cell, offset, base))
            x = cell.x + cell.width
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, base)

    def _cell_line(self, cell: _Cell, offset: int, base: Style) -> list[Segment]:
        chosen = self._focused and cell.index == self.selected
        key = (cell.index, offset, chosen)
        cached = self._line_cache.get(key)
        if cached is not None:
            return cached
        columns = self._grid[0]
        content_width = self._content_width(cell.width)
        lines = self._lines_of(cell.index, content_width)
        style = self.get_component_rich_style("contribution-list--chosen") if chosen else base
        if chosen:
            edge = Segment(CHOSEN_EDGE, self.get_component_rich_style("contribution-list--chosen-edge"))
        elif columns == 1:
            edge = Segment(" ", base)
        else:
            edge = Segment(EDGE, self.get_component_rich_style("contribution-list--edge"))
        segments = [edge]
        if columns > 1:
            segments.append(Segment(" ", style))
        if offset < len(lines):
            text_segments = list(lines[offset].render(self.app.console))
            strip = Strip(text_segments).apply_style(style).crop_extend(0, content_width, style)
        else:
            strip = Strip.blank(content_width, style)
        segments.extend(strip)
        if columns > 1:
            segments.append(Segment(" ", style))
        self._line_cache[key] = segments
        return segments

    # ------------------------------------------------------------------ choosing
    @property
    def _focused(self) -> bool:
        # has_focus is set after on_focus/on_blur run; the screen knows first.
        return self.is_attached and self.screen.focused is self

    def _mark(self) -> None:
        self._forget_drawn()
        self.refresh()
        if self._focused and self.selected is not None and self._contributions:
            self._ensure_layout()
            columns = self._grid[0]
            cell = self._cells[min(self.selected, len(self._cells) - 1)] if self._cells else None
            if cell is not None:
                top = cell.y - (1 if columns == 1 else 0)
                self.scroll_to_region(Region(0, top, 1, cell.height + (1 if columns == 1 else 0)), animate=False, immediate=True)

    def on_focus(self) -> None:
        if self._contributions and (self.selected is None or self.selected >= len(self._contributions)):
            self.selected = len(self._contributions) - 1
        self._mark()
        self.post_message(self.FocusChanged(True))

    def on_blur(self) -> None:
        self._mark()
        self.post_message(self.FocusChanged(False))

    def action_move(self, delta: int) -> None:
        if not self._contributions:
            return
        current = len(self._contributions) - 1 if self.selected is None else self.selected
        self.selected = max(0, min(len(self._contributions) - 1, current + delta))
        self._mark()

    def action_move_to(self, index: int) -> None:
        if self._contributions:
            self.selected = index % len(self._contributions)
            self._mark()

    def action_act(self, action: str) -> None:
        chosen = self.chosen
        if chosen is not None:
            self.post_message(self.Chosen(action, chosen))
