"""The history as learning/ reads it: the store's history index (store/index.py), with learning's own
computation of each session's rows handed to it, and the rows turned back into facts where a computation
still wants whole sessions (themes, actions, the digest).

The store hands data out and learning computes from it: ``HistoryIndex.refresh`` gives the index
``learning.facts.session_data`` to compute a session's rows, so store/ never imports learning/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..store import Store, StoreError
from ..store.index import Filters, HistoryDB, IndexDamaged
from .facts import SessionEntry, SessionFacts, facts_from_data, session_data
from .search import SearchHit


class HistoryIndex:
    """Every session's entry, newest first, and its facts on demand. Build with ``HistoryIndex(store).refresh()``.

    ``use_cache=False``: an index in memory, built from the session files (nothing written).
    """

    def __init__(self, store: Store, use_cache: bool = True, db: HistoryDB | None = None):
        self.store = store
        self.db = db or HistoryDB.for_store(store, in_memory=not use_cache)
        self.loaded = False
        self._seen_changes: int | None = None
        #: figures of the last refresh: sessions kept as indexed, read from their files
        self.from_cache = 0
        self.from_files = 0

    def refresh(
        self, wanted: Callable | None = None, progress: Callable[[int, int], None] | None = None
    ) -> "HistoryIndex":
        """Bring the index up to date (sessions whose files changed read again). ``wanted`` (a SessionRow test):
        only those sessions are read."""
        store = self.store
        changes = store.changes
        if wanted is None and not store.read_only and self.loaded and self._seen_changes == changes:
            self.from_cache = self.from_files = 0
            return self
        try:
            self.db.sync(store, session_data, progress=progress, wanted=wanted)
        except IndexDamaged:
            # The file cannot be written (a read-only disk, another process holding it): an index in memory.
            self.db = HistoryDB.for_store(store, in_memory=True)
            self.db.sync(store, session_data, progress=progress, wanted=wanted)
        self.from_files, self.from_cache = self.db.last_read, self.db.last_kept
        if wanted is None:
            self.loaded = True
            if not store.read_only:
                self._seen_changes = changes
        return self

    def entries(self) -> list[SessionEntry]:
        """Every session as the history lists it, newest first."""
        return [
            SessionEntry(s.id, s.date, s.team, s.title, s.template_id, s.template_name, s.status)
            for s in self.db.sessions()
        ]

    def facts(self, ids: Iterable[str] | None = None, filters: Filters = Filters()) -> Iterator[SessionFacts]:
        """Every session's facts (or those of ``ids``, or ``filters``), newest first, read from the index one
        at a time."""
        for data in self.db.session_data(ids, filters):
            yield facts_from_data(data)

    def search(self, query: str, ids: Iterable[str] | None = None, limit: int = 500,
               filters: Filters = Filters()) -> tuple[list[SearchHit], int]:
        """(the first ``limit`` contributions holding every word of ``query``, and how many in all)."""
        hits, total = self.db.search(query, filters, limit=limit, ids=ids)
        return [
            SearchHit(SessionEntry(h.session.id, h.session.date, h.session.team, h.session.title,
                                   h.session.template_id, h.session.template_name, h.session.status),
                      h.index, h.text, h.spans, h.phase_title)
            for h in hits
        ], total

    def __len__(self) -> int:
        return self.db.count()
