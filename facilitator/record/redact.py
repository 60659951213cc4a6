"""Keeping service users' details out of every export. Pure functions.

- The session's names list (as typed -> replacement) is applied to every text that goes into a record:
  case-insensitively, whole words only, possessives too ("Jayden's" -> "Child A's").
- Contributions flagged as safeguarding concerns never reach a group export.
What is stored stays as typed: these functions return a changed copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: make_replacer is used where the pydantic models are not loaded
    from ..models import Contribution, Session


def parse_names(text: str) -> dict[str, str]:
    """'Jayden -> Child A' lines (or 'Jayden = Child A') to a mapping; blank lines and lines without a target skipped."""
    names: dict[str, str] = {}
    for line in text.splitlines():
        for sep in ("->", "→", "=", "\t"):
            if sep in line:
                name, _, replacement = line.partition(sep)
                break
        else:
            continue
        name = " ".join(name.split())
        replacement = " ".join(replacement.split())
        if name and replacement:
            names[name] = replacement
    return names


def format_names(names: dict[str, str]) -> str:
    return "\n".join(f"{name} -> {replacement}" for name, replacement in names.items())


def make_replacer(names: dict[str, str]) -> Callable[[str], str]:
    """A function applying the names list to one text. Longest names first, so 'Mary Ann' wins over 'Mary'."""
    cleaned = {" ".join(k.split()).casefold(): v for k, v in names.items() if k.strip()}
    if not cleaned:
        return lambda text: text
    ordered = sorted(cleaned, key=len, reverse=True)
    # Whitespace inside a name matches any run of whitespace; word edges are checked with lookarounds so
    # names starting or ending in punctuation (phone numbers, emails) work too. A following "'s" or "’s"
    # is left in place, so possessives come out as "Child A's".
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in name.split()) for name in ordered)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def lookup(match: re.Match[str]) -> str:
        return cleaned.get(" ".join(match.group(0).split()).casefold(), match.group(0))

    def replace(text: str) -> str:
        return pattern.sub(lookup, text) if text else text

    return replace


def apply_redactions(text: str, names: dict[str, str]) -> str:
    return make_replacer(names)(text)


def for_export(session: Session) -> Session:
    """The session as a group export may show it: names replaced, safeguarding concerns left out."""
    replace = make_replacer(session.redactions)

    def contribution(c: Contribution) -> Contribution:
        text = replace(c.text)
        speaker = replace(c.speaker) if c.speaker else c.speaker
        fields = {k: replace(v) for k, v in c.fields.items()}
        tags = [replace(t) for t in c.tags]
        if text == c.text and speaker == c.speaker and fields == c.fields and tags == c.tags:
            return c
        return c.model_copy(update={"text": text, "speaker": speaker, "fields": fields, "tags": tags})

    return session.model_copy(
        update={
            "title": replace(session.title),
            "team": replace(session.team),
            "facilitator": replace(session.facilitator),
            "participants": [replace(p) for p in session.participants],
            "apologies": [replace(p) for p in session.apologies],
            "contributions": [contribution(c) for c in session.contributions if not c.safeguarding],
        }
    )
