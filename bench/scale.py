"""History at organisation scale: every figure of issue 15, at 200, 2,000 and 20,000 sessions.

Run `python bench/scale.py` (200, 2,000 and 20,000 sessions x 100 contributions), `python bench/scale.py --quick`
(CI: 200 and 2,000) or `--sizes 200,2000`. Prints one table: a row per figure, a column per history size and
the target. Fails nothing on a timing; exits non-zero if a probe does not see what it waits for in time.

The histories come from bench/_history.py's generator. Those of up to 2,000 sessions are kept between runs in
the cache folder (--cache, default $XDG_CACHE_HOME/facilitator-bench), one folder per size and version of the
generator, and copied for each run (the probes add sessions and rebuild the history index); a larger one is
built in the run's temporary folder and removed at the end, unless --keep keeps it in the cache.

Before the probes, the app is started once on the copy and left to finish its start-up reading (an index or
cache of the history in an old format is then rebuilt), unmeasured. Then every figure is taken in a fresh
process that runs the app as `facilitator` runs it (facilitator.cli.main with the data folder, which opens
the store, builds the app with make_app(..., warm_history=True) and runs it; here headless under Pilot at
160x45), from the key to the screen painted (Pilot's keys sent without waiting; the clock stops when the
awaited screen shows what it should and the screen has refreshed after it). "Settled": the key is pressed
once the app's start-up reading is done (app.warmed_up), as a user who looks at the home screen first.

  actions       settled, a on the home screen until the actions screen is painted with its rows; the peak
                RSS of the app's process (VmHWM) and of any process it started meanwhile (sampled)
  follow-up     settled, enter on the first template, the team "Family Support 1" (with open actions) and
                the ground rules ticked, then ctrl+s until the follow-up round is painted with its rows. UI
                blocked: the longest gap of a 10 ms timer of the app's while it ran (a key typed then waits
                that long)
  themes        settled, t until the themes screen is painted with its tables
  search        settled, h, the search box filled ("kitchen", then "attendance 96%"), enter until the hits
                are painted; the slower of the two, and the longest gap of the 10 ms timer meanwhile
  history again settled, h until the history screen is painted with every session, escape, then h again:
                the second opening
  start         from starting a fresh process to the home screen painted, against a bare Textual app
                (Header, Markdown, Footer) started the same way (the same script, cached bytecode), median
                of the runs, alternated
  memory        RSS with the history screen open (settled, h, its list and search ready, garbage collected)
                against the bare app's RSS
  rebuild       the history's index and cache deleted (history-cache.json, history-index.sqlite*), then
                from the home screen painted until the app says its history is read (see history_complete);
                meanwhile h, and a key typed into the history search box every 100 ms: how long each took
                to show (p95, max), and the longest gap of the 10 ms timer. Peak RSS as for actions
  digest        `facilitator digest` of the whole history to a file, in a subprocess: time and peak RSS
                (the child's ru_maxrss from wait4)
  recording     in a fresh process on the history, a new session under way (the store's start-up checks
                finished and their writes on the disk, as minutes after the start):
                session_ops.record_contribution (what the session screen calls on enter), back to back,
                each alternating with a raw append + fsync done as the journal does it (open, append, fsync,
                close) of a line of the same size beside the session's journal, so that both meet the same
                disk, the session file's rewrites included; p95 of each and their ratio (see
                run_record_probe)

Other parts of the app change underneath (an SQLite history index, actions and themes read from it, the store
and recording): the probes look for what a user sees (the screen's class name, its table's row count, a
widget's text) and each internal they need is in one small function below (history_complete,
remove_history_index, record_once), easy to adapt.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

PER_SESSION = 100
END = dt.date(2026, 11, 22)
SIZE = (160, 45)
#: histories up to this many sessions are kept in the cache folder between runs
CACHED_UP_TO = 2000
#: the team whose new session gets the follow-up round (bench/_history.py's first team: a quarter of the history)
TEAM = "Family Support 1"
SEARCHES = ("kitchen", "attendance 96%")
TYPING_EVERY = 0.1  # seconds between keys typed while the history is rebuilt


class ProbeFailed(Exception):
    """A probe did not see what it waited for, or its process failed."""


# ====================================================================== the probes (each in a fresh process)
now = time.perf_counter


def proc_kb(field: str) -> int:
    """VmRSS (resident now) or VmHWM (peak) of this process, in kB; 0 where /proc is not there."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_kb() -> int:
    """VmRSS of this process and every process it started (a history read in a child process), in kB."""
    total, pids, seen = 0, [os.getpid()], set()
    while pids:
        pid = pids.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    pids.extend(int(child) for child in f.read().split())
        except (OSError, ValueError):
            continue
    return total


