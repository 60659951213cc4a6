"""Phones in the room: what a phone's form becomes, and the session operations it goes through.

Shared by the session screen (which owns the phone server) and the tests; no Textual, no HTTP here.
A phone's item is held in the session's phone inbox (store/phones.py) until the facilitator reveals it; a
safeguarding concern goes straight into the session as a flagged contribution (the facilitator-only note).
"""

from __future__ import annotations

import datetime as dt
import socket
from dataclasses import dataclass
from collections.abc import Iterable
from typing import Any

from .contribution_fields import KIND_FIELDS, build_contribution, one_line, rating_problem
from .dates import due_problem
from .models import ANONYMOUS, Contribution, PhaseKind, Session
from .settings import Clock
from .store import Store
from .store.journal import contribution_doc
from .store.phones import PhoneInbox
from .text import clean_text, shows_nothing
from .vocabulary import PHONE_MAX_NAME, PHONE_MAX_TEXT

#: longest text a phone may send in one field (the session screen's box holds 20,000; a phone needs less)
MAX_TEXT = PHONE_MAX_TEXT
MAX_NAME = PHONE_MAX_NAME
DEFAULT_PORT = 8765

#: the fields a phone's page asks for, by phase kind (the practice skill is the facilitator's to tag)
PHONE_FIELDS: dict[PhaseKind, tuple[str, ...]] = {
    kind: tuple(k for k in keys if k != "skill") for kind, keys in KIND_FIELDS.items()
}


class PhoneInputError(ValueError):
    """What a phone sent cannot be kept as it is: one sentence saying what to change."""


@dataclass
class PhoneItem:
    text: str
    fields: dict[str, str]
    speaker: str  # the name given, or "anonymous"
    safeguarding: bool


def read_form(form: dict[str, str], kind: PhaseKind, today: dt.date) -> PhoneItem:
    """A phone's form as a contribution's text, fields and speaker; PhoneInputError if it cannot be kept."""
    text = clean_text(form.get("text", "")).strip()
    if shows_nothing(text):  # (zero-width spaces alone, say: refused as an empty box is)
        text = ""
    safeguarding = form.get("safeguarding") == "yes"
    raw = {key: form.get(key, "") for key in PHONE_FIELDS.get(kind, ())}
    for key, value in [("text", text), *raw.items()]:
        if len(value) > MAX_TEXT:
            raise PhoneInputError(f"That is longer than {MAX_TEXT} characters; shorten it and send again.")
    name = one_line(form.get("name", ""))
    if len(name) > MAX_NAME:
        raise PhoneInputError(f"The name is longer than {MAX_NAME} characters; shorten it and send again.")
    if safeguarding:
        if not text:
            raise PhoneInputError("Write the concern in the box, then send it.")
        # Every box the phone filled in goes into the facilitator-only note with the concern (an owner, a date,
        # who hears, evidence, a rating...), each on one line as it was written: nothing a phone was told was
        # received is dropped, and a concern is never refused for a date or a rating that is not one.
        kept = {key: one_line(value) for key, value in raw.items()}
        return PhoneItem(text, {key: value for key, value in kept.items() if value}, name or ANONYMOUS, True)
    if kind == PhaseKind.scale:
        problem = rating_problem(raw.get("rating", ""))
        if problem:
            raise PhoneInputError(problem)
        if not text and not raw.get("rating", "").strip():
            raise PhoneInputError("Choose a rating or write a reason, then send it.")
    elif not text:
        raise PhoneInputError("Write something in the box, then send it.")
    if kind == PhaseKind.actions:
        problem = due_problem(raw.get("due", ""), today)
        if problem:
            raise PhoneInputError(problem)
    text, fields = build_contribution(kind, text, raw, today)
    return PhoneItem(text, fields, name or ANONYMOUS, False)


