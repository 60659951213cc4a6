"""Themes across sessions: tags and practice skills over time, strengths most often evidenced, learning
actions opened, completed and dropped per month, 0-10 scaling results over time. Pure functions; markdown out.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..text import team_key
from ..vocabulary import ActionStatus
from ..store.tallies import Tallies
from ..text import evidence_sentence, part_of, plural

if TYPE_CHECKING:  # the pydantic models are not needed to count (the themes screen draws without them)
    from ..models import ActionStatusChange

BLOCKS = " ▁▂▃▄▅▆▇█"


def month_of(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def month_label(month: str) -> str:
    return dt.date.fromisoformat(month + "-01").strftime("%b %Y")


def months_between(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


@dataclass
class TagTheme:
    tag: str
    count: int
    sessions: int
    by_month: dict[str, int]
    recent: int  # in the last half of the period
    earlier: int  # in the first half

    @property
    def trend(self) -> str:
        if self.recent > self.earlier:
            return "up"
        if self.recent < self.earlier:
            return "down"
        return "steady"


@dataclass
class StrengthTheme:
    text: str
    count: int
    skills: list[str]
    example_evidence: str


@dataclass
class MonthActions:
    month: str
    opened: int
    completed: int
    dropped: int = 0


@dataclass
class MonthRatings:
    month: str
    count: int
    mean: float
    median: float


@dataclass
class Themes:
    sessions: int
    first: dt.date | None
    last: dt.date | None
    team: str | None
    months: list[str] = field(default_factory=list)
    tags: list[TagTheme] = field(default_factory=list)
    strengths: list[StrengthTheme] = field(default_factory=list)
    strengths_total: int = 0
    strengths_with_evidence: int = 0
    actions: list[MonthActions] = field(default_factory=list)
    ratings: list[MonthRatings] = field(default_factory=list)


_WORDS = re.compile(r"\w+")


def strength_key(text: str) -> str:
    """Strengths said slightly differently ("Child focus." / "child focus") count as one."""
    return " ".join(_WORDS.findall(text.casefold()))


def bar(value: float, maximum: float, width: int = 20) -> str:
    """A bar of block characters, value/maximum of width (eighths of a cell), at least a sliver if value > 0."""
    if maximum <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / maximum * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (BLOCKS[rest] if rest else "")


def sparkline(values: list[int]) -> str:
    top = max(values, default=0)
    if top <= 0:
        return "▁" * len(values)
    return "".join(BLOCKS[1 + round(v / top * 7)] if v else "▁" for v in values)


def trend_text(theme: TagTheme) -> str:
    return {"up": "↑ more", "down": "↓ fewer", "steady": "→ steady"}[theme.trend]


def _period(themes: Themes) -> str:
    if themes.first is None:
        return "no sessions"
    return f"{themes.first:%-d %B %Y} to {themes.last:%-d %B %Y}"


def themes_markdown(themes: Themes, width: int = 20) -> str:
    """Themes as a markdown document (bars as block characters in table cells)."""
    from ..record.markdown import escape_cell, escape_inline

    title = "Themes across sessions"
    if themes.team:
        title += f": {themes.team}"
    out = [f"# {escape_inline(title)}", ""]
    if not themes.sessions:
        out += ["No sessions in this period.", ""]
        return "\n".join(out)
    out += [f"{plural(themes.sessions, 'session')}, {_period(themes)}. Names replaced and safeguarding concerns left out, as in the records.", ""]

    out += ["## Tags and practice skills", ""]
    if themes.tags:
        top = max(t.count for t in themes.tags)
        out += ["| Tag | Times | Sessions | Chart | By month | Trend |", "| --- | --- | --- | --- | --- | --- |"]
        for t in themes.tags:
            spark = sparkline([t.by_month.get(m, 0) for m in themes.months[-24:]])
            out.append(
                f"| {escape_cell(t.tag)} | {t.count} | {t.sessions} | {bar(t.count, top, width)} | {spark} | {trend_text(t)} |"
            )
        out += ["", f"By month: {month_label(themes.months[-24:][0])} to {month_label(themes.months[-1])}. "
                "Trend: the second half of the period against the first.", ""]
    else:
        out += ["No tags or practice skills were recorded (a “decision” tag marks a decision in its record and is not counted here).", ""]

    out += ["## Strengths most often evidenced", ""]
    out.append(
        evidence_sentence(themes.strengths_with_evidence, themes.strengths_total, 'strength', 'strengths')
    )
    out.append("")
    if themes.strengths:
        top = max(s.count for s in themes.strengths)
        out += ["| Strength | Times | Chart | Practice skills | For example, the evidence |", "| --- | --- | --- | --- | --- |"]
        for s in themes.strengths:
            out.append(
                f"| {escape_cell(s.text)} | {s.count} | {bar(s.count, top, width)} | "
                f"{escape_cell(', '.join(s.skills)) or ' '} | {escape_cell(s.example_evidence)} |"
            )
        out.append("")

    out += ["## Learning actions opened, completed and dropped", ""]
    if any(m.opened or m.completed or m.dropped for m in themes.actions):
        top = max(max(m.opened, m.completed, m.dropped) for m in themes.actions)
        out += ["| Month | Opened | | Completed | | Dropped | |", "| --- | --- | --- | --- | --- | --- | --- |"]
        for m in themes.actions:
            out.append(
                f"| {month_label(m.month)} | {m.opened} | {bar(m.opened, top, width) or ' '} | "
                f"{m.completed} | {bar(m.completed, top, width) or ' '} | {m.dropped} | {bar(m.dropped, top, width) or ' '} |"
            )
        out += ["", "Completed and dropped: where each action stands now (its latest status), in the month it got there.", ""]
    else:
        out += ["No learning actions in this period.", ""]

    out += ["## Scaling results (0 to 10)", ""]
    if themes.ratings:
        out += ["| Month | Ratings | Average | Chart | Middle (median) |", "| --- | --- | --- | --- | --- |"]
        for r in themes.ratings:
            out.append(f"| {month_label(r.month)} | {r.count} | {r.mean:.1f} | {bar(r.mean, 10, width)} | {r.median:g} |")
        out.append("")
    else:
        out += ["No 0-10 ratings in this period.", ""]
    return "\n".join(out)


def middle_day(first: dt.date, last: dt.date) -> dt.date:
    """The day after which a session counts as recent (the second half of the period)."""
    return first + (last - first) / 2


def middle_iso(first: str, last: str) -> str:
    return middle_day(dt.date.fromisoformat(first), dt.date.fromisoformat(last)).isoformat()


def themes_from_tallies(
    t: Tallies,
    changes: Iterable[ActionStatusChange],
    team: str | None,
    teams_of: Callable[[Iterable[str]], dict[str, str]],
    sessions_with: Callable[[list[str]], int],
    top: int = 15,
) -> Themes:
    """The themes of every session of a team (or all), from what the history index counted (store/tallies.py):
    the same figures as counting every session's facts one by one (tests/learning/helpers.py does, to hold
    this against). ``changes``: every status change (the action log's and the sessions' follow-up rounds');
    ``teams_of(ids)``: the team key of those sessions; ``sessions_with(tags)``: in how many sessions any of
    these spellings of a tag was given."""
    if not t.sessions or t.first is None or t.last is None:
        return Themes(0, None, None, team)
    key = team_key(team) if team else None
    first, last = dt.date.fromisoformat(t.first), dt.date.fromisoformat(t.last)
    months = months_between(month_of(first), month_of(last))

    tag_counts: Counter[str] = Counter()
    tag_months: dict[str, Counter[str]] = defaultdict(Counter)
    tag_recent: Counter[str] = Counter()
    spellings: dict[str, dict[str, int]] = defaultdict(dict)  # key: {spelling: where it was first given}
    for tag, month, recent, times, place in t.tags:
        k = tag.casefold()
        tag_counts[k] += times
        tag_months[k][month] += times
        if recent:
            tag_recent[k] += times
        where = spellings[k].get(tag)
        spellings[k][tag] = place if where is None else min(where, place)
    tags = []
    for k, count in sorted(tag_counts.items(), key=lambda item: (-item[1], item[0])):
        forms = spellings[k]
        name = min(forms, key=lambda form: forms[form])
        sessions = t.tag_sessions.get(name, 0) if len(forms) == 1 else sessions_with(sorted(forms))
        tags.append(TagTheme(
            tag=name, count=count, sessions=sessions, by_month=dict(tag_months[k]),
            recent=tag_recent[k] if len(months) > 1 else 0,
            earlier=count - tag_recent[k] if len(months) > 1 else 0,
        ))

    strength_counts: Counter[str] = Counter()
    strength_first: dict[str, tuple] = {}  # key: (first place, text, evidence)
    for text, times, place, evidence in t.strength_texts:
        k = strength_key(text)
        if not k:
            continue
        strength_counts[k] += times
        if k not in strength_first or place < strength_first[k][0]:
            strength_first[k] = (place, text, evidence)
    skill_seen: dict[str, dict[str, list]] = defaultdict(dict)  # key: {skill: [times, first place]}
    for text, skill, times, place in t.strength_skills:
        k = strength_key(text)
        if not k:
            continue
        seen = skill_seen[k].setdefault(skill, [0, place])
        seen[0] += times
        seen[1] = min(seen[1], place)
    strengths = []
    for k, count in sorted(strength_counts.items(), key=lambda item: (-item[1], item[0]))[:top]:
        skills: Counter[str] = Counter()
        for skill, (times, _) in sorted(skill_seen[k].items(), key=lambda item: item[1][1]):
            skills[skill] = times  # in the order first given: ties keep it
        strengths.append(StrengthTheme(
            text=strength_first[k][1], count=count, skills=[s for s, _ in skills.most_common(3)],
            example_evidence=strength_first[k][2],
        ))

    opened: Counter[str] = Counter(dict(t.opened))
    changes = list(changes)
    session_team = teams_of({c.action_id.split("/", 1)[0] for c in changes})
    completed, dropped = ended_by_month(
        changes, session_team, lambda day, k: key is None or k == key
    )
    action_months = months
    ended = [*completed, *dropped]
    if ended:
        action_months = months_between(min(months[0], min(ended)), max(months[-1], max(ended)))
    month_actions = [MonthActions(m, opened[m], completed[m], dropped[m]) for m in action_months]

    ratings: dict[str, list[int]] = defaultdict(list)
    for month, rating, times in sorted(t.ratings):
        ratings[month].extend([rating] * times)
    month_ratings = [
        MonthRatings(m, len(ratings[m]), statistics.fmean(ratings[m]), statistics.median(ratings[m]))
        for m in months
        if ratings.get(m)
    ]
    total, evidenced = t.strengths
    return Themes(
        sessions=t.sessions, first=first, last=last, team=team, months=months, tags=tags, strengths=strengths,
        strengths_total=total, strengths_with_evidence=evidenced, actions=month_actions, ratings=month_ratings,
    )


def ended_by_month(
    changes: Iterable[ActionStatusChange], team_of: dict[str, str], wanted: Callable[[dt.date, str], bool]
) -> tuple[Counter[str], Counter[str]]:
    """(completed, dropped) by month: where each action of these sessions ended up, by its latest status (an
    action done and later dropped is dropped), counted in the month it got there."""
    history: dict[str, list[ActionStatusChange]] = defaultdict(list)
    for change in changes:
        if change.action_id.split("/", 1)[0] in team_of:
            history[change.action_id].append(change)
    completed: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    for action_id, steps in history.items():
        steps.sort(key=lambda c: c.date)  # stable: changes on the same day keep the order they were made in
        latest = steps[-1]
        if latest.status not in (ActionStatus.done, ActionStatus.dropped):
            continue
        # The day it reached that status (a second "done" saved later does not move it).
        day = latest.date
        for step in reversed(steps):
            if step.status != latest.status:
                break
            day = step.date
        if wanted(day, team_of[action_id.split("/", 1)[0]]):
            (completed if latest.status == ActionStatus.done else dropped)[month_of(day)] += 1
    return completed, dropped
