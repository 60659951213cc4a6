"""The room view: projector mode readable from the back of the room, the whole session on one screen,
the closing read-back before the session ends, and a key bar that keeps the keys of the moment at 80x24.
All through the real app under Pilot, as the facilitator uses it."""

from __future__ import annotations

from textual.widgets import Input, Static

from facilitator.session_ops import record_contribution
from facilitator.store.prefs import write_prefs
from facilitator.tui.screens.dialogs import EndConfirmScreen, EndedScreen
from facilitator.tui.screens.read_back import ReadBackScreen
from facilitator.tui.screens.whole_session import WholeSessionScreen
from facilitator.tui.widgets.contribution_list import ContributionList
from facilitator.tui.widgets.key_bar import KeyBar

from facilitator.session_ops import go_to_phase, start_session
from tests.conftest import build_app, screen_text

from .helpers import PEOPLE, palette, session_screen

SSR = "serious-success-review"


def filler(store, clock):
    return lambda session: fill(store, clock, session)


def fill(store, clock, session):
    """A session with something in most phases, a highlight, a strength, two actions and a flagged concern."""
    said = [
        ("case-story", "Referral came from school", "Sam Patel", {}),
        ("what-went-right", "The worker always rang back the same day", "Priya", {"starred": True}),
        ("what-went-right", "SECRET the neighbour's name and address", "Priya", {"safeguarding": True}),
        ("strengths-evidence", "Child focus", "Sam Patel", {"fields": {"evidence": "her words in every plan"}}),
        (
            "learning-actions", "Share the one-plan approach", None,
            {"fields": {"owner": "Priya", "due": "2026-12-15", "tell": "whole team"}},
        ),
        ("learning-actions", "Write to the head teacher", None, {"fields": {"owner": "Jo"}}),
    ]
    template = session.template
    for phase_id, text, speaker, extra in said:
        session.current_phase = template.phase_index(phase_id)
        record_contribution(store, session, text, speaker, clock, **extra)


def open_app(store, clock, template, phase_id, said=None):
    """A session at `phase_id`, with what `said(session)` records in it, open in the real app."""
    session = start_session(store, template, clock=clock, title="Room", participants=PEOPLE, ground_rules_agreed=True)
    if said is not None:
        said(session)
    session = go_to_phase(store, store.load_session(session.id), template.phase_index(phase_id))
    return session, build_app(store, clock, open_session_id=session.id)


# ------------------------------------------------------------------ projector mode


async def test_projector_mode_is_a_room_view_at_both_sizes(store, clock, library, data_dir):
    write_prefs(data_dir, projector=True)

    def said(session):
        session.current_phase = session.template.phase_index("what-went-right")
        for n in range(5):
            record_contribution(store, session, f"Contribution number {n + 1} from the room", "Priya", clock)

    session, app = open_app(store, clock, library.get(SSR), "what-went-right", said)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        screen = session_screen(pilot)
        title = screen.query_one("#phase-title")
        assert title.big(), "the phase title in large letters"
        drawn = screen_text(app)
        assert "┏━┓" in drawn and "What went right" not in drawn.split("\n")[0]
        prompt = screen.query_one("#phase-prompt")
        assert prompt.region.width >= 156, "the question uses the whole width"
        assert "What went well in this piece of work?" in drawn
        for hidden in ("Header", "#stepper", "#phase-guidance", "#speaker-hint"):
            assert screen.query_one(hidden).region.height == 0, f"{hidden} is not projected"
        columns = {item.region.x for item in screen.query_one(ContributionList).shown_contributions()}
        assert len(columns) == 3, "contributions in three columns at 160 wide"
        assert all(item.region.y > prompt.region.y for item in screen.query_one(ContributionList).shown_contributions())
        assert len(str(screen.query_one(KeyBar).render()).strip().splitlines()) == 1

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert len({item.region.x for item in screen.query_one(ContributionList).shown_contributions()}) == 2, "two columns at 80 wide"
        assert "What went well in this piece of work?" in screen_text(app).replace("\n  ", " ")


async def test_a_long_message_on_a_projector_is_read_whole(store, clock, library, data_dir):
    """In projector mode the status line was one row: flagging a concern said "... as a safeguarding concern:" at 80
    columns and never how to undo it or that it is to be passed on today. It takes the lines the message needs."""
    write_prefs(data_dir, projector=True)

    def said(session):
        session.current_phase = session.template.phase_index("what-went-right")
        record_contribution(store, session, "Worried about the nights at home and who stays over", None, clock)

    session, app = open_app(store, clock, library.get(SSR), "what-went-right", said)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert session_screen(pilot).has_class("-projector")
        await pilot.press("up", "exclamation_mark")
        await pilot.pause()
        await pilot.press("enter")  # yes, flag it
        await pilot.pause()
        drawn = " ".join(" ".join(screen_text(app).split("\n")).split())
        assert "Pass it on today" in drawn and "ctrl+z undoes" in drawn, drawn


