"""Learning actions: the follow-up round when a team starts a new session, and every open action.

Keys on the table: d done, p in progress, x dropped (with a short note), c carried over. Each change is
durable before the row shows it (store/actions.py); in the follow-up round it is also kept in the new session,
so that session's record lists it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from ...learning.actions import by_owner_and_due, open_actions
from ...models import ActionStatus, LearningAction, Session
from ...store import NotSavedError, StoreError
from ...store.actions import change_status
from ...text import plural
from ...record.redact import make_replacer, name_key
from ...session_ops import set_redactions
from .learning_data import all_actions, history, open_team_actions
from .virtual_table import VirtualTable
from ..widgets.key_bar import KeyBar

STATUS_KEYS = {
    "d": ActionStatus.done,
    "p": ActionStatus.in_progress,
    "x": ActionStatus.dropped,
    "c": ActionStatus.carried_over,
}


def status_text(action: LearningAction) -> Text:
    text = Text(action.status.value)
    if action.history:
        text.append(f" {action.history[-1].date:%d %b}", style="dim")
    return text


def due_cell(action: LearningAction, today) -> Text:  # noqa: ANN001
    if not action.due:
        return Text("no date", style="dim")
    if action.overdue(today):
        return Text(f"{action.due} OVERDUE", style="bold red")
    return Text(action.due)


class ActionTableScreen(Screen):
    """A table of actions whose status can be changed with d / p / x / c."""

    CSS_PATH = "actions.tcss"

    BINDINGS = [
        Binding("d", "status('d')", "Done"),
        Binding("p", "status('p')", "In progress"),
        Binding("x", "status('x')", "Dropped"),
        Binding("c", "status('c')", "Carried over"),
    ]
    session: Session | None = None

    def __init__(self) -> None:
        super().__init__()
        self.actions: list[LearningAction] = []
        self._pending: tuple[str, ActionStatus] | None = None

    def note_row(self) -> ComposeResult:
        with Horizontal(id="action-note-row"):
            yield Label("Note", id="action-note-label")
            yield Input(placeholder="a short note (needed when dropping an action), then the status key", id="action-note", max_length=300)

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#actions-table", VirtualTable)

    def _status(self, message: str | Text, error: bool = False) -> None:
        status = self.query_one("#actions-status", Static)
        status.update(message)
        status.set_class(error, "error")

    def current_action(self) -> LearningAction | None:
        row = self.table.cursor_row
        return self.actions[row] if 0 <= row < len(self.actions) else None

    def action_status(self, key: str) -> None:
        action = self.current_action()
        if action is None:
            self._status("There is no action to change.")
            return
        status = STATUS_KEYS[key]
        note_box = self.query_one("#action-note", Input)
        if status == ActionStatus.dropped and not note_box.value.strip():
            self._pending = (action.id, status)
            note_box.focus()
            self._status("Type a short note on why it is dropped, then press enter.")
            return
        self.apply(action, status, note_box.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "action-note":
            return
        event.stop()
        if self._pending is None:
            self.table.focus()
            self._status("Now press d, p, x or c on the action the note is for.")
            return
        action_id, status = self._pending
        action = next((a for a in self.actions if a.id == action_id), None)
        if action is not None:
            self.apply(action, status, event.value)

    def apply(self, action: LearningAction, status: ActionStatus, note: str) -> None:
        app = self.app
        try:
            updated, session = change_status(app.store, action, status, app.clock().date(), note, self.session)
        except ValueError as exc:
            self._status(str(exc), error=True)
            self.query_one("#action-note", Input).focus()
            return
        except (NotSavedError, StoreError) as exc:
            self._status(str(exc), error=True)
            return
        self._pending = None
        if session is not None:
            self.session = session
            self._take_names(action)
        updated = self._as_shown(updated)
        self.actions = [updated if a.id == action.id else a for a in self.actions]
        self.query_one("#action-note", Input).value = ""
        row = self.table.cursor_row
        self.fill()
        self.table.cursor_row = min(row + 1, self.table.row_count - 1)
        self.table.focus()
        message = Text(f"Saved: “{updated.text[:60]}” is now {status.value}", style="bold")
        if updated.history[-1].note:
            message.append(f" ({updated.history[-1].note})")
        self._status(message)

    def _names_of(self, session_id: str) -> dict[str, str]:
        """The names list of an earlier session, as the history holds it (nothing if it cannot be read)."""
        try:
            facts = next(iter(history(self.app).facts([session_id])), None)
        except (OSError, StoreError):
            facts = None
        return dict(facts.names) if facts is not None else {}

    def _take_names(self, action: LearningAction) -> None:
        """In a follow-up round: the names list of the session the action was agreed in joins this session's
        (its own entries stand), so this session's record, which lists the change and its note, replaces them."""
        if self.session is None:
            return
        own = {name_key(name) for name in self.session.redactions}
        new = {k: v for k, v in self._names_of(action.session_id).items() if name_key(k) and name_key(k) not in own}
        if not new:
            return
        try:
            self.session = set_redactions(self.app.store, self.session, {**self.session.redactions, **new})
        except (NotSavedError, StoreError) as exc:
            self.app.notify(f"The earlier session's names to replace were not added to this one: {exc}",
                            severity="warning", markup=False)

    def _as_shown(self, action: LearningAction) -> LearningAction:
        """The action with its newest status note as the group sees notes: with the names list of the session
        of the follow-up round (if any), then that of the session it was agreed in, replaced."""
        if not action.history or not action.history[-1].note:
            return action
        change = action.history[-1]
        note = change.note
        if self.session is not None:
            note = make_replacer(self.session.redactions)(note)
        note = make_replacer(self._names_of(action.session_id))(note)
        if note == change.note:
            return action
        return action.model_copy(update={"history": [*action.history[:-1], change.model_copy(update={"note": note})]})

    def fill(self) -> None:  # pragma: no cover - each screen fills its own table
        raise NotImplementedError


