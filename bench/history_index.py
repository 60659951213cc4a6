"""The history index at organisation scale: rebuild, typing while it is rebuilt, history screen, search, memory.

Run `python bench/history_index.py --data FOLDER` on a data folder with a long history (bench/_history.py's
make_history, e.g. 20,000 sessions x 100 contributions: `--build 20000` builds one in FOLDER first, about
a minute and 1.1 GB), or `--quick` (200 sessions, built in a temporary folder and removed). Prints figures;
fails nothing. Each figure is taken in a fresh process.

  rebuild        no index: `python -m facilitator.learning.rebuild` (the child process the app starts), wall
                 time until every session is in the index; and the same in the app's own process (a thread)
  typing         the app as `facilitator` runs it, on a session screen, with no index: the rebuild runs in
                 its child process while 200 keys are typed into the set-up screen's title box; each key from
                 being sent to the app until the box has changed and the screen is drawn, p50/p95
  history open   index up to date: h on the home screen until the list is drawn, the second time (the screen
                 is kept), median of 5
  search         enter in the search box until the hits are drawn (a worker thread searches), per query
  memory         RSS of the app with the history screen open after a search, against a bare Textual app
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def drop_index(data: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(data / "history-index.sqlite") + suffix).unlink(missing_ok=True)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


def cpu_of_children() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def rebuild_child(data: Path, drop: bool = True) -> str:
    if drop:
        drop_index(data)
    t, cpu = time.perf_counter(), cpu_of_children()
    subprocess.run([sys.executable, "-m", "facilitator.learning.rebuild", str(data), str(os.getpid())],
                   check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return f"{time.perf_counter() - t:.1f} s ({cpu_of_children() - cpu:.1f} s of CPU, workers included)"


IN_PROCESS = r"""
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from facilitator.store import Store
from facilitator.learning.history import HistoryIndex
store = Store(Path({data!r}), read_only=True).open()
t = time.perf_counter()
HistoryIndex(store).refresh()
print(time.perf_counter() - t)
"""


def rebuild_in_process(data: Path) -> str:
    drop_index(data)
    cpu = cpu_of_children()
    out = subprocess.run([sys.executable, "-c", IN_PROCESS.format(root=str(ROOT), data=str(data))],
                         check=True, capture_output=True, text=True)
    return f"{float(out.stdout.strip().splitlines()[-1]):.1f} s ({cpu_of_children() - cpu:.1f} s of CPU)"


APP = r"""
import asyncio, json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from facilitator.cli import make_app
from facilitator.settings import Settings
from facilitator.store import Store
from textual.css.query import NoMatches

def send(app, key, char=None):
    # a key as the terminal sends it, without waiting (Pilot's press waits for the app to go idle)
    from textual import events
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)

def listed(app):
    try:
        return app.screen.query_one("#history-sessions").row_count
    except NoMatches:  # the screen is pushed, its widgets not composed yet
        return 0


async def drawn(app):
    # the moment the screen has been drawn after what was just done
    done = []
    app.call_after_refresh(lambda: done.append(time.perf_counter()))
    while not done:
        await asyncio.sleep(0.001)
    return done[0]

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) * 1024

