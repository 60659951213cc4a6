"""Themes across sessions, as simple bar charts: practice skills and tags over time, strengths most often
evidenced, learning actions opened, completed and dropped per month, 0-10 scaling results. w writes it as markdown.
"""

from __future__ import annotations

from rich.table import Table
from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Select, Static

from ...learning.themes import Themes, bar, month_label, sparkline, themes_markdown, trend_text
from ...store import StoreError
from ...store.history import write_learning_file
from ...text import evidence_sentence, part_of, plural
from .learning_data import themes_of, themes_read_ahead
from ..widgets.key_bar import KeyBar

TREND_STYLE = {"up": "green", "down": "yellow", "steady": "dim"}


#: the first column (what is counted: a strength, a tag) is no narrower than this when a column of words follows
FIRST_LEAST = 20


def _table(*columns: str, words_last: bool = False) -> Table:
    """``words_last``: the last column holds words (a strength's practice skills), folded onto more lines rather
    than taking the width the first column needs."""
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=False)
    for n, column in enumerate(columns):
        last_words = words_last and n == len(columns) - 1
        table.add_column(
            column, no_wrap=n != 0 and not last_words, overflow="ellipsis" if n == 0 else "fold",
            min_width=FIRST_LEAST if n == 0 and words_last else None,
        )
    return table


def tags_view(themes: Themes, width: int) -> Group | Text:
    if not themes.tags:
        return Text("No tags or practice skills were recorded (a “decision” tag marks a decision in its record and is not counted here).", style="dim")
    top = max(t.count for t in themes.tags)
    table = _table("Tag / practice skill", "Times", "", "Last 12 months", "Trend")
    for t in themes.tags[:15]:
        spark = sparkline([t.by_month.get(m, 0) for m in themes.months[-12:]])
        table.add_row(Text(t.tag), f"{t.count:,}", Text(bar(t.count, top, width), style="green"), spark,
                      Text(trend_text(t), style=TREND_STYLE[t.trend]))
    # The chart shows the last 12 months; the trend is over the whole period chosen, as the themes file says.
    return Group(table, Text("Trend: the second half of the period against the first.", style="dim"))


def strengths_view(themes: Themes, width: int) -> Table | Text:
    if not themes.strengths:
        return Text("No strengths were recorded with evidence.", style="dim")
    top = max(s.count for s in themes.strengths)
    table = _table("Strength", "Times", "", "Practice skills", words_last=True)
    for s in themes.strengths[:10]:
        table.add_row(Text(s.text), f"{s.count:,}", Text(bar(s.count, top, width), style="green"), Text(", ".join(s.skills)))
    return table


def actions_view(themes: Themes, width: int) -> Table | Text:
    months = [m for m in themes.actions][-12:]
    if not any(m.opened or m.completed or m.dropped for m in months):
        return Text("No learning actions in the last 12 months of this period.", style="dim")
    top = max(max(m.opened, m.completed, m.dropped) for m in months)
    table = _table("Month", "Opened", "", "Completed", "", "Dropped", "")
    for m in months:
        table.add_row(month_label(m.month), f"{m.opened:,}", Text(bar(m.opened, top, width), style="cyan"),
                      f"{m.completed:,}", Text(bar(m.completed, top, width), style="green"), f"{m.dropped:,}",
                      Text(bar(m.dropped, top, width), style="yellow"))
    return table


def ratings_view(themes: Themes, width: int) -> Table | Text:
    if not themes.ratings:
        return Text("No 0-10 ratings were recorded.", style="dim")
    table = _table("Month", "Ratings", "Average", "")
    for r in themes.ratings[-12:]:
        table.add_row(month_label(r.month), f"{r.count:,}", f"{r.mean:.1f}", Text(bar(r.mean, 10, width), style="magenta"))
    return table


def _drawn(console, renderable, width: int) -> Text:  # noqa: ANN001 - a rich Console
    """A renderable drawn once at ``width``, as styled text that is shown line for line (cropped, never wrapped)."""
    text = Text(no_wrap=True, overflow="crop", end="")
    options = console.options.update_width(width).update(highlight=False)
    for n, line in enumerate(console.render_lines(renderable, options, pad=False)):
        if n:
            text.append("\n")
        for segment in line:
            if not segment.control:
                text.append(segment.text, segment.style)
    text.rstrip_end(width)
    return text


