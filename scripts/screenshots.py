"""Write the README's screenshots into screenshots/ from the real app, with the demo session.

    python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facilitator.cli import make_app  # noqa: E402
from facilitator.demo import create_demo_session  # noqa: E402
from facilitator.settings import Settings  # noqa: E402
from facilitator.store import Store  # noqa: E402
from facilitator.templates import load_library  # noqa: E402

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)


def clock() -> dt.datetime:
    return NOW


def closing(store: Store, session):  # noqa: ANN001, ANN201 - the demo session, taken on to its last phase
    """The demo session with a highlight, strengths and learning actions, at its last phase (for the read-back)."""
    from facilitator.session_ops import go_to_phase, record_contribution

    template = session.template
    said = [
        ("what-went-right", None, {"starred": True}),
        ("strengths-evidence", ("Child focus", "Sam (senior practitioner)"),
         {"fields": {"evidence": "Child A's own words are in every plan", "skill": "child focus"}}),
        ("strengths-evidence", ("Persistence with warmth", "Priya"),
         {"fields": {"evidence": "kept every appointment, rang when late"}}),
        ("learning-actions", ("Share the one-plan approach with the two schools", None),
         {"fields": {"owner": "Priya", "due": "2026-12-15", "tell": "whole team, school leads"}}),
        ("learning-actions", ("Ask families what mornings are like at the first visit", None),
         {"fields": {"owner": "Team manager", "due": "2027-01-31", "tell": "the service's practice forum"}}),
        ("learning-actions", ("Write to the head teacher to thank the school", None), {"fields": {"owner": "Sam"}}),
    ]
    for phase_id, what, extra in said:
        if what is None:
            first = session.contributions_in(phase_id)[1]
            store.edit_contribution(session, first.id, **extra)
            continue
        session.current_phase = template.phase_index(phase_id)
        record_contribution(store, session, what[0], what[1], clock, **extra)
    return go_to_phase(store, store.load_session(session.id), len(template.phases) - 1)


def projector(store: Store, session):  # noqa: ANN001, ANN201
    """Projector mode on, as the room sees it once f2 has been pressed (without the notice f2 shows)."""
    from facilitator.store.prefs import write_prefs

    write_prefs(store.data_dir, projector=True)
    return session


#: the join screen's address in the screenshot: an example (a real one is this machine's, with a new code each time)
EXAMPLE_JOIN = "http://192.168.1.20:8765/j/q3Vx8LkP2mZt7RwA9cYn4HbE5sJd6FgU"


async def join_screen(pilot) -> None:  # noqa: ANN001
    """Phones opened (f10) on this machine only, then the join screen shown with the example address."""
    from facilitator.tui.screens.phones import JoinScreen

    (pilot.app.store.data_dir / "settings.toml").write_text('[phones]\naddress = "127.0.0.1"\nport = 0\n')
    await pilot.press("f10")
    await pilot.pause()
    session_screen = pilot.app.screen.session_screen
    pilot.app.pop_screen()
    await pilot.app.push_screen(JoinScreen(session_screen, url=EXAMPLE_JOIN))
    await pilot.pause()


async def shoot(name: str, size: tuple[int, int], open_demo: bool, keys: list[str], prepare=None, then=None) -> Path:  # noqa: ANN001
    out_dir = ROOT / "screenshots"
    out_dir.mkdir(exist_ok=True)
    # The same folder each time (the home screen shows its path): the screenshots change only when the app does.
    folder = Path(tempfile.gettempdir()) / "facilitator-screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    try:
        store = Store(folder, clock=clock, id_factory=lambda: "demo").open()
        try:
            library = load_library(None)
            session_id = None
            if open_demo:
                session = create_demo_session(store, library.get("serious-success-review"), clock)
                if prepare is not None:
                    session = prepare(store, session)
                session_id = session.id
            app = make_app(
                store, Settings(data_dir=folder, cursor_blink=False), clock, library=library,
                open_session_id=session_id, demo=open_demo,
            )
            async with app.run_test(size=size) as pilot:
                for key in keys:
                    await pilot.press(key)
                if then is not None:
                    await then(pilot)
                await pilot.pause()
                path = app.save_screenshot(filename=f"{name}.svg", path=str(out_dir))
        finally:
            store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Path(path)


async def main() -> None:
    shots = [
        ("session", (160, 45), True, []),
        ("session-80x24", (80, 24), True, []),
        ("projector", (160, 45), True, [], projector),
        ("projector-80x24", (80, 24), True, [], projector),
        ("whole-session", (160, 45), True, ["f8"]),
        ("read-back", (160, 45), True, ["ctrl+n"], closing),
        ("home", (120, 32), False, []),
        ("help", (120, 32), True, ["f1"]),
        ("phones-join", (160, 45), True, [], None, join_screen),
        ("phones-join-80x24", (80, 24), True, [], None, join_screen),
    ]
    for name, size, demo, keys, *prepare in shots:
        print(await shoot(name, size, demo, keys, *prepare))


if __name__ == "__main__":
    asyncio.run(main())
