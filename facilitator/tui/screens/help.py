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
    ("@2 / @sp / @0", "who said it, typed before the words (@2 rang back): their number, their initials or the start of "
     "their name; @0 is anonymous (the numbers are shown above the box). Who said it stays chosen until changed"),
    ("tab / shift+tab", "move between the contribution box, who said it, and the phase's extra fields "
     "(evidence, when, owner, due, who hears, rating); enter in any of them records"),
    ("ctrl+n / ctrl+b", "next / previous phase (going back loses nothing: ctrl+b undoes an accidental ctrl+n)"),
    ("ctrl+t", "start / pause the phase timer (it never moves the phase on)"),
    ("f5", "two more minutes on the timer"),
    ("ctrl+z", "undo the last change to a contribution (record, edit, delete, move, star, tag, flag); with words typed, "
             "it says first what it would undo. An undone recording's words come back into the box"),
    ("up / ctrl+l", "choose a recorded contribution: up / down / home / end move, escape goes back to the box"),
    ("e (or enter)", "on a chosen contribution: edit what was said or who said it"),
    ("d (or delete)", "on a chosen contribution: delete it, after a confirmation"),
    ("m", "on a chosen contribution: move it to another phase"),
    ("shift+up / shift+down", "on a chosen turning point in a timeline phase: earlier / later in the story"),
    ("s", "on a chosen contribution: star it as a highlight (the record has a Highlights section)"),
    ("t", "on a chosen contribution: tags from the template's list, and 'decision'"),
    ("!", "on a chosen contribution: flag it as a safeguarding concern, after a confirmation naming it (hidden "
     "at once, kept out of the record)"),
    ("ctrl+f", "record what is typed straight into the safeguarding note, never shown"),
    ("ctrl+o", "write or read the contribution in a multi-line editor (line breaks kept; ctrl+s records it); "
     "a paste of several lines opens it too"),
    ("f6", "safeguarding notes: facilitator only, after a warning to blank the projector"),
    ("f2", "projector mode, the room view: large title, question and timer, contributions in columns (remembered)"),
    ("f3", "show the ground rules"),
    ("f4", "pause screen: a breather for the room"),
    ("f7", "people: attendees (numbered for @1, @2, ...) and apologies"),
    ("f8", "the whole session: every phase's contributions on one screen (escape goes back)"),
    ("f9", "closing read-back: actions with owner, due and who hears, highlights, strengths (ctrl+n on the last "
     "phase, or r when ending, opens it too)"),
    ("f10", "phones: open the session to phones and show the join code on the screen (x there closes phone access)"),
    ("f12", "dot vote on this phase's items from phones (+ adds a vote for someone without a phone, c closes it: "
     "the result goes into the record)"),
    ("ctrl+r / ctrl+w", "what phones sent: show it all to the room / review it one by one after blanking the projector (enter shows, x rejects)"),
    ("ctrl+e", "end the session: confirm with enter, then the record is written"),
    ("ctrl+p", "command palette: every one of these, and more"),
    ("ctrl+q", "quit; the session stays open and can be resumed"),
    ("f1", "this help"),
    ("escape", "close this help"),
    ("ctrl+s", "on the setup screen: start the session"),
    ("n / r / s", "on the home screen: new session / resume / recent sessions"),
    ("h / a / t", "on the home screen: history and search / open learning actions / themes across sessions"),
]


def keys_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for key, what in KEYS:
        table.add_row(key, what)
    return table


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
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
