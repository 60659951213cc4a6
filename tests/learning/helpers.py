"""Sessions with learning in them, built through the real operations (as the app records them)."""

from __future__ import annotations

import datetime as dt

from tests.record.helpers import end, new_session, say


def reviewed_session(store, library, clock, *, team="Family Support 2", date=dt.date(2026, 9, 1), title="Returning to school",
                     went_right="Visits at Jayden's kitchen table", action="Share the morning plan at the team meeting",
                     owner="Priya", due="2026-10-01", skill="child focus", finish=True):
    """An SSR with what went right, a strength with evidence and skill, an action, and a safeguarding concern."""
    ssr = library.get("serious-success-review")
    session = new_session(store, ssr, clock, team=team, date=date, title=title)
    say(store, session, clock, "what-went-right", went_right)
    say(store, session, clock, "what-went-right", "SECRET concern about the stepfather", safeguarding=True)
    say(store, session, clock, "strengths-evidence", "Child focus",
        fields={"evidence": "Jayden's own words are in every plan", "skill": skill})
    if action:
        say(store, session, clock, "learning-actions", action, fields={"owner": owner, "due": due, "tell": "the team"})
    session = store.update_session(session, redactions={"Jayden": "Child A"})
    if finish:
        session, _ = end(store, session, clock)
    return session


def load_actions(store, facts):
    """Every learning action of these sessions with its status, worked out from the sessions' facts one by one
    (the tests' own reckoning, to hold the screens' paged SQL reading against)."""
    from facilitator.store.actions import read_changes

    return gather_actions(facts, read_changes(store))


# ---------------------------------------------------------------------- the tests' reckoning of the actions
# Not used by the app (its screens and the digest read the actions a page at a time from the history index):
# the plain calculation over every session's facts, to compare what the screens show with.
from collections.abc import Callable, Iterable  # noqa: E402

from facilitator.learning.actions import (  # noqa: E402
    ActionRow, ActionRows, StatusBook, changes_from_sessions, session_action_rows,
)
from facilitator.text import team_key  # noqa: E402




async def wait_ready(pilot, limit: float = 20.0):
    """Wait until the screen shown has read what it shows (the actions, follow-up and themes screens read
    in the background, as the history screen does; until then their ``ready`` is False)."""
    import asyncio

    await pilot.pause()
    waited = 0.0
    while getattr(pilot.app.screen, "ready", True) is False and waited < limit:
        await asyncio.sleep(0.02)
        waited += 0.02
    await pilot.pause()

def gather_action_rows(
    facts: Iterable[SessionFacts],
    log: Iterable[ActionStatusChange] = (),
    keep: Callable[[ActionRow], bool] | None = None,
) -> ActionRows:
    """Every learning action in these sessions (those ``keep`` accepts), with its current status.

    One pass over ``facts`` (they may be read from disk as they come): only the actions' own texts are kept.
    """
    found: list[ActionRow] = []
    from_sessions: list[ActionStatusChange] = []
    names_of: dict[str, tuple[tuple[str, str], ...]] = {}
    for f in facts:
        if f.names:
            names_of[f.id] = f.names
        if f.reviews:
            from_sessions.extend(changes_from_sessions([f]))
        found.extend(session_action_rows(f))
    book = StatusBook(log, from_sessions, names_of)
    rows = []
    history: dict[str, list[ActionStatusChange]] = {}
    for row in found:
        steps = book.apply(row)
        if keep is None or keep(row):
            rows.append(row)
            if steps:
                history[row.id] = steps
    return ActionRows(rows, history)


def as_learning_action(row: ActionRow, history: Iterable[ActionStatusChange] = ()) -> LearningAction:
    """An action as a LearningAction (its history as read: the changes' fields, without validation)."""
    from facilitator.models import LearningAction

    return LearningAction.model_construct(
        id=row.id, session_id=row.session_id, session_title=row.session_title, session_date=row.session_date,
        text=row.text, owner=row.owner, due=row.due, tell=row.tell, team=row.team, number=row.number,
        status=row.status, history=list(history),
    )


def gather_actions(facts: Iterable[SessionFacts], log: Iterable[ActionStatusChange] = ()) -> list[LearningAction]:
    """Every learning action in these sessions as a LearningAction, with its history (for a few sessions)."""
    rows, history = gather_action_rows(facts, log)
    return [as_learning_action(r, history.get(r.id, ())) for r in rows]


def _due_key(action: ActionRow | LearningAction) -> tuple:
    due = action.due_date
    return (due is None, due or dt.date.max, action.session_date)


def by_owner_and_due(actions: Iterable[ActionRow]) -> list[ActionRow]:
    """Sorted by owner (no owner last), then due date (none last)."""
    return sorted(actions, key=lambda a: (not a.owner, a.owner.casefold(), *_due_key(a)))


def open_actions(actions: Iterable[ActionRow], team: str | None = None, exclude_session: str | None = None) -> list[ActionRow]:
    """Open actions (open, in progress, carried over), of one team if given, overdue and soonest due first."""
    key = team_key(team) if team is not None else None
    chosen = [
        a for a in actions
        if a.is_open and (key is None or team_key(a.team) == key) and a.session_id != exclude_session
    ]
    return sorted(chosen, key=_due_key)


