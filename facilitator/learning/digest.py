"""The organisation learning digest: what went right, strengths evidenced, learning actions and their
progress, across the sessions of a period (one team or all). Pure functions; markdown or HTML out.

Fit to send to every team: built only from what group records show (names replaced by each session's
names list, safeguarding concerns left out), and it names no speakers.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import yaml

from ..models import ActionStatus, ActionStatusChange
from ..record.html import render_html_page
from ..record.markdown import escape_block, escape_cell, escape_inline
from ..text import one_line, one_spelling, evidence_sentence, part_of, plural, team_key
from .actions import ActionRow, StatusBook, changes_from_sessions, session_action_rows
from .facts import SessionFacts
from .records import DigestAction, RecordEntry, action_key
from .themes import strength_key

HANDLING = (
    "Learning digest: service users are referred to by role or initials, as in each session's record; "
    "safeguarding concerns are never part of it. Share it with every team; keep it under your "
    "organisation's records retention schedule."
)
PER_SESSION = 8  # what-went-right items shown per session
OWNERS = ("initials", "names")  # settings.toml [digest] owners: how action owners who are people are shown

# Words of a role, a group, a service or a relation: kept as typed in an owner ("Team manager", "Duty Team", "Health
# Visitor", "Mother"). Any other capitalised word is taken for a name and shown by its initial.
ROLE_WORDS = frozenset("""
    admin administrator advisor adviser agency agencies all assistant aunt board camhs cafcass carer carers chair
    child children children's clinic college coordinator co-ordinator council court department deputy designated
    director duty education everyone family father foster fostering gp grandfather grandmother grandparent group
    guardian head headteacher health hospital housing hub independent iro lado leader legal manager managers mash
    me member members midwife mother nobody nurse nursery officer panel parent parents partner partners person
    police practice practitioner principal probation provider referrals residential reviewing safeguarding school
    senior service services sibling social solicitor staff student supervisor support team teams teacher tbc tbd
    therapist trainer tutor uncle unit us virtual visitor we whole worker workers young youth
    clerk sister matron receptionist secretary reception office officers paralegal pa advocate
    advocacy interpreter consultant registrar doctor paediatrician psychologist psychiatrist physio
    dr mr mrs ms mx miss prof cllr
    personal care leaving adoption placement permanence assessment assessing supervising specialist contact
    protection intervention outreach community mental domestic
    """.split())
# Words that are a role's only before a role's word ("Ward clerk", "Business support"), and may be a name
# otherwise ("Jane Ward").
ROLE_FIRST_WORDS = frozenset({"ward", "business", "front", "night", "day", "link", "key", "lead"})
_OWNER_PARTS = re.compile(r"(\s*(?:[,;&/+]|\band\b)\s*)")
# A word's letters, with what may come before and after them: "(Kate)", "Kate's", "O'Brien,".
_WORD = re.compile(r"^(\W*)(.*?)((?:['’]s)?\W*)$")


def is_role(text: str) -> bool:
    """Whether a participant as typed is a role, not a person: every word a role's ("Team manager"), or a role's
    words with a service's short name in capitals ("EDT manager", "CAMHS worker": each read "E. M.", "C. W." in the
    digest, and "EDT" wherever it was said as "E."). Typed all in capitals ("SAM NURSE") it is taken for a person."""
    words = [w.strip(".") for w in text.split()]
    if not words:
        return True
    roles = [w.casefold() in ROLE_WORDS for w in words]
    if all(roles):
        return True
    short_names = [not role and 2 <= len(w) <= 5 and w.isalpha() and w.isupper() for w, role in zip(words, roles)]
    return any(roles) and all(r or s for r, s in zip(roles, short_names)) and not text.isupper()


def is_personal_name(text: str, people: Iterable[str] = ()) -> bool:
    """The session's facilitator or a participant, by full name or first name, unless it is a role (is_role: "Team
    manager" or "EDT manager" listed among those present is a role; "Rachel Nurse" is a person)."""
    words = text.split()
    if not words or is_role(text):
        return False
    key = " ".join(words).casefold()
    return any(key == p.casefold() or key == p.split()[0].casefold() for p in people if p.split())


def initials(text: str) -> str:
    return " ".join(w[0].upper() + "." for w in text.split())


