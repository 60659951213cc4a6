"""A real browser (Debian's chromium, headless, through chromium-driver) on the phones' page, against the real
app under Pilot: the form typed into and sent, the strict Content-Security-Policy letting the page's own style
and script run and nothing else, and a page that fits a small phone."""

from __future__ import annotations

import asyncio
import shutil
import time

import pytest

from tests.conftest import until
from tests.room.helpers import shown
from .helpers import local_phones, open_app, open_phones
from .test_join import export_md, phones_line

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="needs Debian's chromium and chromium-driver (apt install chromium chromium-driver)"
)


def browser(width: int = 360, height: int = 740, cookies: bool = True):  # noqa: ANN201 - selenium's WebDriver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}"):
        options.add_argument(arg)
    # A small phone's screen (a desktop window cannot be made this narrow)
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2}})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not cookies:  # as a person who blocks every site's cookies
        options.add_experimental_option("prefs", {"profile.default_content_setting_values.cookies": 2})
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def send(driver) -> str:  # noqa: ANN001
    """Press Send and wait for the next page; what it says was done with what was sent."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    button = driver.find_element(By.TAG_NAME, "button")
    before = driver.current_url
    button.click()
    arrived(driver, before)
    return WebDriverWait(driver, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.received"))).text


def arrived(driver, before: str) -> None:  # noqa: ANN001
    """Wait until the browser is on another address than ``before`` (the page after sending), fully loaded."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def loaded(d) -> bool:  # noqa: ANN001
        try:
            return d.current_url != before and d.execute_script("return document.readyState") == "complete"
        except WebDriverException:  # asked in the middle of the navigation
            return False

    WebDriverWait(driver, 10).until(loaded)


async def test_a_phone_browser_sends_a_contribution_and_a_concern(store, clock, library, data_dir):
    from selenium.webdriver.common.by import By

    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        driver = await asyncio.to_thread(browser)
        try:
            def fill_and_send() -> dict:
                driver.get(url)
                seen = {
                    "question": driver.find_element(By.CSS_SELECTOR, "p.question").text,
                    "button": driver.find_element(By.TAG_NAME, "button").value_of_css_property("background-color"),
                    "width": driver.execute_script("return [document.documentElement.scrollWidth, innerWidth]"),
                    "labels": [e.text for e in driver.find_elements(By.TAG_NAME, "label")],
                }
                driver.find_element(By.ID, "f-text").send_keys("The health visitor's joint visits <made> the difference")
                seen["after"] = send(driver)
                driver.find_element(By.ID, "f-text").send_keys("Uncle is back in the house")
                driver.find_element(By.ID, "f-safeguarding").click()
                seen["after concern"] = send(driver)
                seen["console"] = [entry["message"] for entry in driver.get_log("browser")]
                return seen

            seen = await asyncio.to_thread(fill_and_send)
        finally:
            await asyncio.to_thread(driver.quit)
        assert seen["question"] == session.phase.prompt.strip()
        assert seen["button"] == "rgba(26, 77, 143, 1)"  # the page's own style ran under the policy
        assert seen["width"] == [360, 360]  # no sideways scrolling on a small phone
        assert "Only for the facilitator: a safeguarding concern" in seen["labels"]
        assert seen["after"].startswith("Received.")
        assert "facilitator only" in seen["after concern"]
        assert not [m for m in seen["console"] if "Content Security Policy" in m], seen["console"]
        await pilot.pause()
        assert "1 waiting" in await phones_line(pilot, "1 waiting")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert any("joint visits <made> the difference" in line for line in shown(pilot))
        assert not any("Uncle" in line for line in shown(pilot))
    record = export_md(data_dir, session.id)
    assert "joint visits" in record and "Uncle" not in record


