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
        app.post_message(events.Key(key, character))


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
