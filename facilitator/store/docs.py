"""The session index's entries held in memory, compactly: one tuple per session instead of one dict.

index.json holds one document per session (its summary, plus ``stale``, ``db_size`` and ``journal_size``).
At 20,000 sessions those documents, kept as the dicts the JSON parser makes, cost about 25 MB; kept as a
tuple of their values in a fixed order, the strings that repeat from session to session (team, template,
status, dates) shared, they cost under half of that. ``IndexDocs`` is a mapping from session id to its
document: a dict is made again when one is asked for, equal to the one stored (keys absent stay absent,
unknown keys are kept aside), so the store reads and compares documents as before.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator, MutableMapping
from json.decoder import scanstring
from typing import Any

#: the fields of an index document, in the order the store writes them
FIELDS = (
    "id", "title", "team", "facilitator", "template_id", "template_name", "date", "status", "current_phase",
    "phase_count", "created_at", "ended_at", "record_path", "shown_title", "shown_team", "stale", "db_size",
    "journal_size",
)
_AT = {name: n for n, name in enumerate(FIELDS)}
_KNOWN = frozenset(FIELDS)
#: values that repeat from session to session: one string kept for all (a few teams, templates, statuses)
_SHARED = tuple(_AT[k] for k in ("team", "facilitator", "template_id", "template_name", "status", "shown_team"))
_TITLE, _SHOWN_TITLE, _DATE, _STATUS = _AT["title"], _AT["shown_title"], _AT["date"], _AT["status"]
_COPIED = tuple(_AT[k] for k in ("id", "created_at", "ended_at", "record_path"))
_NUMBERS = tuple(_AT[k] for k in ("current_phase", "phase_count", "db_size", "journal_size"))
_EXTRA = len(FIELDS)  # the last place: a dict of keys the store does not know, or None


class _Missing:
    """A field the document does not have (not the same as one set to null)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


def _copy(text: str) -> str:
    """A new string object with the same text.

    What is kept is then made after the parser's objects, not among them: once the parsed document is
    dropped, the memory it took is wholly free and goes back to the system, instead of staying held by
    a few strings kept here and there in it."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass") if text else text


def _copy_int(number: int) -> int:
    """A new int object with the same value (see _copy; small ints are shared by Python anyway)."""
    return number + 0 if type(number) is int else number


class IndexDocs(MutableMapping):
    """Session id -> index document, each kept as a tuple (see the module docstring)."""

    __slots__ = ("_rows", "_last_date", "_shared")

    def __init__(self, docs: dict[str, dict[str, Any]] | None = None) -> None:
        self._rows: dict[str, tuple] = {}
        self._shared: dict[str, str] = {}  # team, template, status... -> the one string kept for it
        self._last_date: str = ""
        if docs:
            for key, doc in docs.items():
                self[key] = doc

    def _pack(self, doc: dict[str, Any]) -> tuple:
        values = [doc.get(name, MISSING) for name in FIELDS]
        shared = self._shared
        for n in _SHARED:
            value = values[n]
            if type(value) is str:
                kept = shared.get(value)
                if kept is None:
                    kept = shared[value] = sys.intern(_copy(value))
                values[n] = kept
        title = values[_TITLE]
        if type(title) is str:
            title = values[_TITLE] = _copy(title)
            if values[_SHOWN_TITLE] == title:
                values[_SHOWN_TITLE] = title
            elif type(values[_SHOWN_TITLE]) is str:
                values[_SHOWN_TITLE] = _copy(values[_SHOWN_TITLE])
        date = values[_DATE]
        if type(date) is str:  # sessions come in date order: the same day's share one string
            if date == self._last_date:
                values[_DATE] = self._last_date
            else:
                values[_DATE] = self._last_date = _copy(date)
        for n in _COPIED:
            value = values[n]
            if type(value) is str:
                values[n] = _copy(value)
        for n in _NUMBERS:
            values[n] = _copy_int(values[n])
        extra = {k: v for k, v in doc.items() if k not in _KNOWN} if len(doc) > len(FIELDS) or not _KNOWN.issuperset(doc) else None
        values.append(extra or None)
        return tuple(values)

    @staticmethod
    def _unpack(row: tuple) -> dict[str, Any]:
        doc = {name: value for name, value in zip(FIELDS, row) if value is not MISSING}
        if row[_EXTRA]:
            doc.update(row[_EXTRA])
        return doc

    # ------------------------------------------------------------------ the mapping
    def __getitem__(self, session_id: str) -> dict[str, Any]:
        return self._unpack(self._rows[session_id])

    def __setitem__(self, session_id: str, doc: dict[str, Any]) -> None:
        row = self._pack(doc)
        if row[0] == session_id:
            session_id = row[0]  # one string for the key and the id
        self._rows[session_id] = row

    def __delitem__(self, session_id: str) -> None:
        del self._rows[session_id]

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def keys(self):  # noqa: ANN201 - a dict's keys view (set operations as a dict's)
        return self._rows.keys()

    def values(self) -> Iterator[dict[str, Any]]:  # type: ignore[override]
        return (self._unpack(row) for row in self._rows.values())

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:  # type: ignore[override]
        return ((key, self._unpack(row)) for key, row in self._rows.items())

    # ------------------------------------------------------------------ without making a dict per session
    def field(self, session_id: str, name: str, default: Any = None) -> Any:
        """One field of one session's document (``default`` if it has no such document or field)."""
        row = self._rows.get(session_id)
        if row is None:
            return default
        value = row[_AT[name]]
        return default if value is MISSING else value

    def rows(self) -> Iterator[tuple]:
        """Every document as its values in FIELDS order (MISSING where it lacks one), without a dict each."""
        for row in self._rows.values():
            yield row[:_EXTRA]

    def fields(self, *names: str) -> Iterator[tuple]:
        """(session id, the named fields...) of every document; MISSING where a document lacks one."""
        places = [_AT[n] for n in names]
        for key, row in self._rows.items():
            yield (key, *[row[p] for p in places])