class Peak:
    """The peak resident memory of this process and the processes it starts, from now on (a thread samples
    every 50 ms; this process's own peak, VmHWM, is exact)."""

    def __init__(self) -> None:
        self.most = tree_kb()
        self.done = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self.done.wait(0.05):
            self.most = max(self.most, tree_kb())

    def stop(self) -> int:
        self.done.set()
        return max(self.most, tree_kb(), proc_kb("VmHWM"))


def send_key(app, key: str) -> None:  # noqa: ANN001
    """A key as the terminal sends it (as Pilot.press does), without waiting for the app to handle it."""
    import unicodedata

    from textual import events
    from textual.keys import _get_unicode_name_from_key

    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


class Gaps:
    """A 10 ms timer of the app's: the longest gap between its ticks is the longest the UI was blocked."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.ticks: list[float] = []
        self.timer = app.set_interval(0.01, lambda: self.ticks.append(now()))

    def longest(self, since: float, until: float) -> float:
        points = [since] + [t for t in self.ticks if since < t < until] + [until]
        return max(b - a for a, b in zip(points, points[1:]))


async def wait_until(condition, timeout: float, what: str, every: float = 0.003) -> None:  # noqa: ANN001
    deadline = now() + timeout
    last = ""
    while True:
        try:
            if condition():
                return
        except Exception as exc:  # noqa: BLE001 - a widget not mounted yet, a screen being replaced
            last = f" (last: {type(exc).__name__}: {exc})"
        if now() > deadline:
            raise ProbeFailed(f"{what} not seen within {timeout:.0f} s{last}")
        await asyncio.sleep(every)


async def painted(app, timeout: float) -> None:  # noqa: ANN001
    """Until the current screen has refreshed (laid out and drawn what it shows now)."""
    try:
        await asyncio.wait_for(app.screen.wait_for_refresh(), timeout)
    except asyncio.TimeoutError:
        raise ProbeFailed(f"{type(app.screen).__name__} not painted within {timeout:.0f} s") from None


def screen_is(app, name: str) -> bool:  # noqa: ANN001
    return type(app.screen).__name__ == name


def screen_ready(app) -> bool:  # noqa: ANN001
    """The screen's own flag, where it reads in the background and says when it is done."""
    return bool(getattr(app.screen, "ready", True))


def rows(app, table_id: str) -> int:  # noqa: ANN001
    """Rows of the screen's table with that id (VirtualTable or DataTable); 0 if it is not there or hidden."""
    table = app.screen.query_one(f"#{table_id}")
    return table.row_count if table.display else 0


def has_text(app, widget_id: str) -> bool:  # noqa: ANN001
    content = getattr(app.screen.query_one(f"#{widget_id}"), "content", None)
    if content is None:
        return False
    return bool(str(content).strip()) if isinstance(content, str) or hasattr(content, "__len__") else True


async def settle(pilot, timeout: float) -> None:  # noqa: ANN001
    """Until the app's start-up reading is done (the history read for its screens), then a moment more."""
    app = pilot.app
    await wait_until(lambda: getattr(app, "warmed_up", True), timeout, "the app's start-up reading done", every=0.02)
    await pilot.pause(0.3)


def history_ready(app) -> bool:  # noqa: ANN001
    """The history screen shows every session and can search (its own flag if it has one)."""
    return screen_is(app, "HistoryScreen") and screen_ready(app) and rows(app, "history-sessions") > 0


def history_complete(app) -> bool:  # noqa: ANN001
    """The history is read (rebuilt) and ready for every screen: the app's start-up reading is done and, if the
    history screen is open, it can search. Adapt here if the app says so another way."""
    if not getattr(app, "warmed_up", True):
        return False
    screen = app.screen
    return type(screen).__name__ != "HistoryScreen" or getattr(screen, "ready", True)


async def open_history(pilot, timeout: float) -> None:  # noqa: ANN001
    send_key(pilot.app, "h")
    await wait_until(lambda: history_ready(pilot.app), timeout, "the history screen with its sessions")
    await painted(pilot.app, timeout)


