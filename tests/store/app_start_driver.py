"""Starts the app as `facilitator --data-dir DATA_DIR` does (cli.main), under Textual's Pilot, and reports.

    python app_start_driver.py DATA_DIR [SESSION_ID | --history]

Prints ``READ_ONLY <bool>``, ``NOTICES <the home screen's notices>``, ``SESSIONS <how many are listed>``;
with SESSION_ID it also opens that session, tries to record a contribution and to end the session, and
prints ``RECORD <the status line>`` and ``END <the status line>``; with --history it opens the history (h) and
prints ``HISTORY <how many sessions it lists>``, ``STATUS <its status line>`` and ``SAID <every notification>``.
"""

from __future__ import annotations

import asyncio
import sys
import time


async def _history(app, pilot) -> None:  # noqa: ANN001
    from textual.widgets import Static

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


def main() -> int:
    data_dir = sys.argv[1]
    session_id = sys.argv[2] if len(sys.argv) > 2 else None

    from textual.widgets import Input, Static

    from facilitator.cli import main as cli_main

    def run(app) -> None:  # noqa: ANN001
        async def drive() -> None:
            async with app.run_test(size=(160, 45)) as pilot:
                await pilot.pause()
                while not app.warmed_up:  # the store's start-up checks, done just after the first screen
                    await pilot.pause(0.01)
                await pilot.pause()
                screen = app.screen
                notices = str(screen.query_one("#home-notices", Static).render()).replace("\n", " ")
                print(f"READ_ONLY {app.store.read_only}")
                print(f"NOTICES {notices}")
                print(f"SESSIONS {len(app.store.session_rows())}")
                if session_id == "--history":
                    await _history(app, pilot)
                    return
                if session_id is None:
                    return
                from facilitator.tui.screens.session import SessionScreen

                app.open_session(app.store.load_session(session_id))
                await pilot.pause()
                assert isinstance(app.screen, SessionScreen)
                box = app.screen.query_one("#contribution", Input)
                box.value = "Said while the disk was full."
                await pilot.press("enter")
                await pilot.pause()
                print(f"RECORD {str(app.screen.query_one('#status', Static).render())!r} KEPT {box.value!r}")
                await pilot.press("ctrl+e")
                await pilot.pause()
                await pilot.press("enter")
                await pilot.pause()
                status = app.screen.query_one("#status", Static).render() if isinstance(app.screen, SessionScreen) else app.screen
                print(f"END {str(status)!r}")

        asyncio.run(drive())

    return cli_main(["--data-dir", data_dir], run=run)


if __name__ == "__main__":
    sys.exit(main())
