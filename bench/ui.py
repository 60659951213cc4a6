"""How fast the session screen feels in the room, and how fast the app starts.

Run `python bench/ui.py` (200 contributions, 7 cold starts of each app) or `python bench/ui.py --quick`
(CI: 40 contributions, 3 starts). Prints figures; fails nothing.

Targets: per contribution p95 <= 30 ms; cold start ratio (facilitator / bare Textual app) <= 1.3; a phase
with 500 contributions opens in <= 500 ms and takes one more in <= 100 ms.

What is measured:
  contribution  the real app under Pilot (headless, 160x45) on a real Store in a temporary folder, a
                session with 12 participants on a discussion phase. For each contribution the text is put
                in the box with a quick-speaker prefix ('@3 ...') and drawn, as it is when a person has
                typed it, then enter is pressed.
                  processing: the app's own time, from the enter key (the time stamp Textual gives the key
                  event when it is sent) until the first frame in which the contribution list has drawn the
                  new contribution's text has been written out: the enter handler (speaker parsing, the
                  store's fsynced journal append, adding the item to the list) plus the frame that paints
                  it, measured inside the app.
                  round trip: the same seen from Pilot (includes Pilot's waiting for idle).
  long phase    a running session whose discussion phase holds 500 contributions (stored whole): the session
                screen opened on it from the home screen under Pilot (160x45), from the call to the screen
                drawn and the app idle, the first time in the process (its module and styles loaded then) and
                again; then contributions recorded into it, timed as "processing" above.
  cold start    from starting a fresh Python process until its first usable screen has been drawn (headless,
                160x45): the facilitator app on its home screen (store opened, templates listed) against a
                bare Textual app with a Header, a Markdown and a Footer, alternated, median of the runs. Both
                wait for the same point (Pilot's pause: the screen processed and drawn, the app idle) and
                both run from cached bytecode, as installed programs do (see cold_start). Shown apart: when
                the work the facilitator starts 0.1 s after its first screen is done (validating the team's
                own templates, if any; none here), and each whole run, to the process's exit.
  set-up        in a fresh process, once the warm-up is done: enter on the first template until the
                session set-up screen is drawn. The built-in templates are validated and the pydantic
                models imported at that moment, the first time in a process; shown beside the same with
                them done before the key.
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

PEOPLE = [f"Person {n}" for n in range(1, 13)]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


# ---------------------------------------------------------------------- per contribution
class PaintClock:
    """Times each contribution from its enter key to the end of the first frame written out in which the
    contribution list drew the new contribution's text (a marker from it, given by ``expect`` before the key is
    pressed).

    The start is the Key event's own time stamp (Textual's clock, taken when the key is sent to the app), read
    when the app receives it; the end is when the app has written out the frame (its _display) after the list's
    lines holding the marker were drawn. (A callback after the next refresh, as this bench once used, can run
    before the list has been drawn at all: when the screen goes idle before the list has asked to be painted.)"""

    def __init__(self) -> None:
        self.times: list[float] = []
        self._key_at: float | None = None
        self._marker: str | None = None
        self._drawn = False
        self._undo: list = []

    def expect(self, marker: str) -> None:
        self._marker, self._drawn, self._key_at = marker, False, None

    def install(self) -> None:
        from textual import events
        from textual._time import get_time
        from textual.app import App

        from facilitator.tui.widgets.contribution_list import ContributionList

        clock = self
        on_event, render_line, display = App.on_event, ContributionList.render_line, App._display

        async def timed_on_event(self, event):  # noqa: ANN001
            if isinstance(event, events.Key) and event.key == "enter" and clock._key_at is None:
                clock._key_at = event.time
            await on_event(self, event)

        def watched_render_line(self, y: int):  # noqa: ANN001
            strip = render_line(self, y)
            if clock._marker is not None and not clock._drawn and clock._marker in strip.text:
                clock._drawn = True
            return strip

        def timed_display(self, screen, renderable) -> None:  # noqa: ANN001
            display(self, screen, renderable)
            if renderable is not None and clock._drawn and clock._key_at is not None and clock._marker is not None:
                clock.times.append(get_time() - clock._key_at)
                clock._marker = None  # one figure per contribution

        App.on_event, ContributionList.render_line, App._display = timed_on_event, watched_render_line, timed_display
        self._undo = [(App, "on_event", on_event), (ContributionList, "render_line", render_line), (App, "_display", display)]

    def uninstall(self) -> None:
        for owner, name, original in self._undo:
            setattr(owner, name, original)
        self._undo = []


async def drive(count: int, folder: Path) -> tuple[list[float], list[float]]:
    from textual.widgets import Input

    from facilitator.cli import make_app
    from facilitator.session_ops import go_to_phase, start_session
    from facilitator.settings import Settings
    from facilitator.store import Store
    from facilitator.templates import load_library
    from facilitator.tui.screens.session import SessionScreen
    from facilitator.tui.widgets.contribution_list import ContributionList

    clock_now = [dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)]

    def clock() -> dt.datetime:
        clock_now[0] += dt.timedelta(seconds=1)
        return clock_now[0]

    store = Store(folder, clock=clock).open()
    library = load_library(None)
    template = library.get("serious-success-review")
    session = start_session(store, template, clock=clock, title="Bench", participants=PEOPLE)
    session = go_to_phase(store, session, template.phase_index("what-went-right"))

    paint = PaintClock()
    paint.install()
    round_trip: list[float] = []
    try:
        app = make_app(store, Settings(data_dir=folder, cursor_blink=False), clock, library=library, open_session_id=session.id)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SessionScreen)
            box = screen.query_one("#contribution", Input)
            for n in range(count):
                box.value = f"@{n % 12 + 1} contribution number {n}: what helped the family, said in a sentence or two."
                await pilot.pause()  # the text is on screen before enter, as when a person has typed it
                paint.expect(f"contribution number {n}:")
                t0 = time.perf_counter()
                await pilot.press("enter")
                await pilot.pause()
                round_trip.append(time.perf_counter() - t0)
            shown = len(screen.query_one(ContributionList).shown_contributions())
            assert shown == count, f"{shown} shown, {count} recorded"
            assert len(paint.times) == count, f"{len(paint.times)} of {count} seen drawn"
    finally:
        paint.uninstall()
        store.close()
    return paint.times, round_trip


# ---------------------------------------------------------------------- a long phase
async def drive_long_phase(count: int, entries: int, folder: Path) -> tuple[list[float], list[float]]:
    """(opening times, per-enter processing times) for a running session whose discussion phase already holds
    ``count`` contributions: the session screen opened from the home screen (the first time in the process, then
    again), then ``entries`` contributions recorded into that phase."""
    from textual.widgets import Input

    from facilitator.cli import make_app
    from facilitator.models import Contribution, Session
    from facilitator.settings import Settings
    from facilitator.store import Store
    from facilitator.templates import load_library
    from facilitator.tui.screens.session import SessionScreen
    from facilitator.tui.widgets.contribution_list import ContributionList

    now = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)
    clock_now = [now]

    def clock() -> dt.datetime:
        clock_now[0] += dt.timedelta(seconds=1)
        return clock_now[0]

    library = load_library(None)
    template = library.get("serious-success-review")
    phase = template.phases[template.phase_index("what-went-right")]
    said = [
        Contribution(
            id=f"c{n:05d}", phase_id=phase.id, speaker=PEOPLE[n % 12], created_at=now + dt.timedelta(seconds=n),
            text=f"contribution number {n}: what helped the family, said in a sentence or two.",
        )
        for n in range(1, count + 1)
    ]
    store = Store(folder, clock=clock).open()
    session = Session(
        id="20261122-long", template=template, title="A long phase", date=now.date(), participants=PEOPLE,
        created_at=now, current_phase=template.phase_index(phase.id), contributions=said,
    )
    store.import_sessions([session])
    opened: list[float] = []
    paint = PaintClock()
    try:
        app = make_app(store, Settings(data_dir=folder, cursor_blink=False), clock, library=library)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            for _ in range(2):
                t0 = time.perf_counter()
                app.open_session(store.load_session(session.id))
                await pilot.pause()
                opened.append(time.perf_counter() - t0)
                assert isinstance(app.screen, SessionScreen)
                if len(opened) == 1:
                    app.go_home()
                    await pilot.pause()
            paint.install()
            box = app.screen.query_one("#contribution", Input)
            for n in range(entries):
                box.value = f"@{n % 12 + 1} one more, number {n}: said in a sentence or two."
                await pilot.pause()  # the text is on screen before enter, as when a person has typed it
                paint.expect(f"one more, number {n}:")
                await pilot.press("enter")
                await pilot.pause()
            shown = len(app.screen.query_one(ContributionList).shown_contributions())
            assert shown == count + entries, f"{shown} shown, {count + entries} recorded"
            assert len(paint.times) == entries, f"{len(paint.times)} of {entries} seen drawn"
    finally:
        paint.uninstall()
        store.close()
    return opened, paint.times


# ---------------------------------------------------------------------- cold start
# The start of each child that runs the facilitator: the app on a store in the given folder.
APP_CHILD = """
import sys, pathlib
sys.path.insert(0, {root!r})
from facilitator.cli import make_app
from facilitator.settings import Settings, system_clock
from facilitator.store import Store
store = Store(pathlib.Path({data!r}), clock=system_clock).open()
app = make_app(store, Settings(data_dir=pathlib.Path({data!r}), cursor_blink=False), system_clock)
"""
CHILD_FACILITATOR = APP_CHILD + """
async def ready(pilot):
    await pilot.pause()
    import os, time
    ready_at = time.time()
    while not pilot.app.warmed_up:  # the warm-up after the first screen done
        await pilot.pause(0.005)
    open(os.environ["BENCH_READY_FILE"], "w").write(f"{{ready_at!r}} {{time.time()!r}}")
    pilot.app.exit()
