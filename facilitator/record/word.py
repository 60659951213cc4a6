"""Markdown record -> Word (.docx) with real headings, lists and tables (python-docx).

Made from the markdown record's tokens (markdown-it-py), so it says exactly what the markdown says.
The file is deterministic: fixed document properties and zip timestamps, so the same session gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from xml.sax.saxutils import escape as _xml_escape

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm, Pt
from markdown_it.token import Token

from ..models import Session
from .markdown import PARSER, build_record, split_record

# Characters XML 1.0 cannot hold (lxml refuses them).
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EPOCH = (1980, 1, 1, 0, 0, 0)
_TEXT_WIDTH = 9026  # twips: A4 less 2.54 cm margins


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _runs_xml(inline: Token) -> str:
    """WordprocessingML runs for an inline token: bold and italic kept, hard line breaks as breaks."""
    bold = italic = False
    pending: list[str] = []
    out: list[str] = []

    def flush() -> None:
        if pending:
            props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
            props = f"<w:rPr>{props}</w:rPr>" if props else ""
            out.append(f'<w:r>{props}<w:t xml:space="preserve">{_xml_escape(_xml_text("".join(pending)))}</w:t></w:r>')
            pending.clear()

    for child in inline.children or []:
        kind = child.type
        if kind == "text":
            pending.append(child.content)
        elif kind == "softbreak":
            pending.append(" ")
        elif kind == "hardbreak":
            flush()
            out.append("<w:r><w:br/></w:r>")
        elif kind == "strong_open" or kind == "strong_close":
            flush()
            bold = kind == "strong_open"
        elif kind == "em_open" or kind == "em_close":
            flush()
            italic = kind == "em_open"
        elif child.children:
            pending.append("".join(c.content for c in child.children))
        else:
            pending.append(child.content)
    flush()
    return "".join(out)


def _paragraph_xml(inline: Token | None, style_id: str | None = None, text: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>' if style_id else ""
    if inline is not None:
        runs = _runs_xml(inline)
    else:
        runs = f'<w:r><w:t xml:space="preserve">{_xml_escape(_xml_text(text or ""))}</w:t></w:r>'
    return f"<w:p>{props}{runs}</w:p>"


def _table_xml(tokens: list[Token], start: int, style_id: str) -> tuple[str, int]:
    """The table starting at tokens[start] (table_open) as XML, and the index after table_close."""
    rows: list[list[Token]] = []
    header_rows = 0
    in_head = False
    i = start + 1
    while tokens[i].type != "table_close":
        kind = tokens[i].type
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            rows.append([])
            if in_head:
                header_rows += 1
        elif kind == "inline":
            rows[-1].append(tokens[i])
        i += 1
    columns = max((len(r) for r in rows), default=1) or 1
    width = _TEXT_WIDTH // columns
    out = [
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{style_id}"/><w:tblW w:w="0" w:type="auto"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        f'<w:gridCol w:w="{width}"/>' * columns,
        "</w:tblGrid>",
    ]
    for r, row in enumerate(rows):
        header = r < header_rows
        out.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if header else "<w:tr>")
        for c in range(columns):
            runs = _runs_xml(row[c]) if c < len(row) else ""
            if header:
                runs = runs.replace("<w:r><w:t ", "<w:r><w:rPr><w:b/></w:rPr><w:t ")
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p>{runs}</w:p></w:tc>')
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out), i + 1


class _FixedTimeZipWriter:
    """python-docx's physical package writer, with fixed timestamps so the same document gives the same bytes."""

    def __init__(self, target: io.BytesIO) -> None:
        self._zipf = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1)

    def write(self, pack_uri, blob: bytes) -> None:  # noqa: ANN001 - docx PackURI
        info = zipfile.ZipInfo(pack_uri.membername, date_time=_EPOCH)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        self._zipf.writestr(info, blob)

    def close(self) -> None:
        self._zipf.close()


def _deterministic_zip(data: bytes) -> bytes:
    """The same entries in the same order, with fixed timestamps."""
    out = io.BytesIO()
    writer = _FixedTimeZipWriter(out)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        for info in source.infolist():
            writer._zipf.writestr(
                zipfile.ZipInfo(info.filename, date_time=_EPOCH), source.read(info.filename), zipfile.ZIP_DEFLATED
            )
    writer.close()
    return out.getvalue()


