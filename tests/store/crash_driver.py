"""Records contributions as fast as it can until it is killed; used by the kill -9 tests.

    python crash_driver.py DATA_DIR SESSION_ID PREFIX [--hold]

Opens the store on DATA_DIR, resumes SESSION_ID if it exists (else creates it), prints
``SESSION <id>`` and ``READY``, then records contributions with ids ``PREFIX-00001``, ... and
moves to the next phase now and then. Each line is printed only after the store call returned,
so every printed line is something the app would have shown as recorded:

    BEGIN ADD <id>      about to record                 ADD <id>       recorded
    BEGIN PHASE <n>     about to move to phase n        PHASE <n>      moved

With --hold it opens the store, prints READY and waits (holding the data folder) until killed.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path


def main() -> None:
    data_dir, session_id, prefix = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    hold = "--hold" in sys.argv[4:]

    from facilitator.models import Contribution, Session
    from facilitator.store import Store, UnknownSessionError
    from facilitator.templates import load_library

    out = sys.stdout
    store = Store(data_dir).open()
    if hold:
        out.write("READY\n")
        out.flush()
        while True:
            time.sleep(1)
    try:
        session = store.load_session(session_id)
    except UnknownSessionError:
        template = load_library(None).get("serious-success-review")
        now = dt.datetime.now(dt.timezone.utc)
        session = store.create_session(
            Session(id=session_id, template=template, title=f"Crash test {session_id}", date=now.date(), created_at=now)
        )
    out.write(f"SESSION {session.id} {session.current_phase}\nREADY\n")
    out.flush()
    phases = len(session.template.phases)
    n = 0
    while True:
        n += 1
        if n % 9 == 0:
            target = (session.current_phase + 1) % phases
            out.write(f"BEGIN PHASE {target}\n")
            out.flush()
            session = store.update_session(session, current_phase=target)
            out.write(f"PHASE {target}\n")
            out.flush()
            continue
        cid = f"{prefix}-{n:05d}"
        contribution = Contribution(
            id=cid,
            phase_id=session.phase.id,
            text=f"Contribution {n} of {prefix}: " + "what went well " * (n % 7),
            created_at=dt.datetime.now(dt.timezone.utc),
        )
        out.write(f"BEGIN ADD {cid}\n")
        out.flush()
        store.add_contribution(session, contribution)
        out.write(f"ADD {cid}\n")
        out.flush()


if __name__ == "__main__":
    main()
