"""Learning actions: the follow-up round when a team starts a new session, and every open action.

Keys on the table: d done, p in progress, x dropped (with a short note), c carried over. A key only proposes
the change for the row the cursor is on; enter saves it, escape cancels, ctrl+z undoes the last saved change.
Typing anything else while the table has the focus goes into the note box, never to the table: a note
typed with the wrong focus cannot change a status. Each change is durable before the row shows it
(store/actions.py); in the follow-up round it is also kept in the new session, so that session's record
lists it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static
from ..widgets.keys_in_order import TextInput

from ...learning.actions import ActionRow
from ...vocabulary import ActionStatus
from ...store import NotSavedError, StoreError
from ...store.actions import Saved, change_status, note_left_as_they_stand, take_back
from ...text import plural, shortened, team_key
from ...record.redact import make_replacer, name_key, people_renamed
from .learning_data import ActionSource, history, history_index
from .virtual_table import VirtualTable
from ..widgets.key_bar import KeyBar

if TYPE_CHECKING:  # the pydantic models are loaded when a status is changed, not to list the actions
    from ...models import ActionStatusChange, Session

LOOKING = "Looking for this team's open learning actions…"

STATUS_KEYS = {
    "d": ActionStatus.done,
    "p": ActionStatus.in_progress,
    "x": ActionStatus.dropped,
    "c": ActionStatus.carried_over,
}


def status_text(action: ActionRow) -> Text:
    text = Text(action.status.value)
    if action.changed is not None:
        text.append(f" {action.changed:%d %b}", style="dim")
    return text


def agreed_text(action: ActionRow) -> str:
    """When the action was agreed, with its number in that session's record: "A2, 01 Sep 2026"."""
    day = f"{action.session_date:%d %b %Y}"
    return f"A{action.number}, {day}" if action.number else day


def named(action: ActionRow) -> str:
    """An action as a message names it, so that two that say the same are told apart: "“Share the plan” (A2,
    01 Sep 2026, Priya)"."""
    owner = f", {action.owner}" if action.owner else ""
    return f"“{shortened(action.text)}” ({agreed_text(action)}{owner})"


#: what a due in italics is, on the status line under the actions
WORDS_DUE = "A due in italics is words, never overdue."


def due_cell(action: ActionRow, today) -> Text:  # noqa: ANN001
    if not action.due:
        return Text("no date", style="dim")
    if action.overdue(today):
        return Text(f"{action.due} OVERDUE", style="bold red")
    if action.due_date is None:
        # (the words alone, in italics: "(not a date: never overdue)" after them was cut by the column at any size;
        # the status line says what italics mean)
        return Text(action.due, style="italic")
    return Text(action.due)


def refresh_registers(app, session_ids: Sequence[str]) -> None:  # noqa: ANN001 - FacilitatorApp
    """The action registers (CSV) in records/ of these sessions, written again in a thread (their files are read):
    after a status changed here, and after the names list of a session whose follow-up round changed them changed,
    or that session ended (the notes are shown with its list applied: a name added to it reached no register)."""
    if not session_ids:
        return
    from ...session_ops import refresh_action_registers

    store = app.store
    app.run_worker(lambda: refresh_action_registers(store, session_ids), thread=True, group="registers",
                   exit_on_error=False)


def rewrite_later_records(app, session: Session) -> None:  # noqa: ANN001 - FacilitatorApp
    """The final records of the team's later ended sessions whose follow-up round listed one of this session's actions,
    written again in a thread (session_ops.rewrite_records_reviewing): after an action was flagged as a safeguarding
    concern, deleted or brought back, or the names list changed. The facilitator is told which files changed (a copy
    shared before is not the record any more)."""
    from ...session_ops import rewrite_records_reviewing

    store = app.store

    def work() -> None:
        paths = [p for p in rewrite_records_reviewing(store, session) if p.suffix == ".md"]
        if paths:
            app.call_from_thread(
                app.notify,
                f"Written again, with this session's actions as they are now: the final {plural(len(paths), 'record')} "
                f"of {'a later session' if len(paths) == 1 else 'later sessions'} whose follow-up round listed them "
                f"({', '.join(str(p) for p in paths)}). If a copy was shared, share the new one.",
                title="Later records written again", severity="warning", timeout=20, markup=False,
            )

    app.run_worker(work, thread=True, group="later-records", exit_on_error=False)


