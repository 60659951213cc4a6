"""Phones in the room under load: 30 phones each sending 10 contributions while the facilitator types.

Run `python bench/phones.py` (30 phones x 10) or `python bench/phones.py --quick` (CI: 5 phones x 4). Prints
figures; fails nothing (but says plainly if anything a phone was told "received" is missing).

Target (issue 16): typing p95 under 50 ms while 30 phones send 10 each.

What is measured:
  the app       the real app under Pilot (headless, 160x45) on a real Store in a temporary folder, phones open
                on 127.0.0.1 (a free port), the session on a discussion phase.
  phones        a separate Python process (so the phones do not share the app's event loop), one aiohttp client
                per phone with its own cookie: each reads the page (its form and token), then sends one
                contribution, 10 times. Twice: all at once (each phone sends as fast as it can), and at a room's
                pace (each phone waits 0 to 2 s, at random, before each send). Send to "received": from the POST until the server's answer (the
                redirect to the "Received" page), which comes only after the item's journal line is fsynced.
  typing        meanwhile, in the app: a letter typed into the contribution box every 20 ms (a key event
                posted to the app, as the terminal driver does); each from the key until the screen has been
                refreshed with the letter in the box. The same is measured first with no phones, for comparison.
  nothing lost  afterwards every item is revealed (ctrl+r) and each text a phone was told "received" is
                looked for among the session's contributions.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHONES_CHILD = r"""
import asyncio, json, random, re, sys, time
import aiohttp

async def phone(url, n, each, out, pace):
    rng = random.Random(n)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        for k in range(each):
            if pace:
                await asyncio.sleep(rng.uniform(0, 2 * pace))
            async with http.get(url) as r:
                page = await r.text()
            form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
            form["text"] = f"phone {n} says thing {k}: what helped the family, in a sentence or two"
            t0 = time.perf_counter()
            async with http.post(url, data=form, allow_redirects=False) as r:
                await r.read()
                took = time.perf_counter() - t0
                location = r.headers.get("Location", "")
            out.append({"text": form["text"], "seconds": took, "received": r.status == 303 and "sent=waiting" in location,
                        "status": r.status})

async def main(url, phones, each, pace):
    out = []
    await asyncio.gather(*(phone(url, n, each, out, pace) for n in range(phones)))
    print(json.dumps(out))

asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])))
"""


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


async def type_letters(app, box, stop: asyncio.Event | None, count: int) -> list[float]:  # noqa: ANN001
    """Letters typed as a terminal sends them (a key event to the app), each timed from the key until the
    screen has been refreshed with the letter in the box."""
    from textual import events

    times = []
    n = 0
    loop = asyncio.get_running_loop()
    current: list = [lambda: None]
    box.watch(box, "value", lambda _value: box.call_after_refresh(lambda: current[0]()), init=False)
    while (stop is None and n < count) or (stop is not None and not stop.is_set()):
        if len(box.value) > 200:
            box.value = ""
            await asyncio.sleep(0.05)
        before = len(box.value)
        done = loop.create_future()

        def seen() -> None:
            if len(box.value) > before and not done.done():
                done.set_result(time.perf_counter())

        current[0] = seen
        t0 = time.perf_counter()
        app.post_message(events.Key("a", "a"))
        try:
            times.append(await asyncio.wait_for(done, 5) - t0)
        except TimeoutError:
            times.append(5.0)
        n += 1
        await asyncio.sleep(0.02)
    return times


async def run(phones: int, each: int, folder: Path, pace: float) -> dict:
    from textual.widgets import Input

    from facilitator.cli import make_app
    from facilitator.session_ops import go_to_phase, start_session
    from facilitator.settings import Settings
    from facilitator.store import Store
    from facilitator.templates import load_library

    now = [dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)]

    def clock() -> dt.datetime:
        now[0] += dt.timedelta(seconds=1)
        return now[0]

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text('[phones]\naddress = "127.0.0.1"\nport = 0\n')
    store = Store(folder, clock=clock).open()
    library = load_library(None)
    template = library.get("serious-success-review")
    session = start_session(store, template, clock=clock, title="Bench", participants=["Sam", "Priya"])
    session = go_to_phase(store, session, template.phase_index("what-went-right"))
    app = make_app(store, Settings(data_dir=folder, cursor_blink=False), clock, library=library, open_session_id=session.id)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            await pilot.press("f10")
            await pilot.pause()
            url = str(app.screen.query_one("#join-address").render())
            await pilot.press("escape")
            await pilot.pause()
            screen = app.screen
            box = screen.query_one("#contribution", Input)
            box.focus()
            quiet = await type_letters(app, box, None, 100)
            box.value = ""
            stop = asyncio.Event()
            child = await asyncio.create_subprocess_exec(
                sys.executable, "-c", PHONES_CHILD, url, str(phones), str(each), str(pace), stdout=subprocess.PIPE
            )
            typing = asyncio.create_task(type_letters(app, box, stop, 0))
            t0 = time.perf_counter()
            out, _ = await child.communicate()
            elapsed = time.perf_counter() - t0
            stop.set()
            busy = await typing
            results = json.loads(out)
            await pilot.press("ctrl+r")
            await pilot.pause()
            kept = {c.text for c in screen.session.contributions}
    finally:
        store.close()
    received = [r for r in results if r["received"]]
    lost = [r["text"] for r in received if r["text"] not in kept]
    return {
        "sent": len(results),
        "received": len(received),
        "statuses": sorted({r["status"] for r in results}),
        "lost": len(lost),
        "seconds": elapsed,
        "received_ms": [r["seconds"] * 1000 for r in received],
        "typing_quiet_ms": [t * 1000 for t in quiet],
        "typing_busy_ms": [t * 1000 for t in busy],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 phones x 4 contributions (CI)")
    parser.add_argument("--phones", type=int)
    parser.add_argument("--each", type=int)
    args = parser.parse_args()
    phones = args.phones or (5 if args.quick else 30)
    each = args.each or (4 if args.quick else 10)
    for name, pace in (("all at once", 0.0), ("at a room's pace (a send every second or so from each phone)", 1.0)):
        with tempfile.TemporaryDirectory(prefix="facilitator-bench-phones-") as tmp:
            r = asyncio.run(run(phones, each, Path(tmp) / "data", pace))
        print(f"== {name}")
        print(f"phones: {phones} x {each} contributions, {r['sent']} sent in {r['seconds']:.2f} s, "
              f"{r['received']} received (HTTP statuses {r['statuses']}), {r['lost']} received and lost")
        if r["received_ms"]:
            ms = r["received_ms"]
            print(f"send -> received: p50 {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
                  f"max {max(ms):.1f} ms")
        for label, key in (("typing, no phones", "typing_quiet_ms"), ("typing while phones send", "typing_busy_ms")):
            ms = r[key]
            if ms:
                print(f"{label}: {len(ms)} keys, p50 {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
                      f"max {max(ms):.1f} ms")
        if r["lost"]:
            print(f"LOST: {r['lost']} items a phone was told were received are not in the session")


if __name__ == "__main__":
    main()
