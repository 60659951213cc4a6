"""The Word record as a service manager files it: `facilitator export ID --format docx`, read back with
python-docx (and, in a slow test, laid out into pages by LibreOffice)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docx.oxml.ns import qn

from facilitator.cli import main

from .helpers import docx_document, end, new_session, say

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LONG = (
    "Write to the headteacher and the school nurse together, so the family hears one plan instead of three, "
    "and bring the attendance figures to the multi-agency meeting"
)


def _export(data_dir: Path, session_id: str, out: Path) -> bytes:
    assert main(["--data-dir", str(data_dir), "export", session_id, "--format", "docx", "--out", str(out)]) == 0
    return out.read_bytes()


def _with_actions(store, ssr, clock, count: int, **kwargs):
    session = new_session(store, ssr, clock, **kwargs)
    actions = next(p for p in ssr.phases if p.kind.value == "actions")
    for n in range(count):
        fields = {"owner": ["Priya", "Team manager"][n % 2], "due": f"2026-12-{n % 28 + 1:02d}", "tell": "Whole team"}
        say(store, session, clock, actions.id, f"{LONG} ({n})", "Priya", fields=fields)
    return session


def _actions_table(document):
    return next(t for t in document.tables if "Action" in [c.text for c in t.rows[0].cells])


def test_word_record_has_page_numbers_language_and_its_own_properties(store, ssr, clock, data_dir, tmp_path, capsys):
    session = _with_actions(store, ssr, clock, 6, title="Returning to school", facilitator="Jo Lead")
    ended, _ = end(store, session, clock)
    store.close()
    document = docx_document(_export(data_dir, ended.id, tmp_path / "record.docx"))

    props = document.core_properties
    assert (props.title, props.author, props.last_modified_by) == ("Returning to school", "Jo Lead", "Jo Lead")
    for value in (props.author, props.comments, props.keywords, props.last_modified_by, props.subject, props.category):
        assert "python-docx" not in (value or "")
    # Nothing of the template python-docx starts from: no preview picture of another document, and the
    # application properties name this app only (no template name, page or word counts, version).
    import zipfile

    with zipfile.ZipFile(tmp_path / "record.docx") as archive:
        names = archive.namelist()
        app = archive.read("docProps/app.xml").decode()
        rels = archive.read("_rels/.rels").decode()
    assert not any("thumbnail" in name for name in names) and "thumbnail" not in rels
    assert "<Application>facilitator</Application>" in app
    for leftover in ("Normal.dotm", "<Pages>", "<Words>", "AppVersion"):
        assert leftover not in app, leftover

    footer = document.sections[0].footer
    instructions = [f.get(qn("w:instr")).strip() for f in footer._element.iter(f"{W}fldSimple")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert "page" in footer.paragraphs[-1].text and "of" in footer.paragraphs[-1].text

    languages = document.styles.element.findall(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert [lang.get(qn("w:val")) for lang in languages] == ["en-GB"]

    # The handling note in the header is ruled off and spaced from the body.
    section = document.sections[0]
    assert section.top_margin > section.header_distance
    header = section.header.paragraphs[0]
    assert header.text and header.paragraph_format.space_after and header.paragraph_format.space_after.pt >= 10

    # Columns sized to their content: the action text gets the room, the date column fits a date.
    table = _actions_table(document)
    widths = [cell.width for cell in table.rows[1].cells]
    assert len(set(widths)) > 1
    header = [cell.text for cell in table.rows[0].cells]
    assert widths[header.index("Action")] == max(widths)
    due = header.index("Due")
    assert widths[due].pt >= len("2026-12-01") * 6  # room for the date on one line in a 11 pt font
    assert table._tbl.tblPr.find(f"{W}tblLayout").get(qn("w:type")) == "fixed"


def test_a_record_with_no_facilitator_is_authored_by_the_app(store, ssr, clock, data_dir, tmp_path, capsys):
    session = _with_actions(store, ssr, clock, 1, facilitator="")
    store.close()
    props = docx_document(_export(data_dir, session.id, tmp_path / "draft.docx")).core_properties
    assert props.author == "facilitator" and "python-docx" not in (props.comments or "")


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None,
                    reason="needs LibreOffice Writer and poppler-utils (apt-get install libreoffice-writer-nogui poppler-utils)")
def test_a_500_contribution_record_lays_out_in_fewer_pages_with_numbers(store, ssr, clock, data_dir, tmp_path, capsys):
    session = new_session(store, ssr, clock, title="Long session", facilitator="Jo Lead")
    for n in range(350):
        say(store, session, clock, ssr.phases[1 + n % 3].id, f"Contribution {n}: {LONG}", "Sam")
    actions = next(p for p in ssr.phases if p.kind.value == "actions")
    for n in range(150):
        fields = {"owner": ["Priya", "Presenting worker"][n % 2], "due": f"2026-12-{n % 28 + 1:02d}", "tell": "Whole team"}
        say(store, session, clock, actions.id, f"{LONG} ({n})", "Priya", fields=fields)
    ended, _ = end(store, session, clock)
    store.close()
    docx_path = tmp_path / "record.docx"
    _export(data_dir, ended.id, docx_path)
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(docx_path)],
        check=True, capture_output=True, timeout=300,
    )
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "record.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    for number, page in enumerate(pages, 1):
        assert f"page {number} of {len(pages)}" in " ".join(page.split())
    # With equal columns and no page numbers this record took 94 pages in LibreOffice (64 sized to content).
    assert len(pages) <= 70, len(pages)
    printed = {w for page in pages for w in page.split()}
    assert {f"2026-12-{d:02d}" for d in range(1, 29)} <= printed  # no date broken over two lines