async def main(kind, folder):
    out = {{}}
    if kind == "bare":
        from textual.app import App
        from textual.widgets import Footer, Header, Static
        class Bare(App):
            def compose(self):
                yield Header(); yield Static("bare"); yield Footer()
        app = Bare()
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            import gc; gc.collect()
            out["rss"] = rss()
        print(json.dumps(out)); return
    store = Store(Path(folder)).open()
    app = make_app(store, Settings(data_dir=Path(folder), cursor_blink=False), warm_history=True)
    from textual.widgets import Input
    painted = []

    def hook(message):  # a key typed into a box: the moment the box has changed and the screen is drawn
        if isinstance(message, Input.Changed):
            app.call_after_refresh(lambda: painted.append(time.perf_counter()))

    async with app.run_test(size=(160, 45), message_hook=hook) as pilot:
        await pilot.pause()
        if kind == "typing":
            await pilot.press("enter")  # the first template's set-up screen: type its title
            await pilot.pause(0.5)  # the warm-up has started the rebuild, if there is no index
            app.screen.query_one("#title").focus()
            index = None
            times = []
            text = "the worker rang back the same day and the family said so "
            for n in range(200):
                t = time.perf_counter()
                before = len(painted)
                ch = text[n % len(text)]
                await pilot.press("space" if ch == " " else ch)
                while len(painted) == before:
                    await asyncio.sleep(0.001)
                times.append(painted[before] - t)
                await asyncio.sleep(0.03)  # typing speed: a key every few tens of milliseconds
                index = getattr(app, "_learning_history", None)
            out["times"] = times
            out["progress"] = index.progress if index is not None else None
            out["reading"] = index is not None and not index.loaded
            app.exit()
        else:
            while not app.warmed_up:
                await pilot.pause(0.05)
            opened = []
            from facilitator.tui.screens.history import HistoryScreen
            for _ in range(6):
                t = time.perf_counter()
                send(app, "h", "h")
                while not isinstance(app.screen, HistoryScreen) or not listed(app):  # (pushed before composed)
                    await asyncio.sleep(0.001)
                opened.append(await drawn(app) - t)
                out["rows"] = app.screen.query_one("#history-sessions").row_count
                await pilot.press("escape")
                await pilot.pause()
            out["open"] = opened[1:]
            await pilot.press("h")
            await pilot.pause()
            screen = app.screen
            searches = {{}}
            for query in ("kitchen", "grandmother kitchen", "attendance 96", "a relative", "appointments"):
                box = screen.query_one("#history-search")
                box.value = ""
                await pilot.pause(0.3)
                box.focus()
                box.value = query
                if screen._timer is not None:
                    screen._timer.stop()
                await pilot.pause()
                t = time.perf_counter()
                send(app, "enter", "\r")
                while screen._searched is None or screen._searched[0] != query:
                    await asyncio.sleep(0.001)
                searches[query] = (await drawn(app) - t, str(screen.query_one("#history-status").render()))
            out["search"] = searches
            import gc; gc.collect()
            out["rss"] = rss()
            out["pydantic"] = "pydantic" in sys.modules
    store.close()
    print(json.dumps(out))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def run_app(kind: str, data: Path) -> dict:
    import json

    out = subprocess.run([sys.executable, "-c", APP.format(root=str(ROOT)), kind, str(data)],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a data folder with a long history (kept)")
    parser.add_argument("--build", type=int, default=0, help="build this many sessions in --data first")
    parser.add_argument("--quick", action="store_true", help="200 sessions in a temporary folder")
    parser.add_argument("--skip-rebuild", action="store_true", help="leave the index as it is (no rebuild figures)")
    parser.add_argument("--only", choices=["rebuild", "typing", "screen"], help="one part only")
    args = parser.parse_args()
    work = None
    data = args.data
    if args.quick or data is None:
        work = Path(tempfile.mkdtemp(prefix="facilitator-bench-index-"))
        data = work / "data"
        args.build = args.build or 200
    try:
        if args.build:
            from _history import make_history

            from facilitator.store import Store

            t = time.perf_counter()
            store = Store(data).open()
            store.import_sessions(make_history(args.build, 100, dt.date(2026, 11, 22)), sync=False)
            store.close()
            print(f"  history built: {args.build:,} sessions in {time.perf_counter() - t:.1f} s")
        sessions = len(list((data / "sessions").glob("*.json")))
        print(f"facilitator history index: {sessions:,} sessions in {data} ({os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.1f} at the start)")
        if not args.skip_rebuild and args.only in (None, "rebuild"):
            print(f"  rebuild, child process (as the app runs it)   {rebuild_child(data)}   target <= 5 s")
            print(f"  rebuild, in one process                       {rebuild_in_process(data)}")
        if not args.skip_rebuild and args.only in (None, "typing"):
            quiet = run_app("typing", data)["times"]
            drop_index(data)
            typing = run_app("typing", data)
            times = typing["times"]
            print(f"  typing while the index is rebuilt             p50 {ms(statistics.median(times))}, "
                  f"p95 {ms(percentile(times, 95))}, max {ms(max(times))} ({len(times)} keys; rebuild "
                  f"{'still running at the end: ' + str(typing['progress']) if typing['reading'] else 'done before the end'})"
                  "   target p95 < 50 ms")
            print(f"  the same, index up to date                  p50 {ms(statistics.median(quiet))}, "
                  f"p95 {ms(percentile(quiet, 95))}, max {ms(max(quiet))}")
            rebuild_child(data, drop=False)  # the rest of it
        if args.only not in (None, "screen"):
            return 0
        figures = run_app("history", data)
        opened = figures["open"]
        print(f"  history screen opened again                   median {ms(statistics.median(opened))}, "
              f"max {ms(max(opened))} ({figures['rows']:,} sessions)   target <= 150 ms")
        for query, (took, status) in figures["search"].items():
            print(f"  search “{query}”".ljust(48) + f"{ms(took)}: {status[:90]}")
        print("                                                target <= 150 ms")
        bare = run_app("bare", data)["rss"]
        print(f"  memory, history open after a search           {figures['rss'] / 2**20:.1f} MB against "
              f"{bare / 2**20:.1f} MB bare: {figures['rss'] / bare:.2f}x (pydantic "
              f"{'loaded' if figures['pydantic'] else 'not loaded'})   target <= 1.5x")
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