# ---------------------------------------------------------------------- reading index.json one entry at a time
_SPACE = re.compile(r"[ \t\n\r]*")


class _NotADatabase(ValueError):
    """JSON, but not tables of documents."""


def read_index(data: bytes, table: str, check: Callable[[Any], str]) -> IndexDocs:
    """The documents of ``table`` in a TinyDB file's bytes (``{"table": {"1": {...}, ...}, ...}``), each parsed
    and packed on its own, so that reading 20,000 of them never holds them all as dicts at once (nor leaves
    the memory those took scattered with what is kept). ``check(doc)`` returns the session id, or raises
    ValueError. ValueError (json's JSONDecodeError, UnicodeDecodeError, _NotADatabase) if the bytes are not
    such a file."""
    text = data.decode("utf-8")
    if text.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM", text, 0)
    decoder = json.JSONDecoder()
    docs = IndexDocs()
    end = len(text)

    def space(at: int) -> int:
        return _SPACE.match(text, at).end()  # type: ignore[union-attr]

    def expect(at: int, char: str) -> int:
        at = space(at)
        if text[at : at + 1] != char:
            raise json.JSONDecodeError(f"Expecting {char!r}", text, at)
        return at + 1

    def members(at: int):  # noqa: ANN202 - (key, position of its value) of a JSON object from ``at`` (after "{")
        at = space(at)
        if text[at : at + 1] == "}":
            yield None, at + 1
            return
        while True:
            at = expect(at, '"')
            key, at = scanstring(text, at)
            at = space(expect(at, ":"))
            at = yield key, at
            at = space(at)
            if text[at : at + 1] == ",":
                at += 1
                continue
            if text[at : at + 1] == "}":
                yield None, at + 1
                return
            raise json.JSONDecodeError("Expecting ',' delimiter", text, at)

    at = expect(0, "{")
    outer = members(at)
    key, at = next(outer)
    while key is not None:
        if text[at : at + 1] != "{":
            raise _NotADatabase("a table is not an object")
        if key == table:
            inner = members(at + 1)
            doc_key, at = next(inner)
            while doc_key is not None:
                doc, at = decoder.raw_decode(text, at)
                docs[check(doc)] = doc
                del doc
                doc_key, at = inner.send(at)
        else:
            _, at = decoder.raw_decode(text, at)
        key, at = outer.send(at)
    if space(at) != end:
        raise json.JSONDecodeError("Extra data", text, space(at))
    return docs
