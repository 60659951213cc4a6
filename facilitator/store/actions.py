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
from typing import Protocol

from pydantic import ValidationError

from ..models import ActionReview, ActionStatus, ActionStatusChange, Session
from .journal import Journal, JournalWriteError
from .store import ACTION_LOG, NotSavedError, Store, _reason

LOG_NAME = ACTION_LOG


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


def action_log(store: Store) -> Journal:
    return Journal(store.data_dir / LOG_NAME)


def read_changes(store: Store) -> list[ActionStatusChange]:
    """Every status change in the log, in the order made (lines that cannot be read or used are skipped:
    the store set them aside and said so when it was opened)."""
    changes = []
    try:
        ops = action_log(store).read().ops
    except OSError:
        return []
    for op in ops:
        if op.get("op") != "status":
            continue
        try:
            changes.append(ActionStatusChange.model_validate(op))
        except ValidationError:
            continue
    return changes


def change_status(
    store: Store,
    action: ActionShown,
    status: ActionStatus | str,
    date: dt.date,
    note: str = "",
    session: Session | None = None,
) -> tuple[ActionStatusChange, Session | None]:
    """Record a new status of an action: durable before this returns, or NotSavedError and nothing changed.
    Returns the change as saved.

    With ``session`` (the follow-up round of a new session) the change is kept in that session first, so
    its record lists it, then in the action log; the updated session is returned.
    """
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
            )
            reviews = [r for r in session.action_reviews if r.action_id != action.id] + [review]
            updated_session = store.update_session(
                session, action_reviews=[r.model_dump(mode="json") for r in reviews]
            )
        try:
            action_log(store).append(line)
        except JournalWriteError as exc:
            if session is None:
                raise NotSavedError(
                    f"Not saved: {_reason(exc)} ({store.data_dir}); free some space or fix the folder and try again."
                ) from None
    return change, updated_session

