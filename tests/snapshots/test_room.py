"""What the room sees while a session runs: each phase kind, projector mode, the timer over time, a chosen
contribution, and the facilitator-only and breather screens; at 80x24 and at projector size 160x45.

The clock does not move (FixedClock(step=0)) and the timer is paused in every snapshot, so nothing ticks.
Review each new or changed SVG (pytest --snapshot-update, then look at it) before accepting it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from facilitator.session_ops import go_to_phase, record_contribution, start_session
from facilitator.store.prefs import write_prefs
from tests.conftest import FixedClock, build_app

from tests.snapshots.conftest import SIZES
PEOPLE = ["Sam Patel", "Priya", "Team manager"]


def still() -> FixedClock:
    return FixedClock(step=dt.timedelta(0))




def at_phase(store, library, template_id: str, phase_id: str, said: list[tuple[str, str | None, dict]], **session):
    clock = FixedClock()
    template = library.get(template_id)
    s = start_session(
        store, template, clock=clock, title="Returning to school", team="Family Support 2", facilitator="Jo Lead",
        participants=PEOPLE, ground_rules_agreed=True, **session,
    )
    s = go_to_phase(store, s, template.phase_index(phase_id))
    for text, speaker, extra in said:
        record_contribution(store, s, text, speaker, clock, **extra)
    return s


KINDS = {
    "discussion": (
        "serious-success-review",
        "what-went-right",
        [
            ("Visits at Grandmother's kitchen table, where Mother felt safe.", "Sam Patel", {"starred": True}),
            ("Something said that was flagged: never shown.", "Priya", {"safeguarding": True}),
            ("The worker always rang back the same day.", "Priya", {"tags": ["care and empathy"]}),
        ],
    ),
    "strengths": (
        "serious-success-review",
        "strengths-evidence",
        [("Child focus", "Sam Patel", {"fields": {"evidence": "her words in every plan", "skill": "child focus"}})],
    ),
    "timeline": (
        "serious-success-review",
        "turning-points",
        [("Attendance dropped", None, {"fields": {"when": "Month 3", "changed": "asked about mornings"}})],
    ),
    "actions": (
        "serious-success-review",
        "learning-actions",
        [("Share the plan", None, {"fields": {"owner": "Priya", "due": "2026-12-15", "tell": "whole team"}})],
    ),
    "scale": (
        "signs-of-safety-group-supervision",
        "scaling",
        [("Dad is engaging", "Sam Patel", {"fields": {"rating": "6"}})],
    ),
    "round": ("quick-success-huddle", "thanks", [("Thanks all", "Sam Patel", {})]),
}


class TestPhaseKinds:
    @pytest.mark.parametrize("kind", list(KINDS))
    @pytest.mark.parametrize("size", SIZES)
    def test_kind(self, snap_compare, snap_store, library, kind, size):
        template_id, phase_id, said = KINDS[kind]
        session = at_phase(snap_store, library, template_id, phase_id, said)
        assert snap_compare(build_app(snap_store, still(), open_session_id=session.id), terminal_size=size)


class TestProjector:
    @pytest.mark.parametrize("size", SIZES)
    def test_projector_mode(self, snap_compare, snap_store, library, size):
        template_id, phase_id, said = KINDS["discussion"]
        session = at_phase(snap_store, library, template_id, phase_id, said)
        write_prefs(snap_store.data_dir, projector=True)
        assert snap_compare(build_app(snap_store, still(), open_session_id=session.id), terminal_size=size)

    @pytest.mark.parametrize("size", SIZES)
    def test_projector_over_time(self, snap_compare, snap_store, library, size):
        template_id, phase_id, said = KINDS["discussion"]
        session = at_phase(snap_store, library, template_id, phase_id, said)
        snap_store.update_session(session, phase_seconds={phase_id: 17 * 60 + 5})  # 15 minutes planned
        write_prefs(snap_store.data_dir, projector=True)
        assert snap_compare(build_app(snap_store, still(), open_session_id=session.id), terminal_size=size)

    @pytest.mark.parametrize("size", SIZES)
    def test_projector_over_time_running(self, snap_compare, snap_store, library, size):
        """The timer running over time: the label ("⚠ OVER TIME by 2:05 · running") on one line and all three rows
        of the large digits (at 160x45 the label wrapped and the digits lost their bottom row). The clock stands
        still, so the running timer shows the same each second."""
        template_id, phase_id, said = KINDS["discussion"]
        session = at_phase(snap_store, library, template_id, phase_id, said)
        snap_store.update_session(session, phase_seconds={phase_id: 17 * 60 + 5})  # 15 minutes planned
        write_prefs(snap_store.data_dir, projector=True)
        assert snap_compare(build_app(snap_store, still(), open_session_id=session.id), terminal_size=size,
                            press=["ctrl+t"])

    @pytest.mark.parametrize("size", SIZES)
    def test_over_time(self, snap_compare, snap_store, library, size):
        template_id, phase_id, said = KINDS["discussion"]
        session = at_phase(snap_store, library, template_id, phase_id, said)
        snap_store.update_session(session, phase_seconds={phase_id: 17 * 60 + 5})
        assert snap_compare(build_app(snap_store, still(), open_session_id=session.id), terminal_size=size)


class TestRoomScreens:
    @pytest.mark.parametrize("size", SIZES)
    def test_chosen_contribution(self, snap_compare, snap_store, library, size):
        template_id, phase_id, said = KINDS["discussion"]
        session = at_phase(snap_store, library, template_id, phase_id, said)
        app = build_app(snap_store, still(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, press=["up", "up"])

    @pytest.mark.parametrize("size", SIZES)
    def test_editing_an_action(self, snap_compare, snap_store, library, size):
        """e on an action: its text, owner, due (with the date it means) and who hears, and who said it."""
        template_id, phase_id, said = KINDS["actions"]
        session = at_phase(snap_store, library, template_id, phase_id, said)
        app = build_app(snap_store, still(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, press=["up", "e"])

    @pytest.mark.parametrize("size", SIZES)
    def test_personal_details_check(self, snap_compare, snap_store, library, size):
        """ctrl+e, enter: the likely personal details listed before the final record, with the warning to blank
        the projector first."""
        session = at_phase(snap_store, library, "serious-success-review", "case-story",
                           [("Mum's mobile is 07700 900123; she lives at LS1 4AP", "Sam Patel", {})])
        app = build_app(snap_store, still(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, press=["ctrl+e", "enter"])

    @pytest.mark.parametrize("size", SIZES)
    def test_safeguarding_gate(self, snap_compare, snap_store, library, size):
        template_id, phase_id, said = KINDS["discussion"]
        session = at_phase(snap_store, library, template_id, phase_id, said)
        app = build_app(snap_store, still(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, press=["f6"])

    def test_pause_screen(self, snap_compare, snap_store, library):
        template_id, phase_id, said = KINDS["discussion"]
        session = at_phase(snap_store, library, template_id, phase_id, said)
        write_prefs(snap_store.data_dir, projector=True)
        app = build_app(snap_store, still(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=(160, 45), press=["f4"])


def closing(store, library):
    """A Serious Success Review at its last phase, with a highlight, a strength, two actions and a flagged concern."""
    clock = FixedClock()
    template = library.get("serious-success-review")
    s = start_session(
        store, template, clock=clock, title="Returning to school", team="Family Support 2", facilitator="Jo Lead",
        participants=PEOPLE, ground_rules_agreed=True,
    )
    for phase_id, text, speaker, extra in [
        ("case-story", "Referral came from school: Child A missing days.", "Sam Patel", {}),
        *[("what-went-right", t, sp, ex) for t, sp, ex in KINDS["discussion"][2]],
        ("strengths-evidence", "Child focus", "Sam Patel", {"fields": {"evidence": "her words in every plan", "skill": "child focus"}}),
        ("learning-actions", "Share the one-plan approach with schools", None,
         {"fields": {"owner": "Priya", "due": "2026-12-15", "tell": "whole team"}}),
        ("learning-actions", "Write to the head teacher", None, {"fields": {"owner": "Jo Lead"}}),
    ]:
        s.current_phase = template.phase_index(phase_id)
        record_contribution(store, s, text, speaker, clock, **extra)
    return go_to_phase(store, store.load_session(s.id), template.phase_index("close"))


class TestRoomViews:
    @pytest.mark.parametrize("size", SIZES)
    def test_whole_session(self, snap_compare, snap_store, library, size):
        session = closing(snap_store, library)
        app = build_app(snap_store, still(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, press=["f8"])

    @pytest.mark.parametrize("size", SIZES)
    def test_read_back(self, snap_compare, snap_store, library, size):
        session = closing(snap_store, library)
        app = build_app(snap_store, still(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, press=["ctrl+n"])

    @pytest.mark.parametrize("size", SIZES)
    def test_end_offers_read_back(self, snap_compare, snap_store, library, size):
        session = closing(snap_store, library)
        app = build_app(snap_store, still(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, press=["ctrl+e"])

    @pytest.mark.parametrize("size", SIZES)
    def test_projector_actions(self, snap_compare, snap_store, library, size):
        template_id, phase_id, said = KINDS["actions"]
        session = at_phase(snap_store, library, template_id, phase_id, said)
        write_prefs(snap_store.data_dir, projector=True)
        assert snap_compare(build_app(snap_store, still(), open_session_id=session.id), terminal_size=size)

    @pytest.mark.parametrize("size", SIZES)
    def test_projector_chosen(self, snap_compare, snap_store, library, size):
        """Choosing a contribution in the room view: the key bar shows what can be done to it."""
        template_id, phase_id, said = KINDS["discussion"]
        session = at_phase(snap_store, library, template_id, phase_id, said)
        write_prefs(snap_store.data_dir, projector=True)
        app = build_app(snap_store, still(), open_session_id=session.id)
        assert snap_compare(app, terminal_size=size, press=["up"])
