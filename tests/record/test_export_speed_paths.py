"""The faster export paths give what the plain ones would: HTML as any CommonMark parser reads the record, Word
files filled in from a shared template, and nothing heavy imported until a file is made."""

from __future__ import annotations

import subprocess
import sys

from markdown_it import MarkdownIt

from facilitator.record.export import render_export
from tests.privacy.helpers import export_all
from facilitator.record.markdown import build_record, split_record

from .helpers import HTMLScan, docx_document, docx_text, end, new_session, say
from .test_markdown_record import HOSTILE, _hostile_session

# markdown-it-py as it comes: CommonMark with GFM tables, every rule on, nothing tuned; raw HTML off.
STOCK = MarkdownIt("commonmark", {"html": False}).enable("table")


def _main_html(page: str) -> str:
    return page[page.index("<main>\n") + len("<main>\n") : page.index("\n</main>")]


def test_importing_the_record_package_does_not_load_python_docx_or_markdown_it():
    code = (
        "import sys, facilitator.record, facilitator.record.export, facilitator.record.html;"
        "print(sorted(m for m in ('docx', 'lxml', 'markdown_it') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_html_is_what_a_stock_parser_makes_of_the_record(store, ssr, clock):
    session, _ = _hostile_session(store, ssr, clock)
    # Hostile text in table cells too: pipes, backslashes before pipes, markup, in every column.
    actions = next(p for p in ssr.phases if p.kind.value == "actions")
    for n, text in enumerate(HOSTILE[:24]):
        fields = {"owner": HOSTILE[-1 - n], "due": "a \\| b \\\\| c |", "tell": HOSTILE[(n * 7) % len(HOSTILE)]}
        say(store, session, clock, actions.id, text, "Sam", fields=fields)
    ended, _ = end(store, session, clock)
    ended = store.load_session(ended.id)
    record = build_record(ended)
    assert "<table>" in STOCK.render(record.body)
    assert _main_html(render_export(ended, "html").decode("utf-8")) == STOCK.render(record.body).rstrip("\n")


def test_word_header_footer_and_properties_follow_each_record(store, ssr, clock):
    session = new_session(store, ssr, clock, facilitator="Jo Lead")
    say(store, session, clock, ssr.phases[0].id, "Said first", "Sam")
    ended, _ = end(store, session, clock)
    ended = store.load_session(ended.id)

    first = render_export(ended, "docx")
    render_export(ended, "html")
    again = render_export(ended, "docx")
    assert again == first  # making a different kind of file in between changes nothing

    meta, _ = split_record(render_export(ended, "md").decode("utf-8"))
    document = docx_document(first)
    section = document.sections[0]
    assert section.header.paragraphs[0].text == meta["retention"]
    assert section.footer.paragraphs[0].text == f"Record {ended.id}, final, body SHA-256 {meta['sha256']}"
    props = document.core_properties
    assert (props.title, props.author, props.identifier) == (ended.title, "Jo Lead", ended.id)
    assert props.created.replace(tzinfo=None) == ended.created_at.replace(tzinfo=None)


def test_every_format_shows_the_same_contributions(store, ssr, clock, data_dir, tmp_path):
    session, said = _hostile_session(store, ssr, clock)
    ended, _ = end(store, session, clock)
    outputs = export_all(data_dir, ended.id, tmp_path)  # as `facilitator export` writes them
    html_text = HTMLScan(outputs["html"].decode("utf-8")).plain
    word_text = docx_text(outputs["docx"])  # paragraphs and table cells: a table phase shows its items once
    for c in said:
        first_line = c.text.strip().splitlines()[0].strip() if c.text.strip() else ""
        if first_line:
            assert first_line in html_text
            assert first_line in word_text
