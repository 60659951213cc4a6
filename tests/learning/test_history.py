"""History: every session listed and filtered, every contribution searched, one opened read-only and exported."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Static

from facilitator.learning.history import HistoryIndex
from facilitator.tui.screens.history import HistoryScreen, SessionViewScreen
from facilitator.tui.widgets.record_view import RecordView
from tests.conftest import build_app, until
from tests.learning.helpers import reviewed_session, wait_ready
from tests.record.helpers import new_session, say


def _history(store, library, clock):
    reviewed_session(store, library, clock, team="Family Support 2", date=dt.date(2026, 6, 3), title="June review")
    reviewed_session(store, library, clock, team="Fostering", date=dt.date(2026, 9, 1), title="September review",
                     went_right="The carer rang the school every morning")
    huddle = new_session(store, library.get("quick-success-huddle"), clock, team="Fostering", title="Huddle",
                         date=dt.date(2026, 10, 5))
    say(store, huddle, clock, "the-story", "A placement held together over the summer")


def test_search_finds_words_at_the_start_of_words_with_session_and_phase(store, library, clock):
    _history(store, library, clock)
    huddle = next(s for s in store.list_sessions() if s.title == "Huddle")
    say(store, store.load_session(huddle.id), clock, "the-story", "Kitchens at the family centre stayed open late")
    index = HistoryIndex(store).refresh()
    hits, total = index.search("KITCHEN visits")
    assert total == 1
    hit = hits[0]
    assert hit.session.title == "June review"
    assert hit.phase_title == "What went right"
    # Names are replaced as in the records, and the query's words are found where they are.
    assert hit.text == "Visits at Child A's kitchen table"
    assert {hit.text[a:b].casefold() for a, b in hit.spans} == {"kitchen", "visits"}
    # A word is found at the start of a word ("kitchen" finds "Kitchens"), never inside one ("itchen", "isits").
    hits, total = index.search("kitchen")
    assert total == 2
    assert sorted(h.text for h in hits) == ["Kitchens at the family centre stayed open late", "Visits at Child A's kitchen table"]
    assert [h.text[a:b] for h in hits for a, b in h.spans if h.text.startswith("Kitchens")] == ["Kitchen"]
    assert index.search("itchen")[1] == 0
    assert index.search("isits")[1] == 0
    # Every word must be in the same contribution.
    assert index.search("kitchen carer")[1] == 0
    # Safeguarding concerns are never in the history's text; the names typed are not either.
    assert index.search("SECRET")[1] == 0
    assert index.search("Jayden")[1] == 0


def test_history_sees_a_contribution_recorded_after_it_was_read(store, library, clock):
    _history(store, library, clock)
    index = HistoryIndex(store).refresh()
    running = next(f for f in index.entries() if f.title == "Huddle")
    session = store.load_session(running.id)
    say(store, session, clock, "the-story", "Grandad drove her to contact twice a week")
    assert index.refresh().search("grandad")[1] == 1


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

        listed = lambda: [row[3] for row in table.rows]  # noqa: E731
        said = lambda: str(screen.query_one("#history-status", Static).render())  # noqa: E731
        screen.query_one("#hf-team", Input).value = "foster"
        await until(pilot, lambda: listed() == ["Huddle", "September review"])
        assert listed() == ["Huddle", "September review"]
        screen.query_one("#hf-from", Input).value = "2026-10-01"
        await until(pilot, lambda: listed() == ["Huddle"])
        assert listed() == ["Huddle"]
        screen.query_one("#hf-from", Input).value = "1 Oct"
        await until(pilot, lambda: "is not a date" in said())
        assert "'1 Oct' is not a date; write it as day/month/year or year-month-day" in said()
        screen.query_one("#hf-from", Input).value = ""
        screen.query_one("#hf-team", Input).value = ""
        await until(pilot, lambda: len(listed()) == 3)
        assert len(listed()) == 3

        await pilot.press("slash")
        await pilot.press(*"school")
        hits = screen.query_one("#history-hits")
        await until(pilot, lambda: hits.display and hits.row_count == 1)
        assert hits.display and not table.display
        assert [(row[1], row[2]) for row in hits.rows] == [("September review", "What went right")]
        assert "1 contribution matches" in str(screen.query_one("#history-status", Static).render())

        await pilot.press("enter")  # from the search box to the hits
        await pilot.press("enter")  # open the session
        await pilot.pause()
        assert isinstance(app.screen, SessionViewScreen)
        record = app.screen.query_one("#view-record", RecordView).source
        assert "The carer rang the school every morning" in record
        assert "SECRET" not in record
        for key in ("e", "1", "e", "2"):  # export: markdown, then again: HTML
            await pilot.press(key)
            await pilot.pause()
        written = str(app.screen.query_one("#view-status", Static).render())
        assert written.startswith("HTML written:")
        records = sorted(p.name for p in (data_dir / "records").iterdir())
        assert any(name.endswith(".html") and "september" not in name for name in records)
        assert any(name.endswith(".md") for name in records)
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)


def test_history_index_is_used_only_while_the_files_are_unchanged(store, library, clock, data_dir):
    from facilitator.store.index import INDEX_NAME

    _history(store, library, clock)
    first = HistoryIndex(store).refresh()
    assert first.from_files == 3 and (data_dir / INDEX_NAME).exists()
    # A new reader (the app started again) reads no session file: none changed since.
    again = HistoryIndex(store).refresh()
    assert (again.from_cache, again.from_files) == (3, 0)
    assert [f.title for f in again.entries()] == [f.title for f in first.entries()]
    assert [f.blob for f in again.facts()] == [f.blob for f in first.facts()]
    assert again.search("KITCHEN visits")[1] == 1
    # An ended session changed afterwards (its journal grew) is read from its files again.
    june = next(f for f in again.entries() if f.title == "June review")
    session = store.load_session(june.id)
    store.update_session(session, title="June review, renamed")
    later = HistoryIndex(store).refresh()
    assert (later.from_cache, later.from_files) == (2, 1) and {f.title for f in later.entries()} >= {"June review, renamed"}
    # A damaged index is only an index: set aside, said, and built again from the sessions.
    later.db.close()
    again.db.close()
    first.db.close()
    (data_dir / INDEX_NAME).write_bytes(b"{not a database" * 100)
    rebuilt = HistoryIndex(store).refresh()
    assert rebuilt.from_cache == 0 and len(rebuilt) == 3
    assert any("history index" in n and "quarantine" in n for n in store.notices)
    assert HistoryIndex(store).refresh().from_cache == 3


async def test_long_history_lists_at_once_and_reads_search_data_in_the_background(store, library, clock, monkeypatch):
    import facilitator.tui.screens.history as history_screen

    monkeypatch.setattr(history_screen, "READ_NOW", 0)  # as with thousands of sessions
    _history(store, library, clock)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("h")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#history-sessions")
        for _ in range(100):
            if screen.ready:
                break
            await pilot.pause(0.02)
        assert screen.ready
        await pilot.pause()
        assert [row[3] for row in table.rows] == ["Huddle", "September review", "June review"]
        screen.query_one("#history-search", Input).value = "school"
        found = lambda: [(row[1], row[2]) for row in screen.query_one("#history-hits").rows]  # noqa: E731
        await until(pilot, lambda: found() == [("September review", "What went right")])
        assert found() == [("September review", "What went right")]


def test_history_reads_nothing_again_until_the_store_changes(store, library, clock):
    _history(store, library, clock)
    index = HistoryIndex(store).refresh()
    assert len(index) == 3
    # Nothing recorded since: not one file is looked at again.
    index.refresh()
    assert (index.from_cache, index.from_files) == (0, 0)
    # One contribution recorded: that session (only) is read again, and its words are found.
    running = next(f for f in index.entries() if f.title == "Huddle")
    say(store, store.load_session(running.id), clock, "the-story", "Grandad drove her to contact")
    index.refresh()
    assert index.from_files == 1
    assert index.search("grandad")[1] == 1


async def test_history_screen_is_kept_with_its_filters_and_shows_new_sessions(store, library, clock):
    _history(store, library, clock)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        first = app.screen
        assert isinstance(first, HistoryScreen)
        first.query_one("#hf-team", Input).value = "foster"
        await until(pilot, lambda: len(first.query_one("#history-sessions").rows) == 2)
        await pilot.press("escape")
        await pilot.pause()
        # A session ends while the history is closed ...
        reviewed_session(store, library, clock, team="Fostering", date=dt.date(2026, 11, 2), title="November review")
        await pilot.press("h")
        await pilot.pause()
        # ... the same screen comes back, still filtered to the team, with the new session in its list.
        assert app.screen is first
        assert first.query_one("#hf-team", Input).value == "foster"
        rows = [row[3] for row in first.query_one("#history-sessions").rows]
        assert rows == ["November review", "Huddle", "September review"]


async def test_history_screen_says_what_stops_a_search_finding_anything(store, library, clock):
    """Dates the wrong way round are pointed out; a search the filters leave nothing to is said to be narrowed by
    them; a long query is shortened in what the screen says; and the keys a box takes as text are not offered."""
    from facilitator.tui.widgets.key_bar import KeyBar

    _history(store, library, clock)
    extra = new_session(store, library.get("quick-success-huddle"), clock, team="Duty", title="Extra",
                        date=dt.date(2026, 10, 6))
    say(store, extra, clock, "the-story", "Mum and the school met")
    app = build_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        said = lambda: str(screen.query_one("#history-status", Static).render())  # noqa: E731
        offered = lambda: {k.description for k in screen.query_one(KeyBar).keys()[0]}  # noqa: E731
        assert {"Search", "Filter"} <= offered()  # the list has the focus
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(screen.focused, Input)
        assert not {"Search", "Filter"} & offered()  # / and f would be typed into the box
        screen.query_one("#hf-from", Input).value = "2026-10-01"
        screen.query_one("#hf-to", Input).value = "2026-06-30"
        assert await until(pilot, lambda: "is after To" in said())
        assert said() == ("From 2026-10-01 is after To 2026-06-30: give the first day in From and the last in To, "
                          "or clear one of them.")
        screen.query_one("#hf-to", Input).value = ""
        screen.query_one("#history-search", Input).value = "kitchen"  # said in June only
        assert await until(pilot, lambda: "No contribution" in said())
        assert said() == "No contribution matches “kitchen” in the sessions the filters keep."
        screen.query_one("#hf-from", Input).value = ""
        long = "kitchen table " * 20
        screen.query_one("#history-search", Input).value = long
        assert await until(pilot, lambda: said().startswith("1 contribution matches"))
        assert "“kitchen table kitchen table kitchen table kitchen table…” in 1 session" in said(), said()
        # Signs alone: nothing was looked for, and it says so (it said "No contribution matches “*”").
        screen.query_one("#history-search", Input).value = '*"('
        assert await until(pilot, lambda: "Nothing to search for" in said())
        assert said() == "Nothing to search for in “*\"(”: type a word or a number."
        # "AND" alone is the word "and" (left out between words, it left nothing to look for).
        screen.query_one("#history-search", Input).value = "AND"
        assert await until(pilot, lambda: "match" in said() and "AND" in said())
        assert said().startswith("1 contribution matches “AND”"), said()


async def searched(pilot, query: str, count: int):  # noqa: ANN001, ANN201 - the hits' VirtualTable
    """h on the home screen, the history read, ``query`` searched: the hits' table once it lists ``count``."""
    await pilot.press("h")
    await wait_ready(pilot)
    pilot.app.screen.query_one("#history-search", Input).value = query
    await pilot.press("slash", "enter")
    hits = pilot.app.screen.query_one("#history-hits")
    assert await until(pilot, lambda: hits.display and hits.row_count == count)
    return hits


