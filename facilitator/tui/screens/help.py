"""F1 help: every key, and the current phase's guidance."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from ...models import Phase

KEYS = [
    ("enter", "record the contribution being typed (into the current phase)"),
    ("tab / shift+tab", "move between the contribution box, who said it, and the phase's extra fields "
     "(evidence, when, owner, due, who hears, rating); enter in any of them records"),
    ("ctrl+n / ctrl+b", "next / previous phase (going back loses nothing)"),
    ("ctrl+e", "end the session: confirm with enter, then the record is written"),
    ("ctrl+p", "command palette"),
    ("ctrl+q", "quit; the session stays open and can be resumed"),
    ("f1", "this help"),
    ("escape", "close this help"),
    ("ctrl+s", "on the setup screen: start the session"),
    ("n / r / s", "on the home screen: new session / resume / recent sessions"),
]


def keys_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for key, what in KEYS:
        table.add_row(key, what)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,q", "close", "Close help"),
    ]

    def __init__(self, phase: Phase | None = None) -> None:
        super().__init__()
        self.phase = phase

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static("Help: the keys (escape closes)", classes="dialog-title")
            yield Static(keys_table(), id="help-keys")
            if self.phase is not None:
                yield Static(f"This phase: {self.phase.title}", classes="dialog-title", markup=False)
                yield Markdown(self.phase.guidance or "_No guidance for this phase._", id="help-guidance")

    def action_close(self) -> None:
        self.dismiss(None)
