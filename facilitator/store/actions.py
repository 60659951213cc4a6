"""Learning actions' status changes, durable: <data>/actions.journal.jsonl.

The actions themselves live in their sessions (contributions in "actions" phases), so they are rebuilt
from the session files like the index. Their status changes are not in any earlier session, so each is
appended to this journal and fsynced before it is shown (one JSON line per change). A change made in the
follow-up round at the start of a session is also kept in that session (``action_reviews``), so the
session's record shows it; either copy is enough to rebuild the action's history.

This module only reads and writes that journal and hands out its changes (``read_changes``): the actions
and their statuses are worked out in facilitator/learning/actions.py, by whoever shows them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple, Protocol

from ..vocabulary import ActionStatus
from .journal import Journal, JournalWriteError
from .store import ACTION_LOG, RETRACT, NotSavedError, Store, not_saved

if TYPE_CHECKING:  # the pydantic models are loaded only to change a status: the screens list without them
    from ..models import ActionStatusChange, Session

LOG_NAME = ACTION_LOG


class StatusChange(NamedTuple):
    """A status change as the screens read it (the fields of models.ActionStatusChange, without pydantic)."""

    action_id: str
    status: ActionStatus
    date: dt.date
    note: str = ""
    session_id: str | None = None

    def with_note(self, note: str) -> "StatusChange":
        return self._replace(note=note)


def status_change(op: dict) -> StatusChange | None:
    """A change from a log line or a session's action review; None if it cannot be used."""
    try:
        action_id, status, date = op["action_id"], ActionStatus(op["status"]), op["date"]
        if not isinstance(action_id, str) or not action_id:
            return None
        day = date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date))
        note = op.get("note", "") or ""
        session_id = op.get("session_id")
        if not isinstance(note, str) or (session_id is not None and not isinstance(session_id, str)):
            return None
        return StatusChange(action_id, status, day, note, session_id)
    except (KeyError, ValueError, TypeError, AttributeError):
        return None


class ActionShown(Protocol):
    """What a status change needs to know of the action (a row of the actions screen, or a LearningAction)."""

    id: str
    session_id: str
    session_title: str
    session_date: dt.date
    text: str
    owner: str
    due: str
    number: int | None
    status: ActionStatus


def action_log(store: Store) -> Journal:
    return Journal(store.data_dir / LOG_NAME)


def log_mark(store: Store) -> tuple[int, int] | None:
    """The action log's size and time of change, which every status change written changes (None: no log)."""
    try:
        found = store.action_log_path.stat()
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


def standing(ops: Iterable[dict]) -> list[dict]:
    """The log's status changes that stand: those not taken back since (a "retract" line names the change it
    takes back by its action and the time it was made, ``at``)."""
    ops = list(ops)
    retracted = {(op.get("action_id"), op.get("of")) for op in ops if op.get("op") == RETRACT}
    return [op for op in ops if op.get("op") == "status" and (op.get("action_id"), op.get("at")) not in retracted]


def read_change_rows(store: Store) -> list[StatusChange]:
    """Every status change in the log that stands, in the order made, as plain rows (lines that cannot be read
    or used are skipped: the store set them aside and said so when it was opened)."""
    try:
        ops = action_log(store).read().ops
    except OSError:
        return []
    return [c for c in (status_change(op) for op in standing(ops)) if c is not None]


def read_changes(store: Store) -> list[ActionStatusChange]:
    """Every status change in the log, in the order made (lines that cannot be read or used are skipped:
    the store set them aside and said so when it was opened)."""
    from pydantic import ValidationError

    from ..models import ActionStatusChange

    changes = []
    try:
        ops = action_log(store).read().ops
    except OSError:
        return []
    for op in standing(ops):
        try:
            changes.append(ActionStatusChange.model_validate(op))
        except ValidationError:
            continue
    return changes


class Saved(NamedTuple):
    """A status change as saved: the change, the session of the follow-up round as updated (None outside a
    round), and the time it was saved (what names it to take it back)."""

    change: ActionStatusChange
    session: Session | None
    at: str


