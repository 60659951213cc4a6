"""Contributions recorded in a phase the session's template no longer has (a session file written by another version
of facilitator, phase ids renamed since) count in the history as the record shows them in its closing section: their
words are found by the history's search (the hit names that section as its phase), an action among them (told by its
owner) is on the actions screen and in the team's follow-up round numbered as the record numbers it, a strength, tag
or rating among them is counted by the themes, and `facilitator digest` shows them. The names list is applied and a
safeguarding concern stays out, as everywhere."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input, Static

from facilitator.session_ops import set_redactions, start_session
from facilitator.store import Store
from facilitator.tui.screens.actions import ActionsScreen, FollowUpScreen
from facilitator.tui.screens.history import HistoryScreen
from facilitator.tui.screens.themes import ThemesScreen
from tests.conftest import build_app, until
from tests.privacy.helpers import digest, export, leaks, screen_texts
from tests.record.helpers import end, new_session, say
from tests.record.test_no_phase import HEADING, move_into_a_phase_the_template_lacks

from .helpers import wait_ready

TEAM = "Family Support 2"
NAMES = {"Jayden": "Child A"}
IN_PHASE_ACTION = "Share the plan at the team meeting."
#: said in phases the template has, then moved (by another version's file) into "jayden-visits"
HEARD = "Jayden said he felt heard at last."
ACTION = "Ring Jayden's GP before the review."
STRENGTH = "Patience with Jayden's mother."
RATED = "Safer at home than in the spring."
CONCERN = "UNIQUE-CONCERN: the uncle was at the house again."
MOVED = [HEARD, ACTION, STRENGTH, RATED, CONCERN]


def _session(data_dir: Path, ssr, clock) -> str:  # noqa: ANN001
    """An ended session of TEAM with an action in its actions phase (A1), then, moved into a phase its template
    lacks: a starred and tagged contribution, an action with an owner (A2 in the record), a strength with its
    evidence and skill, a rating and a safeguarding concern with an owner of its own."""
    store = Store(data_dir, clock=clock).open()
    session = new_session(store, ssr, clock, title="Visit review", team=TEAM, date=dt.date(2026, 11, 20))
    session = set_redactions(store, session, NAMES)
    say(store, session, clock, "case-story", "Visits at the kitchen table.", "Sam")
    say(store, session, clock, "case-story", HEARD, "Priya", starred=True, tags=["voice of Jayden"])
    say(store, session, clock, "case-story", STRENGTH, "Sam",
        fields={"evidence": "Jayden's mother said so", "skill": "curiosity"})
    say(store, session, clock, "case-story", RATED, "Sam", fields={"rating": "7"})
    say(store, session, clock, "case-story", CONCERN, "Priya", safeguarding=True, starred=True,
        fields={"owner": "UNIQUE-OWNER", "evidence": "UNIQUE-EVIDENCE"}, tags=["UNIQUE-TAG"])
    say(store, session, clock, "learning-actions", IN_PHASE_ACTION, "Sam", fields={"owner": "Priya", "due": "2026-12-15"})
    say(store, session, clock, "learning-actions", ACTION, "Sam", fields={"owner": "Sam Jones", "due": "2026-12-01"})
    session, _ = end(store, store.load_session(session.id), clock)
    store.close()
    move_into_a_phase_the_template_lacks(data_dir, session.id, MOVED, "jayden-visits")
    return session.id


def _shown(app) -> str:  # noqa: ANN001
    return "\n".join(screen_texts(app))


async def test_search_actions_and_themes_count_them_as_the_record_shows_them(ssr, clock, data_dir, tmp_path):
    session_id = _session(data_dir, ssr, clock)
    md = export(data_dir, session_id, "md", tmp_path).decode()
    section = md.split(f"## {HEADING}", 1)[1].split("\n## ", 1)[0]
    assert "- **A2** **Sam:** Ring Child A's GP before the review." in section  # the record's number for it

    store = Store(data_dir, clock=clock).open()
    app = build_app(store, clock)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.press("h")
            assert await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.ready)
            box = app.screen.query_one("#history-search", Input)
            box.focus()
            screen = app.screen
            status = lambda: str(screen.query_one("#history-status", Static).render())  # noqa: E731
            hits = lambda: [(row[1], row[2], row[3].plain) for row in screen.query_one("#history-hits").rows]  # noqa: E731
            box.value = "heard"
            assert await until(pilot, lambda: len(hits()) == 1)
            # The hit names its phase as the record does: the closing section's heading.
            assert hits() == [("Visit review", HEADING, "Child A said he felt heard at last.")]
            for word in ("uncle", "UNIQUE"):  # a safeguarding concern is found by no search
                box.value = word
                assert await until(pilot, lambda: f"No contribution matches “{word}”" in status()), status()
            box.value = "GP"
            assert await until(pilot, lambda: len(hits()) == 1)
            assert hits() == [("Visit review", HEADING, "Ring Child A's GP before the review. — owner: Sam Jones")]  # its owner after it
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, HistoryScreen))

            await pilot.press("a")
            await wait_ready(pilot)
            assert isinstance(app.screen, ActionsScreen)
            rows = {row[2]: row for row in app.screen.query_one("#actions-table").rows}  # owner, agreed, action, ...
            assert set(rows) == {IN_PHASE_ACTION, "Ring Child A's GP before the review."}
            shown = _shown(app)
            # Numbered as the record numbers it: after the action of the actions phase.
            assert "A2, 20 Nov 2026" in shown and "A1, 20 Nov 2026" in shown
            assert "Sam Jones" in shown and "UNIQUE" not in shown and not leaks(shown, NAMES)
            await pilot.press("escape")
            await pilot.pause()

            await pilot.press("t")
            await wait_ready(pilot)
            assert isinstance(app.screen, ThemesScreen)
            shown = _shown(app)
            assert "curiosity" in shown and "voice of Child A" in shown and "Patience with Child A" in shown
            assert "UNIQUE" not in shown and not leaks(shown, NAMES)
            await pilot.press("w")  # the themes written to a file, every count in it
            await pilot.pause()
            written = str(app.screen.query_one("#themes-status", Static).render()).removeprefix("Written: ").strip()
            themes = Path(written).read_text(encoding="utf-8")
            assert "| curiosity | 1 | 1 |" in themes and "| voice of Child A | 1 | 1 |" in themes
            assert "| Patience with Child A's mother. | 1 |" in themes and "The strength was backed by evidence." in themes
            assert "| Nov 2026 | 2 |" in themes  # both actions opened
            assert "| Nov 2026 | 1 | 7.0 |" in themes  # the rating
            assert "UNIQUE" not in themes and not leaks(themes, NAMES)
    finally:
        store.close()


async def test_the_teams_follow_up_round_lists_their_action(ssr, library, clock, data_dir):
    _session(data_dir, ssr, clock)
    store = Store(data_dir, clock=clock).open()
    session = start_session(store, library.get("quick-success-huddle"), clock=clock, title="Huddle", team=TEAM)
    app = build_app(store, clock, open_session_id=session.id, follow_up=True)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await wait_ready(pilot)
            assert isinstance(app.screen, FollowUpScreen)
            rows = [row[0] for row in app.screen.query_one("#actions-table").rows]
            assert sorted(rows) == sorted([IN_PHASE_ACTION, "Ring Child A's GP before the review."])
            shown = _shown(app)
            assert "A2, 20 Nov 2026" in shown and "UNIQUE" not in shown and not leaks(shown, NAMES)
    finally:
        store.close()


def test_facilitator_digest_shows_them_as_the_record_does(ssr, clock, data_dir, tmp_path):
    _session(data_dir, ssr, clock)
    text = digest(data_dir, tmp_path)
    assert "Child A said he felt heard at last." in text  # starred: what went right
    assert "Patience with Child A's mother." in text and "curiosity" in text  # a strength, evidenced
    assert "Ring Child A's GP before the review." in text and "A2" in text  # the action, as the record numbers it
    assert "UNIQUE" not in text and "uncle" not in text
    assert not leaks(text, NAMES)


def test_the_digest_of_a_records_folder_reads_them_from_the_records_closing_section(ssr, clock, data_dir, tmp_path):
    """`facilitator digest --records FOLDER` (another team's exported records): the action and the strength in the
    record's section of contributions in a phase the template lacks count as in the data folder's digest."""
    from facilitator.cli import main
    from tests.conftest import FixedClock

    session_id = _session(data_dir, ssr, clock)
    records = tmp_path / "records"
    records.mkdir()
    (records / "visit.md").write_bytes(export(data_dir, session_id, "md", tmp_path))
    out = tmp_path / "digest.md"
    assert main(["digest", "--since", "2026-01-01", "--until", "2026-12-31", "--records", str(records),
                 "--out", str(out)], clock=FixedClock()) == 0
    from_records = out.read_text(encoding="utf-8")
    actions = from_records.split("## Learning actions and their progress", 1)[1].split("\n## ", 1)[0]
    assert "Ring Child A's GP before the review." in actions and "A2" in actions and "2026-12-01" in actions
    assert "Share the plan at the team meeting." in actions
    strengths = from_records.split("## Strengths evidenced", 1)[1].split("\n## ", 1)[0]
    assert "The strength claimed was backed by evidence." in strengths
    assert "Patience with Child A's mother." in strengths and "curiosity" in strengths
    assert "Child A said he felt heard at last." in from_records  # a highlight: what went right
    assert "UNIQUE" not in from_records and not leaks(from_records, NAMES)
