"""The extra fields of each phase kind, and how what was typed becomes a contribution's text and fields.

Plain Python (no Textual): the session screen's kind fields and the phones' page both use it.
"""

from __future__ import annotations

import datetime as dt
import re

from .dates import is_numeric_date, parse_due
from .text import clean_text
from .vocabulary import PhaseKind

# Field keys stored in Contribution.fields, in the order they are shown, with their labels.
FIELD_LABELS: dict[str, str] = {
    "rating": "rating",
    "evidence": "evidence",
    "skill": "practice skill",
    "when": "when",
    "changed": "done differently",
    "owner": "owner",
    "due": "due",
    "tell": "who hears",
    "votes": "votes",  # dots a dot vote gave it (phones in the room)
}

KIND_FIELDS: dict[PhaseKind, tuple[str, ...]] = {
    PhaseKind.discussion: (),
    PhaseKind.strengths: ("evidence", "skill"),
    PhaseKind.timeline: ("when", "changed"),
    PhaseKind.actions: ("owner", "due", "tell"),
    PhaseKind.scale: ("rating",),
    PhaseKind.round: (),
}

#: which kind of phase a field belongs to (each field is that of one kind only)
_KIND_OF_FIELD: dict[str, PhaseKind] = {key: kind for kind, keys in KIND_FIELDS.items() for key in keys}
#: the kinds whose contributions count beyond their text: in this order when fields of more than one are given
_COUNTED_KINDS = (PhaseKind.actions, PhaseKind.strengths, PhaseKind.scale)


def kind_by_fields(fields: object) -> PhaseKind | None:
    """What a contribution recorded in a phase its template no longer has is, told by its fields, since its phase
    cannot tell: an action (an owner, due date or who hears about it given), a strength (evidence or a practice
    skill), a rating (a rating), or None (anything else). The record numbers such an action after the session's
    other actions, and the history, the action register and the read-back count it as the record shows it."""
    if not isinstance(fields, dict) or not fields:
        return None
    kinds = {
        _KIND_OF_FIELD.get(key) for key, value in fields.items() if isinstance(value, str) and value.strip()
    }
    return next((kind for kind in _COUNTED_KINDS if kind in kinds), None)


PASS = "pass"
NO_REASON = "(no reason given)"


def one_line(value: str) -> str:
    """What someone typed in a small field: control characters gone, whitespace collapsed."""
    return " ".join(clean_text(value).split())


_RATING_WORDS = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten".split())}
_OUT_OF_TEN = re.compile(r"(\w+)\s*(?:/\s*10|out of (?:10|ten))")


def rating_value(value: str) -> int | None:
    """The whole number from 0 to 10 a rating is typed as ("7", "7/10", "7 out of 10", "seven"); None otherwise."""
    value = " ".join(value.split()).casefold()
    if match := _OUT_OF_TEN.fullmatch(value):
        value = match.group(1)
    number = int(value) if value.isdigit() else _RATING_WORDS.get(value)
    return number if number is not None and 0 <= number <= 10 else None


def rating_problem(value: str) -> str | None:
    """None if `value` is empty or a whole number from 0 to 10 (see rating_value), else a note saying what to type."""
    value = value.strip()
    if not value:
        return None
    if rating_value(value) is not None:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = None
    if number is not None and 0 < number < 10 and number != int(number):  # a half point, as a scale is often said
        low = int(number)
        return (f"Rating: '{value}' is not a whole number; type {low} or {low + 1} (ratings are whole numbers from 0 "
                "to 10), or leave it empty.")
    return f"Rating: '{value}' is not a number from 0 to 10; type a whole number from 0 to 10, or leave it empty."


def normalise_due(value: str, today: dt.date | None = None) -> tuple[str, str]:
    """A due date understood as a date becomes YYYY-MM-DD, with the words typed kept beside it when they were
    words ("end of Feb"); anything else ("next supervision") is kept as typed, and is never overdue."""
    value = one_line(value)
    date = parse_due(value, today or dt.date.today())
    if date is None:
        return value, ""
    return date.isoformat(), "" if is_numeric_date(value) else value


def typed_fields(kind: PhaseKind, raw_fields: dict[str, str], today: dt.date | None = None) -> dict[str, str]:
    """The fields to store of a phase kind's extra fields as typed: one line each, empty ones left out, a due date
    understood as a date kept as YYYY-MM-DD with the words said beside it, a rating as a whole number."""
    fields = {key: one_line(raw_fields.get(key, "")) for key in KIND_FIELDS.get(kind, ())}
    fields = {key: value for key, value in fields.items() if value}
    if "due" in fields:
        fields["due"], said = normalise_due(fields["due"], today)
        if said:
            fields["due_said"] = said
    if "rating" in fields:
        fields["rating"] = str(rating_value(fields["rating"]))
    return fields


#: what a contribution with a kind's fields is, as a sentence names it
_KIND_NOUN = {PhaseKind.actions: "an action", PhaseKind.strengths: "a strength", PhaseKind.timeline: "a turning point",
              PhaseKind.scale: "a rating"}


def left_behind(fields: dict[str, str], kind: PhaseKind | None) -> str:
    """What a contribution moved to a phase of ``kind`` stops being, said for the facilitator: its fields of another
    kind (an action's owner and due date) are kept, but the minutes, the action register and the follow-up show them
    only in a phase of their own kind. "" if nothing is left behind. (An action moved to turning points left the
    minutes, the actions screen and the next follow-up round without a word.)"""
    others: dict[PhaseKind, list[str]] = {}
    for key, value in fields.items():
        owner = _KIND_OF_FIELD.get(key)
        if owner is not None and owner != kind and str(value).strip():
            others.setdefault(owner, []).append(FIELD_LABELS.get(key, key))
    if not others:
        return ""
    owner, labels = next(iter(others.items()))
    listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return (f"it is no longer {_KIND_NOUN.get(owner, 'what it was')} in the minutes, which leave out its {listed} "
            "(kept for a move back)")  # (the status goes on "ctrl+z undoes.")


def edited_fields(kind: PhaseKind | None, current: dict[str, str], raw_fields: dict[str, str],
                  today: dt.date | None = None) -> dict[str, str]:
    """A recorded contribution's fields after its kind's extra fields were edited (``raw_fields``, as typed): those
    replaced, its other fields (a dot vote's, a round's pass) kept."""
    if kind is None or not KIND_FIELDS.get(kind):
        return dict(current)
    keys = set(KIND_FIELDS[kind]) | {"due_said"}
    return {**{k: v for k, v in current.items() if k not in keys}, **typed_fields(kind, raw_fields, today)}


def build_contribution(
    kind: PhaseKind, text: str, raw_fields: dict[str, str], today: dt.date | None = None
) -> tuple[str, dict[str, str]]:
    """The text to record and the fields to store, from what was typed. Empty fields are left out."""
    fields = typed_fields(kind, raw_fields, today)
    if kind == PhaseKind.round and text.strip().casefold() == PASS:
        return PASS, {"turn": PASS}
    if kind == PhaseKind.scale and not text.strip() and "rating" in fields:
        return NO_REASON, fields
    return text, fields


