"""A compact view of one session: what search, themes, actions and the digest need, and no more.

Built from the stored documents (a session header dict and its contribution dicts, as the session file
holds them) or from a Session. Everything in it is as a group record shows it: service users' names
replaced by the session's names list (each text and field on its own), safeguarding concerns left out.
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
from typing import TYPE_CHECKING, Any

from ..record.redact import make_replacer
from ..store.journal import contribution_doc, session_header
from ..text import one_line

if TYPE_CHECKING:  # the pydantic models are loaded only where a whole Session is read
    from ..models import Session

SEP = "\x1f"
DECISION_TAG = "decision"

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


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


_REVIEW_TEXTS = ("text", "owner", "due", "note", "from_session_title")


def _review(review: Any, replace) -> Any:  # noqa: ANN001
    """An action review as this session's record shows it: its texts with this session's names replaced."""
    if not isinstance(review, dict):
        return review
    return {k: replace(v) if k in _REVIEW_TEXTS and isinstance(v, str) else v for k, v in review.items()}


def session_data(header: dict[str, Any], contributions: list[dict[str, Any]]):  # noqa: ANN201 - store.index.SessionData
    """A session's rows for the history index (store/index.py), from its stored documents: what
    a session's facts are, laid out as the index keeps them, computed straight from the documents (this runs
    for every session when the index is built). Handed to ``HistoryDB.sync`` by its callers."""
    from ..store.index import SessionData

    template = header.get("template") or {}
    ids, titles, kinds = _phase_info(template)
    index_of = {pid: n for n, pid in enumerate(ids)}
    names = header.get("redactions") or {}
    replace = make_replacer(names)
    redacting = bool(names)
    docs = [d for d in contributions if d.get("phase_id") in index_of and not d.get("safeguarding")]
    texts = [replace(d.get("text", "")) for d in docs] if redacting else [d.get("text", "") for d in docs]
    blob = SEP.join(texts)
    if "\n" in blob or "\r" in blob or "\t" in blob or "  " in blob or blob.count(SEP) != max(len(docs) - 1, 0):
        texts = [one_line(text) for text in texts]
    phase_of = [index_of[d["phase_id"]] for d in docs]
    right_phases = {
        n for n, (title, pid, kind) in enumerate(zip(titles, ids, kinds))
        if kind in ("discussion", "round") and (WENT_RIGHT.search(title) or WENT_RIGHT.search(pid))
    }
    went_right = {n for n, phase in enumerate(phase_of) if phase in right_phases} if right_phases else set()
    special_kinds = {n: kind for n, kind in enumerate(kinds) if kind in ("strengths", "actions", "scale")}
    strengths: list[tuple] = []
    actions: list[list] = []
    ratings: list[int] = []
    tags: list[str] = []
    for n, d in enumerate(docs):
        phase = phase_of[n]
        kind = special_kinds.get(phase)
        if kind is None and "tags" not in d and "starred" not in d:
            continue
        fields = d.get("fields") or {}
        extra = d.get("tags")
        if d.get("starred") and phase not in right_phases:
            went_right.add(n)
        skill = fields.get("skill", "")
        if extra or skill:
            seen: set[str] = set()
            for tag in [*(extra or ()), skill]:
                tag = " ".join((replace(tag) if redacting else tag).split())
                if tag and tag.casefold() != DECISION_TAG and tag.casefold() not in seen:
                    seen.add(tag.casefold())
                    tags.append(tag)
        if kind is None:
            continue
        if kind == "strengths":
            evidence = fields.get("evidence", "")
            if redacting:
                evidence, skill = replace(evidence), replace(skill)
            strengths.append((n, one_line(evidence), one_line(skill)))
            went_right.add(n)  # strengths are always "what went right"
        elif kind == "actions":
            owner, due, tell = fields.get("owner", ""), fields.get("due", ""), fields.get("tell", "")
            if redacting:
                owner, due, tell = replace(owner), replace(due), replace(tell)
            actions.append([d.get("id", str(n)), n, 0, one_line(owner), one_line(due), one_line(tell)])
        else:
            rating = _rating(fields.get("rating", ""))
            if rating is not None:
                ratings.append(rating)
    # Numbered as the record numbers them: by phase, then as recorded.
    for number, action in enumerate(sorted(actions, key=lambda a: (phase_of[a[1]], a[1])), start=1):
        action[2] = number
    created = header.get("created_at") or ""
    reviews = header.get("action_reviews") or ()
    return SessionData(
        header["id"], _date(header["date"]).isoformat(), str(created), one_line(replace(header.get("team", "") or "")),
        one_line(replace(header.get("title", "") or "")), template.get("id", ""), template.get("name", ""),
        str(header.get("status", "running")), [list(p) for p in zip(ids, titles, kinds)],
        [list(p) for p in names.items()], _people(header),
        [_review(r, replace) for r in reviews] if redacting else list(reviews),
        texts if docs else [], phase_of, sorted(went_right), strengths, [tuple(a) for a in actions], tags, ratings,
    )


def _people(header: dict[str, Any]) -> list[str]:
    """The facilitator and participants as typed, each once, on one line."""
    return list(dict.fromkeys(
        one_line(p) for p in [header.get("facilitator") or "", *(header.get("participants") or ())]
        if isinstance(p, str) and p.strip()
    ))


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
