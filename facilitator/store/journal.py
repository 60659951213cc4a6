"""Append-only journal of a session's changes: a line fsynced to disk is an acknowledged change.

Each line is one JSON object with an ``op`` and a ``seq`` (1, 2, 3, ... per session). The session's
TinyDB file remembers the last ``seq`` it contains, so after a crash only the newer lines are replayed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from .files import FILE_MODE, open_private, read_whole, write_all

if TYPE_CHECKING:
    from ..models import Contribution, Session


class JournalWriteError(OSError):
    """The change could not be made durable; nothing of it is left in the journal."""


@dataclass
class JournalContents:
    ops: list[dict[str, Any]]
    #: bytes after the last newline: a line the app was writing when it stopped (never acknowledged)
    damaged_tail: bytes = b""
    #: length of the file up to and including its last newline
    good_length: int = 0
    #: complete lines in the middle that cannot be read (damage on disk, or a failed write)
    damaged_lines: int = 0
    size: int = 0
    raw: bytes = field(default=b"", repr=False)
    #: unreadable lines after the last readable one (their changes come after ``last_seq``)
    trailing_damaged: int = 0

    @property
    def last_seq(self) -> int:
        return max((op.get("seq", 0) for op in self.ops), default=0)

    def missing_seqs(self) -> list[int]:
        """Sequence numbers of changes that were in unreadable lines (gaps, and lines after the last good one)."""
        seen = {op["seq"] for op in self.ops if isinstance(op.get("seq"), int)}
        last = max(seen, default=0)
        gaps = [n for n in range(1, last + 1) if n not in seen]
        return gaps + list(range(last + 1, last + 1 + self.trailing_damaged))


def _parse_line(line: bytes) -> dict[str, Any] | None:
    try:
        op = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(op, dict) or "op" not in op:
        return None
    return op


def parse_journal(data: bytes) -> JournalContents:
    """Every readable line; unreadable lines in the middle are counted and skipped, a cut-off last line kept apart."""
    ops: list[dict[str, Any]] = []
    damaged = 0
    last_newline = data.rfind(b"\n")
    good_length = last_newline + 1
    body = data[:good_length]
    trailing = 0
    for line in body.split(b"\n"):
        if not line.strip():
            continue
        op = _parse_line(line)
        if op is None:
            damaged += 1
            trailing += 1
        else:
            ops.append(op)
            trailing = 0
    return JournalContents(ops, data[good_length:], good_length, damaged, len(data), data, trailing)


class Journal:
    def __init__(self, path: Path):
        self.path = path
        self._end = -1  # the length of the file after this object's last append (which ended in a newline)

    def append(self, *ops: dict[str, Any], sync: bool = True) -> int:
        """Append lines and fsync them (``sync=False``: not fsynced, for derived files); returns the new length
        of the file.

        On any failure the file is cut back to where it was and JournalWriteError is raised. If an
        earlier failed write could not be cut back, the new line starts on a line of its own.
        """
        data = b"".join(orjson.dumps(op) + b"\n" for op in ops)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, FILE_MODE)
        except OSError as exc:
            raise JournalWriteError(exc.errno, exc.strerror, str(self.path)) from exc
        try:
            start = -1
            try:
                st = os.fstat(fd)
                if (st.st_mode & 0o777) != FILE_MODE:
                    os.fchmod(fd, FILE_MODE)
                start = st.st_size
                # (a file just as this object's last append left it ends in a newline)
                if start and start != self._end and os.pread(fd, 1, start - 1) != b"\n":
                    data = b"\n" + data
                write_all(fd, data)
                if sync:
                    os.fsync(fd)
            except OSError as exc:
                self._end = -1
                if start >= 0:
                    try:
                        os.ftruncate(fd, start)
                        os.fsync(fd)
                    except OSError:
                        pass
                raise JournalWriteError(exc.errno, exc.strerror, str(self.path)) from exc
            self._end = start + len(data)
            return self._end
        finally:
            os.close(fd)

    def read(self) -> JournalContents:
        try:
            data = read_whole(self.path)  # (a file of gigabytes is refused, not read: see MAX_FILE_BYTES)
        except FileNotFoundError:
            return JournalContents([])
        return parse_journal(data)

    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def truncate(self, length: int) -> None:
        fd = open_private(self.path, os.O_WRONLY)
        try:
            os.ftruncate(fd, length)
            os.fsync(fd)
        finally:
            os.close(fd)


def contribution_doc(contribution: Contribution) -> dict[str, Any]:
    """A contribution as stored: fields still at their default value (no tags, not starred, ...) left out.

    Smaller files, and a third of the objects to build when the whole history is loaded.
    """
    return contribution.model_dump(mode="json", exclude_defaults=True)


def session_header(session: Session) -> dict[str, Any]:
    return session.model_dump(mode="json", exclude={"contributions"})


class ImpossibleOpError(ValueError):
    """A journal line that is readable JSON but cannot be applied (made by a newer version, or damaged)."""


#: what an error from applying a line that does not fit the session may be (pydantic's ValidationError
#: is a ValueError)
APPLY_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)


def valid_seq(op: dict[str, Any]) -> bool:
    seq = op.get("seq")
    return type(seq) is int and seq > 0


def apply_op(session: Session | None, op: dict[str, Any]) -> Session | None:
    """Apply one journal operation. Idempotent: replaying an op already applied changes nothing.

    A line that cannot be applied raises one of APPLY_ERRORS and leaves ``session`` as it was.
    """
    from ..models import Contribution, Session

    kind = op.get("op")
    if kind == "create":
        if session is not None:
            return session
        created = Session.model_validate({**op["session"], "contributions": []})
        _check_phase(created)
        return created
    if kind not in ("add", "update", "edit", "delete"):
        raise ImpossibleOpError(f"unknown change {kind!r}")
    if session is None:
        return None
    if kind == "add":
        contribution = Contribution.model_validate(op["contribution"])
        existing = next((c for c in session.contributions if c.id == contribution.id), None)
        if existing is None:
            session.contributions.append(contribution)
        elif existing.model_dump() != contribution.model_dump():
            # Another contribution under an id already used (a journal changed by hand, two copies joined): dropped
            # without a word before; set aside now, and said, as any line that cannot be used.
            raise ImpossibleOpError(f"a contribution with the id {contribution.id} is already recorded")
    elif kind == "update":
        if not isinstance(op["fields"], dict):
            raise ImpossibleOpError("fields are not a table")
        data = session.model_dump(mode="json")
        data.update(op["fields"])
        updated = Session.model_validate(data)
        _check_phase(updated)
        return updated
    elif kind == "edit":
        if not isinstance(op["fields"], dict):
            raise ImpossibleOpError("fields are not a table")
        for index, c in enumerate(session.contributions):
            if c.id == op["id"]:
                data = c.model_dump(mode="json")
                data.update(op["fields"])
                session.contributions[index] = Contribution.model_validate(data)
                break
    elif kind == "delete":
        target = op["id"]
        session.contributions = [c for c in session.contributions if c.id != target]
    return session


def _check_phase(session: Session) -> None:
    if not 0 <= session.current_phase < len(session.template.phases):
        raise ImpossibleOpError(f"phase {session.current_phase} is not one of the template's")