async def probe_warm(pilot, timeout: float) -> dict:  # noqa: ANN001
    t = now()
    await settle(pilot, timeout)
    return {"seconds": now() - t}


async def probe_actions(pilot, timeout: float) -> dict:  # noqa: ANN001
    app = pilot.app
    await settle(pilot, timeout)
    gaps = Gaps(app)
    peak = Peak()
    t = now()
    send_key(app, "a")
    await wait_until(lambda: screen_is(app, "ActionsScreen") and screen_ready(app) and rows(app, "actions-table") > 0, timeout,
                     "the actions screen with its rows")
    await painted(app, timeout)
    took = now() - t
    return {"seconds": took, "rows": rows(app, "actions-table"), "peak_kb": peak.stop(),
            "blocked": gaps.longest(t, t + took)}


async def probe_follow_up(pilot, timeout: float) -> dict:  # noqa: ANN001
    from textual.widgets import Input

    app = pilot.app
    await settle(pilot, timeout)
    send_key(app, "enter")  # the first template, highlighted on the home screen
    await wait_until(lambda: screen_is(app, "SetupScreen"), timeout, "the session set-up screen")
    await pilot.pause()
    app.screen.query_one("#team", Input).value = TEAM
    await pilot.pause(0.3)
    app.screen.query_one("#agreed").value = True
    await pilot.pause(0.3)
    gaps = Gaps(app)
    t = now()
    send_key(app, "ctrl+s")
    await wait_until(lambda: screen_is(app, "FollowUpScreen") and screen_ready(app) and rows(app, "actions-table") > 0, timeout,
                     f"the follow-up round of {TEAM}'s open actions")
    await painted(app, timeout)
    took = now() - t
    return {"seconds": took, "rows": rows(app, "actions-table"), "blocked": gaps.longest(t, t + took)}


async def probe_themes(pilot, timeout: float) -> dict:  # noqa: ANN001
    app = pilot.app
    await settle(pilot, timeout)
    gaps = Gaps(app)
    t = now()
    send_key(app, "t")
    await wait_until(lambda: screen_is(app, "ThemesScreen") and screen_ready(app) and has_text(app, "themes-tags") and has_text(app, "themes-strengths"),
                     timeout, "the themes screen with its tables")
    await painted(app, timeout)
    took = now() - t
    return {"seconds": took, "blocked": gaps.longest(t, t + took)}


async def probe_search(pilot, timeout: float) -> dict:  # noqa: ANN001
    app = pilot.app
    await settle(pilot, timeout)
    await open_history(pilot, timeout)
    await pilot.pause(0.3)
    box = app.screen.query_one("#history-search")
    box.focus()
    await pilot.pause()
    gaps = Gaps(app)
    found = []
    for query in SEARCHES:
        box.value = ""
        await wait_until(lambda: rows(app, "history-hits") == 0, timeout, "the hits cleared")
        await pilot.pause(0.4)
        box.value = query
        t = now()
        send_key(app, "enter")
        await wait_until(lambda: rows(app, "history-hits") > 0, timeout, f"hits for “{query}”")
        await painted(app, timeout)
        took = now() - t
        found.append({"query": query, "seconds": took, "hits": rows(app, "history-hits"), "blocked": gaps.longest(t, t + took)})
    worst = max(found, key=lambda f: f["seconds"])
    return {"seconds": worst["seconds"], "blocked": max(f["blocked"] for f in found), "each": found}


async def probe_history_again(pilot, timeout: float) -> dict:  # noqa: ANN001
    app = pilot.app
    await settle(pilot, timeout)
    t = now()
    await open_history(pilot, timeout)
    first = now() - t
    await pilot.pause(0.3)
    send_key(app, "escape")
    await wait_until(lambda: screen_is(app, "HomeScreen"), timeout, "the home screen again")
    await pilot.pause(0.3)
    t = now()
    await open_history(pilot, timeout)
    return {"seconds": now() - t, "first": first, "rows": rows(app, "history-sessions")}


async def probe_start(pilot, timeout: float) -> dict:  # noqa: ANN001
    return {"ready_at": time.time()}  # Pilot's first pause: the home screen processed and drawn


async def probe_memory(pilot, timeout: float) -> dict:  # noqa: ANN001
    app = pilot.app
    await settle(pilot, timeout)
    await open_history(pilot, timeout)
    await pilot.pause(0.3)
    gc.collect()
    return {"rss_kb": proc_kb("VmRSS")}


