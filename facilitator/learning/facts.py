"""A compact view of one session: what search, themes, actions and the digest need, and no more.

Built from the stored documents (a session header dict and its contribution dicts, as the session file
holds them) or from a Session. Everything in it is as a group record shows it: service users' names
replaced by the session's names list (as in each text and field on its own), safeguarding concerns left out,
and the contributions recorded in a phase the template no longer has after the others, in a phase of their own
titled as the record's section of them.
The names list itself is kept too (``names``), for the status notes of the session's actions, which are
made later (learning/actions.py). Contribution texts are kept in one
string per session (``blob``, one line per contribution, separated by ``SEP``).

``SessionEntry`` is the part the history list shows (and search names a hit by); ``SessionFacts`` adds
the texts, strengths, actions, tags and ratings. The app keeps entries in memory and reads the rest from
the history cache when a search, the themes or the actions need it (see store/history.py).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from bisect import bisect_left, bisect_right
from itertools import compress, islice, repeat
from itertools import count as count_from
from operator import contains, itemgetter, le
from typing import TYPE_CHECKING, Any

from ..contribution_fields import PASS, kind_by_fields
from ..record.redact import make_replacer
from ..store.journal import contribution_doc, session_header
from ..text import one_line
from ..vocabulary import NO_PHASE_HEADING, PhaseKind

if TYPE_CHECKING:  # the pydantic models are loaded only where a whole Session is read
    from ..models import Session

SEP = "\x1f"
DECISION_TAG = "decision"
_NO_FIELDS: dict[str, str] = {}
_TEXT = itemgetter("text")
_ID = itemgetter("id")
_CONTROLS = bytes(range(32)) + b"\x7f"  # the control characters of ASCII
_DOUBLE_SPACE = re.compile("  ")  # found quicker than with `in` in a long text

# Phases whose contributions are "what went right" (besides strengths and starred highlights).
WENT_RIGHT = re.compile(
    r"went[ -](right|well)|worked|working[ -]well|excellen|what[ -]they[ -]did|discovery|strength|success",
    re.IGNORECASE,
)

_phase_cache: dict[tuple, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}


def _phase_info(template: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(ids, titles, kinds) of a template's phases; shared between sessions on the same template."""
    phases = template.get("phases") or []
    key = tuple((p.get("id", ""), p.get("title", ""), p.get("kind", "discussion")) for p in phases)
    info = _phase_cache.get(key)
    if info is None:
        info = (
            tuple(sys.intern(p[0]) for p in key),
            tuple(sys.intern(p[1]) for p in key),
            tuple(sys.intern(p[2]) for p in key),
        )
        _phase_cache[key] = info
    return info


@dataclass(slots=True, eq=False)
class Strength:
    index: int  # the contribution's place in the session's blob
    evidence: str
    skill: str


@dataclass(slots=True, eq=False)
class ActionFact:
    contribution_id: str
    index: int
    owner: str
    due: str
    tell: str


@dataclass(slots=True, eq=False)
class SessionEntry:
    """A session as the history lists it, and as search names a hit."""

    id: str
    date: dt.date
    team: str
    title: str
    template_id: str
    template_name: str
    status: str


@dataclass(slots=True, eq=False)
class SessionFacts(SessionEntry):
    phase_ids: tuple[str, ...]
    phase_titles: tuple[str, ...]
    phase_kinds: tuple[str, ...]
    phases: bytes  # phase index of each contribution, in the order they were recorded
    blob: str  # contribution texts (one line each), SEP between them
    strengths: tuple[Strength, ...] = ()
    actions: tuple[ActionFact, ...] = ()
    ratings: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()  # every tag and practice-skill given, with repeats
    went_right: tuple[int, ...] = ()  # contributions that say what went right (phase, strengths, highlights)
    reviews: tuple[dict, ...] = ()  # action_reviews, their texts with this session's names replaced
    names: tuple[tuple[str, str], ...] = ()  # the session's names list (name as typed, replacement)
    people: tuple[str, ...] = ()  # the facilitator and participants, as typed (the digest shows them by initials)

    def phase_title(self, index: int) -> str:
        return self.phase_titles[self.phases[index]]

    @property
    def contribution_count(self) -> int:
        return len(self.phases)

    def texts(self) -> list[str]:
        return self.blob.split(SEP) if self.phases else []  # one text per contribution, even one empty text

    def entry(self) -> SessionEntry:
        """The light part, to keep in memory while the rest is on disk."""
        return SessionEntry(self.id, self.date, self.team, self.title, self.template_id, self.template_name, self.status)


