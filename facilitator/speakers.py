"""Quick speaker picking from the keyboard: '@2 text', '@sam text', '@sp text', '@0 text' (anonymous)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import ANONYMOUS

_PREFIX = re.compile(r"^@(\S+)\s*(.*)$", re.DOTALL)
_ANONYMOUS_WORDS = {"0", "anon", "anonymous", "?"}


@dataclass
class SpeakerChoice:
    speaker: str | None
    text: str
    error: str | None = None


def initials(name: str) -> str:
    return "".join(word[0] for word in re.findall(r"[^\W\d_]+", name)).casefold()


def participants_hint(participants: list[str]) -> str:
    numbered = ", ".join(f"@{n} {name}" for n, name in enumerate(participants, start=1))
    return (numbered + ", " if numbered else "") + "@0 anonymous"


def match_speaker(token: str, participants: list[str]) -> str | None:
    """The participant a typed token means, ANONYMOUS, or None if it matches nobody (or several)."""
    key = token.casefold()
    if key in _ANONYMOUS_WORDS:
        return ANONYMOUS
    if key.isdigit():
        index = int(key) - 1
        return participants[index] if 0 <= index < len(participants) else None
    exact = [p for p in participants if p.casefold() == key]
    if exact:
        return exact[0]
    by_start = [p for p in participants if p.casefold().startswith(key)]
    if len(by_start) == 1:
        return by_start[0]
    by_initials = [p for p in participants if initials(p) == key]
    if len(by_initials) == 1:
        return by_initials[0]
    return None


def split_speaker(text: str, participants: list[str]) -> SpeakerChoice:
    """Take a leading '@who' off the text. Text without one comes back unchanged, with no speaker."""
    match = _PREFIX.match(text.lstrip())
    if not match:
        return SpeakerChoice(None, text)
    token, rest = match.group(1), match.group(2)
    speaker = match_speaker(token, participants)
    if speaker is None:
        return SpeakerChoice(
            None,
            text,
            f"Nobody matches '@{token}'. Use {participants_hint(participants)}; or remove the @ to record without a speaker.",
        )
    return SpeakerChoice(speaker, rest)
