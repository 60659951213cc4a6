"""The screens the room sees (learning actions, themes and their written file, history search, the follow-up
round) show no name on a session's list, whatever field it was typed in; a two-word name split across two
contributions breaks none of them. Each screen is the real app under Pilot."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from facilitator.session_ops import record_contribution, set_redactions, start_session
from facilitator.tui.screens.actions import ActionsScreen, FollowUpScreen
from facilitator.tui.screens.history import HistoryScreen
from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.screens.themes import ThemesScreen
from tests.conftest import build_app

from .helpers import FIELDS, assert_screen_clean, export_all, assert_no_leaks, session_with
from tests.learning.helpers import wait_ready

NAMES = {"Jayden": "Child A", "Zoë Smith": "Mother", "Mary Ann": "Aunt"}
SPELLED = ["Jayden", "ZOE\u0308 SMITH", "Ｊａｙｄｅｎ", "Zo\u200bë Smith", "Jay\u00adden", "Mary\u2060 Ann"]


def _spell(field: str) -> str:
    return "Blue" if field == "team" else SPELLED[FIELDS.index(field) % len(SPELLED)]


def _with_split_name(store, library, clock):  # noqa: ANN001, ANN201
    """An ended session of team "Team Blue" with names in every field, and "... Mary" / "Ann ..." said in
    two contributions of its actions phase and of its strengths phase."""
    from facilitator.session_ops import end_session, go_to_phase

    session = session_with(store, library, clock, _spell, NAMES, end=False)
    for phase_id in ("strengths-evidence", "learning-actions"):  # the actions last: the texts of the end of the session
        session.current_phase = go_to_phase(store, session, session.template.phase_index(phase_id)).current_phase
        record_contribution(store, session, "Talked with Mary", "Sam", clock, fields={"owner": "Sam", "evidence": "notes"})
        record_contribution(store, session, "Ann came too", "Sam", clock, fields={"owner": "Sam", "evidence": "notes"})
    session, _ = end_session(store, store.load_session(session.id), clock)
    return session


async def _themes_clean(pilot, app) -> None:  # noqa: ANN001
    """t: the themes screen, with the strength the sessions gave, and no listed name."""
    await pilot.press("t")
    await wait_ready(pilot)
    assert isinstance(app.screen, ThemesScreen)
    shown = assert_screen_clean(app, NAMES, "themes")
    assert "Patience with" in shown


async def _searched_clean(pilot, app, query: str) -> str:  # noqa: ANN001
    """The history screen's search for ``query``: what it shows, with no listed name."""
    box = app.screen.query_one("#history-search", Input)
    box.focus()
    box.value = query
    await pilot.press("enter")
    await pilot.pause()
    return assert_screen_clean(app, NAMES, f"history search for {query!r}")


async def test_actions_themes_and_history_screens_show_no_listed_name(store, library, clock, data_dir):
    _with_split_name(store, library, clock)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("a")
        await wait_ready(pilot)
        assert isinstance(app.screen, ActionsScreen)
        shown = assert_screen_clean(app, NAMES, "actions")
        assert "Ring Mother's school" in shown and "when Mother is back" in shown and "Talked with Mary" in shown
        table = app.screen.query_one("#actions-table")
        table.cursor_row = next(n for n, r in enumerate(table.rows) if r[2] == "Ring Mother's school")
        await pilot.press("enter")  # the action's history, with its status note
        await pilot.pause()
        history = str(app.screen.query_one("#action-history", Static).render())
        assert "waiting for" in history
        assert_screen_clean(app, NAMES, "action's history")
        await pilot.press("escape", "escape")  # the action shown whole put away, then the screen
        await pilot.pause()

        await _themes_clean(pilot, app)
        await pilot.press("w")
        await pilot.pause()
        written = str(app.screen.query_one("#themes-status", Static).render()).removeprefix("Written: ").strip()
        assert_no_leaks({"themes file:md": Path(written).read_text(encoding="utf-8")}, NAMES)
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert_screen_clean(app, NAMES, "history")
        for query in ("school", "Child", "Mary", "Ann"):
            shown = await _searched_clean(pilot, app, query)
        assert "Ann came too" in shown
        await pilot.press("enter")  # the session of the hit, read-only
        await pilot.pause()
        assert type(app.screen).__name__ == "SessionViewScreen"
        assert app.screen.title == "Review of Child A"
        assert_screen_clean(app, NAMES, "session view")


