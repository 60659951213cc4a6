"""A long contribution's wrapped lines hang under its text, past its number, so the numbers stand out down the left
edge of the list (its wrapped lines started at the edge, under the number, and a long phase read as one block)."""

from __future__ import annotations

import re

from .helpers import open_app, say
from .test_list_adding import SAYINGS, list_picture


def drawn_lines(pilot) -> list[str]:
    """The list's lines as drawn, without the left edge (the chosen one's mark) and the scrollbar."""
    return [re.sub(r"[▁-█▔ ]+$", "", "".join(text for text, _ in line)[1:]) for line in list_picture(pilot)]


def wrapped(lines: list[str], number: int) -> tuple[str, list[str]]:
    """Contribution ``number``'s first line as drawn, and the lines after it that start with at least as many spaces
    as its number takes ("11. " is four): its wrapped lines when they hang past the number, none when they do not."""
    prefix = f"{number}. "
    first = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    rest = []
    for line in lines[first + 1:]:
        if not line.strip() or not line.startswith(" " * len(prefix)):
            break
        rest.append(line)
    return lines[first], rest


async def test_the_wrapped_lines_of_a_long_contribution_hang_past_its_number(store, clock, library):
    _, app = open_app(store, clock, library.get("serious-success-review"), "what-went-right")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, SAYINGS[1])
        first, rest = wrapped(drawn_lines(pilot), 1)
        assert len(rest) >= 2, "its wrapped lines start under its text, past its number"
        assert all(line[3] != " " for line in rest), "under the text, not further in"
        assert " ".join((first[3:] + " " + " ".join(rest)).split()).endswith(SAYINGS[1]), "every word of it is shown"
        for _ in range(9):  # ten and more: a number two digits wide
            await say(pilot, "Rang back the same day.")
        await say(pilot, SAYINGS[1])
        first, rest = wrapped(drawn_lines(pilot), 11)
        assert len(rest) >= 2, "past a two-digit number too"
        assert all(line[4] != " " for line in rest)
        assert " ".join((first[4:] + " " + " ".join(rest)).split()).endswith(SAYINGS[1])
