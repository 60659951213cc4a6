"""A team named after a family ("Jayden's family group") whose sessions list "Jayden -> Child A": the name never
reaches the projector or a group output, wherever the team is shown: the actions screen (a), the themes screen (t),
the history list (h), the follow-up round of the team's next session, `facilitator digest` and `facilitator export`."""

from __future__ import annotations

from facilitator.session_ops import end_session, go_to_phase, record_contribution, set_redactions, start_session
from facilitator.tui.screens.actions import ActionsScreen, FollowUpScreen
from facilitator.tui.screens.history import HistoryScreen
from facilitator.tui.screens.themes import ThemesScreen
from tests.conftest import build_app, until
from tests.learning.helpers import wait_ready

from .helpers import assert_no_leaks, assert_screen_clean, digest, export_all

NAMES = {"Jayden": "Child A"}
TEAM = "Jayden's family group"
SHOWN_TEAM = "Child A's family group"


def _sessions(store, library, clock, team=TEAM):  # noqa: ANN001, ANN202
    """Two ended sessions of the team, each with the names list, an action, a strength and what went right."""
    ended = []
    for title, action in (("Visit review", "Ring the school"), ("Second review", "Book the family room")):
        session = start_session(store, library.get("serious-success-review"), clock=clock, title=title, team=team,
                                facilitator="Jo", participants=["Sam", "Priya"], ground_rules_agreed=True)
        session = set_redactions(store, session, NAMES)

        def say(phase_id: str, text: str, **extra) -> None:  # noqa: ANN003
            index = session.template.phase_index(phase_id)
            if session.current_phase != index:
                session.current_phase = go_to_phase(store, session, index).current_phase
            record_contribution(store, session, text, "Sam", clock, **extra)

        say("what-went-right", "Listening at the kitchen table", tags=["listening"])
        say("strengths-evidence", "Patience", fields={"evidence": "the plan says so"})
        say("learning-actions", action, fields={"owner": "Sam", "due": "2026-12-01"})
        ended.append(end_session(store, store.load_session(session.id), clock)[0])
    return ended


async def test_a_team_holding_a_listed_name_is_shown_with_it_replaced_everywhere(store, library, clock, data_dir, tmp_path):
    first, _ = _sessions(store, library, clock)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        for key, screen_type, where in (("a", ActionsScreen, "actions"), ("t", ThemesScreen, "themes"),
                                        ("h", HistoryScreen, "history")):
            await pilot.press(key)
            assert await until(pilot, lambda: isinstance(app.screen, screen_type))
            await wait_ready(pilot)
            if where == "history":
                table = app.screen.query_one("#history-sessions")
                assert await until(pilot, lambda: table.row_count == 2)
            shown = assert_screen_clean(app, NAMES, where)
            if where != "themes":  # (the themes screen names no team unless one is chosen)
                assert SHOWN_TEAM in shown, where
            await pilot.press("escape")
            assert await until(pilot, lambda: not isinstance(app.screen, screen_type))

    # The team's next session, as `facilitator new --team` opens it (no names list of its own yet): its follow-up
    # round of the team's open actions, found though the history holds the team by its name as the lists show it.
    session = start_session(store, library.get("quick-success-huddle"), clock=clock, title="Huddle", team=TEAM)
    app = build_app(store, clock, open_session_id=session.id, follow_up=True)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(pilot)
        assert isinstance(app.screen, FollowUpScreen)
        shown = assert_screen_clean(app, NAMES, "follow-up")
        assert f"Follow-up: open learning actions of {SHOWN_TEAM}" in shown
        assert "Ring the school" in shown and "Book the family room" in shown
    set_redactions(store, store.load_session(session.id), NAMES)  # its list, as the facilitator adds it in the session
    store.close()

    out = tmp_path / "out"
    out.mkdir()
    outputs = {f"export:{fmt}": data for fmt, data in export_all(data_dir, first.id, out).items()}
    outputs["digest:md"] = digest(data_dir, out, "md")
    outputs["digest:html"] = digest(data_dir, out, "html")
    assert_no_leaks(outputs, NAMES)
    assert SHOWN_TEAM in outputs["export:md"].decode() and SHOWN_TEAM in outputs["digest:md"]