async def test_a_phone_browser_votes(store, clock, library, data_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.room.helpers import say

    local_phones(data_dir, extra="votes = 1\n")
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        await say(pilot, "Share the visit plan")
        await say(pilot, "Book interpreters early")
        await pilot.press("f12")
        await pilot.pause()
        from .helpers import session_screen

        url = session_screen(pilot).phones_url
        driver = await asyncio.to_thread(browser)
        try:
            def vote() -> dict:
                driver.get(url)
                forms = driver.find_elements(By.CSS_SELECTOR, "form.vote")
                target = next(f for f in forms if "Book interpreters early" in f.text)
                button = target.find_element(By.TAG_NAME, "button")
                before = driver.current_url
                button.click()
                arrived(driver, before)
                notice = WebDriverWait(driver, 10).until(
                    EC.presence_of_element_located((By.CSS_SELECTOR, "p.received"))
                ).text
                # a concern begun on the vote page's own box for one
                driver.find_element(By.ID, "f-text").send_keys("Dad was drunk at the visit")
                return {
                    "notice": notice,
                    "question": driver.find_element(By.CSS_SELECTOR, "p.question").text,
                    "disabled": [b.get_attribute("disabled")
                                 for b in driver.find_elements(By.CSS_SELECTOR, "form.vote button")],
                    "loaded": time.monotonic(),
                }

            seen = await asyncio.to_thread(vote)
            # (the dot-vote screen shows what the phones sent every half second: wait for the vote, not for the
            # bars, which list every item before any vote)
            await until(pilot, lambda: "1 vote ·" in str(app.screen.query_one("#vote-count").render()))
            assert "Book interpreters early\n" in str(app.screen.query_one("#vote-bars").render())
            await pilot.press("c")  # the vote closed while the concern is being typed: the page is not reloaded
            await pilot.pause()
            await asyncio.sleep(max(0.0, seen["loaded"] + 4.5 - time.monotonic()))  # past the page's first look
            seen["kept"] = await asyncio.to_thread(
                lambda: driver.find_element(By.ID, "f-text").get_attribute("value"))
        finally:
            await asyncio.to_thread(driver.quit)
        assert seen["notice"] == "Vote counted."
        assert seen["question"].startswith("You have used all your 1 vote:")
        assert seen["disabled"] and all(seen["disabled"])
        assert seen["kept"] == "Dad was drunk at the visit"
    assert "1 vote: Book interpreters early" in export_md(data_dir, session.id)


async def test_a_phone_on_the_page_is_counted_as_joined_and_one_keeping_no_cookies_is_told(
    store, clock, library, data_dir
):
    """A browser that only opens the page is counted within a few seconds (its script asks for the question);
    a browser that blocks cookies is never counted, and pressing Send tells it why and gives its text back."""
    from selenium.webdriver.common.by import By

    from .helpers import session_screen

    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        reader, blocked = await asyncio.gather(asyncio.to_thread(browser), asyncio.to_thread(browser, cookies=False))
        try:
            await asyncio.to_thread(reader.get, url)
            await asyncio.to_thread(blocked.get, url)
            assert "1 phone joined" in await phones_line(pilot, "1 phone joined")  # within ten seconds
            await asyncio.sleep(3.5)  # the blocked browser's script has asked too, without a cookie
            assert "1 phone joined" in await phones_line(pilot)

            def send_without_cookies() -> dict:
                blocked.find_element(By.ID, "f-text").send_keys("The nurse rang every week")
                before = blocked.current_url
                blocked.find_element(By.TAG_NAME, "button").click()
                from selenium.webdriver.support.ui import WebDriverWait

                WebDriverWait(blocked, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "p.problem"))
                return {"problem": blocked.find_element(By.CSS_SELECTOR, "p.problem").text,
                        "kept": blocked.find_element(By.ID, "f-written").get_attribute("value"), "was": before}

            seen = await asyncio.to_thread(send_without_cookies)
        finally:
            await asyncio.gather(asyncio.to_thread(reader.quit), asyncio.to_thread(blocked.quit))
        assert "this browser keeps no cookies for it" in seen["problem"]
        assert seen["kept"] == "The nurse rang every week"
        assert session_screen(pilot).waiting_items() == []


@pytest.mark.slow  # two browsers and the page's first look: about 20 s on a busy machine
async def test_a_page_follows_the_room_unless_something_is_typed_in_it(store, clock, library, data_dir):
    """The facilitator moves to the next phase: a page with nothing typed shows the new question within seconds;
    a page with something typed keeps it (and its phone is still counted as on the page)."""
    from selenium.webdriver.common.by import By

    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        idle, typing = await asyncio.gather(asyncio.to_thread(browser), asyncio.to_thread(browser))
        try:
            await asyncio.gather(asyncio.to_thread(idle.get, url), asyncio.to_thread(typing.get, url))
            await asyncio.to_thread(typing.find_element(By.ID, "f-text").send_keys, "Half a thought")
            await pilot.press("ctrl+n")  # to "Turning points"
            await pilot.pause()
            question = lambda d: d.find_element(By.CSS_SELECTOR, "p.question").text  # noqa: E731
            for _ in range(60):  # the page's first look comes three seconds after it loaded
                if "turning point" in (await asyncio.to_thread(question, idle)).lower():
                    break
                await asyncio.sleep(0.25)
            seen = {"idle": await asyncio.to_thread(question, idle),
                    "typing": await asyncio.to_thread(question, typing),
                    "typed": await asyncio.to_thread(
                        lambda: typing.find_element(By.ID, "f-text").get_attribute("value"))}
            assert "2 phones joined" in await phones_line(pilot, "2 phones joined")
            # Phone access closed (f10, then x): a page left open says so at its top within its next look (ten
            # seconds), and keeps what was typed in it; before, it kept the old question without a word.
            await pilot.press("f10")
            await pilot.pause()
            await pilot.press("x")
            await pilot.pause()
            said = lambda d: [e.text for e in d.find_elements(By.ID, "shut")]  # noqa: E731
            for _ in range(60):
                if await asyncio.to_thread(said, typing):
                    break
                await asyncio.sleep(0.25)
            seen["closed"] = await asyncio.to_thread(said, typing)
            seen["kept"] = await asyncio.to_thread(lambda: typing.find_element(By.ID, "f-text").get_attribute("value"))
        finally:
            await asyncio.gather(asyncio.to_thread(idle.quit), asyncio.to_thread(typing.quit))
        assert seen["idle"] == session.template.phases[session.template.phase_index("turning-points")].prompt.strip()
        assert seen["typing"] == session.phase.prompt.strip()  # still the question it was answering
        assert seen["typed"] == "Half a thought"
        assert seen["closed"] and seen["closed"][0].startswith("Phone access is closed"), seen["closed"]
        assert seen["kept"] == "Half a thought"
