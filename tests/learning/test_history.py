"""History: every session listed and filtered, every contribution searched, one opened read-only and exported."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Markdown, Static

from facilitator.learning.search import search
from facilitator.store.history import HistoryIndex
from facilitator.tui.screens.history import HistoryScreen, SessionViewScreen
from tests.conftest import build_app
from tests.learning.helpers import reviewed_session
from tests.record.helpers import new_session, say


def _history(store, library, clock):
    reviewed_session(store, library, clock, team="Family Support 2", date=dt.date(2026, 6, 3), title="June review")
    reviewed_session(store, library, clock, team="Fostering", date=dt.date(2026, 9, 1), title="September review",
                     went_right="The carer rang the school every morning")
    huddle = new_session(store, library.get("quick-success-huddle"), clock, team="Fostering", title="Huddle",
                         date=dt.date(2026, 10, 5))
    say(store, huddle, clock, "the-story", "A placement held together over the summer")


def test_search_finds_words_anywhere_with_session_and_phase(store, library, clock):
    _history(store, library, clock)
    sessions = HistoryIndex(store).refresh().sessions()
    hits, total = search(sessions, "KITCHEN visits")
    assert total == 1
    hit = hits[0]
    assert hit.session.title == "June review"
    assert hit.phase_title == "What went right"
    # Names are replaced as in the records, and the query's words are found where they are.
    assert hit.text == "Visits at Child A's kitchen table"
    assert {hit.text[a:b].casefold() for a, b in hit.spans} == {"kitchen", "visits"}
    # Every word must be in the same contribution.
    assert search(sessions, "kitchen carer")[1] == 0
    # Safeguarding concerns are never in the history's text; the names typed are not either.
    assert search(sessions, "SECRET")[1] == 0
    assert search(sessions, "Jayden")[1] == 0


def test_history_sees_a_contribution_recorded_after_it_was_read(store, library, clock):
    _history(store, library, clock)
    index = HistoryIndex(store).refresh()
    running = next(f for f in index.sessions() if f.title == "Huddle")
    session = store.load_session(running.id)
    say(store, session, clock, "the-story", "Grandad drove her to contact twice a week")
    assert search(index.refresh().sessions(), "grandad")[1] == 1


async def test_history_screen_filters_searches_opens_and_exports(store, library, clock, data_dir):
    _history(store, library, clock)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#history-sessions")
        assert [row[3] for row in table.rows] == ["Huddle", "September review", "June review"]

        screen.query_one("#hf-team", Input).value = "foster"
        await pilot.pause(0.3)
        assert [row[3] for row in table.rows] == ["Huddle", "September review"]
        screen.query_one("#hf-from", Input).value = "2026-10-01"
        await pilot.pause(0.3)
        assert [row[3] for row in table.rows] == ["Huddle"]
        screen.query_one("#hf-from", Input).value = "1 Oct"
        await pilot.pause(0.3)
        assert "YYYY-MM-DD" in str(screen.query_one("#history-status", Static).render())
        screen.query_one("#hf-from", Input).value = ""
        screen.query_one("#hf-team", Input).value = ""
        await pilot.pause(0.3)

        await pilot.press("slash")
        await pilot.press(*"school")
        await pilot.pause(0.3)
        hits = screen.query_one("#history-hits")
        assert hits.display and not table.display
        assert [(row[1], row[2]) for row in hits.rows] == [("September review", "What went right")]
        assert "1 contributions match" in str(screen.query_one("#history-status", Static).render())

        await pilot.press("enter")  # from the search box to the hits
        await pilot.press("enter")  # open the session
        await pilot.pause()
        assert isinstance(app.screen, SessionViewScreen)
        record = app.screen.query_one("#view-record", Markdown).source
        assert "The carer rang the school every morning" in record
        assert "SECRET" not in record
        await pilot.press("e")
        await pilot.pause()
        written = str(app.screen.query_one("#view-status", Static).render())
        assert written.startswith("Written:")
        records = sorted(p.name for p in (data_dir / "records").iterdir())
        assert any(name.endswith(".html") and "september" not in name for name in records)
        assert any(name.endswith(".md") for name in records)
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)
