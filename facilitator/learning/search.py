"""Full-text search of every contribution in every session, in memory.

A contribution matches when it contains every word of the query (any case, anywhere in a word). Each
session's texts are one string, so a search is a few regular-expression scans per session.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .facts import SEP, SessionFacts


@dataclass(frozen=True, slots=True)
class SearchHit:
    session: SessionFacts
    index: int  # the contribution's place in the session
    text: str
    spans: tuple[tuple[int, int], ...]  # where the query's words are in text

    @property
    def phase_title(self) -> str:
        return self.session.phase_title(self.index)


def query_words(query: str) -> list[str]:
    words = []
    for word in query.split():
        if word.casefold() not in {w.casefold() for w in words}:
            words.append(word)
    return words


def search(sessions: Iterable[SessionFacts], query: str, limit: int = 500) -> tuple[list[SearchHit], int]:
    """(the first ``limit`` hits, newest session first, and how many there are in all)."""
    words = query_words(query)
    if not words:
        return [], 0
    # Scan for the longest word (the rarest, usually); check the others in each candidate only.
    words.sort(key=len, reverse=True)
    patterns = [re.compile(re.escape(w), re.IGNORECASE) for w in words]
    first, others = patterns[0], patterns[1:]
    hits: list[SearchHit] = []
    total = 0
    for facts in sessions:
        blob = facts.blob
        match = first.search(blob)
        while match is not None:
            start = blob.rfind(SEP, 0, match.start()) + 1
            end = blob.find(SEP, match.end())
            if end == -1:
                end = len(blob)
            text = blob[start:end]
            if all(p.search(text) for p in others):
                total += 1
                if len(hits) < limit:
                    index = blob.count(SEP, 0, start)
                    spans = sorted({m.span() for p in patterns for m in p.finditer(text)})
                    hits.append(SearchHit(facts, index, text, tuple(spans)))
            match = first.search(blob, end + 1) if end < len(blob) else None
    return hits, total


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
