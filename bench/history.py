"""Learning across a long history: history screen, full-text search, themes, a year's digest, memory.

Run `python bench/history.py` (2,000 sessions x 100 contributions) or `python bench/history.py --quick`
(CI: 100 sessions). Prints figures and targets; fails nothing.

Targets, full size, 2 cores: history screen open <= 300 ms, full-text search <= 300 ms, themes <= 1 s,
digest for a year <= 2 s; memory of the app with the history loaded <= 1.5x a bare Textual app.

  history open   the real app under Pilot, as `facilitator` runs it (it reads the history in a background
                 thread once its first screen is drawn): press h on the home screen until the history screen
                 has filled its table as Pilot sees it (the key handled and the app settled), and until it is
                 ready to search (every session's entry read; the texts stay in the history index); the first
                 opening in a fresh app, and again (the same screen, kept). Three runs: a new folder with no
                 cache, h pressed at once (every session file read); with the cache the app wrote, h pressed
                 at once; and with the cache, h pressed once the start-up reading is done
  search         a word in ~1 in 6 contributions, and two words, over every session (HistoryIndex.search:
                 the texts read from the history index a piece at a time, as the history screen does)
  themes         what the themes screen (t) works out, as it does: what the history index counted (its
                 tallies) and the actions' status changes, made into the themes of every team
  digest         `facilitator digest` for the last year of the history, to a file (a fresh process's work:
                 read the data folder, gather actions, write markdown)
  memory         RSS of a bare Textual app, of the facilitator app on an empty folder, and of the app
                 with the history screen open on the long history, then after a search (each in a fresh
                 process, the facilitator as `facilitator` runs it, once its warm-up after the first screen
                 is done)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _history import make_history  # noqa: E402 - bench/_history.py, shared with bench/store.py

def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


MEMORY_PROBE = r"""
import asyncio, sys
from pathlib import Path
sys.path.insert(0, {root!r})
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) * 1024
async def main(kind, folder):
    if kind == "bare":
        from textual.app import App
        from textual.widgets import Footer, Header, Static
        class Bare(App):
            def compose(self):
                yield Header(); yield Static("bare"); yield Footer()
        app = Bare()
    else:
        from facilitator.cli import make_app
        from facilitator.settings import Settings
        from facilitator.store import Store
        store = Store(folder).open()
        # As `facilitator` runs it: the history is read in the background once the first screen is up.
        app = make_app(store, Settings(data_dir=Path(folder), cursor_blink=False), warm_history=True)
    import gc
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        while kind != "bare" and not app.warmed_up:  # the warm-up after the first screen
            await pilot.pause(0.02)
        figures = []
        if kind == "history":
            await pilot.press("h")
            await pilot.pause()
            while not getattr(app.screen, "ready", True):  # search data read (in the background)
                await pilot.pause(0.05)
            await pilot.pause()
            gc.collect()
            figures.append(rss())
            app.screen.query_one("#history-search").value = "kitchen"
            while not app.screen.query_one("#history-hits").row_count:
                await pilot.pause(0.05)
            await pilot.pause()
            figures.append("pydantic" in sys.modules)
        gc.collect()
        figures.append(rss())
        print(*figures)
asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def memory(kind: str, folder: Path) -> list:
    """RSS in a fresh process: [bare or empty app]; [history open, models loaded?, after a search]."""
    probe = MEMORY_PROBE.format(root=str(ROOT))
    out = subprocess.run([sys.executable, "-c", probe, kind, str(folder)], capture_output=True, text=True, check=True)
    return [int(x) if x.isdigit() else x == "True" for x in out.stdout.strip().splitlines()[-1].split()]