def receive(
    store: Store, session: Session, inbox: PhoneInbox, item: PhoneItem, clock: Clock, phase_id: str | None = None
) -> Contribution:
    """Keep a phone's item durably before the phone is told "received", in the phase the phone showed
    (``phase_id``, if the template has it) or the current one.

    A safeguarding concern is recorded at once as a flagged contribution (never shown, never exported; the
    caller writes the facilitator-only note); anything else waits in the inbox. Raises NotSavedError.
    """
    if phase_id not in {p.id for p in session.template.phases}:
        phase_id = session.phase.id
    contribution = Contribution(
        id=store.new_contribution_id(),
        phase_id=phase_id,
        text=item.text,
        speaker=item.speaker,
        created_at=clock(),
        fields=item.fields,
        safeguarding=item.safeguarding,
    )
    if item.safeguarding:
        store.add_contribution(session, contribution)
        inbox.concern_arrived(contribution.id)
    else:
        inbox.add(contribution_doc(contribution))
    return contribution


def phase_as_sent(session: Session, phase_id: str) -> str:
    """A phase's id as phones are given it: with the session's names list applied (a team's own template may call
    a phase "actions-for-jayden", and the id is in every phone's page and in the address it asks at)."""
    from .record.redact import make_replacer, shown_id

    return shown_id(phase_id, make_replacer(session.redactions))


def phase_sent_from(session: Session, sent: str | None) -> str | None:
    """The phase a phone's form was sent from, by the id it was given (phase_as_sent); None if no phase has it."""
    return next((p.id for p in session.template.phases if phase_as_sent(session, p.id) == sent), None)


def phase_kind(session: Session, phase_id: str | None) -> PhaseKind:
    for phase in session.template.phases:
        if phase.id == phase_id:
            return phase.kind
    return session.phase.kind


def waiting(session: Session, inbox: PhoneInbox) -> list[Contribution]:
    """The items waiting to be revealed, oldest first (phases the template no longer has are kept, in the
    current phase)."""
    known = {c.id for c in session.contributions}
    phases = {p.id for p in session.template.phases}
    items = []
    for doc in inbox.waiting(known):
        try:
            item = Contribution.model_validate(doc)
        except ValueError:
            continue
        if item.phase_id not in phases:
            item = item.model_copy(update={"phase_id": session.phase.id})
        items.append(item)
    return items


def reveal(store: Store, session: Session, inbox: PhoneInbox, items: list[Contribution]) -> list[Contribution]:
    """Make waiting items ordinary contributions of the session (each journaled), then mark them revealed.

    Returns the ones revealed; on NotSavedError part way, those already added are contributions and stay so.
    """
    done: list[Contribution] = []
    try:
        for item in items:
            if not any(c.id == item.id for c in session.contributions):
                store.add_contribution(session, item)
            done.append(item)
    finally:
        inbox.close([c.id for c in done], "revealed")
    return done


def reject(inbox: PhoneInbox, item: Contribution) -> None:
    inbox.close([item.id], "rejected")


