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
    """A piece of text around the first match, at most ``width`` characters, and the matches' places in it."""
    if len(text) <= width or not spans:
        cut = 0
        piece = text[:width]
    else:
        cut = max(0, min(spans[0][0] - width // 3, len(text) - width))
        piece = text[cut : cut + width]
    prefix = "…" if cut else ""
    suffix = "…" if cut + len(piece) < len(text) else ""
    shift = len(prefix) - cut
    kept = [(a + shift, b + shift) for a, b in spans if a >= cut and b <= cut + len(piece)]
    return prefix + piece + suffix, kept
