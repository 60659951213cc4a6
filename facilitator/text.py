"""Cleaning what users type before it is shown or stored."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# CSI / OSC / other escape sequences, then any C0/C1 control character except tab and newline.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]         # CSI ... final byte
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?   # OSC ... BEL or ST
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?  # DCS / SOS / PM / APC
    | \x1b[@-Z\\-_]                 # other two-byte escapes
    | \x9b[0-?]*[ -/]*[@-~]         # 8-bit CSI
    """,
    re.VERBOSE,
)


# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they make the characters
# after them show in another order, so a projected line or an exported record could read differently from what
# was typed. The left-to-right and right-to-left marks (U+200E, U+200F, U+061C) are kept: they reorder nothing
# but the punctuation and spaces beside them, and people writing Arabic or Hebrew with English need them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _kept(ch: str) -> bool:
    return ch in "\n\t" or (unicodedata.category(ch) != "Cc" and ch not in BIDI_CONTROLS)


def clean_text(text: str) -> str:
    """Strip terminal escape sequences, control characters and bidirectional overrides; keep tabs and newlines.

    Carriage returns become newlines, so text pasted from Windows keeps its line breaks.
    """
    if text.isprintable():  # no control character (escape sequences start with one): nothing to strip
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    return "".join(ch for ch in text if _kept(ch))


#: What ``visible`` leaves out: control characters but tabs and newlines, BIDI_CONTROLS, lone surrogates.
HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def visible(text: str) -> str:
    """Drop control characters (but tabs and newlines), bidirectional overrides and lone surrogates that could
    still be in stored data (recorded before they were stripped as typed). The text itself if there are none."""
    if text.isprintable():  # every character above is not printable: most text returns here
        return text
    return HIDDEN.sub("", text)


#: Letters that show as blank space (Hangul fillers, the braille blank), besides the categories shows_nothing leaves out
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def shows_nothing(text: str) -> bool:
    """True if the text would show as nothing at all: only spaces, line breaks, and characters with no shape of
    their own (zero-width spaces and joiners, soft hyphens, combining marks with nothing to sit on, Hangul
    fillers). Such a text is refused like an empty one, as a blank line in the record would be."""
    if text.isascii():
        return not text.strip()
    return all(
        ch.isspace() or ch in _BLANK_LETTERS or unicodedata.category(ch) in ("Cf", "Cc", "Mn", "Me", "Zs", "Zl", "Zp", "Cs")
        for ch in text
    )


def one_line(text: str) -> str:
    """The text on one line: every run of whitespace one space, control characters left out."""
    return " ".join(visible(text).split())


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> dt.date:
    """'2026-11-22', '22/11/2026' or '22-11-2026' to a date; ValueError with a clear message otherwise."""
    text = text.strip()
    if _ISO_DAY.fullmatch(text):
        # The set-up screen's own date, as it fills it in: without strptime, whose first use in a process takes
        # several milliseconds (at the moment a session is started).
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date; write it as day/month/year or year-month-day, for example 22/11/2026 "
                     "or 2026-11-22")


def shortened(text: str, most: int = 60) -> str:
    """``text`` on one line, cut to at most ``most`` characters at a word's end, with "…" where it was cut."""
    text = " ".join(text.split())
    if len(text) <= most:
        return text
    cut = text[: most - 1]
    at = cut.rfind(" ")
    return (cut[:at] if at > most // 2 else cut).rstrip(" ,;:.—-") + "…"


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 session', '2 sessions', '20,000 sessions' ('words': the plural when it is not word + s)."""
    return f"{n} {word}" if n == 1 else f"{n:,} {words or word + 's'}"


def part_of(part: int, whole: int, one: str, many: str) -> str:
    """A count out of a whole, with its verb agreeing: '1 of 3 strengths was', '2 of 3 strengths were', 'The strength
    was', 'All 3 strengths were', 'None of the 3 strengths was', 'No strengths were' (the sentence goes on after it)."""
    if whole == 0:
        return f"No {many} were"
    if part == whole == 1:
        return f"The {one} was"
    if part == whole:
        return f"All {whole:,} {many} were"
    if part == 0:
        return f"None of the {whole:,} {many} was"
    return f"{part:,} of {whole:,} {many} {'was' if part == 1 else 'were'}"


def evidence_sentence(part: int, whole: int, one: str, many: str) -> str:
    """How many strengths were backed by evidence, as a sentence; with none at all, that none was recorded ("No
    strengths claimed were backed by evidence" read as if strengths had been claimed without it)."""
    if whole == 0:
        return "No strengths were recorded."
    return f"{part_of(part, whole, one, many)} backed by evidence."


def team_key(team: str) -> str:
    """What two spellings of one team's name have in common ("Fostering  team" and "fostering team")."""
    return " ".join(team.split()).casefold()


def one_spelling(teams) -> dict[str, str]:  # noqa: ANN001 - any iterable of team names
    """{team_key: the first spelling met} for these team names (pass them newest first), so that "Family
    support 2" and "Family Support 2" are listed, counted and chosen as one team."""
    spellings: dict[str, str] = {}
    for team in teams:
        if team and team.strip():
            spellings.setdefault(team_key(team), " ".join(team.split()))
    return spellings
