"""End-of-session confirmation and the screen that shows where the record is."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Header, Static

from ...models import Session
from ...safeguarding import shown
from ...text import plural
from ..widgets.key_bar import KeyBar

HERE = Path(__file__).parent


class EndConfirmScreen(ModalScreen[bool]):
    """Enter ends the session; escape goes back to it."""

    CSS_PATH = HERE / "dialogs.tcss"

    BINDINGS = [
        Binding("escape", "cancel", "Keep going"),
        Binding("enter", "confirm", "End and write the record", priority=True),
    ]

    def __init__(self, session: Session, unsaved_text: str = "") -> None:
        super().__init__()
        self.session = session
        self.unsaved_text = unsaved_text

    def compose(self) -> ComposeResult:
        on_screen = shown(self.session.contributions)  # counted as the room saw them: no flagged concerns
        total = len(on_screen)
        phases_used = len({c.phase_id for c in on_screen})
        with Vertical(id="end-dialog", classes="dialog"):
            yield Static("End the session?", classes="dialog-title")
            yield Static(
                f"{plural(total, 'contribution')} recorded in {phases_used} of {len(self.session.template.phases)} phases. "
                "Ending writes the record now; the session can no longer be added to.",
                markup=False,
            )
            if self.unsaved_text.strip():
                yield Static(
                    "The contribution box still has text that has not been recorded; it will not be in the record. "
                    "Press escape to go back and press enter to record it.",
                    classes="warning",
                    markup=False,
                )
            with Horizontal(classes="dialog-buttons"):
                yield Button("End and write the record (enter)", id="end", variant="primary")
                yield Button("Keep going (escape)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#end", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "end")

    def action_confirm(self) -> None:
        focused = self.focused
        if isinstance(focused, Button) and focused.id == "cancel":
            self.dismiss(False)
        else:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class EndedScreen(Screen):
    """The session is over: where the record is, and what it holds."""

    CSS_PATH = HERE / "dialogs.tcss"

    BINDINGS = [
        Binding("enter,h", "home", "Home"),
    ]

    def __init__(self, session: Session, record_path: Path) -> None:
        super().__init__()
        self.session = session
        self.record_path = record_path

    def compose(self) -> ComposeResult:
        session = self.session
        yield Header()
        with Vertical(id="ended"):
            yield Static("Session ended. The record is written.", classes="screen-title")
            yield Static("The record is at:", classes="label")
            yield Static(str(self.record_path), id="record-path", markup=False)
            lines = []
            for number, phase in enumerate(session.template.phases, start=1):
                count = len(shown(session.contributions_in(phase.id)))
                lines.append(f"{number:>2}. {phase.title:<32} {count:>3} recorded")
            yield Static("\n".join(lines), id="ended-summary", markup=False)
            yield Static(
                "Other formats: facilitator export " + session.id + " --format html|docx|csv [--out PATH]",
                classes="hint",
                markup=False,
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = self.session.title
        self.sub_title = f"{self.session.template.name} · ended"

    def action_home(self) -> None:
        self.app.go_home()
