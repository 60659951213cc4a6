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


class AtomicJSONStorage(Storage):
    """JSON storage for TinyDB: atomic replace on write, strict on read, in-memory copy of the bytes.

    We are the only writer (the data folder is locked), so reads after the first come from the
    bytes we last wrote; TinyDB mutates what read() returns, so every read parses a fresh copy.
    """

    def __init__(self, path: str | Path, create: bool = True):
        self.path = Path(path)
        self._create = create
        self._bytes: bytes | None = None

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._bytes is None:
            try:
                data = self.path.read_bytes()
            except FileNotFoundError:
                return None
            if not data:
                raise DamagedFileError(self.path, "the file is empty (zero bytes)")
            self._bytes = data
        try:
            parsed = orjson.loads(self._bytes)
        except orjson.JSONDecodeError as exc:
            self._bytes = None
            raise DamagedFileError(self.path, f"the file is not valid JSON ({exc})") from None
        if not isinstance(parsed, dict) or not all(isinstance(v, dict) for v in parsed.values()):
            self._bytes = None
            raise DamagedFileError(self.path, "the file is JSON but not a database")
        return parsed

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        encoded = orjson.dumps(data)
        atomic_write(self.path, encoded)
        self._bytes = encoded

    def close(self) -> None:
        self._bytes = None
