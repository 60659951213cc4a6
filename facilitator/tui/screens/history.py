"""History: every session, filtered by team, template and dates; full-text search of every contribution;
open one read-only; export its record again. Also the command palette's learning commands.
"""

from __future__ import annotations

import threading

import datetime as dt
import inspect
from pathlib import Path
from collections.abc import Callable, Sequence
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Select, Static
from ..widgets.keys_in_order import TextInput

from typing import TYPE_CHECKING

from ...contribution_fields import FIELD_LABELS
from ...learning.search import snippet
from ...store import StoreError
from ...store.index import Filters, HistoryDB, Hit, IndexedSession, query_tokens
from ...text import parse_date, plural, shortened, team_key
from ..commands import ListedCommands
from .learning_data import history, history_index
from .virtual_table import VirtualTable
from ..widgets.key_bar import KeyBar
from ..widgets.record_view import Found, RecordView

if TYPE_CHECKING:  # a session is loaded (and the pydantic models with it) only when one is opened or exported
    from ...models import Session

SHOWN_HITS = 500
#: matches are counted up to this many ("more than 10,000 contributions match": counting them all takes longer)
COUNT_UP_TO = 10_000
#: up to this many sessions the history index is brought up to date before the screen shows; above, in a
#: worker thread (or a child process, when many sessions are to be read), the list showing what it holds
READ_NOW = 50
#: seconds the history screen waits, as it opens, for a short history to be brought up to date before it is drawn
SHORT_WAIT = 0.25


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

    def __init__(self, session: Session, found: Found | None = None) -> None:
        super().__init__()
        self.session = session
        self.found = found  # where to open: a search hit's phase and contribution

    def compose(self) -> ComposeResult:
        from ...record.markdown import build_record

        yield Header()
        yield RecordView(build_record(self.session).body, self.found, id="view-record")
        yield Static("", id="view-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        from ...record.redact import make_replacer

        self.title = make_replacer(self.session.redactions)(self.session.title)
        self.sub_title = "read-only"
        self.query_one("#view-record").focus()
        from ...safeguarding import shown  # (the session is a model: pydantic is loaded already)

        count = len(shown(self.session.contributions_in_no_phase()))
        if count:
            from ...record.markdown import no_phase_notice

            self.query_one("#view-status", Static).update(no_phase_notice(count))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        _export_chosen(self, self.session, self.query_one("#view-status", Static).update)


class SessionRows(Sequence):
    """The history list's rows, read from the history index a page at a time as they are drawn (thousands of
    sessions, a screenful shown): nothing of the sessions not shown is held."""

    PAGE = 64

    def __init__(self, db: HistoryDB, filters: Filters, damaged: Callable[[], None] = lambda: None) -> None:
        self.db = db
        self.filters = filters
        self._generation = db.replaced
        self._len = db.count(filters)
        self._pages: dict[int, list[IndexedSession]] = {}
        self.damaged = damaged  # called when reading a page found the index damaged (it was set aside)

    def __len__(self) -> int:
        return self._len

    def session(self, index: int) -> IndexedSession | None:
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            return None
        number = index // self.PAGE
        page = self._pages.get(number)
        if page is None:
            if len(self._pages) > 8:
                self._pages.clear()
            page = self._pages[number] = self.db.sessions(self.filters, number * self.PAGE, self.PAGE)
            if self.db.replaced != self._generation:
                self._generation = self.db.replaced
                self.damaged()
        at = index - number * self.PAGE
        return page[at] if at < len(page) else None

    def __getitem__(self, index: int) -> tuple[str, ...]:  # type: ignore[override]
        f = self.session(index)
        if f is None:
            raise IndexError(index)
        return f"{f.date:%Y-%m-%d}", f.team or "—", f.template_name, f.title, f.status


class HitRows(Sequence):
    """The search hits' rows (date, session, phase, the matching words shown), made as they are drawn."""

    def __init__(self, hits: list[Hit], width: int, table: VirtualTable | None = None) -> None:
        self.hits = hits
        self.width = width
        self.table = table  # the snippet is cut to its words column as drawn (the matched words in sight)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, index: int) -> tuple[str | Text, ...]:  # type: ignore[override]
        hit = self.hits[index]
        width = (self.table.column_width(3) if self.table is not None else 0) or self.width
        line, spans, labels = hit.text, list(hit.spans), []
        for n, (key, value, value_spans) in enumerate(hit.fields):  # its fields searched, after its text
            label = f"{'; ' if n else ' — '}{FIELD_LABELS.get(key, key)}: "
            labels.append(label)
            start = len(line) + len(label)
            line += label + value
            spans += [(a + start, b + start) for a, b in value_spans]
        piece, spans = snippet(line, tuple(spans), width)
        words = Text(piece)
        for label in labels:  # the fields' labels dim, so that what was said stands out
            at = piece.find(label)
            if at >= 0:
                words.stylize("dim", at, at + len(label))
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
    #: keys a box being typed in takes as text: not offered in the key bar while one has the focus
    TYPED = frozenset({"focus_search", "focus_filters", "export"})

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in self.TYPED and isinstance(self.focused, Input):
            return False
        return True

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._progress_timer: Timer | None = None
        #: the history index is up to date (until then the list shows what it holds so far)
        self.ready = False
        self._shown_before = False
        self._choosing_format = False  # the format dialog is over this screen
        self._rows: SessionRows | None = None
        self._hits: list[Hit] = []
        self._searches = 0  # the latest search asked for; an older one's hits are not shown
        self._searched: tuple | None = None  # (query, filters) of the hits shown
        self._shown_search = 0  # the search whose hits are shown
        self._focus_hits = False
        self._reads = 0  # readings of the history going on (worker threads started by _bring_up_to_date)

    @property
    def db(self) -> HistoryDB:
        return self.index.db

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="history-filters"):
            yield TextInput(placeholder="team", id="hf-team")
            yield Select([], prompt="any template", id="hf-template", allow_blank=True)
            yield TextInput(placeholder="from YYYY-MM-DD", id="hf-from")
            yield TextInput(placeholder="to YYYY-MM-DD", id="hf-to")
        yield TextInput(placeholder="Search every contribution: type words (/ to come back here)", id="history-search")
        yield VirtualTable(
            [("Date", 10), ("Team", 18, 10, False, True, 26), ("Template", 24, 12, False, False, 34), ("Title", None),
             ("Status", 7)], id="history-sessions"
        )
        yield VirtualTable([("Date", 10), ("Session", 24, 14), ("Phase", 18, 12), ("Matching words", None)], id="history-hits")
        yield Static("", id="history-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "history"
        self.index = history(self.app)
        self.query_one("#history-hits", VirtualTable).display = False
        self._bring_up_to_date()
        self._set_templates()
        self.apply_filters()
        self.query_one("#history-sessions", VirtualTable).focus()

    def _set_templates(self) -> None:
        select = self.query_one("#hf-template", Select)
        templates = self.db.templates()
        if templates == getattr(self, "_templates", None):
            return
        self._templates = templates
        chosen = select.value
        # Names as typed, never read as markup.
        select.set_options([(Text(name), tid) for name, tid in templates])
        if chosen is not Select.NULL and any(tid == chosen for _, tid in templates):
            select.value = chosen

    def _bring_up_to_date(self) -> None:
        """A short history is brought up to date at once; a long one in a worker thread (the list shows what
        the index holds meanwhile, and says how far the reading is)."""
        if self.index.up_to_date:
            self.ready = True
            return
        store = self.app.store
        if store.opening_finished:
            sessions = getattr(store, "_docs", None)  # the store's index documents, one per session
            few = len(sessions if sessions is not None else store.session_rows()) <= READ_NOW
        else:
            few = False  # the start-up checks are still going on: the worker waits for them, not the screen
        self.ready = False
        done = threading.Event()
        self._reads += 1
        self.run_worker(partial(self._read_history, done, child=not few), thread=True, group="history-read",
                        exit_on_error=False)
        # A short history is waited for a moment, so it is shown up to date, but never longer, whatever holds the
        # index (the start-up's reading of it, another program holding the file locked: the screen stood still for
        # 30 s then).
        if few and done.wait(SHORT_WAIT) and self._reads == 1:
            self.ready = True
            return
        if self._progress_timer is None:
            self._progress_timer = self.set_interval(0.5, self._show_progress)

    def on_screen_resume(self) -> None:
        """Shown again: bring the list up to date with sessions recorded or ended since."""
        if self._choosing_format:  # back from the format dialog: keep the list and what was written
            self._choosing_format = False
            return
        if self.is_mounted and self._shown_before:
            self._bring_up_to_date()
            self._set_templates()
            self.apply_filters()
        self._shown_before = True

    def _read_history(self, done: threading.Event, child: bool) -> None:
        """In a thread: the history index brought up to date (``child``: many sessions read in a child process),
        ``done`` set, then the list shown from it."""
        try:
            history_index(self.app, child=child)
        finally:
            done.set()
            if self.app.is_running:
                self.app.call_from_thread(self._history_read)

    def _history_read(self) -> None:
        self._reads -= 1
        if not self.is_attached:
            return
        if self._reads:
            # Another reading follows (the index was found damaged as the list was drawn, and is built again): the
            # list is shown as that one goes, not said ready from this one ("0 of 0 sessions" for a moment).
            self._show_progress()
            return
        self.ready = True
        if self._progress_timer is not None:
            self._progress_timer.stop()
            self._progress_timer = None
        self._set_templates()
        self.apply_filters()

    def _index_set_aside(self) -> None:
        """Reading the list found the index damaged (a value in it not as the app writes it) and set it aside: it is
        built again from the sessions, as when it is missing, and the list shown again."""
        if self.is_attached:
            self._bring_up_to_date()
            if self.ready:
                self._set_templates()
                self.apply_filters()

    def history_refreshed(self) -> None:
        """The index was brought up to date elsewhere (a session ended): show it."""
        if self.is_attached and self.ready:
            self._set_templates()
            self.apply_filters()

    def _show_progress(self) -> None:
        """While the index is read: the list as far as it goes, and how far that is."""
        if self.ready or not self.is_attached:
            return
        self._set_templates()
        self.apply_filters()

    def _reading(self) -> str:
        if self.ready:
            return ""
        progress = self.index.progress
        if progress is None:
            return " Reading the history…"
        done, total = progress
        return f" Reading the history: {done:,} of {total:,} sessions; the list and search grow as it goes."

    # ------------------------------------------------------------------ filters
    def _filters(self) -> Filters | None:
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
        if dates[0] is not None and dates[1] is not None and dates[0] > dates[1]:
            self._status(f"From {dates[0].isoformat()} is after To {dates[1].isoformat()}: give the first day in "
                         "From and the last in To, or clear one of them.")
            return None
        return Filters(
            team_key(self.query_one("#hf-team", Input).value), None if template is Select.NULL else str(template),
            dates[0], dates[1],
        )

    def apply_filters(self) -> None:
        filters = self._filters()
        if filters is None:
            return
        self._rows = rows = SessionRows(self.db, filters, lambda: self.call_later(self._index_set_aside))
        self.query_one("#history-sessions", VirtualTable).set_rows(rows)
        if self.query_one("#history-search", Input).value.strip():
            self.run_search()
        else:
            total = self.db.count()
            if not total and not self.ready:  # nothing read yet: how far the reading is, not "0 of 0 sessions"
                self._status(self._reading().strip())
                return
            self._status(
                f"{len(rows):,} of {plural(total, 'session')}. Enter opens one (read-only); e writes its record."
                + self._reading()
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
            hits = self.query_one("#history-hits", VirtualTable)
            if self._searched == self._search_key() and self._searched is not None and self._searches == self._shown_search:
                if hits.display and hits.row_count:
                    hits.focus()
                return
            self.run_search(focus_hits=True)
        else:
            self.apply_filters()
            self.focus_next()

    # ------------------------------------------------------------------ search
    def _search_key(self) -> tuple | None:
        filters = self._filters()
        query = self.query_one("#history-search", Input).value
        return None if filters is None else (" ".join(query.split()), filters)

    def run_search(self, focus_hits: bool = False) -> None:
        """Search in a worker thread: typing goes on meanwhile, and only the latest search's hits are shown."""
        query = self.query_one("#history-search", Input).value
        hits_table = self.query_one("#history-hits", VirtualTable)
        sessions_table = self.query_one("#history-sessions", VirtualTable)
        if not query.strip():
            self._searches += 1  # a search still running is not shown
            self._searched = None
            hits_table.display = False
            sessions_table.display = True
            self.apply_filters()
            return
        key = self._search_key()
        if key is None:
            return
        self._searches += 1
        number = self._searches
        self._focus_hits = focus_hits
        self.run_worker(partial(self._search, number, key), thread=True, group="history-search", exit_on_error=False)

    def _search(self, number: int, key: tuple) -> None:
        query, filters = key
        if number != self._searches:
            return  # a later search was asked for before this one started
        generation = self.db.replaced
        hits, total = self.db.search(query, filters, limit=SHOWN_HITS, count_up_to=COUNT_UP_TO)
        if self.db.replaced != generation:
            # The index was found damaged as it was searched (a value in it not as the app writes it), and set aside:
            # built again from the sessions, then searched again, rather than saying nothing matched.
            history_index(self.app, child=True)
            hits, total = self.db.search(query, filters, limit=SHOWN_HITS, count_up_to=COUNT_UP_TO)
        if self.app.is_running:
            self.app.call_from_thread(self._show_hits, number, key, hits, total)

    def _show_hits(self, number: int, key: tuple, hits: list[Hit], total: int) -> None:
        if number != self._searches or not self.is_attached:
            return
        query, filters = shortened(key[0]), key[1]
        self._shown_search = number
        self._searched = key
        self._hits = hits
        hits_table = self.query_one("#history-hits", VirtualTable)
        hits_table.set_rows(HitRows(hits, max(20, self.size.width - 56), hits_table))
        hits_table.display = True
        self.query_one("#history-sessions", VirtualTable).display = False
        sessions = len({h.session.id for h in hits})
        reading = self._reading()
        if total == 0 and not query_tokens(key[0]):
            # ('"', '*' or '(' alone: nothing was looked for, which "No contribution matches" did not say)
            self._status(Text(f"Nothing to search for in “{query}”: type a word or a number.{reading}"))
        elif total == 0:
            narrowed = " in the sessions the filters keep" if filters != Filters() else ""
            self._status(Text(f"No contribution matches “{query}”{narrowed}.{reading}"))
        else:
            more = f"; the first {len(hits):,} are shown" if total > len(hits) else ""
            counted = (
                f"More than {COUNT_UP_TO:,} contributions match" if total > COUNT_UP_TO
                else plural(total, 'contribution matches', 'contributions match')
            )
            self._status(
                Text(f"{counted} “{query}” in "
                     f"{f'{sessions:,}+ sessions' if more else plural(sessions, 'session')}{more}. "
                     f"Enter opens the session.{reading}")
            )
        if self._focus_hits and hits:
            hits_table.focus()
        self._focus_hits = False

    # ------------------------------------------------------------------ open / export
    def _id_at(self, table_id: str | None, row: int) -> str | None:
        if table_id == "history-hits":
            return self._hits[row].session.id if 0 <= row < len(self._hits) else None
        session = self._rows.session(row) if self._rows is not None and row >= 0 else None
        return None if session is None else session.id

    def _selected_id(self) -> str | None:
        hits = self.query_one("#history-hits", VirtualTable)
        if hits.display:
            return self._id_at("history-hits", hits.cursor_row)
        table = self.query_one("#history-sessions", VirtualTable)
        if not table.display:
            return None
        return self._id_at("history-sessions", table.cursor_row)

    def _load(self, session_id: str | None = None) -> Session | None:
        session_id = session_id or self._selected_id()
        if session_id is None:
            return None
        from ...session_ops import reviews_as_now

        try:
            # (its follow-up round's actions as their own sessions hold them now, as its record is written now)
            return reviews_as_now(self.app.store, self.app.store.load_session(session_id))
        except StoreError as exc:
            self._status(str(exc))
            return None

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        session_id = self._id_at(event.table.id, event.row)
        if session_id is None:
            return
        session = self._load(session_id)
        if session is None:
            return
        found = None
        if event.table.id == "history-hits" and 0 <= event.row < len(self._hits):
            hit = self._hits[event.row]
            found = Found(hit.phase_title, hit.text, hit.same_before)
        self.app.push_screen(SessionViewScreen(session, found))

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
    """While the app is idle: make the one history screen and read its stylesheet and the actions screens', so h,
    a and the follow-up round when a session starts show sooner.

    A screen's stylesheet is otherwise read when the screen is first shown, and reading one makes Textual
    parse every stylesheet of the app again (tens of milliseconds).
    """
    screen = kept_history_screen(app)
    stylesheet = app.stylesheet
    # The actions screen's stylesheet too (a, and the follow-up round shown when a team's session starts).
    from .actions import ActionTableScreen

    actions_css = (Path(inspect.getfile(ActionTableScreen)).parent / ActionTableScreen.CSS_PATH).resolve()
    unread = [path for path in [*screen.css_path, actions_css] if not stylesheet.has_source(str(path), "")]
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

