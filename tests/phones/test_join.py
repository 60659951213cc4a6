"""Phones join a session: the real app under Pilot serves the page on 127.0.0.1, a real HTTP client is the phone.

What a phone sends waits, hidden, until the facilitator reveals it; then it is an ordinary contribution and in
the record `facilitator export` writes. A safeguarding concern reaches only the facilitator-only note."""

from __future__ import annotations

import subprocess
import sys

import aiohttp
import pytest

from facilitator.store.notes import safeguarding_note_path

from tests.conftest import until
from tests.room.helpers import shown, status
from .helpers import Phone, local_phones, open_app, open_phones, session_screen


def export_md(data_dir, session_id: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), "export", session_id, "--format", "md",
         "--out", str(data_dir.parent / "out.md")],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return (data_dir.parent / "out.md").read_text()


async def phones_line(pilot, showing: str | None = None) -> str:
    """The line under the box saying how many phones joined and how many items wait (kept up to date within
    a fifth of a second). ``showing``: as soon as it says that (or after ten seconds, as it is); otherwise
    once a fifth of a second has passed."""
    line = lambda: str(session_screen(pilot).query_one("#phones-line").render())  # noqa: E731
    if showing is None:
        await pilot.pause(0.3)
    else:
        await until(pilot, lambda: showing in line())
    return line()


