"""The real app, headless, in a process of its own, open to phones on 127.0.0.1: for the kill -9 test.

Usage: app_driver.py DATA_DIR SESSION_ID. Prints "URL <address>" once phones can join, then runs until killed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path


async def main(data_dir: Path, session_id: str) -> None:
    from facilitator.cli import make_app
    from facilitator.settings import Settings, system_clock
    from facilitator.store import Store

    store = Store(data_dir).open()
    app = make_app(store, Settings(data_dir=data_dir, cursor_blink=False), system_clock, open_session_id=session_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        print("URL", app.screen.query_one("#join-address").render(), flush=True)
        await pilot.press("escape")
        while True:
            await asyncio.sleep(1)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2]))
