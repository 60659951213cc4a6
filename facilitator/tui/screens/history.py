"""History: every session, filtered by team, template and dates; full-text search of every contribution;
open one read-only; export its record again. Also the command palette's learning commands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Select, Static

from typing import TYPE_CHECKING

from ...learning.facts import SessionEntry
from ...learning.search import SearchHit, snippet
from ...memory import release_free_memory
from ...store import StoreError
from ...text import parse_date, plural, team_key
from ..commands import ListedCommands
from .learning_data import history, history_index
from .virtual_table import VirtualTable
from ..widgets.key_bar import KeyBar

if TYPE_CHECKING:  # a session is loaded (and the pydantic models with it) only when one is opened or exported
    from ...models import Session

SHOWN_HITS = 500
#: up to this many sessions the history is read before the screen shows; above, the list comes from the
#: store's index at once and the search data is read in a background thread (from history-cache.json)
READ_NOW = 50


def _export_chosen(screen, session: Session, say) -> None:  # noqa: ANN001
    """Ask which format to write (one key each), then write it by the one export path and say where it is."""
    from ...record.redact import make_replacer
    from .dialogs import FormatChoiceScreen, write_format

    def chosen(fmt: str | None) -> None:
        if fmt is None:
            say("Nothing written.")
            return
        say(write_format(screen.app, session, fmt))

    screen.app.push_screen(FormatChoiceScreen(make_replacer(session.redactions)(session.title)), chosen)


class SessionViewScreen(Screen):
    """One earlier session's record, read-only (names replaced, safeguarding concerns left out)."""

    CSS_PATH = "history.tcss"


    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("e", "export", "Export (choose the format)"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown  # only here: it brings markdown-it and pygments, ~80 ms to import

        from ...record.markdown import build_record

        yield Header()
        with VerticalScroll(id="view-scroll"):
            yield Markdown(build_record(self.session).body, id="view-record")
        yield Static("", id="view-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        from ...record.redact import make_replacer

        self.title = make_replacer(self.session.redactions)(self.session.title)
        self.sub_title = "read-only"
        self.query_one("#view-scroll").focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        _export_chosen(self, self.session, self.query_one("#view-status", Static).update)


class SessionRows(Sequence):
    """The history list's rows, made as they are drawn (thousands of sessions, a screenful shown).

    ``as_typed``: the sessions as the store's index lists them, read before the history: their titles and
    teams are as typed, before the session's names list is applied, so they are not shown until then."""

    def __init__(self, sessions: list, as_typed: bool = False) -> None:
        self.sessions = sessions
        self.as_typed = as_typed

    def __len__(self) -> int:
        return len(self.sessions)

    def __getitem__(self, index: int) -> tuple[str, ...]:  # type: ignore[override]
        f = self.sessions[index]
        if self.as_typed:
            return f"{f.date:%Y-%m-%d}", "…", f.template_name, "… (reading)", getattr(f.status, "value", f.status)
        return f"{f.date:%Y-%m-%d}", f.team or "—", f.template_name, f.title, getattr(f.status, "value", f.status)


class HitRows(Sequence):
    """The search hits' rows (date, session, phase, the matching words shown), made as they are drawn."""

    def __init__(self, hits: list[SearchHit], width: int) -> None:
        self.hits = hits
        self.width = width

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, index: int) -> tuple[str | Text, ...]:  # type: ignore[override]
        hit = self.hits[index]
        piece, spans = snippet(hit.text, hit.spans, self.width)
        words = Text(piece)
        for a, b in spans:
            words.stylize("bold underline", a, b)
        return f"{hit.session.date:%Y-%m-%d}", hit.session.title, hit.phase_title, words


class HistoryScreen(Screen):
    CSS_PATH = "history.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "focus_search", "Search"),
        Binding("f", "focus_filters", "Filter"),
        Binding("e", "export", "Export (choose the format)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self.shown: list[SessionEntry] = []
        #: the search data (every contribution's text) is in memory; until then the list comes from the index
        self.ready = False
        self._summaries: list = []  # the sessions as the store's index lists them (SessionRow), until the facts are read
        self._shown_before = False
        self._choosing_format = False  # the format dialog is over this screen

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="history-filters"):
            yield Input(placeholder="team", id="hf-team")
            yield Select([], prompt="any template", id="hf-template", allow_blank=True)
            yield Input(placeholder="from YYYY-MM-DD", id="hf-from")
            yield Input(placeholder="to YYYY-MM-DD", id="hf-to")
        yield Input(placeholder="Search every contribution: type words (/ to come back here)", id="history-search")
        yield VirtualTable(
            [("Date", 10), ("Team", 18), ("Template", 24), ("Title", None), ("Status", 7)], id="history-sessions"
        )
        yield VirtualTable([("Date", 10), ("Session", 24), ("Phase", 18), ("Matching words", None)], id="history-hits")
        yield Static("", id="history-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "history"
        self.index = history(self.app)
        summaries = self.app.store.session_rows()
        templates = sorted({(s.template_name, s.template_id) for s in summaries})
        # Names as typed, never read as markup.
        self.query_one("#hf-template", Select).set_options([(Text(name), tid) for name, tid in templates])
        table = self.query_one("#history-sessions", VirtualTable)
        hits = self.query_one("#history-hits", VirtualTable)
        hits.display = False
        if self.index.loaded or len(summaries) <= READ_NOW:
            history_index(self.app)  # once in memory, only sessions changed since are read again
            self.ready = True
        else:
            self._summaries = summaries
            self.run_worker(self._read_history, thread=True, group="history-read", exit_on_error=False)
        self.apply_filters()
        table.focus()

    def on_screen_resume(self) -> None:
        """Shown again: bring the list up to date with sessions recorded or ended since."""
        if self._choosing_format:  # back from the format dialog: keep the list and what was written
            self._choosing_format = False
            return
        if self.ready and self.is_mounted and self._shown_before:
            history_index(self.app)
            self.apply_filters()
        self._shown_before = True

    def _read_history(self) -> None:
        """In a thread: the search data of every session (its facts), then the list as the records show it."""
        history_index(self.app)
        self.app.call_from_thread(self._history_read)

    def _history_read(self) -> None:
        if not self.is_attached:
            return
        self.ready = True
        self._summaries = []
        self.apply_filters()

    # ------------------------------------------------------------------ filters
    def _filters(self) -> tuple[str, str | None, dt.date | None, dt.date | None] | None:
        team = team_key(self.query_one("#hf-team", Input).value)
        template = self.query_one("#hf-template", Select).value
        dates = []
        for box in ("#hf-from", "#hf-to"):
            value = self.query_one(box, Input).value.strip()
            if not value:
                dates.append(None)
                continue
            try:
                dates.append(parse_date(value))
            except ValueError as exc:
                self._status(f"{'From' if box == '#hf-from' else 'To'}: {exc}.")
                return None
        return team, None if template is Select.NULL else str(template), dates[0], dates[1]

    def filtered(self) -> list[SessionEntry] | None:
        """The sessions shown: their entries, or (while the history is read) their rows from the store's index."""
        filters = self._filters()
        if filters is None:
            return None
        team, template, since, until = filters
        return [
            f for f in (self.index.entries() if self.ready else self._summaries)
            if (not team or team in team_key(f.team))
            and (template is None or f.template_id == template)
            and (since is None or f.date >= since)
            and (until is None or f.date <= until)
        ]

    def apply_filters(self) -> None:
        shown = self.filtered()
        if shown is None:
            return
        self.shown = shown
        table = self.query_one("#history-sessions", VirtualTable)
        table.set_rows(SessionRows(shown, as_typed=not self.ready))
        # Row keys are the session ids, in the same order.
        self._row_ids = [f.id for f in shown]
        total = len(self.index) if self.ready else len(self._summaries)
        if self.query_one("#history-search", Input).value.strip():
            self.run_search()
        else:
            reading = "" if self.ready else " Reading every contribution for search…"
            self._status(
                f"{len(shown)} of {plural(total, 'session')}. Enter opens one (read-only); e writes its record.{reading}"
            )

    def _status(self, message: str | Text) -> None:
        self.query_one("#history-status", Static).update(message)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        callback = self.run_search if event.input.id == "history-search" else self.apply_filters
        self._timer = self.set_timer(0.15, callback)

    def on_select_changed(self, event: Select.Changed) -> None:
        self.apply_filters()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        if event.input.id == "history-search":
            self.run_search()
            hits = self.query_one("#history-hits", VirtualTable)
            if hits.display and hits.row_count:
                hits.focus()
        else:
            self.apply_filters()
            self.focus_next()

    # ------------------------------------------------------------------ search
    def run_search(self) -> None:
        query = self.query_one("#history-search", Input).value
        hits_table = self.query_one("#history-hits", VirtualTable)
        sessions_table = self.query_one("#history-sessions", VirtualTable)
        if not query.strip():
            hits_table.display = False
            sessions_table.display = True
            self.apply_filters()
            return
        if not self.ready:
            self._status(Text(f"Reading every contribution for search; “{query.strip()}” is searched as soon as that is done."))
            return
        hits, total = self.index.search(query, ids=self._row_ids, limit=SHOWN_HITS)
        release_free_memory()  # the texts it read, a piece at a time
        self._hit_ids = [hit.session.id for hit in hits]
        rows = HitRows(hits, max(20, self.size.width - 56))
        hits_table.set_rows(rows)
        hits_table.display = True
        sessions_table.display = False
        sessions = len({h.session.id for h in hits})
        if total == 0:
            self._status(Text(f"No contribution matches “{query.strip()}”."))
        else:
            more = f"; the first {len(hits)} are shown" if total > len(hits) else ""
            self._status(
                Text(f"{plural(total, 'contribution matches', 'contributions match')} “{query.strip()}” in "
                     f"{f'{sessions}+ sessions' if more else plural(sessions, 'session')}{more}. "
                     "Enter opens the session.")
            )

    # ------------------------------------------------------------------ open / export
    def _selected_id(self) -> str | None:
        hits = self.query_one("#history-hits", VirtualTable)
        if hits.display:
            ids, row = getattr(self, "_hit_ids", []), hits.cursor_row
        else:
            table = self.query_one("#history-sessions", VirtualTable)
            if not table.display:
                return None
            ids, row = getattr(self, "_row_ids", []), table.cursor_row
        return ids[row] if 0 <= row < len(ids) else None

    def _load(self, session_id: str | None = None) -> Session | None:
        session_id = session_id or self._selected_id()
        if session_id is None:
            return None
        try:
            return self.app.store.load_session(session_id)
        except StoreError as exc:
            self._status(str(exc))
            return None

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        ids = getattr(self, "_hit_ids" if event.table.id == "history-hits" else "_row_ids", [])
        if not 0 <= event.row < len(ids):
            return
        session = self._load(ids[event.row])
        if session is not None:
            self.app.push_screen(SessionViewScreen(session))

    def action_export(self) -> None:
        session = self._load()
        if session is None:
            self._status("Choose a session in the list first.")
            return
        self._choosing_format = True
        _export_chosen(self, session, self._status)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_search(self) -> None:
        self.query_one("#history-search", Input).focus()

    def action_focus_filters(self) -> None:
        self.query_one("#hf-team", Input).focus()


HISTORY_SCREEN = "history"


def kept_history_screen(app) -> "HistoryScreen":  # noqa: ANN001
    """The app's one history screen, made on first use and kept: shown again as it was left (filters, search,
    place in the list), with any new sessions added, instead of building every widget again."""
    if not app.is_screen_installed(HISTORY_SCREEN):
        app.install_screen(HistoryScreen(), HISTORY_SCREEN)
    return app.get_screen(HISTORY_SCREEN)


def prepare_history_screen(app) -> None:  # noqa: ANN001
    """While the app is idle: make the one history screen and read its stylesheet, so h shows it sooner.

    A screen's stylesheet is otherwise read when the screen is first shown, and reading one makes Textual
    parse every stylesheet of the app again (tens of milliseconds).
    """
    screen = kept_history_screen(app)
    stylesheet = app.stylesheet
    unread = [path for path in screen.css_path if not stylesheet.has_source(str(path), "")]
    for path in unread:
        stylesheet.read(path)
    # The default styles of the widgets the screen has and the home screen has not: added when the first of
    # each is mounted, and each addition makes Textual parse every stylesheet again. As Widget._post_register
    # adds them (Textual 8.2.8's own method; if it is not there, this step is skipped: it only saves time).
    try:
        from textual.widgets._select import SelectCurrent, SelectOverlay

        for widget in (Select([]), SelectCurrent("any"), SelectOverlay(), Input(), VirtualTable([("x", None)])):
            for read_from, css, tie_breaker, scope in widget._get_default_css():
                if not stylesheet.has_source(*read_from):
                    unread.append(read_from)
                stylesheet.add_source(css, read_from=read_from, is_default_css=True, tie_breaker=tie_breaker, scope=scope)
    except (ImportError, AttributeError, TypeError):
        pass
    if unread:
        stylesheet.reparse()
        stylesheet.update(app)


def open_learning_screen(app, name: str) -> None:  # noqa: ANN001
    if name == "history":
        screen = kept_history_screen(app)
        if screen is app.screen:
            return
        app.push_screen(screen if screen not in app.screen_stack else HistoryScreen())
        return
    if name == "actions":
        from .actions import ActionsScreen

        app.push_screen(ActionsScreen())
    else:
        from .themes import ThemesScreen

        app.push_screen(ThemesScreen())


class LearningCommands(ListedCommands):
    """History, learning actions and themes, from anywhere but a running session's recording."""

    COMMANDS = [
        ("History of sessions", "Every session; filter, search every contribution, open one, export again", "history"),
        ("Learning actions", "Every open learning action by owner and due date; mark done, in progress, dropped", "actions"),
        ("Themes across sessions", "Practice skills and strengths over time, actions per month, 0-10 ratings", "themes"),
    ]

    def _commands(self):  # noqa: ANN202
        return [(title, help_text, partial(open_learning_screen, self.app, name)) for title, help_text, name in self.COMMANDS]

