"""End-of-session confirmation, the screen that shows where the record is (and writes the other formats),
and the small dialog that asks which format to write."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Header, Static

from ...models import Session
from ...record.redact import shown_title
from ...safeguarding import shown
from ...store import StoreError
from ...text import plural
from ...vocabulary import NO_PHASE_HEADING
from ..widgets.key_bar import KeyBar
from ..widgets.path_text import PathText

HERE = Path(__file__).parent

#: the formats a record is written in, as the keys that write them offer them: (key, format, what it is)
FORMATS = (
    ("1", "md", "Markdown"),
    ("2", "html", "HTML (to open or print)"),
    ("3", "docx", "Word"),
    ("4", "csv", "CSV (the action register)"),
)
#: the end screen's keys: the record (markdown) is already written, so the others
OTHER_FORMATS = tuple((key, fmt, what) for key, fmt, what in FORMATS if fmt != "md")


def write_format(app, session: Session, fmt: str) -> str:  # noqa: ANN001
    """Write one format of a session's record by the one export path (as `facilitator export` does); one
    line saying where it is, or what went wrong and what to do."""
    from ...session_ops import export_record

    what = dict((f, w) for _, f, w in FORMATS)[fmt].split(" (")[0]
    try:
        return f"{what} written: {export_record(app.store, session, fmt)}"
    except (StoreError, OSError) as exc:
        return f"{what} not written: {exc}"


class FormatChoiceScreen(ModalScreen[str | None]):
    """Which format to write: one key each; escape writes nothing."""

    CSS_PATH = HERE / "dialogs.tcss"

    BINDINGS = [
        *(Binding(key, f"choose('{fmt}')", what.split(" (")[0]) for key, fmt, what in FORMATS),
        Binding("escape", "choose(None)", "Cancel"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(id="format-dialog", classes="dialog"):
            yield Static(f"Write the record of {self.heading} as:", classes="dialog-title", markup=False)
            yield Static("\n".join(f"{key}  {what}" for key, _, what in FORMATS), id="format-keys", markup=False)
            yield Static("escape  Cancel", classes="hint", markup=False)

    def action_choose(self, fmt: str | None) -> None:
        self.dismiss(fmt)


class EndConfirmScreen(ModalScreen[bool]):
    """Enter ends the session; escape goes back to it."""

    CSS_PATH = HERE / "dialogs.tcss"

    BINDINGS = [
        Binding("escape", "cancel", "Keep going"),
        Binding("enter", "confirm", "End and write the record", priority=True),
    ]

    def __init__(self, session: Session, unsaved_text: str = "", phones_waiting: int = 0, vote_open: bool = False) -> None:
        super().__init__()
        self.session = session
        self.unsaved_text = unsaved_text
        self.phones_waiting = phones_waiting  # contributions from phones not yet shown: they stay out of the record
        self.vote_open = vote_open  # a dot vote is open: ending closes it, its votes into the record

    def compose(self) -> ComposeResult:
        on_screen = shown(self.session.contributions)  # counted as the room saw them: no flagged concerns
        total = len(on_screen)
        template_phases = {phase.id for phase in self.session.template.phases}
        phases_used = len({c.phase_id for c in on_screen} & template_phases)
        elsewhere = sum(1 for c in on_screen if c.phase_id not in template_phases)
        with Vertical(id="end-dialog", classes="dialog"):
            yield Static("End the session?", classes="dialog-title")
            in_phases = f"{phases_used} of {len(self.session.template.phases)} phases"
            if elsewhere:  # in a phase the template no longer has: counted apart, and where the record puts them
                counted = (
                    f"{plural(total, 'contribution')} recorded: {total - elsewhere} in {in_phases}, and {elsewhere} in "
                    f"a phase the template no longer has (in the record under “{NO_PHASE_HEADING}”)"
                )
            else:
                counted = f"{plural(total, 'contribution')} recorded in {in_phases}"
            yield Static(
                f"{counted}. Ending writes the record now; the session can no longer be added to.", markup=False
            )
            if self.unsaved_text.strip():
                yield Static(
                    "The contribution box still has text that has not been recorded; it will not be in the record. "
                    "Press escape to go back and press enter to record it.",
                    classes="warning",
                    markup=False,
                )
            if not self.session.ground_rules_agreed:
                yield Static(
                    "The ground rules' agreement is not recorded (the record will say so): escape, then f3 and a, "
                    "records it.",
                    classes="warning",
                    markup=False,
                    id="end-ground-rules",
                )
            if self.phones_waiting:
                waiting = self.phones_waiting
                yield Static(
                    f"{plural(waiting, 'contribution')} from phones {'is' if waiting == 1 else 'are'} waiting to be shown "
                    "and will not be in the record. Press escape, then ctrl+r to show them all (ctrl+w one by one).",
                    classes="warning",
                    markup=False,
                    id="end-phones-waiting",
                )
            if self.vote_open:
                yield Static(
                    "A dot vote is open: ending closes it, and its votes go into the record.",
                    markup=False,
                    id="end-vote-open",
                )
            with Horizontal(classes="dialog-buttons"):
                yield Button("End and write the record (enter)", id="end", variant="primary")
                yield Button("Keep going (escape)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#end", Button).focus()
        # on a short screen with many notes, the buttons are in view (the notes above scroll)
        self.call_after_refresh(lambda: self.query_one(".dialog-buttons").scroll_visible(animate=False))

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
        *(Binding(key, f"write('{fmt}')", what.split(" (")[0]) for key, fmt, what in OTHER_FORMATS),
    ]

    def __init__(self, session: Session, record_path: Path) -> None:
        super().__init__()
        self.session = session
        self.record_path = record_path
        self.written: list[str] = []

    def compose(self) -> ComposeResult:
        session = self.session
        yield Header()
        with VerticalScroll(id="ended"):  # (at 24 rows the formats written are below the phases: scrolled to)
            records = self.app.store.records_dir
            if self.record_path.parent == records:
                yield Static("Session ended. The record is written.", classes="screen-title")
                yield Static("The record is at:", classes="label")
            else:  # records/ refused it: kept where it waited, and put in place at the next start
                yield Static("Session ended. The record is written, but not yet in the records folder.",
                             classes="screen-title")
                yield Static(f"{records} refused it (see the message), so it is kept at the path below and put in "
                             "the records folder when the app next starts:", classes="label", markup=False)
            yield PathText(str(self.record_path), id="record-path")
            lines = []
            for number, phase in enumerate(session.template.phases, start=1):
                count = len(shown(session.contributions_in(phase.id)))
                lines.append(f"{number:>2}. {phase.title:<32} {count:>3} recorded")
            elsewhere = len(shown(session.contributions_in_no_phase()))
            if elsewhere:  # no phase of the template lists them: counted under the record's own heading for them
                lines.append(f"    {NO_PHASE_HEADING:<32} {elsewhere:>3} recorded")
            yield Static("\n".join(lines), id="ended-summary", markup=False)
            yield Static(
                "Other formats, one key each: " + " · ".join(f"{key} {what}" for key, _, what in OTHER_FORMATS),
                classes="hint",
                markup=False,
            )
            yield Static("", id="ended-formats", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = shown_title(self.session)  # (the header is on the projector: the names list applied)
        self.sub_title = f"{self.session.template.name} · ended"
        from .learning_data import refresh_history_soon

        refresh_history_soon(self.app)  # the session is in the history index, searched, in a worker thread

    def action_home(self) -> None:
        self.app.go_home()

    def action_write(self, fmt: str) -> None:
        """Write another format beside the record; every format written is listed with where it is."""
        line = write_format(self.app, self.session, fmt)
        what = line.split(" written", 1)[0].split(" not written", 1)[0]
        self.written = [w for w in self.written if not w.startswith(what + " ")] + [line]
        self.query_one("#ended-formats", Static).update("\n".join(self.written))
        self.call_after_refresh(self.query_one("#ended", VerticalScroll).scroll_end, animate=False)