async def test_a_search_hit_opens_its_session_at_the_hit_marked_and_quickly(store, library, clock):
    """Enter on a hit opens the session's record at the hit's phase, with the hit marked: the one the cursor was
    on, when earlier contributions in the phase say the same. Before, it opened at the top of the record (the hit
    80 lines down)."""
    session = new_session(store, library.get("serious-success-review"), clock, title="Long review",
                          team="Fostering", date=dt.date(2026, 9, 1))
    for n in range(60):
        say(store, session, clock, "what-went-right", f"Visit {n} went to plan, with the family's own words recorded")
    session = store.load_session(session.id)
    for text in ("Ask Jayden's school for the morning plan", "Ask the nurse", "Ask Jayden's school for the morning plan"):
        say(store, session, clock, "learning-actions", text, fields={"owner": "Priya", "due": "2026-10-01"})
    store.update_session(store.load_session(session.id), redactions={"Jayden": "Child A"})
    for size in ((160, 45), (80, 24)):
        app = build_app(store, clock)
        async with app.run_test(size=size) as pilot:
            await searched(pilot, "morning plan", 2)
            await pilot.press("down")  # the second hit: the second action that says so
            await pilot.press("enter")
            assert await until(pilot, lambda: isinstance(app.screen, SessionViewScreen))
            await pilot.pause()
            view = app.screen.query_one("#view-record", RecordView)
            # The marked lines are the third action (A3), names replaced as in the record, and on screen.
            assert "A3" in view.marked_text and "Child A's school" in view.marked_text and "Jayden" not in view.source
            top = int(view.scroll_offset.y)
            assert top <= view._marked.start and view._marked.stop <= top + view.size.height
            assert top > 60  # past the 60 contributions of What went right
            await pilot.press("escape", "escape")


