"""A TinyDB storage that writes atomically and never reads a damaged file as an empty database."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from .files import atomic_write, read_whole


class DamagedFileError(Exception):
    """A database file exists but cannot be read as one."""

    def __init__(self, path: Path, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


META_TABLE = "_meta"
#: in ``_meta``: a SHA-256 of the file's tables and of the rest of ``_meta``, so a changed byte that
#: leaves the JSON valid (a letter of a contribution) is found when the file is read
CHECKSUM = "sha256"
_META_KEY = b'"' + META_TABLE.encode() + b'":'


def _digest(body: bytes, meta: dict[str, Any]) -> str:
    return hashlib.sha256(body + orjson.dumps(meta)).hexdigest()


def database_bytes(tables: dict[str, Any], meta: dict[str, Any] | None) -> bytes:
    """A database file's bytes: its tables, then (with ``meta``) the ``_meta`` table, last, with a checksum.

    The tables are serialised once; the checksum covers those very bytes, so checking it on reading
    costs one hash, not a second serialisation.
    """
    body = orjson.dumps({k: v for k, v in tables.items() if k != META_TABLE})
    if meta is None:
        return body
    meta = {k: v for k, v in meta.items() if k != CHECKSUM}
    tail = _META_KEY + orjson.dumps({"1": {**meta, CHECKSUM: _digest(body, meta)}}) + b"}"
    return body[:-1] + (b"," + tail if len(body) > 2 else tail)


def check_checksum(path: Path, data: bytes, tables: dict[str, Any]) -> None:
    """DamagedFileError if the file carries a checksum that its content no longer matches (older files carry none)."""
    meta = (tables.get(META_TABLE) or {}).get("1")
    if not isinstance(meta, dict) or CHECKSUM not in meta:
        return
    at = data.rfind(_META_KEY)
    if at > 0 and data[at - 1 : at] == b",":
        body = data[: at - 1] + b"}"
    elif at == 1:
        body = b"{}"
    else:
        body = b""
    rest = {k: v for k, v in meta.items() if k != CHECKSUM}
    if not body or meta[CHECKSUM] != _digest(body, rest):
        raise DamagedFileError(path, "its content no longer matches the checksum written with it (it was changed on disk)")


def parse_database(path: Path, data: bytes, loads: Callable[[bytes], Any] = orjson.loads) -> dict[str, dict[str, Any]]:
    """The tables of a TinyDB file, or DamagedFileError saying in a few words what is wrong with it.

    ``loads``: the JSON parser; ``json.loads`` for a large file whose documents are kept (orjson keeps the
    last few thousand keys it read, the table's "1", "2", ..., scattered through the memory it filled, so
    little of that memory goes back to the system once the documents are dropped)."""
    if not data:
        raise DamagedFileError(path, "it is empty (zero bytes)")
    try:
        parsed = loads(data)
    except (ValueError, RecursionError):  # orjson's and json's JSONDecodeError, a bad UTF-8 byte, too deep
        raise DamagedFileError(path, "it is cut off or not valid JSON") from None
    if not isinstance(parsed, dict) or not all(isinstance(v, dict) for v in parsed.values()):
        raise DamagedFileError(path, "it is JSON but not a database")
    return parsed


class AtomicJSONStorage(Storage):
    """JSON storage for TinyDB: atomic replace on write, strict on read, the tables kept in memory.

    We are the only writer (the data folder is locked), so the file is read and parsed once; after
    that read() hands TinyDB the same tables, which it changes and passes back to write(). If a
    write fails, memory is ahead of the file: the store then drops this instance and rewrites the
    file whole from its own copy (the change is in the journal already).
    """

    def __init__(self, path: str | Path, create: bool = True, sync: bool = True, sync_dir: bool = True):
        self.path = Path(path)
        self._create = create
        self._sync = sync
        self._sync_dir = sync_dir
        self._bytes: bytes | None = None  # the file's content, if known and current
        self._data: dict[str, dict[str, Any]] | None = None  # the tables, once parsed
        #: written into every save as the ``_meta`` table (the store keeps the journal position here)
        self.meta: dict[str, Any] | None = None
        #: keep writes in memory until flush() (for files whose every change is already in a journal)
        self.deferred = False
        self.pending = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._data is None:
            if self._bytes is None:
                try:
                    self._bytes = read_whole(self.path)
                except FileNotFoundError:
                    return None
            try:
                self._data = parse_database(self.path, self._bytes)
            except DamagedFileError:
                self._bytes = None
                raise
        return self._data

    def preload(self, data: bytes) -> None:
        """The file's bytes are already known (just written): no need to read them back."""
        self._bytes = data
        self._data = None

    @property
    def last_bytes(self) -> bytes | None:
        """The content the file has, or will have at the next flush()."""
        if self._bytes is None and self._data is not None:
            self._bytes = orjson.dumps(self._data) if self.meta is None else database_bytes(self._data, self.meta)
        return self._bytes

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data
        self._bytes = None
        if self.deferred:
            self.pending = True
            return
        atomic_write(self.path, self.last_bytes, sync=self._sync, sync_dir=self._sync_dir)
        self.pending = False

    def flush(self) -> bool:
        """Write what deferred writes kept in memory; True if anything was written."""
        if not self.pending:
            return False
        atomic_write(self.path, self.last_bytes, sync=self._sync, sync_dir=self._sync_dir)
        self.pending = False
        return True

    def close(self) -> None:
        self._bytes = None
        self._data = None
