"""The session index's entries held in memory, compactly: all of them in one buffer instead of a dict each.

index.json holds one document per session (its summary, plus ``stale``, ``db_size`` and ``journal_size``).
At 20,000 sessions those documents, kept as the dicts the JSON parser makes, cost about 25 MB; kept as a
tuple of their values (with the strings that repeat shared) about 12 MB. Kept as here, each document is its
values in a fixed order written as one short JSON array without the keys (``orjson``), the strings that
repeat from session to session (team, template, status...) written as their number in a table of their own,
the id left out (it is the key) and the shown title left out when it is the title. Those and the ids are
kept one after the other in one buffer, with a hash table of the ids in an array: about 4 MB in a few large
blocks, no object per session (one bytes value and one id string each took about 5.8 MB among Python's small
objects, whose memory the app keeps). ``IndexDocs`` is a mapping from session id
to its document: a dict is made again when one is asked for, equal to the one stored (keys absent stay absent,
unknown keys are kept aside), so the store reads and compares documents as before.
"""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Callable, Iterator, KeysView, MutableMapping
from json.decoder import scanstring
from typing import Any

import orjson

#: the fields of an index document, in the order the store writes them
FIELDS = (
    "id", "title", "team", "facilitator", "template_id", "template_name", "date", "status", "current_phase",
    "phase_count", "created_at", "ended_at", "record_path", "shown_title", "shown_team", "stale", "db_size",
    "journal_size",
)
_AT = {name: n for n, name in enumerate(FIELDS)}
_KNOWN = frozenset(FIELDS)
#: values that repeat from session to session: written as their place in IndexDocs' table of them
_SHARED = tuple(_AT[k] for k in ("team", "facilitator", "template_id", "template_name", "status", "shown_team"))
_ID, _TITLE, _SHOWN_TITLE = _AT["id"], _AT["title"], _AT["shown_title"]
_EXTRA = len(FIELDS)  # after the fields: a dict of keys the store does not know, or null
_MISSING_BITS = _EXTRA + 1  # then: which fields the document does not have (bit n for FIELDS[n])


