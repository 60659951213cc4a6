"""Fill a data folder's history index, in a child process of the app (see learning/history.py).

``python -m facilitator.learning.rebuild DATA_DIR PARENT_PID``: reads every session whose index rows are
missing or stale and writes them into <data>/history-index.sqlite, printing "done total" after each batch.
It opens the store read-only (the app holds the folder's lock) and stops when the app is gone.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from ..store import Store, StoreError
    from ..store.index import HistoryDB, IndexDamaged
    from .facts import session_data

    data_dir, parent = Path(argv[0]), int(argv[1])
    try:
        store = Store(data_dir, read_only=True).open()
    except StoreError:
        return 1
    try:
        def progress(done: int, total: int) -> None:
            print(done, total, flush=True)

        HistoryDB.for_store(store).sync(
            store, session_data, progress=progress, cancelled=lambda: os.getppid() != parent
        )
    except (IndexDamaged, OSError, BrokenPipeError):
        return 1
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
