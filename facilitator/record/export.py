"""One entry point for every format: Session in, bytes out."""

from __future__ import annotations

from collections.abc import Mapping

from ..models import Session, SessionStatus
from .actions_csv import render_actions_csv
from .html import render_html_page
from .markdown import build_record

FORMATS = ("md", "html", "docx", "csv")
EXTENSIONS = {"md": "md", "html": "html", "docx": "docx", "csv": "actions.csv"}
FORMAT_NAMES = {"md": "markdown", "html": "HTML", "docx": "Word", "csv": "CSV of learning actions"}


def render_export(
    session: Session,
    fmt: str,
    draft: bool | None = None,
    retention: str | None = None,
    statuses: Mapping[str, tuple[str, str]] | None = None,
) -> bytes:
    """The record (md, html, docx) or the learning actions (csv) of a session, as the bytes of the file.
    `statuses`: action id -> (status, latest note), for the CSV."""
    if fmt == "csv":
        if draft is None:
            draft = session.status != SessionStatus.ended
        return render_actions_csv(session, statuses=statuses, draft=draft)
    record = build_record(session, draft, retention)
    if fmt == "md":
        return record.text.encode("utf-8")
    if fmt == "html":
        return render_html_page(record.meta, record.body).encode("utf-8")
    if fmt == "docx":
        from .word import render_docx_document  # python-docx is slow to import: only when a .docx is wanted

        return render_docx_document(record.meta, record.body)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")