class FollowUpScreen(ActionTableScreen):
    """Shown when a new session starts for a team with open actions from earlier sessions."""

    BINDINGS = ActionTableScreen.BINDINGS + [
        Binding("ctrl+s", "done", "Start the session", priority=True),
        Binding("escape", "done", "Skip"),
    ]

    def __init__(self, session: Session, actions: list[LearningAction]) -> None:
        super().__init__()
        self.session = session
        self.actions = actions

    def compose(self) -> ComposeResult:
        yield Header()
        team = make_replacer(self.session.redactions)(self.session.team)
        yield Static(f"Follow-up: open learning actions of {team}", classes="screen-title", markup=False, id="follow-up-title")
        yield Static(
            "A quick round before the session: for each action, d done, p in progress, x dropped (with a note), "
            "c carried over. Actions left as they are stay open. ctrl+s starts the session.",
            classes="hint",
            markup=False,
        )
        yield VirtualTable(
            [("Action", None), ("Owner", 14), ("Due", 18), ("Agreed", 11), ("Status", 18)], id="actions-table"
        )
        yield from self.note_row()
        yield Static("", id="actions-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = make_replacer(self.session.redactions)(self.session.title)
        table = self.table
        self.fill()
        table.focus()
        today = self.app.clock().date()
        overdue = sum(1 for a in self.actions if a.overdue(today))
        self._status(f"{plural(len(self.actions), 'open action')}, {overdue} overdue.")

    def fill(self) -> None:
        today = self.app.clock().date()
        self.table.set_rows(
            [(a.text, a.owner or "—", due_cell(a, today), f"{a.session_date:%d %b %Y}", status_text(a)) for a in self.actions]
        )

    def action_done(self) -> None:
        self.app.open_session(self.session)


class ActionsScreen(ActionTableScreen):
    """Every open learning action, by owner and due date (a shows closed ones too)."""

    BINDINGS = ActionTableScreen.BINDINGS + [
        Binding("a", "toggle_all", "Show closed"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.every: list[LearningAction] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Learning actions, by owner and due date", classes="screen-title", id="actions-title")
        yield VirtualTable(
            [("Owner", 14), ("Due", 18), ("Action", None), ("Team", 18), ("Agreed", 11), ("Status", 18)],
            id="actions-table",
        )
        yield Static("", id="action-history", markup=False)
        yield from self.note_row()
        yield Static("", id="actions-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "open actions"
        self.every = all_actions(self.app)
        self._choose()
        self.table.focus()

    def _choose(self) -> None:
        chosen = self.every if self.show_all else open_actions(self.every)
        self.actions = by_owner_and_due(chosen)
        self.fill()
        today = self.app.clock().date()
        overdue = sum(1 for a in self.actions if a.overdue(today))
        what = "actions" if self.show_all else "open actions"
        self._status(f"{len(self.actions)} {what}, {overdue} overdue. Enter shows an action's history.")

    def fill(self) -> None:
        today = self.app.clock().date()
        self.table.set_rows(
            [
                (a.owner or "no owner", due_cell(a, today), a.text, a.team or "—", f"{a.session_date:%d %b %Y}", status_text(a))
                for a in self.actions
            ]
        )
        updated = {a.id: a for a in self.actions}
        self.every = [updated.get(a.id, a) for a in self.every]

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.sub_title = "all actions" if self.show_all else "open actions"
        self._choose()

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        action = self.current_action()
        if action is None:
            return
        text = Text()
        text.append(action.text, style="bold")
        text.append(f"\nAgreed {action.session_date:%d %b %Y} in “{action.session_title}”")
        if action.tell:
            text.append(f"; who hears about it: {action.tell}")
        for change in action.history:
            text.append(f"\n{change.date:%d %b %Y}: {change.status.value}")
            if change.note:
                text.append(f" ({change.note})")
        if not action.history:
            text.append("\nNo status changes yet.", style="dim")
        self.query_one("#action-history", Static).update(text)


def open_with_follow_up(app, session: Session) -> None:  # noqa: ANN001 - FacilitatorApp
    """Open a new session, first showing its team's open learning actions from earlier sessions, if any."""
    actions = []
    if session.team.strip():
        try:
            actions = open_team_actions(app, session.team, exclude_session=session.id)
        except StoreError as exc:
            app.notify(str(exc), severity="warning", markup=False)
    if not actions:
        app.open_session(session)
        return
    while len(app.screen_stack) > 1:
        app.pop_screen()
    app.push_screen(FollowUpScreen(session, actions))
