"""Markdown record -> Word (.docx) with real headings, lists and tables (python-docx).

Made from the markdown record's tokens (markdown-it-py), so it says exactly what the markdown says.
The file is deterministic: fixed document properties and zip timestamps, so the same session gives the same bytes.

python-docx is imported only when the first Word file is made, and it is used once per process to make the
package every record shares (its default template with the record's page and font settings, with and without a
header and footer). Each record then fills in that package: the body (headings, lists and tables written as
WordprocessingML), the document properties and the header and footer text, set through python-docx on copies of
the template's parts. The parts that never change are kept compressed, so making a file is mostly writing its body.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .markdown import get_parser

if TYPE_CHECKING:
    from markdown_it.token import Token

# Characters XML 1.0 cannot hold (lxml refuses them, Word will not open a file with them).
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TEXT_WIDTH = 9026  # twips: A4 less 2.54 cm margins


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_RUN_PROPS = {(False, False): "", (True, False): "<w:rPr><w:b/></w:rPr>", (False, True): "<w:rPr><w:i/></w:rPr>",
              (True, True): "<w:rPr><w:b/><w:i/></w:rPr>"}


def _runs_xml(inline: Token) -> str:
    """WordprocessingML runs for an inline token: bold and italic kept, hard line breaks as breaks.

    Text is escaped here; characters XML cannot hold are taken out of the whole body at once (_body_xml)."""
    bold = italic = False
    pending: list[str] = []
    out: list[str] = []
    for child in inline.children or ():
        kind = child.type
        if kind == "text":
            pending.append(child.content)
            continue
        if kind == "softbreak":
            pending.append(" ")
            continue
        if kind in _RUN_BREAKS:
            if pending:
                out.append(
                    f'<w:r>{_RUN_PROPS[bold, italic]}<w:t xml:space="preserve">{_xml_escape("".join(pending))}</w:t></w:r>'
                )
                pending = []
            if kind == "hardbreak":
                out.append("<w:r><w:br/></w:r>")
            elif kind == "strong_open" or kind == "strong_close":
                bold = kind == "strong_open"
            else:
                italic = kind == "em_open"
        elif child.children:
            pending.append("".join(c.content for c in child.children))
        else:
            pending.append(child.content)
    if pending:
        out.append(f'<w:r>{_RUN_PROPS[bold, italic]}<w:t xml:space="preserve">{_xml_escape("".join(pending))}</w:t></w:r>')
    return "".join(out)


_RUN_BREAKS = frozenset({"hardbreak", "strong_open", "strong_close", "em_open", "em_close"})


def _paragraph_xml(inline: Token | None, style_id: str | None = None, text: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>' if style_id else ""
    if inline is not None:
        runs = _runs_xml(inline)
    else:
        runs = f'<w:r><w:t xml:space="preserve">{_xml_escape(text or "")}</w:t></w:r>'
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
    widths = _column_widths(rows, columns)
    out = [
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{style_id}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        "".join(f'<w:gridCol w:w="{width}"/>' for width in widths),
        "</w:tblGrid>",
    ]
    cell_props = [f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>' for width in widths]
    for r, row in enumerate(rows):
        header = r < header_rows
        out.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>' if header else "<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for c in range(columns):
            runs = _runs_xml(row[c]) if c < len(row) else ""
            if header:
                runs = runs.replace("<w:r><w:t ", "<w:r><w:rPr><w:b/></w:rPr><w:t ")
            out.append(f"{cell_props[c]}{runs}</w:p></w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out), i + 1


_CHAR = 120  # twips: a character of 11 pt text, a little over the average
_WIDE_CHAR = 150  # twips: a character of the longest word, room enough for it in a wider font than Calibri
_CELL_PADDING = 230  # twips: the table style's cell margins, left and right, and a little room
_LONGEST_WORD = 24  # characters: a longer word may be broken in its cell rather than widen its column


def _cell_text(inline: Token) -> str:
    return "".join(child.content for child in inline.children or ())


def _column_widths(rows: list[list[Token]], columns: int) -> list[int]:
    """Widths (twips) that fill the text width, sized to each column's content: every column is at least as
    wide as its longest word (so no word breaks unless it cannot fit a line), and the room left is shared in
    proportion to how much longer each column's text is than that."""
    longest_word = [4] * columns
    natural = [4] * columns
    for row in rows:
        for c, inline in enumerate(row[:columns]):
            text = _cell_text(inline)
            natural[c] = max(natural[c], min(len(text), 400))
            words = text.split()
            if words:
                longest_word[c] = max(longest_word[c], min(max(map(len, words)), _LONGEST_WORD))
    least = [w * _WIDE_CHAR + _CELL_PADDING for w in longest_word]
    wanted = [max(n * _CHAR + _CELL_PADDING, low) for n, low in zip(natural, least)]
    if sum(least) >= _TEXT_WIDTH:
        widths = [w * _TEXT_WIDTH // sum(least) for w in least]
    elif sum(wanted) <= _TEXT_WIDTH:
        widths = [w * _TEXT_WIDTH // sum(wanted) for w in wanted]
    else:
        room = _TEXT_WIDTH - sum(least)
        extra = [want - low for want, low in zip(wanted, least)]
        widths = [low + room * e // sum(extra) for low, e in zip(least, extra)]
    widths[-1] += _TEXT_WIDTH - sum(widths)
    return widths


def _as_datetime(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


# --- the shared package ---------------------------------------------------------------------------------------

_STYLE_NAMES = ("Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Bullet 2", "List Bullet 3", "Table Grid")
_ZIP_DATE = (1 << 5) | 1  # 1 January 1980 (MS-DOS date; the zip format's earliest), time 00:00:00
_STATIC_LEVEL = 9  # parts that never change are compressed once, as small as they go
_RECORD_LEVEL = 1  # the parts each record writes: fast


@dataclass(frozen=True)
class _Member:
    """One file in the package: compressed once if it never changes, else named for the record to fill in."""

    name: str
    role: str  # "static", "document", "core", "header" or "footer"
    raw: bytes = b""  # the template's bytes (for the parts a record fills in)
    crc: int = 0
    size: int = 0
    deflated: bytes = b""


@dataclass(frozen=True)
class _Template:
    members: tuple[_Member, ...]
    body_before: bytes  # document.xml up to where the record's body goes (just before the section properties)
    body_after: bytes
    style_ids: dict[str, str]


_templates: dict[bool, _Template] = {}
_templates_lock = threading.Lock()


def _deflate(data: bytes, level: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _build_template(header_footer: bool) -> _Template:
    """python-docx's default template with the record's settings, saved once and taken apart.
    `header_footer`: a page header for the handling note; every record has a footer (its page numbers)."""
    from docx import Document
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.shared import Mm, Pt

    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.bottom_margin = Mm(25.4)
        section.top_margin = Mm(30)
        section.header_distance = section.footer_distance = Mm(10)
    section = document.sections[0]
    if header_footer:
        section.header.paragraphs[0].text = ""  # makes the header part; each record sets the text
    section.footer.paragraphs[0].text = ""
    style_ids = {name: document.styles[name].style_id for name in _STYLE_NAMES}
    if len(document.element.body) != 1 or document.element.body.sectPr is None:
        raise RuntimeError("python-docx's default template has more than section properties in its body")

    roles = {document.part.partname.membername: "document"}
    for part in document.part.package.parts:
        if part.content_type == CT.OPC_CORE_PROPERTIES:
            roles[part.partname.membername] = "core"
        elif part.content_type == CT.WML_HEADER:
            roles[part.partname.membername] = "header"
        elif part.content_type == CT.WML_FOOTER:
            roles[part.partname.membername] = "footer"
    if sorted(roles.values()) != sorted(["document", "core", "footer"] + (["header"] if header_footer else [])):
        raise RuntimeError(f"unexpected parts in python-docx's default template: {sorted(roles.values())}")

    saved = io.BytesIO()
    document.save(saved)
    members = []
    body_before = body_after = b""
    with zipfile.ZipFile(saved) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            role = roles.get(name, "static")
            if name in ("word/styles.xml", "word/stylesWithEffects.xml"):
                data = _english_uk(data)
            elif name == "docProps/app.xml":  # the program that made the file: this app; none of the template's
                data = _APP_PROPERTIES  # (its template name, page and word counts, version) carried over
            elif name == "docProps/thumbnail.jpeg":  # the template's preview picture, not of this record
                continue
            elif name == "_rels/.rels":
                data = re.sub(rb"<Relationship [^>]*Target=\"docProps/thumbnail\.jpeg\"[^>]*/>", b"", data)
            if role == "static":
                members.append(_Member(name, role, crc=zlib.crc32(data), size=len(data), deflated=_deflate(data, _STATIC_LEVEL)))
                continue
            members.append(_Member(name, role, raw=data))
            if role == "document":
                if data.count(b"<w:sectPr") != 1:
                    raise RuntimeError("python-docx's default template has more than one section")
                split = data.index(b"<w:sectPr")
                body_before, body_after = data[:split], data[split:]
    return _Template(tuple(members), body_before, body_after, style_ids)


_APP_PROPERTIES = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>facilitator</Application><DocSecurity>0</DocSecurity></Properties>"
)

_LANG = re.compile(rb'(<w:rPrDefault>.*?<w:lang )w:val="[^"]*" w:eastAsia="[^"]*"', re.S)


def _english_uk(styles: bytes) -> bytes:
    """The styles part with English (UK) as the document's language (for spelling, dates and hyphenation)."""
    changed, count = _LANG.subn(rb'\1w:val="en-GB" w:eastAsia="en-GB"', styles)
    if count != 1:
        raise RuntimeError("python-docx's default styles have no default language to set")
    return changed


def _template(header_footer: bool) -> _Template:
    template = _templates.get(header_footer)
    if template is None:
        with _templates_lock:
            template = _templates.get(header_footer)
            if template is None:
                template = _templates[header_footer] = _build_template(header_footer)
    return template


def _core_xml(template_xml: bytes, meta: dict) -> bytes:
    """The template's document properties with the record's title, author, dates and so on (python-docx)."""
    from docx.opc.coreprops import CoreProperties
    from docx.oxml import parse_xml
    from lxml import etree

    element = parse_xml(template_xml)
    props = CoreProperties(element)
    props.title = _xml_text(str(meta.get("title") or ""))[:255]
    props.subject = _xml_text(str(meta.get("template_name") or ""))[:255]
    props.author = _xml_text(str(meta.get("facilitator") or "").strip())[:255] or "facilitator"
    props.last_modified_by = props.author
    props.identifier = str(meta.get("id") or "")
    props.keywords = f"status: {meta.get('status', 'draft')}"
    props.comments = _xml_text(str(meta.get("retention") or ""))
    props.revision = 1
    created = _as_datetime(meta.get("start")) or dt.datetime(2000, 1, 1)
    modified = _as_datetime(meta.get("end")) or created
    props.created = created.astimezone(dt.timezone.utc).replace(tzinfo=None) if created.tzinfo else created
    props.modified = modified.astimezone(dt.timezone.utc).replace(tzinfo=None) if modified.tzinfo else modified
    return etree.tostring(element, encoding="UTF-8", standalone=True)


_HEADER_PARAGRAPH = (
    '<w:p><w:pPr><w:pStyle w:val="Header"/>'
    '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="777777"/></w:pBdr>'
    '<w:spacing w:after="240"/></w:pPr>'
    '<w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r></w:p>'
)
_FOOTER_PARAGRAPHS = (
    '<w:p><w:pPr><w:pStyle w:val="Footer"/><w:spacing w:after="0"/></w:pPr>'
    '<w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r></w:p>'
    '<w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/><w:spacing w:after="0"/></w:pPr>'
    '<w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t xml:space="preserve">page </w:t></w:r>'
    '<w:fldSimple w:instr=" PAGE "><w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>'
    '<w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t xml:space="preserve"> of </w:t></w:r>'
    '<w:fldSimple w:instr=" NUMPAGES "><w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple></w:p>'
)


def _header_footer_xml(template_xml: bytes, text: str, footer: bool) -> bytes:
    """The template's header (a ruled note, set off from the body) or footer (the record's facts, then
    "page X of Y" as Word fields) with `text` in it."""
    start = template_xml.index(b"<w:p>")
    end = template_xml.rindex(b"</w:p>") + len(b"</w:p>")
    paragraphs = (_FOOTER_PARAGRAPHS if footer else _HEADER_PARAGRAPH) % _xml_escape(_xml_text(text))
    return template_xml[:start] + paragraphs.encode("utf-8") + template_xml[end:]


def _zip(entries: list[tuple[str, int, int, bytes]]) -> bytes:
    """A zip archive of (name, CRC-32, size, deflated data) entries, all dated 1 January 1980, no extra fields:
    the same entries always give the same bytes."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, crc, size, data in entries:
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else 0x800
        local = struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, flags, zipfile.ZIP_DEFLATED, 0, _ZIP_DATE, crc, len(data), size, len(encoded), 0
        )
        central.append(
            struct.pack(
                "<4s6H3L5H2L", b"PK\x01\x02", (3 << 8) | 20, 20, flags, zipfile.ZIP_DEFLATED, 0, _ZIP_DATE,
                crc, len(data), size, len(encoded), 0, 0, 0, 0, 0o600 << 16, offset,
            )
            + encoded
        )
        out += (local, encoded, data)
        offset += len(local) + len(encoded) + len(data)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(out) + directory + end


# --- a record as a Word file ----------------------------------------------------------------------------------


def _body_xml(tokens: list[Token], style_ids: dict[str, str]) -> str:
    """The record's body as WordprocessingML paragraphs and tables."""
    blocks: list[str] = []
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
    body = "".join(blocks)
    # Markup is plain ASCII, so this only ever takes characters out of the text.
    return _NOT_XML.sub("", body) if _NOT_XML.search(body) else body


def render_docx_document(meta: dict, body: str, tokens: list[Token] | None = None) -> bytes:
    """`tokens`: the body already parsed with markdown.get_parser(), to save parsing it twice."""
    retention = meta.get("retention")
    template = _template(bool(retention))
    if tokens is None:
        tokens = get_parser().parse(body)
    footer = f"Record {meta.get('id', '')}, {meta.get('status', 'draft')}" + (
        f", body SHA-256 {meta['sha256']}" if meta.get("sha256") else ""
    )
    entries = []
    for member in template.members:
        if member.role == "static":
            entries.append((member.name, member.crc, member.size, member.deflated))
            continue
        if member.role == "document":
            data = template.body_before + _body_xml(tokens, template.style_ids).encode("utf-8") + template.body_after
        elif member.role == "core":
            data = _core_xml(member.raw, meta)
        elif member.role == "header":
            data = _header_footer_xml(member.raw, str(retention), footer=False)
        else:
            data = _header_footer_xml(member.raw, footer, footer=True)
        entries.append((member.name, zlib.crc32(data), len(data), _deflate(data, _RECORD_LEVEL)))
    return _zip(entries)


