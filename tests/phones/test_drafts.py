"""Nothing typed or chosen on a phone's page is lost: in a real browser (headless chromium, as test_browser.py)
against the real app under Pilot.

- Send pressed after phone access closed, or after the app went (quit, session ended), stays on the page with
  the text and says why it was not sent (before, the browser's error page, and Back gave an empty page).
- The page tells a phone whose app no longer answers that the session may have ended, never to wait for phone
  access to open again.
- "Show the current question" and a reload put back what was typed (before, an empty box), until "Received".
- A chosen rating or a ticked safeguarding box keeps the page from following the room (before, only text did).
- A concern begun in the vote page's box comes back, still ticked as a concern, on the page after the vote.
"""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from .helpers import local_phones, open_app, open_phones, open_vote
from .test_browser import CHROMIUM, DRIVER, browser, send
from .test_join import phones_line

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="needs Debian's chromium and chromium-driver (apt install chromium chromium-driver)"
)


def _by():  # noqa: ANN202 - selenium's By, imported only where a browser runs
    from selenium.webdriver.common.by import By

    return By


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def value(driver, element_id: str) -> str:  # noqa: ANN001
    return driver.find_element(_by().ID, element_id).get_attribute("value")


def texts(driver, selector: str) -> list[str]:  # noqa: ANN001
    return [e.text for e in driver.find_elements(_by().CSS_SELECTOR, selector)]


def press_send_and_wait_for_not_sent(driver) -> dict:  # noqa: ANN001
    """Press Send on a page whose app no longer answers: what the page says under it, where the browser is, and
    what is still in the box."""
    from selenium.webdriver.support.ui import WebDriverWait

    before = driver.current_url
    driver.find_element(_by().TAG_NAME, "button").click()
    WebDriverWait(driver, 8).until(lambda d: d.find_elements(_by().ID, "unsent"))
    time.sleep(0.5)  # (a form wrongly let go would have left the page by now)
    return {"unsent": texts(driver, "#unsent"), "shut": texts(driver, "#shut"), "url": driver.current_url,
            "was": before, "kept": value(driver, "f-text"),
            "title": driver.title}


async def test_send_after_phone_access_closed_keeps_the_text_on_the_page(store, clock, library, data_dir):
    """Closed with x, Send pressed at once (before the page's next look at the room); then opened again with a new
    code, Send pressed again on the old page."""
    local_phones(data_dir, port=free_port())  # opened again on the same port, as on 8765 in a real room
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        driver = await asyncio.to_thread(browser)
        try:
            def open_and_type() -> None:
                driver.get(url)
                driver.find_element(_by().ID, "f-text").send_keys("The nurse rang every week")

            await asyncio.to_thread(open_and_type)
            await pilot.press("x")  # on the join screen: phone access closed
            await pilot.pause()
            closed = await asyncio.to_thread(press_send_and_wait_for_not_sent, driver)
            assert await open_phones(pilot) != url  # opened again: a new code
            reopened = await asyncio.to_thread(press_send_and_wait_for_not_sent, driver)
        finally:
            await asyncio.to_thread(driver.quit)
    assert closed["url"] == closed["was"], closed  # the browser never left the page
    assert closed["kept"] == "The nurse rang every week"
    assert closed["unsent"] == ["Not sent: phone access is closed, or this phone is off the wifi. "
                                "What you wrote is still here."]
    assert closed["shut"] and closed["shut"][0].startswith("Phone access is closed")
    assert reopened["url"] == reopened["was"] and reopened["kept"] == "The nurse rang every week"
    assert reopened["unsent"] == ["Not sent: this page's address is no longer open. What you wrote is still here."]
    assert "scan the code on the screen again" in reopened["shut"][0]


async def test_send_after_the_app_went_keeps_the_text_and_says_the_session_may_have_ended(
    store, clock, library, data_dir
):
    """The app closed (as after ctrl+q, or the session ended: nothing answers on the port any more), Send pressed
    on an action with its owner filled in."""
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    driver = await asyncio.to_thread(browser)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            url = await open_phones(pilot)

            def open_and_type() -> None:
                driver.get(url)
                driver.find_element(_by().ID, "f-text").send_keys("Share the visit plan with school")
                driver.find_element(_by().ID, "f-owner").send_keys("Team lead")

            await asyncio.to_thread(open_and_type)
        # the app is closed now
        seen = await asyncio.to_thread(press_send_and_wait_for_not_sent, driver)
        seen["owner"] = await asyncio.to_thread(value, driver, "f-owner")
    finally:
        await asyncio.to_thread(driver.quit)
    assert seen["url"] == seen["was"], seen
    assert seen["kept"] == "Share the visit plan with school" and seen["owner"] == "Team lead"
    assert seen["unsent"] == ["Not sent: phone access is closed, or this phone is off the wifi. "
                              "What you wrote is still here."]
    # never told only to wait for an opening that cannot come: the session may have ended
    assert seen["shut"] and "If the session has ended, copy it and tell the facilitator" in seen["shut"][0], seen


