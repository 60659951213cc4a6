"""Shared by the record tests: build sessions through the real operations, and read records back."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import docx
from markdown_it import MarkdownIt

from facilitator.record.markdown import split_record
from facilitator.session_ops import end_session, record_contribution, start_session

# A full CommonMark parser (every rule on), as any other markdown viewer would read the file.
FULL = MarkdownIt("commonmark", {"html": True}).enable("table")


def new_session(store, template, clock, **kwargs):
    defaults = dict(
        title="Returning to school",
        team="Family Support 2",
        facilitator="Jo Lead",
        participants=["Sam", "Priya", "Team manager"],
        ground_rules_agreed=True,
    )
    defaults.update(kwargs)
    return start_session(store, template, clock=clock, **defaults)


def say(store, session, clock, phase_id: str, text: str, speaker: str | None = None, **extra):
    """Record `text` in `phase_id` as the app does (moving the session there first)."""
    from facilitator.session_ops import go_to_phase

    index = session.template.phase_index(phase_id)
    if session.current_phase != index:
        moved = go_to_phase(store, session, index)
        session.current_phase = moved.current_phase
    return record_contribution(store, session, text, speaker, clock, **extra)


def end(store, session, clock):
    return end_session(store, session, clock)


def expected_lines(text: str) -> list[str]:
    """What a record shows of user text: each line trimmed, leading and trailing blank lines dropped."""
    return [line.strip() for line in text.strip().splitlines()]


def inline_plain(inline) -> str:
    out = []
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        else:
            out.append(child.content)
    return "".join(out)


def sections(body: str) -> dict[str, list]:
    """Tokens of a record body grouped under each h2 heading's text (full parser)."""
    tokens = FULL.parse(body)
    out: dict[str, list] = {}
    current = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open" and token.tag == "h2":
            current = tokens[i + 1].content
            out[current] = []
            i += 3
            continue
        if current is not None:
            out[current].append(token)
        i += 1
    return out


def list_items(tokens: list) -> list[str]:
    """Plain text of each top-level list item in a section."""
    items = []
    depth = 0
    for i, token in enumerate(tokens):
        if token.type == "list_item_open":
            depth += 1
            if depth == 1:
                items.append("")
        elif token.type == "list_item_close":
            depth -= 1
        elif token.type == "inline" and depth == 1:
            items[-1] += inline_plain(token)
    return items


def table_rows(tokens: list) -> list[list[str]]:
    """Plain text of the cells of every table row in a section (header row included)."""
    rows: list[list[str]] = []
    in_cell = False
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("td_open", "th_open"):
            in_cell = True
            rows[-1].append("")
        elif token.type in ("td_close", "th_close"):
            in_cell = False
        elif token.type == "inline" and in_cell:
            rows[-1][-1] += inline_plain(token)
    return rows


def docx_document(data: bytes):
    return docx.Document(io.BytesIO(data))


def docx_text(data: bytes) -> str:
    document = docx_document(data)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


class HTMLScan(HTMLParser):
    """Every tag with its attributes, and the text, of an HTML page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.comments: list[str] = []
        self._in = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if not (self._in and self._in[-1] in ("style", "title")):
            self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    @property
    def plain(self) -> str:
        return "".join(self.text)


__all__ = ["split_record"]
