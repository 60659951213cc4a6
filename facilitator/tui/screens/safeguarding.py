"""The facilitator-only list of safeguarding concerns, behind a "blank the projector first" step.

Flagged contributions are never on the projected session screen, in the group record or in exports; they
are kept in the facilitator-only note (<data>/safeguarding/<session id>.md) with the same-day reminder.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...models import ANONYMOUS, Session
from ...safeguarding import REMINDER, flagged
from ...text import plural

HERE = Path(__file__).parent


def concerns_text(session: Session) -> Text:
    items = flagged(session)
    if not items:
        return Text("Nothing is flagged in this session.")
    titles = {p.id: f"{n}. {p.title}" for n, p in enumerate(session.template.phases, start=1)}
    out = Text()
    for number, c in enumerate(items, start=1):
        if number > 1:
            out.append("\n\n")
        who = "anonymous" if c.speaker == ANONYMOUS else (c.speaker or "speaker not recorded")
        out.append(f"{number}. ", style="bold")
        out.append(f"{who} · {titles.get(c.phase_id, c.phase_id)} · {c.created_at:%H:%M}\n", style="italic")
        out.append("   " + c.text)
    return out


class SafeguardingScreen(ModalScreen[None]):
    """First a warning to blank the projector; enter then shows the concerns. Escape goes back."""

    CSS_PATH = HERE / "safeguarding.tcss"
    BINDINGS = [
        Binding("enter", "reveal", "Show them", priority=True),
        Binding("escape", "close", "Back to the session"),
    ]

    def __init__(self, session: Session, note_path: Path | None) -> None:
        super().__init__()
        self.session = session
        self.note_path = note_path
        self.revealed = False

    def compose(self) -> ComposeResult:
        count = len(flagged(self.session))
        with Vertical(id="safeguarding-dialog", classes="dialog"):
            yield Static("Safeguarding concerns: facilitator only", classes="dialog-title")
            yield Static(
                f"{plural(count, 'concern')} flagged in this session. "
                f"{'They are' if count != 1 else 'It is'} not on the session screen, in the record or in any export.",
                id="safeguarding-count",
            )
            yield Static(f"⚠ {REMINDER}", id="safeguarding-reminder", classes="warning")
            yield Static(
                "Blank the projector or switch it to another input first, then press enter to show them. "
                "Escape goes back.",
                id="safeguarding-gate",
            )
            with VerticalScroll(id="safeguarding-items"):
                yield Static("", id="safeguarding-list", markup=False)
            note = f"Facilitator-only note: {self.note_path}" if self.note_path else "No note is written: nothing is flagged."
            yield Static(note, id="safeguarding-path", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#safeguarding-items").display = False

    def action_reveal(self) -> None:
        self.revealed = True
        self.query_one("#safeguarding-gate").display = False
        self.query_one("#safeguarding-list", Static).update(concerns_text(self.session))
        self.query_one("#safeguarding-items").display = True

    def action_close(self) -> None:
        self.dismiss(None)