async def test_the_set_up_screen_suggests_and_starts_the_team_as_the_history_shows_it(store, library, clock):
    """The set-up screen is on the projector: typing the team's first letters suggests it as the history shows it,
    never as typed before, and the session started is that team's, with its follow-up round."""
    from textual.widgets import Input, Static

    _sessions(store, library, clock)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(pilot)
        await pilot.press("enter")  # the first template's set-up
        assert await until(pilot, lambda: type(app.screen).__name__ == "SetupScreen")
        box = app.screen.query_one("#team", Input)
        box.focus()
        await pilot.press("j")  # as the team was first typed: nothing suggested
        await pilot.pause(0.2)
        assert_screen_clean(app, NAMES, "set-up, j typed")
        await pilot.press("backspace", "c")  # as the history shows it: suggested, then taken
        await pilot.pause(0.2)
        shown = assert_screen_clean(app, NAMES, "set-up, c typed")
        assert SHOWN_TEAM[1:] in shown
        await pilot.press("right")
        await pilot.pause(0.2)
        assert box.value == SHOWN_TEAM
        note = str(app.screen.query_one("#team-note", Static).render())
        assert note.startswith(f"{SHOWN_TEAM}: last session")
        app.screen.query_one("#agreed").value = True
        await app.screen.run_action("start")
        await wait_ready(pilot)
        assert isinstance(app.screen, FollowUpScreen)
        assert app.screen.session.team == SHOWN_TEAM
        shown = assert_screen_clean(app, NAMES, "follow-up")
        assert "Ring the school" in shown and "Book the family room" in shown


async def test_enter_takes_a_suggested_team_whose_name_holds_a_listed_name(store, library, clock):
    """"Kin" typed for "Kinship team – Jayden's carers": the team was suggested as the history shows it, but enter
    left "Kin" (a new team, with no follow-up round), as the team was known under both spellings; the right arrow
    took it."""
    from textual.widgets import Input

    _sessions(store, library, clock, team="Kinship team – Jayden's carers")
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(pilot)
        await pilot.press("enter")
        assert await until(pilot, lambda: type(app.screen).__name__ == "SetupScreen")
        box = app.screen.query_one("#team", Input)
        box.focus()
        await pilot.press(*"kin")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert box.value == "Kinship team – Child A's carers"
        assert_screen_clean(app, NAMES, "set-up, enter on the suggestion")


def test_the_digest_of_a_team_holding_a_listed_name_is_asked_for_and_named_as_the_team_is_shown(
    store, library, clock, data_dir, tmp_path, capsys,
):
    """`facilitator digest --team` named the teams there are as typed ("Jayden's family group") when given one there
    is not, refused the name every screen shows ("Child A's family group"), and given the name as typed wrote a digest
    titled with it that counted none of the team's sessions. Either spelling now gives the team's digest, named as
    shown, and the teams are listed as shown."""
    from facilitator.cli import main
    from facilitator.record.markdown import split_record

    _sessions(store, library, clock)
    store.close()
    for asked in (SHOWN_TEAM, TEAM, TEAM.upper()):
        out = tmp_path / f"{len(asked)}-{asked[:3]}.md"
        code = main(["--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                     "--team", asked, "--out", str(out)])
        assert code == 0, capsys.readouterr().err
        text = out.read_text(encoding="utf-8")
        assert_no_leaks({"digest:md": text}, NAMES)
        meta, body = split_record(text)
        assert meta["team"] == SHOWN_TEAM and body.lstrip().split("\n")[0].endswith(f": {SHOWN_TEAM}"), text[:600]
        assert "sessions: 2" in text, text[:600]
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--team", "nope"]) != 0
    err = capsys.readouterr().err
    assert err.strip() == f"facilitator: No session was ever held for a team called 'nope'; the teams are: {SHOWN_TEAM}."