app.run(headless=True, size=(160, 45), auto_pilot=ready)
store.close()
"""

# The first session's set-up screen: enter on the first template once the warm-up is done. The built-in
# templates are validated, and the pydantic models imported, at that moment (the first time in a process).
CHILD_SETUP = APP_CHILD + """
async def ready(pilot):
    await pilot.pause()
    import os, time
    while not pilot.app.warmed_up:
        await pilot.pause(0.005)
    if {preload!r}:
        pilot.app.library.templates  # validated (models imported) before the key, as the warm-up once did
    await pilot.pause(0.2)
    pressed_at = time.time()
    await pilot.press("enter")
    while type(pilot.app.screen).__name__ != "SetupScreen":
        await pilot.pause(0.005)
    await pilot.pause()
    open(os.environ["BENCH_READY_FILE"], "w").write(f"{{pressed_at!r}} {{time.time()!r}}")
    pilot.app.exit()
app.run(headless=True, size=(160, 45), auto_pilot=ready)
store.close()
"""

CHILD_BARE = """
from textual.app import App
from textual.widgets import Footer, Header, Markdown
class Bare(App):
    def compose(self):
        yield Header()
        yield Markdown("# Bare\\n\\nA bare Textual app: a header, some markdown and a footer.")
        yield Footer()
