"""A safeguarding concern sent from a phone keeps every box the phone filled in (an action's owner, due date and
who hears; a rating and its reason), in the facilitator-only note, and none of it reaches the record."""

from __future__ import annotations

from facilitator.store.notes import safeguarding_note_path

from tests.room.helpers import shown
from .helpers import Phone, local_phones, open_app, open_phones
from .test_join import export_md


async def test_every_box_of_a_concern_from_a_phone_is_in_the_note_and_none_in_the_record(store, clock, library,
                                                                                         data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("signs-of-safety-group-supervision"), "next-steps")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            code, after = await phone.send("Concern about home", owner="DETAIL IN OWNER: uncle visits at night",
                                           due="whenever he is back", tell="DSL Karen", safeguarding="yes")
            assert code == 200 and "facilitator only" in after, after  # a due that is not a date: not refused
        await pilot.press("escape")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not any("uncle" in line or "Concern" in line for line in shown(pilot))
    note = safeguarding_note_path(data_dir, session.id).read_text()
    assert "    Concern about home" in note, note
    assert "    owner: DETAIL IN OWNER: uncle visits at night" in note, note
    assert "    due: whenever he is back" in note and "    who hears: DSL Karen" in note, note
    record = export_md(data_dir, session.id)
    assert "uncle" not in record and "Karen" not in record and "Concern about home" not in record


async def test_a_concern_sent_from_a_scaling_page_keeps_its_rating(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("signs-of-safety-group-supervision"), "scaling")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            code, after = await phone.send("Not safe at weekends", rating="2", safeguarding="yes")
            assert code == 200 and "facilitator only" in after, after
    note = safeguarding_note_path(data_dir, session.id).read_text()
    assert "    Not safe at weekends" in note and "    rating: 2" in note, note
