"""What a history search gives (a hit) and how a hit is shown (a snippet around the first match).

The search itself is the history index's (store/index.py): a contribution matches when it holds every word
of the query at the start of a word, in any case.
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import SessionEntry


@dataclass(frozen=True, slots=True)
class SearchHit:
    session: SessionEntry
    index: int  # the contribution's place in the session
    text: str
    spans: tuple[tuple[int, int], ...]  # where the query's words are in text
    phase_title: str = ""  # the title of the contribution's phase


def snippet(text: str, spans: tuple[tuple[int, int], ...], width: int = 100) -> tuple[str, list[tuple[int, int]]]:
    """A piece of text around the first match, at most ``width`` characters with its "…", and the matches' places
    in it."""
    if len(text) <= width:
        return text, [(a, b) for a, b in spans]
    room = width - 1  # the text from its start, with "…" after it
    if spans and spans[0][1] > room:  # the first match is further on: the text around it, "…" on either side
        room = max(1, width - 2)
        cut = max(0, min(spans[0][0] - room // 3, len(text) - room))
    else:
        cut = 0
    piece = text[cut : cut + room]
    prefix = "…" if cut else ""
    suffix = "…" if cut + len(piece) < len(text) else ""
    shift = len(prefix) - cut
    kept = [(a + shift, b + shift) for a, b in spans if a >= cut and b <= cut + len(piece)]
    return prefix + piece + suffix, kept
