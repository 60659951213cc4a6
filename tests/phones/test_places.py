"""Places in the room go to phones that use them: a page load that never comes back (a link preview, a QR
scanner's look, a browser that keeps no cookies) takes none; a place never used and left silent goes to the next
phone when the room is full; a phone that sent or voted keeps its place and its votes; a flood from one address
is held back by the limit on requests without a cookie. Real HTTP against the real app, as a phone sees it."""

from __future__ import annotations

import asyncio
import re

import aiohttp

from tests.room.helpers import say
from .helpers import Phone, local_phones, open_app, open_phones, session_screen
from .test_join import phones_line
from .test_vote import vote


def cookieless(local_addr: str | None = None) -> aiohttp.ClientSession:
    """A client that keeps no cookie: a link preview, a QR scanner's look, a browser with cookies blocked."""
    connector = aiohttp.TCPConnector(local_addr=(local_addr, 0)) if local_addr else None
    return aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), connector=connector)


async def joined_line(pilot, count: int) -> str:
    word = "phone" if count == 1 else "phones"
    return await phones_line(pilot, f"· {count} {word} joined ·")


async def test_page_loads_that_never_come_back_take_no_place(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        session_screen(pilot)._phones.max_phones = 2
        async with cookieless() as previews:  # previews and reloads without the cookie: the question, no place
            for _ in range(10):
                async with previews.get(url) as response:
                    assert response.status == 200
                    assert "What went right" in await response.text()
        async with Phone(url) as once:  # a phone that loaded the page once and never came back
            assert (await once.page())[0] == 200
        await pilot.press("escape")
        assert "Phones open · 0 phones joined" in await joined_line(pilot, 0)
        async with Phone(url) as a, Phone(url) as b, Phone(url) as c:
            code, page = await a.send("The nurse rang every week")
            assert code == 200 and "Received" in page
            assert (await b.open())[0] == 200  # on the page: its script came back for the question
            assert "Phones open · 2 phones joined · 1 waiting" in await joined_line(pilot, 2)
            code, page = await c.page()  # two places, both taken by phones in use
            assert code == 503 and "The room is full" in page


async def test_an_idle_place_goes_to_the_next_phone_and_one_that_sent_or_voted_keeps_it(
    store, clock, library, data_dir
):
    local_phones(data_dir, extra="votes = 2\n")
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        for text in ("Share the visit plan", "Book interpreters early"):
            await say(pilot, text)
        url = await open_phones(pilot)
        server = session_screen(pilot)._phones
        server.max_phones = 2
        server.free_after = 1.5  # a place never used and silent this long may go to another phone
        await pilot.press("escape")
        await pilot.press("f12")  # a dot vote on the phase's two items
        await pilot.pause()
        async with Phone(url) as voter, Phone(url) as idle, Phone(url) as late:
            assert (await voter.open())[0] == 200
            assert (await vote(voter, "Book interpreters early"))[0] == 200
            assert (await idle.open())[0] == 200  # opened the page, then put the phone away
            code, page = await late.page()
            assert code == 503 and "The room is full" in page  # not silent long enough yet
            await asyncio.sleep(1.7)  # both silent now: only the idle one's place can go

            code, page = await late.open()
            assert code == 200 and "You have 2 of 2 votes left" in page
            code, page = await idle.page()  # back after its place went to the late phone
            assert code == 503 and "The room is full" in page
            code, page = await voter.page()  # the phone that voted keeps its place and its votes
            assert code == 200 and "You have 1 of 2 votes left" in page and "Your vote here: 1" in page
            assert (await vote(voter, "Book interpreters early"))[0] == 200
            code, page = await voter.page()  # its votes used: said so, not "0 of 2 left, put them on ..."
            assert "You have used all your 2 votes: thank you." in page and "votes left" not in page
            assert page.count(" disabled>Vote for this") == 2
            assert (await vote(late, "Share the visit plan"))[0] == 200
        await pilot.press("escape")
        assert "Phones open · 2 phones joined" in await joined_line(pilot, 2)
        assert dict((c.text, n) for c, n in session_screen(pilot).vote_items()) == {
            "Share the visit plan": 1, "Book interpreters early": 2}


async def test_a_phone_turned_away_by_a_full_room_keeps_what_it_wrote(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        session_screen(pilot)._phones.max_phones = 1
        async with Phone(url) as late, Phone(url) as first:
            _, page = await late.page()  # a place was free when its page loaded
            assert (await first.send("School kept a place open"))[0] == 200  # meanwhile the last place went
            form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
            async with late.http.post(url, data={**form, "text": "Grandma's weekly visits"}) as response:
                code, page = response.status, await response.text()
        assert code == 503 and "the room is full" in page
        assert "Grandma&#x27;s weekly visits</textarea>" in page  # still in the box, to say aloud or send later
        await pilot.pause()
        assert [c.text for c in session_screen(pilot).waiting_items()] == ["School kept a place open"]


async def test_a_flood_without_cookies_from_one_address_cannot_crowd_out_the_room(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        session_screen(pilot)._phones.max_phones = 3
        codes = []
        async with cookieless("127.0.0.2") as flood:  # another address on this machine
            for _ in range(45):
                async with flood.get(url) as response:
                    codes.append(response.status)
                    if response.status == 429:
                        assert "wait a minute" in await response.text()
        assert codes.count(200) == 30 and codes[-1] == 429  # the limit on requests without a cookie, by address
        async with Phone(url) as phone:  # someone in the room, from their own address
            code, page = await phone.send("The family trusted the new worker")
            assert code == 200 and "Received" in page
        await pilot.press("escape")
        assert "Phones open · 1 phone joined · 1 waiting" in await joined_line(pilot, 1)
