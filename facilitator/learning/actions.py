"""Learning actions across sessions: gathered from the sessions' facts, with their status over time.

Pure functions. An action is a contribution in an "actions" phase (safeguarding concerns are never
actions for the group). Its status comes from its status changes, oldest first: those kept in the data
folder's action log and those kept in the sessions that reviewed it (the same change in both counts once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from ..store.actions import StatusChange, status_change
from ..vocabulary import ActionStatus

if TYPE_CHECKING:  # the pydantic models are loaded only where an action is changed
    from ..models import ActionStatusChange
from ..record.redact import make_replacer
from .facts import SessionFacts


def action_id(session_id: str, contribution_id: str) -> str:
    return f"{session_id}/{contribution_id}"


def changes_from_sessions(facts: Iterable[SessionFacts]) -> list[ActionStatusChange]:
    out = []
    for f in facts:
        out += changes_from_reviews(f.id, f.reviews)
    return out


def changes_from_reviews(session_id: str, reviews: Iterable) -> list[StatusChange]:  # noqa: ANN001
    """The status changes a session's follow-up round kept (its action reviews)."""
    out = []
    for review in reviews:
        if not isinstance(review, dict):
            continue
        change = status_change({**review, "session_id": session_id})
        if change is not None:
            out.append(change)
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


@dataclass(slots=True, eq=False)
class ActionRow:
    """A learning action as the actions screen, the follow-up round and the digest show it: plain fields,
    no pydantic model (a long history has hundreds of thousands of actions). ``status``, ``changed`` and
    ``note`` are those of its latest status change (none: open)."""

    id: str  # "<session id>/<contribution id>"
    session_id: str
    session_title: str
    session_date: dt.date
    text: str
    owner: str
    due: str
    tell: str
    team: str
    number: int | None
    status: ActionStatus = ActionStatus.open
    changed: dt.date | None = None
    note: str = ""

    @property
    def due_date(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.due.strip())
        except ValueError:
            return None

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def overdue(self, today: dt.date) -> bool:
        if not self.is_open or not self.due:
            return False
        due = self.due_date
        return due is not None and due < today


class ActionRows(NamedTuple):
    """The actions, and the status changes of those that have any (noted as group outputs show notes)."""

    rows: list[ActionRow]
    history: dict[str, list[ActionStatusChange]]


def session_action_rows(f: SessionFacts) -> list[ActionRow]:
    """A session's learning actions, numbered as its record numbers them (A1, A2, ...: phase order, then
    recorded order), all open until a StatusBook says otherwise."""
    if not f.actions:
        return []
    texts = f.texts()
    order = sorted(f.actions, key=lambda a: (f.phases[a.index], a.index))
    number = {id(a): n for n, a in enumerate(order, start=1)}
    return [
        ActionRow(action_id(f.id, a.contribution_id), f.id, f.title, f.date, texts[a.index], a.owner, a.due,
                  a.tell, f.team, number[id(a)])
        for a in f.actions
    ]


