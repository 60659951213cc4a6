"""A TinyDB storage that writes atomically and never reads a damaged file as an empty database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from .files import atomic_write


class DamagedFileError(Exception):
    """A database file exists but cannot be read as one."""

    def __init__(self, path: Path, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


META_TABLE = "_meta"


def parse_database(path: Path, data: bytes) -> dict[str, dict[str, Any]]:
    """The tables of a TinyDB file, or DamagedFileError saying in a few words what is wrong with it."""
    if not data:
        raise DamagedFileError(path, "it is empty (zero bytes)")
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError:
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
                    self._bytes = self.path.read_bytes()
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
            data = self._data if self.meta is None else {**self._data, META_TABLE: {"1": self.meta}}
            self._bytes = orjson.dumps(data)
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
