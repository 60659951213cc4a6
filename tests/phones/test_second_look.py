"""Phones, a second look: the names list on everything a phone is sent, the server stopped when another session
is opened, a discreet signal when a safeguarding concern arrives from a phone, and what a phone sends shown as
typed on the facilitator's screen and escaped on the page."""

from __future__ import annotations

import re

import aiohttp
import pytest

from facilitator.session_ops import go_to_phase, set_redactions, start_session

from tests.conftest import build_app, until
from tests.room.helpers import PEOPLE, say, shown, status
from .helpers import Phone, local_phones, open_app, open_phones, open_vote, session_screen
from .test_join import phones_line


def session_with_names(store, clock, template, phase_id: str, title: str, names: dict[str, str]):
    session = start_session(store, template, clock=clock, title=title, participants=PEOPLE, ground_rules_agreed=True)
    session = go_to_phase(store, session, template.phase_index(phase_id))
    return set_redactions(store, session, names)


async def test_the_names_list_applies_to_everything_a_phone_is_sent(store, clock, library, data_dir):
    local_phones(data_dir)
    template = library.get("serious-success-review")
    session = session_with_names(store, clock, template, "learning-actions", "Review: Jayden Smith's move home",
                                 {"Jayden Smith": "Child A", "Jayden": "Child A", "Kerry": "Parent B"})
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            code, page = await phone.page()
            assert code == 200
            assert "Review: Child A&#x27;s move home" in page
            assert "Jayden" not in page
        await pilot.press("escape")
        for text in ("Ask Kerry before each visit to Jayden", "Book interpreters early"):
            await say(pilot, text)
        await pilot.press("f12")
        await pilot.pause()
        async with Phone(url) as phone:
            code, page = await phone.page()
            assert code == 200 and "Vote" in page
            assert "Ask Parent B before each visit to Child A" in page and "Book interpreters early" in page
            assert "Jayden" not in page and "Kerry" not in page
            # what the page says while the phone waits for the next question, too
            async with phone.http.get(url + "/phase") as response:
                assert "Jayden" not in await response.text()
        # the facilitator's own screen is not a phone: it shows what was typed
        assert any("Kerry" in line for line in [str(app.screen.query_one("#vote-bars").render())])


async def test_a_phase_whose_id_names_a_child_is_sent_to_phones_with_the_name_replaced(store, clock, library, data_dir):
    """A team's own template may call a phase "actions-for-jayden": its id was in every phone's page (the form's
    hidden field, the page's data) and in the address the page asks for the phase at. What a phone sends is still
    kept in the phase it showed."""
    from facilitator.models import Template

    local_phones(data_dir)
    base = library.get("serious-success-review").model_dump()
    phase = next(p for p in base["phases"] if p["id"] == "learning-actions")
    phase["id"] = "actions-for-jayden"
    template = Template.model_validate(base)
    session = session_with_names(store, clock, template, "actions-for-jayden", "Weekly", {"Jayden": "Child A"})
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            code, page = await phone.page()
            assert code == 200 and "actions-for-child-a" in page and "jayden" not in page.casefold()
            async with phone.http.get(url + "/phase") as response:
                assert "jayden" not in (await response.text()).casefold()
            form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
            await pilot.press("escape", "ctrl+b")  # the room moves back a phase before the phone sends its page
            await pilot.pause()
            async with phone.http.post(url, data={**form, "text": "Share the visit plan", "owner": "Sam"}) as sent:
                assert sent.status == 200
        await pilot.press("ctrl+r")
        await pilot.pause()
    shown = [c for c in store.load_session(session.id).contributions if c.text == "Share the visit plan"]
    assert [(c.phase_id, c.fields.get("owner")) for c in shown] == [("actions-for-jayden", "Sam")]