async def test_the_team_filter_finds_a_team_typed_without_its_accents(store, library, clock):
    """"equipe" finds "Équipe Enfance Nord" (search did; the team filter compared the letters as typed)."""
    reviewed_session(store, library, clock, team="Équipe Enfance Nord", title="Retour à l'école")
    reviewed_session(store, library, clock, team="Fostering", title="Placement")
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("h")
        await wait_ready(pilot)
        screen = app.screen
        table = screen.query_one("#history-sessions")
        screen.query_one("#hf-team", Input).value = "equipe enfance"
        assert await until(pilot, lambda: [row[3] for row in table.rows] == ["Retour à l'école"])
        screen.query_one("#hf-team", Input).value = "ÉQUIPE"
        assert await until(pilot, lambda: [row[3] for row in table.rows] == ["Retour à l'école"])


async def test_a_hit_shows_its_matched_word_in_the_room_the_table_gives_it(store, library, clock):
    """At 80 columns the words column is about 24 characters: the snippet is cut to it around the match, so the
    word found is in sight (a snippet cut for a wider column lost its end, the matched word with it)."""
    long = ("We went over the plan with everyone around the table, twice, and in the end asked the school nurse "
            "to come to the next meeting as well")
    reviewed_session(store, library, clock, went_right=long, title="Long words")
    for size in ((80, 24), (160, 45)):
        app = build_app(store, clock)
        async with app.run_test(size=size) as pilot:
            hits = await searched(pilot, "nurse", 1)
            words = hits.rows[0][3]
            assert "nurse" in words.plain and len(words.plain) <= hits.column_width(3)
            assert any(words.plain[span.start:span.end] == "nurse" for span in words.spans)
            await pilot.press("escape")


