"""Makes one session as the set-up screen's ctrl+s does, says so, then waits to be killed.

    python create_driver.py DATA_DIR TITLE

Opens the store on DATA_DIR as the app does, makes a session titled TITLE with session_ops.start_session,
prints ``CREATED <id>`` once that returned (the moment the app shows the new session), and waits.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> None:
    data_dir, title = Path(sys.argv[1]), sys.argv[2]

    from facilitator.session_ops import start_session
    from facilitator.settings import system_clock
    from facilitator.store import Store
    from facilitator.templates import load_library

    store = Store(data_dir, clock=system_clock).open()
    store.finish_opening()  # as the app's thread does just after its first screen
    template = load_library(None).get("serious-success-review")
    session = start_session(store, template, clock=system_clock, title=title, team="Family Support 1",
                            participants=["Sam", "Priya"], ground_rules_agreed=True)
    sys.stdout.write(f"CREATED {session.id}\n")
    sys.stdout.flush()
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main()
