"""Ends a session and is killed while doing it; used by the end-session kill tests.

    python end_driver.py DATA_DIR SESSION_ID KILL_AT

Opens the store on DATA_DIR, creates SESSION_ID with two contributions, prints ``ENDING`` and ends it as
the app's end screen does (session_ops.end_session). KILL_AT names the moment it kills itself with SIGKILL:
``staged`` (the record written, the session not yet marked ended), ``ended`` (marked ended, the record not
yet in records/), ``published`` (the record in place, before the backup), or ``never`` (it prints
``ENDED`` and waits to be killed by the test at a moment of its choosing).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import time
from pathlib import Path


def main() -> None:
    data_dir, session_id, kill_at = Path(sys.argv[1]), sys.argv[2], sys.argv[3]

    from facilitator.models import Contribution, Session
    from facilitator.session_ops import end_session
    from facilitator.store import Store
    from facilitator.templates import load_library

    store = Store(data_dir).open()
    template = load_library(None).get("serious-success-review")
    now = dt.datetime.now(dt.timezone.utc)
    session = store.create_session(
        Session(id=session_id, template=template, title=f"Ending {session_id}", date=now.date(), created_at=now)
    )
    for n in range(2):
        store.add_contribution(
            session, Contribution(id=f"{session_id}-{n}", phase_id=session.phase.id, text=f"Said {n}.", created_at=now)
        )

    def kill_after(name: str, moment: str, when=lambda result: True) -> None:
        real = getattr(store, name, None)
        if real is None:  # an older version of the store (the tests were checked against it)
            return

        def wrapped(*args, **kwargs):
            result = real(*args, **kwargs)
            if kill_at == moment and when(result):
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        setattr(store, name, wrapped)

    kill_after("stage_final_record", "staged")
    kill_after("write_record", "staged")  # older versions wrote the record in place before marking the end
    kill_after("update_session", "ended", lambda s: s.status.value == "ended")
    kill_after("publish_final_record", "published")
    sys.stdout.write("ENDING\n")
    sys.stdout.flush()
    end_session(store, session, lambda: dt.datetime.now(dt.timezone.utc))
    sys.stdout.write("ENDED\n")
    sys.stdout.flush()
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main()