def _save(document) -> bytes:  # noqa: ANN001 - docx Document
    """Save as python-docx does (OpcPackage.save), through the fixed-time writer."""
    out = io.BytesIO()
    try:
        from docx.opc.pkgwriter import PackageWriter

        package = document.part.package
        parts = list(package.parts)
        for part in parts:
            part.before_marshal()
        writer = _FixedTimeZipWriter(out)
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)
        writer.close()
        return out.getvalue()
    except (ImportError, AttributeError):  # pragma: no cover - a python-docx without these internals
        raw = io.BytesIO()
        document.save(raw)
        return _deterministic_zip(raw.getvalue())


def _as_datetime(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


_STYLE_NAMES = ("Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Bullet 2", "List Bullet 3", "Table Grid")
_style_id_cache: dict[str, str] = {}


def _style_ids(document) -> dict[str, str]:  # noqa: ANN001 - docx Document
    """Style ids of python-docx's default template (looked up once: the template does not change)."""
    if not _style_id_cache:
        _style_id_cache.update({name: document.styles[name].style_id for name in _STYLE_NAMES})
    return _style_id_cache


def render_docx_from_markdown(record: str, tokens: list[Token] | None = None) -> bytes:
    """A markdown record (as render_markdown writes it) as a Word file."""
    meta, body = split_record(record)
    return render_docx_document(meta, body, tokens)


def render_docx_document(meta: dict, body: str, tokens: list[Token] | None = None) -> bytes:
    """`tokens`: the body already parsed with markdown.PARSER, to save parsing it twice."""
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(25.4)

    props = document.core_properties
    props.title = _xml_text(str(meta.get("title") or ""))[:255]
    props.subject = _xml_text(str(meta.get("template_name") or ""))[:255]
    props.author = _xml_text(str(meta.get("facilitator") or ""))[:255]
    props.last_modified_by = props.author
    props.identifier = str(meta.get("id") or "")
    props.keywords = f"status: {meta.get('status', 'draft')}"
    props.comments = _xml_text(str(meta.get("retention") or ""))
    props.revision = 1
    created = _as_datetime(meta.get("start")) or dt.datetime(2000, 1, 1)
    modified = _as_datetime(meta.get("end")) or created
    props.created = created.astimezone(dt.timezone.utc).replace(tzinfo=None) if created.tzinfo else created
    props.modified = modified.astimezone(dt.timezone.utc).replace(tzinfo=None) if modified.tzinfo else modified

    if meta.get("retention"):
        section = document.sections[0]
        section.header.paragraphs[0].text = _xml_text(str(meta["retention"]))
        section.footer.paragraphs[0].text = _xml_text(
            f"Record {meta.get('id', '')}, {meta.get('status', 'draft')}"
            + (f", body SHA-256 {meta['sha256']}" if meta.get("sha256") else "")
        )

    style_ids = _style_ids(document)
    blocks: list[str] = []
    if tokens is None:
        tokens = PARSER.parse(body)
    i = 0
    list_depth = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        kind = token.type
        if kind == "heading_open":
            level = int(token.tag[1:])
            style = "Title" if level == 1 else f"Heading {min(level - 1, 3)}"
            blocks.append(_paragraph_xml(tokens[i + 1], style_ids[style]))
            i += 3
            continue
        if kind == "bullet_list_open" or kind == "ordered_list_open":
            list_depth += 1
        elif kind == "bullet_list_close" or kind == "ordered_list_close":
            list_depth -= 1
        elif kind == "paragraph_open":
            style = None
            if list_depth:
                style = style_ids["List Bullet" if list_depth == 1 else f"List Bullet {min(list_depth, 3)}"]
            blocks.append(_paragraph_xml(tokens[i + 1], style))
            i += 3
            continue
        elif kind == "table_open":
            xml, i = _table_xml(tokens, i, style_ids["Table Grid"])
            blocks.append(xml)
            continue
        elif kind in ("fence", "code_block", "html_block"):
            blocks.append(_paragraph_xml(None, text=token.content))
        i += 1
    body_element = document.element.body
    section_properties = body_element.sectPr
    for element in parse_xml(f"<w:body {nsdecls('w')}>{''.join(blocks)}</w:body>"):
        if section_properties is not None:
            section_properties.addprevious(element)
        else:
            body_element.append(element)

    return _save(document)


def render_docx(session: Session, draft: bool | None = None, retention: str | None = None) -> bytes:
    record = build_record(session, draft, retention)
    return render_docx_document(record.meta, record.body)
