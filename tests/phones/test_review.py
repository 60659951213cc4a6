"""What phones send, in the room: reviewed one by one (shown or rejected), a form that fits the phase's kind,
the page following the facilitator's phase, and revealed items that are ordinary contributions."""

from __future__ import annotations

from facilitator.tui.screens.phones import WaitingScreen

from tests.room.helpers import palette, resumed, say, shown, status
from .helpers import Phone, local_phones, open_app, open_phones, session_screen
from .test_join import export_md, phones_line


async def test_review_one_by_one_shows_one_and_rejects_another(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        async with Phone(url) as phone:
            assert (await phone.send("Dad came to every meeting"))[0] == 200
            assert (await phone.send("a rude remark about a colleague"))[0] == 200
            assert (await phone.send("The interpreter was booked early", name="Priya"))[0] == 200
        await pilot.press("escape")
        await pilot.pause()
        assert "3 waiting" in await phones_line(pilot, "3 waiting")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, WaitingScreen)
        assert "blank or freeze the projector" in str(app.screen.query_one("#waiting-where").render())
        assert "Dad came" not in str(app.screen.query_one("#waiting-item").render())
        await pilot.press("enter")  # the projector is blanked: read them
        await pilot.pause()
        assert "Dad came to every meeting" in str(app.screen.query_one("#waiting-item").render())
        await pilot.press("enter")  # shown to the room
        await pilot.pause()
        assert "rude remark" in str(app.screen.query_one("#waiting-item").render())
        await pilot.press("x")  # rejected
        await pilot.pause()
        assert "1 of 1" in str(app.screen.query_one("#waiting-where").render())
        await pilot.press("escape")
        await pilot.pause()
        lines = shown(pilot)
        assert any("Dad came to every meeting" in line for line in lines)
        assert not any("rude remark" in line or "interpreter" in line for line in lines)
        assert "1 waiting" in await phones_line(pilot, "1 waiting")
        await palette(pilot, "Phones: show what phones sent")
        assert any("Priya: The interpreter was booked early" in line for line in shown(pilot)), shown(pilot)
        # Revealed: an ordinary contribution. ctrl+z takes the last one back off the screen, to wait again (it was
        # dropped: the phone had been told "Received"), and so after the app is started again.
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert not any("interpreter" in line for line in shown(pilot))
        assert "Undone: showing of" in status(pilot) and "waits again" in status(pilot)
        assert "1 waiting" in await phones_line(pilot, "1 waiting")
        await say(pilot, "typed at the keyboard as always")
    assert "interpreter" not in export_md(data_dir, session.id)
    store.close()
    async with resumed(data_dir, clock, session.id, size=(160, 45)) as (again, app, pilot):
        await pilot.pause()
        await palette(pilot, "Phones: show what phones sent")
        assert any("Priya: The interpreter was booked early" in line for line in shown(pilot)), shown(pilot)
    record = export_md(data_dir, session.id)
    assert "Dad came to every meeting" in record and "typed at the keyboard as always" in record
    assert "rude remark" not in record
    assert "**Priya:** The interpreter was booked early" in record


async def test_the_form_fits_the_phase_and_follows_the_room(store, clock, library, data_dir):
    local_phones(data_dir)
    template = library.get("serious-success-review")
    session, app = open_app(store, clock, template, "strengths-evidence")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        async with Phone(url) as phone:
            _, page = await phone.page()
            assert 'name="evidence"' in page and 'name="owner"' not in page
            assert (await phone.send("Persistence", evidence="Seven home visits before the door opened"))[0] == 200
            await pilot.press("ctrl+n")  # the room moves on to the learning actions
            await pilot.pause()
            _, page = await phone.page()
            assert template.phases[template.phase_index("learning-actions")].prompt.split("\n")[0][:30] in page
            for name in ("owner", "due", "tell"):
                assert f'name="{name}"' in page
            code, _ = await phone.send("Share the visit plan with the team", owner="Team manager", due="2027-01-31",
                                       tell="Duty team")
            assert code == 200
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert any("Share the visit plan" in line for line in shown(pilot))
    record = export_md(data_dir, session.id)
    assert "Persistence" in record and "Seven home visits before the door opened" in record
    assert "Share the visit plan with the team" in record and "Team manager" in record and "2027-01-31" in record


async def test_a_rating_phase_takes_0_to_10_and_refuses_anything_else(store, clock, library, data_dir):
    local_phones(data_dir)
    template = library.get("signs-of-safety-group-supervision")
    scale = next(p for p in template.phases if p.kind.value == "scale")
    session, app = open_app(store, clock, template, scale.id)
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        async with Phone(url) as phone:
            _, page = await phone.page()
            assert page.count('name="rating"') == 11
            # The scale's ends on their own line, not run into the legend ("0 to 10 0 = ...").
            assert "<legend>Your rating, 0 to 10</legend>" in page
            assert f'<p class="hint">0 = {scale.scale_low}; 10 = {scale.scale_high}</p>' in page.replace("&#x27;", "'")
            code, page = await phone.send("we are nearly there", rating="11")
            assert code == 400 and "not a number from 0 to 10" in page and "we are nearly there" in page
            assert (await phone.send("Grandma is now part of the plan", rating="7"))[0] == 200
        await pilot.press("ctrl+r")
        await pilot.pause()
    record = export_md(data_dir, session.id)
    assert "Grandma is now part of the plan" in record and "7" in record


async def test_a_blank_looking_text_or_a_due_date_that_is_no_date_is_refused_and_given_back(store, clock, library, data_dir):
    """Zero-width spaces alone are refused as an empty box is (they were kept: a blank line in the record), and an
    action due "31/02/2027" is refused with the sentence the session screen gives (it was kept as words that are
    never overdue); each time the phone gets back what it typed."""
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        async with Phone(url) as phone:
            code, page = await phone.send("\u200b\u200b \u2060", owner="Sam")
            assert code == 400 and "Write something in the box" in page
            code, page = await phone.send("Share the visit plan", owner="Sam", due="31/02/2027")
            assert code == 400 and "&#x27;31/02/2027&#x27; is not a date" in page, page
            assert "Share the visit plan" in page and "31/02/2027" in page
            assert (await phone.send("Share the visit plan", owner="Sam", due="28/02/2027"))[0] == 200
        await pilot.press("ctrl+r")
        await pilot.pause()
    record = export_md(data_dir, session.id)
    assert "Share the visit plan" in record and "2027-02-28" in record
    assert record.count("Share the visit plan") == 1 and "\u200b" not in record


async def test_user_text_is_never_markup_on_the_page_or_the_screen(store, clock, library, data_dir):
    local_phones(data_dir)
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        url = await open_phones(pilot)
        await pilot.press("escape")
        async with Phone(url) as phone:
            code, page = await phone.send("[bold]x[/bold] <script>alert(1)</script> \x1b[31mred", rating="")
            assert code == 200
            code, page = await phone.send("y" * 2001, name="<b>me</b>")
            assert "<b>me</b>" not in page and "&lt;b&gt;me&lt;/b&gt;" in page
        await pilot.press("ctrl+r")
        await pilot.pause()
        line = next(line for line in shown(pilot) if "alert" in line)
        assert "[bold]x[/bold] <script>alert(1)</script> red" in line and "\x1b" not in line
