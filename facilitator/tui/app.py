"""The facilitator Textual app. Built with its store, templates, settings and clock injected."""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.command import Provider
from textual.screen import Screen
from textual.widgets import Input

from ..store import StoreError
from ..store.drafts import DraftKeeper
from ..templates import BUILT_IN
from ..text import clean_text
from .collector import steady_collector
from .projector import ProjectorMixin
from .room_commands import RoomCommands
from .screens.home import HomeScreen
from .terminal import decode_terminal_input_leniently
from .widgets.keys_in_order import KeysInOrder

if TYPE_CHECKING:
    from ..models import Session
    from ..settings import Clock, Settings
    from ..store import Store
    from ..templates import TemplateLibrary

HERE = Path(__file__).parent

#: seconds after the first screen is drawn that the app starts its warm-up (see _start_warming_up)
WARM_UP_AFTER = 0.1
#: how often the app looks for problems found since it last looked, and how long each one stays on screen
NOTICES_EVERY = 0.5
NOTICE_SECONDS = 30

#: the screens at which a settings file that cannot be read matters, and what it means there: the record's
#: handling note comes from the file, and is fixed into the session when it ends
_SETTINGS_MATTER = {
    "SetupScreen": "this session's record will get the default handling note unless the file is mended before the session ends.",
    "SessionScreen": "this session's record will get the default handling note unless the file is mended before the session ends.",
    "EndConfirmScreen": "ending now writes the record with the default handling note; press escape, mend the file, then end the session.",
    "EndedScreen": "the record was written with the default handling note.",
}


# The other screens (session, history, records, ...) and what they import are loaded when first used, so
# the app starts as quickly as its home screen allows. The command palette loads these providers when opened.
def _record_commands() -> type[Provider]:
    from .screens.redaction import RecordCommands

    return RecordCommands


def _learning_commands() -> type[Provider]:
    from .screens.history import LearningCommands

    return LearningCommands


def _session_screen_class():  # noqa: ANN202
    from .screens.session import SessionScreen

    return SessionScreen


