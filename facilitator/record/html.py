"""Markdown record -> a standalone HTML page, fit to print to PDF from any browser.

markdown-it-py with raw HTML off; no scripts; a Content-Security-Policy that allows nothing but the page's own
stylesheet (pinned by its hash), so even a mistake in escaping could not run or load anything.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape
from typing import TYPE_CHECKING

from .markdown import get_parser

if TYPE_CHECKING:
    from markdown_it.renderer import RendererHTML
    from markdown_it.token import Token

STYLE = """
:root { color-scheme: light; }
body { font-family: "Segoe UI", Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.45;
       color: #111; background: #fff; max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.7em; margin: 0 0 .4em; }
h2 { font-size: 1.25em; margin: 1.6em 0 .4em; border-bottom: 1px solid #999; padding-bottom: .15em; }
ul { padding-left: 1.4em; }
p, li, th, td { overflow-wrap: break-word; word-break: normal; hyphens: manual; }
li { margin: .2em 0; }
table { border-collapse: collapse; table-layout: auto; width: 100%; margin: .6em 0; }
th, td { border: 1px solid #777; padding: .25em .45em; text-align: left; vertical-align: top; min-width: 4em; }
th { background: #eee; }
.date { white-space: nowrap; }
.status { display: inline-block; border: 2px solid #a00; color: #a00; font-weight: bold; padding: .1em .5em; }
.handling { border: 1px solid #777; padding: .3em .6em; font-size: .9em; margin: 0 0 1.2em; }
footer { margin-top: 2em; font-size: .85em; color: #444; }
@page { size: A4; margin: 22mm 16mm 18mm;
  @bottom-center { content: "page " counter(page) " of " counter(pages); font: 9pt Arial, Helvetica, sans-serif; color: #333; } }
@page draft { @top-right { content: "DRAFT"; font: bold 12pt Arial, Helvetica, sans-serif; color: #a00; } }
body.draft { page: draft; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h1, h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  /* a phase's question and its time spent stay with what was said under it, never alone at a page's foot */
  h2 + p, h2 + p + p, h3 + p { break-after: avoid; page-break-after: avoid; }
  li, tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
""".strip()

# The handling note on every printed page, at the top; added to the stylesheet only when there is a note.
_NOTE_RULE = (
    "\n@page { @top-center { content: \"%s\"; font: 8pt Arial, Helvetica, sans-serif; color: #333; "
    "vertical-align: bottom; padding-bottom: 3mm; } }\n@media print { .handling { display: none; } }"
)


def css_string(text: str) -> str:
    """`text` as the inside of a double-quoted CSS string: quotes, backslashes, line breaks and anything that
    could close the style element escaped, so the note is shown as typed and never read as CSS or HTML."""
    out = []
    for char in text:
        if char.isalnum() or char in " .,:;-()/'!?" or (ord(char) > 0x9F and char.isprintable()):
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return "".join(out)


def page_style(handling: str) -> str:
    """The page's stylesheet: STYLE, and the handling note for the top of every printed page if there is one."""
    return STYLE + _NOTE_RULE % css_string(" ".join(handling.split())) if handling else STYLE


def _style_hash(style: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")


def content_security_policy(style: str) -> str:
    return (
        "default-src 'none'; "
        f"style-src '{_style_hash(style)}'; "
        "img-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
    )


CSP = content_security_policy(STYLE)  # the page's policy when it has no handling note

_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_renderer: RendererHTML | None = None


def _text(tokens: list[Token], idx: int, options: object, env: dict) -> str:
    """Text, escaped, with ISO dates kept on one line (a browser would otherwise break "2026-11-01" at a hyphen)."""
    text = escape(tokens[idx].content, quote=False).replace('"', "&quot;")
    if "-" in text and _DATE.search(text):
        text = _DATE.sub(r'<span class="date">\g<0></span>', text)
    return text


def _get_renderer() -> RendererHTML:
    global _renderer
    if _renderer is None:
        from markdown_it.renderer import RendererHTML

        renderer = RendererHTML()
        renderer.rules["text"] = _text
        _renderer = renderer
    return _renderer


def markdown_to_html(body: str, tokens: list[Token] | None = None) -> str:
    """The body of a record as HTML. Raw HTML in the markdown is shown as text, never passed through."""
    parser = get_parser()
    if tokens is None:
        tokens = parser.parse(body)
    return _get_renderer().render(tokens, parser.options, {})


def render_html_page(meta: dict, body: str, tokens: list[Token] | None = None) -> str:
    """`tokens`: the body already parsed with markdown.get_parser(), to save parsing it twice."""
    title = str(meta.get("title") or "Session record")
    status = str(meta.get("status") or "draft")
    handling = str(meta.get("retention") or "")
    style = page_style(handling)
    facts = [f"Record {meta.get('id', '')}", f"status {status}"]
    if meta.get("sha256"):
        facts.append(f"body SHA-256 {meta['sha256']}")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(content_security_policy(style), quote=False)}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{style}</style>",
        "</head>",
        '<body class="draft">' if status != "final" else "<body>",
    ]
    if status != "final":
        parts.append('<p class="status">DRAFT</p>')
    if handling:
        parts.append(f'<p class="handling">{escape(handling)}</p>')
    parts.append("<main>")
    parts.append(markdown_to_html(body, tokens).rstrip("\n"))
    parts.append("</main>")
    parts.append(f"<footer>{escape(', '.join(facts))}</footer>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


