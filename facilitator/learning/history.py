"""The history as learning/ reads it: the store's history index (store/index.py), with learning's own
computation of each session's rows handed to it, and the rows turned back into facts where a computation
still wants whole sessions (themes, actions, the digest).

The store hands data out and learning computes from it: ``HistoryIndex.refresh`` gives the index
``learning.facts.session_data`` to compute a session's rows, so store/ never imports learning/.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..store import Store, StoreError
from ..store.index import Filters, HistoryDB, IndexDamaged
from .facts import SessionEntry, SessionFacts, facts_from_data, session_data
from .search import SearchHit


#: with at least this many sessions to read, ``refresh(child=True)`` reads them in a child process, so the app's
#: own interpreter stays free for typing (a thread would share it)
CHILD_AT = 300


class HistoryIndex:
    """Every session's entry, newest first, and its facts on demand. Build with ``HistoryIndex(store).refresh()``.

    ``use_cache=False``: an index in memory, built from the session files (nothing written).
    """

    def __init__(self, store: Store, use_cache: bool = True, db: HistoryDB | None = None):
        self.store = store
        self.db = db or HistoryDB.for_store(store, in_memory=not use_cache)
        self.loaded = False
        self._seen_changes: int | None = None
        self._seen_replaced = 0  # the index file was set aside since (damaged): it must be built again
        self._lock = threading.Lock()  # one refresh at a time (the warm-up, a screen, a session ended)
        self._child: subprocess.Popen | None = None
        self._stopped = False
        #: (sessions read, sessions to read) while a refresh reads sessions from their files; None otherwise
        self.progress: tuple[int, int] | None = None
        #: the last refresh met what it did not expect and did not read every session (see _not_read)
        self.failed = False
        #: figures of the last refresh: sessions kept as indexed, read from their files
        self.from_cache = 0
        self.from_files = 0

    @property
    def up_to_date(self) -> bool:
        """Nothing recorded, ended, imported or repaired since the last whole refresh (no file looked at)."""
        return (
            self.loaded and not self.store.read_only and self._seen_changes == self.store.changes
            and self._seen_replaced == self.db.replaced
        )

    def refresh(
        self, wanted: Callable | None = None, progress: Callable[[int, int], None] | None = None, child: bool = False
    ) -> "HistoryIndex":
        """Bring the index up to date (sessions whose files changed read again). ``wanted`` (a SessionRow test):
        only those sessions are read. ``child``: many sessions to read are read in a child process."""
        with self._lock:
            if wanted is None and self.up_to_date:
                self.from_cache = self.from_files = 0
                return self
            changes = self.store.changes

            def noted(done: int, total: int) -> None:
                self.progress = (done, total) if done < total else None
                if progress is not None:
                    progress(done, total)

            try:
                # A child process building the index (start_building) is followed whoever asks, so that nothing
                # here writes the index beside it.
                if (child or self._child is not None) and wanted is None and self.db.path is not None and not self._stopped:
                    self._read_in_child(noted)
                seen = self._sync(noted, wanted)
            except Exception:  # noqa: BLE001 - see _not_read
                self.failed = True
                self._not_read()
                return self
            finally:
                self.progress = None
            self.failed = False
            self.from_files, self.from_cache = self.db.last_read, self.db.last_kept
            if wanted is None:
                self.loaded = True
                if not self.store.read_only:
                    self._seen_changes = changes
                    # (the file's generation as the last pass of the sync began: one set aside since, by a screen's
                    # thread reading it, makes the next refresh build it again, not take it as up to date)
                    self._seen_replaced = seen
        return self

    def _sync(self, progress: Callable[[int, int], None], wanted: Callable | None) -> int:
        """The index brought up to date; returns the file's generation (HistoryDB.replaced) as the last pass began."""
        try:
            generation = self.db.replaced
            try:
                self.db.sync(self.store, session_data, progress=progress, wanted=wanted, cancelled=lambda: self._stopped)
            except sqlite3.DatabaseError as exc:
                self.db.damaged(exc, generation)  # set aside if the file is damaged (a page overwritten): built again below
                if self.db.replaced == generation:
                    raise
            if self.db.replaced != generation and not self.db.unchanged(self.store):
                # The file was found damaged while it was read (not as it was opened, when it is built anew at once),
                # and set aside: what was read of it is not the history. Built again from the sessions, once.
                generation = self.db.replaced
                self.db.sync(self.store, session_data, progress=progress, wanted=wanted, cancelled=lambda: self._stopped)
            return generation
        except IndexDamaged:
            # The file cannot be written (a read-only disk, another process holding it): an index in memory.
            self.db = HistoryDB.for_store(self.store, in_memory=True)
            generation = self.db.replaced
            self.db.sync(self.store, session_data, progress=progress, wanted=wanted, cancelled=lambda: self._stopped)
            return generation

    def start_building(self) -> bool:
        """An index with nothing in it yet (a new data folder, a new index version) and a long history: the child
        process that builds it started now, without waiting for the store's start-up checks (the app calls this
        first thing after its first screen is drawn). The next ``refresh(child=True)`` follows it, and reads
        again afterwards whatever the checks changed meanwhile (each session's files are compared with what was
        read). False if nothing was started (a refresh going on starts it itself)."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            if self._child is not None or self._stopped or self.loaded or self.db.path is None:
                return False
            return self._nothing_indexed_of_many() and self._start_child()
        finally:
            self._lock.release()

    def _nothing_indexed_of_many(self) -> bool:
        """The index holds no session and the data folder has many: known from a listing of the sessions folder,
        without the store's start-up checks (which the store's own count waits for)."""
        try:
            return self.store.sessions_on_disk(up_to=CHILD_AT) >= CHILD_AT and not len(self.db)
        except IndexDamaged:
            return False

    def _start_child(self) -> bool:
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-m", "facilitator.learning.rebuild", str(self.store.data_dir), str(os.getpid())],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            )
        except OSError:
            return False
        return True

    def _read_in_child(self, progress: Callable[[int, int], None]) -> None:
        """Many sessions to read (a new data folder, a new index version): read them in a child process, which
        writes them into the index as it goes; the sessions it could not read are read here afterwards."""
        if self._child is None:  # (not started already by start_building)
            # An index with nothing yet: started at once. (A session file behind its journal is read by the child
            # through the store, journal replayed, and read again here afterwards.)
            if not self._nothing_indexed_of_many():
                if not self.store.read_only:
                    self.store.flush()  # the session files in step with their journals: the child reads them as they are
                if self.db.to_read(self.store) < CHILD_AT:
                    return
            if not self._start_child():
                return
        child = self._child
        try:
            assert child.stdout is not None
            for line in child.stdout:
                try:
                    done, total = (int(n) for n in line.split())
                except ValueError:
                    continue
                progress(done, total)
        finally:
            child.wait()
            self._child = None

    def stop(self) -> None:
        """The app is closing: stop reading (a child process is ended)."""
        self._stopped = True
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()

    def _not_read(self) -> None:
        """What reading the sessions met that nothing here expected (each session that cannot be read is left out
        where it is read, so this is not a session's content): the history shows what the index holds, says so in
        one sentence, and is read again the next time it is needed, instead of reading for ever or stopping the app."""
        said = (
            f"The history could not read every session in {self.store.sessions_dir}, so it shows the sessions it has "
            "read so far; close the app and start it again to read the rest."
        )
        notices = self.store.notices_so_far
        if said not in notices:
            notices.append(said)

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
