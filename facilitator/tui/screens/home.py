"""Home: start a new session from a template, resume an unfinished one, see recent sessions."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from ...store import SessionRow, StoreError
from ...store.store import RECENT_SESSIONS
from ...templates import TemplateCard
from ..widgets.key_bar import KeyBar


def _session_line(summary: SessionRow) -> Text:
    text = Text()
    text.append(f"{summary.date:%d %b %Y}  ", style="bold")
    text.append(summary.shown_title)  # the names list applied: this list is on the projector
    detail = f"\n  {summary.template_name}"
    if summary.shown_team:
        detail += f" · {summary.shown_team}"
    if summary.status == "running":
        detail += f" · phase {summary.current_phase + 1} of {summary.phase_count}"
    text.append(detail, style="dim")
    return text


#: the start of a broken template file's option id (its file's name after it)
BROKEN = "broken:"


def _about_broken(item) -> str:  # noqa: ANN001 - templates' broken item
    """What is wrong with a team's template file, under the templates list when it is highlighted."""
    problems = "\n".join(f"- {problem}" for problem in item.problems)
    return (f"{item.path} cannot be used:\n{problems}\n`facilitator templates validate {item.path}` checks it "
            "again once mended.")


def _about(template: TemplateCard) -> str:
    """What the template is for, under the templates list."""
    about = " ".join(template.summary.split())
    if template.when_to_use:
        about += "\n" + " ".join(template.when_to_use.split())
    return about


