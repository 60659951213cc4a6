"""Starts the app as `facilitator --data-dir DATA_DIR` does (cli.main), under Textual's Pilot, opens the history
(h) and reports, one line each:

    python huge_file_driver.py DATA_DIR

``NOTICES <the home screen's banner>``, ``SESSIONS <how many the home screen's store lists>``, ``HISTORY <how many
sessions the history lists>``, ``STATUS <the history's status line>``, ``SAID <every notification, joined>``.
"""

from __future__ import annotations

import asyncio
import sys
import time


def main() -> int:
    data_dir = sys.argv[1]

    from textual.widgets import Static

    from facilitator.cli import main as cli_main

    def run(app) -> None:  # noqa: ANN001
        async def drive() -> None:
            async with app.run_test(size=(160, 45)) as pilot:
                await pilot.pause()
                while not app.warmed_up:  # the store's start-up checks, done just after the first screen
                    await pilot.pause(0.01)
                await pilot.pause()
                notices = str(app.screen.query_one("#home-notices", Static).render()).replace("\n", " ")
                print(f"NOTICES {notices}")
                print(f"SESSIONS {len(app.store.session_rows())}")
                await pilot.press("h")
                table = None
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    await pilot.pause(0.05)
                    if type(app.screen).__name__ == "HistoryScreen":
                        table = app.screen.query_one("#history-sessions")
                        if table.row_count and getattr(app.screen, "ready", True) is not False:
                            break
                print(f"HISTORY {table.row_count if table is not None else 'not shown'}")
                if table is not None:
                    print(f"STATUS {str(app.screen.query_one('#history-status', Static).render())!r}")
                print(f"SAID {' | '.join(n.message for n in app._notifications)}")

        asyncio.run(drive())

    return cli_main(["--data-dir", data_dir], run=run)


if __name__ == "__main__":
    sys.exit(main())