async def test_projector_action_fields_keep_labels_and_fit_at_80x24(store, clock, library, data_dir):
    write_prefs(data_dir, projector=True)

    def said(session):
        session.current_phase = session.template.phase_index("learning-actions")
        record_contribution(
            store, session, "Share the plan", None, clock, fields={"owner": "Priya", "due": "2026-12-15", "tell": "whole team"}
        )

    session, app = open_app(store, clock, library.get(SSR), "learning-actions", said)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = session_screen(pilot)
        assert screen.has_class("-projector")
        for field, label in (("#kf-owner", "owner"), ("#kf-due", "due"), ("#kf-tell", "who hears")):
            widget = screen.query_one(field, Input)
            assert widget.border_title == label
            region = widget.region
            assert region.height == 3 and region.right <= 80 and region.bottom <= 23, f"{label} is on screen, whole"
        drawn = screen_text(app)
        assert "owner: Priya" in drawn and "due: 2026-12-15" in drawn and "who hears: whole team" in drawn
        assert "Learning actions" in drawn or screen.query_one("#phase-title").big()


async def test_a_title_the_font_cannot_draw_is_shown_plain(store, clock, library, data_dir):
    from facilitator.tui.projector import big_letters

    assert big_letters("Café’s story") is None, "never a title with letters missing"
    assert big_letters("What went right") is not None
    write_prefs(data_dir, projector=True)
    session, app = open_app(store, clock, library.get(SSR), "strengths-evidence")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        title = session_screen(pilot).query_one("#phase-title")
        # "Strengths and evidence" in large letters is 64 cells: wider than 80 less the timer.
        assert not title.big()
        assert "Strengths and evidence" in screen_text(app)


# ------------------------------------------------------------------ the whole session


async def test_whole_session_view_by_key_and_palette_never_shows_a_flagged_item(store, clock, library):
    session, app = open_app(store, clock, library.get(SSR), "what-went-right", filler(store, clock))
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        screen.query_one("#contribution", Input).value = "half a sentence"
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, WholeSessionScreen)
        texts = "\n".join(str(s.render()) for s in app.screen.query(Static))
        for words in ("Referral came from school", "The worker always rang back", "Child focus",
                      "her words in every plan", "Write to the head teacher", "7. Appreciation and close"):
            assert words in texts
        assert "SECRET" not in texts and "neighbour" not in texts
        assert "6 contributions" in texts or "5 contributions in 7 phases" in texts
        await pilot.press("end")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#contribution", Input).value == "half a sentence"
        await palette(pilot, "whole session")
        assert isinstance(app.screen, WholeSessionScreen)


# ------------------------------------------------------------------ the closing read-back


async def test_read_back_from_the_last_phase_then_ctrl_e_ends(store, clock, library):
    session, app = open_app(store, clock, library.get(SSR), "close", filler(store, clock))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ReadBackScreen), "ctrl+n on the last phase offers the read-back"
        drawn = screen_text(app)
        for words in ("Share the one-plan approach", "Priya", "2026-12-15", "whole team", "Write to the head teacher",
                      "to agree", "The worker always rang back the same day", "Child focus", "her words in every plan"):
            assert words in drawn, words
        assert "1 action has something still to agree" in " ".join(drawn.split())
        assert "SECRET" not in drawn
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, EndConfirmScreen)
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(20):
            if isinstance(app.screen, EndedScreen):
                break
            if app.screen.__class__.__name__.startswith("Redaction") or hasattr(app.screen, "identifiers"):
                await pilot.press("enter")
            await pilot.pause(0.1)
    assert store.load_session(session.id).status.value == "ended"


