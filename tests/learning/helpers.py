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

async def themes_written(pilot) -> str:  # noqa: ANN001
    """t on the screen shown (home, or any with the key), the themes read, then w: the markdown file written."""
    from pathlib import Path

    from textual.widgets import Static

    from facilitator.tui.screens.themes import ThemesScreen

    await pilot.press("t")
    await wait_ready(pilot)
    assert isinstance(pilot.app.screen, ThemesScreen)
    await pilot.press("w")
    await pilot.pause()
    status = str(pilot.app.screen.query_one("#themes-status", Static).render())
    return Path(status.removeprefix("Written: ")).read_text(encoding="utf-8")


async def open_actions_screen(pilot):
    """a on the home screen, as a user presses it: the actions screen, once it has read its actions."""
    from facilitator.tui.screens.actions import ActionsScreen

    await pilot.press("a")
    await wait_ready(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ActionsScreen), screen
    return screen


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


# ---------------------------------------------------------------------- the tests' reckoning of the themes
# Not used by the app (the themes screen reads what the history index counted, learning/themes.py's
# themes_from_tallies): the plain count over every session's facts, to compare what the screen shows with.
from collections import Counter, defaultdict  # noqa: E402
import statistics  # noqa: E402
from typing import NamedTuple  # noqa: E402

from facilitator.learning.themes import (  # noqa: E402
    MonthActions, MonthRatings, StrengthTheme, TagTheme, Themes, ended_by_month, middle_day, month_of,
    months_between, strength_key,
)


class _Counted(NamedTuple):
    """What the themes count of one session."""

    date: dt.date
    tags: tuple[str, ...]
    strengths: list[tuple[str, str, str]]  # (text, evidence, practice skill)
    ratings: tuple[int, ...]
    actions: int


def compute_themes(
    facts: Iterable[SessionFacts],
    changes: Iterable[ActionStatusChange] = (),
    team: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    top: int = 15,
) -> Themes:
    """``changes``: the action log's status changes (those kept in sessions are added here)."""
    key = team_key(team) if team else None

    def wanted(day: dt.date, session_team: str) -> bool:
        return (
            (since is None or day >= since)
            and (until is None or day <= until)
            and (key is None or team_key(session_team) == key)
        )

    # One pass over ``facts`` (they may be read from disk as they come), keeping only what is counted.
    chosen: list[_Counted] = []
    team_of: dict[str, str] = {}
    reviewed: list[SessionFacts] = []
    for f in facts:
        team_of[f.id] = f.team
        if f.reviews:
            reviewed.append(f)
        if wanted(f.date, f.team):
            texts = f.texts() if f.strengths else []
            chosen.append(_Counted(
                f.date, f.tags, [(texts[s.index], s.evidence, s.skill) for s in f.strengths], f.ratings, len(f.actions)
            ))
    if not chosen:
        return Themes(0, None, None, team)
    first = min(f.date for f in chosen)
    last = max(f.date for f in chosen)
    months = months_between(month_of(first), month_of(last))
    middle = middle_day(first, last)

    tag_counts: Counter[str] = Counter()
    tag_names: dict[str, str] = {}
    tag_sessions: Counter[str] = Counter()
    tag_months: dict[str, Counter[str]] = defaultdict(Counter)
    tag_recent: Counter[str] = Counter()
    strength_counts: Counter[str] = Counter()
    strength_text: dict[str, str] = {}
    strength_skills: dict[str, Counter[str]] = defaultdict(Counter)
    strength_evidence: dict[str, str] = {}
    strengths_total = strengths_evidenced = 0
    ratings: dict[str, list[int]] = defaultdict(list)

    for f in chosen:
        month = month_of(f.date)
        recent = f.date > middle
        seen_here = set()
        for tag in f.tags:
            k = tag.casefold()
            tag_names.setdefault(k, tag)
            tag_counts[k] += 1
            tag_months[k][month] += 1
            if recent:
                tag_recent[k] += 1
            seen_here.add(k)
        for k in seen_here:
            tag_sessions[k] += 1
        for text, evidence, skill in f.strengths:
            strengths_total += 1
            if not evidence:
                continue
            strengths_evidenced += 1
            k = strength_key(text)
            if not k:
                continue
            strength_counts[k] += 1
            strength_text.setdefault(k, text)
            strength_evidence.setdefault(k, evidence)
            if skill:
                strength_skills[k][skill] += 1
        if f.ratings:
            ratings[month].extend(f.ratings)

    tags = [
        TagTheme(
            tag=tag_names[k],
            count=count,
            sessions=tag_sessions[k],
            by_month=dict(tag_months[k]),
            recent=tag_recent[k] if len(months) > 1 else 0,
            earlier=count - tag_recent[k] if len(months) > 1 else 0,
        )
        for k, count in sorted(tag_counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    strengths = [
        StrengthTheme(
            text=strength_text[k],
            count=count,
            skills=[s for s, _ in strength_skills[k].most_common(3)],
            example_evidence=strength_evidence[k],
        )
        for k, count in sorted(strength_counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    ]

    opened: Counter[str] = Counter()
    for f in chosen:
        if f.actions:
            opened[month_of(f.date)] += f.actions
    completed, dropped = ended_by_month(
        [*changes, *changes_from_sessions(reviewed)], team_of, lambda day, session_team: wanted(day, session_team)
    )
    action_months = months
    ended = [*completed, *dropped]
    if ended:
        action_months = months_between(min(months[0], min(ended)), max(months[-1], max(ended)))
    month_actions = [MonthActions(m, opened[m], completed[m], dropped[m]) for m in action_months]
    month_ratings = [
        MonthRatings(m, len(ratings[m]), statistics.fmean(ratings[m]), statistics.median(ratings[m]))
        for m in months
        if ratings.get(m)
    ]
    return Themes(
        sessions=len(chosen),
        first=first,
        last=last,
        team=team,
        months=months,
        tags=tags,
        strengths=strengths,
        strengths_total=strengths_total,
        strengths_with_evidence=strengths_evidenced,
        actions=month_actions,
        ratings=month_ratings,
    )
