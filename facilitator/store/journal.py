"""Append-only journal of a session's changes: a line fsynced to disk is an acknowledged change."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ..models import Contribution, Session
from .files import open_private, write_all


class JournalWriteError(OSError):
    """The change could not be made durable; nothing of it is left in the journal."""


@dataclass
class JournalContents:
    ops: list[dict[str, Any]]
    damaged_tail: bytes = b""
    good_length: int = 0


class Journal:
    def __init__(self, path: Path):
        self.path = path

    def append(self, op: dict[str, Any]) -> None:
        """Append one line and fsync it. On any failure the file is cut back to where it was."""
        line = orjson.dumps(op) + b"\n"
        try:
            fd = open_private(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        except OSError as exc:
            raise JournalWriteError(exc.errno, exc.strerror, str(self.path)) from exc
        try:
            start = os.fstat(fd).st_size
            try:
                write_all(fd, line)
                os.fsync(fd)
            except OSError as exc:
                try:
                    os.ftruncate(fd, start)
                    os.fsync(fd)
                except OSError:
                    pass
                raise JournalWriteError(exc.errno, exc.strerror, str(self.path)) from exc
        finally:
            os.close(fd)

    def read(self) -> JournalContents:
        """Every complete line; a half-written or garbled tail is returned separately, not parsed."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return JournalContents([])
        ops: list[dict[str, Any]] = []
        pos = 0
        while pos < len(data):
            end = data.find(b"\n", pos)
            if end == -1:
                break
            try:
                op = orjson.loads(data[pos:end])
            except orjson.JSONDecodeError:
                break
            if not isinstance(op, dict) or "op" not in op:
                break
            ops.append(op)
            pos = end + 1
        return JournalContents(ops, data[pos:], pos)

    def truncate(self, length: int) -> None:
        fd = open_private(self.path, os.O_WRONLY)
        try:
            os.ftruncate(fd, length)
            os.fsync(fd)
        finally:
            os.close(fd)


def session_header(session: Session) -> dict[str, Any]:
    return session.model_dump(mode="json", exclude={"contributions"})


def apply_op(session: Session | None, op: dict[str, Any]) -> Session | None:
    """Apply one journal operation. Idempotent: replaying an op already applied changes nothing."""
    kind = op.get("op")
    if kind == "create":
        if session is not None:
            return session
        return Session.model_validate({**op["session"], "contributions": []})
    if session is None:
        return None
    if kind == "add":
        contribution = Contribution.model_validate(op["contribution"])
        if not any(c.id == contribution.id for c in session.contributions):
            session.contributions.append(contribution)
    elif kind == "update":
        data = session.model_dump(mode="json")
        data.update(op["fields"])
        updated = Session.model_validate(data)
        return updated
    elif kind == "edit":
        for index, c in enumerate(session.contributions):
            if c.id == op["id"]:
                data = c.model_dump(mode="json")
                data.update(op["fields"])
                session.contributions[index] = Contribution.model_validate(data)
                break
    elif kind == "delete":
        session.contributions = [c for c in session.contributions if c.id != op["id"]]
    return session