def change_status(
    store: Store,
    action: ActionShown,
    status: ActionStatus | str,
    date: dt.date,
    note: str = "",
    session: Session | None = None,
    from_names: dict[str, str] | None = None,
) -> Saved:
    """Record a new status of an action: durable before this returns, or NotSavedError and nothing changed.
    Returns the change as saved.

    With ``session`` (the follow-up round of a new session) the change is kept in that session first, so
    its record lists it, then in the action log; the updated session is returned. ``from_names``: the names list
    of the session the action was agreed in, kept with the change there (its record applies it to the note).
    """
    from ..models import ActionReview, ActionStatusChange

    if store.read_only:
        raise NotSavedError(store.read_only_reason)
    store.check_still_ours()
    status = ActionStatus(status)
    note = " ".join(note.split())
    if status == ActionStatus.dropped and not note:
        raise ValueError("Say in a few words why the action is dropped.")
    change = ActionStatusChange(
        action_id=action.id, status=status, date=date, note=note, session_id=session.id if session else None
    )
    line = {"op": "status", "at": store.clock().isoformat(), **change.model_dump(mode="json")}
    with store._thread_lock:
        updated_session = session
        if session is not None:
            # Kept in the session first: a review there is itself a durable record of the change (see
            # changes_from_sessions), so once it is saved the change stands even if the log line fails.
            review = ActionReview(
                action_id=action.id,
                text=action.text,
                owner=action.owner,
                due=action.due,
                status=status,
                note=note,
                date=date,
                from_session_id=action.session_id,
                from_session_title=action.session_title,
                from_session_date=action.session_date,
                number=action.number,
                from_names=dict(from_names or {}),
            )
            reviews = [r for r in session.action_reviews if r.action_id != action.id] + [review]
            updated_session = store.update_session(
                session, action_reviews=[r.model_dump(mode="json") for r in reviews]
            )
        try:
            action_log(store).append(line)
        except JournalWriteError as exc:
            if session is None:
                raise NotSavedError(not_saved(exc, store.data_dir, kept="the change is not made")) from None
    return Saved(change, updated_session, line["at"])


#: actions a follow-up round's record lists as left as they stood, at most (a team's open actions are a few dozen;
#: a history read from many teams' folders may give one team thousands)
LEFT_AT_MOST = 200


def note_left_as_they_stand(store: Store, session: Session, actions: Iterable[ActionShown], date: dt.date) -> Session:
    """Keep in ``session`` the actions its follow-up round showed and left as they stood (no change made to them in
    it), for its record's matters arising: their status as it stood, the day, no note. Returns the session."""
    from ..models import ActionReview

    changed = {r.action_id for r in session.action_reviews}
    left = [
        ActionReview(
            action_id=a.id, text=a.text, owner=a.owner, due=a.due, status=a.status, note="", date=date,
            from_session_id=a.session_id, from_session_title=a.session_title, from_session_date=a.session_date,
            number=a.number,
        ).model_dump(mode="json")
        for a in itertools.islice((a for a in actions if a.id not in changed), LEFT_AT_MOST)
    ]
    if not left and not session.actions_left:
        return session
    return store.update_session(session, actions_left=left)


def take_back(store: Store, saved: Saved, session: Session | None = None, before: object | None = None) -> Session | None:
    """Take back a status change made by mistake (ctrl+z), as if it had not been made: a line in the action log
    names it, so no reader counts it, and in the follow-up round of ``session`` (as it is now) the session's
    review of the action is what it was before (``before``: that ActionReview, or None: the action was not
    reviewed). Durable before this returns, or NotSavedError; doing it again does no harm. Returns the session
    as updated (None outside a round)."""
    if store.read_only:
        raise NotSavedError(store.read_only_reason)
    store.check_still_ours()
    change = saved.change
    line = {"op": RETRACT, "at": store.clock().isoformat(), "action_id": change.action_id, "of": saved.at}
    with store._thread_lock:
        try:
            action_log(store).append(line)
        except JournalWriteError as exc:
            raise NotSavedError(not_saved(exc, store.data_dir, "Not undone", "the change still stands")) from None
        if session is None:
            return None
        reviews = [r for r in session.action_reviews if r.action_id != change.action_id]
        if before is not None:
            reviews.append(before)
        return store.update_session(session, action_reviews=[r.model_dump(mode="json") for r in reviews])



# ---------------------------------------------------------------------- the actions in the history index
# The actions themselves are read from the history index (store/index.py), only the rows shown: a page at a
# time, in the order of one of its indexes, with counts by SQL. Each row is a plain tuple:
#   (session id, session title, session date (ISO), text, owner, due, tell, team, number, contribution id)

_ROW = ("s.id, s.title, s.date, a.text, a.owner, a.due, a.tell, s.team, a.number, a.contribution_id")
_FROM = "actions a {using} JOIN sessions s ON s.k = a.session"


