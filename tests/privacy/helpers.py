"""Reading group outputs as a reader would, and looking for listed names in them in any normal form.

The outputs are made the way users make them: `facilitator export ID --format F` and `facilitator digest`
(cli.main on a real data folder). The check here is written on its own, not with the app's replacer: every
output is compared as NFKC-casefolded text with format characters (zero-width spaces, soft hyphens, word
joiners, ...) and control characters (but whitespace) removed, and accents left off (a reader knows "Zoe" for
"Zoë" and "Jáyden" for "Jayden", "Lukasz" for "Łukasz"); an apostrophe inside a name may be left out ("ONeil" for
"O'Neil"); a sign Unicode spells in letters ("™") is a sign, not part of a word.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import docx

from facilitator.cli import main


# Letters a reader reads as others though Unicode gives them no accent to leave off ("Lukasz" for "Łukasz").
READ_AS = {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}


def _reader_sees(ch: str) -> str:
    """A sign Unicode spells in letters ("™" as "TM", "ª" as "a") is a sign to a reader, not part of a word."""
    if ch in "ªº" or (unicodedata.category(ch) == "So" and len(unicodedata.normalize("NFKC", ch)) > 1):
        return " "
    return ch


def fold(text: str) -> str:
    # (format characters, and control characters but whitespace: a reader sees neither)
    text = "".join(_reader_sees(ch) for ch in text
                   if unicodedata.category(ch) != "Cf" and (unicodedata.category(ch) != "Cc" or ch.isspace()))
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    folded = unicodedata.normalize("NFKC", "".join(ch for ch in folded if unicodedata.category(ch) != "Mn"))
    return "".join(READ_AS.get(ch, ch) for ch in folded)


def leaks(text: str, names) -> list[str]:  # noqa: ANN001
    """The listed names found in ``text`` as a reader finds them, however spelled: where no letter is joined to
    a name that starts or ends with a letter (a digit or an underscore joined to it leaves it readable: "Jayden2",
    "Jayden_S"), and no digit to one that starts or ends with a digit (a longer number is another number); spaces or
    an underscore between its words."""
    folded = fold(text)
    found = []
    for name in names:
        parts = fold(name).split()
        if not parts:
            continue
        first, last = parts[0][0], parts[-1][-1]
        before = r"(?<![^\W\d_])" if first.isalpha() else r"(?<!\d)" if first.isdigit() else ""
        after = r"(?![^\W\d_])" if last.isalpha() else r"(?!\d)" if last.isdigit() else ""
        # (a hyphen inside a name may have a line break or spaces beside it: "D'Arcy-" at a line's end, "Lee" next)
        words = (re.escape(part).replace("'", "'?").replace("\u2019", "['\u2019]?").replace(r"\-", r"\s*-\s*")
                 for part in parts)
        if re.search(before + r"[\s_]+".join(words) + after, folded):
            found.append(name)
    return found


# Where one piece of text ends and another begins (a paragraph, a cell, a list item): a separator a reader
# sees, so "... Mary" / "Ann ..." in two places is not read as one name (names are replaced field by field).
SEPARATOR = " | "
_DOCX_BREAKS = re.compile(r"</w:p>|<w:br\b[^>]*>|<w:tab\b[^>]*>|</w:tc>|</dc:\w+>|</cp:\w+>")
_HTML_BREAKS = re.compile(r"</(?:p|li|td|th|h\d|title|div|footer|header|tr)>|<br\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def docx_readings(data: bytes) -> list[str]:
    """What Word shows (python-docx: body, tables, headers, footers, properties) and every XML part's text."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    props = document.core_properties
    parts += [str(getattr(props, k) or "") for k in ("title", "author", "subject", "keywords", "comments", "identifier")]
    readings = [SEPARATOR.join(parts)]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                xml = z.read(name).decode("utf-8")
                readings.append(html.unescape(_TAG.sub("", _DOCX_BREAKS.sub(SEPARATOR, xml))))
    return readings


