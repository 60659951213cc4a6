"""The organisation learning digest: what went right, strengths evidenced, learning actions and their
progress, across the sessions of a period (one team or all). Pure functions; markdown or HTML out.

Fit to send to every team: built only from what group records show (names replaced by each session's
names list, safeguarding concerns left out), and it names no speakers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import yaml

from ..models import ActionStatus, LearningAction, SessionStatus
from ..record.html import render_html_page
from ..record.markdown import escape_block, escape_cell, escape_inline
from ..text import one_line, one_spelling, plural, team_key
from .facts import SessionFacts
from .records import DigestAction, DigestSession, action_key
from .themes import strength_key

HANDLING = (
    "Learning digest: service users are referred to by role or initials, as in each session's record; "
    "safeguarding concerns are never part of it. Share it with every team; keep it under your "
    "organisation's records retention schedule."
)
PER_SESSION = 8  # what-went-right items shown per session
OWNERS = ("initials", "names")  # settings.toml [digest] owners: how action owners who are people are shown

# Words of a role, a group or a service: an owner with one of them ("Team manager", "Duty Team") is kept.
ROLE_WORDS = frozenset("""
    admin administrator advisor adviser all assistant board carer carers chair coordinator co-ordinator council
    department deputy designated director duty everyone group leader manager managers member
    members nurse officer panel partner partners practice practitioner principal reviewing safeguarding school
    senior service social staff student supervisor team teams therapist trainer tutor unit whole worker workers
    """.split())
_OWNER_PARTS = re.compile(r"(\s*(?:[,;&/+]|\band\b)\s*)")


def _name_shaped(words: list[str]) -> bool:
    """Every word capitalised and made of letters (an acronym such as "SW" or "DSL" is not a name)."""
    return all(
        w[0].isupper() and all(c.isalpha() or c in "'’-." for c in w) and not (len(w) > 1 and w.isupper())
        for w in words
    )


def is_personal_name(text: str, people: Iterable[str] = ()) -> bool:
    """A person's name rather than a role: two or more capitalised words ("Priya Shah"), or one that is
    a participant's or the facilitator's name (or first name) in that session. Roles stay as they are."""
    words = text.split()
    if not words or any(w.casefold().strip(".") in ROLE_WORDS for w in words):
        return False
    key = " ".join(words).casefold()
    if any(key == p.casefold() or key == p.split()[0].casefold() for p in people if p.split()):
        return True
    return len(words) >= 2 and _name_shaped(words)


def initials(text: str) -> str:
    return " ".join(w[0].upper() + "." for w in text.split())


def owner_shown(owner: str, people: Iterable[str] = (), owners: str = "initials") -> str:
    """An action's owner as the digest shows it: people by their initials ("Priya Shah" -> "P. S."), roles
    as typed; with ``owners = "names"`` (the organisation's choice) everything as typed."""
    if owners == "names":
        return owner
    people = tuple(people)
    parts = _OWNER_PARTS.split(owner)
    return "".join(
        part if n % 2 or not is_personal_name(part.strip(), people) else part.replace(part.strip(), initials(part))
        for n, part in enumerate(parts)
    )


def digest_session_from_facts(facts: SessionFacts) -> DigestSession:
    texts = facts.texts()
    return DigestSession(
        id=facts.id,
        date=facts.date,
        team=facts.team,
        title=facts.title,
        template_name=facts.template_name,
        went_right=list(dict.fromkeys(texts[i] for i in facts.went_right)),
        strengths=[(texts[s.index], s.evidence, s.skill) for s in facts.strengths],
        draft=facts.status != SessionStatus.ended.value,
        people=facts.people,
    )


def digest_action_from(action: LearningAction) -> DigestAction:
    return DigestAction(
        action.id, action.text, action.owner, action.due, action.tell, action.team,
        action.session_id, action.session_title, action.session_date,
        f"A{action.number}" if action.number else "",
    )


@dataclass
class ActionProgress:
    action: DigestAction
    status: str
    note: str = ""
    changed: dt.date | None = None

    def overdue(self, today: dt.date) -> bool:
        try:
            due = dt.date.fromisoformat(self.action.due.strip())
        except ValueError:
            return False
        try:
            still_open = ActionStatus(self.status).is_open
        except ValueError:  # a status another team's record wrote in its own words: not counted as overdue
            return False
        return still_open and due < today


@dataclass
class Digest:
    since: dt.date
    until: dt.date
    team: str | None
    today: dt.date
    sessions: list[DigestSession] = field(default_factory=list)
    actions: list[ActionProgress] = field(default_factory=list)
    skipped_records: int = 0
    drafts: list[DigestSession] = field(default_factory=list)  # still running: listed apart, not counted
    owners: str = "initials"  # how owners who are people are shown: "initials" or "names"


def build_digest(
    sessions: Iterable[DigestSession],
    since: dt.date,
    until: dt.date,
    today: dt.date,
    team: str | None = None,
    local_actions: Iterable[LearningAction] = (),
    skipped_records: int = 0,
    owners: str = "initials",
) -> Digest:
    """Sessions from ``since`` to ``until`` (inclusive), of one team if given. The same session read twice
    (from the data folder and from a records folder) counts once; the data folder's copy wins, and a final
    copy wins over a draft. Drafts (sessions still running) are listed apart and counted nowhere.
    """
    key = team_key(team) if team else None
    unique: dict[str, DigestSession] = {}
    for s in sessions:
        if s.id not in unique or (unique[s.id].draft and not s.draft):
            unique[s.id] = s
    every = list(unique.values())
    in_period = sorted(
        (s for s in every if since <= s.date <= until and (key is None or team_key(s.team) == key)),
        key=lambda s: (s.date, s.id),
    )
    chosen = [s for s in in_period if not s.draft]
    drafts = [s for s in in_period if s.draft]
    every = [s for s in every if not s.draft]
    chosen_ids = {s.id for s in chosen}

    # Progress of actions read from records: the latest follow-up of the same action (text and owner).
    reviews: dict[str, tuple[dt.date, str, str]] = {}
    for s in every:
        for r in s.reviews:
            k = action_key(r.text, r.owner)
            if k not in reviews or r.date >= reviews[k][0]:
                reviews[k] = (r.date, r.status, r.note)

    progress: list[ActionProgress] = []
    local_ids = set()
    for a in local_actions:
        local_ids.add(a.session_id)
        if a.session_id not in chosen_ids:
            continue
        last = a.history[-1] if a.history else None
        progress.append(ActionProgress(digest_action_from(a), a.status.value, last.note if last else "", last.date if last else None))
    for s in chosen:
        if s.id in local_ids:
            continue
        for a in s.actions:
            review = reviews.get(a.key)
            if review:
                progress.append(ActionProgress(a, review[1], review[2], review[0]))
            else:
                progress.append(ActionProgress(a, ActionStatus.open.value))
    progress.sort(key=lambda p: (p.action.session_date, p.action.team.casefold(), p.action.session_id))
    return Digest(since, until, team, today, chosen, progress, skipped_records, drafts, owners)


def _period(d: Digest) -> str:
    return f"{d.since.day} {d.since:%B %Y} to {d.until.day} {d.until:%B %Y}"


def digest_front_matter(d: Digest) -> dict:
    newest_first = sorted(d.sessions, key=lambda s: s.date, reverse=True)
    teams = sorted(one_spelling(s.team for s in newest_first).values(), key=str.casefold)
    return {
        "kind": "learning-digest",
        "title": f"Learning digest, {_period(d)}" + (f": {d.team}" if d.team else ""),
        "since": d.since.isoformat(),
        "until": d.until.isoformat(),
        "team": d.team or "all teams",
        "teams": teams,
        "sessions": len(d.sessions),
        "drafts_not_counted": len(d.drafts),
        "retention": HANDLING,
        "status": "final",
        "owners": "by name" if d.owners == "names" else "by role or initials",
    }


def digest_body(d: Digest) -> str:
    meta = digest_front_matter(d)
    # Owners, teams, dates and statuses repeat in thousands of table rows: escape each distinct text once.
    cells: dict[str, str] = {}

    def cell(text: str) -> str:
        escaped = cells.get(text)
        if escaped is None:
            escaped = cells[text] = escape_cell(text) or " "
        return escaped

    out = [f"# {escape_inline(meta['title'])}", ""]
    if not d.sessions:
        out += ["No sessions were held in this period.", ""]
    spelling = one_spelling(s.team for s in sorted(d.sessions, key=lambda s: s.date, reverse=True))
    teams = Counter(spelling.get(team_key(s.team), "no team given") if s.team.strip() else "no team given" for s in d.sessions)
    templates = Counter(s.template_name for s in d.sessions)
    out += [
        f"- **Sessions:** {len(d.sessions)}",
        f"- **Teams:** {escape_inline(', '.join(f'{t} ({n})' for t, n in sorted(teams.items(), key=lambda i: i[0].casefold()))) or 'none'}",
        f"- **Kinds of session:** {escape_inline(', '.join(f'{t} ({n})' for t, n in templates.most_common())) or 'none'}",
    ]
    if d.drafts:
        out.append(f"- **Not counted:** {plural(len(d.drafts), 'session')} still running (drafts), listed at the end")
    out.append("")

    out += ["## What went right", ""]
    any_right = False
    for s in d.sessions:
        if not s.went_right:
            continue
        any_right = True
        team = f" ({s.team})" if s.team else ""
        out += [f"### {escape_inline(one_line(f'{s.date.day} {s.date:%b %Y}: {s.title}{team}'))}", ""]
        out += [f"- {escape_block(text)}" for text in s.went_right[:PER_SESSION]]
        if len(s.went_right) > PER_SESSION:
            out.append(f"- *and {len(s.went_right) - PER_SESSION} more in the session's record*")
        out.append("")
    if not any_right:
        out += ["Nothing was recorded as going right in this period.", ""]

    out += ["## Strengths evidenced", ""]
    strengths = [(s, st) for s in d.sessions for st in s.strengths]
    evidenced = [(s, st) for s, st in strengths if st[1].strip()]
    out += [f"{len(evidenced)} of {len(strengths)} strengths claimed were backed by evidence.", ""]
    skills = Counter(st[2] for _, st in evidenced if st[2])
    if skills:
        out += ["| Practice skill | Times evidenced |", "| --- | --- |"]
        out += [f"| {escape_cell(k)} | {n} |" for k, n in sorted(skills.items(), key=lambda i: (-i[1], i[0].casefold()))]
        out.append("")
    if evidenced:
        groups: dict[str, list] = {}
        for s, st in evidenced:
            groups.setdefault(strength_key(st[0]) or st[0], []).append((s, st))
        ranked = sorted(groups.values(), key=lambda g: (-len(g), g[0][1][0].casefold()))
        out += ["| Strength | Times | Evidence (an example) | Team, date |", "| --- | --- | --- | --- |"]
        for group in ranked[:40]:
            s, st = group[0]
            out.append(
                f"| {escape_cell(st[0])} | {len(group)} | {escape_cell(st[1])} | "
                f"{escape_cell(f'{s.team or chr(8212)}, {s.date.isoformat()}')} |"
            )
        if len(ranked) > 40:
            out += ["", f"And {len(ranked) - 40} more strengths, each in its session's record."]
        out.append("")

    out += ["## Learning actions and their progress", ""]
    if d.actions:
        counts = Counter(p.status for p in d.actions)
        late = [p.overdue(d.today) for p in d.actions]
        overdue = sum(late)
        parts = [f"{counts.get(s.value, 0)} {s.value}" for s in ActionStatus if counts.get(s.value)]
        out += [f"{plural(len(d.actions), 'learning action')}: {', '.join(parts)}; {overdue} overdue on {d.today.isoformat()}.", ""]
        out += ["| Action | Owner | Due | Team | Agreed | Status | Latest note |", "| --- | --- | --- | --- | --- | --- | --- |"]
        people = {s.id: s.people for s in d.sessions}
        for p, is_late in zip(d.actions, late):
            a = p.action
            owner = owner_shown(a.owner, people.get(a.session_id, ()), d.owners)
            status = p.status + (f" ({p.changed.isoformat()})" if p.changed else "")
            if is_late:
                status += ", overdue"
            out.append(
                "| " + " | ".join(
                    [cell(a.text), cell(owner), cell(a.due), cell(a.team), cell(" of ".join(filter(None, [a.number, a.session_date.isoformat()]))), cell(status), cell(p.note)]
                ) + " |"
            )
        out.append("")
    else:
        out += ["No learning actions were agreed in this period.", ""]

    out += ["## About this digest", ""]
    out.append(
        "Made from the sessions' records: service users' names are replaced as in each record, safeguarding "
        "concerns are left out (they go to the accountable manager by the organisation's own route), and "
        "nobody is named as having said anything. "
        + ("Action owners are named, as the organisation's settings allow."
           if d.owners == "names" else "Action owners are shown by their role, or by their initials.")
    )
    if d.skipped_records:
        one = d.skipped_records == 1
        out.append(f"{plural(d.skipped_records, 'file')} in the records folders {'was' if one else 'were'} not "
                   f"{'a final session record' if one else 'final session records'} and {'was' if one else 'were'} not read.")
    if d.drafts:
        out += ["", f"Still running when this digest was made, so not final and counted nowhere above "
                f"({plural(len(d.drafts), 'session')}):", ""]
        for s in d.drafts:
            team = f" ({s.team})" if s.team else ""
            out.append(f"- {escape_block(f'{s.date.day} {s.date:%b %Y}: {s.title}{team}')}")
    out += ["", f"*Handling: {escape_inline(HANDLING)}*", ""]
    return "\n".join(out)


def render_digest(d: Digest, fmt: str = "md") -> str:
    meta = digest_front_matter(d)
    body = digest_body(d)
    if fmt == "html":
        return render_html_page({**meta, "id": "digest"}, body)
    if fmt != "md":
        raise ValueError(f"unknown digest format {fmt!r}; use md or html")
    dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    return f"---\n{dumped}---\n{body}"
