"""Full-text search of every contribution in every session.

A contribution matches when it contains every word of the query (any case, anywhere in a word). The texts
come in pieces of many sessions at once, one line per session, each line its contributions with ``SEP``
between them (as the history cache keeps them on disk): a search is one scan of each piece for the
longest word, then a check of the other words in each contribution found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from .facts import SEP, SessionEntry, SessionFacts


@dataclass(frozen=True, slots=True)
class SearchHit:
    session: SessionEntry
    index: int  # the contribution's place in the session
    text: str
    spans: tuple[tuple[int, int], ...]  # where the query's words are in text
    phase_title: str = ""  # filled in once the search is done (see with_phase_titles)


def with_phase_titles(hits: list[SearchHit], facts_of: Callable[[SessionEntry], SessionFacts | None]) -> list[SearchHit]:
    """The hits with the titles of their phases, from each hit session's facts (looked up once)."""
    found: dict[str, SessionFacts | None] = {}
    out = []
    for hit in hits:
        sid = hit.session.id
        if sid not in found:
            found[sid] = facts_of(hit.session)
        facts = found[sid]
        out.append(replace(hit, phase_title=facts.phase_title(hit.index)) if facts is not None else hit)
    return out


def query_words(query: str) -> list[str]:
    words = []
    for word in query.split():
        if word.casefold() not in {w.casefold() for w in words}:
            words.append(word)
    return words


class Search:
    """One query over pieces of text fed in turn (``feed``); ``hits`` (the first ``limit``) and ``total``."""

    def __init__(self, query: str, limit: int = 500) -> None:
        # Scan for the longest word (the rarest, usually); check the others in each candidate only.
        words = sorted(query_words(query), key=len, reverse=True)
        self.words = [w.lower() for w in words]  # to find in lowered text
        self.patterns = [re.compile(re.escape(w), re.IGNORECASE) for w in words]  # to find in the text as typed
        self.limit = limit
        self.hits: list[SearchHit] = []
        self.total = 0

    def feed(self, text: str, sessions: Sequence[SessionEntry | None]) -> None:
        """``text``: one line per session of ``sessions`` (a None there: a line to pass over)."""
        if not self.words:
            return
        low = text.lower()
        if len(low) == len(text):  # every character lowers to one: a match in low is at the same place in text
            first, others = self.words[0], self.words[1:]
            find = low.find
            has_all = lambda piece: all(w in piece for w in others)  # noqa: E731
            haystack = low
        else:  # a character that lowers to two (rare): regular expressions that ignore case, on the text itself
            first_pattern, other_patterns = self.patterns[0], self.patterns[1:]

            def find(word: str, start: int) -> int:
                match = first_pattern.search(text, start)
                return -1 if match is None else match.start()

            first = self.words[0]
            has_all = lambda piece: all(p.search(piece) for p in other_patterns)  # noqa: E731
            haystack = text
        line = 0
        line_start = 0
        line_end = haystack.find("\n")
        if line_end == -1:
            line_end = len(haystack)
        at = find(first, 0)
        while at != -1:
            if at > line_end:  # the match is on a later line
                line += haystack.count("\n", line_end, at)
                line_start = haystack.rfind("\n", 0, at) + 1
                line_end = haystack.find("\n", at)
                if line_end == -1:
                    line_end = len(haystack)
            session = sessions[line] if line < len(sessions) else None
            if session is None:
                at = find(first, line_end + 1) if line_end < len(haystack) else -1
                continue
            start = haystack.rfind(SEP, line_start, at) + 1 or line_start
            end = haystack.find(SEP, at, line_end)
            if end == -1:
                end = line_end
            if has_all(haystack[start:end]):
                self.total += 1
                if len(self.hits) < self.limit:
                    piece = text[start:end]
                    spans = sorted({m.span() for p in self.patterns for m in p.finditer(piece)})
                    index = haystack.count(SEP, line_start, start)
                    self.hits.append(SearchHit(session, index, piece, tuple(spans)))
            at = find(first, end + 1) if end < len(haystack) else -1


def search(sessions: Iterable[SessionFacts], query: str, limit: int = 500) -> tuple[list[SearchHit], int]:
    """(the first ``limit`` hits, in the sessions' order, and how many there are in all), over facts in memory."""
    run = Search(query, limit)
    batch: list[SessionFacts] = []
    size = 0
    for facts in sessions:
        batch.append(facts)
        size += len(facts.blob)
        if size > 1 << 20:
            run.feed("\n".join(f.blob for f in batch), batch)
            batch, size = [], 0
    if batch:
        run.feed("\n".join(f.blob for f in batch), batch)
    return with_phase_titles(run.hits, lambda facts: facts), run.total  # type: ignore[arg-type, return-value]


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