async def test_the_follow_up_round_and_its_table_in_the_next_record(store, library, clock, data_dir, tmp_path):
    agreed = _with_split_name(store, library, clock)
    # The team's next session, opened as `facilitator new --team "Team Blue"` opens it, with its own list.
    next_names = {"Kayla": "Child B"}
    session = start_session(store, library.get("quick-success-huddle"), clock=clock, title="Huddle", team="Team Blue")
    session = set_redactions(store, session, next_names)
    app = build_app(store, clock, open_session_id=session.id, follow_up=True)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(pilot)
        assert isinstance(app.screen, FollowUpScreen)
        shown = assert_screen_clean(app, NAMES, "follow-up")
        assert "Ring Mother's school" in shown and "Talked with Mary" in shown
        row = next(n for n, r in enumerate(app.screen.query_one("#actions-table").rows) if r[0] == "Ring Mother's school")
        app.screen.query_one("#actions-table").cursor_row = row
        app.screen.query_one("#action-note", Input).value = "until Kayla and Jayden are back"
        await pilot.press("x")  # dropped, with that note: proposed first
        await pilot.pause()
        await pilot.press("enter")  # saved
        await pilot.pause()
        status = str(app.screen.query_one("#actions-status", Static).render())
        assert "dropped (until Child B and Child A are back)" in status
        assert_screen_clean(app, {**NAMES, **next_names}, "follow-up, after the change")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    store.close()

    # The round added the earlier session's names list to this session's (its own entries stand), so this
    # session's record, which lists the change and its note, replaces both.
    from facilitator.store import Store

    again = Store(data_dir, clock=clock).open()
    assert again.load_session(session.id).redactions == {**next_names, **NAMES}
    again.close()
    outputs = {f"export:{fmt}": data for fmt, data in export_all(data_dir, session.id, tmp_path).items()}
    assert_no_leaks(outputs, {**NAMES, **next_names})
    md = outputs["export:md"].decode()
    follow_up = md.split("## Action follow-up", 1)[1].split("## Highlights", 1)[0]
    assert "Ring Mother's school" in follow_up and "until Child B and Child A are back" in follow_up

    # The action register of the session the action was agreed in, exported again: its latest note has the names
    # list of the round that made it applied too ("Kayla" is listed only there; the CSV showed it).
    (tmp_path / "agreed").mkdir()
    register = export_all(data_dir, agreed.id, tmp_path / "agreed")["csv"]
    assert_no_leaks({"export:csv": register}, {**NAMES, **next_names})
    assert "until Child B and Child A are back" in register.decode("utf-8-sig")


def test_facilitator_new_with_the_team_opens_its_follow_up_round(store, library, clock, data_dir):
    """`facilitator new --team`, run as a user runs it: the app it builds opens on the follow-up round."""
    import asyncio

    from facilitator.cli import main
    from tests.conftest import FixedClock

    _with_split_name(store, library, clock)
    store.close()
    seen: list[str] = []

    async def drive(app) -> None:  # noqa: ANN001
        async with app.run_test(size=(160, 45)) as pilot:
            await wait_ready(pilot)
            seen.append(type(app.screen).__name__)
            seen.append(assert_screen_clean(app, NAMES, "follow-up"))
            await pilot.press("escape")  # skip the round: the session opens
            await pilot.pause()
            seen.append(type(app.screen).__name__)

    argv = ["--data-dir", str(data_dir), "new", "--template", "quick-success-huddle", "--team", "Team Blue", "--title", "Huddle"]
    assert main(argv, clock=FixedClock(), run=lambda app: asyncio.run(drive(app))) == 0
    assert seen[0] == "FollowUpScreen" and "Talked with Mary" in seen[1] and seen[2] == "SessionScreen"


async def test_the_history_list_shows_no_title_as_typed_while_the_history_is_read(store, library, clock, monkeypatch):
    """A long history is listed at once from the store's index, before the sessions' names lists are read:
    titles and teams wait until they are."""
    import threading

    import facilitator.tui.screens.history as history_screen

    _with_split_name(store, library, clock)
    monkeypatch.setattr(history_screen, "READ_NOW", 0)  # as with thousands of sessions
    go_on = threading.Event()
    reading = history_screen.HistoryScreen._read_history

    def held(screen) -> None:  # noqa: ANN001
        go_on.wait(10)
        reading(screen)

    monkeypatch.setattr(history_screen.HistoryScreen, "_read_history", held)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen) and not screen.ready
        assert screen.query_one("#history-sessions").row_count == 1
        assert_screen_clean(app, NAMES, "history, while it is read")
        go_on.set()
        for _ in range(200):
            if screen.ready:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert [row[3] for row in screen.query_one("#history-sessions").rows] == ["Review of Child A"]
        assert_screen_clean(app, NAMES, "history")


