"""Undo of the last changes to contributions (record, edit, delete, move), through the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from .models import Contribution, Session
from .store import Store
from .text import shortened

UndoKind = Literal["add", "edit", "delete", "reveal"]


@dataclass
class UndoEntry:
    kind: UndoKind
    contribution: Contribution
    before: dict[str, Any] = field(default_factory=dict)
    #: "reveal": the phone inbox the item came from, where undoing it puts it back to wait
    inbox: Any = None

    def describe(self, shown: Callable[[Contribution], Contribution] | None = None) -> str:
        """What the change was, in a few words for the status line; `shown` gives the contribution as the room sees
        it (a phone's words with the names list applied)."""
        verb = {"add": "recording of", "edit": "change to", "delete": "deletion of", "reveal": "showing of"}[self.kind]
        if self.kind == "edit" and set(self.before) == {"phase_id"}:
            verb = "move of"
        if self.contribution.safeguarding:
            # said on the status line the room reads: a concern recorded unseen is never quoted there
            return f"{verb} a safeguarding concern (unseen)"
        contribution = shown(self.contribution) if shown is not None else self.contribution
        return f"{verb} “{shortened(contribution.text, 40)}”"


class UndoStack:
    """Most recent change last. Undo applies the inverse change through the store, so it is durable too."""

    def __init__(self, limit: int = 200) -> None:
        self._entries: list[UndoEntry] = []
        self.limit = limit

    def __len__(self) -> int:
        return len(self._entries)

    def peek(self) -> UndoEntry | None:
        """The change the next undo would undo, or None."""
        return self._entries[-1] if self._entries else None

    def push(self, entry: UndoEntry) -> None:
        self._entries.append(entry)
        del self._entries[: -self.limit]

    def undo(self, store: Store, session: Session) -> UndoEntry | None:
        """Undo the newest change. Returns it, or None if there is nothing to undo.

        If the store refuses (not saved), the entry stays on the stack and the error propagates.
        """
        if not self._entries:
            return None
        entry = self._entries[-1]
        if entry.kind == "add":
            store.delete_contribution(session, entry.contribution.id)
        elif entry.kind == "reveal":  # a phone's item shown to the room: back with those waiting, not lost
            entry.inbox.wait_again([entry.contribution.id])
            try:
                store.delete_contribution(session, entry.contribution.id)
            except Exception:
                try:
                    entry.inbox.close([entry.contribution.id], "revealed")  # still shown: not waiting as well
                except Exception:  # noqa: BLE001 - (a session's contribution never shows as waiting anyway)
                    pass
                raise
        elif entry.kind == "delete":
            store.add_contribution(session, entry.contribution)
            session.contributions.sort(key=lambda c: c.created_at)
        elif entry.kind == "edit":
            store.edit_contribution(session, entry.contribution.id, **entry.before)
        self._entries.pop()
        return entry