async def ready(pilot):
    await pilot.pause()
    import os, time
    now = time.time()
    open(os.environ["BENCH_READY_FILE"], "w").write(f"{now!r} {now!r}")
    pilot.app.exit()
Bare().run(headless=True, size=(160, 45), auto_pilot=ready)
"""


def cold_start(code: str, pycache: Path) -> tuple[float, float, float]:
    """Seconds from starting a fresh Python process to (its first usable screen, its background warm-up
    done, its exit).

    The child writes the time (time.time(), the same clock as here) when Pilot's pause returns, that is,
    when the first screen has been processed and drawn and the app is idle; and when the work the
    facilitator starts 0.1 s after that is done (validating the team's own templates, if any; the bare app
    has none); then it exits.

    Both apps run from cached bytecode, as an installed program does: PYTHONDONTWRITEBYTECODE (set in some
    shells and CI) would otherwise make Python compile the facilitator's sources on every start while
    Textual's modules come precompiled. The cache is a folder of the bench's own (PYTHONPYCACHEPREFIX), filled
    by the first, unmeasured start of each app, so nothing is written next to the sources.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("TEXTUAL", "TEXTUAL_DEVTOOLS", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    rss_file = pycache.parent / "peak-rss"
    env["BENCH_RSS_FILE"] = str(rss_file)
    ready_file = pycache.parent / "ready-at"
    ready_file.unlink(missing_ok=True)
    env["BENCH_READY_FILE"] = str(ready_file)
    started = time.time()
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code + PEAK_RSS_CODE], check=True, env=env, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t0
    if rss_file.exists():
        PEAK_RSS.append(int(rss_file.read_text()) / 1024)
    ready_at, warm_at = (float(x) for x in ready_file.read_text().split())
    return ready_at - started, warm_at - started, elapsed


