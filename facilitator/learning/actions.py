"""Learning actions across sessions: gathered from the sessions' facts, with their status over time.

Pure functions. An action is a contribution in an "actions" phase (safeguarding concerns are never
actions for the group). Its status comes from its status changes, oldest first: those kept in the data
folder's action log and those kept in the sessions that reviewed it (the same change in both counts once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from ..models import ActionStatus, ActionStatusChange, LearningAction
from ..record.redact import make_replacer
from ..text import team_key
from .facts import SessionFacts


def action_id(session_id: str, contribution_id: str) -> str:
    return f"{session_id}/{contribution_id}"


def changes_from_sessions(facts: Iterable[SessionFacts]) -> list[ActionStatusChange]:
    out = []
    for f in facts:
        for review in f.reviews:
            try:
                out.append(
                    ActionStatusChange(
                        action_id=review["action_id"],
                        status=review["status"],
                        date=review["date"],
                        note=review.get("note", ""),
                        session_id=f.id,
                    )
                )
            except (KeyError, ValueError):
                continue
    return out


def _dedupe(changes: Iterable[ActionStatusChange]) -> list[ActionStatusChange]:
    seen = set()
    out = []
    for c in changes:
        key = (c.action_id, c.status, c.date, c.note, c.session_id)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def gather_actions(facts: Iterable[SessionFacts], log: Iterable[ActionStatusChange] = ()) -> list[LearningAction]:
    """Every learning action in these sessions, with its history and current status (the latest change).

    One pass over ``facts`` (they may be read from disk as they come): only the actions' own texts are kept.
    A status note is shown as group outputs show everything: with the names list of the session the action
    was agreed in replaced, and that of the session whose follow-up round changed it (if known).
    """
    found = []
    reviewed = []
    names_of: dict[str, dict[str, str]] = {}
    for f in facts:
        if f.names:
            names_of[f.id] = dict(f.names)
        if f.reviews:
            reviewed.append(f)
        if f.actions:
            texts = f.texts()
            # Numbered as the session's record numbers them (A1, A2, ...): phase order, then recorded order.
            order = sorted(f.actions, key=lambda a: (f.phases[a.index], a.index))
            number = {id(a): n for n, a in enumerate(order, start=1)}
            found.extend((f.id, f.title, f.date, f.team, texts[a.index], a, number[id(a)]) for a in f.actions)
    replacers: dict[str, Callable[[str], str]] = {}

    def replacer(session_id: str | None) -> Callable[[str], str] | None:
        if session_id not in names_of:
            return None
        if session_id not in replacers:
            replacers[session_id] = make_replacer(names_of[session_id])
        return replacers[session_id]

    def noted(change: ActionStatusChange, session_id: str | None) -> ActionStatusChange:
        replace = replacer(session_id)
        if replace is None or not change.note:
            return change
        note = replace(change.note)
        return change if note == change.note else change.model_copy(update={"note": note})

    # A change made in a follow-up round is kept in that session too, its note already replaced there with
    # that session's names: the log's copy gets the same, so the two count as one.
    by_action: dict[str, list[ActionStatusChange]] = {}
    for change in _dedupe([*(noted(c, c.session_id) for c in log), *changes_from_sessions(reviewed)]):
        by_action.setdefault(change.action_id, []).append(change)
    actions = []
    for session_id, title, date, team, text, a, number in found:
        aid = action_id(session_id, a.contribution_id)
        history = [noted(c, session_id) for c in by_action.get(aid, [])]
        # Python's sort is stable: changes on the same day keep the order they were made in.
        history.sort(key=lambda c: c.date)
        # Built from checked data (no validation needed): 30,000 actions in a few tens of milliseconds.
        actions.append(
            LearningAction.model_construct(
                id=aid,
                session_id=session_id,
                session_title=title,
                session_date=date,
                text=text,
                owner=a.owner,
                due=a.due,
                tell=a.tell,
                team=team,
                number=number,
                status=history[-1].status if history else ActionStatus.open,
                history=history,
            )
        )
    return actions


def _due_key(action: LearningAction) -> tuple:
    due = action.due_date
    return (due is None, due or dt.date.max, action.session_date)


def by_owner_and_due(actions: Iterable[LearningAction]) -> list[LearningAction]:
    """Sorted by owner (no owner last), then due date (none last)."""
    return sorted(actions, key=lambda a: (not a.owner, a.owner.casefold(), *_due_key(a)))


def open_actions(actions: Iterable[LearningAction], team: str | None = None, exclude_session: str | None = None) -> list[LearningAction]:
    """Open actions (open, in progress, carried over), of one team if given, overdue and soonest due first."""
    key = team_key(team) if team is not None else None
    chosen = [
        a for a in actions
        if a.is_open and (key is None or team_key(a.team) == key) and a.session_id != exclude_session
    ]
    return sorted(chosen, key=_due_key)