async def test_an_item_flagged_as_a_concern_during_a_vote_leaves_the_phones_and_the_bars(
    store, clock, library, data_dir
):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        for text in ("Share the visit plan", "Monthly case huddle", "Dad hit him last week"):
            await say(pilot, text)
        await pilot.press("f12")
        await pilot.pause()
        url = session_screen(pilot).phones_url
        async with Phone(url) as phone:
            assert "Dad hit him" in (await phone.page())[1]
            await pilot.press("escape")
            await pilot.press("up", "exclamation_mark")  # the last one, flagged while the vote is open
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert "facilitator-only note" in status(pilot)
            code, page = await phone.page()
            assert code == 200 and "Share the visit plan" in page and "Dad hit him" not in page
        await pilot.press("escape")
        await pilot.press("f12")
        await pilot.pause()
        assert "Dad hit him" not in str(app.screen.query_one("#vote-bars").render())
        await pilot.press("c")
        await pilot.pause()
        assert "Dad hit him" not in status(pilot)


async def test_opening_another_session_stops_the_phone_server(store, clock, library, data_dir):
    local_phones(data_dir)
    template = library.get("serious-success-review")
    session, app = open_app(store, clock, template)
    other = start_session(store, template, clock=clock, title="Another team", ground_rules_agreed=True)
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            assert (await phone.page())[0] == 200
        await pilot.press("escape")
        # the one way every screen opens a session (home, setup, the learning actions' follow-up)
        app.open_session(store.load_session(other.id))
        await until(pilot, lambda: session_screen(pilot).session.id == other.id)
        assert session_screen(pilot).session.id == other.id
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectorError):
                await http.get(url)
        assert session_screen(pilot).phones_url == ""
        assert not session_screen(pilot).query_one("#phones-line").display


async def test_a_concern_from_a_phone_is_signalled_without_its_content_until_the_notes_are_read(
    store, clock, library, data_dir
):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        assert "note" not in await phones_line(pilot)
        async with Phone(url) as phone:
            code, after = await phone.send("Mum's new partner shouts at the baby", safeguarding="yes", name="Sam")
            assert code == 200
        line = await phones_line(pilot, "1 note for you: f6")
        assert "1 note for you: f6" in line, line
        screen = session_screen(pilot)
        everything = "\n".join(str(w.render()) for w in screen.query("Static")) + "\n".join(shown(pilot))
        assert "shouts" not in everything and "Sam" not in line and "safeguarding" not in line.lower()
        assert not [n.message for n in app._notifications if "shouts" in n.message or "concern" in n.message]

        await pilot.press("f6")  # the warning to blank the projector only: not read yet
        await pilot.pause()
        await pilot.press("escape")
        assert "1 note for you: f6" in await phones_line(pilot, "1 note for you: f6")

        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("enter")  # shown to the facilitator
        await pilot.pause()
        assert "shouts" in str(app.screen.query_one("#safeguarding-list").render())
        await pilot.press("escape")
        assert "note for you" not in await phones_line(pilot)

        async with Phone(url) as phone:
            for text in ("First worry", "Second worry"):
                assert (await phone.send(text, safeguarding="yes"))[0] == 200
        assert "2 notes for you: f6" in await phones_line(pilot, "2 notes for you: f6")
        await pilot.press("ctrl+q")
        await pilot.pause()

    # closed and opened again: the two not yet read are still signalled
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        line = await phones_line(pilot, "2 notes for you: f6")
        assert "Phones closed" in line and "2 notes for you: f6" in line, line


async def test_markup_and_escape_sequences_from_a_phone_are_shown_as_typed_and_escaped_on_the_page(
    store, clock, library, data_dir
):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    typed = "[bold red]loud[/] <script>alert(1)</script> \x1b[31mred\x1b[0m \x1b]0;title\x07done"
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            code, page = await phone.send(typed, name="[i]Sam[/i]")
            assert code == 200
            # given back to shorten, what was typed is escaped, never read as HTML
            code, page = await phone.send(typed + "x" * 2000)
            assert code == 400
            assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        await pilot.press("escape")
        await pilot.press("ctrl+w")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        item = str(app.screen.query_one("#waiting-item").render())
        where = str(app.screen.query_one("#waiting-where").render())
        assert "[bold red]loud[/] <script>alert(1)</script> red done" in item, repr(item)
        assert "\x1b" not in item and "[i]Sam[/i]" in where
        await pilot.press("enter")
        await pilot.press("escape")
        await pilot.pause()
        assert any("[bold red]loud[/] <script>alert(1)</script> red done" in line for line in shown(pilot)), shown(pilot)