def html_readings(text: str) -> list[str]:
    """The page with its entities decoded (tags, attributes and all), and its text with the tags taken out."""
    return [html.unescape(text), html.unescape(_TAG.sub("", _HTML_BREAKS.sub(SEPARATOR, text)))]


def readings(fmt: str, data: bytes) -> list[str]:
    if fmt == "docx":
        return docx_readings(data)
    text = data.decode("utf-8-sig")
    if fmt == "html":
        return html_readings(text)
    return [text]


def export(data_dir: Path, session_id: str, fmt: str, out_dir: Path) -> bytes:
    """`facilitator export SESSION --format FMT --out FILE`, as a user runs it; the file's bytes."""
    out = out_dir / f"{session_id}.{fmt}"
    code = main(["--data-dir", str(data_dir), "export", session_id, "--format", fmt, "--out", str(out)])
    assert code == 0, f"facilitator export {session_id} --format {fmt} exited {code}"
    return out.read_bytes()


def export_all(data_dir: Path, session_id: str, out_dir: Path) -> dict[str, bytes]:
    return {fmt: export(data_dir, session_id, fmt, out_dir) for fmt in ("md", "html", "docx", "csv")}


def digest(data_dir: Path, out_dir: Path, fmt: str = "md", since: str = "2026-01-01", until: str = "2026-12-31") -> str:
    """`facilitator digest --since --until --format FMT --out FILE`; the file's text."""
    out = out_dir / f"digest.{fmt}"
    code = main(["--data-dir", str(data_dir), "digest", "--since", since, "--until", until, "--format", fmt, "--out", str(out)])
    assert code == 0, f"facilitator digest exited {code}"
    return out.read_text(encoding="utf-8")


def assert_no_leaks(outputs: dict[str, bytes | str], names) -> None:  # noqa: ANN001
    for what, data in outputs.items():
        fmt = what.split(":")[-1]
        for reading in readings(fmt, data.encode("utf-8") if isinstance(data, str) else data):
            found = leaks(reading, names)
            assert not found, f"{found} in the {what} output: {reading[:3000]!r}"


# ---------------------------------------------------------------------- sessions with names in every field

#: Every place a name can be typed, and what it becomes in the session.
FIELDS = (
    "title", "team", "facilitator", "participant", "discussion", "tag", "highlight", "strength", "evidence",
    "skill", "when", "timeline", "changed", "action", "owner", "due", "tell", "rating reason", "decision",
    "decision reason", "status note",
)


def template_with_every_kind(library):  # noqa: ANN001, ANN201
    """The Serious Success Review with a 0-10 scaling phase added: every phase kind in one session."""
    from facilitator.models import Phase, Template

    ssr = library.get("serious-success-review")
    scale = Phase(id="scaling", title="Scaling", prompt="How safe is the child now, 0 to 10?", kind="scale", scale_by="person",
                  scale_low="not safe", scale_high="safe")
    phases = list(ssr.phases)
    return Template.model_validate({**ssr.model_dump(), "phases": [*phases[:-1], scale, phases[-1]]})