class FacilitatorApp(ProjectorMixin, App[None]):
    TITLE = "facilitator"
    # Shared styles and the home screen's. Every other screen names its own stylesheet in its CSS_PATH, which
    # Textual reads when that screen is first shown (setup, session with the kind fields, dialogs, redaction, ...).
    CSS_PATH = [HERE / "app.tcss", HERE / "screens" / "home.tcss"]
    COMMANDS = App.COMMANDS | {RoomCommands, _record_commands, _learning_commands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        # Tab moves the focus as soon as the app reads it, before the keys behind it are handed to a field: keys in
        # one burst ("fast<tab><tab>ev" from a laggy remote terminal or a text expander) went to the field tab left.
        Binding("tab", "focus_next_at_once", show=False, priority=True),
        Binding("shift+tab", "focus_previous_at_once", show=False, priority=True),
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
        decode_terminal_input_leniently()
        #: a new session opened from the command line: first its team's open learning actions, if any
        self._follow_up = follow_up
        #: read the history for the history, actions and themes screens in the background at start
        self._warm_history = warm_history
        #: the warm-up after the first screen is done (see _start_warming_up)
        self.warmed_up = False
        self._restore_collector: Callable[[], None] = lambda: None  # set while the app runs (see on_mount)
        self.store = store
        #: writes the session screen's drafts off the screen's thread (nothing is started until the first one)
        self.drafts = DraftKeeper()
        #: what the facilitator has been told: the store's notices from opening it are in the home screen's
        #: banner (unless the app opens on a session); later ones come up as notifications (show_new_notices)
        self._said: set[str] = set(store.notices_so_far) if open_session is None else set()
        #: the screens that have already reminded the facilitator that the settings file cannot be read
        self._settings_reminded: weakref.WeakSet[Screen] = weakref.WeakSet()
        #: keys handed to a text box, and work a key started, not yet done: the next key waits for them (see on_event)
        self.keys_held: set[object] = set()
        #: the broken templates' notice, kept for the home screen (see _templates_validated)
        self._templates_notice_waiting = False
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

    def on_unmount(self) -> None:
        from .screens.learning_data import stop_history

        stop_history(self)
        self.drafts.flush()
        self._restore_collector()

    def on_mount(self) -> None:
        # The objects alive at start set aside: a full collection does not walk them (see collector.py).
        self._restore_collector = steady_collector()
        # A moment after the first screen is drawn: a thread started sooner would hold the GIL while it is built.
        self.call_after_refresh(self.set_timer, WARM_UP_AFTER, self._start_warming_up)
        self.set_interval(NOTICES_EVERY, self.show_new_notices)
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self.watch_theme_choice()
        if self._open_session is not None and self._follow_up:
            from .screens.actions import open_with_follow_up

            open_with_follow_up(self, self._open_session)
        elif self._open_session is not None:
            self.push_screen(_session_screen_class()(self._open_session))

    def _start_warming_up(self) -> None:
        """Once the first screen is drawn, in a thread: what the home screen was drawn without.

        The validation of the team's own templates, if there are any (one may turn out to be broken: the
        home screen then lists it so), and, when the app was started to be used (not in tests), the
        history for the history, actions and themes screens. The built-in templates are validated, and
        the pydantic models loaded, when a session is first started or opened: the history screens do
        not need them, and they cost about 10 MB.
        """

        def warm() -> None:
            try:
                self._warm()
            finally:
                self.warmed_up = True

        self.run_worker(warm, thread=True, group="warm-up", exit_on_error=False)

    def _warm(self) -> None:
        if self._warm_history:
            # A long history with no index yet: its child process starts building it now, beside the checks below.
            from .screens.learning_data import history

            history(self).start_building()
        if not self.store.opening_finished:
            # The home screen was drawn from the index's head: now every session is checked, as at any start.
            self.store.finish_opening()
            # What the home screen lists and the teams the set-up screen suggests, each worked out from every
            # session's entry (0.1 to 0.2 s at 20,000 sessions): here, not on the screen's thread.
            with contextlib.suppress(StoreError):
                self.store.home_rows()
                self.store.known_teams()
            if self.is_running:
                self.call_from_thread(self._store_checked)
        self.store.read_settings_file()  # a settings file that cannot be read is a notice, shown at once
        if self.library.has_own_templates:
            self.library.templates  # noqa: B018 - validates them (and loads the pydantic models)
            if self.is_running:
                self.call_from_thread(self._templates_validated)
        if not self._warm_history:
            return
        from .screens.history import prepare_history_screen  # imported now: the first h need not wait for it
        from .screens.learning_data import history_index, themes_ahead

        if self.is_running:
            self.call_from_thread(prepare_history_screen, self)
        history_index(self, child=True)  # many sessions to read (no index yet): in a child process
        themes_ahead(self)

    def _templates_validated(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen) and screen.is_mounted:
                screen.templates_validated()
        if not isinstance(self.screen, HomeScreen):
            # A session opened straight away (`facilitator new`): the notice would cover its boxes for half a minute,
            # maybe on the room's screen; it is given when the home screen, which lists the files, is first shown.
            self._templates_notice_waiting = True
            return
        self._say_templates_broken()

    def _say_templates_broken(self) -> None:
        self._templates_notice_waiting = False
        broken = [b for b in self.library.broken if b.source != BUILT_IN]
        if len(broken) == 1:
            item = broken[0]
            self.notify(
                f"Your template file {item.path} cannot be used ({item.problems[0]}); it is listed, greyed out, "
                f"under \"Start a new session\", and `facilitator templates validate {item.path}` shows every problem.",
                title="A template is broken", severity="warning", timeout=NOTICE_SECONDS, markup=False,
            )
        elif broken:
            names = ", ".join(b.path.name for b in broken)
            self.notify(
                f"{len(broken)} of your template files cannot be used ({names}); they are listed, greyed out, with "
                "the reasons under \"Start a new session\", and `facilitator templates list` shows every problem.",
                title="Templates are broken", severity="warning", timeout=NOTICE_SECONDS, markup=False,
            )

    def _store_checked(self) -> None:
        """The start-up checks are done: what they found goes in the home screen's banner, as when they are done
        before it is drawn, and its lists are brought up to date."""
        found = [n for n in self.store.notices_so_far if n not in self._said]
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen) and screen.is_mounted:
                screen.store_checked(found)
                self._said.update(found)

    def show_new_notices(self) -> None:
        """Problems the store found since the facilitator last looked (a file set aside, a settings file that
        cannot be read, a damaged template snapshot): each as a notification, in its own words."""
        if not self.store.opening_finished:
            return  # the start-up checks are still running: what they find goes in the home screen's banner
        for notice in list(self.store.notices_so_far):
            if notice not in self._said:
                self._said.add(notice)
                self.notify(notice, title="Problem found", severity="warning", timeout=NOTICE_SECONDS, markup=False)

    def _screen_changed(self, screen: Screen) -> None:
        """Before a session starts, before it ends and once it has: say if the settings file cannot be read,
        because the record's handling note comes from it."""
        if self._templates_notice_waiting and isinstance(screen, HomeScreen):
            self._say_templates_broken()
        # by class name, the screen's own or the one it extends (the end confirmation that offers the read-back)
        name = next((c.__name__ for c in type(screen).__mro__ if c.__name__ in _SETTINGS_MATTER), "")
        if not name or screen in self._settings_reminded:
            return
        self._settings_reminded.add(screen)
        problem = self.store.settings_problem()
        if problem is None:
            return
        message = f"{problem.removesuffix('.')}: {_SETTINGS_MATTER[name]}"
        self._said.add(problem)  # said here in full: not again as a problem found
        if message in self._said and name == "SessionScreen":
            return  # just said on the set-up screen
        self._said.add(message)
        self.notify(
            message, title="Settings not read", severity="error" if name == "EndConfirmScreen" else "warning",
            timeout=NOTICE_SECONDS, markup=False,
        )

    async def on_event(self, event: events.Event) -> None:
        # Pasted text reaches the boxes without terminal control sequences or control characters (C0 and C1,
        # such as the 8-bit CSI U+009B), so they are never shown, echoed to the terminal or stored. Keys that
        # are not printable are never typed into a box.
        if isinstance(event, events.Paste) and not event.is_forwarded:
            event.text = clean_text(event.text)
        if isinstance(event, events.Key) and not event.is_forwarded:
            # One key at a time: the next key is read once the text box handed the last one has handled it, and the
            # contribution an enter recorded is recorded (see keys_in_order.hold). Handed over at once, the keys of a
            # burst (a laggy remote terminal, a text expander, a fast typist on a busy machine) were handled by the box
            # after the focus had moved on, or before the boxes were read: the next action's words became the last
            # one's owner, or were lost with it. A widget that never says it is done holds the next key 0.25 s at most.
            await self._keys_handled()
            if isinstance(self.focused, KeysInOrder):
                self.keys_held.add(event)
            await super().on_event(event)
            if not event.is_forwarded:  # taken by a binding of the app's or the screen's
                self.keys_held.discard(event)
            return
        await super().on_event(event)

    async def _keys_handled(self, most: float = 0.25) -> None:
        if not self.keys_held:
            return
        deadline = time.monotonic() + most
        while self.keys_held and time.monotonic() < deadline:
            await asyncio.sleep(0.001)
        self.keys_held.clear()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Settings can turn the cursor blink off (steady for projectors, and for stable snapshots)."""
        if isinstance(event.widget, Input) and not self.settings.cursor_blink:
            event.widget.cursor_blink = False

    async def action_quit(self) -> None:
        """ctrl+q quits once the keys sent before it are handled: it is a key the app takes first, so with words sent
        faster than the screen takes them (a paste the terminal types, a macro) the app quit with them still waiting,
        and what was being typed was kept in part, or not at all. The quit waits behind them in the focused widget's
        queue, and the screen takes what is in its boxes then (see SessionScreen.take_what_is_typed)."""
        focused = self.screen.focused
        if focused is None or not focused.is_attached:
            self.exit()
            return
        screen = self.screen

        def quit_now() -> None:
            taking = getattr(screen, "take_what_is_typed", None)
            if taking is not None:
                taking()  # (the box's changes from those keys have not reached the screen yet)
            refused = getattr(screen, "quit_refused", None)
            if refused is not None and refused():
                return  # (what is typed cannot be kept: said, and ctrl+q again quits)
            self.exit()

        focused.call_later(quit_now)

    def action_command_palette(self) -> None:
        """The palette opens over a screen, never over a dialog: its commands act on the screen under the dialog, and
        one of them could open a second copy of the dialog (a names list saved from the second was then overwritten by
        the first, still holding the old text). Over a dialog, ctrl+p says why it does nothing."""
        from textual.command import CommandPalette
        from textual.screen import ModalScreen

        if isinstance(self.screen, ModalScreen) and not CommandPalette.is_open(self):
            self.notify("The command palette opens once this dialog is closed (escape closes it).",
                        title="Not over a dialog", timeout=6, markup=False)
            return
        super().action_command_palette()

    def action_focus_next_at_once(self) -> None:
        self._focus_at_once(forward=True)

    def action_focus_previous_at_once(self) -> None:
        self._focus_at_once(forward=False)

    def _focus_at_once(self, forward: bool) -> None:
        """Textual's own tab and shift+tab, done when the key is read; a text area that takes tab as an indent keeps
        it."""
        from textual.actions import SkipAction
        from textual.widgets import TextArea

        focused = self.focused
        if isinstance(focused, TextArea) and focused.tab_behavior == "indent":
            raise SkipAction()
        if forward:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        from .commands import open_session_screen

        session_screen = open_session_screen(self)
        phase = session_screen.session.phase if session_screen is self.screen else None
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(phase))

    def open_session(self, session: Session) -> None:
        """Show a session, replacing any setup screen on top of home."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(_session_screen_class()(session))

    def go_home(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_lists()
