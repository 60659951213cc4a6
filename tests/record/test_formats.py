"""HTML, Word and CSV: made from the markdown record, each right for its use."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import zipfile

from facilitator.record.export import render_export
from facilitator.record.html import STYLE

from .helpers import HTMLScan, docx_document, end, expected_lines, new_session, say, split_record


def _ended_session(store, ssr, clock):
    session = new_session(store, ssr, clock)
    actions = next(p for p in ssr.phases if p.kind.value == "actions")
    for phase in ssr.phases:
        if phase.id != actions.id:
            say(store, session, clock, phase.id, f"Said in {phase.title}", "Sam")
    planned = [
        ("Share the morning plan at the team meeting", {"owner": "Priya", "due": "2026-12-15", "tell": "Whole team"}),
        ("=HYPERLINK(\"http://x\")", {"owner": "+Sam", "due": "", "tell": "@everyone"}),
        ("Ask school — write to the head\nand copy in health", {"owner": "Team manager", "due": "2027-01-10", "tell": "Mother"}),
    ]
    for text, fields in planned:
        say(store, session, clock, actions.id, text, "Priya", fields=fields)
    ended, _ = end(store, session, clock)
    return store.load_session(ended.id), planned


def test_html_is_a_standalone_printable_page(store, ssr, clock):
    session, _ = _ended_session(store, ssr, clock)
    html = render_export(session, "html").decode("utf-8")
    page = HTMLScan(html)
    assert html.startswith("<!DOCTYPE html>")
    headings = [tag for tag, _ in page.tags if tag in ("h1", "h2")]
    assert headings.count("h1") == 1
    assert headings.count("h2") == len(ssr.phases) + 4
    for phase in ssr.phases:
        assert phase.title in page.plain
    # Only its own stylesheet may apply, pinned by hash; nothing may load or run.
    meta = {a.get("http-equiv"): a.get("content") for t, a in page.tags if t == "meta"}
    csp = meta["Content-Security-Policy"]
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    assert style.startswith(STYLE)  # and the handling note for the top of each printed page
    assert "default-src 'none'" in csp and "script-src 'none'" in csp
    assert not [t for t, a in page.tags if t in ("script", "link", "img", "iframe") or "src" in a or "href" in a]
    assert "@media print" in STYLE
    # The learning actions table is a real table.
    assert ("table", {}) in page.tags


def test_word_file_has_real_headings_lists_and_tables(store, ssr, clock):
    session, planned = _ended_session(store, ssr, clock)
    data = render_export(session, "docx")
    document = docx_document(data)
    styled = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Title", session.title) in styled
    heading_texts = [text for style, text in styled if style == "Heading 1"]
    for n, phase in enumerate(ssr.phases, start=1):
        assert f"{n}. {phase.title}" in heading_texts
    assert any(style == "List Bullet" and text == "Sam: Said in " + ssr.phases[0].title for style, text in styled)
    actions_table = next(t for t in document.tables if t.rows[0].cells[1].text == "Action")
    body_rows = [[c.text for c in row.cells] for row in actions_table.rows[1:]]
    assert [r[0] for r in body_rows] == [f"A{n}" for n in range(1, len(planned) + 1)]
    assert [r[1] for r in body_rows] == [" / ".join(expected_lines(text)) for text, _ in planned]
    assert [r[2] for r in body_rows] == [fields["owner"] for _, fields in planned]
    assert all(run.bold for cell in actions_table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert document.core_properties.title == session.title


def test_word_file_keeps_a_turning_point_with_a_bar_in_its_table(store, ssr, clock, data_dir, tmp_path):
    """A "|" typed in a turning point stays in its cell of the Word file `facilitator export` writes."""
    from tests.privacy.helpers import export_all

    session = new_session(store, ssr, clock)
    timeline = next(p for p in ssr.phases if p.kind.value == "timeline")
    say(store, session, clock, timeline.id, "We asked | listened", "Sam", fields={"when": "Month 3"})
    ended, _ = end(store, session, clock)
    document = docx_document(export_all(data_dir, ended.id, tmp_path)["docx"])
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "When")
    assert [c.text for c in table.rows[0].cells] == ["When", "What happened", "What was done differently", "Said by"]
    assert [c.text for c in table.rows[1].cells] == ["Month 3", "We asked | listened", "", "Sam"]


def test_word_file_is_the_same_bytes_each_time_and_opens_as_a_zip(store, ssr, clock):
    session, _ = _ended_session(store, ssr, clock)
    first, second = render_export(session, "docx"), render_export(session, "docx")
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.testzip() is None
        assert "word/document.xml" in archive.namelist()


def test_csv_lists_the_learning_actions_safely(store, ssr, clock):
    session, planned = _ended_session(store, ssr, clock)
    data = render_export(session, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:8] == ["Action id", "Session", "Team", "Date agreed", "Action", "Owner", "Due", "Who hears about it"]
    assert len(rows) == 1 + len(planned)

    def shown(value: str) -> str:
        # Spreadsheet formulas are defused with a leading apostrophe; nothing else changes.
        return "'" + value if value[:1] in "=+-@" and value else value

    for n, (row, (text, fields)) in enumerate(zip(rows[1:], planned), start=1):
        assert row[0] == f"A{n}" and row[3] == session.date.isoformat()
        assert row[4] == shown("\n".join(expected_lines(text)))
        assert row[5:8] == [shown(fields["owner"]), fields["due"], shown(fields["tell"])]
    assert not any(cell and cell[0] in "=+-@" for row in rows for cell in row)
