"""A device on the wifi holding connections open (slowloris: a request's headers sent a line at a time, never
finished), with the usual desktop limit of 1,024 open files: the facilitator's typing is still saved, the
connections are closed within a few seconds, and then a phone sends as before. And when files do run out, the
refusal says what happened, not to free disk space."""

from __future__ import annotations

import asyncio
import re
import resource
import sys
from pathlib import Path

from textual.widgets import Input

from facilitator.store import NotSavedError

from .helpers import Phone, local_phones, open_app, open_phones, session_screen

HOLD_OPEN = Path(__file__).with_name("hold_open.py")


async def test_connections_held_open_never_stop_the_facilitator_saving_and_are_closed(store, clock, library, data_dir):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))  # a desktop's usual limit (ulimit -n 1024)
    try:
        local_phones(data_dir)
        session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
        async with app.run_test(size=(160, 45)) as pilot:
            url = await open_phones(pilot)
            await pilot.press("escape")
            host, path = url[len("http://"):].split("/", 1)
            address, port = host.rsplit(":", 1)
            device = await asyncio.create_subprocess_exec(
                sys.executable, str(HOLD_OPEN), address, port, "/" + path, "1100", "6",
                stdout=asyncio.subprocess.PIPE)
            try:
                assert device.stdout is not None
                line = (await device.stdout.readline()).decode()
                assert line.startswith("open "), line
                await pilot.pause(0.3)
                # the facilitator types while the connections are held: saved, as ever
                box = session_screen(pilot).query_one("#contribution", Input)
                box.focus()
                box.value = "typed while a device holds connections open"
                await pilot.press("enter")
                await pilot.pause()
                status = str(session_screen(pilot).query_one("#status").render())
                assert "Not saved" not in status, status
                assert any(c.text == "typed while a device holds connections open"
                           for c in session_screen(pilot).session.contributions)
                server = session_screen(pilot)._phones  # connections held: well below the file limit
                assert len(server._runner.server.connections) <= server.max_connections < 1024 // 4
                # within a few seconds every held connection is closed by the app
                alive = None
                while True:
                    line = (await asyncio.wait_for(device.stdout.readline(), 10)).decode()
                    if not line.startswith("alive"):
                        break
                    alive = int(line.split()[1])
                    if alive == 0:
                        break
                assert alive == 0, line
            finally:
                if device.returncode is None:
                    device.kill()
                await device.wait()
            async with Phone(url) as phone:  # and a phone sends as before
                status, page = await phone.send("sent once they were closed")
                assert status == 200 and "Received" in page, page
            await pilot.pause(0.3)
            assert [c.text for c in session_screen(pilot).waiting_items()] == ["sent once they were closed"]
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


async def test_out_of_files_the_refusal_says_so_and_nothing_typed_is_lost(store, clock, library, data_dir):
    """Every file the process may open in use (whatever opened them): what is typed is refused in one sentence that
    says so, without sending anyone to free disk space, and kept in the box; saved once files are free again."""
    import os

    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        box = session_screen(pilot).query_one("#contribution", Input)
        box.focus()
        box.value = "typed while files ran out"
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 2048), hard))
        taken = []
        try:
            while True:
                try:
                    taken.append(os.open(os.devnull, os.O_RDONLY))
                except OSError:
                    break
            await pilot.press("enter")
        finally:
            for fd in taken:
                os.close(fd)
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        await pilot.pause()
        status = str(session_screen(pilot).query_one("#status").render())
        assert status.startswith("Not saved: this computer has too many files and connections open at once"), status
        assert "nothing is lost" in status and "free some space" not in status, status
        assert box.value == "typed while files ran out"
        await pilot.press("enter")
        await pilot.pause()
        assert any(c.text == "typed while files ran out" for c in session_screen(pilot).session.contributions)


async def raw_answer(address: str, port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection(address, port)
    try:
        writer.write(data)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()


async def test_a_request_the_parser_refuses_gets_one_plain_sentence_and_no_software_name(store, clock, library,
                                                                                          data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"))
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        host, path = url[len("http://"):].split("/", 1)
        address, port = host.rsplit(":", 1)
        requests = {
            "https on this port": b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03garbage\r\n\r\n",
            "bad request line": b"GET\r\n\r\n",
            "huge header": f"GET /{path} HTTP/1.1\r\nHost: x\r\nX-A: {'a' * 100_000}\r\n\r\n".encode(),
            "many headers": (f"GET /{path} HTTP/1.1\r\nHost: x\r\n" + "".join(f"X-{i}: a\r\n" for i in range(500))
                             + "\r\n").encode(),
        }
        for what, data in requests.items():
            answer = await raw_answer(address, int(port), data)
            head, _, body = answer.partition(b"\r\n\r\n")
            status = head.split(b"\r\n")[0]
            assert re.match(rb"HTTP/1\.[01] 4\d\d ", status), (what, answer[:300])
            assert b"\r\nServer: facilitator\r\n" in head, (what, head)
            assert not re.search(rb"aiohttp|Python|Expected|Received|Too many|line|b'", body), (what, body)
            text = body.decode().strip()
            assert text.count(".") == 1 and text.endswith("facilitator's screen."), (what, text)
        async with Phone(url) as phone:  # and the page is as ever
            assert (await phone.page())[0] == 200