async def test_the_home_screen_lists_sessions_with_their_names_list_applied(store, library, clock, data_dir):
    """The home screen is the first thing on the projector: its session lists show no listed name, for
    sessions running and ended, and for entries an older version wrote without the title as shown."""
    import orjson

    from facilitator.store import Store
    from facilitator.tui.screens.home import HomeScreen

    ended = session_with(store, library, clock, _spell, NAMES)
    running = session_with(store, library, clock, _spell, NAMES, end=False)
    assert "Jayden" in ended.title or "Ｊａｙｄｅｎ" in ended.title or "Jay" in ended.title
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#recent").option_count == 1
        assert app.screen.query_one("#unfinished").option_count == 1
        shown = assert_screen_clean(app, NAMES, "home")
        assert "Review of Child A" in shown or "Review of Mother" in shown or "Review of Aunt" in shown, shown
        app.screen.query_one("#recent").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert_screen_clean(app, NAMES, "home, a recent session chosen")
    store.close()

    # An index as an older version wrote it: no title as shown. The next start adds it for the newest.
    index = data_dir / "index.json"
    tables = orjson.loads(index.read_bytes())
    for doc in tables["sessions"].values():
        doc.pop("shown_title", None)
        doc.pop("shown_team", None)
    index.write_bytes(orjson.dumps(tables))
    again = Store(data_dir, clock=clock).open()
    try:
        app = build_app(again, clock)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            assert app.screen.query_one("#recent").option_count == 1
            assert_screen_clean(app, NAMES, "home, after an older version's index")
    finally:
        again.close()
    assert running.id


async def test_the_session_header_shows_the_title_with_the_names_list_applied(store, library, clock, data_dir):
    """The header is on the projector all session long: the title as shown, on the session screen, the whole
    session (f8) and the read-back (f9), and again at once when the names list changes."""
    from facilitator.tui.screens.read_back import ReadBackScreen
    from facilitator.tui.screens.whole_session import WholeSessionScreen

    template = library.get("serious-success-review")
    session = start_session(store, template, clock=clock, title="Returning to school: Jayden", team="Blue",
                            ground_rules_agreed=True)
    session = set_redactions(store, session, {"Jayden": "Child A"})
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        app.open_session(store.load_session(session.id))
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)

        def header() -> str:
            return "\n".join(s.text for s in app.screen._compositor.render_strips()[:1])

        assert "Returning to school: Child A" in header() and "Jayden" not in header(), header()
        for key, kind in (("f8", WholeSessionScreen), ("f9", ReadBackScreen)):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, kind)
            assert "Child A" in header() and "Jayden" not in header(), (key, header())
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        from facilitator.tui.screens.redaction import edit_names

        screen = app.screen
        edit_names(app, screen)
        await pilot.pause()
        app.screen.dismiss({"Jayden": "Child A", "school": "a place"})
        await pilot.pause()
        assert app.screen is screen
        assert "Returning to a place: Child A" in header(), header()


async def test_the_ended_screen_header_shows_the_title_with_the_names_list_applied(store, library, clock):
    """The screen that says the record is written stays on the projector while the room packs up."""
    from facilitator.tui.screens.dialogs import EndedScreen

    template = library.get("serious-success-review")
    session = start_session(store, template, clock=clock, title="Returning to school: Jayden", team="Blue",
                            ground_rules_agreed=True)
    session = set_redactions(store, session, NAMES)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        app.open_session(store.load_session(session.id))
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EndedScreen)
        header = "\n".join(s.text for s in app.screen._compositor.render_strips()[:1])
        assert "Returning to school: Child A" in header, header
        assert_screen_clean(app, NAMES, "session ended")