class Rows(Sequence):
    """The table's rows, each made only when it is drawn (a long history has thousands of actions)."""

    def __init__(self, actions: list[ActionRow], make) -> None:  # noqa: ANN001 - ActionRow -> cells
        self.actions = actions
        self.make = make

    def __len__(self) -> int:
        return len(self.actions)

    def __getitem__(self, index):  # noqa: ANN001, ANN204
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        try:
            return self.make(self.actions[index])
        except IndexError:  # the history changed under the list since it was counted: a blank line
            return ("",)

    def __iter__(self):  # noqa: ANN204
        return (self[i] for i in range(len(self)))


class ActionTableScreen(Screen):
    """A table of actions whose status can be changed with d / p / x / c."""

    CSS_PATH = "actions.tcss"

    BINDINGS = [
        Binding("d", "status('d')", "Done"),
        Binding("p", "status('p')", "In progress"),
        Binding("x", "status('x')", "Dropped"),
        Binding("c", "status('c')", "Carried over"),
        Binding("ctrl+z", "undo", "Undo"),  # in the note box, ctrl+z undoes typing
    ]
    session: Session | None = None
    # Keys the table itself answers to besides the status keys (the actions screen adds "a").
    TABLE_KEYS: frozenset[str] = frozenset()

    def __init__(self) -> None:
        super().__init__()
        #: the actions listed (a list, or pages read from the history index as they are shown)
        self.actions: Sequence[ActionRow] = []
        #: where the actions are read from, and their status changes (made in a worker: see start_reading)
        self.source: ActionSource | None = None
        #: the actions changed on this screen, as they are now (shown in their place until listed again)
        self.changed: dict[str, ActionRow] = {}
        #: the status changes made on this screen, by action (added to those the history holds)
        self.history: dict[str, list[ActionStatusChange]] = {}
        #: False until the actions are read (in a worker: the screen is drawn and answers keys meanwhile)
        self.ready = False
        self._pending: tuple[str, ActionStatus] | None = None
        self._pending_row: ActionRow | None = None
        self._pending_key = ""
        #: the changes made here, newest last: (the row as it was, the change as saved, the follow-up round's
        #: review of the action before it if any, the row's place in the table)
        self._undo: list[tuple[ActionRow, Saved, object | None, int]] = []
        self._typing = False  # letters typed at the table are going into the note box
        self._typing_timer = None

    def refresh_register(self, session_id: str) -> None:
        """The action register (CSV) in records/ of the session an action changed here (or a change undone) was
        agreed in, written again with the statuses as they are now. At each change, so a quit straight after it
        (ctrl+q) leaves the register as the change left it."""
        refresh_registers(self.app, [session_id])

    def note_row(self) -> ComposeResult:
        with Horizontal(id="action-note-row"):
            yield Label("Note", id="action-note-label")
            yield TextInput(
                placeholder="a note: type it, press enter, then d, p, x or c and enter",
                id="action-note",
                max_length=300,
                select_on_focus=False,
            )

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#actions-table", VirtualTable)

    def _status(self, message: str | Text, error: bool = False) -> None:
        status = self.query_one("#actions-status", Static)
        status.update(message)
        status.set_class(error, "error")

    def current_action(self) -> ActionRow | None:
        row = self.table.cursor_row
        try:
            return self.actions[row] if 0 <= row < len(self.actions) else None
        except IndexError:
            return None

    def history_of(self, action: ActionRow) -> list[ActionStatusChange]:
        """An action's status changes, oldest first: those the history holds, then those made here."""
        earlier = self.source.book.history(action.id, action.session_id) if self.source is not None else []
        return [*earlier, *self.history.get(action.id, ())]

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # Status keys act only on a focused row of the table, never from the note box or anywhere else.
        if action == "status" and (self.focused is not self.table or self._typing):
            return False
        if action == "toggle_all" and (self._pending is not None or self._typing or self.focused is not self.table):
            return False  # a letter after a status key, or typed on into the note box, is typing
        return True

    def action_status(self, key: str) -> None:
        action = self.current_action()
        if action is None:
            self._status("There is no action to change.")
            return
        if self._pending is not None:
            # A second letter before enter: that is someone typing, not choosing a status.
            self._to_note(key)
            return
        status = STATUS_KEYS[key]
        note_box = self.query_one("#action-note", Input)
        self._pending = (action.id, status)
        self._pending_row = action
        self._pending_key = key
        if status == ActionStatus.dropped and not note_box.value.strip():
            note_box.focus()
            self._status(
                Text(f"Dropping {named(action)}: type a short note on why, then press enter (escape cancels).")
            )
            return
        message = Text(f"Mark {named(action)} as {status.value}? ", style="bold")
        message.append("Enter saves; escape cancels.")
        self._status(message)

    def _to_note(self, typed: str) -> None:
        """Letters typed at the table go into the note box, in order; any status proposed is cancelled.

        The focus moves to the note box only once the typing stops, so that a fast burst of keys, all sent
        to the table, lands whole and in order; until then no key of the burst can change a status."""
        note_box = self.query_one("#action-note", Input)
        note_box.value = note_box.value + self._pending_key + typed
        note_box.cursor_position = len(note_box.value)
        self._pending = None
        self._pending_key = ""
        self._typing = True
        if self._typing_timer is not None:
            self._typing_timer.stop()
        self._typing_timer = self.set_timer(0.3, self._typing_stopped)
        self._status("That looked like typing, so it went into the note box; no status was changed.")

    def _typing_stopped(self) -> None:
        self._typing = False
        self._typing_timer = None
        note_box = self.query_one("#action-note", Input)
        note_box.focus()
        note_box.cursor_position = len(note_box.value)

    def on_key(self, event) -> None:  # noqa: ANN001 - textual.events.Key
        # A letter that gets here was not taken by the note box (an Input keeps what is typed in it): it was
        # typed at the table.
        if not event.is_printable or event.character is None:
            return
        # The table's own keys are handled here too, not left to their bindings: those run later, when the key
        # reaches the app, and a fast burst of typing would reach this point first.
        event.stop()
        event.prevent_default()
        character = event.character
        if self.focused is self.table and not self._typing and self._pending is None:
            if character == " ":
                return
            if character in STATUS_KEYS:
                self.action_status(character)
                return
            if character in self.TABLE_KEYS:
                self.run_table_key(character)
                return
        self._to_note(character)

    def run_table_key(self, character: str) -> None:
        """A key of the table's own besides the status keys (the actions screen's "a")."""

    def cancel_pending(self) -> bool:
        """Escape with a status proposed: nothing changes. True if there was one to cancel."""
        if self._pending is None:
            return False
        self._pending = None
        self._pending_key = ""
        self.table.focus()
        self._status("Cancelled: no status was changed.")
        return True

    def confirm_pending(self) -> bool:
        """Enter on the row a status was proposed for: save it. True if there was one."""
        if self._pending is None:
            return False
        action_id, status = self._pending
        current = self.current_action()
        if current is None or current.id != action_id:
            self._pending = None
            self._pending_key = ""
            self._status("The cursor moved, so nothing was changed: press the status key again on the row you mean.")
            return True
        self.apply(current, status, self.query_one("#action-note", Input).value)
        return True

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        if self._typing:
            # Enter straight after a note typed at the table (within the pause that moves the focus to the note box):
            # the note is given, as enter in the note box gives it. It opened the action's history instead, and the
            # status key pressed next went into the note, leaving the status as it was.
            event.stop()
            if self._typing_timer is not None:
                self._typing_timer.stop()
                self._typing_timer = None
            self._typing = False
            self._status("Now press d, p, x or c on the action the note is for, then enter.")
            return
        if self.confirm_pending():
            event.stop()
            return
        self.show_history()

    def show_history(self) -> None:
        action = self.current_action()
        if action is None:
            return
        text = Text()
        text.append(action.text, style="bold")
        text.append(f"\nAgreed {action.session_date:%d %b %Y} in “{action.session_title}”")
        if action.number:  # (the narrow table leaves its Agreed column out: here it is whole)
            text.append(f", A{action.number} in its record")
        if action.tell:
            text.append(f"; who hears about it: {action.tell}")
        steps = self.history_of(action)
        for change in steps:
            text.append(f"\n{change.date:%d %b %Y}: {change.status.value}")
            if change.note:
                text.append(f" ({change.note})")
        if not steps:
            text.append("\nNo status changes yet.", style="dim")
        text.append("\nescape closes this.", style="dim")
        self.query_one("#action-history", Static).update(text)
        self._history_shown = True

    def note_left_unsaved(self, again: str) -> bool:
        """Leaving the screen with a note typed and not yet given to an action: said once, and the screen stays (the
        note was thrown away unseen). The same key again (``again``: what it does) leaves without it. True if said."""
        note = self.query_one("#action-note", Input).value.strip()
        if not note or getattr(self, "_note_warned", None) == note:
            return False
        self._note_warned = note
        shown = note if len(note) <= 40 else note[:39] + "…"
        self._status(Text(f"The note “{shown}” is not saved: give it to an action (d, p, x or c on its row, then "
                          f"enter), or {again} without it.", style="bold"), error=True)
        return True

    def close_history(self) -> bool:
        """Escape with an action shown whole (enter): it is put away, and nothing else happens. True if one was.
        (In the follow-up round, escape skipped the whole round then.)"""
        if not getattr(self, "_history_shown", False):
            return False
        self._history_shown = False
        self.query_one("#action-history", Static).update("")
        self.table.focus()
        return True

    def action_undo(self) -> None:
        """Take back the last status change made here, as if it had not been made: the action shows what it
        showed before, and a follow-up round's record does not list it (unless it was changed before)."""
        if self.cancel_pending():
            return
        if not self._undo:
            self._status("No status change to undo.")
            return
        action, saved, before, row = self._undo.pop()
        try:
            session = take_back(self.app.store, saved, self.session, before)
        except (NotSavedError, StoreError) as exc:
            self._undo.append((action, saved, before, row))
            self._status(str(exc), error=True)
            return
        if session is not None:
            self.session = session
        self.refresh_register(action.session_id)
        shown = self.history.get(action.id, [])
        if shown:
            shown.pop()
        self.changed[action.id] = action
        self.fill()
        self.table.cursor_row = min(row, self.table.row_count - 1)  # back on the action undone
        self.table.focus()
        self._status(Text(f"Undone: {named(action)} is {action.status.value} again.", style="bold"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "action-note":
            return
        event.stop()
        if self._pending is None:
            self.table.focus()
            self._status("Now press d, p, x or c on the action the note is for, then enter.")
            return
        action_id, status = self._pending
        action = self._pending_row
        if action is not None and action.id == action_id:
            self.apply(self.changed.get(action_id, action), status, event.value)

    def apply(self, action: ActionRow, status: ActionStatus, note: str) -> None:
        app = self.app
        try:
            before = self._review_of(action.id)
            # (in a follow-up round of a session dated in the past, the change is of that day)
            today = app.clock().date()
            day = self.session.day_said(today) if self.session is not None else today
            earlier = self._names_of(action.session_id) if self.session is not None else None
            saved = change_status(app.store, action, status, day, note, self.session, from_names=earlier)
            change, session = saved.change, saved.session
        except ValueError as exc:
            self._status(str(exc), error=True)
            self.query_one("#action-note", Input).focus()
            return
        except (NotSavedError, StoreError) as exc:
            self._status(str(exc), error=True)
            return
        self._pending = None
        self._pending_key = ""
        self.refresh_register(action.session_id)
        self._undo.append((action, saved, before, self.table.cursor_row))
        if session is not None:
            self.session = session
            self._take_names(action)
        updated = self._changed(action, self._as_shown(action, change))
        self.query_one("#action-note", Input).value = ""
        row = self.table.cursor_row
        self.fill()
        self.table.cursor_row = min(row + 1, self.table.row_count - 1)
        self.table.focus()
        message = Text(f"Saved: {named(updated)} is now {status.value}", style="bold")
        if updated.note:
            message.append(f" ({updated.note})")
        message.append(". ctrl+z undoes.")
        self._status(message)

    def _review_of(self, action_id: str) -> object | None:
        """The follow-up round's review of this action so far (None: not reviewed in it, or not a round)."""
        if self.session is None:
            return None
        return next((r for r in self.session.action_reviews if r.action_id == action_id), None)

    def _names_of(self, session_id: str) -> dict[str, str]:
        """The names list of an earlier session, as the history holds it (nothing if it cannot be read)."""
        from ...store.actions import names_lists

        try:
            return dict(names_lists(history(self.app).db, [session_id]).get(session_id, ()))
        except (OSError, StoreError):
            return {}

    def _changed(self, action: ActionRow, change: ActionStatusChange) -> ActionRow:
        """The row with this change as its newest status (its history too), shown in its place."""
        self.history[action.id] = [*self.history.get(action.id, ()), change]
        updated = dataclasses.replace(action, status=change.status, changed=change.date, note=change.note)
        self.changed[action.id] = updated
        return updated

    def _take_names(self, action: ActionRow) -> None:
        """In a follow-up round: the names list of the session the action was agreed in joins this session's
        (its own entries stand), so this session's record, which lists the change and its note, replaces them."""
        if self.session is None:
            return
        own = {name_key(name) for name in self.session.redactions}
        new = {k: v for k, v in self._names_of(action.session_id).items() if name_key(k) and name_key(k) not in own}
        # Not one that would rename someone at this session ("Smith -> Child A" and the facilitator Jo Smith): said.
        for name, person, shown in people_renamed(dict(new), self.session.speakers):
            replacement = new.pop(name, None)
            if replacement is not None:  # (said once a name, whoever else it renames)
                self.app.notify(
                    f"“{name} -> {replacement}” of the earlier session's names list was not added to this one: "
                    f"{person} is at this session, and the record would call them “{shown}”.",
                    severity="warning", markup=False, timeout=15,
                )
        if not new:
            return
        from ...session_ops import set_redactions

        try:
            self.session = set_redactions(self.app.store, self.session, {**self.session.redactions, **new})
        except (NotSavedError, StoreError) as exc:
            self.app.notify(f"The earlier session's names to replace were not added to this one: {exc}",
                            severity="warning", markup=False)

    def _as_shown(self, action: ActionRow, change: ActionStatusChange) -> ActionStatusChange:
        """The change with its note as the group sees notes: with the names list of the session of the
        follow-up round (if any), then that of the session the action was agreed in, replaced."""
        if not change.note:
            return change
        note = change.note
        if self.session is not None:
            note = make_replacer(self.session.redactions)(note)
        note = make_replacer(self._names_of(action.session_id))(note)
        return change if note == change.note else change.model_copy(update={"note": note})

    def read_actions(self) -> tuple[ActionSource, Sequence[ActionRow], int]:  # pragma: no cover - each screen its own
        """(where the actions are read from, those listed first, how many of them are overdue)."""
        raise NotImplementedError

    def start_reading(self) -> None:
        """Read the actions in a worker thread; the table is filled when they are read (``actions_read``)."""
        app = self.app

        def read() -> None:
            try:
                found = self.read_actions()
            except Exception as exc:  # noqa: BLE001 - one sentence on the screen, never a stopped app
                if app.is_running:
                    app.call_from_thread(self.actions_failed, str(exc) or type(exc).__name__)
                return
            if app.is_running:
                app.call_from_thread(self.actions_read, found)

        self.run_worker(read, thread=True, group="actions", exit_on_error=False)

    def actions_read(self, found: tuple[ActionSource, Sequence[ActionRow], int]) -> None:  # pragma: no cover
        raise NotImplementedError

    def actions_failed(self, problem: str) -> None:
        self.ready = True
        if not self.is_attached:
            return
        self._status(f"The learning actions could not be read: {problem}", error=True)

    def fill(self) -> None:  # pragma: no cover - each screen fills its own table
        raise NotImplementedError


def actions_read_from(app) -> tuple | None:  # noqa: ANN001 - FacilitatorApp
    """What a team's open actions are read from, as it stands now: the history index (up to date with every
    session recorded, ended or repaired), the action log, today. None while the history is not up to date (being
    read, or a session ended a moment ago and not yet in it)."""
    from ...store.actions import log_mark

    index = history(app)
    if not index.up_to_date:
        return None
    return id(index.db), app.store.changes, index.db.replaced, log_mark(app.store), app.clock().date()


class TeamActions:
    """A team's open learning actions for the follow-up round of its new session, read in a worker from the moment
    this is made: the set-up screen makes it as soon as a team used before is typed (``session_id`` given once the
    session is made), or else on ctrl+s before the session, so the reading goes on while the session is written
    (its fsyncs) and the round is composed. ``changed``: the round's changed rows, shown changed."""

    def __init__(self, app, team: str, session_id: str = "") -> None:  # noqa: ANN001 - FacilitatorApp
        self.team = team
        self.session_id = session_id
        ahead = not session_id  # read before the session is made: kept for it if nothing changes meanwhile
        #: what the actions were read from (actions_read_from, the same before and after the reading), if read ahead
        self.read_from: tuple | None = None
        self.changed: dict[str, ActionRow] = {}
        #: once read: (True, (source, actions, overdue)) or (False, the problem in a few words)
        self.found: tuple[bool, object] | None = None
        self.arrived = asyncio.Event()
        #: called on the app's thread when they arrive (the round, once it is up)
        self.on_arrival: Callable[[], None] | None = None
        today, changed = app.clock().date(), self.changed

        def read() -> None:
            try:
                before = actions_read_from(app) if ahead else None
                if ahead and before is None:  # the history brought up to date first, as the round would
                    history_index(app)
                    before = actions_read_from(app)
                source = ActionSource(app, team=team, skip_session=session_id or None)
                actions, overdue = source.listing(True, changed, today)
                actions[0:1]  # the first page, read here rather than when drawn  # noqa: B018
                if before is not None and before == actions_read_from(app):
                    self.read_from = before
            except Exception as exc:  # noqa: BLE001 - one sentence on the screen, never a stopped app
                found: tuple[bool, object] = (False, str(exc) or type(exc).__name__)
            else:
                found = (True, (source, actions, overdue))
            if app.is_running:
                app.call_from_thread(self._arrive, found)

        app.run_worker(read, thread=True, group="follow-up", exit_on_error=False)

    def _arrive(self, found: tuple[bool, object]) -> None:
        self.found = found
        self.arrived.set()
        if self.on_arrival is not None:
            self.on_arrival()

    def fits(self, session: Session) -> bool:
        return self.session_id == session.id and team_key(self.team) == team_key(session.team)

    def still_current(self, app) -> bool:  # noqa: ANN001 - FacilitatorApp
        """Read ahead, and nothing it was read from has changed since the reading began (no session recorded, ended
        or repaired, no status changed, the same day): what it read is what a reading begun now would."""
        found = self.found
        return (
            found is not None and found[0] and self.read_from is not None and self.read_from == actions_read_from(app)
        )

    @property
    def none_open(self) -> bool:
        """Read, and the team has no open action from an earlier session."""
        return self.found is not None and self.found[0] and not self.found[1][1]  # type: ignore[index]


class FollowUpScreen(ActionTableScreen):
    """Shown when a new session starts for a team with open actions from earlier sessions.

    The team's actions are read in a worker (``TeamActions``) begun before the session is made, while the session
    is written and the screen composed. The screen waits for them, up to ``WAIT_FOR_ROWS``, before it is first
    drawn, so the round appears with its rows instead of an empty table and then the rows (two layouts and
    paints of the screen). The app's event loop runs meanwhile; keys pressed then are handled once the screen is
    up. If the reading takes longer (a history still being read at start), the screen is drawn saying so and
    filled when it ends.
    """

    BINDINGS = ActionTableScreen.BINDINGS + [
        Binding("ctrl+s", "done", "Start the session", priority=True),
        Binding("escape", "skip", "Skip"),
    ]
    #: seconds the screen waits for the team's actions before it is first drawn (they take a few ms to read)
    WAIT_FOR_ROWS = 0.1

    def keys_of_the_moment(self) -> list[str]:
        """The key bar's keys a narrow bar keeps (80 columns), most important first: the way on to the session
        first (at 80 columns the bar had only the status keys and undo); c is named in the words above the table."""
        return ["done", "status('d')", "status('p')", "status('x')", "status('c')", "skip", "undo", "help"]

    def __init__(self, session: Session, actions: TeamActions | None = None) -> None:
        super().__init__()
        self.session = session
        self.team_actions = actions
        if actions is not None:
            self.changed = actions.changed

    def compose(self) -> ComposeResult:
        yield Header()
        listed = self.app.store.team_as_listed(self.session.team, only_if_ready=True)
        yield Static(self._title(listed), classes="screen-title", markup=False, id="follow-up-title")
        yield Static(
            "A quick round before the session: for each action, d done, p in progress, x dropped (with a note), "
            "c carried over, then enter to save it (ctrl+z undoes); enter alone shows the action whole. Actions left "
            "as they are stay open. ctrl+s starts the session.",
            classes="hint",
            markup=False,
        )
        yield VirtualTable(
            [("Action", None), ("Owner", 14, 9, False, False, 20), ("Due", 18), ("Agreed", 16, 10, True),
             ("Status", 19, 11, False, False, 24)],
            id="actions-table",
        )
        yield Static("", id="action-history", markup=False)  # enter: the action whole, as the table cuts it
        yield from self.note_row()
        yield Static(LOOKING, id="actions-status", markup=False)
        yield KeyBar()

    def _title(self, listed: list[str] | None) -> str:
        """The round's title on the projector: the team as its earlier sessions' names lists show it (as the history
        holds it) where they change its name, else as this session's list shows it; this session's list applied."""
        return f"Follow-up: open learning actions of {make_replacer(self.session.redactions)((listed or [self.session.team])[0])}"

    async def on_mount(self) -> None:
        self.sub_title = make_replacer(self.session.redactions)(self.session.title)
        self.table.focus()
        reading = self.team_actions
        if reading is None:
            reading = self.team_actions = TeamActions(self.app, self.session.team, self.session.id)
            self.changed = reading.changed
        if not reading.arrived.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(reading.arrived.wait(), self.WAIT_FOR_ROWS)
        reading.on_arrival = self._arrived
        if reading.found is not None:
            self._arrived()

    def _arrived(self) -> None:
        reading = self.team_actions
        if reading is None or reading.found is None:
            return
        read, value = reading.found
        reading.on_arrival = None
        if read:
            self.actions_read(value)  # type: ignore[arg-type]
        else:
            self.actions_failed(value)  # type: ignore[arg-type]

    def actions_read(self, found: tuple[ActionSource, Sequence[ActionRow], int]) -> None:
        if not self.is_attached or self.app.screen is not self:
            return  # the session was started meanwhile (ctrl+s)
        self.source, actions, overdue = found
        if self.source.listed_as:
            self.query_one("#follow-up-title", Static).update(self._title(self.source.listed_as))
        if not actions:
            # Once this screen is drawn (a screen taken away before its widgets are up upsets them).
            self.call_after_refresh(self._no_round)
            return
        self.ready = True
        self.actions = actions
        self.fill()
        self._status(f"{plural(len(self.actions), 'open action')}, {overdue:,} overdue. {WORDS_DUE}")

    def _no_round(self) -> None:
        if self.is_attached and self.app.screen is self:
            self.app.open_session(self.session)
        self.ready = True

    def actions_failed(self, problem: str) -> None:
        if not self.is_attached or self.app.screen is not self:
            return
        self.app.notify(f"The team's open learning actions could not be read: {problem}", severity="warning", markup=False)
        self.call_after_refresh(self._no_round)

    def fill(self) -> None:
        today = self.app.clock().date()
        self.table.set_rows(
            Rows(self.actions, lambda a: (a.text, a.owner or "—", due_cell(a, today), agreed_text(a), status_text(a)))
        )

    def action_done(self) -> None:
        if not self.note_left_unsaved("ctrl+s again starts the session"):
            self._note_left()
            self.app.open_session(self.session)

    def _note_left(self) -> None:
        """The actions the round showed and left as they stood are kept in the session, so its record's matters
        arising lists them after the changes (ctrl+s only: escape skips the round)."""
        if not self.ready or not self.actions:
            return
        today = self.app.clock().date()
        shown = (self.changed.get(a.id, a) for a in self.actions)
        try:
            self.session = note_left_as_they_stand(self.app.store, self.session, shown, self.session.day_said(today))
        except (NotSavedError, StoreError) as exc:
            self.app.notify(f"The actions left as they stood are not in the record: {exc}", severity="warning",
                            markup=False)

    def action_skip(self) -> None:
        if not self.cancel_pending() and not self.close_history() and not self.note_left_unsaved(
            "escape again skips the rest of the round"
        ):
            self.app.open_session(self.session)


class ActionsScreen(ActionTableScreen):
    """Every open learning action, by owner and due date (a shows closed ones too)."""

    BINDINGS = ActionTableScreen.BINDINGS + [
        Binding("a", "toggle_all(True)", "Show closed"),
        Binding("a", "toggle_all(False)", "Open only"),
        Binding("escape", "back", "Back"),
    ]
    TABLE_KEYS = frozenset("a")

    def keys_of_the_moment(self) -> list[str]:
        """The key bar's keys a narrow bar keeps (80 columns), most important first: a and escape, which had no
        room there (the status line names d, p, x and c)."""
        return ["status('d')", "status('p')", "status('x')", "toggle_all(True)", "toggle_all(False)", "back",
                "status('c')", "undo", "help"]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self._spelling: dict[str, str] = {}
        self._overdue = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Learning actions, by owner and due date", classes="screen-title", id="actions-title")
        yield VirtualTable(
            [("Owner", 14, 9, False, False, 20), ("Due", 18), ("Action", None), ("Team", 18, 10, False, True, 26),
             ("Agreed", 16, 10, True), ("Status", 19, 11, False, False, 24)],
            id="actions-table",
        )
        yield Static("", id="action-history", markup=False)
        yield from self.note_row()
        yield Static("", id="actions-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "open actions"
        self.table.focus()
        self._status("Reading the learning actions…")
        self.start_reading()

    def read_actions(self) -> tuple[ActionSource, Sequence[ActionRow], int]:
        source = ActionSource(self.app)
        # One spelling per team (the newest), however each session typed it.
        self._spelling = source.spelling()
        actions, overdue = source.listing(not self.show_all, self.changed, self.app.clock().date())
        actions[0:1]  # the first page, read here rather than when drawn  # noqa: B018
        return source, actions, overdue

    def actions_read(self, found: tuple[ActionSource, Sequence[ActionRow], int]) -> None:
        if not self.is_attached:
            return  # closed while they were read
        self.source, self.actions, self._overdue = found
        self.ready = True
        self._choose(listed=True)

    def _choose(self, listed: bool = False) -> None:
        if not listed and self.source is not None:
            self.actions, self._overdue = self.source.listing(not self.show_all, self.changed, self.app.clock().date())
        self.fill()
        overdue = self._overdue
        what = "action" if self.show_all else "open action"
        self._status(
            f"{plural(len(self.actions), what)}, {overdue:,} overdue. d, p, x or c then enter changes a status; "
            f"enter shows an action's history. {WORDS_DUE}"
        )

    def fill(self) -> None:
        today = self.app.clock().date()
        spelling = self._spelling
        self.table.set_rows(
            Rows(self.actions, lambda a: (
                a.owner or "no owner",
                due_cell(a, today),
                a.text,
                spelling.get(team_key(a.team), a.team) or "—",
                agreed_text(a),
                status_text(a),
            ))
        )

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        allowed = super().check_action(action, parameters)
        if allowed and action == "toggle_all" and parameters:  # a: "Show closed" while only open ones are shown
            return parameters[0] != self.show_all
        return allowed

    def run_table_key(self, character: str) -> None:
        if character == "a":
            self.action_toggle_all()

    def action_toggle_all(self, show_all: bool | None = None) -> None:
        if not self.ready:
            return
        self.show_all = not self.show_all if show_all is None else show_all
        self.sub_title = "all actions" if self.show_all else "open actions"
        self.refresh_bindings()  # the key bar's a: "Show closed" or "Open only"
        self._choose()

    def action_back(self) -> None:
        if not self.cancel_pending() and not self.close_history() and not self.note_left_unsaved(
            "escape again leaves"
        ):
            self.app.pop_screen()

def open_with_follow_up(app, session: Session, actions: TeamActions | None = None) -> None:  # noqa: ANN001
    """Open a new session, first showing its team's open learning actions from earlier sessions, if any.

    The actions are read in a worker (``actions``, begun before the session was made, or begun here), while the
    round is composed; with none, the session opens."""
    if not session.team.strip():
        app.open_session(session)
        return
    if actions is None or not actions.fits(session):
        actions = TeamActions(app, session.team, session.id)
    elif actions.none_open:  # read already (as the set-up screen was filled in): no round to show
        app.open_session(session)
        return
    # Over the set-up screen, which is removed with it when the session opens: taking the set-up screen away
    # first would have Textual lay out and paint the round again once that screen's widgets are removed.
    app.push_screen(FollowUpScreen(session, actions))
