"""A session's record opened from the history: from enter on a search hit until the record is shown at the hit.

Run `python bench/session_view.py [--sessions N] [--opens K] [--quick]`. Builds N sessions x 100 contributions
(bench/_history.py's generator) in a temporary folder, runs the app as `facilitator` builds it (headless under
Pilot, 160x45), opens the history, searches a word found in every session, and presses enter on K hits one after
the other (escape back between them), timing each from the key until the record's view has drawn its lines and the
screen has been painted. The first open in a process also loads the session models. Prints figures; fails nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

PER_SESSION = 100


def build(count: int, folder: Path) -> None:
    from _history import make_history
    from facilitator.store import Store

    store = Store(folder).open()
    try:
        store.import_sessions(make_history(count, PER_SESSION, dt.date(2026, 11, 21)), sync=False)
    finally:
        store.close()


async def measure(folder: Path, opens: int) -> list[float]:
    from textual.widgets import Input

    from facilitator.cli import make_app
    from facilitator.settings import Settings
    from facilitator.store import Store
    from facilitator.tui.widgets.record_view import RecordView

    store = Store(folder).open()
    app = make_app(store, Settings(data_dir=folder, cursor_blink=False))
    times: list[float] = []
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.press("h")
            for _ in range(1200):  # the index built in the background: until the history holds every session
                await asyncio.sleep(0.05)
                if getattr(app.screen, "ready", True) and "Reading" not in str(app.screen.query_one("#history-status").render()):
                    break
            app.screen.query_one("#history-search", Input).value = "persistent"
            await pilot.press("slash", "enter")
            hits = app.screen.query_one("#history-hits")
            for _ in range(400):
                await asyncio.sleep(0.05)
                if hits.display and hits.row_count:
                    break
            await pilot.pause(0.5)
            for n in range(opens):
                started = time.perf_counter()
                await pilot.press("enter")
                while type(app.screen).__name__ != "SessionViewScreen":
                    await asyncio.sleep(0.002)
                view = app.screen.query_one(RecordView)
                while not view._lines:
                    await asyncio.sleep(0.002)
                await pilot.pause()
                times.append(time.perf_counter() - started)
                await pilot.press("escape")
                await pilot.pause()
                await pilot.press("down")
                await pilot.pause()
    finally:
        store.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--opens", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="CI: 50 sessions, 3 opens")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.opens = 50, 3
    with tempfile.TemporaryDirectory(prefix="facilitator-bench-view-") as tmp:
        folder = Path(tmp) / "data"
        t = time.perf_counter()
        build(args.sessions, folder)
        print(f"{args.sessions:,} sessions x {PER_SESSION} contributions built in {time.perf_counter() - t:.1f} s")
        times = asyncio.run(measure(folder, args.opens))
    ms = [t * 1000 for t in times]
    print(f"open a session's record from a search hit (160x45): first {ms[0]:.0f} ms (the session models loaded then); "
          f"after it median {statistics.median(ms[1:]):.0f} ms, max {max(ms[1:]):.0f} ms over {len(ms) - 1} opens")


if __name__ == "__main__":
    main()
