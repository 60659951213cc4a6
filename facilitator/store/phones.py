"""What phones sent, held until the facilitator reveals it: <data>/phones/<session id>.jsonl.

An append-only journal, fsynced line by line like a session's journal: a phone is told "received" only after
its line is on disk. Each line is one of

    {"op": "waiting", "item": {contribution as stored}}     held, not shown, in no record
    {"op": "revealed", "ids": [...]}                        now ordinary contributions of the session
    {"op": "rejected", "ids": [...]}                        turned down by the facilitator
    {"op": "waiting-again", "ids": [...]}                   revealed ones taken back off the screen (ctrl+z):
                                                            waiting again (written before they leave the session)
    {"op": "vote-open", "round": r, "phase": p, "items": [...], "per_phone": n}   a dot vote opened
    {"op": "vote", "round": r, "item": id, "by": phone or "facilitator"}          one dot
    {"op": "vote-close", "round": r}                        the vote closed (its totals are then in the session)
    {"op": "concern", "id": id}                             a safeguarding concern from a phone arrived (its
                                                            text is in the session and the facilitator-only note,
                                                            never here): the facilitator is told one came
    {"op": "concerns-seen", "ids": [...]}                   the facilitator opened the notes (f6) since
    {"op": "phone-key", "key": hex}                         the key the session's phone cookies are signed with
                                                            (the first opening writes it): a phone is known again
                                                            when phone access opens again, after a restart too

Revealing adds the item to the session (its journal, with the same id) before the "revealed" line is written,
so a crash between the two leaves an item that is already a contribution: it is not waiting any more.
A line that cannot be read is skipped (the rest is used); nothing here is ever shown in a record or export.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .files import ensure_private_dir
from .journal import Journal, JournalWriteError

if TYPE_CHECKING:
    from .store import Store

PHONES_DIR = "phones"


def inbox_path(data_dir: Path, session_id: str) -> Path:
    return Path(data_dir) / PHONES_DIR / f"{session_id}.jsonl"


class PhoneInbox:
    """The items a session's phones sent, as the journal on disk says; every write goes through the store's
    checks (read-only, folder still ours) and is durable before it returns."""

    def __init__(self, store: Store, session_id: str) -> None:
        self.store = store
        self.session_id = session_id
        self.path = inbox_path(store.data_dir, session_id)
        self._journal = Journal(self.path)
        self._items: dict[str, dict[str, Any]] = {}  # waiting, in the order received
        self._closed: set[str] = set()
        #: the dot vote still open, if any: its opening line with "dots" (each vote line) added
        self.open_vote: dict[str, Any] | None = None
        #: lines that could not be read when the inbox was loaded (their items are lost to the facilitator)
        self.damaged_lines = 0
        #: safeguarding concerns from phones, by id, and those the facilitator has looked at (f6) since
        self._concerns: list[str] = []
        self._concerns_seen: set[str] = set()
        self._phone_key: bytes | None = None
        self._load()

    def _load(self) -> None:
        try:
            contents = self._journal.read()
        except OSError:
            return
        self.damaged_lines = contents.damaged_lines
        for op in contents.ops:
            kind = op.get("op")
            if kind == "waiting" and isinstance(op.get("item"), dict) and isinstance(op["item"].get("id"), str):
                self._items.setdefault(op["item"]["id"], op["item"])
            elif kind in ("revealed", "rejected") and isinstance(op.get("ids"), list):
                self._closed.update(i for i in op["ids"] if isinstance(i, str))
            elif kind == "waiting-again" and isinstance(op.get("ids"), list):
                self._closed.difference_update(i for i in op["ids"] if isinstance(i, str))
            elif kind == "vote-open" and isinstance(op.get("items"), list) and type(op.get("per_phone")) is int:
                self.open_vote = {**op, "dots": []}
            elif kind == "vote" and self.open_vote is not None and op.get("round") == self.open_vote.get("round"):
                self.open_vote["dots"].append((op.get("item"), op.get("by")))
            elif kind == "concern" and isinstance(op.get("id"), str):
                self._concerns.append(op["id"])
            elif kind == "concerns-seen" and isinstance(op.get("ids"), list):
                self._concerns_seen.update(i for i in op["ids"] if isinstance(i, str))
            elif kind == "phone-key" and self._phone_key is None and isinstance(op.get("key"), str):
                try:
                    key = bytes.fromhex(op["key"])
                except ValueError:
                    continue
                if len(key) >= 32:
                    self._phone_key = key
            elif kind == "vote-close" and self.open_vote is not None and op.get("round") == self.open_vote.get("round"):
                self.open_vote = None

    def waiting(self, known_ids: set[str] | frozenset[str] = frozenset()) -> list[dict[str, Any]]:
        """Items still waiting: neither revealed nor rejected, nor already a contribution of the session."""
        return [item for key, item in self._items.items() if key not in self._closed and key not in known_ids]

    def sent_by_phone(self, contribution_id: str) -> bool:
        """Whether a contribution came from a phone (waiting, or shown since: it keeps the id it was sent with)."""
        return contribution_id in self._items

    def waiting_count(self, known_ids: set[str] | frozenset[str] = frozenset()) -> int:
        return sum(1 for key in self._items if key not in self._closed and key not in known_ids)

    def _append(self, op: dict[str, Any]) -> None:
        from .store import NotSavedError, not_saved

        store = self.store
        if store.read_only:
            raise NotSavedError(store.read_only_reason)
        store.check_still_ours()
        try:
            ensure_private_dir(self.path.parent)
            self._journal.append(op)
        except (JournalWriteError, OSError) as exc:
            raise NotSavedError(not_saved(exc, self.path, kept="what phones sent before is kept")) from None

    def add(self, item: dict[str, Any]) -> None:
        """Hold a phone's item: on disk (fsynced) before this returns, or NotSavedError and nothing kept."""
        self._append({"op": "waiting", "item": item})
        self._items[item["id"]] = item

    def vote_event(self, op: dict[str, Any]) -> None:
        """A dot vote's opening, one dot, or its close: on disk before this returns (NotSavedError if not)."""
        self._append(op)

    def close(self, ids: list[str], how: str) -> None:
        """Mark items revealed or rejected (how: "revealed" or "rejected")."""
        if not ids:
            return
        self._append({"op": how, "ids": list(ids)})
        self._closed.update(ids)

    def wait_again(self, ids: list[str]) -> None:
        """Revealed items waiting again (their showing undone): written before the caller takes them out of the
        session, so a crash between leaves them contributions (an item of the session never waits)."""
        self._append({"op": "waiting-again", "ids": list(ids)})
        self._closed.difference_update(ids)

    def phone_key(self) -> bytes:
        """The key the session's phone cookies are signed with, the same each time phone access opens (after a
        restart too), so a phone is known again and a dot vote's votes stay spent. Made and written (fsynced)
        the first time; NotSavedError if it cannot be written (nothing kept)."""
        if self._phone_key is None:
            import secrets

            key = secrets.token_bytes(32)
            self._append({"op": "phone-key", "key": key.hex()})
            self._phone_key = key
        return self._phone_key

    # ------------------------------------------------------------------ safeguarding concerns from phones
    def concern_arrived(self, contribution_id: str) -> None:
        """Remember that a concern came from a phone, so the facilitator is told (without its content) until
        the notes are opened. The concern itself is already saved in the session: if this line cannot be
        written, the signal still shows while the app runs."""
        from .store import StoreError

        self._concerns.append(contribution_id)
        try:
            self._append({"op": "concern", "id": contribution_id})
        except StoreError:
            pass

    def unseen_concerns(self) -> list[str]:
        return [i for i in self._concerns if i not in self._concerns_seen]

    def concerns_seen(self, ids: list[str]) -> None:
        """The facilitator has read these concerns (the notes shown, f6)."""
        from .store import StoreError

        unseen = [i for i in ids if i not in self._concerns_seen]
        if not unseen:
            return
        self._concerns_seen.update(unseen)
        try:
            self._append({"op": "concerns-seen", "ids": unseen})
        except StoreError:
            pass
