"""Shared steps for the phones tests: the real app under Pilot with its phone server on 127.0.0.1, and a real
HTTP client (aiohttp) acting as a phone."""

from __future__ import annotations

import re

import aiohttp

from tests.room.helpers import open_app, session_screen  # noqa: F401 - re-exported for the tests


def local_phones(data_dir, extra: str = "", port: int = 0) -> None:
    """settings.toml: phones on this machine only, on a free port (a new one each opening, unless ``port``)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "settings.toml").write_text(f'[phones]\naddress = "127.0.0.1"\nport = {port}\n{extra}')


async def open_phones(pilot) -> str:
    """Press f10 (open to phones, show the join screen) and return the address the screen shows."""
    await pilot.press("f10")
    await pilot.pause()
    from facilitator.tui.screens.phones import JoinScreen

    assert isinstance(pilot.app.screen, JoinScreen), pilot.app.screen
    return str(pilot.app.screen.query_one("#join-address").render())


async def open_vote(pilot, items=("Share the visit plan", "Book interpreters early")) -> str:
    """Record ``items`` in the current phase, press f12 (a dot vote on them, open to phones) and return the
    phones' address."""
    from facilitator.tui.screens.phones import VoteScreen
    from tests.room.helpers import say

    for text in items:
        await say(pilot, text)
    await pilot.press("f12")
    await pilot.pause()
    assert isinstance(pilot.app.screen, VoteScreen), pilot.app.screen
    return session_screen(pilot).phones_url


class Phone:
    """One phone: its own cookie jar, reading the page and sending its form as a browser would."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def __aenter__(self) -> "Phone":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.close()

    async def page(self) -> tuple[int, str]:
        async with self.http.get(self.url) as response:
            return response.status, await response.text()

    async def open(self) -> tuple[int, str]:
        """Open the page as a browser does: the page, then its small script asking for the current question a
        few seconds later (which is when the phone takes its place in the room)."""
        status, page = await self.page()
        if status == 200:
            async with self.http.get(self.url + "/phase") as response:
                await response.text()
        return status, page

    async def send(self, text: str = "", **fields: str) -> tuple[int, str]:
        """Open the page, fill its form (with its hidden fields), send it; the status and page after."""
        status, page = await self.page()
        assert status == 200, page
        form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
        # (the dot vote's page has a form for a concern alone, marked by a hidden field: a send of ordinary text,
        # as from a page opened before the vote, does not carry it)
        form.pop("safeguarding", None)
        form.update(text=text, **fields)
        async with self.http.post(self.url, data=form) as response:
            return response.status, await response.text()