async def search_again(pilot, box: Input) -> None:  # noqa: ANN001
    """Enter in the search box, as typed after looking at the hits (the box given the focus first)."""
    box.focus()
    await pilot.press("enter")


async def test_search_finds_a_word_said_in_a_contributions_fields_and_shows_them_after_its_text(store, library, clock):
    """A strength's evidence, a turning point's "done differently" and an action's owner are searched as its text
    is, with the names list applied, and the hit shows them after the text, the word found marked. Before, a word
    said only in a field was found nowhere ("attendance" below: No contribution matches)."""
    session = new_session(store, library.get("serious-success-review"), clock, title="Attendance review",
                          team="Fostering", date=dt.date(2026, 9, 1))
    say(store, session, clock, "strengths-evidence", "Kept going when the family said no",
        fields={"evidence": "Jayden's school attendance went up to 96%", "skill": "persistence"})
    say(store, session, clock, "turning-points", "The first home visit",
        fields={"when": "March", "changed": "ring the headteacher before the visit"})
    say(store, session, clock, "learning-actions", "Share the attendance plan", fields={"owner": "Priya Shah", "due": "2026-10-01"})
    store.update_session(store.load_session(session.id), redactions={"Jayden": "Child A"})
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        hits = await searched(pilot, "96%", 1)
        words = hits.rows[0][3]
        assert words.plain.startswith(
            "Kept going when the family said no — evidence: Child A's school attendance went up to 96%; practice sk"
        )
        assert [words.plain[span.start:span.end] for span in words.spans if "underline" in str(span.style)] == ["96"]
        box = app.screen.query_one("#history-search", Input)
        for query, count, shown in (
            ("headteacher", 1, "The first home visit — when: March; done differently: ring the headteacher before the visit"),
            ("priya", 1, "Share the attendance plan — owner: Priya Shah"),
            ("attendance", 2, "Share the attendance plan — owner: Priya Shah"),  # (its text; the strength's evidence)
            ("kept going attendance", 1, "Kept going when the family said no"),  # one word in the text, one in a field
        ):
            box.value = query
            await search_again(pilot, box)
            assert await until(pilot, lambda: hits.row_count == count and any(
                row[3].plain.startswith(shown) for row in hits.rows)), (query, [row[3].plain for row in hits.rows])
        # The name typed in the evidence is in no hit, and finds nothing.
        assert not any("Jayden" in row[3].plain for row in hits.rows)
        box.value = "jayden"
        await search_again(pilot, box)
        status = app.screen.query_one("#history-status", Static)
        assert await until(pilot, lambda: "No contribution matches" in str(status.render()))
        # Enter on a hit found in a field opens the record at that contribution.
        box.value = "headteacher"
        await search_again(pilot, box)
        assert await until(pilot, lambda: hits.row_count == 1 and "headteacher" in hits.rows[0][3].plain)
        hits.focus()
        await pilot.press("enter")
        assert await until(pilot, lambda: isinstance(app.screen, SessionViewScreen))
        await pilot.pause()
        assert "The first home visit" in app.screen.query_one("#view-record", RecordView).marked_text


async def test_at_80_columns_a_long_template_name_in_the_filter_keeps_to_one_line(store, library, clock):
    """"Learning from excellence" chosen in the template filter at 80 columns wrapped to two lines ("Learning from" /
    "excellence"), and the filters pushed the lists down: it is cut to one line, its start in sight."""
    from textual.widgets import Select

    reviewed_session(store, library, clock, title="Placement")
    session = new_session(store, library.get("learning-from-excellence"), clock, title="Night shift", team="Fostering")
    say(store, session, clock, next(p.id for p in session.template.phases), "The duty team stayed late")
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await wait_ready(pilot)
        select = app.screen.query_one("#hf-template", Select)
        before = select.region.height
        select.value = "learning-from-excellence"
        await pilot.pause()
        table = app.screen.query_one("#history-sessions")
        assert await until(pilot, lambda: [row[3] for row in table.rows] == ["Night shift"])
        assert select.region.height == before, (before, select.region)
        label = str(select.query_one("SelectCurrent").query_one("#label").render())
        assert label.startswith("Learning fro") and "\n" not in label.strip(), label