class HomeScreen(Screen):
    BINDINGS = [
        Binding("n", "focus_templates", "New session"),
        Binding("r", "focus_resume", "Resume"),
        Binding("s", "focus_recent", "Recent"),
        Binding("h", "learning('history')", "History"),
        Binding("a", "learning('actions')", "Actions"),
        Binding("t", "learning('themes')", "Themes"),
        Binding("p", "focus_notices", "Problems found"),
        Binding("escape", "noop", show=False),
    ]

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "focus_notices":  # offered while the start-up checks' sentences are shown
            return self.query_one("#home-notices", Static).display
        return True

    def keys_of_the_moment(self) -> list[str]:
        """The key bar's keys a narrow bar keeps (80 columns), most important first: the screens only a key opens
        before s (the recent sessions are in view, a tab away); f2 (projector mode) is in f1's list."""
        return ["focus_notices", "focus_templates", "focus_resume", "learning('history')", "learning('actions')",
                "learning('themes')", "help", "focus_recent", "quit"]

    #: the sessions compose() listed: the screen's first resume does not list them again if they are unchanged
    _composed_sessions: list[SessionRow] | None = None
    _about_text = ""

    def compose(self) -> ComposeResult:
        # Everything is filled in here, not in on_mount, so the first frame is already the final layout
        # (no second layout and redraw of the lists when they are filled, or the template's summary appears).
        app = self.app
        self.sub_title = f"data folder: {app.store.data_dir}"
        notices = list(app.store.notices_so_far)
        self._composed_sessions = app.store.home_rows()
        unfinished, recent = self._session_options(self._composed_sessions)
        templates, _ = app.library.cards()
        yield Header()
        notice = Static("\n".join(notices), id="home-notices", markup=False)
        notice.display = bool(notices)
        # At most a third of the screen, scrolling, so the lists keep their room: at 24 rows three problems found
        # at start left "Start a new session" an empty box.
        with VerticalScroll(id="home-notices-box"):
            yield notice
        with Horizontal(id="home-columns"):
            with Vertical(id="home-new", classes="home-panel"):
                yield Static("Start a new session", classes="panel-title")
                yield OptionList(*self._template_options(), id="templates")
                self._about_text = _about(templates[0]) if templates else ""
                yield Static(self._about_text, id="template-about", markup=False)
            with Vertical(id="home-sessions", classes="home-panel"):
                yield Static("Resume an unfinished session", classes="panel-title")
                yield OptionList(*unfinished, id="unfinished")
                yield Static("Recent sessions", classes="panel-title")
                yield OptionList(*recent, id="recent")
        yield Static("", id="home-status", markup=False)
        yield KeyBar()

    def _template_options(self) -> list[Option]:
        """The templates list: from the templates' files at first, from the validated templates once they are."""
        cards, broken = self.app.library.cards()
        options = []
        for card in cards:
            prompt = Text()
            prompt.append(card.name, style="bold")
            prompt.append(f"\n  {card.phase_count} phases · about {card.typical_length} min", style="dim")
            if card.source != "built-in":
                prompt.append(" · your template", style="dim")
            options.append(Option(prompt, id=card.id))
        for item in broken:
            more = (f"; 1 of {len(item.problems)} problems, `facilitator templates list` says them all"
                    if len(item.problems) > 1 else "")
            # (not disabled: the keys reach it, below the others, and its problems are shown under the list;
            # at 80x24 the list's last usable template was as far as the keys went, the broken ones out of sight)
            options.append(Option(Text(f"{item.path.name} (broken: {item.problems[0]}{more})", style="dim"),
                                  id=f"{BROKEN}{item.path.name}"))
        return options

    def templates_validated(self) -> None:
        """The templates were checked (just after the first screen was drawn): list them again if that
        changed anything (a template of the team's own found broken)."""
        templates = self.query_one("#templates", OptionList)
        options = self._template_options()
        shown = [(str(templates.get_option_at_index(i).prompt), templates.get_option_at_index(i).id)
                 for i in range(templates.option_count)]
        if shown == [(str(o.prompt), o.id) for o in options]:
            return
        highlighted = templates.highlighted_option.id if templates.highlighted_option is not None else None
        templates.clear_options()
        templates.add_options(options)
        ids = [o.id for o in options]
        templates.highlighted = ids.index(highlighted) if highlighted in ids else (0 if options and ids[0] else None)

    @staticmethod
    def _session_options(sessions: list[SessionRow]) -> tuple[list[Option], list[Option]]:
        """The options of the unfinished and the recent sessions lists."""
        unfinished = [Option(_session_line(s), id=s.id) for s in sessions if s.status == "running"]
        recent = [Option(_session_line(s), id=s.id) for s in [s for s in sessions if s.status == "ended"][:RECENT_SESSIONS]]
        if not unfinished:
            unfinished.append(Option(Text("No unfinished sessions.", style="dim"), disabled=True))
        if not recent:
            recent.append(Option(Text("No sessions yet.", style="dim"), disabled=True))
        return unfinished, recent

    def on_mount(self) -> None:
        templates = self.query_one("#templates", OptionList)
        self._highlight_first_sessions()
        if templates.option_count:
            templates.highlighted = 0
        templates.focus()

    def on_resize(self) -> None:
        """A smaller window (160x45 to 80x24): each list scrolled to its highlighted row once laid out again (the
        templates list stayed at its top, its highlighted template, whose words were beside it and which enter would
        open, out of sight)."""
        for option_list in self.query(OptionList):
            self.call_after_refresh(option_list.scroll_to_highlight)

    def store_checked(self, found: list[str]) -> None:
        """The store's start-up checks, done after this screen was first drawn, found ``found`` (sentences)."""
        if found:
            banner = self.query_one("#home-notices", Static)
            shown = str(banner.render()).strip() if banner.display else ""
            banner.update("\n".join([shown, *found] if shown else found))
            banner.display = True
            self.refresh_bindings()  # (p offered)
        if self._composed_sessions is None:  # already shown: list again if the checks changed anything
            shown_rows = self._shown_rows
            if shown_rows != self.app.store.home_rows():
                self.refresh_lists()

    _shown_rows: list[SessionRow] | None = None

    def refresh_lists(self) -> None:
        rows = self.app.store.home_rows()
        self._shown_rows = rows
        unfinished_options, recent_options = self._session_options(rows)
        unfinished = self.query_one("#unfinished", OptionList)
        recent = self.query_one("#recent", OptionList)
        unfinished.clear_options()
        recent.clear_options()
        unfinished.add_options(unfinished_options)
        recent.add_options(recent_options)
        self._highlight_first_sessions()

    def _highlight_first_sessions(self) -> None:
        for option_list in (self.query_one("#unfinished", OptionList), self.query_one("#recent", OptionList)):
            if option_list.option_count and not option_list.get_option_at_index(0).disabled:
                option_list.highlighted = 0

    def on_screen_resume(self) -> None:
        composed, self._composed_sessions = self._composed_sessions, None
        if composed is not None and composed == self.app.store.home_rows():
            self._shown_rows = composed
            return  # shown for the first time, just after compose() listed the same sessions
        self.refresh_lists()
        self._away_from_an_empty_list()

    def _away_from_an_empty_list(self) -> None:
        """Back from a session resumed from the list of unfinished ones, and ended: that list now says "No unfinished
        sessions.", and the arrow keys did nothing there. The templates list has the focus then."""
        focused = self.focused
        if isinstance(focused, OptionList) and not any(
            not focused.get_option_at_index(i).disabled for i in range(focused.option_count)
        ):
            self.query_one("#templates", OptionList).focus()

    def action_focus_templates(self) -> None:
        self.query_one("#templates").focus()

    def action_focus_resume(self) -> None:
        self.query_one("#unfinished").focus()

    def action_focus_recent(self) -> None:
        self.query_one("#recent").focus()

    def action_focus_notices(self) -> None:
        """The start-up checks' sentences: focused, the box takes more of the screen and up, down and the page keys
        scroll it (at 80x24 it showed seven lines, the rest out of reach of the keyboard); tab leaves it."""
        self.query_one("#home-notices-box").focus()

    def action_noop(self) -> None:
        pass

    def action_learning(self, name: str) -> None:
        from .history import open_learning_screen

        open_learning_screen(self.app, name)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id != "templates" or event.option_id is None:
            return
        cards, broken = self.app.library.cards()
        if event.option_id.startswith(BROKEN):
            about = next((_about_broken(item) for item in broken if f"{BROKEN}{item.path.name}" == event.option_id), "")
        else:
            card = next((c for c in cards if c.id == event.option_id), None)
            if card is None:
                return
            about = _about(card)
        if about != self._about_text:
            self._about_text = about
            self.query_one("#template-about", Static).update(about)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option_id
        if option_id is None:
            return
        if event.option_list.id == "templates":
            from .setup import SetupScreen

            if option_id.startswith(BROKEN):
                self.query_one("#home-status", Static).update(
                    f"{option_id.removeprefix(BROKEN)} cannot be used until it is mended (its problems are under the "
                    "list); start the app again after changing it."
                )
                return
            if option_id not in self.app.library:  # found broken when checked, since the list was drawn
                self.templates_validated()
                self.query_one("#home-status", Static).update("That template cannot be used: it is listed as broken, with the reason.")
                return
            self.app.push_screen(SetupScreen(self.app.library.get(option_id)))
        elif event.option_list.id == "unfinished":
            try:
                session = self.app.store.load_session(option_id)
            except StoreError as exc:
                self.query_one("#home-status", Static).update(str(exc))
                self.refresh_lists()
                return
            self.app.open_session(session)
        elif event.option_list.id == "recent":
            summary = next(s for s in self.app.store.home_rows() if s.id == option_id)
            status = self.query_one("#home-status", Static)
            if summary.record_path:
                status.update(f"Record of “{summary.shown_title}”: {summary.record_path}")
            else:
                status.update(f"“{summary.shown_title}” has no written record yet.")
