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
    """Every learning action of these sessions with its status, as the actions screen works it out."""
    from facilitator.learning.actions import gather_actions
    from facilitator.store.actions import read_changes

    return gather_actions(facts, read_changes(store))


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
