"""The closing read-back: what the room is taking away, on one screen, to read aloud before the session ends.

The learning actions with their owner, due date and who hears about them (a missing one is said, so the
room can agree it now), the highlights (starred contributions) and the strengths with their evidence.
Opened by f9 or the command palette at any time, by ctrl+n on the last phase, and offered by the
end-of-session confirmation (r). ctrl+e from here goes on to that confirmation, as ctrl+e always does;
escape goes back to the session. Safeguarding concerns are never shown. User text is never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from ...models import ANONYMOUS, Contribution, PhaseKind, Session
from ...record.kinds import action_number
from ...record.redact import shown_title
from ...safeguarding import shown
from ...text import plural
from ...vocabulary import NO_PHASE_HEADING
from ..widgets.key_bar import KeyBar
from .dialogs import EndConfirmScreen

HERE = Path(__file__).parent
NOT_AGREED = "to agree"


def _of_kind(session: Session, kind: PhaseKind) -> list[Contribution]:
    """The contributions of this kind as the record lists them (Session.contributions_of_kind), concerns left out."""
    return shown(session.contributions_of_kind(kind))


def learning_actions(session: Session) -> list[Contribution]:
    """Numbered 1, 2, ... as the record numbers them A1, A2, ..."""
    return _of_kind(session, PhaseKind.actions)


def strengths(session: Session) -> list[Contribution]:
    return _of_kind(session, PhaseKind.strengths)


def highlights(session: Session) -> list[Contribution]:
    """Starred contributions, in phase order then the order they were said; then those in no phase of the template."""
    out: list[Contribution] = []
    for phase in session.template.phases:
        out += [c for c in shown(session.contributions_in(phase.id)) if c.starred]
    return out + [c for c in shown(session.contributions_in_no_phase()) if c.starred]


def _field(contribution: Contribution, key: str) -> Text:
    value = (contribution.fields or {}).get(key, "").strip()
    return Text(value) if value else Text(NOT_AGREED, style="italic reverse")


def actions_table(actions: list[Contribution]) -> Table:
    table = Table(expand=True, show_lines=True, header_style="bold", padding=(0, 1))
    table.add_column("", width=3, no_wrap=True)
    # Nothing is cut with an ellipsis: a long word folds onto the next line; a date fits whole; an owner's and who
    # hears' words ("Business support officer") whole at 80 columns (the owner column folded "Busines" / "s").
    table.add_column("Action", ratio=3, overflow="fold")
    table.add_column("Owner", ratio=1, width=10, overflow="fold")  # (with a ratio, width is its least)
    table.add_column("Due", width=12, overflow="fold")  # ("supervision", "fortnightly" whole)
    table.add_column("Who hears", ratio=2, width=10, overflow="fold")
    for number, action in enumerate(actions, start=1):
        table.add_row(  # numbered as the record numbers them (A1, A2, ...), so the room and the minutes agree
            Text(action_number(number), style="bold"), Text(action.text), _field(action, "owner"), _field(action, "due"),
            _field(action, "tell"),
        )
    return table


def strengths_table(said: list[Contribution]) -> Table:
    table = Table(expand=True, show_lines=True, header_style="bold", padding=(0, 1))
    table.add_column("", width=3, no_wrap=True)
    table.add_column("Strength", ratio=2, overflow="fold")
    table.add_column("Evidence", ratio=3, overflow="fold")
    for number, strength in enumerate(said, start=1):
        name = Text(strength.text)
        skill = (strength.fields or {}).get("skill", "").strip()
        if skill:
            name.append(f"\n{skill}", style="italic")
        evidence = (strength.fields or {}).get("evidence", "").strip()
        table.add_row(
            Text(f"{number}.", style="bold"), name,
            Text(evidence) if evidence else Text("no evidence recorded", style="italic"),
        )
    return table


def highlight_text(contribution: Contribution, session: Session) -> Text:
    text = Text("★ ", style="bold")
    text.append(contribution.text)
    if contribution.speaker and contribution.speaker != ANONYMOUS:
        text.append(f"  ({contribution.speaker})", style="italic")
    try:
        title = session.template.phases[session.template.phase_index(contribution.phase_id)].title
    except KeyError:  # recorded in a phase the template no longer has: named as the record names its section
        title = NO_PHASE_HEADING
    text.append(f"  · {title}", style="dim")
    return text


class ReadBackScreen(Screen[bool]):
    """Dismissed with True if ctrl+e was pressed (go on to end the session), False for escape."""

    CSS_PATH = HERE / "read_back.tcss"
    BINDINGS = [
        Binding("ctrl+e", "end", "End the session", priority=True),
        Binding("escape,f9", "close", "Back to the session"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        session = self.session
        actions, said, starred = learning_actions(session), strengths(session), highlights(session)
        yield Header()
        yield Static(
            "Before we close: read this back to the room. ctrl+e then ends the session; escape goes back.",
            id="read-back-title",
            markup=False,
        )
        with VerticalScroll(id="read-back-body"):
            yield Static(f"Learning actions ({len(actions)})", classes="read-back-heading", markup=False)
            if actions:
                yield Static(actions_table(actions), id="read-back-actions")
                missing = sum(
                    1 for a in actions if not all((a.fields or {}).get(k, "").strip() for k in ("owner", "due", "tell"))
                )
                if missing:
                    yield Static(
                        f"{plural(missing, 'action has', 'actions have')} something still to agree: agree it now, "
                        "then escape, choose the action (up) and edit it (e).",
                        classes="read-back-warning",
                        markup=False,
                    )
            else:
                yield Static("No learning actions were recorded.", classes="read-back-empty", markup=False)
            yield Static(f"Highlights ({len(starred)})", classes="read-back-heading", markup=False)
            if starred:
                for contribution in starred:
                    yield Static(highlight_text(contribution, session), classes="read-back-highlight")
            else:
                yield Static("No highlights were starred.", classes="read-back-empty", markup=False)
            yield Static(f"Strengths and their evidence ({len(said)})", classes="read-back-heading", markup=False)
            if said:
                yield Static(strengths_table(said), id="read-back-strengths")
            else:
                yield Static("No strengths were recorded.", classes="read-back-empty", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = shown_title(self.session)  # on the projector: the names list applied
        self.sub_title = "Closing read-back"
        self.set_class(bool(getattr(self.app, "projector", False)), "-projector")
        self.query_one("#read-back-body", VerticalScroll).focus()

    def set_projector(self, on: bool) -> None:
        self.set_class(on, "-projector")

    def action_end(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)


class EndConfirmWithReadBack(EndConfirmScreen):
    """The end-of-session confirmation, offering the closing read-back first (r). Enter still ends."""

    BINDINGS = [Binding("r", "read_back", "Read back first")]

    def __init__(self, session: Session, unsaved_text: str = "", read_back: Callable[[], None] | None = None,
                 phones_waiting: int = 0, vote_open: bool = False, read_back_seen: bool = False) -> None:
        super().__init__(session, unsaved_text=unsaved_text, phones_waiting=phones_waiting, vote_open=vote_open)
        self._read_back = read_back
        self._read_back_seen = read_back_seen  # shown already (r, the palette): it is not asked about as if not

    def on_mount(self) -> None:
        super().on_mount()
        if self._read_back is not None:
            dialog = self.query_one("#end-dialog")
            dialog.mount(
                Static(
                    "Read back already: r shows the closing read-back again." if self._read_back_seen else
                    "Not read back yet? Press r for the closing read-back (actions, highlights, strengths) first.",
                    id="end-read-back-hint",
                    markup=False,
                ),
                before=dialog.query_one(".dialog-buttons"),
            )

    def action_read_back(self) -> None:
        if self._read_back is None:
            return
        self.dismiss(False)
        self.app.call_later(self._read_back)
