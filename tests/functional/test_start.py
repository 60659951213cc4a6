"""The first screen comes up without the pydantic models; they, and the templates' checks, follow at once."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from facilitator.store import SessionRow
from tests.learning.helpers import reviewed_session
from tests.record.helpers import new_session

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from facilitator.cli import make_app
from facilitator.settings import Settings
from facilitator.store import Store
store = Store(Path({data!r})).open()
app = make_app(store, Settings(data_dir=Path({data!r}), cursor_blink=False))
seen = {{}}
async def ready(pilot):
    await pilot.pause()
    home = pilot.app.screen
    options = home.query_one("#templates")
    seen["at_first_screen"] = "pydantic" in sys.modules
    seen["templates"] = [str(options.get_option_at_index(i).prompt).split(chr(10))[0] for i in range(options.option_count)]
    recent = home.query_one("#recent")
    seen["recent"] = [str(recent.get_option_at_index(i).prompt) for i in range(recent.option_count)]
    for _ in range(200):
        if pilot.app.library.validated:
            break
        await pilot.pause(0.02)
    seen["validated"] = pilot.app.library.validated
    seen["after"] = "pydantic" in sys.modules
    pilot.app.exit()
app.run(headless=True, size=(160, 45), auto_pilot=ready)
store.close()
print(json.dumps(seen))
"""


def _start(data_dir: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(root=str(ROOT), data=str(data_dir))],
        capture_output=True, text=True, timeout=60, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_home_screen_is_drawn_before_pydantic_is_loaded_and_lists_everything(store, library, clock, data_dir):
    # Ended sessions only: one left running is read whole at start (it may need repairing), models and all.
    reviewed_session(store, library, clock, title="May review", date=dt.date(2026, 5, 4))
    reviewed_session(store, library, clock, title="June review", date=dt.date(2026, 6, 1))
    store.close()
    seen = _start(data_dir)
    assert seen["at_first_screen"] is False
    # Every built-in template is offered, in the library's order; the ended sessions, newest first.
    assert seen["templates"] == [t.template.name for t in library.ordered()]
    assert [line.split(chr(10))[0].split("  ", 1)[1] for line in seen["recent"]] == ["June review", "May review"]
    # A moment later the templates are checked, with the models loaded.
    assert seen["validated"] is True and seen["after"] is True


def test_session_rows_read_from_the_index_match_the_validated_summaries(store, library, clock):
    reviewed_session(store, library, clock, title="June review")
    new_session(store, library.get("quick-success-huddle"), clock, title="Huddle")
    rows = store.session_rows()
    assert rows == [SessionRow.of(s) for s in store.list_sessions()]
    assert [r.title for r in rows] and {r.status for r in rows} == {"ended", "running"}


def test_session_rows_fall_back_to_checked_summaries_when_the_index_is_odd(store, library, clock):
    reviewed_session(store, library, clock, title="June review")
    doc = next(iter(store._docs.values()))
    doc["current_phase"] = "three"  # not as the store writes it
    rows = store.session_rows()
    assert [r.title for r in rows] == ["June review"]
    assert isinstance(rows[0].current_phase, int)
