"""Home: start a new session from a template, resume an unfinished one, see recent sessions."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from ...models import SessionSummary
from ...store import StoreError


def _session_line(summary: SessionSummary) -> Text:
    text = Text()
    text.append(f"{summary.date:%d %b %Y}  ", style="bold")
    text.append(summary.title)
    detail = f"\n  {summary.template_name}"
    if summary.team:
        detail += f" · {summary.team}"
    if summary.status.value == "running":
        detail += f" · phase {summary.current_phase + 1} of {summary.phase_count}"
    text.append(detail, style="dim")
    return text


class HomeScreen(Screen):
    BINDINGS = [
        Binding("n", "focus_templates", "New session"),
        Binding("r", "focus_resume", "Resume"),
        Binding("s", "focus_recent", "Recent"),
        Binding("h", "learning('history')", "History"),
        Binding("a", "learning('actions')", "Actions"),
        Binding("t", "learning('themes')", "Themes"),
        Binding("escape", "noop", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="home-notices", markup=False)
        with Horizontal(id="home-columns"):
            with Vertical(id="home-new", classes="home-panel"):
                yield Static("Start a new session", classes="panel-title")
                yield OptionList(id="templates")
                yield Static("", id="template-about", markup=False)
            with Vertical(id="home-sessions", classes="home-panel"):
                yield Static("Resume an unfinished session", classes="panel-title")
                yield OptionList(id="unfinished")
                yield Static("Recent sessions", classes="panel-title")
                yield OptionList(id="recent")
        yield Static("", id="home-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        app = self.app
        self.sub_title = f"data folder: {app.store.data_dir}"
        templates = self.query_one("#templates", OptionList)
        for loaded in app.library.ordered():
            template = loaded.template
            prompt = Text()
            prompt.append(template.name, style="bold")
            prompt.append(f"\n  {len(template.phases)} phases · about {template.typical_length} min", style="dim")
            if loaded.source != "built-in":
                prompt.append(" · your template", style="dim")
            templates.add_option(Option(prompt, id=template.id))
        for broken in app.library.broken:
            templates.add_option(
                Option(Text(f"{broken.path.name} (broken: {broken.problems[0]})", style="dim"), disabled=True)
            )
        notices = list(app.store.notices)
        self.query_one("#home-notices", Static).update("\n".join(notices))
        self.query_one("#home-notices").display = bool(notices)
        self.refresh_lists()
        if templates.option_count:
            templates.highlighted = 0
        templates.focus()

    def refresh_lists(self) -> None:
        sessions = self.app.store.list_sessions()
        unfinished = self.query_one("#unfinished", OptionList)
        recent = self.query_one("#recent", OptionList)
        unfinished.clear_options()
        recent.clear_options()
        for summary in sessions:
            if summary.status.value == "running":
                unfinished.add_option(Option(_session_line(summary), id=summary.id))
        for summary in [s for s in sessions if s.status.value == "ended"][:20]:
            recent.add_option(Option(_session_line(summary), id=summary.id))
        if unfinished.option_count == 0:
            unfinished.add_option(Option(Text("No unfinished sessions.", style="dim"), disabled=True))
        if recent.option_count == 0:
            recent.add_option(Option(Text("No sessions yet.", style="dim"), disabled=True))
        for option_list in (unfinished, recent):
            if option_list.option_count and not option_list.get_option_at_index(0).disabled:
                option_list.highlighted = 0

    def on_screen_resume(self) -> None:
        self.refresh_lists()

    def action_focus_templates(self) -> None:
        self.query_one("#templates").focus()

    def action_focus_resume(self) -> None:
        self.query_one("#unfinished").focus()

    def action_focus_recent(self) -> None:
        self.query_one("#recent").focus()

    def action_noop(self) -> None:
        pass

    def action_learning(self, name: str) -> None:
        from .history import open_learning_screen

        open_learning_screen(self.app, name)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id != "templates" or event.option_id is None:
            return
        template = self.app.library.get(event.option_id)
        about = " ".join(template.summary.split())
        if template.when_to_use:
            about += "\n" + " ".join(template.when_to_use.split())
        self.query_one("#template-about", Static).update(about)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option_id
        if option_id is None:
            return
        if event.option_list.id == "templates":
            from .setup import SetupScreen

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
            summary = next(s for s in self.app.store.list_sessions() if s.id == option_id)
            status = self.query_one("#home-status", Static)
            if summary.record_path:
                status.update(f"Record of “{summary.title}”: {summary.record_path}")
            else:
                status.update(f"“{summary.title}” has no written record yet.")
