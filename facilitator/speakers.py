"""Quick speaker picking from the keyboard: '@2 text', '@sam text', '@sp text', '@0 text' (anonymous)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import ANONYMOUS
from .record.redact import fold

_PREFIX = re.compile(r"^@(\S+)\s*(.*)$", re.DOTALL)
_ANONYMOUS_WORDS = {"0", "anon", "anonymous", "?"}


@dataclass
class SpeakerChoice:
    speaker: str | None
    text: str
    error: str | None = None


def initials(name: str) -> str:
    return "".join(word[0] for word in re.findall(r"[^\W\d_]+", fold(name)))


def shortcut_example(participants: list[str]) -> str:
    """A shortcut that works for someone in this room: their initials if no one else shares them, else a number."""
    for name in participants:
        key = initials(name)
        if len(key) > 1 and match_speaker(key, participants) == name:
            return f"@{key} for {name}"
    return f"@1 for {participants[0]}" if participants else ""


def participants_hint(participants: list[str]) -> str:
    numbered = ", ".join(f"@{n} {name}" for n, name in enumerate(participants, start=1))
    return (numbered + ", " if numbered else "") + "@0 anonymous"


def candidates(token: str, participants: list[str]) -> list[str]:
    """Everyone a typed token could mean: one name when it is clear, several when it is not, none if nobody.
    Names are compared as the names list compares them (redact.fold): '@zoe' is 'Zoë Brown' and '@lukasz'
    'Łukasz', as a facilitator types them in a hurry on a keyboard without those letters."""
    key = fold(token)
    if key in _ANONYMOUS_WORDS:
        return [ANONYMOUS]
    if key.isdigit():
        index = int(key) - 1
        return [participants[index]] if 0 <= index < len(participants) else []
    # (an apostrophe typed or not: "@obrien" is "O’Brien", as "@o'b" is)
    bare = key.replace("'", "")
    exact = [p for p in participants if fold(p) == key or fold(p).replace("'", "") == bare]
    if exact:
        return exact[:1]
    by_start = [p for p in participants if fold(p).startswith(key) or fold(p).replace("'", "").startswith(bare)]
    if len(by_start) == 1:
        return by_start
    by_initials = [p for p in participants if initials(p) == key]
    if len(by_initials) == 1:
        return by_initials
    return list(dict.fromkeys(by_start + by_initials))


def match_speaker(token: str, participants: list[str]) -> str | None:
    """The participant a typed token means, ANONYMOUS, or None if it matches nobody (or several)."""
    found = candidates(token, participants)
    return found[0] if len(found) == 1 else None


def split_speaker(text: str, participants: list[str], chosen: str | None = None) -> SpeakerChoice:
    """Take a leading '@who' off the text. Text without one comes back unchanged, with no speaker. ``chosen``: who
    is chosen as saying it meanwhile (the text is recorded for them without its '@')."""
    match = _PREFIX.match(text.lstrip())
    if not match:
        return SpeakerChoice(None, text)
    token, rest = match.group(1), match.group(2)
    found = candidates(token, participants)
    if len(found) > 1:
        who = ", ".join(f"@{participants.index(p) + 1} {p}" for p in found)
        return SpeakerChoice(None, text, f"'@{token}' could be {who}: type the number of the one you mean.")
    speaker = found[0] if found else None
    if speaker is None:
        return SpeakerChoice(
            None,
            text,
            f"Nobody matches '@{token}'. Use {participants_hint(participants)}; or remove the @ to record it "
            + (f"for {chosen}." if chosen and chosen != ANONYMOUS else "anonymously." if chosen else "without a speaker."),
        )
    return SpeakerChoice(speaker, rest)