async def test_a_phones_vote_page_says_where_its_votes_are_and_names_each_button(store, clock, library, data_dir):

    from .test_vote import vote

    local_phones(data_dir, extra="votes = 3\n")
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_vote(pilot)
        async with Phone(url) as phone, Phone(url) as other:
            _, page = await phone.page()
            assert "Your vote" not in page
            assert 'aria-label="Vote for this: Share the visit plan"' in page
            assert 'aria-label="Vote for this: Book interpreters early"' in page
            await vote(phone, "Book interpreters early")
            code, page = await vote(phone, "Book interpreters early")
            assert code == 200 and "You have 1 of 3 votes left" in page
            forms = {re.search(r"<p>([^<]*)</p>", f).group(1): f for f in page.split('<form method="post"')[1:]
                     if 'name="vote"' in f}  # (the other form is for a safeguarding concern)
            assert "Your votes here: 2" in forms["Book interpreters early"]
            assert "Your vote" not in forms["Share the visit plan"]
            assert "Your vote" not in (await other.page())[1]  # another phone's page shows its own votes only


async def test_rejecting_an_item_leaves_nothing_of_it_on_the_screen(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(80, 24)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            assert (await phone.send("a rude remark about a colleague"))[0] == 200
        await pilot.press("escape")
        await pilot.press("ctrl+w")
        await pilot.pause()
        await pilot.press("enter")  # the projector blanked: read it
        await pilot.pause()
        await pilot.press("x")  # rejected
        await pilot.pause()
        screen = session_screen(pilot)
        behind = "\n".join(str(w.render()) for w in screen.query("Static"))
        assert "Rejected one item from phones" in status(pilot)
        assert "rude" not in behind, behind  # the status line shows under the review, and after it
        await pilot.press("escape")
        await pilot.pause()
        assert "rude" not in "\n".join(str(w.render()) for w in screen.query("Static"))
        assert not any("rude" in line for line in shown(pilot))


async def test_a_long_item_in_the_review_scrolls_and_its_keys_stay_on_a_small_screen(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    long = " ".join(f"word{n}" for n in range(330))[:1990] + " THE END"
    async with app.run_test(size=(80, 24)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            assert (await phone.send(long))[0] == 200
        await pilot.press("escape")
        await pilot.press("ctrl+w")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        keys = app.screen.query_one("#waiting-keys")
        assert keys.region.height >= 1 and keys.region.bottom <= 24, keys.region
        assert "x reject" in str(keys.render())
        scroll = app.screen.query_one("#waiting-scroll")
        assert scroll.max_scroll_y > 0
        for _ in range(10):
            await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        await pilot.press("x")  # still within reach: rejected
        await pilot.pause()
        assert "Nothing is waiting" in str(app.screen.query_one("#waiting-where").render())


async def test_a_long_rated_item_in_the_review_keeps_its_rating_and_keys_in_sight(store, clock, library, data_dir):
    """A 2,000-character item sent with a rating, at 80x24: the rating was the last line of the scrolling text and
    the keys' line was never on screen, so the facilitator chose without seeing the rating. Both stay in sight, the
    text scrolling above them."""
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("signs-of-safety-group-supervision"), "scaling")
    long = " ".join(f"word{n}" for n in range(330))[:1990] + " THE END"
    async with app.run_test(size=(80, 24)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            assert (await phone.send(long, rating="3"))[0] == 200
        await pilot.press("escape")
        await pilot.press("ctrl+w")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        seen = app.export_screenshot().replace("&#160;", " ")  # what is on the terminal, as text in the SVG
        for words in ("x reject", "rating: 3", "word0 word1"):
            assert words in seen, words
