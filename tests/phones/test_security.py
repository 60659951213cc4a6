"""Someone trying to get in who should not: the phone cookie's attributes, a form from another site refused, no
request writing anywhere but the phones' folder and the session's own files, the security headers on every
answer (404, 405, 413, 429 included), and the Content-Security-Policy blocking any inline script but the page's
own, in a real browser."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path

import aiohttp
import pytest

from facilitator.web.page import CSP

from .helpers import Phone, local_phones, open_app, open_phones, session_screen

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Server": "facilitator",
}


def files_of(data_dir: Path) -> dict[str, tuple[int, int]]:
    """Every file under the data folder with its size and modification time."""
    out = {}
    for root, _, names in os.walk(data_dir):
        for name in names:
            path = Path(root, name)
            st = path.stat()
            out[str(path.relative_to(data_dir))] = (st.st_size, st.st_mtime_ns)
    return out


async def test_the_cookie_is_http_only_strict_and_only_for_the_phones_pages(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        path = "/j/" + url.rsplit("/j/", 1)[1]
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as response:
                cookie = response.headers["Set-Cookie"]
        assert re.match(r"phone=[A-Za-z0-9_-]{20,};", cookie), cookie
        attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
        assert "httponly" in attributes
        assert attributes["samesite"].lower() == "samesite=strict"
        assert attributes["path"] == "Path=/j/"  # the phones' pages only (each opening's address is under it)
        assert path.startswith("/j/")
        assert "domain" not in attributes and "expires" not in attributes and "max-age" not in attributes


async def test_a_form_posted_from_another_site_without_the_cookie_is_refused(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:  # a real phone's token, as a page on another site might have copied it
            _, page = await phone.page()
        form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
        form["text"] = "posted by another site"
        async with aiohttp.ClientSession() as other_site:  # a browser sends no Strict cookie from another site
            async with other_site.post(url, data=form, headers={"Origin": "http://evil.example",
                                                                "Referer": "http://evil.example/"}) as response:
                assert response.status == 403
                assert "This page is out of date" in await response.text()
        await pilot.pause()
        assert session_screen(pilot).waiting_items() == []


async def test_no_request_writes_outside_the_phones_folder_or_the_sessions_own_files(store, clock, library, data_dir):
    from facilitator.store.notes import safeguarding_note_path

    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        await pilot.pause(0.5)
        before = files_of(data_dir)
        base, code = url.split("/j/")
        async with Phone(url) as phone:
            _, page = await phone.page()
            form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
            hostile = [
                {"phase": "../../../../tmp/evil", "text": "a"},
                {"phase": "/etc/passwd", "text": "b", "id": "../../evil", "session": "../evil"},
                {"phase": session.phase.id, "text": "c", "name": "../../evil", "owner": "../x"},
                {"vote": "../../evil"},
                {"text": "d", "safeguarding": "yes", "phase": "..\\..\\evil"},
            ]
            for extra in hostile:
                async with phone.http.post(url, data={**form, **extra}) as response:
                    assert response.status in (200, 400), extra
            upload = aiohttp.FormData({**form, "text": "with a file"})
            upload.add_field("file", b"x" * 4000, filename="../../evil.txt", content_type="text/plain")
            async with phone.http.post(url, data=upload) as response:  # a file: refused before it is read
                assert response.status == 415
                assert response.headers["Content-Security-Policy"] == CSP
            async with aiohttp.ClientSession() as http:
                for path in (f"/j/{code}/../../evil", f"/j/{code}/%2e%2e/%2e%2e/evil", f"/j/..%2f..%2f{code}",
                             "/../../etc/passwd", f"/j/{code}/phase/../../x", "/static/../../x"):
                    async with http.post(base + path, data=form) as response:
                        assert response.status in (403, 404, 405), path
        await pilot.pause(2.5)  # the session's own file is written a moment after its journal
    after = files_of(data_dir)
    changed = {name for name in after if before.get(name) != after[name]}
    allowed = {
        f"phones/{session.id}.jsonl",
        f"sessions/{session.id}.journal.jsonl",
        f"sessions/{session.id}.json",
        str(safeguarding_note_path(data_dir, session.id).relative_to(data_dir)),
    }
    assert changed <= allowed | {n for n in changed if n.startswith(f"drafts/{session.id}")}, changed - allowed
    assert f"phones/{session.id}.jsonl" in changed
    assert not [n for n in after if "evil" in n]
    assert not list(data_dir.parent.glob("**/evil*")) and not Path("/tmp/evil").exists()


async def test_every_answer_carries_the_security_headers(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        base = url.split("/j/")[0]
        seen: dict[str, int] = {}

        def check(what: str, response: aiohttp.ClientResponse) -> None:
            seen[what] = response.status
            for name, value in HEADERS.items():
                assert response.headers.get(name) == value, (what, response.status, name, dict(response.headers))

        async with Phone(url) as phone:
            async with phone.http.get(url) as response:
                check("page", response)
            async with phone.http.get(url + "/phase") as response:
                check("phase", response)
            for what, target in (("unknown path", base + "/"), ("wrong code", url[:-2] + "zz"),
                                 ("favicon", base + "/favicon.ico")):
                async with phone.http.get(target) as response:
                    check(what, response)
            async with phone.http.put(url, data="x") as response:
                check("wrong method", response)
            async with phone.http.post(url, data={"text": "x" * 200_000}) as response:
                check("too large", response)
            async with phone.http.post(url, data={"text": "no token"}) as response:
                check("no token", response)
            session_screen(pilot)._phones.per_minute = 1
            async with phone.http.get(url) as response:
                check("too many", response)
        assert seen == {"page": 200, "phase": 200, "unknown path": 404, "wrong code": 404, "favicon": 404,
                        "wrong method": 405, "too large": 413, "no token": 403, "too many": 429}


CHROMIUM = shutil.which("chromium")
INJECTED = "document.body.setAttribute('data-injected','ran')"
DRIVER = shutil.which("chromedriver")


@pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="needs Debian's chromium and chromium-driver")
async def test_the_policy_blocks_any_inline_script_but_the_pages_own(store, clock, library, data_dir, monkeypatch):
    """Were any text ever to reach the page unescaped, the browser would still run no script of it."""
    from selenium.webdriver.common.by import By

    import facilitator.web.server as server
    from .test_browser import browser

    real = server.render_page

    def with_injection(*args, **kwargs) -> str:
        page = real(*args, **kwargs)
        return page.replace(
            "</main>",
            f"<script>{INJECTED}</script>"
            "<img id=\"probe\" src=\"x\" onerror=\"document.body.setAttribute('data-handler','ran')\">"
            "<p id=\"styled\" style=\"color:rgb(255,0,0)\">x</p></main>",
        )

    monkeypatch.setattr(server, "render_page", with_injection)
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        driver = await asyncio.to_thread(browser)
        try:
            def look() -> dict:
                driver.get(url)
                return {
                    "injected": driver.find_element(By.TAG_NAME, "body").get_attribute("data-injected"),
                    "handler": driver.find_element(By.TAG_NAME, "body").get_attribute("data-handler"),
                    "styled": driver.find_element(By.ID, "styled").value_of_css_property("color"),
                    "button": driver.find_element(By.TAG_NAME, "button").value_of_css_property("background-color"),
                    "console": [entry["message"] for entry in driver.get_log("browser")],
                }

            seen = await asyncio.to_thread(look)
        finally:
            await asyncio.to_thread(driver.quit)
    assert seen["injected"] is None and seen["handler"] is None
    assert seen["styled"] != "rgba(255, 0, 0, 1)"
    assert seen["button"] == "rgba(26, 77, 143, 1)"  # the page's own style, allowed by its hash
    refused = [m for m in seen["console"] if "Content Security Policy" in m]
    from facilitator.web.page import SCRIPT, _hash

    # the browser names the hash of each inline script it blocked: the one put in, never the page's own
    assert any(f"a hash ({_hash(INJECTED)})" in m for m in refused), refused
    assert not any(f"a hash ({_hash(SCRIPT)})" in m for m in refused), refused


async def test_a_phone_that_never_finishes_sending_cannot_hold_closing_phone_access(store, clock, library, data_dir):
    """Half a request held open (a body promised and never sent, headers never finished): closing phone access
    still answers at once, and nothing listens afterwards."""
    import time

    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        host, path = url[len("http://"):].split("/", 1)
        address, port = host.rsplit(":", 1)
        held = []
        for head in (f"POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     "Content-Length: 1000\r\n\r\ncsrf=", f"GET /{path} HTTP/1.1\r\nHost: {host}\r\n"):
            reader, writer = await asyncio.open_connection(address, int(port))
            writer.write(head.encode())
            await writer.drain()
            held.append(writer)
        await asyncio.sleep(0.3)
        started = time.monotonic()
        await pilot.press("x")  # close phone access, from the join screen
        await pilot.pause()
        took = time.monotonic() - started
        assert took < 2.5, took
        assert "Phone access closed" in str(session_screen(pilot).query_one("#status").render())
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectorError):
                await http.get(url)
        for writer in held:
            writer.close()
        # Opened again: the status line no longer says it is closed, under the line saying the phones are open.
        await open_phones(pilot)
        status = str(session_screen(pilot).query_one("#status").render())
        assert "Phone access closed" not in status and "Phone access open" in status, status
