"""Likely personal identifiers in what a record would show. Pure: Session in, findings out.

Looked for: dates of birth (a full date before the session date, or any date next to "DOB" / "born"),
phone numbers (UK), email addresses, UK postcodes, NHS numbers (with a valid check digit), a case-reference
pattern the organisation can set, the names an earlier session of the team listed to replace that this
session's list lacks (a team's next session about the same family, started with an empty list), and a word of a
listed name of several said on its own ("Siân" of "Siân Ó Dálaigh"). The scan reads the export view (names already replaced, safeguarding concerns
left out) and skips what the facilitator chose to keep, so each finding is something the record would print.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..models import Session
from ..vocabulary import NO_PHASE_HEADING
from .follow_up import HEADING as FOLLOW_UP_HEADING
from .redact import for_export, make_replacer, name_key

DEFAULT_CASE_REFERENCE_PATTERN = r"\b(?:case|ref(?:erence)?|client|ID)\s*(?:no\.?|number|#)?\s*[:#]?\s*[A-Z]{0,3}-?\d{4,}\b"

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_MONTHS_LONG = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/.-]|\.\d)")
_WORD_DATE = re.compile(
    rf"(?<!\w)(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS_LONG}|{_MONTHS})\.?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DOB_LABEL = re.compile(r"(?:\bD\.?O\.?B\.?|\bdate of birth|\bborn(?:\s+on)?)\W{0,3}$", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?<!\.)")
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d(?:\)?[\s-]?\d){8,9}(?!\w)")
_POSTCODE = re.compile(
    r"(?<![\w])(?:GIR\s?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?)\s?\d[ABD-HJLNP-UW-Z]{2})(?!\w)",
    re.IGNORECASE,
)
_NHS = re.compile(r"(?<![\d\w])(\d{3})[\s-]?(\d{3})[\s-]?(\d{4})(?![\d\w])")

_MONTH_NUMBER: dict[str, int] = {}
for _n, _name in enumerate(_MONTHS_LONG.split("|"), start=1):
    _MONTH_NUMBER[_name] = _MONTH_NUMBER[_name[:3]] = _n
_MONTH_NUMBER["sept"] = 9

SUGGESTIONS = {
    "date of birth": "[date of birth]",
    "phone number": "[phone number]",
    "email address": "[email address]",
    "postcode": "[postcode]",
    "NHS number": "[NHS number]",
    "case reference": "[case reference]",
}


#: a name an earlier session of the team listed to replace, found in this one's record
EARLIER_NAME = "team's earlier list"
#: one word of a listed name of several, found on its own ("Siân" of "Siân Ó Dálaigh", "Mr Al-Hassan")
PART_OF_NAME = "part of a listed name"


@dataclass
class Finding:
    kind: str
    text: str
    where: list[str] = field(default_factory=list)
    count: int = 0
    #: what to say instead, where the finding brings its own (an earlier names list's replacement)
    replacement: str = ""
    #: what goes on the names list if it is replaced, where not ``text`` (an e-mail address with a listed name in it:
    #: shown with the name replaced, listed as typed)
    listed: str = ""

    @property
    def suggestion(self) -> str:
        return self.replacement or SUGGESTIONS.get(self.kind, "[removed]")


def nhs_number_valid(digits: str) -> bool:
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _make_date(day: int, month: int, year: int) -> dt.date | None:
    if year < 100:
        year += 2000 if year < 50 else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _dates(text: str) -> list[tuple[int, int, dt.date | None]]:
    found = []
    for m in _NUMERIC_DATE.finditer(text):
        found.append((m.start(), m.end(), _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    for m in _WORD_DATE.finditer(text):
        month = _MONTH_NUMBER.get(m.group(2).lower(), 0)
        found.append((m.start(), m.end(), _make_date(int(m.group(1)), month, int(m.group(3)))))
    for m in _ISO_DATE.finditer(text):
        found.append((m.start(), m.end(), _make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))))
    return found


def scan_text(
    text: str, session_date: dt.date, case_pattern: re.Pattern[str] | None = None, past_dates: bool = True
) -> list[tuple[str, str]]:
    """(kind, matched text) for every likely identifier in one text, in order of position.

    `past_dates`: a full date before the session counts as a possible date of birth (not in a timeline's
    "when", where past dates are the point); a date labelled as a date of birth always counts.
    """
    hits: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, kind: str) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        hits.append((start, end, kind))

    for m in _EMAIL.finditer(text):
        add(m.start(), m.end(), "email address")
    if case_pattern is not None:
        for m in case_pattern.finditer(text):
            if m.end() > m.start():
                add(m.start(), m.end(), "case reference")
    for start, end, date in _dates(text):
        labelled = bool(_DOB_LABEL.search(text[max(0, start - 20) : start]))
        if labelled or (past_dates and date is not None and date < session_date):
            add(start, end, "date of birth")
    for m in _NHS.finditer(text):
        if nhs_number_valid(m.group(1) + m.group(2) + m.group(3)):
            add(m.start(), m.end(), "NHS number")
    for m in _PHONE.finditer(text):
        add(m.start(), m.end(), "phone number")
    for m in _POSTCODE.finditer(text):
        add(m.start(), m.end(), "postcode")
    hits.sort()
    return [(kind, text[start:end]) for start, end, kind in hits]


def compile_case_pattern(pattern: str | None) -> re.Pattern[str] | None:
    """The organisation's case-reference pattern; the default when none is set; None if it cannot be used (see
    case_pattern_problem)."""
    if case_pattern_problem(pattern or DEFAULT_CASE_REFERENCE_PATTERN) is not None:
        return None
    return re.compile(pattern or DEFAULT_CASE_REFERENCE_PATTERN, re.IGNORECASE)


#: why a case-reference pattern that repeats a repeated part is not used
SLOW_PATTERN = ("repeats a part that repeats itself (as in ([A-Z]+-?)+ or (a+)+), which can take minutes on some "
                "text and freeze the app as a session ends; write it without a repeat inside a repeat, for example "
                "[A-Z]+-?\\d{5}")


def case_pattern_problem(pattern: str) -> str | None:
    """Why this case-reference pattern cannot be used (not a valid pattern, or one that can take minutes: SLOW_PATTERN),
    or None. The pattern runs over every text of a session as it ends, on the screen's thread: a repeat of a part that
    repeats itself ("([A-Z]+-?)+") tries exponentially many ways on a long word that almost matches."""
    try:
        parsed = re._parser.parse(pattern, re.IGNORECASE)  # type: ignore[attr-defined]
        re.compile(pattern, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError, ValueError):
        return "is not a valid pattern"
    return SLOW_PATTERN if _repeat_in_repeat(parsed, inside=False) else None


_REPEATS = {re._constants.MAX_REPEAT, re._constants.MIN_REPEAT}  # type: ignore[attr-defined]


def _repeat_in_repeat(items, inside: bool) -> bool:  # noqa: ANN001 - a parsed pattern (re._parser.SubPattern)
    for op, value in items:
        if op in _REPEATS:
            low, high, sub = value
            endless = high is re._constants.MAXREPEAT  # type: ignore[attr-defined]
            many = endless or high > 1
            if inside and (endless or low < high > 1):  # (a part repeated a fixed number of times, "\d{3}", or an
                return True  # optional one, "-?", has one or two ways to match: not a repeat that can take minutes)
            if _repeat_in_repeat(sub, inside or many):
                return True
        elif op is re._constants.SUBPATTERN:  # type: ignore[attr-defined]
            if _repeat_in_repeat(value[-1], inside):
                return True
        elif op is re._constants.BRANCH:  # type: ignore[attr-defined]
            if any(_repeat_in_repeat(branch, inside) for branch in value[1]):
                return True
        elif op in (re._constants.ASSERT, re._constants.ASSERT_NOT):  # type: ignore[attr-defined]
            if _repeat_in_repeat(value[1], inside):
                return True
    return False


_HYPHENS = re.compile(r"[-\u2010\u2011]")


def name_words(name: str) -> list[tuple[str, list[str]]]:
    """The words of a listed name, each with its parts if it is hyphenated ("Rosa-Maria Ward": ("Rosa-Maria",
    ["Rosa", "Maria"]), ("Ward", [])): each can be said on its own."""
    return [(word, [part for part in _HYPHENS.split(word) if part] if _HYPHENS.search(word) else []) for word in name.split()]


def _count(findings: dict, key: tuple[str, str], make, name: str, texts: list[tuple[str, str, bool]]) -> None:  # noqa: ANN001
    """Adds to the finding at ``key`` (made by ``make()`` when first found) each place in ``texts`` the names list
    would replace ``name``, however spelled."""
    found = make_replacer({name: "\ue000"})
    for where, text, _ in texts:
        count = found(text).count("\ue000") - text.count("\ue000") if text else 0
        if count:
            finding = findings.get(key)
            if finding is None:
                finding = findings[key] = make()
            finding.count += count
            if where not in finding.where:
                finding.where.append(where)


def scan_session(
    session: Session, case_reference_pattern: str | None = None, earlier_names: dict[str, str] | None = None
) -> list[Finding]:
    """Every likely identifier the record of this session would show, once each, with where it is; first the names
    of ``earlier_names`` (an earlier names list of the team: name -> replacement) that the record would show."""
    view = for_export(session)
    pattern = compile_case_pattern(case_reference_pattern)
    kept = {k.casefold() for k in session.pii_kept}
    titles = {p.id: p.title for p in view.template.phases}
    texts: list[tuple[str, str, bool]] = [("title", view.title, True), ("team", view.team, True)]
    typed = [session.title, session.team]  # each text as typed, in the same order (see the e-mail addresses below)
    # Who sent apologies is typed here and printed: a family member's name reaches it ("Lily's gran"). (The
    # facilitator and participants are the staff at the session: their names are not looked in.)
    texts += [("apologies", person, True) for person in view.apologies]
    typed += session.apologies
    replace = make_replacer(session.redactions)
    # The notes typed in the follow-up round, which the record's action follow-up prints.
    texts += [(FOLLOW_UP_HEADING, replace(r.note), True) for r in session.action_reviews if r.note]
    typed += [r.note for r in session.action_reviews if r.note]
    for c, as_typed in zip(view.contributions, [c for c in session.contributions if not c.safeguarding]):
        where = titles.get(c.phase_id, NO_PHASE_HEADING)  # as the record names it (never the id the file holds)
        texts.append((where, c.text, True))
        typed.append(as_typed.text)
        # (a due and a turning point's "when" are dates to come or gone: no date there is taken for a birth date)
        texts += [(where, value, key not in ("when", "due")) for key, value in c.fields.items()]
        typed += [as_typed.fields.get(key, "") for key in c.fields]
    findings: dict[tuple[str, str], Finding] = {}
    own = {name_key(name) for name in session.redactions}
    for name, replacement in (earlier_names or {}).items():
        if not name_key(name) or name_key(name) in own or name.casefold() in kept:
            continue
        _count(findings, (EARLIER_NAME, name_key(name)), lambda: Finding(EARLIER_NAME, name, replacement=replacement),
               name, texts)
    # A word of a listed name of several said on its own: the list replaces the whole name only ("Siân" of "Siân Ó
    # Dálaigh", "Mr Al-Hassan" of "Mohammed Al-Hassan" reached every output). Words of three letters or more, not
    # listed themselves; asked about with the name's replacement ready.
    # A part of a hyphenated word on its own too ("Rosa" or "Maria" of "Rosa-Maria Ward"), where the whole word is not.
    def part_of_name(word: str, replacement: str, among: list[tuple[str, str, bool]]) -> None:
        key = name_key(word)
        if sum(ch.isalpha() for ch in key) < 3 or key in own or word.casefold() in kept:
            return
        _count(findings, (PART_OF_NAME, key), lambda: Finding(PART_OF_NAME, word, replacement=replacement), word, among)

    # Not where the word is in the name of the facilitator or a participant, written whole ("Ward" of "Kayla Ward"
    # in "owner: Bea Ward", Bea Ward being at the session): that is their name.
    people = [p for p in session.speakers if p.strip()]
    unnamed = make_replacer(dict.fromkeys(people, "\ue002")) if people else None
    staff_out = [(where, unnamed(text), dates) for where, text, dates in texts] if unnamed is not None else texts
    for name, replacement in session.redactions.items():
        words = name_words(name)
        if len(words) + sum(len(parts) for _, parts in words) < 2:
            continue
        for word, parts in words:
            if len(words) > 1:
                part_of_name(word, replacement, staff_out)
            if parts:
                without = make_replacer({word: "\ue001"})
                rest = [(where, without(text), dates) for where, text, dates in staff_out]
                for part in parts:
                    part_of_name(part, replacement, rest)
    # An e-mail address with a listed name in it is shown with the name replaced, which may cut it in two: "Child
    # A.Family B@school.org" for "jayden.smith-jones@school.org". The check showed half of it ("B@school.org"), and
    # replacing that left "Child A.Family [email address]". It is found in the text as typed, shown as the record
    # would show it, and, if replaced, the address as typed goes on the names list.
    addresses: list[str] = []
    for (where, text, _), original in zip(texts, typed):
        if "@" not in original:
            continue
        for m in _EMAIL.finditer(original):
            shown = replace(m.group())
            if shown == m.group() or shown.casefold() in kept or shown not in text or not _EMAIL.search(shown):
                continue  # (not replaced, kept, or replaced whole: no address left to show)
            addresses.append(shown)
            finding = findings.setdefault(("email address", shown.casefold()), Finding("email address", shown,
                                                                                     listed=m.group()))
            finding.count += 1
            if where not in finding.where:
                finding.where.append(where)
    for where, text, past_dates in texts:
        if not text:
            continue
        for kind, matched in scan_text(text, session.date, pattern, past_dates):
            if matched.casefold() in kept:
                continue
            if kind == "email address" and any(matched in shown for shown in addresses if shown in text):
                continue
            key = (kind, " ".join(matched.split()).casefold())
            finding = findings.setdefault(key, Finding(kind, matched))
            finding.count += 1
            if where not in finding.where:
                finding.where.append(where)
    return list(findings.values())
