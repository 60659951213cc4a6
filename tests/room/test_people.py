"""People: the quick speaker picker ('@2 ...', initials, '@0' anonymous), attendees and apologies changed
mid-session, and a round's still-to-speak line that follows every change, undo included."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from facilitator.models import ANONYMOUS

from .helpers import PEOPLE, open_app, say, session_screen, shown, status, text_of


async def test_speaker_by_number_initials_or_anonymous(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(80, 24)) as pilot:
        hint = text_of(pilot, "#speaker-hint")
        assert "@1 Sam Patel · @2 Priya · @3 Team manager · @0 anonymous" in hint
        await say(pilot, "@2 rang back the same day")
        await say(pilot, "@sp knew the family well")
        await say(pilot, "@0 school and health shared one plan")
        assert shown(pilot) == [
            "1. Priya: rang back the same day",
            "2. Sam Patel: knew the family well",
            "3. anonymous: school and health shared one plan",
        ]
        # Nobody is ninth: nothing is recorded, the text stays, and the note says what to type.
        await say(pilot, "@9 who was that")
        assert "Nobody matches '@9'" in status(pilot)
        # With who said it chosen, removing the @ records it for them, and the note says so (it said "without a
        # speaker", which the box then did not do).
        session_screen(pilot).query_one("#speaker", Select).value = "Priya"
        await pilot.press("enter")
        await pilot.pause()
        assert "remove the @ to record it for Priya." in status(pilot), status(pilot)
        assert session_screen(pilot).query_one("#contribution", Input).value == "@9 who was that"
        assert len(shown(pilot)) == 3
    stored = store.load_session(session.id).contributions
    assert [c.speaker for c in stored] == ["Priya", "Sam Patel", ANONYMOUS]


async def test_the_who_said_it_box_still_works_and_offers_anonymous(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(80, 24)) as pilot:
        speaker = session_screen(pilot).query_one("#speaker", Select)
        speaker.value = ANONYMOUS
        await say(pilot, "the plan was written with Mum")
        assert shown(pilot) == ["1. anonymous: the plan was written with Mum"]
        assert speaker.value == ANONYMOUS, "the choice stays for the next contribution until changed"


async def test_attendees_and_apologies_change_mid_session(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        here = app.screen.query_one("#people-here", Input)
        assert here.value == "Sam Patel, Priya, Team manager"
        here.value = "Sam Patel, Priya, Team manager, Alex (late)"
        app.screen.query_one("#people-apologies", Input).value = "Jo"
        await pilot.press("enter")
        await pilot.pause()
        assert text_of(pilot, "#status") == "People saved: 4 here, 1 apology."  # (it said "1 apologies")
        assert "@4 Alex (late)" in text_of(pilot, "#speaker-hint")
        await say(pilot, "@4 the school nurse was key")
        assert shown(pilot) == ["1. Alex (late): the school nurse was key"]
    again = store.load_session(session.id)
    assert again.participants == [*PEOPLE, "Alex (late)"]
    assert again.apologies == ["Jo"]


async def test_moving_someone_who_spoke_to_the_apologies_says_so(store, clock, library):
    """Priya spoke, then f7 moved her from here to the apologies: "People saved: 2 here, 1 apology", and the record
    listed her among the apologies and quoted her. The status line now says she spoke, and how to put it right."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        await say(pilot, "@2 rang back the same day")
        await say(pilot, "@2 and again on Friday")
        await pilot.press("f7")
        await pilot.pause()
        app.screen.query_one("#people-here", Input).value = "Sam Patel, Team manager"
        app.screen.query_one("#people-apologies", Input).value = "priya"
        await pilot.press("enter")
        await pilot.pause()
        said = " ".join(text_of(pilot, "#status").split())
        assert said.startswith("People saved: 2 here, 1 apology. Among the apologies, said to have spoken: priya "
                               "(2 contributions)"), said
        assert "f7 moves them back to here" in said
    assert store.load_session(session.id).apologies == ["priya"]


async def test_the_facilitator_is_offered_as_a_speaker_after_the_participants(store, clock, library):
    """A team lead running a huddle speaks too: the facilitator was offered only as "anonymous" unless typed among
    the attendees. They come after the participants (@4), in the who-said-it box too, once even if listed among them,
    and a round still waits for the participants only."""
    session, app = open_app(store, clock, library.get("quick-success-huddle"), "thanks", facilitator="Jo Lead")
    async with app.run_test(size=(80, 24)) as pilot:
        hint = text_of(pilot, "#speaker-hint")
        assert "@3 Team manager · @4 Jo Lead · @0 anonymous" in " ".join(hint.split()), hint
        await say(pilot, "@4 thanks for the cover on Friday")
        await say(pilot, "@jl and for the lift")
        assert shown(pilot) == ["1. Jo Lead: thanks for the cover on Friday", "2. Jo Lead: and for the lift"]
        assert "Still to speak: Sam Patel, Priya, Team manager" in " ".join(text_of(pilot, "#kf-round-note").split())
        values = [value for _, value in session_screen(pilot).query_one("#speaker", Select)._options]
        assert values.count("Jo Lead") == 1
    again, app = open_app(store, clock, library.get("quick-success-huddle"), "thanks", facilitator="Priya",
                          participants=["Sam Patel", "priya"])
    async with app.run_test(size=(80, 24)) as pilot:
        hint = " ".join(text_of(pilot, "#speaker-hint").split())
        assert "@1 Sam Patel · @2 priya · @0 anonymous" in hint, hint  # (listed already: once)