# After the app has exited, the process writes its peak resident memory (Linux: VmHWM, in kB), same for both.
PEAK_RSS_CODE = """
import os as _os
if _os.path.exists("/proc/self/status"):
    for _line in open("/proc/self/status"):
        if _line.startswith("VmHWM:"):
            open(_os.environ["BENCH_RSS_FILE"], "w").write(_line.split()[1])
"""
PEAK_RSS: list[float] = []  # MB, of each cold start, in order


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI: fewer contributions and starts")
    parser.add_argument("--contributions", type=int, default=None)
    parser.add_argument("--starts", type=int, default=None)
    args = parser.parse_args()
    count = args.contributions or (40 if args.quick else 200)
    starts = args.starts or (3 if args.quick else 7)

    folder = Path(tempfile.mkdtemp(prefix="facilitator-bench-ui-"))
    try:
        processing, round_trip = asyncio.run(drive(count, folder / "data"))
        ms = lambda v: f"{v * 1000:.1f} ms"  # noqa: E731
        print(f"contributions recorded through the session screen: {count}")
        print(
            f"  processing per contribution (app): p50 {ms(statistics.median(processing))}, "
            f"p95 {ms(percentile(processing, 95))}, max {ms(max(processing))}   target p95 <= 30 ms"
        )
        print(
            f"  round trip per contribution (Pilot, to idle): p50 {ms(statistics.median(round_trip))}, "
            f"p95 {ms(percentile(round_trip, 95))}"
        )

        long_count, long_entries = (500, 10) if args.quick else (500, 40)
        opened, long_processing = asyncio.run(drive_long_phase(long_count, long_entries, folder / "long"))
        print(f"a long phase: {long_count} contributions already in it")
        print(f"  opening the session screen on it from home (to drawn and idle): first {ms(opened[0])}, "
              f"again {ms(opened[1])}   target <= 500 ms")
        print(f"  processing per contribution added to it (app): p50 {ms(statistics.median(long_processing))}, "
              f"p95 {ms(percentile(long_processing, 95))}, max {ms(max(long_processing))} ({long_entries} added)   "
              "target <= 100 ms")

        data = folder / "cold"
        pycache = folder / "pycache"
        app_code = CHILD_FACILITATOR.format(root=str(ROOT), data=str(data))
        cold_start(app_code, pycache)  # first run: creates the data folder, caches bytecode, warms the disk cache
        cold_start(CHILD_BARE, pycache)
        ours, bare = [], []
        rss_ours, rss_bare = [], []
        for _ in range(starts):
            bare.append(cold_start(CHILD_BARE, pycache))
            rss_bare.append(PEAK_RSS[-1] if PEAK_RSS else 0.0)
            ours.append(cold_start(app_code, pycache))
            rss_ours.append(PEAK_RSS[-1] if PEAK_RSS else 0.0)
        median = lambda runs, part: statistics.median(run[part] for run in runs)  # noqa: E731
        ratio = median(ours, 0) / median(bare, 0)
        print(f"cold start to the first usable screen, median of {starts}:")
        print(f"  bare Textual app (Header, Markdown, Footer): {ms(median(bare, 0))}   (whole run, to exit: {ms(median(bare, 2))})")
        print(f"  facilitator (home screen, store opened):     {ms(median(ours, 0))}   (warm-up done: {ms(median(ours, 1))}; "
              f"whole run, to exit: {ms(median(ours, 2))})")
        print(f"  ratio: {ratio:.2f}   target <= 1.3   (whole runs, the facilitator's with its warm-up: "
              f"{median(ours, 2) / median(bare, 2):.2f})")
        if PEAK_RSS:
            print(
                f"  peak memory (RSS): bare {statistics.median(rss_bare):.1f} MB, "
                f"facilitator {statistics.median(rss_ours):.1f} MB (empty data folder)"
            )
        lazy, preloaded = [], []
        for _ in range(starts):
            a, b, _ = cold_start(CHILD_SETUP.format(root=str(ROOT), data=str(data), preload=False), pycache)
            lazy.append(b - a)
            a, b, _ = cold_start(CHILD_SETUP.format(root=str(ROOT), data=str(data), preload=True), pycache)
            preloaded.append(b - a)
        print(f"first session's set-up screen, enter on a template once started, median of {starts}: "
              f"{ms(statistics.median(lazy))} (templates validated and models imported then); "
              f"{ms(statistics.median(preloaded))} with them done beforehand")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
