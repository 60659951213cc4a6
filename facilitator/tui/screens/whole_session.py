"""The whole session on one screen: every phase with what was said in it, to look back over with the room.

Opened at any time from the session screen (f8, or "Whole session" in the command palette); escape or f8
goes back to the phase the session is in. Contributions flagged as safeguarding concerns are never shown:
the screen is what the room sees. User text is never read as markup.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from ...models import Session
from ...vocabulary import NO_PHASE_HEADING
from ...record.redact import shown_title
from ...safeguarding import shown
from ...text import plural
from ..widgets.contribution_list import contribution_text
from ..widgets.key_bar import KeyBar

HERE = Path(__file__).parent


def phase_heading(session: Session, index: int, count: int) -> Text:
    phase = session.template.phases[index]
    heading = Text(f"{index + 1}. ", style="bold")
    heading.append(phase.title, style="bold")
    heading.append(f"   {plural(count, 'contribution')}", style="italic")
    if index == session.current_phase:
        heading.append("   ◀ the session is here", style="bold")
    return heading


class WholeSessionScreen(Screen[None]):
    """Every phase's contributions, in phase order, on one scrollable screen."""

    CSS_PATH = HERE / "whole_session.tcss"
    BINDINGS = [
        Binding("escape,f8", "close", "Back to the session"),
        Binding("home", "scroll_to('top')", "Top", show=False),
        Binding("end", "scroll_to('bottom')", "End", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        session = self.session
        visible = shown(session.contributions)
        yield Header()
        yield Static(
            f"The whole session: {plural(len(visible), 'contribution')} in "
            f"{len(session.template.phases)} phases (↑↓ pgup pgdn scroll, escape goes back)",
            id="whole-title",
            markup=False,
        )
        with VerticalScroll(id="whole-body"):
            for index, phase in enumerate(session.template.phases):
                said = shown(session.contributions_in(phase.id))
                here = " -here" if index == session.current_phase else ""
                yield Static(phase_heading(session, index, len(said)), classes="whole-phase" + here)
                if not said:
                    yield Static("Nothing recorded in this phase.", classes="whole-empty", markup=False)
                for number, contribution in enumerate(said, start=1):
                    yield Static(contribution_text(contribution, number), classes="whole-item")
            elsewhere = shown(session.contributions_in_no_phase())
            if elsewhere:  # (phase ids changed since they were recorded: no phase above lists them)
                heading = Text(NO_PHASE_HEADING, style="bold")
                heading.append(f"   {plural(len(elsewhere), 'contribution')}", style="italic")
                yield Static(heading, classes="whole-phase")
                for number, contribution in enumerate(elsewhere, start=1):
                    yield Static(contribution_text(contribution, number), classes="whole-item")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = shown_title(self.session)  # on the projector: the names list applied
        self.sub_title = "The whole session"
        self.set_class(bool(getattr(self.app, "projector", False)), "-projector")
        self.query_one("#whole-body", VerticalScroll).focus()

    def set_projector(self, on: bool) -> None:
        self.set_class(on, "-projector")

    def action_scroll_to(self, where: str) -> None:
        body = self.query_one("#whole-body", VerticalScroll)
        if where == "top":
            body.scroll_home(animate=False)
        else:
            body.scroll_end(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