def _word_shown(word: str, kept: frozenset[str]) -> str:
    """One word of an owner that is no one of the session: a capitalised word of letters that is no role, no
    acronym ("SW", "DSL") and no word of a names list's replacement ("Child A") is taken for a name: its initial."""
    before, core, after = _WORD.match(word).groups()  # type: ignore[union-attr]
    if (len(core) < 2 or not core[0].isupper() or not all(c.isalpha() or c in "'’-." for c in core)
            or (core.isupper() and "." not in core) or core.casefold().strip(".") in ROLE_WORDS or core.casefold() in kept):
        return word
    return f"{before}{core[0]}.{after}"


def owner_shown(owner: str, people: Iterable[str] = (), owners: str = "initials", kept: Iterable[str] = ()) -> str:
    """An action's owner as the digest shows it: the session's people by their initials ("Priya Shah" -> "P. S.",
    "Sam Worker" too), and in any other owner each word that looks like a name ("Kate" -> "K.", "SW Kate" ->
    "SW K."); roles, acronyms and the words of ``kept`` (the names list's replacements, "Child A") as typed. With
    ``owners = "names"`` (the organisation's choice) everything as typed."""
    if owners == "names":
        return owner
    return _owner_initials(owner, tuple(people), tuple(kept))


@functools.lru_cache(maxsize=8192)
def _owner_initials(owner: str, people: tuple[str, ...], kept_texts: tuple[str, ...]) -> str:
    """owner_shown's work, once per owner and session's people and names list (owners repeat: at 20,000 sessions
    420,000 of them at 15 µs each added about 6 s to the digest)."""
    kept = frozenset(w.casefold() for text in kept_texts for w in text.split())
    out = []
    for n, part in enumerate(_OWNER_PARTS.split(owner)):
        text = part.strip()
        if n % 2 or not text:
            out.append(part)
        elif is_personal_name(text, people):
            out.append(part.replace(text, initials(text)))
        else:
            out.append(part.replace(text, _words_shown(text.split(), kept)))
    return "".join(out)


def _words_shown(words: list[str], kept: frozenset[str]) -> str:
    """An owner's words that are no one of the session, each as _word_shown shows it; a word that is a role's only
    before a role's word ("Ward clerk") kept there."""
    shown = []
    for i, word in enumerate(words):
        after = _WORD.match(words[i + 1]).group(2).casefold().strip(".") if i + 1 < len(words) else ""  # type: ignore[union-attr]
        shown.append(word if word.casefold() in ROLE_FIRST_WORDS and after in ROLE_WORDS else _word_shown(word, kept))
    return " ".join(shown)


def _as_said(text: str) -> str:
    return text


@functools.lru_cache(maxsize=4096)
def people_hider(people: tuple[str, ...]) -> Callable[[str], str]:
    """What hides the session's people (its facilitator and participants) in what was said, as the digest shows
    it: each by full name or first name, written with its capital ("Sam", "SAM", "Sam Patel's"), becomes its
    initials ("S.", "S. P.'s"), since the presenting worker stays anonymous in anything shared outside the room.
    A word written in lower case is left as said ("we will see" with Will present); a role ("Team manager") is no
    name."""
    shown: dict[str, str] = {}
    for person in people:
        words = person.split()
        if not words or is_role(person):
            continue
        for said in (" ".join(words), words[0]):
            if len(said) > 1 and said[0].isupper() and said.casefold().strip(".") not in ROLE_WORDS:
                shown.setdefault(" ".join(said.split()).casefold(), initials(said))
                # typed without its accents too, as a phone's keyboard often does ("Zoe" for Zoë, "Sian" for Siân)
                plain = "".join(c for c in unicodedata.normalize("NFKD", said) if not unicodedata.combining(c))
                if plain != said and len(plain) > 1 and plain[0].isupper():
                    shown.setdefault(" ".join(plain.split()).casefold(), initials(said))
    if not shown:
        return _as_said
    spelled = [
        re.escape(key[0].upper()) + "(?i:" + r"\s+".join(re.escape(w) for w in key[1:].split(" ")) + ")"
        for key in sorted(shown, key=len, reverse=True)
    ]
    pattern = re.compile(r"(?<![^\W\d_])(?:" + "|".join(spelled) + r")(?![^\W\d_])")

    def hide(text: str) -> str:
        return pattern.sub(lambda m: shown.get(" ".join(m.group().split()).casefold(), m.group()), text) if text else text

    return hide


def _went_right(facts: SessionFacts) -> tuple[list[str], int]:
    """The first PER_SESSION things a session says went right, and how many it says in all (each once)."""
    if not facts.went_right:
        return [], 0
    texts = facts.texts()
    every = dict.fromkeys(texts[i] for i in facts.went_right)
    return list(itertools.islice(every, PER_SESSION)), len(every)