# ---------------------------------------------------------------------- where the phones' page is served
def lan_address() -> str:
    """This machine's address on the local network, found without sending anything: a UDP socket "connected"
    to an address that is never reached picks the interface the system would use. 127.0.0.1 if there is none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: documentation only, nothing is sent
            address = probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"
    return address if address and address != "0.0.0.0" else "127.0.0.1"


def phones_setting(settings: dict[str, Any]) -> tuple[str | None, int, str | None]:
    """[phones] address and port from settings.toml: (address or None for the LAN's, port, a note if a value
    cannot be used, saying how to fix it)."""
    phones = settings.get("phones", {})
    if not isinstance(phones, dict):
        return None, DEFAULT_PORT, "settings.toml: [phones] is not a table; write address = \"...\" and port = 8765 under it."
    notes = []
    address = phones.get("address")
    if address is not None and (not isinstance(address, str) or not address.strip()):
        notes.append(f"[phones] address is {address!r}; write an address such as \"192.168.1.20\"")
        address = None
    port = phones.get("port", DEFAULT_PORT)
    if type(port) is not int or not 0 <= port <= 65535:
        notes.append(f"[phones] port is {port!r}; write a whole number from 1024 to 65535")
        port = DEFAULT_PORT
    note = None
    if notes:
        note = "settings.toml: " + "; ".join(notes) + ". Until then the phones use this machine's network address and port 8765."
    return (address.strip() if isinstance(address, str) else None), port, note


# ---------------------------------------------------------------------- dot voting
DEFAULT_VOTES = 3


class DotVote:
    """A dot vote on a phase's items: each phone has ``per_phone`` dots to put on items (several on one if it
    likes); the facilitator adds dots for people without a phone. Every dot is journaled before it counts."""

    def __init__(self, inbox: PhoneInbox, round_id: str, phase_id: str, items: list[str], per_phone: int) -> None:
        self.inbox = inbox
        self.round = round_id
        self.phase_id = phase_id
        self.items = list(items)
        self.per_phone = per_phone
        self.counts: dict[str, int] = {item: 0 for item in self.items}
        self.used: dict[str, int] = {}  # phone -> dots used
        self.mine: dict[str, dict[str, int]] = {}  # phone -> item -> its dots there (its page shows them)
        #: items taken out of the vote since it opened (flagged as a concern, or deleted): no dot counts on them, and
        #: the dots put there are given back
        self.out: set[str] = set()

    @classmethod
    def open(cls, inbox: PhoneInbox, phase_id: str, items: list[str], per_phone: int) -> "DotVote":
        import secrets

        vote = cls(inbox, secrets.token_hex(4), phase_id, items, per_phone)
        inbox.vote_event({"op": "vote-open", "round": vote.round, "phase": phase_id, "items": vote.items,
                          "per_phone": per_phone})
        return vote

    @classmethod
    def resume(cls, inbox: PhoneInbox) -> "DotVote | None":
        """The vote left open when the app last closed, with its dots, if any."""
        state = inbox.open_vote
        if state is None:
            return None
        vote = cls(inbox, str(state.get("round")), str(state.get("phase")), [str(i) for i in state["items"]],
                   state["per_phone"])
        for item, by in state["dots"]:
            if item in vote.counts:
                vote.counts[item] += 1
                if by != "facilitator":
                    vote._count(str(by), item)
        return vote

    def _count(self, phone: str, item: str) -> None:
        self.used[phone] = self.used.get(phone, 0) + 1
        mine = self.mine.setdefault(phone, {})
        mine[item] = mine.get(item, 0) + 1

    def given(self, phone: str) -> dict[str, int]:
        """The dots this phone has put on each item."""
        return dict(self.mine.get(phone, {}))

    def left(self, phone: str) -> int:
        spent = sum(n for item, n in self.mine.get(phone, {}).items() if item not in self.out)
        return max(0, self.per_phone - spent)

    def keep_only(self, present: Iterable[str]) -> None:
        """The vote's items not among ``present`` leave it (flagged as a safeguarding concern, or deleted, since it
        opened)."""
        self.out = set(self.counts).difference(present)

    def add(self, item: str, by: str) -> None:
        """One dot on ``item`` from a phone (``by`` its id) or "facilitator". PhoneInputError if it cannot count."""
        if item not in self.counts or item in self.out:
            raise PhoneInputError("That item is not in this vote; reload the page and choose again.")
        if by != "facilitator" and self.left(by) <= 0:
            raise PhoneInputError(f"You have used your {self.per_phone} votes.")
        self.inbox.vote_event({"op": "vote", "round": self.round, "item": item, "by": by})
        self.counts[item] += 1
        if by != "facilitator":
            self._count(by, item)

    @property
    def total(self) -> int:
        return sum(n for item, n in self.counts.items() if item not in self.out)

    def close(self, store: Store, session: Session) -> list[tuple[Contribution, int]]:
        """Write each item's dots into the session (its "votes" field, in the record), then mark the vote
        closed. Returns the items with their dots, most first."""
        results = []
        for item_id, count in self.counts.items():
            current = next((c for c in session.contributions if c.id == item_id), None)
            if current is None or current.safeguarding:  # flagged since the vote opened: never shown, not named
                continue
            fields = {**current.fields, "votes": str(count)}
            if fields != current.fields:
                current = store.edit_contribution(session, item_id, fields=fields)
            results.append((current, count))
        self.inbox.vote_event({"op": "vote-close", "round": self.round})
        return sorted(results, key=lambda pair: -pair[1])
