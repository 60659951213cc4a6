"""A session holding contributions in a phase its template no longer has (written by another version of facilitator,
phase ids renamed since): the app says so where it opens the session (resumed, or read back from the history), in one
sentence saying how many and that they are in the record, and the whole-session screen lists them."""

from __future__ import annotations

from textual.widgets import Static

from facilitator.session_ops import end_session, set_redactions
from facilitator.tui.screens.history import HistoryScreen, SessionViewScreen
from facilitator.tui.widgets.record_view import RecordView
from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.screens.whole_session import WholeSessionScreen
from tests.conftest import build_app, until
from tests.privacy.helpers import leaks, screen_texts
from tests.record.helpers import new_session, say
from tests.record.test_no_phase import HEADING, move_into_a_phase_the_template_lacks

NAMES = {"Jayden": "Child A"}
MOVED = ["Jayden said he felt heard at last.", "Ring the GP before the review."]
CONCERN = "The uncle was at the house again."
KEPT = "Visits at the kitchen table."


async def _from_the_session_screen(pilot, key: str, screen_type) -> None:  # noqa: ANN001
    """Once the app shows the session screen, ``key`` pressed there, until ``screen_type`` is shown."""
    app = pilot.app
    assert await until(pilot, lambda: isinstance(app.screen, SessionScreen))
    await pilot.press(key)
    assert await until(pilot, lambda: isinstance(app.screen, screen_type))


def _session(store, ssr, clock, data_dir, ended: bool):  # noqa: ANN001, ANN202
    session = new_session(store, ssr, clock, title="Visit review: Jayden")
    session = set_redactions(store, session, NAMES)
    say(store, session, clock, "case-story", KEPT, "Sam")
    say(store, session, clock, "case-story", MOVED[0], "Priya")
    say(store, session, clock, "case-story", CONCERN, "Priya", safeguarding=True)
    say(store, session, clock, "learning-actions", MOVED[1], "Sam", fields={"owner": "Sam"})
    if ended:
        session, _ = end_session(store, store.load_session(session.id), clock)
    store.close()
    move_into_a_phase_the_template_lacks(data_dir, session.id, [*MOVED, CONCERN], "visits")
    return session


def _told(app) -> list[str]:  # noqa: ANN001
    return [n.message for n in app._notifications]


async def test_a_resumed_session_says_how_many_contributions_are_in_no_phase_and_lists_them(ssr, clock, data_dir):
    from facilitator.store import Store

    session = _session(Store(data_dir, clock=clock).open(), ssr, clock, data_dir, ended=False)
    store = Store(data_dir, clock=clock).open()
    app = build_app(store, clock, open_session_id=session.id)  # as `facilitator resume ID` opens it
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            assert await until(pilot, lambda: isinstance(app.screen, SessionScreen))
            told = [m for m in _told(app) if "no longer has" in m]
            # Two: the safeguarding concern moved with them is not counted on the projector.
            assert told == [
                "2 contributions of this session were recorded in a phase its template no longer has, so no phase "
                f"shows them; they are in the record, under “{HEADING}”."
            ]
            await pilot.press("f8")
            assert await until(pilot, lambda: isinstance(app.screen, WholeSessionScreen))
            shown = "\n".join(screen_texts(app))
            assert HEADING in shown
            assert all(text in shown for text in [*MOVED, KEPT])
            assert "uncle" not in shown
    finally:
        store.close()


async def test_a_session_without_them_says_nothing_of_it(store, ssr, clock, data_dir):
    session = new_session(store, ssr, clock, title="Visit review")
    say(store, session, clock, "case-story", KEPT, "Sam")
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        assert await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.pause()
        assert not [m for m in _told(app) if "no longer has" in m]
        await pilot.press("f8")
        assert await until(pilot, lambda: isinstance(app.screen, WholeSessionScreen))
        assert HEADING not in "\n".join(screen_texts(app))


