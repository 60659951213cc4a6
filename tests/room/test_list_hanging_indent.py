"""A long contribution's wrapped lines hang under its text, past its number, so the numbers stand out down the left
edge of the list (its wrapped lines started at the edge, under the number, and a long phase read as one block)."""

from __future__ import annotations

import re

from .helpers import open_app, say
from .test_list_adding import SAYINGS, list_picture


def drawn_lines(pilot) -> list[str]:
    """The list's lines as drawn, without the left edge (the chosen one's mark) and the scrollbar."""
    return [re.sub(r"[▁-█▔ ]+$", "", "".join(text for text, _ in line)[1:]) for line in list_picture(pilot)]


def hangs(lines: list[str], number: int) -> None:
    """Contribution ``number``'s lines after its first start past its number, and hold every word of it."""
    prefix = f"{number}. "
    first = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    rest = []
    for line in lines[first + 1:]:
        if not line.strip() or not line.startswith(" " * len(prefix)):
            break
        rest.append(line)
    assert len(rest) >= 2, lines
    assert all(line[len(prefix)] != " " for line in rest), lines  # under the text, not further in
    words = " ".join(lines[first][len(prefix):].split() + " ".join(rest).split())
    assert words.endswith(SAYINGS[1]), lines


async def test_the_wrapped_lines_of_a_long_contribution_hang_past_its_number(store, clock, library):
    _, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, SAYINGS[1])
        hangs(drawn_lines(pilot), 1)
        for _ in range(9):  # ten and more: a number two digits wide
            await say(pilot, "Rang back the same day.")
        await say(pilot, SAYINGS[1])
        hangs(drawn_lines(pilot), 11)
