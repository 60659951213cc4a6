"""What a phone is told when something is wrong: a mistyped or old address, a page out of date, a browser that
keeps no cookies, something going wrong on the facilitator's computer. Each is one sentence in the page's own
look, and what the person wrote is given back; a wrong address reveals nothing of the right one. A request no
phone's browser would make (malformed HTTP, a charset no browser sends) gets a plain 400 and the room goes on."""

from __future__ import annotations

import asyncio
import re

import aiohttp

from .helpers import Phone, local_phones, open_app, open_phones, session_screen
from .test_places import cookieless

LOOK = "<style>body{font-family:system-ui"  # the page's own style: not a browser's or a server's bare text


def hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))


def given_back(page: str) -> str:
    """What the page gives back to copy, as the person sees it in the box."""
    import html

    found = re.search(r'<textarea id="f-written" readonly>(.*?)</textarea>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


async def test_a_wrong_or_old_address_is_one_sentence_that_says_nothing_of_the_right_one(
    store, clock, library, data_dir
):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        base, code = url.split("/j/")
        one_off = code[:-1] + ("A" if code[-1] != "A" else "B")
        pages = {}
        async with aiohttp.ClientSession() as http:
            for what, target in (("one letter off", f"{base}/j/{one_off}"), ("half of it", f"{base}/j/{code[:16]}"),
                                 ("another", f"{base}/j/{'x' * len(code)}"), ("no code", f"{base}/")):
                async with http.get(target) as response:
                    assert response.status == 404, what
                    pages[what] = await response.text()
        assert len(set(pages.values())) == 1, "a wrong address close to the right one must look like any other"
        page = pages["another"]
        assert LOOK in page and "This address is not open: check it against the one on the screen" in page
        assert "Room" not in page and code not in page

        async with Phone(url) as phone:  # the page open on a phone while phone access is closed and opened again
            _, before = await phone.page()
            await pilot.press("x")
            await pilot.pause()
            url2 = await open_phones(pilot)
            assert url2 != url
            form = {**hidden(before), "text": "The nurse rang every week", "owner": ""}
            async with phone.http.post(url.replace(base, url2.split("/j/")[0]), data=form) as response:
                status, after = response.status, await response.text()
        assert status == 404 and "scan the code again" in after and LOOK in after
        assert given_back(after) == "The nurse rang every week"
        await pilot.pause()
        assert session_screen(pilot).waiting_items() == []


async def test_a_browser_that_keeps_no_cookies_is_told_so_and_gets_its_text_back(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "strengths-evidence")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with cookieless() as phone:  # cookies blocked: the page loads, the cookie never comes back
            async with phone.get(url) as response:
                assert response.status == 200
                form = hidden(await response.text())
            form.update(text="Kept calm when Dad shouted", evidence="The visit notes of 3 May")
            async with phone.post(url, data=form) as response:
                status, page = response.status, await response.text()
        assert status == 403 and LOOK in page
        assert "this browser keeps no cookies for it" in page and "with cookies allowed" in page
        assert given_back(page) == "Kept calm when Dad shouted\n\nThe visit notes of 3 May"
        await pilot.pause()
        assert session_screen(pilot).waiting_items() == []


async def test_malformed_requests_get_a_plain_400_and_the_room_goes_on(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        host, path = url[len("http://"):].split("/", 1)
        address, port = host.rsplit(":", 1)
        for raw in (b"GARBAGE\r\n\r\n", f"GET /{path} HTTP/1.1\r\nHost: {host}\r\nBad Header\r\n\r\n".encode(),
                    b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + bytes(40)):  # the last: a TLS hello
            reader, writer = await asyncio.open_connection(address, int(port))
            writer.write(raw)
            await writer.drain()
            answer = await asyncio.wait_for(reader.read(), 5)
            writer.close()
            assert answer.startswith(b"HTTP/1.0 400 Bad Request"), answer[:80]
        async with Phone(url) as phone:
            _, page = await phone.page()
            form = {**hidden(page), "text": "x"}
            async with phone.http.post(url, data=form,
                                       headers={"Content-Type": "application/x-www-form-urlencoded; charset=klingon"}
                                       ) as response:  # a charset no browser sends
                assert response.status == 400 and await response.text() == "Send the form on the page."
            code, page = await phone.send("The school kept a place open")
            assert code == 200 and "Received" in page
        await pilot.pause()
        assert [c.text for c in session_screen(pilot).waiting_items()] == ["The school kept a place open"]


async def test_something_going_wrong_on_the_computer_is_one_sentence_on_the_phone(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        screen = session_screen(pilot)

        def broken():  # noqa: ANN202 - as if reading the session for the page failed
            raise RuntimeError("the session could not be read")

        screen.phone_view = broken
        async with Phone(url) as phone:
            code, page = await phone.page()
            assert code == 500 and LOOK in page
            assert "Something went wrong on the facilitator&#x27;s computer: reload this page in a moment" in page
            assert "RuntimeError" not in page and "could not be read" not in page
            del screen.phone_view
            code, page = await phone.send("Back again")
            assert code == 200 and "Received" in page


async def test_send_tapped_twice_keeps_one_item_and_one_vote(store, clock, library, data_dir):
    """A second tap on Send (or a slow network sending the form again) is told "Received" again and kept once;
    the same words sent again from a fresh page are a second item, as the person meant."""
    from tests.room.helpers import say

    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            _, page = await phone.page()
            form = {**hidden(page), "text": "Share the visit plan"}
            answers = await asyncio.gather(*(phone.http.post(url, data=form) for _ in range(2)))
            for response in answers:
                assert response.status == 200 and "Received" in await response.text()
                response.release()
            code, page = await phone.send("Share the visit plan")  # from the page it came back to: meant again
            assert code == 200 and "Received" in page
            await pilot.pause()
            assert [c.text for c in session_screen(pilot).waiting_items()] == ["Share the visit plan"] * 2

            await pilot.press("escape")
            for text in ("Book interpreters early", "Monthly case huddle"):
                await say(pilot, text)
            await pilot.press("f12")
            await pilot.pause()
            _, page = await phone.page()
            form = next(f for f in page.split('<form method="post"')[1:] if "<p>Monthly case huddle</p>" in f)
            data = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
            for _ in range(2):
                async with phone.http.post(url, data=data) as response:
                    assert response.status == 200 and "Vote counted" in await response.text()
            _, page = await phone.page()
            assert "You have 2 of 3 votes left" in page
        assert dict((c.text, n) for c, n in session_screen(pilot).vote_items())["Monthly case huddle"] == 1


async def test_too_many_sends_in_a_minute_are_told_to_wait_and_given_their_text_back(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            _, page = await phone.open()
            session_screen(pilot)._phones.per_minute = 4  # the page load and its look were two of them
            # its third and fourth requests: the page, and the send (the page after a send is not counted)
            code, page = await phone.send("The school kept a place open")
            assert code == 200 and "Received" in page
            form = {**hidden(page), "text": "One more thing about the school"}
            async with phone.http.post(url, data=form) as response:
                assert response.status == 429
                page = await response.text()
        assert "wait a minute, then send what you wrote again" in page and LOOK in page
        assert response.headers["Retry-After"] == "60"
        assert given_back(page) == "One more thing about the school"
        assert [c.text for c in session_screen(pilot).waiting_items()] == ["The school kept a place open"]