async def test_the_history_reads_back_an_ended_session_with_them_in_its_record(ssr, clock, data_dir):
    from facilitator.store import Store

    _session(Store(data_dir, clock=clock).open(), ssr, clock, data_dir, ended=True)
    store = Store(data_dir, clock=clock).open()
    app = build_app(store, clock)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.press("h")
            assert await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            table = app.screen.query_one("#history-sessions")
            assert await until(pilot, lambda: table.row_count == 1)
            table.focus()
            await pilot.press("enter")
            assert await until(pilot, lambda: isinstance(app.screen, SessionViewScreen))
            record = app.screen.query_one("#view-record", RecordView).source
            assert HEADING in record and "Child A said he felt heard at last." in record and MOVED[1] in record
            assert "uncle" not in record and not leaks(record, NAMES)
            status = str(app.screen.query_one("#view-status", Static).render())
            assert status.startswith("2 contributions of this session were recorded in a phase its template no longer has")
    finally:
        store.close()


async def test_the_read_back_lists_an_action_in_no_phase_after_the_others_as_the_record_numbers_it(ssr, clock, data_dir):
    """f9, the closing read-back: an action recorded in a phase the template lacks (told by its owner) is read back
    with the others, numbered as the record numbers it; a starred contribution there is a highlight, named by the
    record's section, and one with evidence a strength; a safeguarding concern with an owner is not read back."""
    from facilitator.store import Store
    from facilitator.tui.screens.read_back import ReadBackScreen

    store = Store(data_dir, clock=clock).open()
    session = new_session(store, ssr, clock, title="Visit review")
    say(store, session, clock, "learning-actions", "Share the plan at the team meeting.", "Sam", fields={"owner": "Priya"})
    say(store, session, clock, "learning-actions", "Ring the GP before the review.", "Sam",
        fields={"owner": "Sam Jones", "due": "2026-12-01", "tell": "the team"})
    say(store, session, clock, "case-story", "They felt heard at last.", "Priya", starred=True)
    say(store, session, clock, "strengths-evidence", "Patience with the family.", "Sam",
        fields={"evidence": "the mother said so", "skill": "curiosity"})
    say(store, session, clock, "learning-actions", CONCERN, "Priya", safeguarding=True, fields={"owner": "UNIQUE-OWNER"})
    store.close()
    move_into_a_phase_the_template_lacks(data_dir, session.id, [
        "Ring the GP before the review.", "They felt heard at last.", "Patience with the family.", CONCERN
    ], "visits")
    store = Store(data_dir, clock=clock).open()
    app = build_app(store, clock, open_session_id=session.id)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await _from_the_session_screen(pilot, "f9", ReadBackScreen)
            shown = "\n".join(screen_texts(app))
            assert "Learning actions (2)" in shown
            lines = shown.splitlines()
            first = next(line for line in lines if "Share the plan" in line)
            second = next(line for line in lines if "Ring the GP before the review." in line)
            assert "A1" in first and "Priya" in first
            assert "A2" in second and "Sam Jones" in second and "2026-12-01" in second and "the team" in second
            assert "Highlights (1)" in shown and f"They felt heard at last.  (Priya)  · {HEADING}" in shown
            assert "Strengths and their evidence (1)" in shown and "the mother said so" in shown
            assert "UNIQUE" not in shown and "uncle" not in shown
    finally:
        store.close()


async def test_ending_such_a_session_counts_them_apart_from_the_templates_phases(ssr, clock, data_dir):
    """The end confirmation counts the phases of the template the contributions were recorded in, and says how many
    are in a phase the template no longer has and where the record puts them (it said "in 2 of 7 phases" of a session
    whose contributions were in one of its phases and in one it no longer has); the ended screen lists them under the
    record's heading for them, after the template's phases."""
    from facilitator.store import Store
    from facilitator.tui.screens.dialogs import EndConfirmScreen, EndedScreen

    session = _session(Store(data_dir, clock=clock).open(), ssr, clock, data_dir, ended=False)
    store = Store(data_dir, clock=clock).open()
    app = build_app(store, clock, open_session_id=session.id)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await _from_the_session_screen(pilot, "ctrl+e", EndConfirmScreen)
            asked = " ".join(str(w.render()) for w in app.screen.query(Static))
            assert (
                "3 contributions recorded: 1 in 1 of 7 phases, and 2 in a phase the template no longer has "
                f"(in the record under “{HEADING}”)." in asked
            ), asked
            await pilot.press("enter")  # the ended screen counts them too, under the record's heading for them
            assert await until(pilot, lambda: isinstance(app.screen, EndedScreen))
            summary = str(app.screen.query_one("#ended-summary", Static).render())
            assert f"{HEADING:<32}   2 recorded" in summary, summary
    finally:
        store.close()