async def test_a_phone_joins_sends_and_it_waits_until_revealed_then_is_in_the_record(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        assert url.startswith("http://127.0.0.1:") and "/j/" in url
        assert len(url.rsplit("/", 1)[1]) >= 32  # at least 128 random bits in the path
        async with Phone(url) as phone:
            code, page = await phone.page()
            assert code == 200
            assert "Room" in page and session.template.phases[session.current_phase].prompt.split()[0] in page
            code, after = await phone.send("The school nurse kept in touch every week", name="")
            assert code == 200 and "Received" in after
            # The page it was sent to, loaded again (a reload, a tab brought back): nothing new was received.
            async with phone.http.get(phone.url + "?sent=waiting") as response:
                again = await response.text()
            assert response.status == 200 and "Received" not in again
        await pilot.press("escape")
        assert "Phones open · 1 phone joined · 1 waiting" in await phones_line(pilot, "Phones open · 1 phone joined · 1 waiting")
        assert not any("school nurse" in line for line in shown(pilot))
        assert "school nurse" not in export_md(data_dir, session.id)  # waiting: in no record

        await pilot.press("ctrl+r")
        await pilot.pause()
        assert any("school nurse" in line and "anonymous" in line for line in shown(pilot)), shown(pilot)
        assert "0 waiting" in await phones_line(pilot, "0 waiting")
        assert "Showing 1 from phones" in status(pilot)
    assert "The school nurse kept in touch every week" in export_md(data_dir, session.id)


async def test_wrong_or_old_code_is_a_plain_404_and_closing_refuses_connections(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with aiohttp.ClientSession() as http:
            for wrong in (url[:-1] + ("A" if url[-1] != "A" else "B"), url.rsplit("/", 1)[0] + "/x", url.split("/j/")[0] + "/"):
                async with http.get(wrong) as response:
                    assert response.status == 404
                    assert "Room" not in await response.text()
        await pilot.press("x")  # close phone access, from the join screen
        await pilot.pause()
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectorError):
                await http.get(url)
        url2 = await open_phones(pilot)  # opened again: a new code; the old one is refused
        assert url2 != url
        async with aiohttp.ClientSession() as http:
            async with http.get(url.replace(url.split("/j/")[0], url2.split("/j/")[0])) as response:
                assert response.status == 404
            async with http.get(url2) as response:
                assert response.status == 200


async def test_the_server_stops_when_the_app_quits(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        await pilot.press("ctrl+q")
        await pilot.pause()
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientConnectorError):
            await http.get(url)


async def test_a_safeguarding_concern_from_a_phone_reaches_only_the_note(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            code, after = await phone.send("Mum's new partner shouts at the baby", safeguarding="yes", name="Sam")
            assert code == 200 and "facilitator only" in after
        await pilot.press("escape")
        await pilot.pause()
        assert "0 waiting" in await phones_line(pilot, "0 waiting")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not any("shouts" in line for line in shown(pilot))
    note = safeguarding_note_path(data_dir, session.id).read_text()
    assert "Mum's new partner shouts at the baby" in note and "Said by: Sam" in note
    assert "shouts" not in export_md(data_dir, session.id)


async def test_a_form_without_its_token_is_refused(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            await phone.page()  # has its cookie, but sends no token
            async with phone.http.post(url, data={"text": "forged"}) as response:
                assert response.status == 403
            async with phone.http.post(url, data={"text": "forged", "csrf": "0" * 64}) as response:
                assert response.status == 403
        async with aiohttp.ClientSession() as stranger:  # a token copied from another phone, without its cookie
            async with Phone(url) as phone:
                _, page = await phone.page()
            token = page.split('name="csrf" value="')[1].split('"')[0]
            async with stranger.post(url, data={"text": "forged", "csrf": token}) as response:
                assert response.status == 403
        await pilot.pause()
        assert session_screen(pilot).waiting_items() == []


async def test_bounds_body_size_text_length_and_rate(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        screen = session_screen(pilot)
        async with Phone(url) as phone:
            code, page = await phone.send("x" * 200_000)
            assert code == 413
            assert "more than this page can send at once" in page and "<style>" in page  # in the page's own look

            async def chunks():  # no length given beforehand: the server stops reading at its bound
                yield b"csrf=0&text="
                for _ in range(200):
                    yield b"z" * 1000

            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            async with phone.http.post(url, data=chunks(), headers=headers) as response:
                assert response.status == 413
            code, page = await phone.send("y" * 2001)
            assert code == 400 and "longer than 2000 characters" in page
            assert "y" * 2001 in page  # what was written is given back to shorten, not lost
        screen._phones.per_minute = 5
        async with Phone(url) as phone:
            codes = []
            for n in range(6):
                async with phone.http.get(url) as response:
                    codes.append(response.status)
            assert codes[-1] == 429 and 200 in codes
        assert screen.waiting_items() == []


async def test_a_full_room_turns_the_next_phone_away(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        session_screen(pilot)._phones.max_phones = 2
        async with Phone(url) as a, Phone(url) as b, Phone(url) as c:
            assert (await a.open())[0] == 200
            assert (await b.open())[0] == 200
            code, page = await c.page()
            assert code == 503 and "The room is full" in page
            assert (await a.page())[0] == 200  # a phone that joined stays in
        await pilot.press("escape")
        assert "Phones open · 2 phones joined · 0 waiting" in await phones_line(pilot, "Phones open · 2 phones joined · 0 waiting")


async def test_a_flood_of_phones_while_the_facilitator_types(store, clock, library, data_dir):
    """Ten phones sending five each at once: the box keeps every letter typed meanwhile, and every item a phone
    was told was received is waiting."""
    import asyncio

    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        received: list[str] = []

        async def phone(n: int) -> None:
            async with Phone(url) as p:
                for k in range(5):
                    code, page = await p.send(f"phone {n} item {k}")
                    if code == 200 and "Received" in page:
                        received.append(f"phone {n} item {k}")

        phones = asyncio.gather(*(phone(n) for n in range(10)))
        await pilot.press(*"while the phones send")
        await phones
        await pilot.pause()
        box = session_screen(pilot).query_one("#contribution")
        assert box.value == "while the phones send"
        assert len(received) == 50
        assert "50 waiting" in await phones_line(pilot, "50 waiting")
        assert {c.text for c in session_screen(pilot).waiting_items()} == set(received)


async def test_ending_the_session_stops_the_server_and_says_what_was_never_shown(store, clock, library, data_dir):
    from facilitator.tui.screens.dialogs import EndedScreen

    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            assert (await phone.send("never shown to the room"))[0] == 200
        await pilot.press("escape")
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(20):
            if isinstance(app.screen, EndedScreen):
                break
            if app.screen.__class__.__name__.startswith("Redaction") or hasattr(app.screen, "identifiers"):
                await pilot.press("enter")
            await pilot.pause(0.1)
        assert isinstance(app.screen, EndedScreen)
        notes = [n.message for n in app._notifications]
        assert any(n.startswith("1 contribution from phones was never shown, so it is not in the record") for n in notes)
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectorError):
                await http.get(url)


async def test_not_saved_the_phone_keeps_its_text_and_the_facilitator_is_told(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        store.read_only = True  # as when the disk is full or the folder cannot be written
        async with Phone(url) as phone:
            code, page = await phone.send("Grandma's kitchen table visits")
        assert code == 503
        assert "Not received" in page and "Grandma&#x27;s kitchen table visits" in page
        assert str(data_dir) not in page
        assert "A phone's contribution was not saved" in status(pilot)
        store.read_only = False
        assert session_screen(pilot).waiting_items() == []


async def test_by_default_it_listens_on_this_machines_network_address_only(store, clock, library, data_dir):
    from facilitator.phones import lan_address

    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "settings.toml").write_text("[phones]\nport = 0\n")  # the address left to the app
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        server = session_screen(pilot)._phones
        assert server.host == lan_address() != "0.0.0.0"
        assert url.startswith(f"http://{lan_address()}:")
        async with Phone(url) as phone:
            assert (await phone.page())[0] == 200


async def test_a_port_that_is_not_a_number_is_reported_and_the_default_used(store, clock, library, data_dir):
    local_phones(data_dir)
    (data_dir / "settings.toml").write_text('[phones]\naddress = "127.0.0.1"\nport = "eighty"\n')
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert any("[phones] port is 'eighty'" in n and "port 8765" in n for n in notes), notes


async def test_overrides_sent_by_a_phone_are_left_out_and_the_record_reads_as_sent(store, clock, library, data_dir):
    """Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) would make a line show in another
    order on the projector and in the record: what a phone sends is kept without them, in the text and the name."""
    overrides = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            code, page = await phone.send("Nan \u2067took her\u2069 to \u202eloohcs\u202c \u202aevery\u202c day",
                                          name="\u2066Jo\u2069")
            assert code == 200 and "Received" in page
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        line = next(line for line in shown(pilot) if "Nan" in line)
        assert "Jo: Nan took her to loohcs every day" in line, line
        assert not any(ch in line for ch in overrides)
    record = export_md(data_dir, session.id)
    assert "Nan took her to loohcs every day" in record
    assert [f"U+{ord(ch):04X}" for ch in record if ch in overrides] == []
