"""The first screen comes up without the pydantic models. The team's own templates are checked just after
(which loads them); with none, they wait until a session is started or opened."""

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
        if pilot.app.warmed_up:
            break
        await pilot.pause(0.02)
    seen["warmed_up"] = pilot.app.warmed_up
    seen["validated"] = pilot.app.library.validated
    seen["after"] = "pydantic" in sys.modules
    if {open_history!r}:
        await pilot.press("h")
        while not getattr(pilot.app.screen, "ready", False):
            await pilot.pause(0.02)
        table = pilot.app.screen.query_one("#history-sessions")
        seen["history"] = [row[3] for row in table.rows]
        seen["with_history"] = "pydantic" in sys.modules
    pilot.app.exit()
app.run(headless=True, size=(160, 45), auto_pilot=ready)
store.close()
print(json.dumps(seen))
"""


def _start(data_dir: Path, open_history: bool = False) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(root=str(ROOT), data=str(data_dir), open_history=open_history)],
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
    # With only the built-in templates there is nothing to check at start: the models are not loaded ...
    assert seen["warmed_up"] is True
    assert seen["validated"] is False and seen["after"] is False


def test_history_screen_lists_and_reads_every_session_without_the_models(store, library, clock, data_dir):
    reviewed_session(store, library, clock, title="May review", date=dt.date(2026, 5, 4))
    reviewed_session(store, library, clock, title="June review", date=dt.date(2026, 6, 1))
    store.close()
    seen = _start(data_dir, open_history=True)
    assert seen["history"] == ["June review", "May review"]
    assert seen["with_history"] is False


def test_the_teams_own_templates_are_checked_just_after_the_first_screen(store, data_dir):
    store.templates_dir.mkdir(parents=True, exist_ok=True)
    (store.templates_dir / "oops.toml").write_text('id = "oops"\nname = "Oops"\nphases = []\n', encoding="utf-8")
    store.close()
    seen = _start(data_dir)
    assert seen["at_first_screen"] is False
    # A template of the team's own may be broken: it is checked (the models loaded) as soon as the screen is up.
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


async def test_the_highlighted_template_stays_in_sight_when_the_window_gets_smaller(store, clock):
    """At 160x45 the last template highlighted, then the window made 80x24: the list stayed at its top, the template
    whose words were shown beside it (and which enter would open) out of sight. It is scrolled into view."""
    from textual.widgets import OptionList

    from tests.conftest import build_app, until

    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        templates = app.screen.query_one("#templates", OptionList)
        await pilot.press("end")
        await pilot.pause()
        last = templates.option_count - 1
        assert templates.highlighted == last
        await pilot.resize_terminal(80, 24)

        def in_sight() -> bool:
            line = templates._index_to_line.get(last)
            return line is not None and templates.scroll_y <= line < templates.scroll_y + templates.scrollable_content_region.height

        assert await until(pilot, in_sight, timeout=3), (templates.scroll_y, templates.size)