async def test_round_still_to_speak_follows_picker_and_undo(store, clock, library):
    session, app = open_app(store, clock, library.get("quick-success-huddle"), "thanks")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = session_screen(pilot)
        note = lambda: str(screen.query_one("#kf-round-note", Static).render())  # noqa: E731
        speaker = screen.query_one("#speaker", Select)
        assert note().startswith("Still to speak: Sam Patel, Priya, Team manager")
        await say(pilot, "@3 thanks everyone")  # out of turn, picked by number
        assert note().startswith("Still to speak: Sam Patel, Priya")
        # Where who said it has moved on to is said where the facilitator looks, as it changes by itself.
        assert "Recorded for Team manager" in status(pilot) and "Who said it is now Sam Patel, next in the round" in status(pilot)
        await say(pilot, "@2 pass")
        assert shown(pilot) == ["1. Team manager: thanks everyone", "2. Priya: pass"]
        assert note().startswith("Still to speak: Sam Patel")
        # ctrl+z: Priya's pass is undone and she is waiting to speak again, at once.
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert note().startswith("Still to speak: Sam Patel, Priya")
        assert speaker.value == "Sam Patel"
        assert shown(pilot) == ["1. Team manager: thanks everyone"]
        assert status(pilot).startswith("Undone: recording of")
        await say(pilot, "thanks from Sam")
        await say(pilot, "thanks from Priya")
        assert "Everyone has had a turn: who said it is empty" in status(pilot), status(pilot)


async def test_a_room_of_fifteen_at_80_columns_shows_which_numbers_are_not_listed(store, clock, library):
    """At 80x24 with 15 people, the hint's two lines ended at "@10" and people 10 to 15 had no number shown and no
    sign they were missing."""
    from textual.widgets import Static

    people = [f"{first} {last}" for first, last in zip(
        "Alice Bob Carol Dev Eve Femi Gita Hana Ian Jo Kim Lee Mo Ned Oli".split(),
        "Ames Brown Chen Desai Evans Fashola Gill Hall Ince Jones Kay Lo Ma No Owen".split())]
    session, app = open_app(store, clock, library.get("appreciative-inquiry"), participants=people)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        hint = app.screen.query_one("#speaker-hint", Static)
        shown = " ".join(strip.text.strip() for strip in hint.render_lines(hint.region.reset_offset))
        assert "@0 anonymous" in shown, shown
        assert "@5 Eve Evans · … @6 to @15 in the list beside the box · @0 anonymous" in shown, shown


async def test_the_record_of_a_round_names_those_not_heard(store, clock, library):
    """A round ended with one of those present neither speaking nor passing: the record listed who spoke and who
    passed, and said nothing of the other."""
    from facilitator.record.markdown import render_markdown

    session, app = open_app(store, clock, library.get("quick-success-huddle"), "thanks")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "@1 thanks everyone")
        await say(pilot, "@2 pass")
    record = render_markdown(store.load_session(session.id))
    thanks = record.split("Thanks", 1)[1].split("## ", 1)[0]
    assert "Not heard in this round: Team manager." in thanks, thanks


async def test_a_turn_flagged_as_a_concern_is_not_called_not_heard_in_the_record(store, clock, library, data_dir):
    """A round where Priya's turn was flagged as a safeguarding concern: the screen said everyone had had a turn, and
    the record, which leaves the concern out, said "Not heard in this round: Priya". It says nothing of her now (as
    `facilitator export` writes it), and still names one who neither spoke nor passed."""
    from facilitator.cli import main

    session, app = open_app(store, clock, library.get("quick-success-huddle"), "thanks")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "@1 thanks everyone")
        await say(pilot, "@2 mum is drinking again")
        await pilot.press("up", "exclamation_mark")
        await pilot.pause()
        await pilot.press("enter")  # yes, flag it
        await pilot.pause()
        note = str(session_screen(pilot).query_one("#kf-round-note", Static).render())
        assert note.startswith("Still to speak: Team manager") and "Priya" not in note, note
    out = data_dir.parent / "r.md"
    assert main(["--data-dir", str(data_dir), "export", session.id, "--out", str(out)]) == 0
    thanks = out.read_text(encoding="utf-8").split("Thanks", 1)[1].split("## ", 1)[0]
    assert "drinking" not in thanks
    assert "Not heard in this round: Team manager." in thanks, thanks
