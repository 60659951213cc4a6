"""The whole history, read once and kept small: one SessionFacts per session (see learning/facts.py).

Reads <data>/sessions/<id>.json straight from disk with orjson, one file at a time, so memory holds only
the compact facts, never all the documents at once. A session file that is behind its journal (its
recorded journal length differs from the journal's) goes through Store.load_session, which replays and
repairs it, so nothing acknowledged is missed. ``refresh()`` reads again only the sessions whose files
changed since the last read.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from ..learning.facts import SessionFacts, facts_from_docs, facts_from_session
from .storage import DamagedFileError, META_TABLE, parse_database
from .store import JOURNAL_SUFFIX, Store, StoreError


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_file(path: Path) -> tuple[dict, list[dict], dict] | None:
    try:
        tables = parse_database(path, path.read_bytes())
    except (OSError, DamagedFileError):
        return None
    header_table = tables.get("session") or {}
    if not header_table:
        return None
    header = next(iter(header_table.values()))
    contributions = list((tables.get("contributions") or {}).values())
    meta = (tables.get(META_TABLE) or {}).get("1") or {}
    return header, contributions, meta


class HistoryIndex:
    """Every session's facts, newest first. Build with ``HistoryIndex(store).refresh()``."""

    def __init__(self, store: Store):
        self.store = store
        self._facts: dict[str, SessionFacts] = {}
        self._marks: dict[str, tuple] = {}
        self._lock = threading.Lock()
        self.loaded = False

    def refresh(self) -> "HistoryIndex":
        """Read what changed since the last refresh. Safe to call from a worker thread: the store's lock is
        held only while the store itself is used, so recording in the room is never held up for long."""
        with self._lock, _no_gc():
            self._refresh()
        self.loaded = True
        return self

    def _refresh(self) -> None:
        store = self.store
        with store._thread_lock:  # TinyDB is not thread-safe: store calls one at a time
            if not store.read_only:
                store.flush()
            summaries = store.list_sessions()
        sizes: dict[str, int] = {}
        folder = store.sessions_dir
        if folder.is_dir():
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        sizes[entry.name] = entry.stat().st_size
                    except OSError:
                        pass
        wanted = {s.id for s in summaries}
        for gone in set(self._facts) - wanted:
            self._facts.pop(gone, None)
            self._marks.pop(gone, None)
        for summary in summaries:
            sid = summary.id
            mark = (sizes.get(f"{sid}.json"), sizes.get(f"{sid}{JOURNAL_SUFFIX}", 0), summary.status.value)
            if self._marks.get(sid) == mark and sid in self._facts:
                continue
            facts = None
            read = _read_file(folder / f"{sid}.json")
            if read is not None:
                header, contributions, meta = read
                if meta.get("journal_bytes") == mark[1]:
                    facts = facts_from_docs(header, contributions)
            if facts is None:
                try:
                    with store._thread_lock:
                        facts = facts_from_session(store.load_session(sid))
                except StoreError as exc:
                    if str(exc) not in store.notices:
                        store.notices.append(str(exc))
                    continue
            self._facts[sid] = facts
            self._marks[sid] = mark
        order = {s.id: n for n, s in enumerate(summaries)}
        self._facts = dict(sorted(self._facts.items(), key=lambda item: order.get(item[0], 0)))

    def sessions(self) -> list[SessionFacts]:
        """Newest first (by date, then start time), as the store lists them."""
        return list(self._facts.values())

    def get(self, session_id: str) -> SessionFacts | None:
        return self._facts.get(session_id)

    def __len__(self) -> int:
        return len(self._facts)


def write_learning_file(store: Store, name: str, data: bytes, out: Path | None = None) -> Path:
    """Write a themes summary or digest (default: <data>/records/<name>), atomically, 0600."""
    from .files import atomic_write, ensure_private_dir

    if out is None:
        ensure_private_dir(store.records_dir)
        out = store.records_dir / name
    try:
        atomic_write(out, data)
    except OSError as exc:
        from .store import _reason

        raise StoreError(f"Could not write {out}: {_reason(exc)}. Choose another place with --out.") from None
    return out


def make_digest(
    data_dir: Path | None,
    since,  # noqa: ANN001 - dt.date
    until,  # noqa: ANN001
    today,  # noqa: ANN001
    team: str | None = None,
    records_dirs: list[Path] = (),  # type: ignore[assignment]
):  # noqa: ANN201
    """The digest of a data folder (read-only, if it exists) and of any folders of exported records."""
    from ..learning.digest import build_digest, digest_session_from_facts
    from ..learning.records import read_records
    from .actions import load_actions

    sessions = []
    actions = []
    notices: list[str] = []
    if data_dir is not None and data_dir.is_dir():
        store = Store(data_dir, read_only=True).open()
        try:
            index = HistoryIndex(store).refresh()
            facts = [f for f in index.sessions() if since <= f.date <= until]
            actions = load_actions(store, facts)
            sessions = [digest_session_from_facts(f) for f in facts]
            notices = list(store.notices)
        finally:
            store.close()
    skipped = 0
    for folder in records_dirs:
        if not folder.is_dir():
            raise StoreError(f"There is no folder {folder}; give --records the folder the records were exported to.")
        found, not_read = read_records(folder)
        sessions += found
        skipped += not_read
    digest = build_digest(sessions, since, until, today, team=team, local_actions=actions, skipped_records=skipped)
    return digest, notices