def agreed_in(action: DigestAction, named: bool = False) -> str:
    """Where an action was agreed, as the digest's table says it: "A1 of 2026-04-01"; ``named``: with its session's
    title, for a team that held two sessions that day ("A1 of 2026-04-01, Weekly huddle")."""
    where = " of ".join(filter(None, [action.number, action.session_date.isoformat()]))
    return f"{where}, {action.session_title}" if named and action.session_title else where


def digest_action_from(action: ActionRow) -> DigestAction:
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


@dataclass(slots=True, eq=False)
class DigestEntry:
    """A session as the digest's headings and counts need it (light: its texts are read when written)."""

    id: str
    date: dt.date
    team: str
    title: str
    template_name: str
    draft: bool  # still running: listed apart, counted nowhere
    record: RecordEntry | None = None  # read from a records folder; None: from the data folder


@dataclass
class DigestInput:
    """What a digest is made from. The data folder's sessions are ``local`` (light entries of the period,
    every team), their facts read a few at a time with ``read`` as the digest is written, so a long
    history is never held whole; exported records of other teams are ``records`` (parsed, their parts read
    from their shelf as the digest is written)."""

    since: dt.date
    until: dt.date
    today: dt.date
    team: str | None = None
    local: list[DigestEntry] = field(default_factory=list)
    read: Callable[[list[str]], Iterable[SessionFacts]] = lambda ids: ()
    #: told how many sessions are read again for the learning actions' table, before they are (to say how far it is)
    reading_actions: Callable[[int], None] = lambda count: None
    log: list[ActionStatusChange] = field(default_factory=list)
    records: list[RecordEntry] = field(default_factory=list)
    skipped_records: int = 0
    owners: str = "initials"  # how owners who are people are shown: "initials" or "names"


@dataclass
class Digest:
    """The sessions of a digest, chosen (light), with what its front matter says."""

    since: dt.date
    until: dt.date
    team: str | None
    today: dt.date
    sessions: list[DigestEntry] = field(default_factory=list)  # counted: final, in the period, of the team
    drafts: list[DigestEntry] = field(default_factory=list)  # still running: listed apart, not counted
    skipped_records: int = 0
    owners: str = "initials"
    records: list[RecordEntry] = field(default_factory=list)  # final records read, each the copy counted


BATCH = 200  # sessions' facts read at a time


def _in_order(ids: list[str], read: Callable[[list[str]], Iterable[SessionFacts]]) -> Iterator[SessionFacts | None]:
    """The facts of these sessions, in this order (None for one that cannot be read), a batch at a time."""
    for at in range(0, len(ids), BATCH):
        batch = ids[at:at + BATCH]
        found = {f.id: f for f in read(batch)}
        for sid in batch:
            yield found.pop(sid, None)


def choose(inp: DigestInput) -> Digest:
    """Sessions from ``since`` to ``until`` (inclusive), of one team if given. The same session read twice
    (from the data folder and from a records folder) counts once; the data folder's copy wins, and a final
    copy wins over a draft. Drafts (sessions still running) are listed apart and counted nowhere.
    """
    key = team_key(inp.team) if inp.team else None
    unique: dict[str, DigestEntry] = {e.id: e for e in inp.local}
    for s in inp.records:
        if s.id not in unique or (unique[s.id].draft and not s.draft):
            unique[s.id] = DigestEntry(s.id, s.date, s.team, s.title, s.template_name, s.draft, s)
    in_period = sorted(
        (e for e in unique.values() if inp.since <= e.date <= inp.until and (key is None or team_key(e.team) == key)),
        key=lambda e: (e.date, e.id),
    )
    won = [e.record for e in unique.values() if e.record is not None and not e.draft]
    return Digest(inp.since, inp.until, inp.team, inp.today, [e for e in in_period if not e.draft],
                  [e for e in in_period if e.draft], inp.skipped_records, inp.owners, won)


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