async def probe_rebuild(pilot, timeout: float) -> dict:  # noqa: ANN001
    """From the home screen painted (the history's index and cache deleted beforehand) until the history is
    read again; meanwhile the history screen is opened and a key typed into its search box every 100 ms."""
    app = pilot.app
    peak = Peak()
    t = now()
    gaps = Gaps(app)
    send_key(app, "h")
    shown = None
    status = ""
    latencies: list[float] = []
    await wait_until(lambda: screen_is(app, "HistoryScreen") or history_complete(app), timeout, "the history screen")
    box = None
    if screen_is(app, "HistoryScreen"):
        await painted(app, timeout)  # mounted: it has set its own focus
        shown = now() - t
        try:
            box = app.screen.query_one("#history-search")
        except Exception:  # noqa: BLE001 - no search box meanwhile: the timer's gaps still tell
            box = None
        else:
            box.focus()
            await wait_until(lambda: app.focused is box, timeout, "the focus in the history search box")
        try:
            status = str(app.screen.query_one("#history-status").content)
        except Exception:  # noqa: BLE001 - what the screen says meanwhile is only a note
            status = ""
    n = 0
    start = now()
    while box is not None and not history_complete(app):
        due = start + n * TYPING_EVERY
        if due > now():
            await asyncio.sleep(due - now())
            continue
        before = box.value
        send_key(app, "x")
        await wait_until(lambda: box.value != before, timeout, "a key typed into the history search box")
        latencies.append(now() - due)
        n += 1
    await wait_until(lambda: history_complete(app), timeout, "the history read again", every=0.01)
    took = now() - t
    return {"seconds": took, "peak_kb": peak.stop(), "history_shown": shown, "typed": latencies, "status": status,
            "blocked": gaps.longest(t, t + took)}


APP_PROBES = {
    "warm": probe_warm, "actions": probe_actions, "follow-up": probe_follow_up, "themes": probe_themes,
    "search": probe_search, "history-again": probe_history_again, "start": probe_start, "memory": probe_memory,
    "rebuild": probe_rebuild,
}


