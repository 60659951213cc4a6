"""A session left running (ctrl+q) has its actions reviewed in the team's next session's follow-up round; the action is
then flagged as a safeguarding concern in its own session, and a name in another one is put on that session's names
list. The next session's record (`facilitator export`, and the final record when it ends) shows neither: the
follow-up table lists the actions as their own sessions hold them when the record is written, not as the round
copied them."""

from __future__ import annotations

import datetime as dt

from facilitator.learning.history import HistoryIndex
from facilitator.models import ActionStatus
from facilitator.session_ops import end_session, go_to_phase, record_contribution, set_redactions, start_session
from facilitator.store.actions import change_status, note_left_as_they_stand
from tests.learning.helpers import load_actions

from .helpers import export, leaks, readings

CONCERN = "Check on dad's violence at home"


def _two_sessions(store, library, clock):  # noqa: ANN001, ANN202
    """The first session (running) with three actions; the second, whose round changed two and left the third."""
    first = start_session(store, library.get("quick-success-huddle"), clock=clock, title="First huddle", team="T1",
                          facilitator="Jo", participants=["Sam", "Priya"], ground_rules_agreed=True)
    index = first.template.phase_index("actions")
    first.current_phase = go_to_phase(store, first, index).current_phase
    for text in (CONCERN, "Ring Mia's school about Mia", "Ask Mia's aunt to the review"):
        record_contribution(store, first, text, "Sam", clock, fields={"owner": "Sam"})
    second = start_session(store, library.get("quick-success-huddle"), clock=clock, title="Second huddle", team="T1",
                           facilitator="Jo", participants=["Sam", "Priya"], ground_rules_agreed=True)
    actions = [a for a in load_actions(store, HistoryIndex(store).refresh().facts()) if a.session_id == first.id]
    by_text = {a.text: a for a in actions}
    second = change_status(store, by_text[CONCERN], ActionStatus.in_progress, dt.date(2026, 12, 2), "went",
                           session=second).session
    second = change_status(store, by_text["Ring Mia's school about Mia"], ActionStatus.in_progress,
                           dt.date(2026, 12, 2), "Mia back at school", session=second).session
    second = note_left_as_they_stand(store, second, [by_text["Ask Mia's aunt to the review"]], dt.date(2026, 12, 2))
    return store.load_session(first.id), second


def test_an_action_flagged_in_its_own_session_after_the_round_is_in_no_record_of_the_round(
    store, library, clock, data_dir, tmp_path,
):
    first, second = _two_sessions(store, library, clock)
    before = export(data_dir, second.id, "md", tmp_path).decode()
    assert CONCERN in before and "Mia back at school" in before and "Ask Mia's aunt" in before  # what the round did

    concern = next(c for c in first.contributions if c.text == CONCERN)
    store.edit_contribution(first, concern.id, safeguarding=True)
    set_redactions(store, store.load_session(first.id), {"Mia": "Child M"})

    for fmt in ("md", "html", "docx"):
        for reading in readings(fmt, export(data_dir, second.id, fmt, tmp_path)):
            assert "violence" not in reading and not leaks(reading, ["Mia"]), (fmt, reading[:2000])
    draft = export(data_dir, second.id, "md", tmp_path).decode()
    assert "Child M back at school" in draft and "Ring Child M's school" in draft and "Ask Child M's aunt" in draft

    ended, path = end_session(store, store.load_session(second.id), clock)
    final = path.read_text(encoding="utf-8")
    assert "violence" not in final and not leaks(final, ["Mia"])
    assert "Child M back at school" in final


async def test_flagging_an_action_rewrites_the_final_record_of_a_later_session_that_listed_it(
    store, library, clock, data_dir, tmp_path,
):
    """The later session ended before the action was flagged in its own session: its final record (and the HTML
    exported beside it) listed the concern. Flagging it (!, enter) writes them again without it, and says so."""
    from facilitator.cli import main
    from tests.conftest import build_app, until

    first, second = _two_sessions(store, library, clock)
    _, record = end_session(store, store.load_session(second.id), clock)
    assert main(["--data-dir", str(data_dir), "export", second.id, "--format", "html"]) == 0
    html = record.with_suffix(".html")
    assert CONCERN in record.read_text(encoding="utf-8") and "violence" in html.read_text(encoding="utf-8")

    app = build_app(store, clock, open_session_id=first.id)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("up", "up", "up", "exclamation_mark")
        await pilot.pause()
        await pilot.press("enter")  # yes, flag it
        assert await until(pilot, lambda: "violence" not in record.read_text(encoding="utf-8"))
        assert "violence" not in html.read_text(encoding="utf-8")
        assert await until(pilot, lambda: any(n.title == "Later records written again" for n in app._notifications))
        assert "Ring Mia's school about Mia" in record.read_text(encoding="utf-8")  # the rest as it was