async def test_the_link_and_a_reload_put_back_what_was_typed_until_it_is_received(store, clock, library, data_dir):
    from selenium.webdriver.support.ui import WebDriverWait

    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        driver = await asyncio.to_thread(browser)
        try:
            def follow_link() -> None:
                driver.find_element(_by().LINK_TEXT, "Show the current question").click()
                WebDriverWait(driver, 8).until(lambda d: d.find_elements(_by().ID, "kept"))

            def type_then_link_then_reload() -> dict:
                driver.get(url)
                driver.find_element(_by().ID, "f-text").send_keys("Half way through a thought")
                driver.find_element(_by().ID, "f-name").send_keys("Sam")
                follow_link()
                seen = {"link": (value(driver, "f-text"), value(driver, "f-name")), "note": texts(driver, "#kept")}
                driver.refresh()
                WebDriverWait(driver, 8).until(lambda d: d.find_elements(_by().ID, "kept"))
                seen["reload"] = value(driver, "f-text")
                return seen

            seen = await asyncio.to_thread(type_then_link_then_reload)
            await pilot.press("ctrl+n")  # the room moves on to "Turning points": the link shows it, the text kept
            await pilot.pause()

            def link_then_send() -> dict:
                follow_link()
                moved = {"phase": texts(driver, "p.phase"), "text": value(driver, "f-text"),
                         "note": texts(driver, "#kept"), "received": send(driver)}
                driver.refresh()  # once received, the box is empty again: nothing is sent twice
                moved["after"] = value(driver, "f-text")
                moved["note after"] = texts(driver, "#kept")
                return moved

            moved = await asyncio.to_thread(link_then_send)
        finally:
            await asyncio.to_thread(driver.quit)
        assert "1 waiting" in await phones_line(pilot, "1 waiting")
    assert seen["link"] == ("Half way through a thought", "Sam")
    assert seen["note"] == ["What you wrote earlier is back in the boxes below. It has not been sent yet."]
    assert seen["reload"] == "Half way through a thought"
    assert moved["phase"][0].endswith("Turning points"), moved
    assert moved["text"] == "Half way through a thought"
    assert "The question has changed since" in moved["note"][0]
    assert moved["received"].startswith("Received.")
    assert moved["after"] == "" and moved["note after"] == []


async def test_a_chosen_rating_or_a_ticked_box_keeps_the_page_when_the_room_moves_on(store, clock, library, data_dir):
    """Two phones on the scaling question: one has only chosen a rating, the other only ticked the safeguarding
    box. The room moves on; neither page reloads (before, both did: nothing was typed in a text box)."""
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("signs-of-safety-group-supervision"), "scaling")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        rating, ticked = await asyncio.gather(asyncio.to_thread(browser), asyncio.to_thread(browser))
        try:
            def open_and(driver, element_id: str) -> None:  # noqa: ANN001
                driver.get(url)
                driver.execute_script("window.loadedOnce = true")  # gone if the page reloads
                driver.find_element(_by().ID, element_id).click()

            await asyncio.gather(asyncio.to_thread(open_and, rating, "r6"),
                                 asyncio.to_thread(open_and, ticked, "f-safeguarding"))
            # (the pages' first look at the room is three seconds after they loaded: not yet)
            assert "0 phones joined" in await phones_line(pilot)
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert "2 phones joined" in await phones_line(pilot, "2 phones joined")  # both pages have looked
            await asyncio.sleep(1.0)  # (time for a reload to happen, if it were going to)

            def state(driver) -> dict:  # noqa: ANN001
                return {"same page": driver.execute_script("return window.loadedOnce === true"),
                        "phase": texts(driver, "p.phase"),
                        "r6": bool(driver.find_elements(_by().CSS_SELECTOR, "#r6:checked")),
                        "ticked": driver.find_element(_by().ID, "f-safeguarding").is_selected()}

            seen = {"rating": await asyncio.to_thread(state, rating), "ticked": await asyncio.to_thread(state, ticked)}
        finally:
            await asyncio.gather(asyncio.to_thread(rating.quit), asyncio.to_thread(ticked.quit))
    assert seen["rating"]["same page"] and seen["rating"]["r6"], seen
    assert "Scaling" in seen["rating"]["phase"][0], seen
    assert seen["ticked"]["same page"] and seen["ticked"]["ticked"], seen


async def test_a_concern_begun_on_the_vote_page_comes_back_still_a_concern(store, clock, library, data_dir):
    """The vote page's own box is for a concern only: when the vote closes and the page shows the question again,
    what was typed there is back in the main box with the safeguarding box ticked, never as text for the room."""
    from selenium.webdriver.support.ui import WebDriverWait

    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_vote(pilot)
        driver = await asyncio.to_thread(browser)
        try:
            def type_concern() -> None:
                driver.get(url)
                driver.find_element(_by().ID, "f-text").send_keys("Dad was drunk at the visit")

            await asyncio.to_thread(type_concern)
            await pilot.press("c")  # the vote closed
            await pilot.pause()

            def reload() -> dict:
                driver.refresh()
                WebDriverWait(driver, 8).until(lambda d: d.find_elements(_by().ID, "kept"))
                return {"text": value(driver, "f-text"),
                        "ticked": driver.find_element(_by().ID, "f-safeguarding").is_selected(),
                        "vote page": bool(driver.find_elements(_by().CSS_SELECTOR, "form.vote"))}

            seen = await asyncio.to_thread(reload)
        finally:
            await asyncio.to_thread(driver.quit)
    assert not seen["vote page"]
    assert seen["text"] == "Dad was drunk at the visit"
    assert seen["ticked"]