class StatusBook:
    """Every status change known (the action log's and those kept in the sessions that reviewed the actions),
    by action, to give each action its history and current status.

    A status note is shown as group outputs show everything: with the names list of the session the action
    was agreed in replaced, and that of the session whose follow-up round changed it (if known).
    ``names_of``: the names list of each session known (those of the actions and of the follow-up rounds).
    """

    def __init__(
        self,
        log: Iterable[ActionStatusChange],
        from_sessions: Iterable[ActionStatusChange],
        names_of: dict[str, tuple[tuple[str, str], ...]],
    ) -> None:
        self._names_of = names_of
        self._replacers: dict[str, Callable[[str], str]] = {}
        # A change made in a follow-up round is kept in that session too, its note already replaced there with
        # that session's names: the log's copy gets the same, so the two count as one.
        self._by_action: dict[str, list[ActionStatusChange]] = {}
        for change in _dedupe([*(self._noted(c, c.session_id) for c in log), *from_sessions]):
            self._by_action.setdefault(change.action_id, []).append(change)

    def _replacer(self, session_id: str | None) -> Callable[[str], str] | None:
        if session_id not in self._names_of:
            return None
        if session_id not in self._replacers:
            self._replacers[session_id] = make_replacer(dict(self._names_of[session_id]))
        return self._replacers[session_id]

    def _noted(self, change: ActionStatusChange, session_id: str | None) -> ActionStatusChange:
        replace = self._replacer(session_id)
        if replace is None or not change.note:
            return change
        note = replace(change.note)
        if note == change.note:
            return change
        return change.with_note(note) if isinstance(change, StatusChange) else change.model_copy(update={"note": note})

    @property
    def changed(self) -> set[str]:
        """The ids of the actions with any status change."""
        return set(self._by_action)

    def history(self, action_id: str, session_id: str) -> list[ActionStatusChange]:
        """An action's status changes, oldest first (``session_id``: the session it was agreed in)."""
        changes = self._by_action.get(action_id)
        if not changes:
            return []
        steps = [self._noted(c, session_id) for c in changes]
        # Python's sort is stable: changes on the same day keep the order they were made in.
        steps.sort(key=lambda c: c.date)
        return steps

    def apply(self, row: ActionRow) -> list[ActionStatusChange]:
        """Give the row its current status; returns its history."""
        steps = self.history(row.id, row.session_id)
        if steps:
            latest = steps[-1]
            row.status, row.changed, row.note = latest.status, latest.date, latest.note
        return steps


    def closed(self) -> set[str]:
        """The ids of the actions whose latest status is done or dropped."""
        out = set()
        for aid in self._by_action:
            steps = self.history(aid, aid.split("/", 1)[0])
            if steps and not steps[-1].status.is_open:
                out.add(aid)
        return out


def book_from(
    log: list[ActionStatusChange],
    reviews: Iterable[tuple[str, list]],
    names_lists: Callable[[Iterable[str]], dict[str, tuple[tuple[str, str], ...]]],
) -> StatusBook:
    """A StatusBook from the action log, the sessions' action reviews ((session id, reviews) pairs), and a way
    to read the names lists of the sessions it needs (those of the actions changed and of the rounds)."""
    from_sessions = [c for sid, found in reviews for c in changes_from_reviews(sid, found)]
    wanted = {c.action_id.split("/", 1)[0] for c in (*log, *from_sessions)}
    wanted |= {c.session_id for c in (*log, *from_sessions) if c.session_id}
    return StatusBook(log, from_sessions, names_lists(wanted) if wanted else {})


def row_from(t: tuple) -> ActionRow:
    """An action row from the history index's tuple: (session id, session title, session date (ISO), text,
    owner, due, tell, team, number, contribution id)."""
    sid, title, day, text, owner, due, tell, team, number, cid = t
    return ActionRow(action_id(sid, cid), sid, title, _day(day), text, owner, due, tell, team, number)


_days: dict[str, dt.date] = {}


def _day(text: str) -> dt.date:
    day = _days.get(text)
    if day is None:
        day = _days[text] = dt.date.fromisoformat(text)
    return day


class ActionPages(Sequence):
    """The actions a screen lists, read a page at a time when shown (``fetch(offset, limit)`` gives the
    index's tuples), each with its status from ``book``; ``changed`` holds rows changed since they were
    read (by id), shown in their place."""

    PAGE = 100
    KEEP = 32  # pages kept

    def __init__(self, fetch: Callable[[int, int], list[tuple]], count: int, book: StatusBook,
                 changed: dict[str, ActionRow] | None = None) -> None:
        self._fetch = fetch
        self._count = count
        self.book = book
        self.changed = changed if changed is not None else {}
        self._pages: dict[int, list[ActionRow]] = {}

    def __len__(self) -> int:
        return self._count

    def _page(self, n: int) -> list[ActionRow]:
        page = self._pages.get(n)
        if page is None:
            page = []
            for t in self._fetch(n * self.PAGE, self.PAGE):
                row = row_from(t)
                self.book.apply(row)
                page.append(row)
            if len(self._pages) >= self.KEEP:
                self._pages.pop(next(iter(self._pages)))
            self._pages[n] = page
        return page

    def __getitem__(self, index):  # noqa: ANN001, ANN204
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        page = self._page(index // self.PAGE)
        offset = index % self.PAGE
        if offset >= len(page):  # the index changed under the list since it was counted
            raise IndexError(index)
        row = page[offset]
        return self.changed.get(row.id, row)