def _rating(value: str) -> int | None:
    value = value.strip()
    if value.isdigit() and 0 <= int(value) <= 10:
        return int(value)
    return None


_RATINGS = {str(n): n for n in range(11)}  # the ratings as the app stores them, read without _rating


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


_REVIEW_TEXTS = ("text", "owner", "due", "note", "from_session_title")


def _review(review: Any, replace) -> Any:  # noqa: ANN001
    """An action review as this session's record shows it: its texts with this session's names replaced, then those
    of the session the action was agreed in (kept with the review as ``from_names``, not itself kept here)."""
    if not isinstance(review, dict):
        return review
    earlier = review.get("from_names")
    if isinstance(earlier, dict) and earlier and all(isinstance(v, str) for v in earlier.values()):
        then = _replacer(earlier)
        shown = replace
        replace = lambda text: then(shown(text))  # noqa: E731
    return {k: replace(v) if k in _REVIEW_TEXTS and isinstance(v, str) else v for k, v in review.items()
            if k != "from_names"}


def _without_names(review: Any) -> Any:  # noqa: ANN401
    """A review as the index keeps it when nothing is replaced: without the earlier session's names list."""
    if isinstance(review, dict) and "from_names" in review:
        return {k: v for k, v in review.items() if k != "from_names"}
    return review


class _Shape:
    """What session_data needs of a template's phases, worked out once a template."""

    __slots__ = (
        "ids", "titles", "kinds", "index_of", "right", "special", "rows", "strengths", "actions", "scales", "timelines",
    )

    def __init__(self, ids: tuple[str, ...], titles: tuple[str, ...], kinds: tuple[str, ...]):
        self.ids, self.titles, self.kinds = ids, titles, kinds
        self.index_of = {pid: n for n, pid in enumerate(ids)}
        # phases whose contributions say what went right, and phases with fields of their own
        self.right = tuple(
            n for n, (title, pid, kind) in enumerate(zip(titles, ids, kinds))
            if kind in ("discussion", "round") and (WENT_RIGHT.search(title) or WENT_RIGHT.search(pid))
        )
        self.special = {n: kind for n, kind in enumerate(kinds) if kind in ("strengths", "actions", "scale")}
        self.rows = tuple(zip(ids, titles, kinds))
        self.strengths, self.actions, self.scales = (
            tuple(n for n, k in self.special.items() if k == kind) for kind in ("strengths", "actions", "scale")
        )
        self.timelines = tuple(n for n, kind in enumerate(kinds) if kind == "timeline")


_shapes: dict[tuple, _Shape] = {}
#: id(template) -> (template, its shape): the session files of one template share one template document
#: (store.resolve_template), so most sessions find theirs here without reading its phases
_shape_of: dict[int, tuple[dict, _Shape]] = {}


def _shape(template: dict[str, Any]) -> _Shape:
    known = _shape_of.get(id(template))
    if known is not None and known[0] is template:
        return known[1]
    info = _phase_info(template)
    shape = _shapes.get(info)
    if shape is None:
        if len(_shapes) >= 256:
            _shapes.clear()
        shape = _shapes[info] = _Shape(*info)
    if len(_shape_of) >= 64:
        _shape_of.clear()
    _shape_of[id(template)] = (template, shape)  # kept alive while here, so its id is not another's
    return shape


_replacers: dict[tuple, Any] = {}


