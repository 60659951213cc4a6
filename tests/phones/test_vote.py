"""Dot voting from phones: each phone has its votes, the facilitator adds votes for someone without a phone,
the room sees bars, and the result goes into the record."""

from __future__ import annotations

import re

from facilitator.session_ops import record_contribution
from facilitator.tui.screens.phones import VoteScreen

from tests.conftest import build_app, until
from tests.room.helpers import say, status
from .helpers import Phone, local_phones, open_app, open_vote, session_screen
from .test_join import export_md


async def vote(phone: Phone, text: str) -> tuple[int, str]:
    """Press the vote button of the item whose text is ``text`` on the phone's page."""
    _, page = await phone.page()
    form = next(f for f in page.split('<form method="post"')[1:] if f"<p>{text}</p>" in f)
    data = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    async with phone.http.post(phone.url, data=data) as response:
        return response.status, await response.text()


async def test_a_dot_vote_from_phones_and_the_facilitator_goes_into_the_record(store, clock, library, data_dir):
    local_phones(data_dir, extra="votes = 2\n")
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        for text in ("Share the visit plan", "Book interpreters early", "Monthly case huddle"):
            await say(pilot, text)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, VoteScreen)
        url = session_screen(pilot).phones_url
        async with Phone(url) as a, Phone(url) as b:
            _, page = await a.page()
            assert "You have 2 of 2 votes left" in page
            assert (await vote(a, "Book interpreters early"))[0] == 200
            code, page = await vote(a, "Book interpreters early")
            assert code == 200 and "Vote counted" in page and "You have used all your 2 votes" in page
            code, page = await vote(a, "Share the visit plan")  # a third vote: refused
            assert code == 400 and "used your 2 votes" in page
            assert (await vote(b, "Monthly case huddle"))[0] == 200
        await pilot.press("down")  # the facilitator votes for someone without a phone: the second item
        await pilot.press("plus")
        bars = lambda: str(app.screen.query_one("#vote-bars").render())  # noqa: E731
        await until(pilot, lambda: re.search(r"Book interpreters early\n\s+█+ 3", bars()))
        bars = bars()
        assert re.search(r"Book interpreters early\n\s+█+ 3", bars), bars
        assert re.search(r"Share the visit plan\n\s+ 0", bars), bars
        await pilot.press("c")
        await pilot.pause()
        assert "Vote closed: 4 votes, in the record." in status(pilot)
    record = export_md(data_dir, session.id)
    dots = record.split("**Dot vote**", 1)[1]
    assert dots.index("3 votes: Book interpreters early") < dots.index("1 vote: Monthly case huddle") < dots.index(
        "0 votes: Share the visit plan"
    )


async def test_text_sent_while_a_vote_is_open_and_not_saved_is_given_back_to_copy(store, clock, library, data_dir):
    """A page opened before the vote sends its text once the vote is open, just as the disk cannot be written (or
    with a due date that is no date): the phone gets a page with its text to copy. It got the vote page, which has
    no box for text, saying "Your text is still here" without it."""
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_vote(pilot)
        async with Phone(url) as phone:
            store.read_only = True  # as when the disk is full or the folder cannot be written
            try:
                code, page = await phone.send("Grandma's kitchen table visits")
            finally:
                store.read_only = False
            assert code == 503 and "Not received" in page and "Grandma&#x27;s kitchen table visits" in page
            code, page = await phone.send("Ring the school", due="31/02/2027")
            assert code == 400 and "is not a date" in page and "Ring the school" in page and "31/02/2027" in page
        assert session_screen(pilot).waiting_items() == []


async def test_ending_the_session_with_a_vote_open_closes_it_and_keeps_every_vote(store, clock, library, data_dir):
    """The phones were told "Vote counted": ctrl+e with the vote still open says the vote will be closed, and the
    record has the votes (they were left in the phones' file, out of the record, for good). Contributions from
    phones still waiting are named in the same confirmation, before it is too late to show them."""
    from textual.widgets import Static

    local_phones(data_dir, extra="votes = 2\n")
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_vote(pilot)
        async with Phone(url) as a:
            assert (await vote(a, "Book interpreters early"))[0] == 200
            assert (await vote(a, "Book interpreters early"))[0] == 200
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        said = str(app.screen.query_one("#end-vote-open", Static).render())
        assert "A dot vote is open: ending closes it, and its votes go into the record." in said
        await pilot.press("enter")  # end
        await pilot.pause()
        await pilot.press("ctrl+s")  # the personal-details check, if it comes: write the record
        await pilot.pause()
    assert store.load_session(session.id).status.value == "ended"
    record = export_md(data_dir, session.id)
    assert "2 votes: Book interpreters early" in record.split("**Dot vote**", 1)[1]


async def test_the_end_confirmation_names_contributions_from_phones_still_waiting(store, clock, library, data_dir):
    from textual.widgets import Static

    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("escape")
        url = session_screen(pilot).phones_url
        async with Phone(url) as a:
            for text in ("Visits at home helped", "The school rang back"):
                assert (await a.send(text))[0] in (200, 303)
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        said = str(app.screen.query_one("#end-phones-waiting", Static).render())
        assert "2 contributions from phones are waiting to be shown and will not be in the record" in said
        await pilot.press("escape")


