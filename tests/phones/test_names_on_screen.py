"""What phones sent reaches the projected screen with the session's names list applied, as the phones themselves
are shown it: after ctrl+r (the session's list, projector mode, the whole session), in the one-by-one review
and on the dot vote's screen. What the facilitator typed is shown as typed, and both are stored as they were."""

from __future__ import annotations

import re

from textual.widgets import Static

from facilitator.tui.screens.phones import VoteScreen, WaitingScreen

from tests.conftest import build_app
from tests.room.helpers import say, shown
from .helpers import Phone, local_phones, open_phones, session_screen
from .test_second_look import session_with_names

NAMES = {"Jayden": "Child A", "Mary-Jane": "Mother"}


def screen_text(pilot) -> str:
    """Every Static on the screen on top, as drawn."""
    return "\n".join(str(widget.render()) for widget in pilot.app.screen.query(Static))


async def test_phone_items_shown_by_ctrl_r_have_the_names_list_applied(store, clock, library, data_dir):
    local_phones(data_dir)
    app = build_app(store, clock, open_session_id=session_with_names(
        store, clock, library.get("serious-success-review"), "learning-actions", "Room", NAMES).id)
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        async with Phone(url) as phone:
            status, page = await phone.send("Book review meeting with jayden", owner="Mary-Jane", tell="Jayden's GP",
                                            name="Mary-Jane")
            assert status == 200 and "Received" in page, page
        await say(pilot, "Jayden said it helped")  # the facilitator's own typing
        await pilot.pause(0.3)
        await pilot.press("ctrl+r")
        await pilot.pause()
        room = "\n".join(shown(pilot))
        assert "Mother: Book review meeting with Child A" in room, room
        assert "owner: Mother" in room and "Child A's GP" in room, room
        assert "Jayden said it helped" in room  # typed by the facilitator: as typed
        assert not re.search("jayden|mary", room.replace("Jayden said it helped", ""), re.I), room
        await pilot.press("f2")  # projector mode: the same
        await pilot.pause()
        room = "\n".join(shown(pilot))
        assert "Book review meeting with Child A" in room and "jayden" not in room, room
        await pilot.press("f8")  # the whole session
        await pilot.pause()
        whole = screen_text(pilot)
        assert "Book review meeting with Child A" in whole and "jayden" not in whole, whole
        assert "Mary" not in whole, whole
        await pilot.press("escape")
        await pilot.pause()
        # stored as sent, as what is typed is; the record applies the list
        stored = next(c for c in session_screen(pilot).session.contributions if c.speaker == "Mary-Jane")
        assert stored.text == "Book review meeting with jayden" and stored.fields["owner"] == "Mary-Jane"


async def test_the_one_by_one_review_and_the_dot_vote_show_phone_items_with_the_names_list(
        store, clock, library, data_dir):
    local_phones(data_dir)
    app = build_app(store, clock, open_session_id=session_with_names(
        store, clock, library.get("serious-success-review"), "learning-actions", "Room", NAMES).id)
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        async with Phone(url) as phone:
            for text in ("Book review meeting with jayden", "Ask Mary-Jane about school"):
                status, page = await phone.send(text)
                assert status == 200, page
        await pilot.pause(0.3)
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(pilot.app.screen, WaitingScreen)
        await pilot.press("enter")  # the projector blanked: read them
        await pilot.pause()
        item = str(pilot.app.screen.query_one("#waiting-item").render())
        assert item == "Book review meeting with Child A", item
        await pilot.press("enter")  # shown to the room
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await say(pilot, "Monthly case huddle")
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(pilot.app.screen, VoteScreen)
        bars = str(pilot.app.screen.query_one("#vote-bars").render())
        assert "Book review meeting with Child A" in bars and "Ask Mother about school" in bars, bars
        assert not re.search("jayden|mary", bars, re.I), bars
        async with Phone(url) as phone:  # the phones are shown the same
            _, page = await phone.page()
            assert "Book review meeting with Child A" in page and "jayden" not in page.lower()


async def test_editing_a_phone_item_shows_it_as_the_room_sees_it_and_keeps_what_is_not_changed(
        store, clock, library, data_dir):
    """e on a phone's item opens the edit dialog on the projector: it holds the words with the names list applied,
    as the list showed them. A field left alone is kept as sent; the text saved is what the box holds."""
    from textual.widgets import Input

    from facilitator.tui.screens.contribution_dialogs import EditContributionScreen

    local_phones(data_dir)
    app = build_app(store, clock, open_session_id=session_with_names(
        store, clock, library.get("serious-success-review"), "learning-actions", "Room", NAMES).id)
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        async with Phone(url) as phone:
            status, page = await phone.send("Book review meeting with jayden", owner="Mary-Jane", tell="Jayden's GP")
            assert status == 200 and "Received" in page, page
        await pilot.pause(0.3)
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("up")  # into the list: the phone's item is chosen
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, EditContributionScreen)
        boxes = {box.id: box.value for box in pilot.app.screen.query(Input)}
        assert boxes["edit-text"] == "Book review meeting with Child A", boxes
        assert not re.search("jayden|mary", " ".join(boxes.values()), re.I), boxes
        pilot.app.screen.query_one("#edit-text", Input).value = "Book a review meeting with Child A"
        await pilot.press("enter")
        await pilot.pause()
        stored = next(c for c in session_screen(pilot).session.contributions if "review meeting" in c.text)
        assert stored.text == "Book a review meeting with Child A"
        assert stored.fields["owner"] == "Mary-Jane" and stored.fields["tell"] == "Jayden's GP"  # not changed: as sent
        room = "\n".join(shown(pilot))
        assert not re.search("jayden|mary", room, re.I), room
        await pilot.press("ctrl+z")  # the status line says what was undone, in the words the room saw
        await pilot.pause()
        said = str(session_screen(pilot).query_one("#status", Static).render())
        assert said.startswith("Undone: change to “Book review meeting with Child A”"), said
        assert session_screen(pilot).session.contributions[-1].text == "Book review meeting with jayden"


async def test_the_tag_and_move_dialogs_show_a_phones_item_with_the_names_list_applied(store, clock, library, data_dir):
    """t and m on a phone's item showed its words as sent ("… with jayden") in the dialog on the projector, where the
    list, the edit dialog and every confirmation applied the names list."""
    from facilitator.tui.screens.contribution_dialogs import MoveScreen, TagScreen

    local_phones(data_dir)
    app = build_app(store, clock, open_session_id=session_with_names(
        store, clock, library.get("serious-success-review"), "learning-actions", "Room", NAMES).id)
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        async with Phone(url) as phone:
            status, page = await phone.send("Book review meeting with jayden", owner="Mary-Jane")
            assert status == 200 and "Received" in page, page
        await pilot.pause(0.3)
        await pilot.press("ctrl+r")
        await pilot.pause()
        for key, dialog in (("t", TagScreen), ("m", MoveScreen)):
            await pilot.press("up", key)
            await pilot.pause()
            assert isinstance(pilot.app.screen, dialog)
            words = screen_text(pilot)
            assert "Book review meeting with Child A" in words and "jayden" not in words.lower(), words
            await pilot.press("escape")
            await pilot.pause()