class ThemesScreen(Screen):
    CSS_PATH = "themes.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("w", "write", "Write as markdown"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.themes: Themes | None = None
        #: False while the themes are being worked out (in a worker: the screen answers keys meanwhile)
        self.ready = False
        self._teams_listed = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Select([], prompt="all teams", id="themes-team", allow_blank=True)
        with VerticalScroll(id="themes-scroll"):
            yield Static("", id="themes-summary", markup=False)
            yield Static("Practice skills and tags", classes="section-title")
            yield Static("", id="themes-tags")
            yield Static("Strengths most often evidenced", classes="section-title")
            yield Static("", id="themes-strengths")
            yield Static("Learning actions opened, completed and dropped, by month", classes="section-title")
            yield Static("", id="themes-actions")
            yield Static("Scaling results (0 to 10), average by month", classes="section-title")
            yield Static("", id="themes-ratings")
        yield Static("", id="themes-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "themes"
        self.query_one("#themes-scroll").focus()
        ahead = themes_read_ahead(self.app)  # worked out after the start-up reading, and nothing changed since
        if ahead is not None:
            self._show(*ahead)
            return
        self.query_one("#themes-summary", Static).update("Working out the themes…")
        self.refresh_themes()

    def on_select_changed(self, event: Select.Changed) -> None:
        if self._teams_listed:
            self.refresh_themes()

    def team(self) -> str | None:
        value = self.query_one("#themes-team", Select).value
        return None if value is Select.NULL else str(value)

    def refresh_themes(self) -> None:
        """Work the themes out in a worker (the newest choice of team wins), then show them."""
        self.ready = False
        team = self.team()
        app = self.app
        list_teams = not self._teams_listed

        def work() -> None:
            try:
                themes, teams = themes_of(app, team)
            except Exception as exc:  # noqa: BLE001 - one sentence on the screen, never a stopped app
                if app.is_running:
                    app.call_from_thread(self._failed, str(exc) or type(exc).__name__)
                return
            if app.is_running:
                app.call_from_thread(self._show, themes, teams if list_teams else None)

        self.run_worker(work, thread=True, group="themes", exclusive=True, exit_on_error=False)

    def _failed(self, problem: str) -> None:
        self.ready = True
        if not self.is_attached:
            return
        self.query_one("#themes-status", Static).update(f"The themes could not be worked out: {problem}")

    def _show(self, themes: Themes, teams: list[str] | None) -> None:
        if not self.is_attached:
            return  # closed while they were worked out
        if teams is not None:
            # Names as typed, never read as markup (a team called "North [b]" must show, and not break the list).
            self.query_one("#themes-team", Select).set_options([(Text(t), t) for t in teams])
            self._teams_listed = True
        if themes.team != self.team():
            return  # another team was chosen meanwhile: its themes are on their way
        self.themes = themes
        self.ready = True
        width = max(8, min(30, (self.app.size.width - 60) // 2))
        if themes.sessions:
            summary = (
                f"{plural(themes.sessions, 'session')}, {themes.first:%-d %b %Y} to {themes.last:%-d %b %Y}"
                f"{' · ' + themes.team if themes.team else ''}. "
                + evidence_sentence(themes.strengths_with_evidence, themes.strengths_total, 'strength', 'strengths')
            )
        else:
            summary = "No sessions yet: themes appear once sessions are recorded."
        self.query_one("#themes-summary", Static).update(summary)
        self._draw_tables()

    def _draw_tables(self) -> None:
        """The four tables, each drawn once into lines of text at the width there is for them: a table handed to
        a Static as it is was laid out again for every measure of its height and every paint (about 2,600 times
        while the screen was first shown, some 300 ms at 20,000 sessions)."""
        themes = self.themes
        if themes is None:
            return
        width = max(8, min(30, (self.app.size.width - 60) // 2))
        # The width inside the scrolling area; before it is laid out (on mount), what it will be at this CSS: the
        # screen less its padding and scroll bar (a table drawn at another width is drawn again on the resize).
        room = max(20, self.query_one("#themes-scroll").scrollable_content_region.width or self.app.size.width - 6)
        self._drawn_at = room
        for name, view in (("tags", tags_view), ("strengths", strengths_view), ("actions", actions_view),
                           ("ratings", ratings_view)):
            self.query_one(f"#themes-{name}", Static).update(_drawn(self.app.console, view(themes, width), room))

    def on_resize(self) -> None:
        if self.themes is not None and self.is_attached:
            room = self.query_one("#themes-scroll").scrollable_content_region.width
            if room and room != getattr(self, "_drawn_at", None):
                self._draw_tables()

    def action_write(self) -> None:
        status = self.query_one("#themes-status", Static)
        if self.themes is None or not self.ready:
            status.update("The themes are still being worked out: press w again in a moment.")
            return
        today = self.app.clock().date()
        slug = "".join(ch if ch.isalnum() else "-" for ch in (self.themes.team or "all-teams").casefold()).strip("-")
        try:
            path = write_learning_file(
                self.app.store, f"themes-{slug}-{today.isoformat()}.md", themes_markdown(self.themes).encode("utf-8")
            )
        except StoreError as exc:
            status.update(str(exc))
            return
        status.update(f"Written: {path}")

    def action_back(self) -> None:
        self.app.pop_screen()