async def test_a_repair_said_at_start_names_the_session_with_its_names_list_applied(store, library, clock, data_dir):
    """What the start-up checks repaired is said on the home screen, which may be on the projector."""
    from facilitator.session_ops import end_session
    from facilitator.store import Store

    template = library.get("serious-success-review")
    session = start_session(store, template, clock=clock, title="Returning to school: Jayden", team="Blue",
                            ground_rules_agreed=True)
    session = set_redactions(store, session, NAMES)
    record_contribution(store, session, "Kept to every visit.", None, clock)
    end_session(store, session, clock)
    store.close()
    damaged = data_dir / "sessions" / f"{session.id}.json"
    damaged.write_bytes(damaged.read_bytes()[:-10])

    again = Store(data_dir, clock=clock).open()
    try:
        (notice,) = again.notices
        assert "“Returning to school: Child A”" in notice and "Jayden" not in notice, notice
        app = build_app(again, clock)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            shown = str(app.screen.query_one("#home-notices", Static).render()).replace("\n", " ")
            assert "could not be read" in shown, shown
            assert_screen_clean(app, NAMES, "home, after a repair")
    finally:
        again.close()


async def test_a_name_with_a_control_character_inside_it_in_stored_data_is_replaced_on_every_screen(
    store, library, clock, data_dir
):
    """A file made by hand, or recorded before control characters were stripped as typed: "Jay\\x01den" shows as
    "Jayden" (the control character is not drawn), so it is replaced as "Jayden" is."""
    hidden = ["Jay\x01den", "Zo\x7fë Smith", "Mary\x1f Ann"]
    session_with(store, library, clock, lambda field: "Blue" if field == "team" else hidden[FIELDS.index(field) % 3],
                 NAMES)
    raw = (data_dir / "sessions").glob("*.json")
    assert any("Jay\\u0001den" in path.read_text(encoding="utf-8") for path in raw)  # stored as it came
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        for key, where in (("a", "actions"), ("t", "themes"), ("h", "history")):
            await pilot.press(key)
            await wait_ready(pilot)
            shown = assert_screen_clean(app, NAMES, where)
            if where == "actions":
                assert "Child A" in shown or "Mother" in shown or "Aunt" in shown
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        for query in ("school", "Child", "Mother"):
            box = app.screen.query_one("#history-search", Input)
            box.focus()
            box.value = query
            await pilot.press("enter")
            await pilot.pause()
            assert_screen_clean(app, NAMES, f"history search for {query!r}")


async def test_a_session_whose_contributions_are_in_no_phase_of_its_template_shows_no_listed_name(
    store, library, clock, data_dir
):
    """Names in every field, every contribution then moved into a phase the template lacks (a file from another
    version): the actions screen, the themes and the history's search show them, with the names list applied."""
    from facilitator.store import Store

    from .helpers import move_every_contribution_out_of_its_phase

    session = session_with(store, library, clock, _spell, NAMES)
    store.close()
    move_every_contribution_out_of_its_phase(data_dir, session.id, "visits-jayden")
    store = Store(data_dir, clock=clock).open()
    app = build_app(store, clock)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.press("a")
            await wait_ready(pilot)
            assert isinstance(app.screen, ActionsScreen)
            shown = assert_screen_clean(app, NAMES, "actions")
            assert "Ring Mother's school" in shown and "when Mother is back" in shown
            await pilot.press("escape")
            await pilot.pause()

            await _themes_clean(pilot, app)
            await pilot.press("escape")
            await pilot.pause()

            await pilot.press("h")
            await pilot.pause()
            assert isinstance(app.screen, HistoryScreen)
            for query in ("school", "Child", "Mother", "Patience"):
                shown = await _searched_clean(pilot, app, query)
                assert "Recorded in a phase this template no longer has" in shown, query  # the hits' phase
    finally:
        store.close()


async def test_the_home_screen_names_a_teams_template_with_the_list_applied(store, library, clock):
    """The home screen is projected before a session starts, and listed a session's template by its name as
    written ("Review for Jayden") under its title, which has the list applied."""
    from facilitator.models import Template
    from facilitator.session_ops import end_session

    base = library.get("quick-success-huddle").model_dump()
    base["name"], base["id"] = "Review for Jayden", "jayden-check"
    session = start_session(store, Template.model_validate(base), clock=clock, title="Weekly", team="Team",
                            ground_rules_agreed=True)
    session = set_redactions(store, session, {"Jayden": "Child A"})
    end_session(store, session, clock)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        shown = assert_screen_clean(app, {"Jayden": "Child A"}, "home")
        assert "Review for Child A" in shown