async def time_history_screen(data_dir: Path, settle: bool) -> tuple[tuple[float, float], tuple[float, float], int]:
    """(list shown, search ready) for the first opening and for the second, in the app as `facilitator` runs it
    (it reads the history in a background thread once its first screen is drawn).

    ``settle``: press h only when that start-up reading is done (a user who looks at the home screen for a
    moment first); otherwise press it as soon as the home screen is up.
    """
    from facilitator.cli import make_app
    from facilitator.settings import Settings
    from facilitator.store import Store
    from facilitator.tui.screens.history import HistoryScreen

    store = Store(data_dir).open()
    app = make_app(store, Settings(data_dir=data_dir, cursor_blink=False), warm_history=True)
    times = []
    rows = 0
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        if settle:
            while not app.is_screen_installed("history"):  # read, and the history screen made, while idle
                await asyncio.sleep(0.01)
            await pilot.pause(0.2)
        for _ in range(2):
            t = time.perf_counter()
            await pilot.press("h")
            while not isinstance(app.screen, HistoryScreen) or not app.screen.query_one("#history-sessions").row_count:
                await asyncio.sleep(0)
            rows = app.screen.query_one("#history-sessions").row_count
            shown = time.perf_counter() - t
            while not app.screen.ready:  # every contribution read for search (a background thread)
                await asyncio.sleep(0.002)
            times.append((shown, time.perf_counter() - t))
            await pilot.press("escape")
            await pilot.pause()
    store.close()
    return times[0], times[1], rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small history (100 sessions) for CI")
    parser.add_argument("--sessions", type=int)
    parser.add_argument("--contributions", type=int, default=100, help="per session")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    count = args.sessions or (100 if args.quick else 2000)

    from types import SimpleNamespace

    from facilitator.store import Store
    from facilitator.learning.history import HistoryIndex
    from facilitator.tui.screens.learning_data import themes_of

    work = Path(tempfile.mkdtemp(prefix="facilitator-bench-history-", dir=args.dir))
    try:
        data_dir = work / "data"
        end = dt.date(2026, 11, 22)
        print(f"facilitator learning benchmark: {count:,} sessions x {args.contributions} contributions "
              f"= {count * args.contributions:,}, in {work} ({os.cpu_count()} CPUs)")
        t = time.perf_counter()
        store = Store(data_dir).open()
        store.import_sessions(make_history(count, args.contributions, end), sync=False)
        store.close()
        print(f"  history built in {time.perf_counter() - t:.1f} s")

        def screen_figures(data_dir: Path, label: str, settle: bool) -> None:
            (cold, cold_ready), (warm, warm_ready), rows = asyncio.run(time_history_screen(data_dir, settle))
            print(f"  history screen open   {label}: list shown {ms(cold)}, search ready {ms(cold_ready)} first time; "
                  f"{ms(warm)} / {ms(warm_ready)} after ({rows:,} sessions)   target <= 300 ms")

        for suffix in ("", "-wal", "-shm"):
            Path(str(data_dir / "history-index.sqlite") + suffix).unlink(missing_ok=True)
        screen_figures(data_dir, "no cache (new data folder), h pressed at once", settle=False)
        screen_figures(data_dir, "with the history index, h pressed at once", settle=False)
        screen_figures(data_dir, "with the history index, h pressed once the start-up reading is done", settle=True)

        store = Store(data_dir, read_only=True).open()
        t = time.perf_counter()
        index = HistoryIndex(store).refresh()
        load = time.perf_counter() - t
        timings = []
        for query in ("kitchen", "grandmother kitchen", "attendance 96%"):
            t = time.perf_counter()
            hits, total = index.search(query)
            timings.append((query, time.perf_counter() - t, total))
        worst = max(x[1] for x in timings)
        print(f"  full-text search      {ms(worst)} worst of " + ", ".join(f"“{q}” {ms(s)} ({n:,} hits)" for q, s, n in timings)
              + "   target <= 300 ms")
        t = time.perf_counter()
        themes, _ = themes_of(SimpleNamespace(store=store, _learning_history=index), None)  # the app's own index
        took = time.perf_counter() - t
        actions = sum(m.opened for m in themes.actions)
        print(f"  themes (key t)        {ms(took)} ({len(themes.tags)} tags, {actions:,} actions, "
              f"{len(themes.months)} months)   target <= 1 s   [history index read: {ms(load)}, "
              f"{index.from_cache:,} sessions from the history index]")
        store.close()

        out = work / "digest.md"
        since = end - dt.timedelta(days=365)
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), "digest", "--since", since.isoformat(),
             "--until", end.isoformat(), "--out", str(out)],
            check=True, capture_output=True, cwd=ROOT,
        )
        took = time.perf_counter() - t
        print(f"  digest for a year     {ms(took)} (a whole `facilitator digest` run, {out.stat().st_size / 1e6:.1f} MB of "
              "markdown)   target <= 2 s")

        (bare,) = memory("bare", data_dir)
        empty = work / "empty"
        (app_empty,) = memory("app", empty)
        loaded, models, searched = memory("history", data_dir)
        print(f"  memory (RSS)          bare Textual app {bare / 2**20:.1f} MB; facilitator on an empty folder "
              f"{app_empty / 2**20:.1f} MB; with the history screen open {loaded / 2**20:.1f} MB "
              f"(pydantic models {'loaded' if models else 'not loaded'}); after a search {searched / 2**20:.1f} MB")
        print(f"                        with history / bare Textual = {loaded / bare:.2f}x (target <= 1.5x); "
              f"after a search {searched / bare:.2f}x; with history / facilitator empty = {loaded / app_empty:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
