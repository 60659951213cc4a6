"""kill -9 of the app while phones send: everything a phone was told "received" is there when the app opens
again, waiting, and reaches the record once shown."""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator.session_ops import start_session
from facilitator.store import Store

from tests.conftest import build_app
from .helpers import Phone, local_phones
from .test_join import export_md, phones_line

DRIVER = Path(__file__).with_name("app_driver.py")


async def phones_sending(url: str, phones: int, each: int, received: list[str], stop_after: int) -> None:
    async def one(n: int) -> None:
        async with Phone(url) as phone:
            for k in range(each):
                text = f"phone {n} item {k}"
                try:
                    code, page = await phone.send(text)
                except Exception:  # the app was killed: this one was never acknowledged
                    return
                if code == 200 and "Received" in page:
                    received.append(text)

    tasks = [asyncio.create_task(one(n)) for n in range(phones)]
    while len(received) < stop_after and not all(t.done() for t in tasks):
        await asyncio.sleep(0.005)
    return tasks


def run_once(tmp_path: Path, library, rng: random.Random) -> tuple[list[str], int, str]:
    """Phones send to the app in a process of its own, which is killed (SIGKILL) while they do; then the app opens
    the session again, and ctrl+r shows what was waiting. Returns (what the phones were told was received, the
    waiting count the phones line showed after the restart, the record as `facilitator export` writes it)."""
    data_dir = tmp_path / "data"
    local_phones(data_dir, extra="")
    store = Store(data_dir).open()
    session = start_session(store, library.get("serious-success-review"), clock=store.clock, title="Room",
                            ground_rules_agreed=True)
    store.close()
    proc = subprocess.Popen([sys.executable, str(DRIVER), str(data_dir), session.id],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("URL "), proc.stderr.read() if proc.poll() is not None else line
        url = line.split()[1]
        received: list[str] = []

        async def send_then_kill() -> None:
            tasks = await phones_sending(url, phones=6, each=15, received=received, stop_after=rng.randint(5, 60))
            proc.kill()  # SIGKILL, while the phones are still sending
            await asyncio.gather(*tasks)

        asyncio.run(send_then_kill())
    finally:
        proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    shown: list[int] = []

    async def reopen() -> None:
        store = Store(data_dir).open()
        try:
            app = build_app(store, store.clock, open_session_id=session.id)
            async with app.run_test(size=(160, 45)) as pilot:
                await pilot.pause()
                line = await phones_line(pilot, " waiting")
                shown.append(int(line.split(" waiting")[0].rsplit(" ", 1)[1]))
                await pilot.press("ctrl+r")
                await pilot.pause()
        finally:
            store.close()

    asyncio.run(reopen())
    return received, shown[0], export_md(data_dir, session.id)


def test_kill_9_while_phones_send_loses_nothing_received(tmp_path, library):
    received, waiting, record = run_once(tmp_path, library, random.Random(16))
    # Every item a phone was told "received" is waiting after the restart, and in the record once shown.
    assert received, "no phone was told received before the kill"
    assert waiting >= len(received), f"{waiting} waiting after the restart, {len(received)} received"
    lost = [text for text in received if text not in record]
    assert not lost, f"{len(lost)} of {len(received)} received items lost: {lost[:5]}"


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10))
def test_kill_9_while_phones_send_loses_nothing_received_many_times(tmp_path, library, seed):
    received, waiting, record = run_once(tmp_path, library, random.Random(seed))
    assert received, "no phone was told received before the kill"
    assert waiting >= len(received), f"{waiting} waiting after the restart, {len(received)} received"
    lost = [text for text in received if text not in record]
    assert not lost, f"{len(lost)} of {len(received)} received items lost: {lost[:5]}"