class _Missing:
    """A field the document does not have (not the same as one set to null)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


class IndexDocs(MutableMapping):
    """Session id -> index document, each kept packed (see the module docstring), all of them in one buffer.

    In a packed document, a field is its JSON value, except: the id is 0 when it is the key; a shared field's
    string is its place (an int) in ``_shared``; the shown title is 0 when it is the title; and a value that
    could be taken for one of those (a number where a string belongs, in a strange file) is wrapped in a list.

    Entry n of ``_data`` is the session id's UTF-8 bytes, then its packed document; ``_ends[n]`` is where it
    ends and ``_id_ends[n]`` where its id does. ``_slots`` is a hash table (open addressing) from the id to its
    entry. A changed document is a new entry, the old one marked dead (``_dead``); dead entries are dropped
    when they are half the buffer. So no object is kept per session: a few large blocks of memory, which go
    back to the system when dropped, instead of a dict of 20,000 keys and 20,000 bytes values (about 100 bytes
    more per session, among the small objects whose memory Python keeps).
    """

    __slots__ = ("_data", "_ends", "_id_ends", "_dead", "_slots", "_used", "_live", "_garbage", "_shared", "_places",
                 "version")

    def __init__(self, docs: dict[str, dict[str, Any]] | None = None) -> None:
        self._shared: list[str] = []  # team, template, status... each once
        self._places: dict[str, int] = {}  # the same -> its place in _shared
        #: goes up with every change to an entry: what is worked out from all the entries is kept until it does
        self.version = 0
        self._reset(8)
        if docs:
            for key, doc in docs.items():
                self[key] = doc

    def _reset(self, slots: int) -> None:
        self._data = bytearray()
        self._ends = array("q")
        self._id_ends = array("q")
        self._dead = bytearray()
        self._slots = array("i", [-1]) * slots
        self._used = 0  # slots taken
        self._live = 0  # entries not dead
        self._garbage = 0  # bytes of dead entries

    # ------------------------------------------------------------------ the buffer and its hash table
    def _find(self, key: str, encoded: bytes) -> tuple[int, int]:
        """(the slot of ``key``, its entry, or -1 if the id has none: the slot is then the free one for it)."""
        slots, data, ends, id_ends = self._slots, self._data, self._ends, self._id_ends
        mask = len(slots) - 1
        at = hash(key) & mask
        size = len(encoded)
        while True:
            entry = slots[at]
            if entry < 0:
                return at, -1
            start = ends[entry - 1] if entry else 0
            if id_ends[entry] - start == size and data.startswith(encoded, start):  # (no copy made)
                return at, entry
            at = (at + 1) & mask

    def _entry(self, key: str) -> int:
        """The live entry of ``key``, or -1."""
        try:
            encoded = key.encode("utf-8", "surrogatepass")
        except (AttributeError, TypeError):
            return -1
        entry = self._find(key, encoded)[1]
        return -1 if entry < 0 or self._dead[entry] else entry

    def _packed(self, entry: int) -> bytes:
        return bytes(self._data[self._id_ends[entry] : self._ends[entry]])

    def _put(self, key: str, packed: bytes) -> None:
        self.version += 1
        encoded = key.encode("utf-8", "surrogatepass")
        at, old = self._find(key, encoded)
        if old >= 0 and not self._dead[old]:
            self._kill(old)
        elif old < 0:
            self._used += 1
        data = self._data
        data += encoded
        self._id_ends.append(len(data))
        data += packed
        self._ends.append(len(data))
        self._dead.append(0)
        self._live += 1
        self._slots[at] = len(self._ends) - 1
        if self._garbage > 65536 and self._garbage * 2 > len(data):
            self._compact()
        elif self._used * 3 > len(self._slots) * 2:
            self._rehash()

    def _kill(self, entry: int) -> None:
        self.version += 1
        self._dead[entry] = 1
        self._live -= 1
        self._garbage += self._ends[entry] - (self._ends[entry - 1] if entry else 0)

    def _entries(self) -> Iterator[tuple[str, bytes]]:
        """(session id, packed document) of every live entry, in the order they were put."""
        data = self._data
        for _, start, middle, end in _live_spans(self._ends, self._id_ends, self._dead):
            yield data[start:middle].decode("utf-8", "surrogatepass"), bytes(data[middle:end])

    def _compact(self) -> None:
        """The live entries into new buffers (dead ones dropped) and a new hash table."""
        data, ends, id_ends, dead = self._data, self._ends, self._id_ends, self._dead
        self._reset(_table_size(self._live))
        for _, start, middle, end in _live_spans(ends, id_ends, dead):
            self._put(data[start:middle].decode("utf-8", "surrogatepass"), bytes(data[middle:end]))
        self.trim()

    def trim(self) -> None:
        """The buffers made the size they hold (as they grow, room is kept for more): after many entries were put."""
        self._data = bytearray(self._data)
        self._ends = array("q", self._ends)
        self._id_ends = array("q", self._id_ends)
        self._dead = bytearray(self._dead)

    def _rehash(self) -> None:
        """A larger hash table over the live entries (the buffer as it is)."""
        data = self._data
        slots = self._slots = array("i", [-1]) * _table_size(self._live)
        mask = len(slots) - 1
        used = 0
        for entry, start, middle, _ in _live_spans(self._ends, self._id_ends, self._dead):
            at = hash(data[start:middle].decode("utf-8", "surrogatepass")) & mask
            while slots[at] >= 0:
                at = (at + 1) & mask
            slots[at] = entry
            used += 1
        self._used = used

    def _pack(self, doc: dict[str, Any], key: str) -> bytes:
        values: list[Any] = []
        missing = 0
        for n, name in enumerate(FIELDS):
            value = doc.get(name, MISSING)
            if value is MISSING:
                missing |= 1 << n
                value = None
            elif n == _ID:
                value = 0 if value == key and type(value) is str else [value]
            elif n in _SHARED:
                if type(value) is str:
                    place = self._places.get(value)
                    if place is None:
                        place = self._places[value] = len(self._shared)
                        self._shared.append(value)
                    value = place
                elif type(value) is int or type(value) is list:
                    value = [value]
            elif n == _SHOWN_TITLE:
                if type(value) is str and value == doc.get("title"):
                    value = 0
                elif type(value) is not str and value is not None:
                    value = [value]
            values.append(value)
        extra = {k: v for k, v in doc.items() if k not in _KNOWN} if not _KNOWN.issuperset(doc) else None
        values.append(extra or None)
        values.append(missing)
        try:
            return orjson.dumps(values)
        except TypeError:  # a number too large for orjson, in a strange file
            # (after a space, which orjson never writes first: read back with json too, which keeps the number)
            return b" " + json.dumps(values, ensure_ascii=False).encode("utf-8", "surrogatepass")

    def _values(self, key: str, packed: bytes) -> list[Any]:
        """The document's values in FIELDS order (MISSING where it has none), then its unknown keys (or None)."""
        if packed[:1] == b" ":  # written by json (see _pack): orjson would read its large number as a float
            values = json.loads(packed.decode("utf-8", "surrogatepass"))
        else:
            try:
                values = orjson.loads(packed)
            except orjson.JSONDecodeError:  # (a lone surrogate in a string, in a strange file)
                values = json.loads(packed.decode("utf-8", "surrogatepass"))
        shared = self._shared
        value = values[_ID]
        values[_ID] = key if value == 0 and type(value) is int else None if value is None else value[0]
        for n in _SHARED:
            value = values[n]
            if type(value) is int:
                values[n] = shared[value]
            elif type(value) is list:
                values[n] = value[0]
        value = values[_SHOWN_TITLE]
        if type(value) is int:
            values[_SHOWN_TITLE] = values[_TITLE]
        elif type(value) is list:
            values[_SHOWN_TITLE] = value[0]
        missing = values.pop()
        if missing:
            for n in range(len(FIELDS)):
                if missing >> n & 1:
                    values[n] = MISSING
        return values

    def _unpack(self, key: str, packed: bytes) -> dict[str, Any]:
        values = self._values(key, packed)
        doc = {name: value for name, value in zip(FIELDS, values) if value is not MISSING}
        if values[_EXTRA]:
            doc.update(values[_EXTRA])
        return doc

    # ------------------------------------------------------------------ the mapping
    def __getitem__(self, session_id: str) -> dict[str, Any]:
        entry = self._entry(session_id)
        if entry < 0:
            raise KeyError(session_id)
        return self._unpack(session_id, self._packed(entry))

    def __setitem__(self, session_id: str, doc: dict[str, Any]) -> None:
        self._put(session_id, self._pack(doc, session_id))

    def __delitem__(self, session_id: str) -> None:
        entry = self._entry(session_id)
        if entry < 0:
            raise KeyError(session_id)
        self._kill(entry)

    def __contains__(self, session_id: object) -> bool:
        return type(session_id) is str and self._entry(session_id) >= 0

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self._entries())

    def __len__(self) -> int:
        return self._live

    def keys(self) -> KeysView:  # (set operations as a dict's keys)
        return KeysView(self)

    def values(self) -> Iterator[dict[str, Any]]:  # type: ignore[override]
        return (self._unpack(key, packed) for key, packed in self._entries())

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:  # type: ignore[override]
        return ((key, self._unpack(key, packed)) for key, packed in self._entries())

    # ------------------------------------------------------------------ without making a dict per session
    def field(self, session_id: str, name: str, default: Any = None) -> Any:
        """One field of one session's document (``default`` if it has no such document or field)."""
        entry = self._entry(session_id)
        if entry < 0:
            return default
        value = self._values(session_id, self._packed(entry))[_AT[name]]
        return default if value is MISSING else value

    def rows(self) -> Iterator[tuple]:
        """Every document as its values in FIELDS order (MISSING where it lacks one), without a dict each."""
        for key, packed in self._entries():
            yield tuple(self._values(key, packed)[:_EXTRA])

    def fields(self, *names: str) -> Iterator[tuple]:
        """(session id, the named fields...) of every document; MISSING where a document lacks one."""
        places = [_AT[n] for n in names]
        for key, packed in self._entries():
            values = self._values(key, packed)
            yield (key, *[values[p] for p in places])


def _live_spans(ends: array, id_ends: array, dead: bytearray) -> Iterator[tuple[int, int, int, int]]:
    """(entry, where its id starts, where its packed document starts, where it ends) of every live entry."""
    start = 0
    for entry in range(len(ends)):
        end = ends[entry]
        if not dead[entry]:
            yield entry, start, id_ends[entry], end
        start = end


def _table_size(live: int) -> int:
    """Slots for a hash table of ``live`` entries: a power of two, at least twice as many (a third taken at most,
    half at least, until it grows when two thirds are)."""
    size = 8
    while size < live * 2:
        size *= 2
    return size


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
    docs.trim()
    return docs
