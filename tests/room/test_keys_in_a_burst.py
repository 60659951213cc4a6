"""Keys that arrive in one burst (a laggy remote terminal, a text expander, a paste the terminal types): those after a
tab go to the field tab moves to. Tab was handled by the field it left, after the keys behind it had already been
handed to that field, so "fast<tab><tab>ev" put "ev" in the contribution box, or lost it."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from .helpers import open_app, session_screen


def burst(app, keys: list[str]) -> None:
    """Every key posted to the app at once, as the terminal's driver posts what it reads in one go."""
    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key("space" if key == " " else key, character))


async def test_keys_typed_straight_after_tab_go_to_the_field_tab_moves_to(store, clock, library):
    _, app = open_app(store, clock, library.get("serious-success-review"), "strengths-evidence")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        box = screen.query_one("#contribution", Input)
        box.focus()
        await pilot.pause()
        burst(app, [*"fast", "tab", "tab", *"ev"])
        await pilot.pause(0.3)
        evidence = next(i for i in screen.query(Input) if i.id and "evidence" in i.id)
        assert (box.value, evidence.value) == ("fast", "ev")
        assert screen.focused is evidence
        burst(app, ["shift+tab", "shift+tab", *"er"])  # and back
        await pilot.pause(0.3)
        assert box.value == "faster" and evidence.value == "ev"


def _typed(text: str) -> list[str]:
    return list(text)


async def test_backspaces_in_a_burst_act_before_the_words_typed_after_them(store, clock, library):
    """"31/02/2027", ten backspaces and "in 2 weeks" in one burst came out as "3in 2 week" (in the contribution box,
    an action's owner and due, and the final record): a backspace went up to the app to find its binding while the
    words behind it went into the box. Each box's own keys (backspace, delete, the arrows, home, end) now act in
    their turn."""
    _, app = open_app(store, clock, library.get("quick-success-huddle"), "actions")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        box = screen.query_one("#contribution", Input)
        due = screen.query_one("#kf-due", Input)
        for field in (box, due):
            field.focus()
            await pilot.pause()
            burst(app, list("31/02/2027"))
            await pilot.pause(0.2)
            for _ in range(2):
                burst(app, ["backspace"] * 10 + _typed("in 2 weeks"))
                await pilot.pause(0.3)
                assert field.value == "in 2 weeks", field.id
                burst(app, ["home", "delete", "delete", "delete", *"by", "end", "backspace", *"s!"])
                await pilot.pause(0.3)
                assert field.value == "by2 weeks!", field.id
                burst(app, ["end"] + ["backspace"] * 10 + list("31/02/2027"))
                await pilot.pause(0.3)
                assert field.value == "31/02/2027", field.id


async def test_actions_typed_in_one_burst_each_keep_their_own_owner_and_due(store, clock, library):
    """Enter in an action's owner or due field was handled after the keys typed behind it had gone into that field:
    the next action's words became the last one's owner or due ("Virtual SchoolLink with ...", "end of MarchTeam
    manager"), or were lost with it. Enter in a field now takes the box's text and moves the focus to the box as
    the field reads it; the keys behind it go to the box."""
    session, app = open_app(store, clock, library.get("quick-success-huddle"), "actions")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        box = screen.query_one("#contribution", Input)
        box.focus()
        await pilot.pause()
        # (tab goes from the box to who said it, then to the owner, the due, who hears)
        burst(app, [*"Ring school", "tab", "tab", *"Sam", "tab", *"next week", "enter",
                    *"Book room", "tab", "tab", *"Priya", "enter", *"Call mum"])
        await pilot.pause(0.5)
        recorded = [(c.text, c.fields.get("owner", ""), c.fields.get("due_said", c.fields.get("due", "")))
                    for c in store.load_session(session.id).contributions]
        assert recorded == [("Ring school", "Sam", "next week"), ("Book room", "Priya", "")]
        assert box.value == "Call mum" and screen.focused is box
        assert all(not i.value for i in screen.query(Input) if i.id and i.id.startswith("kf-"))