async def test_a_vote_left_open_is_still_open_after_the_app_closes(store, clock, library, data_dir):
    local_phones(data_dir)
    template = library.get("serious-success-review")
    session, app = open_app(store, clock, template, "what-went-right")
    for text in ("The nurse rang weekly", "School kept a place open"):
        record_contribution(store, session, text, None, clock)
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press("ctrl+q")
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f12")
        bars = lambda: str(app.screen.query_one("#vote-bars").render())  # noqa: E731
        await until(pilot, lambda: app.screen.query("#vote-bars") and re.search(r"The nurse rang weekly\n\s+█+ 1", bars()))
        bars = bars()
        assert re.search(r"The nurse rang weekly\n\s+█+ 1", bars), bars
        await pilot.press("c")
        await pilot.pause()
    assert "votes:* 1" in export_md(data_dir, session.id)


async def concern_form(phone: Phone) -> dict[str, str]:
    """The fields of the vote page's form for a safeguarding concern (its hidden fields filled in)."""
    _, page = await phone.page()
    forms = [f for f in page.split('<form method="post"')[1:] if 'name="vote"' not in f]
    assert len(forms) == 1, page  # the vote page has a form for a concern besides its vote buttons
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', forms[0]))


async def test_a_safeguarding_concern_can_be_sent_from_a_phone_while_a_vote_is_open(store, clock, library, data_dir):
    """A dot vote takes over the phones' page; a concern cannot wait for it to close. The vote page has a box for
    one, which goes to the facilitator-only note as from the ordinary page, and is never one of the vote's items."""
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_vote(pilot)
        async with Phone(url) as phone:
            _, page = await phone.page()
            assert "Only for the facilitator" in page and "You have 3 of 3 votes left" in page, page
            form = await concern_form(phone)
            async with phone.http.post(url, data={**form, "text": ""}) as response:  # an empty box: said, on the vote
                code, page = response.status, await response.text()
            assert code == 400 and "Write the concern in the box" in page and "Vote for this" in page, page
            form = await concern_form(phone)
            async with phone.http.post(url, data={**form, "text": "Dad was drunk at the last visit"}) as response:
                code, page = response.status, await response.text()
            assert code == 200 and "Received by the facilitator only" in page and "Vote for this" in page, page
        await pilot.pause(0.3)
        flagged = [c for c in store.load_session(session.id).contributions if c.safeguarding]
        assert [c.text for c in flagged] == ["Dad was drunk at the last visit"]
        bars = str(app.screen.query_one("#vote-bars").render())
        assert "drunk" not in bars, bars
    assert "drunk" not in export_md(data_dir, session.id)


async def test_an_item_flagged_while_the_vote_is_open_takes_no_vote_and_gives_its_votes_back(
        store, clock, library, data_dir):
    """A phone's page loaded before an item was flagged as a safeguarding concern: its vote for that item was
    "counted", the phone's vote spent on an item its page no longer showed, and the total said when the vote closed
    counted it, though the record does not show the item. It is refused now, the votes on it given back."""
    local_phones(data_dir, extra="votes = 2\n")
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        for text in ("Share the visit plan", "Book interpreters early", "Dad hit her last week"):
            await say(pilot, text)
        await pilot.press("f12")
        await pilot.pause()
        url = session_screen(pilot).phones_url
        async with Phone(url) as a:
            assert (await vote(a, "Dad hit her last week"))[0] == 200  # a vote on it before it is flagged
            _, page = await a.page()
            form = next(f for f in page.split('<form method="post"')[1:] if "<p>Dad hit her last week</p>" in f)
            stale = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
            await pilot.press("escape")  # back to the session, the vote open: the item flagged
            await pilot.pause()
            await pilot.press("up", "exclamation_mark")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert store.load_session(session.id).contributions[-1].safeguarding
            async with a.http.post(a.url, data=stale) as response:
                code, page = response.status, await response.text()
            assert code == 400 and "not in this vote" in page, page
            _, page = await a.page()
            assert "Dad hit her" not in page and "You have 2 of 2 votes left" in page, page
            assert (await vote(a, "Book interpreters early"))[0] == 200
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert "Vote closed: 1 vote, in the record." in status(pilot), status(pilot)


async def test_a_vote_with_more_items_than_fit_keeps_the_chosen_one_and_the_keys_in_sight(
        store, clock, library, data_dir):
    """Twelve items at 80x24: the vote's screen ran off the bottom, the total and the keys with it, and the chosen
    item went out of sight as it was moved down (+ then added a vote to an item nobody could see)."""
    from tests.conftest import screen_text

    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(80, 24)) as pilot:
        for n in range(1, 13):
            await say(pilot, f"Typed item {n}")
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, VoteScreen)
        for _ in range(11):
            await pilot.press("down")
        await pilot.pause()

        def in_sight() -> bool:
            drawn = screen_text(app)
            return "▶ Typed item 12" in drawn and "votes ·" in drawn and "c close the vote" in drawn

        assert await until(pilot, in_sight, timeout=3), screen_text(app)


async def test_a_second_vote_in_a_phase_says_it_replaces_the_first_in_the_record(store, clock, library, data_dir):
    """A second dot vote in the same phase wrote its counts over the first's in the record, without a word."""
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_vote(pilot)
        title = lambda: str(app.screen.query_one("#vote-title").render())  # noqa: E731
        assert title() == "Dot vote"
        await pilot.press("plus", "c")
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, VoteScreen)
        assert "replace this phase's earlier vote in the record" in title(), title()
