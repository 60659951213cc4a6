"""Keys that arrive faster than the app handles them (a fast typist, a paste a terminal sends as keystrokes, a
"type the clipboard" tool): each enter records exactly what was in the box when it was pressed, once, and what is
typed after it stays in the box. Before, the text was read when the screen got round to it, after later keys had
changed the box, and the box was then cleared: words moved between contributions, some were recorded twice, others
were lost."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tests.conftest import until

from .helpers import open_app, session_screen


def burst(app, keys: list[str]) -> None:  # noqa: ANN001
    """Every key posted at once, as a terminal delivers keys typed quickly, before any is handled."""
    for key in keys:
        if key == "enter":
            app.post_message(events.Key("enter", "\r"))
        else:
            app.post_message(events.Key("space" if key == " " else key, key))


def typed(text: str) -> list[str]:
    return [("enter" if ch == "\n" else ch) for ch in text]


async def test_a_burst_of_lines_records_each_line_once_as_typed(store, clock, library):
    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    lines = ["first line of notes", "second line of notes", "third line of notes", "one", "two", "three"]
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        box = screen.query_one("#contribution", Input)
        burst(app, typed("\n".join(lines) + "\nstill typing"))
        await until(pilot, lambda: box.value == "still typing"
                    and len(store.load_session(session.id).contributions) >= len(lines), timeout=10)
        await pilot.pause(0.2)
        assert [c.text for c in store.load_session(session.id).contributions] == lines
        assert box.value == "still typing"
        shown = [c.text for c in screen.session.contributions_in(screen.session.phase.id)]
        assert shown == lines


async def test_a_line_not_recorded_stays_in_the_box_with_what_was_typed_after_it(store, clock, library):
    """The box is emptied as enter is pressed; a line the screen does not record (here, a speaker number no one
    has) is put back in front of whatever was typed after it, nothing lost."""
    from .helpers import status

    session, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        box = session_screen(pilot).query_one("#contribution", Input)
        burst(app, typed("@9 rang back\nand"))
        await until(pilot, lambda: box.value == "@9 rang backand")
        assert "9" in status(pilot)
        assert store.load_session(session.id).contributions == []


async def test_evidence_typed_in_a_burst_after_a_strength_without_it_goes_in_the_evidence_box(store, clock, library):
    """Enter on a strength with no evidence asks "How do we know?" and moves to the evidence box; the evidence typed
    straight after, in one burst (a text expander, a laggy remote terminal), was joined to the strength with no space
    ("TenacityVisited 14 times in 6 weeks") and the evidence box stayed empty."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "strengths-evidence")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        burst(app, typed("Tenacity\nVisited 14 times in 6 weeks\nNext one"))
        await until(pilot, lambda: bool(store.load_session(session.id).contributions), timeout=10)
        await pilot.pause(0.2)
        (strength,) = store.load_session(session.id).contributions
        assert (strength.text, strength.fields.get("evidence")) == ("Tenacity", "Visited 14 times in 6 weeks")
        assert screen.query_one("#contribution", Input).value == "Next one"  # (back in the box at once)
