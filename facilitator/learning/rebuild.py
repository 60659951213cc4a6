"""Fill a data folder's history index, in a child process of the app (see learning/history.py).

``python -m facilitator.learning.rebuild DATA_DIR PARENT_PID``: reads every session whose index rows are
missing or stale and writes them into <data>/history-index.sqlite, printing "done total" after each batch.
It opens the store read-only (the app holds the folder's lock), runs at a lower priority than the app (nice
10), and stops when the app is gone.

With many sessions to read, they are read and their rows computed in worker processes (two, with two cores or
more; see worker_count), a few windows ahead, while this process writes what was read
into the index: the SQLite writes and the reading of the session files go on side by side. A worker hands a
window's rows over as one Shard (store/index.py: a small SQLite database, as bytes), which this process copies
into the index with a statement a table. A session whose file is behind its journal is read here, through the
store (journal replayed).
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path

#: fewer sessions than this to read: one process is quicker than starting workers
PARALLEL_FROM = 400
#: sessions handed to the workers at a time
WINDOW = 500
#: processes reading the session files (besides this one, which writes)
MAX_WORKERS = 2
#: windows being read while one is written: the workers keep reading while the index writes a whole
#: transaction (store/index.py's BULK_BATCH sessions), and no more than this is held in memory
AHEAD = 3
#: seconds to wait for a window's sessions from the workers before reading them in this process instead (a worker
#: killed while it reads, by the system running out of memory say, leaves its window unfinished for ever)
WAIT = 120
#: seconds the windows given out are let finish when the reading stops before its end (see _read_ahead)
STOP_WAIT = 10

_worker_store = None


def _start_worker(data_dir: str) -> None:
    global _worker_store
    from ..store import Store

    _worker_store = Store(Path(data_dir), read_only=True)  # not opened: only its files are read


def _read_one(item: tuple):  # noqa: ANN202
    from ..store.index import read_session_file
    from .facts import session_data

    sid, mark = item
    try:
        return read_session_file(_worker_store, sid, mark, session_data)
    except Exception:  # noqa: BLE001 - read again in the writing process, through the store (see _finish)
        return None


def _read_window(window: list):  # noqa: ANN202 - a Shard, or None
    """The rows of a window's sessions, as one Shard (store/index.py): handed to the writing process as bytes."""
    from ..store.index import shard_of

    try:
        return shard_of([(_read_one(item), item[1]) for item in window])
    except Exception:  # noqa: BLE001 - the window read in the writing process instead (see _finish)
        return None


def worker_count() -> int:
    # The workers read, this process writes what they hand over (Shards, quick to write): the reading is the larger
    # part, so with two cores or more there are two workers (measured at 20,000 sessions on 2 cores: 9.5 to 10.7 s
    # with two, 11.3 to 12.0 s with one, 10.9 and 11.5 s with three); on one core, none (read in this process).
    cores = os.cpu_count() or 1
    return min(MAX_WORKERS, cores) if cores > 1 else 0


def _pool(data_dir: str):  # noqa: ANN202 - multiprocessing.pool.Pool
    context = multiprocessing.get_context("spawn")  # nothing of this process (its SQLite connection) is copied
    return context.Pool(worker_count(), initializer=_start_worker, initargs=(data_dir,))


def read_in_workers(store, items: list, compute, pool=None, shards: bool = False) -> Iterator:  # noqa: ANN001
    """The rows of each session of ``items`` ((id, mark) each), in order, read in worker processes (``pool``,
    or a pool of their own): (rows, mark) for each session, or with ``shards``, a Shard (store/index.py) for each
    window, each session it holds no rows of following it as (rows, mark)."""
    from ..store.index import read_each

    if len(items) < PARALLEL_FROM or worker_count() < 1:
        yield from read_each(store, items, compute)
        return
    if pool is None:
        with _pool(str(store.data_dir)) as own:
            yield from _read_ahead(own, store, items, compute, shards)
    else:
        yield from _read_ahead(pool, store, items, compute, shards)


def _read_ahead(pool, store, items: list, compute, shards: bool = False) -> Iterator:  # noqa: ANN001
    from ..store.index import read_each

    pending: deque = deque()
    answering = True
    try:
        for start in range(0, len(items), WINDOW):
            window = items[start : start + WINDOW]
            if not answering:  # the workers stopped answering: what they were given, then the rest, read here
                while pending:
                    yield from _finish(store, compute, *pending.popleft(), wait=0)
                yield from read_each(store, window, compute)
                continue
            if shards:  # a window a worker: the workers read windows side by side (AHEAD of them at a time)
                pending.append((window, pool.apply_async(_read_window, (window,))))
            else:
                pending.append((window, pool.map_async(_read_one, window, chunksize=16)))
            if len(pending) > AHEAD:
                answering = yield from _finish(store, compute, *pending.popleft())
        while pending:
            answered = yield from _finish(store, compute, *pending.popleft(), wait=None if answering else 0)
            answering = answering and answered
    finally:
        # Left before the end (the sync stopped: the app closed): the windows given out are let finish, for a while,
        # so that the pool is ended with its workers idle, as after a whole build (ended with windows still out,
        # the pool's ending once waited for ever, in the test suite).
        until = time.monotonic() + STOP_WAIT
        for _, reading in pending:
            reading.wait(max(0.0, until - time.monotonic()))


def _finish(store, compute, window, reading, wait: float | None = None):  # noqa: ANN001, ANN202 - a generator returning a bool
    """Yield the rows of ``window`` as the workers read them; those they could not read (behind its journal, or not
    readable as it is) read here, through the store. The whole window read here if the workers have not answered
    within ``wait`` seconds (WAIT if None; a worker killed or stuck while it reads): then False is returned."""
    from ..store.index import read_each

    from ..store.index import Shard

    try:
        read = reading.get(WAIT if wait is None else wait)
    except Exception:  # noqa: BLE001 - multiprocessing.TimeoutError, or a worker's error
        yield from read_each(store, window, compute)
        return False
    if read is None:  # the worker could not make the window's Shard
        yield from read_each(store, window, compute)
        return True
    if isinstance(read, Shard):
        yield read
        for gap in read.gaps:
            yield from read_each(store, [window[gap]], compute)
        return True
    for (sid, mark), data in zip(window, read):
        if data is not None:
            yield data, mark
        else:
            yield from read_each(store, [(sid, mark)], compute)
    return True


def main(argv: list[str]) -> int:
    from ..store import Store, StoreError
    from ..store.index import HistoryDB, IndexDamaged
    from .facts import session_data

    data_dir, parent = Path(argv[0]), int(argv[1])
    try:
        os.nice(10)  # the app's typing first: this (and its workers, which inherit it) gets the CPU left over
    except (AttributeError, OSError):
        pass
    # The workers start first: they get ready while this process opens the store and finds what to read.
    pool = _pool(str(data_dir)) if worker_count() >= 1 else None
    try:
        store = Store(data_dir, read_only=True).open()
    except StoreError:
        if pool is not None:
            pool.terminate()
        return 1
    try:
        def progress(done: int, total: int) -> None:
            print(done, total, flush=True)

        HistoryDB.for_store(store).sync(
            store, session_data, progress=progress, cancelled=lambda: os.getppid() != parent,
            read_sessions=functools.partial(read_in_workers, pool=pool),
        )
    except (IndexDamaged, OSError, BrokenPipeError):
        return 1
    finally:
        if pool is not None:
            pool.terminate()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