def _replacer(names: dict[str, str]):  # noqa: ANN202 - record.redact's replace function
    """make_replacer(names), made once for a names list that comes again (a team's list, session after session)."""
    key = tuple(names.items())
    try:
        replace = _replacers.get(key)
    except TypeError:  # not a list as the app writes it: made each time
        return make_replacer(names)
    if replace is None:
        if len(_replacers) >= 256:
            _replacers.clear()
        replace = _replacers[key] = make_replacer(names)
    return replace


def _same(text: str) -> str:
    return text


def _one_line_each(texts: list[str]) -> list[str]:
    """[one_line(text) for text in texts]; a text already on one line (printable, no double, leading or trailing
    space) is kept as it is."""
    return [
        text if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " " else one_line(text)
        for text in texts
    ]


def _on_one_line(values: list[str]) -> list[str]:
    """[one_line(value) for value in values], the list itself when each is on one line already: printable
    (no control character, no space but " "), nothing to strip at either end, no double space."""
    joined = SEP.join(values)
    if joined.isascii():  # printable: no control character but the SEPs put between them (quicker than isprintable)
        ascii_bytes = joined.encode("ascii")
        printable = len(ascii_bytes.translate(None, _CONTROLS)) == len(ascii_bytes) - len(values) + 1
    else:
        printable = "".join(values).isprintable()
    if printable and "  " not in joined and list(map(str.strip, values)) == values:
        return values
    return [_line(value) for value in values]


def _replaced(values: list[str], replace) -> list[str]:  # noqa: ANN001
    """[replace(value) for value in values]: plain ASCII values replaced at once, a tab between them."""
    if replace is _same or not values:
        return values
    joined = "\t".join(values)
    if joined.isascii() and joined.count("\t") == len(values) - 1:
        replaced = replace(joined)
        if replaced is joined:
            return values
        if replaced.count("\t") == len(values) - 1:  # else a name matched across a tab (or a replacement holds one)
            return replaced.split("\t")
    return [replace(value) for value in values]


def _line(text: str) -> str:
    """one_line(text), with one call fewer for the usual printable text."""
    return " ".join(text.split()) if text.isprintable() else one_line(text)


