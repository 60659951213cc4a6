"""Setup remembers teams: it suggests the teams already used (one spelling), and fills the facilitator and
participants from that team's last session, editable."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Static

from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.screens.setup import SetupScreen
from tests.conftest import build_app
from tests.record.helpers import end, new_session
from tests.learning.helpers import wait_ready


async def set_up_with_team_box(pilot):  # noqa: ANN001, ANN201
    """Enter on the home screen's first template; the set-up screen, its team box focused."""
    from tests.conftest import until

    await pilot.press("enter")
    # (the templates are validated at the first enter: under load, more than one pause before the screen is up)
    await until(pilot, lambda: isinstance(pilot.app.screen, SetupScreen) and bool(pilot.app.screen.query("#team")))
    screen = pilot.app.screen
    if isinstance(screen, SetupScreen):
        screen.query_one("#team", Input).focus()
    return screen


async def test_a_team_typed_in_another_case_is_the_team_used_before_with_its_people(store, clock, library):
    ssr = library.get("serious-success-review")
    older = new_session(store, ssr, clock, date=dt.date(2026, 9, 1), facilitator="Old Lead", participants=["Ann"])
    end(store, older, clock)
    last = new_session(store, ssr, clock, date=dt.date(2026, 10, 1), participants=["Sam Patel", "Priya"])
    end(store, last, clock)
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await set_up_with_team_box(pilot)
        assert isinstance(screen, SetupScreen)
        await pilot.press(*"family support 2")
        await pilot.pause()
        assert screen.query_one("#facilitator", Input).value == "Jo Lead"
        assert screen.query_one("#participants", Input).value == "Sam Patel, Priya"
        assert "last session 1 Oct 2026" in str(screen.query_one("#team-note", Static).render())
        screen.query_one("#participants", Input).value = "Sam Patel, Priya, Kim"  # editable
        screen.query_one("#agreed").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        session = app.screen.session
    assert session.team == "Family Support 2"
    assert session.facilitator == "Jo Lead" and session.participants == ["Sam Patel", "Priya", "Kim"]


async def test_enter_on_the_start_of_a_team_takes_the_team_suggested(store, clock, library):
    end(store, new_session(store, library.get("quick-success-huddle"), clock, team="Fostering"), clock)
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        team = screen.query_one("#team", Input)
        team.focus()
        await pilot.press(*"fos")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert team.value == "Fostering"
        assert screen.query_one("#facilitator", Input).value == "Jo Lead"


def test_two_spellings_of_a_team_are_one_team_in_the_digest(store, clock, library, data_dir, tmp_path):
    from facilitator.cli import main
    from tests.learning.helpers import reviewed_session
    from tests.record.helpers import split_record

    reviewed_session(store, library, clock, team="Family support 2", date=dt.date(2026, 9, 1))
    reviewed_session(store, library, clock, team="Family Support 2", date=dt.date(2026, 10, 1))
    store.close()
    out = tmp_path / "digest.md"
    assert main(["--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                 "--out", str(out)]) == 0
    meta, body = split_record(out.read_text(encoding="utf-8"))
    assert meta["teams"] == ["Family Support 2"]  # the newest spelling
    assert "**Teams:** Family Support 2 (2)" in body


async def test_two_spellings_of_a_team_show_as_one_on_the_actions_screen(store, clock, library):
    from tests.learning.helpers import reviewed_session

    reviewed_session(store, library, clock, team="family support 2", date=dt.date(2026, 9, 1), action="Older")
    reviewed_session(store, library, clock, team="Family Support 2", date=dt.date(2026, 10, 1), action="Newer")
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("a")
        await wait_ready(pilot)
        assert {row[3] for row in app.screen.table.rows} == {"Family Support 2"}


async def _filled(pilot, screen, facilitator: str) -> bool:
    for _ in range(100):
        if screen.query_one("#facilitator", Input).value == facilitator:
            return True
        await pilot.pause(0.05)
    return False


async def test_with_a_long_history_the_teams_come_from_a_thread_and_follow_the_sessions_held_since(
    store, clock, library, monkeypatch
):
    from facilitator.tui.screens import setup

    monkeypatch.setattr(setup, "FEW_SESSIONS", 0)  # as with more than 2,000 sessions: worked out in a thread
    huddle = library.get("quick-success-huddle")
    end(store, new_session(store, huddle, clock, team="Fostering"), clock)
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await set_up_with_team_box(pilot)
        assert isinstance(screen, SetupScreen)
        await pilot.press(*"fostering")  # typed at once: filled when the teams are known
        assert await _filled(pilot, screen, "Jo Lead")
        await pilot.press("escape", "escape")  # (the first says that what is typed would not be kept)
        await pilot.pause()
        # A session held since, for a team not seen before: the set-up screen knows it next time.
        end(store, new_session(store, huddle, clock, team="Adoption", facilitator="Kim Lead"), clock)
        screen = await set_up_with_team_box(pilot)
        assert isinstance(screen, SetupScreen)
        await pilot.press(*"adoption")
        assert await _filled(pilot, screen, "Kim Lead")
        assert "Adoption: last session" in str(screen.query_one("#team-note", Static).render())


async def test_an_attendee_whose_name_is_on_the_last_sessions_names_list_is_not_filled_in(store, clock, library):
    """A grandmother who came to the team's last session ("Mrs O'Neil", with "O'Neil -> Family D" on its list, so its
    record says "Mrs Family D") was filled into the next session's participants as typed, on the room's screen, and
    reached that session's drafts. The form leaves her out and says one attendee was left out, without the name."""
    from facilitator.session_ops import set_redactions

    ssr = library.get("serious-success-review")
    last = new_session(store, ssr, clock, date=dt.date(2026, 10, 1), participants=["Sam Patel", "Mrs O'Neil", "Priya"])
    last = set_redactions(store, last, {"O'Neil": "Family D"})
    end(store, last, clock)
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await set_up_with_team_box(pilot)
        await pilot.press(*"family support 2")
        await pilot.pause()
        assert screen.query_one("#participants", Input).value == "Sam Patel, Priya"
        note = str(screen.query_one("#team-note", Static).render())
        assert "Left out: 1 attendee whose name is on its names list." in note and "Neil" not in note