def session_with(store, library, clock, put, names: dict[str, str], end: bool = True):  # noqa: ANN001, ANN201
    """A session with ``put(field)`` typed into each field of FIELDS (every kind of phase), the names list
    ``names``, ended (so its record is final) and with a status change of its action noted."""
    from facilitator.models import ActionStatus
    from facilitator.session_ops import end_session, go_to_phase, record_contribution, set_redactions, start_session
    from facilitator.store.actions import change_status
    from tests.learning.helpers import load_actions
    from facilitator.learning.history import HistoryIndex

    import datetime as dt

    template = template_with_every_kind(library)
    session = start_session(
        store, template, clock=clock, title="Review of " + put("title"), team="Team " + put("team"),
        facilitator="Jo " + put("facilitator"), participants=["Sam", put("participant")], ground_rules_agreed=True,
        date=dt.date(2026, 11, 20),
    )

    def say(phase_id: str, text: str, **extra) -> None:  # noqa: ANN003
        index = session.template.phase_index(phase_id)
        if session.current_phase != index:
            session.current_phase = go_to_phase(store, session, index).current_phase
        record_contribution(store, session, text, "Sam", clock, **extra)

    say("case-story", "We met " + put("discussion") + " at home.", tags=["school", put("tag")])
    say("what-went-right", "Listening to " + put("highlight"), starred=True)
    say("what-went-right", "Agreed to " + put("decision") + " first", tags=["decision"],
        fields={"reason": "because " + put("decision reason") + " asked"})
    say("turning-points", "The day " + put("timeline") + " spoke up",
        fields={"when": "after " + put("when") + "'s birthday", "changed": "we asked " + put("changed")})
    say("strengths-evidence", "Patience with " + put("strength"),
        fields={"evidence": put("evidence") + " said so", "skill": "work with " + put("skill")})
    say("scaling", "7 because " + put("rating reason") + " is safer", fields={"rating": "7"})
    say("learning-actions", "Ring " + put("action") + "'s school",
        fields={"owner": "Sam and " + put("owner"), "due": "when " + put("due") + " is back", "tell": put("tell") + "'s teacher"})
    session = set_redactions(store, store.load_session(session.id), names)
    if end:
        session, _ = end_session(store, session, clock)
    action = next(a for a in load_actions(store, HistoryIndex(store).refresh().facts()) if a.session_id == session.id)
    change_status(store, action, ActionStatus.in_progress, dt.date(2026, 11, 21), "waiting for " + put("status note"))
    return session


# ---------------------------------------------------------------------- what the room sees on a screen

def screen_texts(app) -> list[str]:  # noqa: ANN001
    """What the current screen shows: its lines as drawn, and every table row and text widget in full
    (a long cell is cut on screen)."""
    from rich.console import Console
    from textual.widgets import Static

    from facilitator.tui.screens.virtual_table import VirtualTable

    screen = app.screen
    texts = [SEPARATOR.join(strip.text for strip in screen._compositor.render_strips())]
    for table in screen.query(VirtualTable):
        for row in table.rows:
            texts.append(SEPARATOR.join(getattr(cell, "plain", str(cell)) for cell in row))
    for static in screen.query(Static):
        shown = static.render()
        if isinstance(shown, str) or hasattr(shown, "plain"):
            texts.append(getattr(shown, "plain", str(shown)))
        else:  # a table or another rich renderable: drawn wide, as plain text
            console = Console(width=300, record=True, file=io.StringIO(), color_system=None)
            console.print(shown)
            texts.append(console.export_text())
    texts += [str(app.title), str(app.sub_title), str(screen.title or ""), str(screen.sub_title or "")]
    return texts


def assert_screen_clean(app, names, where: str) -> str:  # noqa: ANN001
    texts = screen_texts(app)
    for text in texts:
        found = leaks(text, names)
        assert not found, f"{found} on the {where} screen: {text[:2000]!r}"
    return "\n".join(texts)


def move_every_contribution_out_of_its_phase(data_dir: Path, session_id: str, phase_id: str) -> int:
    """The session file as another version of facilitator might write it: every contribution in ``phase_id``, which
    the session's template does not have (see tests/record/test_no_phase.py); how many were moved."""
    from facilitator.store.storage import META_TABLE, database_bytes, parse_database

    path = data_dir / "sessions" / f"{session_id}.json"
    tables = parse_database(path, path.read_bytes())
    meta = tables.pop(META_TABLE)["1"]
    for doc in tables["contributions"].values():
        doc["phase_id"] = phase_id
    path.write_bytes(database_bytes(tables, meta))
    return len(tables["contributions"])