def _fields(docs: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The fields of these contributions ({} for none)."""
    fields = list(map(dict.get, docs, repeat("fields")))
    return fields if all(fields) else [f or _NO_FIELDS for f in fields]


def _is_pass(doc: dict[str, Any]) -> bool:
    """A turn passed in a round (as contribution_fields.build_contribution records it): it says nothing more."""
    fields = doc.get("fields")
    return isinstance(fields, dict) and fields.get("turn") == PASS


def _turning_point(n: int, fields: Any, replace) -> tuple[int, str, str] | None:  # noqa: ANN001, ANN401
    """(n, when, changed) of a turning point with a when or what would be done differently said, names replaced, each
    on one line; None without them."""
    if not isinstance(fields, dict):
        return None
    when, changed = fields.get("when"), fields.get("changed")
    if not (when and isinstance(when, str)) and not (changed and isinstance(changed, str)):
        return None
    when = _line(replace(when)) if isinstance(when, str) else ""
    changed = _line(replace(changed)) if isinstance(changed, str) else ""
    return (n, when, changed) if when or changed else None


def _turning_points(docs: list[dict], phase_of: list[int], phases: tuple[int, ...], in_order: bool, replace) -> list:  # noqa: ANN001
    """[(n, when, changed)] of the turning points (contributions in a timeline phase) that say when, or what would
    be done differently."""
    places, found = _in_phases(docs, phase_of, phases, in_order)
    points = (_turning_point(n, d.get("fields"), replace) for n, d in zip(places, found) if d.get("fields"))
    return [point for point in points if point is not None]


def _one_by_one(docs, phase_of, todo, shape, replace, went_right):  # noqa: ANN001, ANN202
    """(strengths, actions, ratings, tags) of the contributions at ``todo`` (in a phase with fields of its own,
    tagged or starred), one contribution at a time; the starred and the strengths added to ``went_right``."""
    special, right = shape.special, shape.right
    strengths: list[tuple] = []
    actions: list[list] = []
    ratings: list[int] = []
    tags: list[str] = []
    for n in todo:
        d = docs[n]
        phase = phase_of[n]
        kind = special.get(phase)
        fields = d.get("fields") or _NO_FIELDS
        extra = d.get("tags")
        if d.get("starred") and phase not in right:
            went_right.add(n)
        skill = fields.get("skill", "")
        if extra or skill:
            seen: set[str] = set()
            for tag in [*(extra or ()), skill]:
                tag = " ".join(replace(tag).split())
                if tag and tag.casefold() != DECISION_TAG and tag.casefold() not in seen:
                    seen.add(tag.casefold())
                    tags.append(tag)
        if kind is None:
            continue
        if kind == "strengths":
            strengths.append((n, _line(replace(fields.get("evidence", ""))), _line(replace(skill))))
            went_right.add(n)  # strengths are always "what went right"
        elif kind == "actions":
            actions.append([
                d.get("id", str(n)), n, 0, _line(replace(fields.get("owner", ""))), _line(replace(fields.get("due", ""))),
                _line(replace(fields.get("tell", ""))),
            ])
        else:
            rating = _rating(fields.get("rating", ""))
            if rating is not None:
                ratings.append(rating)
    # Numbered as the record numbers them: by phase, then as recorded.
    for number, action in enumerate(sorted(actions, key=lambda a: (phase_of[a[1]], a[1])), start=1):
        action[2] = number
    return strengths, [tuple(a) for a in actions], ratings, tags


def _places(phase_of: list[int], phases: tuple[int, ...], in_order: bool) -> list[int]:
    """The places of the contributions in these phases (in ascending order), in order. ``in_order``: the
    contributions were recorded phase after phase (phase_of ascending), as they usually are: each phase's
    contributions are then one run, found by bisection."""
    if not phases:
        return []
    if in_order:
        if len(phases) == 1:
            return list(range(bisect_left(phase_of, phases[0]), bisect_right(phase_of, phases[0])))
        return [n for p in phases for n in range(bisect_left(phase_of, p), bisect_right(phase_of, p))]
    return list(compress(count_from(), map(frozenset(phases).__contains__, phase_of)))


def _in_phases(
    docs: list[dict], phase_of: list[int], phases: tuple[int, ...], in_order: bool,
) -> tuple[list[int], list[dict]]:
    """(the places, the contributions) of the contributions in these phases, in order."""
    if in_order and len(phases) == 1:
        start, end = bisect_left(phase_of, phases[0]), bisect_right(phase_of, phases[0])
        return list(range(start, end)), docs[start:end]
    places = _places(phase_of, phases, in_order)
    return places, [docs[n] for n in places]


_SessionData = None
_CREATED = itemgetter("created_at")


def _said_in_order(contributions: list[dict[str, Any]]) -> bool:
    """True if the contributions are stored in the order they were said (as they are, but for one brought back by
    ctrl+z after others were recorded)."""
    try:
        said = list(map(_CREATED, contributions))
        return all(map(le, said, islice(said, 1, None)))
    except (KeyError, TypeError):
        return False


def _record_order(doc: dict[str, Any]) -> tuple:
    """A contribution's place in the record's order: those the facilitator placed (a timeline's turning points
    moved with shift+up), then by when they were said."""
    position = doc.get("position")
    created = doc.get("created_at")
    return (position is None, position if isinstance(position, int) else 0, created if isinstance(created, str) else "")


def session_data(header: dict[str, Any], contributions: list[dict[str, Any]]):  # noqa: ANN201 - store.index.SessionData
    """A session's rows for the history index (store/index.py), from its stored documents: what
    a session's facts are, laid out as the index keeps them, computed straight from the documents (this runs
    for every session when the index is built). Handed to ``HistoryDB.sync`` by its callers."""
    global _SessionData
    if _SessionData is None:
        from ..store.index import SessionData

        _SessionData = SessionData
    template = header.get("template") or {}
    shape = _shape(template)
    index_of = shape.index_of
    names = header.get("redactions") or {}
    redacting = bool(names)
    replace = _replacer(names) if redacting else _same
    # The contributions the record shows in its phases (in a phase of the template, not a safeguarding concern):
    # usually all. Those in a phase the template no longer has (``lost``) are added after them, as the record's
    # closing section lists them (_in_no_phase).
    # Tags, stars and safeguarding concerns are kept only when given (journal.contribution_doc): most
    # contributions have none, so which keys there are is looked at once for them all.
    keys = set().union(*contributions)
    if "position" in keys or not _said_in_order(contributions):
        # In the order the record lists them (Session.contributions_in): a contribution brought back by ctrl+z is
        # stored after those recorded since, and a turning point may have been moved; the record numbers the
        # actions, and says which came first, by that order, so the index must too (an action was "A3" in the
        # follow-up round and the digest and "A2" in the record).
        contributions = sorted(contributions, key=_record_order)
    try:
        phase_of = [index_of[d["phase_id"]] for d in contributions]
        texts = list(map(_TEXT, contributions))
        docs = contributions
        if "safeguarding" in keys and any(map(dict.get, contributions, repeat("safeguarding"))):
            raise KeyError
    except KeyError:
        docs = [d for d in contributions if d.get("phase_id") in index_of and not d.get("safeguarding")]
        phase_of = [index_of[d["phase_id"]] for d in docs]
        texts = [d.get("text", "") for d in docs]
        lost = [d for d in contributions if d.get("phase_id") not in index_of and not d.get("safeguarding")]
    else:
        lost = []
    count = len(docs)
    blob = SEP.join(texts)
    separated = SEP not in "".join(texts)  # no text has SEP in it (so blob.count(SEP) == count - 1)
    if redacting:
        # Plain ASCII texts joined by tabs: the names are replaced in them all at once, as in each text on its own
        # (a tab is no word character; a name matched across one, or a replacement holding one, changes how many
        # there are: then text by text). Otherwise text by text. (Not by SEP: replace leaves out control characters.)
        joined = "\t".join(texts) if separated and blob.isascii() and "\t" not in blob else None
        replaced = replace(joined) if joined is not None else None
        if replaced is None or replaced.count("\t") != max(count - 1, 0):
            texts = [replace(text) for text in texts]
            blob = SEP.join(texts)
            separated = blob.count(SEP) == max(count - 1, 0)
        elif replaced is not joined:
            texts = replaced.split("\t")
            blob = SEP.join(texts)
            separated = blob.count(SEP) == max(count - 1, 0)  # (a replacement may hold SEP)
    if "\n" in blob or "\r" in blob or "\t" in blob or _DOUBLE_SPACE.search(blob) or not separated:
        texts = _one_line_each(texts)
    in_order = phase_of == sorted(phase_of)
    went_right = set(_places(phase_of, shape.right, in_order))
    at_strengths, strength_docs = _in_phases(docs, phase_of, shape.strengths, in_order)
    at_actions, action_docs = _in_phases(docs, phase_of, shape.actions, in_order)
    at_scales, scale_docs = _in_phases(docs, phase_of, shape.scales, in_order)
    tagged = list(compress(count_from(), map(contains, docs, repeat("tags")))) if "tags" in keys else []
    starred = list(compress(count_from(), map(contains, docs, repeat("starred")))) if "starred" in keys else []
    strength_fields = _fields(strength_docs)
    action_fields = _fields(action_docs)
    scale_fields = _fields(scale_docs)
    special = shape.special
    if (
        tagged
        or any(map(dict.get, action_fields + scale_fields, repeat("skill")))
        or any(phase_of[n] not in special and (docs[n].get("fields") or _NO_FIELDS).get("skill") for n in starred)
    ):
        # Tags to gather besides the strengths' skills: each contribution in turn, in the order recorded.
        todo = sorted({*at_strengths, *at_actions, *at_scales, *tagged, *starred})
        strengths, actions, ratings, tags = _one_by_one(docs, phase_of, todo, shape, replace, went_right)
    else:
        # The usual session: the fields of each kind of phase taken together, names replaced and each made one
        # line in one go (as one_line(replace(value)) each).
        k, a = len(at_strengths), len(at_actions)
        skills = list(map(dict.get, strength_fields, repeat("skill"), repeat("")))
        values = _replaced([
            *map(dict.get, strength_fields, repeat("evidence"), repeat("")), *skills,
            *map(dict.get, action_fields, repeat("owner"), repeat("")),
            *map(dict.get, action_fields, repeat("due"), repeat("")),
            *map(dict.get, action_fields, repeat("tell"), repeat("")),
        ], replace)
        skills = values[k : 2 * k]
        lines = _on_one_line(values)
        strengths = list(zip(at_strengths, lines[:k], lines[k : 2 * k]))
        went_right.update(at_strengths)  # strengths are always "what went right"
        went_right.update(compress(starred, map(dict.get, map(docs.__getitem__, starred), repeat("starred"))))
        if len(shape.actions) == 1:  # numbered as the record numbers them: by phase, then as recorded
            numbers: Any = range(1, a + 1)
        else:
            numbers = [0] * a
            by_phase = sorted(range(a), key=lambda j: (phase_of[at_actions[j]], at_actions[j]))
            for number, place in enumerate(by_phase, start=1):
                numbers[place] = number
        try:
            ids = list(map(_ID, action_docs))
        except KeyError:
            ids = [d.get("id", str(n)) for d, n in zip(action_docs, at_actions)]
        actions = list(zip(
            ids, at_actions, numbers, lines[2 * k : 2 * k + a], lines[2 * k + a : 2 * k + 2 * a], lines[2 * k + 2 * a :],
        ))
        ratings = [
            rating for rating in (
                _RATINGS[value] if value in _RATINGS else _rating(value)
                for value in map(dict.get, scale_fields, repeat("rating"), repeat(""))
            ) if rating is not None
        ]
        tags = [
            tag for tag in (skills if lines is values else [" ".join(skill.split()) for skill in skills])
            if tag and tag.casefold() != DECISION_TAG
        ]
    timeline = _turning_points(docs, phase_of, shape.timelines, in_order, replace) if shape.timelines and "fields" in keys else []
    if "fields" in keys and went_right:
        # A round's "pass" says nothing went right (the digest listed "- pass" among what went right)
        went_right.difference_update([n for n in went_right if _is_pass(docs[n])])
    # A team's own template may name a child ("Scaling for Jayden"): its phases' titles and its name as the record
    # shows them, the names list applied.
    phases = [[pid, replace(title), kind] for pid, title, kind in shape.rows] if redacting else [list(p) for p in shape.rows]
    if lost:
        if not phases:  # no template, or one without phases: not a session the app can open (the store says why)
            raise ValueError("the session's template has no phases")
        texts = list(texts) if docs else []
        strengths, actions, tags, ratings = list(strengths), list(actions), list(tags), list(ratings)
        _in_no_phase(lost, len(phases), replace, phase_of, texts, went_right, strengths, actions, tags, ratings, timeline)
        phases.append(["", NO_PHASE_HEADING, ""])
        docs = lost
    created = header.get("created_at") or ""
    reviews = header.get("action_reviews") or ()
    return _SessionData(
        header["id"], _date(header["date"]).isoformat(), str(created), one_line(replace(header.get("team", "") or "")),
        one_line(replace(header.get("title", "") or "")), template.get("id", ""), replace(template.get("name", "")),
        str(header.get("status", "running")), phases,
        [list(p) for p in names.items()], _people(header),
        [_review(r, replace) for r in reviews] if redacting else [_without_names(r) for r in reviews],
        texts if docs else [], phase_of, sorted(went_right), strengths, actions, tags, ratings, timeline,
    )


def _recorded_at(doc: dict[str, Any]) -> tuple[int, Any]:
    """When a contribution was said, to put those in no phase in the order the record lists them (by when said)."""
    value = doc.get("created_at")
    try:
        at = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.timezone.utc)
        return 0, at
    except (TypeError, ValueError):
        return 1, 0  # not a time: after those that are, as recorded


def _in_no_phase(lost, phase, replace, phase_of, texts, went_right, strengths, actions, tags, ratings, timeline) -> None:  # noqa: ANN001, PLR0913
    """Adds to a session's facts its contributions recorded in a phase its template no longer has (``lost``), as
    the record shows them in its closing section: after the others, in the order they were said, in one phase of
    their own (``phase``, titled as that section), each counted as what its fields say it is
    (contribution_fields.kind_by_fields): an action numbered after the session's other actions, a strength, a
    rating; their tags, a starred one as what went right, and a turning point's when and what would be done
    differently."""
    for d in sorted(lost, key=_recorded_at):
        n = len(texts)
        texts.append(one_line(replace(d.get("text", "") if isinstance(d.get("text"), str) else "")))
        phase_of.append(phase)
        fields = d.get("fields") if isinstance(d.get("fields"), dict) else _NO_FIELDS
        field = {k: v for k, v in fields.items() if isinstance(v, str)}.get
        kind = kind_by_fields(fields)
        if d.get("starred"):
            went_right.add(n)
        seen: set[str] = set()
        extra = d.get("tags") if isinstance(d.get("tags"), list) else ()
        for tag in [*(t for t in extra if isinstance(t, str)), field("skill", "")]:
            tag = " ".join(replace(tag).split())
            if tag and tag.casefold() != DECISION_TAG and tag.casefold() not in seen:
                seen.add(tag.casefold())
                tags.append(tag)
        if kind == PhaseKind.actions:
            actions.append((
                d.get("id", str(n)), n, len(actions) + 1, _line(replace(field("owner", ""))),
                _line(replace(field("due", ""))), _line(replace(field("tell", ""))),
            ))
        elif kind == PhaseKind.strengths:
            strengths.append((n, _line(replace(field("evidence", ""))), _line(replace(field("skill", "")))))
            went_right.add(n)  # strengths are always "what went right"
        elif kind == PhaseKind.scale:
            rating = _rating(field("rating", ""))
            if rating is not None:
                ratings.append(rating)
        point = _turning_point(n, fields, replace)
        if point is not None:
            timeline.append(point)


_people_met: dict[tuple, list[str]] = {}


def _people(header: dict[str, Any]) -> list[str]:
    """The facilitator and participants as typed, each once, on one line."""
    typed = (header.get("facilitator") or "", *(header.get("participants") or ()))
    try:
        people = _people_met.get(typed)
        kept = True
    except TypeError:  # not as the app writes them (a list in the list): worked out each time
        people, kept = None, False
    if people is None:
        people = list(dict.fromkeys(one_line(p) for p in typed if isinstance(p, str) and p.strip()))
        if kept:
            if len(_people_met) >= 1024:
                _people_met.clear()
            _people_met[typed] = people
    return list(people)


def facts_from_data(d) -> SessionFacts:  # noqa: ANN001 - store.index.SessionData
    """A session's facts from its rows in the history index (the inverse of ``session_data``)."""
    ids, titles, kinds = _phase_info({"phases": [{"id": i, "title": t, "kind": k} for i, t, k in d.phases]})
    return SessionFacts(
        id=d.id, date=_date(d.date), team=d.team, title=d.title, template_id=sys.intern(d.template_id),
        template_name=sys.intern(d.template_name), status=sys.intern(d.status),
        phase_ids=ids, phase_titles=titles, phase_kinds=kinds, phases=bytes(d.phase_of), blob=SEP.join(d.texts),
        strengths=tuple(Strength(i, e, s) for i, e, s in d.strengths),
        actions=tuple(ActionFact(c, i, o, due, t) for c, i, _n, o, due, t in d.actions),
        ratings=tuple(d.ratings), tags=tuple(sys.intern(t) for t in d.tags), went_right=tuple(d.went_right),
        reviews=tuple(d.reviews), names=tuple((n, r) for n, r in d.names), people=tuple(d.people),
    )