async def test_end_confirmation_offers_the_read_back_and_escape_keeps_the_session(store, clock, library):
    session, app = open_app(store, clock, library.get(SSR), "learning-actions", filler(store, clock))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = session_screen(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, EndConfirmScreen)
        assert "Press r for the closing read-back" in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReadBackScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await palette(pilot, "closing read-back")
        assert isinstance(app.screen, ReadBackScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+e")  # read back already: the confirmation does not ask as if it was not
        await pilot.pause()
        assert isinstance(app.screen, EndConfirmScreen)
        assert "Not read back yet" not in screen_text(app)
        assert "Read back already: r shows the closing read-back again." in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
    assert store.load_session(session.id).status.value == "running"


# ------------------------------------------------------------------ the key bar at 80x24


def bar(pilot) -> str:
    return str(pilot.app.screen.query_one(KeyBar).render())


async def test_key_bar_keeps_the_keys_of_the_moment_at_80x24(store, clock, library):

    def said(session):
        session.current_phase = session.template.phase_index("what-went-right")
        record_contribution(store, session, "Something said", "Priya", clock)

    session, app = open_app(store, clock, library.get(SSR), "what-went-right", said)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = bar(pilot)
        for key in ("Next phase", "Undo", "End", "Help", "palette"):
            assert key in line, key
        assert line.rstrip().endswith("palette") and "f1 Help" in line
        await pilot.press("up")
        await pilot.pause()
        line = bar(pilot)
        for key in ("Edit", "Delete", "Star", "Move", "Tag", "Safeguarding"):
            assert key in line, key
        await pilot.press("escape")
        for _ in range(4):
            await pilot.press("ctrl+n")
        await pilot.pause()
        assert session_screen(pilot).session.phase.id == "close"
        line = bar(pilot)
        for key in ("Read-back", "End", "Undo", "Help"):
            assert key in line, key
        assert "Next phase" not in line


async def test_the_row_of_steps_at_80_columns_shows_there_are_more_phases(store, clock, library):
    """A team's template of fifteen phases with a long first title, at 80 columns: the row of steps ended at 11 and
    phases 12 to 15 were missing without a sign. The current title is shortened, and a row cut short ends with …"""
    from facilitator.tui.widgets.stepper import Stepper

    from .helpers import open_app

    huddle = library.get("quick-success-huddle")
    first = huddle.phases[0]
    phases = [first.model_copy(update={"id": f"p{n}", "title": "Arriving – how are we all today, and what is on our minds?"
                                       if n == 0 else f"Phase {n}"}) for n in range(15)]
    many = huddle.model_copy(update={"id": "many-phases", "phases": phases})
    session, app = open_app(store, clock, many)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        row = str(app.screen.query_one(Stepper).render())
        assert len(row) <= 80
        assert row.startswith("Phase 1 of 15") and "▶ 1 Arriving" in row
        assert "15" in row.split("◀")[1] or row.rstrip().endswith("…"), row


async def test_the_row_of_steps_on_a_projector_names_the_phases_to_come_that_fit(store, clock, library):
    """Signs of Safety's seven phases at 160 columns: their names were a few columns too long, so the row showed
    only their numbers and the room could not see what came next. The names of the phases to come are shown, next
    first, as many as fit."""
    from facilitator.tui.widgets.stepper import Stepper

    from .helpers import open_app

    sos = library.get("signs-of-safety-group-supervision")
    session, app = open_app(store, clock, sos)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        row = str(app.screen.query_one(Stepper).render())
        assert len(row) <= 160, row
        assert "▶ 1 Roles and focus ◀" in row and "2 The case in brief" in row and "3 What are we worried about?" in row


async def test_projector_resized_shows_the_newest_and_is_drawn_as_at_its_new_size(store, clock, library, data_dir):
    """Seventeen contributions projected at 160x45 (all in view), the window then made 80x24: the room saw the
    first four, the newest out of view; made 160x45 again, the rows were drawn with the gaps of the narrow layout,
    the last rows pushed out of view."""
    write_prefs(data_dir, projector=True)

    def said(session):
        session.current_phase = session.template.phase_index("what-went-right")
        for n in range(17):
            record_contribution(store, session, f"Point {n + 1} about the family and the school working together on one plan", "Priya", clock)

    session, app = open_app(store, clock, library.get(SSR), "what-went-right", said)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        before = screen_text(app)
        assert "Point 1 about" in before and "Point 17 about" in before
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert "Point 17 about" in screen_text(app), "the newest is in view after the window is made smaller"
        await pilot.resize_terminal(160, 45)
        await pilot.pause()
        await pilot.pause()
        assert screen_text(app) == before


async def test_the_read_back_at_80_columns_numbers_actions_as_the_record_and_keeps_an_owners_words_whole(store, clock, library):
    """At 80x24 the read-back's owner column folded "Business" into "Busines" and "s", and its actions were
    numbered 1., 2. while the record, the actions screen and the next follow-up call them A1, A2."""

    def said(session):
        session.current_phase = session.template.phase_index("learning-actions")
        for text, owner in (("Share the one-plan approach", "Business support officer"), ("Ring the school", "Priya")):
            record_contribution(store, session, text, None, clock,
                                fields={"owner": owner, "due": "2026-12-15", "tell": "whole team"})

    session, app = open_app(store, clock, library.get(SSR), "learning-actions", said)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, ReadBackScreen)
        drawn = screen_text(app)
        assert "Business" in drawn and "Busines " not in drawn.replace("│", " ")
        assert "A1" in drawn and "A2" in drawn and " 1. " not in drawn