def run_app_probe(name: str, data: Path, timeout: float) -> dict:
    """The app as `facilitator --data-dir DATA` runs it, headless under Pilot, with the probe as its pilot."""
    from facilitator.cli import main

    result: dict = {}

    async def auto_pilot(pilot) -> None:  # noqa: ANN001
        try:
            await pilot.pause()
            result.update(await APP_PROBES[name](pilot, timeout))
        except BaseException as exc:  # noqa: BLE001 - reported by the parent, loudly
            result["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            pilot.app.exit()

    def run(app) -> None:  # noqa: ANN001
        app.run(headless=True, size=SIZE, auto_pilot=auto_pilot)

    code = main(["--data-dir", str(data)], run=run)
    if code and "error" not in result:
        result["error"] = f"facilitator exited with {code}"
    return result


def run_bare_probe(name: str) -> dict:
    from textual.app import App
    from textual.widgets import Footer, Header, Markdown

    class Bare(App):
        def compose(self):  # noqa: ANN202
            yield Header()
            yield Markdown("# Bare\n\nA bare Textual app: a header, some markdown and a footer.")
            yield Footer()

    result: dict = {}

    async def auto_pilot(pilot) -> None:  # noqa: ANN001
        await pilot.pause()
        result["ready_at"] = time.time()
        await pilot.pause(0.3)
        gc.collect()
        result["rss_kb"] = proc_kb("VmRSS")
        pilot.app.exit()

    Bare().run(headless=True, size=SIZE, auto_pilot=auto_pilot)
    return result


def record_once(store, session, text: str) -> None:  # noqa: ANN001
    """One contribution recorded as the session screen records it on enter."""
    from facilitator.session_ops import record_contribution
    from facilitator.settings import system_clock

    record_contribution(store, session, text, "Sam", system_clock)


def run_record_probe(data: Path, count: int) -> dict:
    """``count`` contributions recorded into a session under way on the history, each paired with a raw append +
    fsync, the two alternating (raw first, then record first, in turn) so that both meet the same disk at the
    same moments, the session file's rewrites included.

    The session is under way: the store's start-up checks are finished (the app runs them just after its first
    screen; a facilitator records minutes later) and what they and the new session wrote is on the disk
    (``os.sync()``: the kernel writes it back within about 30 seconds on its own); the garbage collector is set
    as the session screen sets it while it is shown (tui/collector.py). The raw append is done the
    way the journal does it (the file opened for appending, the line written, fsynced, closed) with a line of
    the record's size, to a file beside the session's journal. The records come back to back, as from a burst
    of phones: nothing waits between them, so a session-file rewrite that falls due is done whenever the store
    does it (at a pause, or at the latest ``write_wait_at_most`` after it fell due) and slows whatever it meets."""
    import orjson

    from _history import SENTENCES
    from facilitator.session_ops import start_session
    from facilitator.settings import system_clock
    from facilitator.store import Store
    from facilitator.templates import load_library
    from facilitator.tui.collector import enter_room

    template = load_library(None).get("serious-success-review")
    store = Store(data, clock=system_clock).open()
    records: list[float] = []
    raws: list[float] = []
    try:
        store.finish_opening()
        session = start_session(store, template, clock=system_clock, title="Recording at scale", team="Bench",
                                participants=["Sam", "Priya"])
        raw_path = store.sessions_dir / "bench-raw-append.jsonl"
        store.wait_for_file_writes()
        os.sync()
        enter_room()  # the garbage collector as the session screen sets it while it is shown
        writes_before = store._writes.get(session.id, 0)

        def raw(n: int) -> None:
            at = system_clock().isoformat()
            line = orjson.dumps({"seq": n + 2, "at": at, "op": "add", "contribution": {
                "id": "0123456789ab", "phase_id": session.phase.id, "text": SENTENCES[n % len(SENTENCES)],
                "speaker": "Sam", "created_at": at}}) + b"\n"
            t = now()
            fd = os.open(raw_path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
            raws.append(now() - t)

        def record(n: int) -> None:
            t = now()
            record_once(store, session, SENTENCES[n % len(SENTENCES)])
            records.append(now() - t)

        try:
            started = now()
            for n in range(count):
                first, second = (raw, record) if n % 2 == 0 else (record, raw)
                first(n)
                second(n)
            took = now() - started
            rewrites = store._writes.get(session.id, 0) - writes_before
        finally:
            raw_path.unlink(missing_ok=True)
    finally:
        store.close()
    return {"record": records, "raw": raws, "rewrites": rewrites, "seconds": took}


def child(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(BENCH))  # bench/_history.py
    if args.probe.startswith("bare"):
        result = run_bare_probe(args.probe)
    elif args.probe == "record":
        result = run_record_probe(args.data, args.count)
    else:
        result = run_app_probe(args.probe, args.data, args.timeout)
    args.out.write_text(json.dumps(result))
    return 1 if "error" in result else 0


# ====================================================================== the parent: histories, runs, table
def generator_version() -> str:
    return hashlib.sha256((BENCH / "_history.py").read_bytes()).hexdigest()[:12]


def build_history(count: int, folder: Path) -> float:
    """The history of ``count`` sessions into ``folder`` (the store of record only; the app indexes it)."""
    sys.path.insert(0, str(BENCH))
    from _history import make_history
    from facilitator.store import Store

    t = now()
    store = Store(folder).open()
    try:
        store.import_sessions(make_history(count, PER_SESSION, END), sync=False)
    finally:
        store.close()
    return now() - t


def history_for(count: int, cache: Path, work: Path, keep: bool) -> Path:
    """A data folder with the history of ``count`` sessions for this run to change as it likes."""
    data = work / f"data-{count}"
    if count > CACHED_UP_TO and not keep:
        took = build_history(count, data)
        say(f"  {count:,} sessions built in {took:.0f} s (in {data}, removed at the end)")
        return data
    kept = cache / f"history-{count}x{PER_SESSION}-{generator_version()}"
    if not (kept / "complete").exists():
        shutil.rmtree(kept, ignore_errors=True)
        building = Path(tempfile.mkdtemp(prefix=f"building-{count}-", dir=cache))
        took = build_history(count, building / "data")
        (building / "complete").write_text(f"{count} sessions x {PER_SESSION} contributions, built in {took:.1f} s\n")
        try:
            building.rename(kept)
        except OSError:  # another run built it meanwhile
            shutil.rmtree(building, ignore_errors=True)
            if not (kept / "complete").exists():
                raise
        say(f"  {count:,} sessions built in {took:.0f} s, kept in {kept}")
    t = now()
    shutil.copytree(kept / "data", data, symlinks=True)
    say(f"  {count:,} sessions copied from {kept} in {now() - t:.1f} s")
    return data


def remove_history_index(data: Path) -> list[str]:
    """Delete the history's derived index or cache (either format), leaving the store of record."""
    gone = []
    for path in sorted(data.iterdir()):
        if path.name == "history-cache.json" or path.name.startswith("history-index"):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            gone.append(path.name)
    return gone


def say(text: str) -> None:
    print(text, flush=True)


class Runner:
    def __init__(self, work: Path, timeout: float) -> None:
        self.work = work
        self.timeout = timeout
        self.env = {k: v for k, v in os.environ.items() if k not in ("TEXTUAL", "TEXTUAL_DEVTOOLS", "PYTHONDONTWRITEBYTECODE")}
        # Cached bytecode for every child, as an installed program runs (see bench/ui.py's cold_start).
        self.env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")

    def spawn(self, command: list[str], timeout: float) -> tuple[int, float, int, str]:
        """(exit code, seconds, the child's peak RSS in kB, the tail of its stderr); killed after ``timeout``."""
        err_path = self.work / "stderr.txt"
        with open(err_path, "wb") as err:
            t = now()
            proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=self.env, cwd=ROOT)
            killer = threading.Timer(timeout, proc.kill)
            killer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                killer.cancel()
            took = now() - t
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # reaped here (wait4, for its rusage)
        if code == -9 and took >= timeout:
            raise ProbeFailed(f"killed after {timeout:.0f} s without finishing")
        return code, took, usage.ru_maxrss, err_path.read_text(errors="replace")[-2000:]

    def probe(self, name: str, data: Path, count: int = 0, scale: float = 1.0) -> dict:
        out = self.work / f"probe-{name}.json"
        out.unlink(missing_ok=True)
        inner = self.timeout * scale
        command = [sys.executable, str(Path(__file__)), "--probe", name, "--data", str(data), "--out", str(out),
                   "--timeout", str(inner), "--count", str(count)]
        code, took, peak_kb, stderr = self.spawn(command, inner * 2 + 60)
        result = json.loads(out.read_text()) if out.exists() else {}
        if "error" in result:
            raise ProbeFailed(result["error"])
        if code or not out.exists():
            raise ProbeFailed(f"its process exited with {code}: {stderr.strip()[-600:] or 'no message'}")
        result["process_seconds"] = took
        result["process_peak_kb"] = peak_kb
        return result


def p(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def secs(value: float) -> str:
    if value < 0.01:
        return f"{value * 1000:.1f} ms"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def mb(kb: float) -> str:
    return f"{kb / 1024:.0f} MB" if kb < 1024 * 1024 else f"{kb / 1024 / 1024:.2f} GB"


FIGURES = [  # (key, figure, target at 20,000)
    ("actions", "actions screen (a), peak RSS, UI blocked", "<= 300 ms"),
    ("follow-up", "team follow-up when a session starts (ctrl+s), UI blocked", "<= 100 ms, not blocking"),
    ("themes", "themes screen (t), UI blocked", "<= 500 ms"),
    ("search", "search, enter to hits, UI blocked", "<= 150 ms, never blocking typing"),
    ("history-again", "history screen, opened again", "<= 150 ms"),
    ("start", "start to home screen / bare Textual app", "<= 1.3x"),
    ("memory", "memory with the history open / bare app", "<= 1.5x"),
    ("rebuild", "history rebuilt with no index (peak RSS; typing p95 / max; UI blocked)", "<= 5 s, app usable"),
    ("digest", "`facilitator digest` of the whole history, peak RSS", "<= 200 MB"),
    ("record", "record p95 / raw append+fsync p95", "<= 1.5x"),
]


def measure(
    count: int, data: Path, runner: Runner, quick: bool, notes: list[str], failures: list[str],
    only: set[str] | None = None, runs: int = 1,
) -> dict[str, str]:
    """Every figure at one history size: the table's column."""
    cells: dict[str, str] = {}
    scale = max(1.0, count / 2000)

    def median_run(make, key: str = "seconds") -> dict:  # noqa: ANN001
        """The run whose ``key`` is the median of ``runs`` runs, each in a fresh process."""
        results = sorted((make() for _ in range(runs)), key=lambda r: r[key])
        return results[len(results) // 2]

    def attempt(key: str, work) -> None:  # noqa: ANN001
        t = now()
        try:
            cells[key] = work()
        except ProbeFailed as exc:
            cells[key] = "FAILED"
            failures.append(f"{count:,} sessions, {key}: {exc}")
        say(f"  {key:14} {cells[key]}   ({now() - t:.0f} s)")

    warm = runner.probe("warm", data, scale=scale)
    say(f"  start-up reading of the copied history (unmeasured): {secs(warm['seconds'])}")

    def start() -> str:
        runner.probe("bare-start", data)  # bytecode cached, files in the disk cache
        ours, bare = [], []
        for _ in range(max(3 if quick else 5, runs)):
            for name, into in (("bare-start", bare), ("start", ours)):
                t = time.time()
                result = runner.probe(name, data, scale=scale)
                into.append(result["ready_at"] - t)
        o, b = statistics.median(ours), statistics.median(bare)
        return f"{o / b:.2f}x ({secs(o)} / {secs(b)})"

    def memory() -> str:
        bare = median_run(lambda: runner.probe("bare-memory", data), "rss_kb")["rss_kb"]
        ours = median_run(lambda: runner.probe("memory", data, scale=scale), "rss_kb")["rss_kb"]
        if not bare or not ours:
            raise ProbeFailed("no resident memory figure here (/proc/self/status is read for it)")
        return f"{ours / bare:.2f}x ({mb(ours)} / {mb(bare)})"

    def actions() -> str:
        r = median_run(lambda: runner.probe("actions", data, scale=scale))
        return f"{secs(r['seconds'])}, {mb(r['peak_kb'])}, blocked {secs(r['blocked'])} ({r['rows']:,} rows)"

    def follow_up() -> str:
        r = median_run(lambda: runner.probe("follow-up", data, scale=scale))
        return f"{secs(r['seconds'])}, blocked {secs(r['blocked'])} ({r['rows']:,} rows)"

    def themes() -> str:
        r = median_run(lambda: runner.probe("themes", data, scale=scale))
        return f"{secs(r['seconds'])}, blocked {secs(r['blocked'])}"

    def search() -> str:
        r = median_run(lambda: runner.probe("search", data, scale=scale))
        notes.append(f"{count:,} sessions, search: " + "; ".join(
            f"“{f['query']}” {secs(f['seconds'])} ({f['hits']:,} hits shown)" for f in r["each"]))
        return f"{secs(r['seconds'])}, blocked {secs(r['blocked'])}"

    def history_again() -> str:
        r = median_run(lambda: runner.probe("history-again", data, scale=scale))
        notes.append(f"{count:,} sessions, history screen: first opening (settled) {secs(r['first'])}, "
                     f"again {secs(r['seconds'])}, {r['rows']:,} sessions listed")
        return secs(r["seconds"])

    def digest() -> str:
        out = runner.work / "digest.md"
        since = END - dt.timedelta(days=count // 2 + 2)
        command = [sys.executable, "-m", "facilitator", "--data-dir", str(data), "digest", "--since", since.isoformat(),
                   "--until", END.isoformat(), "--out", str(out)]

        def once() -> dict:
            code, took, peak_kb, stderr = runner.spawn(command, runner.timeout * scale * 2 + 60)
            if code:
                raise ProbeFailed(f"`facilitator digest` exited with {code}: {stderr.strip()[-600:]}")
            size = out.stat().st_size
            out.unlink()
            return {"seconds": took, "peak_kb": peak_kb, "size": size}

        r = median_run(once)
        return f"{secs(r['seconds'])}, {mb(r['peak_kb'])} ({r['size'] / 1e6:.1f} MB written)"

    def rebuild() -> str:
        gone: list[str] = []

        def once() -> dict:
            gone[:] = remove_history_index(data)
            if not gone:
                raise ProbeFailed(f"no history index or cache to delete in {data}: adapt remove_history_index()")
            return runner.probe("rebuild", data, scale=scale)

        r = median_run(once)
        typed = r["typed"]
        typing = f"typing p95 {secs(p(typed, 95))} / max {secs(max(typed))}" if typed else "no search box to type in"
        shown = ""
        if r["history_shown"] is not None:
            shown = f"history screen shown after {secs(r['history_shown'])}, saying “{r['status'][:120]}”; "
        notes.append(f"{count:,} sessions, rebuild: deleted {', '.join(gone)}; {shown}{len(typed)} keys typed meanwhile")
        return f"{secs(r['seconds'])}, {mb(r['peak_kb'])}; {typing}; blocked {secs(r['blocked'])}"

    def record() -> str:
        def once() -> dict:
            r = runner.probe("record", data, count=300 if quick else 1000, scale=scale)
            return {**r, "ratio": p(r["record"], 95) / p(r["raw"], 95)}

        r = median_run(once, "ratio")
        rec, raw = p(r["record"], 95), p(r["raw"], 95)
        notes.append(f"{count:,} sessions, recording: {len(r['record'])} contributions back to back in {secs(r['seconds'])}, "
                     f"each alternating with a raw append+fsync; record p50 {secs(p(r['record'], 50))} p99 "
                     f"{secs(p(r['record'], 99))}; raw append+fsync p50 {secs(p(r['raw'], 50))} p99 {secs(p(r['raw'], 99))}; "
                     f"the session file rewritten {r['rewrites']} time{'' if r['rewrites'] == 1 else 's'} meanwhile")
        return f"{rec / raw:.2f}x ({secs(rec)} / {secs(raw)})"

    # Those that only read first; the follow-up round and the recording add a session each.
    for key, work in (("start", start), ("memory", memory), ("actions", actions), ("themes", themes),
                      ("search", search), ("history-again", history_again), ("digest", digest),
                      ("rebuild", rebuild), ("follow-up", follow_up), ("record", record)):
        if only is None or key in only:
            attempt(key, work)
    return cells


def table(sizes: list[int], columns: dict[int, dict[str, str]]) -> str:
    header = ["figure", *[f"{n:,} sessions" for n in sizes], "target at 20,000"]
    body = [[label, *[columns[n].get(key, "") for n in sizes], target] for key, label, target in FIGURES]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(header), "| " + " | ".join("-" * w for w in widths) + " |", *map(line, body)])


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "facilitator-bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI: 200 and 2,000 sessions, fewer runs")
    parser.add_argument("--sizes", help="history sizes, e.g. 200,2000 (default 200,2000,20000)")
    parser.add_argument("--cache", type=Path, default=None, help="where built histories are kept between runs")
    parser.add_argument("--keep", action="store_true", help="keep histories over 2,000 sessions in the cache too")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()), help="where the run's temporary folder goes")
    parser.add_argument("--runs", type=int, default=1, help="fresh processes per figure; the median run is shown")
    parser.add_argument("--only", help="some figures only, e.g. actions,rebuild (" + ", ".join(k for k, _, _ in FIGURES) + ")")
    parser.add_argument("--timeout", type=float, default=90.0,
                        help="seconds a probe waits for what it expects at 2,000 sessions (scaled up for larger ones)")
    # A probe's own process (internal)
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        return child(args)

    try:
        sizes = [int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",")] if args.sizes else (
            [200, 2000] if args.quick else [200, 2000, 20000])
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas, for example --sizes 200,2000")
    if any(n < 1 for n in sizes):
        parser.error("--sizes takes history sizes of at least one session, for example --sizes 200,2000")
    only = {k.strip() for k in args.only.split(",")} if args.only else None
    known = {k for k, _, _ in FIGURES}
    if only is not None and not only <= known:
        parser.error(f"--only takes figure names from: {', '.join(sorted(known))}")
    cache = args.cache or default_cache()
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="facilitator-bench-scale-", dir=args.dir))
    runner = Runner(work, args.timeout)
    notes: list[str] = []
    failures: list[str] = []
    columns: dict[int, dict[str, str]] = {}
    started = now()
    try:
        say(f"facilitator at scale: {', '.join(f'{n:,}' for n in sizes)} sessions x {PER_SESSION} contributions, "
            f"{os.cpu_count()} CPUs, cache {cache}, work {work}")
        for count in sizes:
            say(f"{count:,} sessions:")
            data = history_for(count, cache, work, args.keep)
            try:
                columns[count] = measure(count, data, runner, args.quick, notes, failures, only, max(1, args.runs))
            finally:
                shutil.rmtree(data, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say("")
    say(table(sizes, columns))
    say("")
    for note in notes:
        say(f"- {note}")
    say(f"(whole run {now() - started:.0f} s)")
    for failure in failures:
        say(f"FAILED {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
