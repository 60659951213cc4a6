"""Write the README's screenshots into screenshots/ from the real app, with the demo session.

    python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
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


async def shoot(name: str, size: tuple[int, int], open_demo: bool, keys: list[str]) -> Path:
    out_dir = ROOT / "screenshots"
    out_dir.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="facilitator-shots-") as folder:
        store = Store(Path(folder), clock=clock, id_factory=lambda: "demo").open()
        try:
            library = load_library(None)
            session_id = None
            if open_demo:
                session_id = create_demo_session(store, library.get("serious-success-review"), clock).id
            app = make_app(
                store, Settings(data_dir=Path(folder), cursor_blink=False), clock, library=library,
                open_session_id=session_id, demo=open_demo,
            )
            async with app.run_test(size=size) as pilot:
                for key in keys:
                    await pilot.press(key)
                await pilot.pause()
                path = app.save_screenshot(filename=f"{name}.svg", path=str(out_dir))
        finally:
            store.close()
    return Path(path)


async def main() -> None:
    shots = [
        ("session", (160, 45), True, []),
        ("session-80x24", (80, 24), True, []),
        ("projector", (160, 45), True, ["f2"]),
        ("home", (120, 32), False, []),
        ("help", (120, 32), True, ["f1"]),
    ]
    for name, size, demo, keys in shots:
        print(await shoot(name, size, demo, keys))


if __name__ == "__main__":
    asyncio.run(main())