def digest_chunks(inp: DigestInput) -> Iterator[str]:
    """The digest's markdown body, a piece at a time (see DigestInput)."""
    d = choose(inp)
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
        out += ["No session of this period has ended" + (" (those still running are listed at the end)." if d.drafts
                                                          else "."), ""]
    spelling = one_spelling(s.team for s in sorted(d.sessions, key=lambda s: s.date, reverse=True))
    teams = Counter(spelling.get(team_key(s.team), "no team given") if s.team.strip() else "no team given" for s in d.sessions)
    templates = Counter(s.template_name for s in d.sessions)
    out += [
        f"- **Sessions:** {len(d.sessions):,}",
        f"- **Teams:** {escape_inline(', '.join(f'{t} ({n})' for t, n in sorted(teams.items(), key=lambda i: i[0].casefold()))) or 'none'}",
        f"- **Kinds of session:** {escape_inline(', '.join(f'{t} ({n})' for t, n in templates.most_common())) or 'none'}",
    ]
    if d.drafts:
        out.append(f"- **Not counted:** {plural(len(d.drafts), 'session')} still running (drafts), listed at the end")
    out.append("")
    out += ["## What went right, and the highlights", ""]
    yield "\n".join(out) + "\n"

    # One pass over every session of the period in date order: what went right is written as it comes, the
    # strengths are counted, and the status changes kept in the sessions (follow-up rounds) are gathered.
    chosen = {e.id: e for e in d.sessions}
    local_ids = {e.id for e in inp.local}
    order = _period_order(inp.local, d.sessions)
    local_order = [sid for sid in order if sid in local_ids]
    facts_of = _in_order(local_order, inp.read)
    names_of: dict[str, tuple[tuple[str, str], ...]] = {}
    from_sessions: list[ActionStatusChange] = []
    with_actions: set[str] = set()
    any_right = False
    strengths_total = 0
    evidenced = 0
    skills: Counter[str] = Counter()
    groups: dict[str, list] = {}  # strength key: [times, (text, evidence, team, date) of the first]
    for sid in order:
        facts = next(facts_of) if sid in local_ids else None
        if facts is not None:
            if facts.names:
                names_of[sid] = facts.names
            if facts.reviews:
                from_sessions.extend(changes_from_sessions([facts]))
            if facts.actions:
                with_actions.add(sid)
        entry = chosen.get(sid)
        if entry is None:
            continue
        if entry.record is not None:
            every, strengths = entry.record.went_right_and_strengths()
            went_right, said = every[:PER_SESSION], len(every)
            people = entry.record.people
        elif facts is not None:
            went_right, said = _went_right(facts)
            texts = facts.texts() if facts.strengths else []
            strengths = [(texts[s.index], s.evidence, s.skill) for s in facts.strengths]
            people = facts.people
        else:
            continue
        hide = people_hider(tuple(people)) if d.owners != "names" else _as_said
        if hide is not _as_said:
            went_right = [hide(t) for t in went_right]
            strengths = [(hide(t), hide(e), *rest) for t, e, *rest in strengths]
        if went_right:
            any_right = True
            team = f" ({entry.team})" if entry.team else ""
            lines = [f"### {escape_inline(one_line(f'{entry.date.day} {entry.date:%b %Y}: {entry.title}{team}'))}", ""]
            lines += [f"- {escape_block(text)}" for text in went_right]
            if said > PER_SESSION:
                lines.append(f"- *and {said - PER_SESSION} more in the session's record*")
            lines.append("")
            yield "\n".join(lines) + "\n"
        for st in strengths:
            strengths_total += 1
            if not st[1].strip():
                continue
            evidenced += 1
            if st[2]:
                skills[st[2]] += 1
            group = groups.get(strength_key(st[0]) or st[0])
            if group is None:
                groups[strength_key(st[0]) or st[0]] = [1, (st[0], st[1], entry.team, entry.date)]
            else:
                group[0] += 1

    out = []
    if not any_right:
        out += ["Nothing was recorded as going right in this period.", ""]
    out += ["## Strengths evidenced", ""]
    out += [evidence_sentence(evidenced, strengths_total, 'strength claimed', 'strengths claimed'), ""]
    if skills:
        out += ["| Practice skill | Times evidenced |", "| --- | --- |"]
        out += [f"| {escape_cell(k)} | {n} |" for k, n in sorted(skills.items(), key=lambda i: (-i[1], i[0].casefold()))]
        out.append("")
    if groups:
        ranked = sorted(groups.values(), key=lambda g: (-g[0], g[1][0].casefold()))
        out += ["| Strength | Times | Evidence (an example) | Team, date |", "| --- | --- | --- | --- |"]
        for times, (text, evidence, team, day) in ranked[:40]:
            out.append(
                f"| {escape_cell(text)} | {times} | {escape_cell(evidence)} | "
                f"{escape_cell(f'{team or chr(8212)}, {day.isoformat()}')} |"
            )
        if len(ranked) > 40:
            out += ["", f"And {len(ranked) - 40} more strengths, each in its session's record."]
        out.append("")
    out += ["## Learning actions and their progress", ""]
    yield "\n".join(out) + "\n"
    del groups, skills

    # The actions, in the order agreed (date, team, session): their rows are written to a spool while they
    # are counted, since the counts come first.
    book = StatusBook(inp.log, from_sessions, names_of)
    del from_sessions
    # Progress of actions read from records: the latest follow-up of the same action (text and owner).
    reviews: dict[str, tuple[dt.date, str, str]] = {}
    for s in d.records:
        for r in s.reviews():
            k = action_key(r.text, r.owner)
            if k not in reviews or r.date >= reviews[k][0]:
                reviews[k] = (r.date, r.status, r.note)
    by_agreed = sorted(d.sessions, key=lambda e: (e.date, e.team.casefold(), e.id))
    # A team's two sessions of one day: their actions' "A1 of <date>" would be the same, so these name the session.
    same_day = Counter((team_key(e.team), e.date) for e in d.sessions)
    again = [e.id for e in by_agreed if e.id in with_actions]
    inp.reading_actions(len(again))
    facts_of = _in_order(again, inp.read)
    counts: Counter[str] = Counter()
    overdue = total = 0
    with tempfile.SpooledTemporaryFile(max_size=1 << 22, mode="w+", encoding="utf-8") as spool:
        for entry in by_agreed:
            progress: list[ActionProgress] = []
            people: tuple[str, ...] = ()
            kept: tuple[str, ...] = ()  # the names list's replacements ("Child A"): no one's name
            if entry.id in with_actions:
                facts = next(facts_of)
                if facts is not None:
                    people = facts.people
                    kept = tuple(r for _, r in facts.names)
                    for row in session_action_rows(facts):
                        book.apply(row)
                        progress.append(ActionProgress(digest_action_from(row), row.status.value, row.note, row.changed))
            elif entry.record is not None:
                people = entry.record.people
                for a in entry.record.actions():
                    review = reviews.get(a.key)
                    if review:
                        progress.append(ActionProgress(a, review[1], review[2], review[0]))
                    else:
                        progress.append(ActionProgress(a, ActionStatus.open.value))
            if entry.record is not None:
                people = entry.record.people
            hide = people_hider(tuple(people)) if d.owners != "names" else _as_said
            lines = []
            for p in progress:
                a = p.action
                total += 1
                counts[p.status] += 1
                is_late = p.overdue(d.today)
                overdue += is_late
                owner = owner_shown(a.owner, people, d.owners, kept)
                status = p.status + (f" ({p.changed.isoformat()})" if p.changed else "")
                if is_late:
                    status += ", overdue"
                lines.append(
                    "| " + " | ".join(
                        [cell(hide(a.text)), cell(owner), cell(hide(a.due)), cell(a.team),
                         cell(agreed_in(a, same_day[(team_key(a.team), a.session_date)] > 1)), cell(status),
                         cell(hide(p.note))]
                    ) + " |\n"
                )
            if lines:
                spool.write("".join(lines))
            if len(cells) > 50_000:
                cells.clear()
        if total:
            parts = [f"{counts.get(s.value, 0):,} {s.value}" for s in ActionStatus if counts.get(s.value)]
            yield (f"{plural(total, 'learning action')}: {', '.join(parts)}; {overdue:,} overdue on {d.today.isoformat()}.\n\n"
                   "| Action | Owner | Due | Team | Agreed | Status | Latest note |\n| --- | --- | --- | --- | --- | --- | --- |\n")
            spool.seek(0)
            while piece := spool.read(1 << 16):
                yield piece
            yield "\n"
        else:
            yield "No learning actions were agreed in this period.\n\n"

    out = ["## About this digest", ""]
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
    yield "\n".join(out)


def _period_order(local: list[DigestEntry], chosen: list[DigestEntry]) -> list[str]:
    """Every session of the data folder and every session chosen, once each, by date then id."""
    dates = {e.id: e.date for e in local}
    for e in chosen:
        dates.setdefault(e.id, e.date)
    return sorted(dates, key=lambda sid: (dates[sid], sid))


def render_digest(inp: DigestInput, fmt: str = "md") -> Iterator[str]:
    """The digest document, a piece at a time: markdown with its front matter, or an HTML page."""
    if fmt not in ("md", "html"):
        raise ValueError(f"unknown digest format {fmt!r}; use md or html")
    meta = digest_front_matter(choose(inp))
    if fmt == "html":
        yield render_html_page({**meta, "id": "digest"}, "".join(digest_chunks(inp)))
        return
    dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    yield f"---\n{dumped}---\n"
    yield from digest_chunks(inp)
