"""A dot vote's votes a phone has spent stay spent when phone access is closed and opened again, and when the app
is started again with the vote open: the same phone is known again (by its cookie, signed with the session's
key), while a phone new to the vote still has all its votes."""

from __future__ import annotations

import re

from tests.conftest import until
from tests.room.helpers import palette, resumed
from .helpers import Phone, local_phones, open_app, open_phones, open_vote
from .test_vote import vote


async def test_a_phone_that_spent_its_votes_gets_none_again_after_reopening_or_a_restart(store, clock, library,
                                                                                          data_dir):
    local_phones(data_dir, extra="votes = 2\n")
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    phone = Phone("")  # one browser throughout, with its cookies
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            phone.url = await open_vote(pilot)
            assert (await vote(phone, "Share the visit plan"))[0] == 200
            code, page = await vote(phone, "Share the visit plan")
            assert code == 200 and "You have used all your 2 votes" in page, page
            await pilot.press("escape")
            await palette(pilot, "Phones: close phone access")
            url = await open_phones(pilot)  # opened again: a new address, scanned again
            assert url != phone.url
            phone.url = url
            _, page = await phone.page()
            assert "You have used all your 2 votes" in page, page
            code, page = await vote(phone, "Book interpreters early")
            assert code == 400 and "used your 2 votes" in page, page
        store.close()
        async with resumed(data_dir, clock, session.id) as (again, app, pilot):  # ctrl+q, then resume
            phone.url = await open_phones(pilot)
            _, page = await phone.page()
            assert "You have used all your 2 votes" in page, page
            code, page = await vote(phone, "Book interpreters early")
            assert code == 400 and "used your 2 votes" in page, page
            async with Phone(phone.url) as newcomer:  # a phone new to the vote has its votes
                code, page = await vote(newcomer, "Book interpreters early")
                assert code == 200 and "You have 1 of 2 votes left" in page, page
            await pilot.press("escape")
            await pilot.press("f12")
            bars = lambda: str(app.screen.query_one("#vote-bars").render())  # noqa: E731
            await until(pilot, lambda: re.search(r"Book interpreters early\n\s+█+ 1", bars()))
            assert re.search(r"Share the visit plan\n\s+█+ 2", bars()), bars()
    finally:
        await phone.http.close()
