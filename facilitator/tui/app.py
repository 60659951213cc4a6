"""The facilitator Textual app. Built with its store, templates, settings and clock injected."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.widgets import Input

from ..models import Session
from ..settings import Clock, Settings
from ..store import Store
from ..templates import TemplateLibrary
from .screens.history import LearningCommands
from .screens.home import HomeScreen
from .screens.redaction import RecordCommands
from .projector import ProjectorMixin
from .room_commands import RoomCommands
from .screens.session import SessionScreen

HERE = Path(__file__).parent


class FacilitatorApp(ProjectorMixin, App[None]):
    TITLE = "facilitator"
    CSS_PATH = [
        HERE / "app.tcss",
        HERE / "screens" / "home.tcss",
        HERE / "screens" / "setup.tcss",
        HERE / "screens" / "session.tcss",
        HERE / "screens" / "dialogs.tcss",
        HERE / "widgets" / "kind_fields.tcss",
        HERE / "screens" / "redaction.tcss",
        HERE / "screens" / "history.tcss",
        HERE / "screens" / "actions.tcss",
        HERE / "screens" / "themes.tcss",
    ]
    COMMANDS = App.COMMANDS | {RoomCommands, RecordCommands, LearningCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),
        Binding("f2", "toggle_projector", "Projector"),
    ]

    def __init__(
        self,
        store: Store,
        library: TemplateLibrary,
        settings: Settings,
        clock: Clock,
        open_session: Session | None = None,
        demo: bool = False,
        follow_up: bool = False,
        warm_history: bool = False,
    ) -> None:
        super().__init__()
        #: a new session opened from the command line: first its team's open learning actions, if any
        self._follow_up = follow_up
        #: read the history for the history, actions and themes screens in the background at start
        self._warm_history = warm_history
        self.store = store
        self.library = library
        self.settings = settings
        self.clock = clock
        self.demo = demo
        self._open_session = open_session
        self.setup_projector(settings.theme)
        if demo:
            self.sub_title = "demo: a made-up case in a throwaway folder"

    def get_default_screen(self) -> HomeScreen:
        return HomeScreen()

    def on_mount(self) -> None:
        if self._warm_history:
            from .screens.learning_data import history_index

            self.run_worker(lambda: history_index(self), thread=True, group="learning", exit_on_error=False)
        self.watch_theme_choice()
        if self._open_session is not None and self._follow_up:
            from .screens.actions import open_with_follow_up

            open_with_follow_up(self, self._open_session)
        elif self._open_session is not None:
            self.push_screen(SessionScreen(self._open_session))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Settings can turn the cursor blink off (steady for projectors, and for stable snapshots)."""
        if isinstance(event.widget, Input) and not self.settings.cursor_blink:
            event.widget.cursor_blink = False

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        phase = None
        if isinstance(self.screen, SessionScreen):
            phase = self.screen.session.phase
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(phase))

    def open_session(self, session: Session) -> None:
        """Show a session, replacing any setup screen on top of home."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(SessionScreen(session))

    def go_home(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_lists()