class ActionQuery:
    """Which actions: those of one team (``team_key``, or its keys) or all; never those of ``excluded`` (action ids,
    "<session id>/<contribution id>": the closed ones, when only open ones are wanted) nor of
    ``skip_session``; listed by owner then due (``by="owner"``) or by due (``by="due"``)."""

    def __init__(self, team_key: str | tuple[str, ...] | None = None, excluded: Iterable[str] = (),
                 skip_session: str | None = None, by: str = "owner") -> None:
        from .index import ACTIONS_BY_DUE, ACTIONS_BY_OWNER

        parts: list[str] = []
        params: list = []
        if isinstance(team_key, str):
            parts.append("a.team_key = ?")
            params.append(team_key)
        elif team_key is not None:  # a team the history holds under more than one name (see Store.team_as_listed)
            parts.append(f"a.team_key IN ({', '.join('?' * len(team_key))})")
            params.extend(team_key)
        if skip_session is not None:
            parts.append("a.session != coalesce((SELECT k FROM sessions WHERE id = ?), -1)")
            params.append(skip_session)
        #: every action of the team (or all) but those of skip_session
        self.scope, self.scope_params = " AND ".join(parts) or "1", list(params)
        self.excluded = json.dumps(sorted(set(excluded))) if excluded else None
        if self.excluded is not None:
            parts.append("(s.id || '/' || a.contribution_id) NOT IN (SELECT value FROM json_each(?))")
            params.append(self.excluded)
        self.where = " AND ".join(parts) or "1"
        self.params = params
        order = ACTIONS_BY_OWNER if by == "owner" else ACTIONS_BY_DUE
        self.order = _qualified(order)
        self.using = f"INDEXED BY actions_by_{by}" if team_key is None or by == "due" else ""

    def page(self, db, offset: int, limit: int) -> list[tuple]:  # noqa: ANN001 - HistoryDB
        return db.read(
            f"SELECT {_ROW} FROM {_FROM.format(using=self.using)} WHERE {self.where} "
            f"ORDER BY {self.order}, a.rowid LIMIT ? OFFSET ?",
            [*self.params, limit, offset],
        )

    def count(self, db) -> int:  # noqa: ANN001
        """How many."""
        return self.counts(db)[0]

    def counts(self, db, due_before: dt.date | None = None) -> tuple[int, int]:  # noqa: ANN001
        """(how many; how many due before ``due_before``), in one reading of the actions. Those of the scope,
        less the excluded ones in it (few: counted through their ids, not by testing every action against them)."""
        day = due_before.isoformat() if due_before is not None else ""
        rows = db.read(f"SELECT count(*), coalesce(sum(a.due_date < ?), 0) FROM actions a WHERE {self.scope}",
                       [day, *self.scope_params])
        total, due = rows[0] if rows else (0, 0)
        if self.excluded is None:
            return total, due
        rows = db.read(
            # CROSS JOIN: in this order (the few ids first), never a scan of the actions testing each against them
            "SELECT count(*), coalesce(sum(a.due_date < ?), 0) FROM json_each(?) j "
            "CROSS JOIN sessions s ON s.id = substr(j.value, 1, instr(j.value, '/') - 1) "
            "CROSS JOIN actions a ON a.session = s.k AND a.contribution_id = substr(j.value, instr(j.value, '/') + 1) "
            f"WHERE {self.scope}",
            [day, self.excluded, *self.scope_params],
        )
        closed, closed_due = rows[0] if rows else (0, 0)
        return total - closed, due - closed_due


def _qualified(order: str) -> str:
    """An index's terms (store/index.py) as an ORDER BY of the actions table's alias ``a``."""
    import re

    return re.sub(r"\b(owner_key|due_date|date|session)\b", r"a.\1", order)


def reviews_in_history(db) -> list[tuple[str, list]]:  # noqa: ANN001 - HistoryDB
    """(session id, its action reviews) of every session whose follow-up round reviewed any actions."""
    return [(sid, json.loads(reviews)) for sid, reviews in db.read("SELECT id, reviews FROM sessions WHERE reviews != '[]'")]


def names_lists(db, ids: Iterable[str]) -> dict[str, tuple[tuple[str, str], ...]]:  # noqa: ANN001
    """The names list of each of these sessions that has one."""
    return {
        sid: tuple(tuple(pair) for pair in json.loads(names))
        for sid, names in db.read(
            "SELECT id, names FROM sessions WHERE names != '[]' AND id IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted(set(ids)))],
        )
    }
