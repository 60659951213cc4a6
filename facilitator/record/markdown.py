"""Session -> structured markdown record, the source every other format is made from.

Pure functions: no files, no clock. The same session always gives the same bytes.
Every piece of user text goes through `escape_inline` / `escape_block` / `escape_cell`, so whatever was typed
(markdown, HTML, pipes, front-matter fences, ...) shows as typed and never creates structure of its own.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..models import ANONYMOUS, Contribution, Phase, PhaseKind, Session, SessionStatus
from ..text import one_line, plural, visible
from ..contribution_fields import PASS
from ..vocabulary import NO_PHASE_HEADING
from .redact import for_export, make_replacer

if TYPE_CHECKING:  # markdown-it-py and PyYAML are imported when a record is first made, not with this module
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

DEFAULT_RETENTION_NOTE = (
    "Official-sensitive: team supervision record. Service users are referred to by role or initials. "
    "Keep and dispose of it under your organisation's records retention schedule; do not forward outside the team."
)
SAFEGUARDING_NOTE = (
    "Safeguarding concerns raised in the session are not part of these minutes: they go to the accountable "
    "manager by the organisation's own route."
)
DECISION_TAG = "decision"

# The parser the HTML and Word files are made with: CommonMark with GFM tables, raw HTML off (shown as text,
# never passed on). The record's escaping means it only ever holds headings, paragraphs, lists, tables, emphasis,
# escapes and line breaks, so the rules for anything else are switched off: the same result, parsed faster, and
# nothing (code, links, images, HTML) that escaping might have missed can come alive.
DISABLED_RULES = [
    "code", "fence", "blockquote", "hr", "reference", "html_block", "lheading",
    "backticks", "link", "image", "autolink", "html_inline", "entity",
]
# The characters each inline rule can start at. The text rule hands over to the other rules only at these
# characters, so with the rules above off, plain text runs on past "!", ":", "%", "-" and the like instead of
# stopping at each one: the same tokens for any input, fewer steps.
_INLINE_RULE_STARTS = {
    "text": "", "linkify": ":", "newline": "\n", "escape": "\\", "backticks": "`", "strikethrough": "~",
    "emphasis": "*_", "link": "[", "image": "!", "autolink": "<", "html_inline": "<", "entity": "&",
}


_PLAIN_TEXT_SAFE = {
    "core": {"normalize", "block", "inline", "text_join"},
    "inline2": {"balance_pairs", "strikethrough", "emphasis", "fragments_join"},
}
# A table-row cell boundary: a pipe without a backslash just before it (markdown-it's escapedSplit).
_CELL_PIPE = re.compile(r"(?<!\\)\|")


def _split_row(row: str) -> list[str]:
    """markdown-it-py's table `escapedSplit`, with the string methods instead of a loop over characters:
    split at each pipe not preceded by a backslash; in each cell, an escaped pipe loses its backslash."""
    return [cell.replace("\\|", "|") for cell in _CELL_PIPE.split(row)]


def _table_rule():  # noqa: ANN202 - a markdown-it block rule
    """markdown-it-py's own GFM table rule, splitting rows with `_split_row` (or None if its code has changed).

    Splitting rows character by character was a quarter of the time spent parsing a record."""
    import importlib
    import types

    table_module = importlib.import_module("markdown_it.rules_block.table")
    rule = getattr(table_module, "table", None)
    code = getattr(rule, "__code__", None)
    if code is None or rule.__closure__ or "escapedSplit" not in code.co_names:
        return None
    if not callable(getattr(table_module, "escapedSplit", None)):
        return None
    rule_globals = dict(rule.__globals__, escapedSplit=_split_row)
    return types.FunctionType(code, rule_globals, rule.__name__, rule.__defaults__)


def _inline_with_plain_text(state) -> None:  # noqa: ANN001 - markdown_it StateCore
    """markdown-it's core "inline" rule, but a run of plain text (no character any inline rule starts at: so
    the text rule would take all of it as one text token) becomes that one text token without the inline
    parser's set-up. Table cells and short lines are mostly like that."""
    from markdown_it.token import Token

    md = state.md
    search = md.inline.terminator_re.search
    parse = md.inline.parse
    env = state.env
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            content = token.content
            if search(content) is not None:
                parse(content, md, env, token.children)
            elif content:
                text = Token("text", "", 0)
                text.content = content
                token.children.append(text)


def make_parser() -> MarkdownIt:
    """A new parser, configured as the shared one (get_parser) is."""
    from markdown_it import MarkdownIt

    parser = (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        .enable("table")
        .disable(DISABLED_RULES)
    )
    table = _table_rule()
    if table is not None:
        alt = next((list(r.alt) for r in parser.block.ruler.__rules__ if r.name == "table"), ["paragraph", "reference"])
        parser.block.ruler.at("table", table, {"alt": alt})
    active = parser.inline.ruler.get_active_rules()
    if (
        hasattr(parser.inline, "terminator_re")
        and active[:1] == ["text"]
        and all(rule in _INLINE_RULE_STARTS for rule in active)
    ):
        starts = "".join(sorted(set("".join(_INLINE_RULE_STARTS[rule] for rule in active))))
        parser.inline.terminator_re = re.compile("[" + re.escape(starts) + "]")
        if set(parser.core.ruler.get_active_rules()) <= _PLAIN_TEXT_SAFE["core"] and set(
            parser.inline.ruler2.get_active_rules()
        ) <= _PLAIN_TEXT_SAFE["inline2"]:
            parser.core.ruler.at("inline", _inline_with_plain_text)
    return parser


_parser: MarkdownIt | None = None
_parser_lock = threading.Lock()


def get_parser() -> MarkdownIt:
    """The shared parser (made on first use; reading with it is safe from several threads)."""
    global _parser
    if _parser is None:
        with _parser_lock:
            if _parser is None:
                _parser = make_parser()
    return _parser


# The characters that can make structure where they stand, and only those, so the record reads as typed:
# backslashes, code spans, emphasis, links, HTML and autolinks, table pipes, strikethrough; "_" only where it
# could start or end emphasis (not inside a word, as in snake_case); "&" only where it could start an entity.
# "!" needs no escape (an image needs "[", which is escaped), nor "]" or ">" inside a line.
_INLINE_SPECIAL = re.compile(r"[\\`*\[<|~]|&(?=[A-Za-z#])|(?<![^\W_])_|_(?![^\W_])")
# A backslash before ASCII punctuation: how escape_inline marks a character; undone by unescape_inline.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_ORDERED_LIST_START = re.compile(r"^(\d+)([.)])")




def _backslash(match: re.Match[str]) -> str:
    return "\\" + match.group()


def escape_inline(text: str, starts_line: bool = True) -> str:
    """Escape one line of user text so markdown shows it as typed and it creates no structure. ``starts_line``
    False: it comes after other text on its line ("*(3. What went right)*"), where "3." or "#" makes no list or
    heading, so it gets no backslash a reader of the markdown would see."""
    text = visible(text)
    if _INLINE_SPECIAL.search(text) is not None:  # most text has none: skip the substitution's set-up
        text = _INLINE_SPECIAL.sub(_backslash, text)
    if not starts_line:
        return text
    ordered = _ORDERED_LIST_START.match(text)
    if ordered:
        return ordered.group(1) + "\\" + text[len(ordered.group(1)) :]
    if text[:1] in ("#", "+", "-", "=", ">"):
        return "\\" + text
    return text


def unescape_inline(text: str) -> str:
    """The text escape_inline was given (it only ever puts a backslash before ASCII punctuation)."""
    return _ESCAPED.sub(r"\1", text) if "\\" in text else text


def text_lines(text: str) -> list[str]:
    """User text as the lines a record shows: each line trimmed, leading and trailing blank lines dropped."""
    return [line.strip() for line in visible(text).strip().splitlines()]


def escape_block(text: str, indent: str = "  ") -> str:
    """User text of one or more lines, as the content of a list item (continuation lines indented)."""
    return ("\\\n" + indent).join(escape_inline(line) for line in text_lines(text))


def escape_cell(text: str) -> str:
    """User text as one markdown table cell: one line, pipes escaped."""
    return " / ".join(escape_inline(line) for line in text_lines(text) if line)


def speaker_text(contribution: Contribution) -> str:
    """Who said it, as the record shows it: the name, "anonymous" when that was chosen, or "" when nobody was
    recorded as saying it (not the same as anonymous, which is a choice someone made)."""
    if contribution.speaker == ANONYMOUS:
        return ANONYMOUS
    return one_line(contribution.speaker or "")


def retention_note(session: Session, retention: str | None = None) -> str:
    """The note fixed when the session ended, else the data folder's setting, else the default."""
    return one_line(session.retention_note or retention or DEFAULT_RETENTION_NOTE)


def duration_text(seconds: int) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def _date_text(session: Session) -> str:
    return f"{session.date.day} {session.date:%B %Y}"


def front_matter(session: Session, draft: bool, retention: str | None = None) -> dict:
    """The record's metadata (before the body hash is added). `session` is the exported view."""
    return {
        "id": session.id,
        "template": session.template.id,
        "template_name": session.template.name,
        "template_version": session.template.version,
        "title": one_line(session.title),
        "team": one_line(session.team),
        "date": session.date.isoformat(),
        "start": session.created_at.isoformat(),
        "end": session.ended_at.isoformat() if session.ended_at else None,
        "facilitator": one_line(session.facilitator),
        "participants": [one_line(p) for p in session.participants],
        "attendees": [one_line(p) for p in session.participants],
        "apologies": [one_line(p) for p in session.apologies],
        "ground_rules_agreed": session.ground_rules_agreed,
        "retention": retention_note(session, retention),
        "status": "draft" if draft else "final",
    }


def _markdown_values(value):  # noqa: ANN001, ANN202 - str, list or dict of them, or other YAML values
    """Every string in the front matter escaped as markdown: pandoc reads each front-matter value as markdown
    (`pandoc -s` puts the title in the page), so what was typed shows as text and never runs."""
    if isinstance(value, str):
        return escape_inline(value)
    if isinstance(value, list):
        return [_markdown_values(v) for v in value]
    if isinstance(value, dict):
        return {k: _markdown_values(v) for k, v in value.items()}
    return value


def _plain_values(value):  # noqa: ANN001, ANN202
    if isinstance(value, str):
        return unescape_inline(value)
    if isinstance(value, list):
        return [_plain_values(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_values(v) for k, v in value.items()}
    return value


def _yaml_front_matter(data: dict) -> str:
    import yaml

    data = _markdown_values(data)
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    return f"---\n{dumped}---\n"


def split_record(text: str) -> tuple[dict, str]:
    """A markdown record -> (front matter, body). The inverse of what render_markdown writes."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 3)
    if end == -1:
        return {}, text
    import yaml

    # libyaml's loader where PyYAML has it (its wheels do): the same safe loading, about five times quicker, which
    # counts when a digest reads thousands of records
    meta = yaml.load(text[4 : end + 1], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    return (_plain_values(meta) if isinstance(meta, dict) else meta), text[end + 5 :]


def parse_body(body: str) -> list[Token]:
    return get_parser().parse(body)


def body_sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


FIELD_LABELS = {
    "tell": "who hears about it",
    "due": "due",
    "due_said": "due, as said",
    "owner": "owner",
    "evidence": "evidence",
    "when": "when",
}


def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key.replace("_", " "))


def _contribution_line(contribution: Contribution, show_fields: bool = True) -> str:
    star = "★ " if contribution.starred else ""
    who = speaker_text(contribution)
    label = f"**{escape_inline(who)}:** " if who else ""
    if contribution.fields.get("turn") == PASS and contribution.text == PASS:
        # A pass in a round: said once ("pass — turn: pass" read as a stammer in the minutes).
        return f"- {star}{label}passed"
    line = f"- {star}{label}{escape_block(contribution.text)}"
    fields = [(k, escape_cell(v)) for k, v in contribution.fields.items() if escape_cell(v)] if show_fields else []
    if fields:
        line += " — " + "; ".join(f"*{escape_inline(field_label(k))}:* {v}" for k, v in fields)
    tags = [one_line(t) for t in contribution.tags if one_line(t)]
    if tags:
        line += f" *(tags: {escape_inline(', '.join(tags))})*"
    return line


def _kind_table(phase: Phase, contributions: list[Contribution], first_action: int = 1) -> list[str]:
    """Kind-specific table lines for a phase (strengths and evidence, timeline, actions, scale).

    Call site for facilitator/record/kinds.py (issue 4): `render_kind_table(phase, contributions)` returns
    markdown lines (or nothing), built with `escape_cell` from this module. Contributions reaching it are
    already redacted and free of safeguarding concerns.
    """
    from .kinds import render_kind_table  # here: kinds.py imports this module

    return list(render_kind_table(phase, contributions, first_action) or [])


def _table_tags(contributions: list[Contribution]) -> list[str]:
    """The tags of a table phase's items, in one paragraph under its table (a table has no column for them),
    each item named by its first words. A paragraph, not a list: readers of the record take a phase's list
    items for what was said."""
    parts = []
    for c in contributions:
        tags = [one_line(t) for t in c.tags if one_line(t)]
        if tags:
            words = one_line(c.text).split()
            short = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
            parts.append(f"“{escape_inline(short)}”: {escape_inline(', '.join(tags))}")
    return ["", "*Tags:* " + "; ".join(parts)] if parts else []


def _list_or_note(lines: Iterable[str], note: str) -> list[str]:
    lines = list(lines)
    return lines if lines else [note]


def no_phase_notice(count: int) -> str:
    """What the app says where it opens a session with ``count`` contributions (safeguarding concerns not counted)
    in no phase of its template."""
    one = count == 1
    return (
        f"{plural(count, 'contribution')} of this session {'was' if one else 'were'} recorded in a phase its template "
        f"no longer has, so no phase shows {'it' if one else 'them'}; {'it is' if one else 'they are'} in the record, "
        f"under “{NO_PHASE_HEADING}”."
    )


def _no_phase_section(session: Session, actions_before: int = 0) -> list[str]:
    """The contributions of the export view whose phase is not in its template, each with the phase it names (names
    list applied): every recorded contribution reaches the minutes. Nothing at all for a session without them.
    An action among them (told by its fields) is numbered after the ``actions_before`` actions of the phases."""
    from .kinds import action_number, actions_in_no_phase  # here: kinds.py imports this module

    said = session.contributions_in_no_phase()
    if not said:
        return []
    replace = make_replacer(session.redactions)
    out = [f"## {NO_PHASE_HEADING}", ""]
    out += [
        f"{plural(len(said), 'contribution was', 'contributions were')} recorded in a phase that is not in this "
        "session's template (its phases were changed or renamed since, or the session was recorded by another "
        "version of facilitator): they are kept here, with the phase each names, so nothing recorded is missing.",
        "",
    ]
    numbers = {id(c): n for n, c in enumerate(actions_in_no_phase(session), start=actions_before + 1)}
    if numbers:
        out += [
            f"{'An action' if len(numbers) == 1 else 'The actions'} among them (with an owner, a due date or who hears "
            f"about {'it' if len(numbers) == 1 else 'them'}) {'is' if len(numbers) == 1 else 'are'} numbered after "
            "this session's other actions.",
            "",
        ]
    for c in said:
        line = _contribution_line(c)
        if id(c) in numbers:
            line = f"- **{action_number(numbers[id(c)])}** {line[2:]}"
        out.append(f"{line} *(phase: {escape_inline(one_line(replace(c.phase_id)) or 'none given')})*")
    out.append("")
    return out


def not_heard_places(session: Session, phase_id: str) -> list[int]:
    """The places in ``session.participants`` of those who neither spoke nor passed in a round phase (none if nobody
    said anything there)."""
    said = session.contributions_in(phase_id)
    if not said:
        return []
    heard = {c.speaker.casefold() for c in said if c.speaker}
    return [n for n, p in enumerate(session.participants) if p.strip() and p.casefold() not in heard]


def render_body(session: Session, draft: bool, retention: str | None, unheard: dict[str, list[str]]) -> str:
    """The markdown body of the record of an export view of a session (see render_markdown). ``unheard``: each round
    phase's people present who neither spoke nor passed, as the view names them (worked out by build_record from the
    session as recorded)."""
    template = session.template
    out: list[str] = [f"# {escape_inline(one_line(session.title))}", ""]
    if draft:
        out += ["**DRAFT**: the session is not finished; this record may change.", ""]
    time_text = session.created_at.strftime("%H:%M")
    if session.ended_at:
        time_text += f" to {session.ended_at:%H:%M}"
    if not session.phase_seconds:
        # (each phase's time spent is given under it when the phase timer ran: a reader could not tell "no time"
        # from "not timed")
        time_text += "; phases not timed (the phase timer was not started)"
    elif len(session.phase_seconds) < len(template.phases):
        # (the timer started late, or paused through some phases: "Time spent: 2 s" under a phase talked about for
        # minutes read as a slip; each is the time the timer ran in it, and the reader is told so)
        timed = sum(1 for phase in template.phases if phase.id in session.phase_seconds)
        time_text += (f"; the phase timer ran in {timed} of {len(template.phases)} phases: the time spent given "
                      "under a phase is the time it ran there")
    details = [
        ("Session", f"{template.name} (template {template.id}, version {template.version})"),
        ("Date", _date_text(session)),
        ("Time", time_text),
        ("Team", one_line(session.team) or "not given"),
        ("Facilitator", one_line(session.facilitator) or "not given"),
        ("Attendees", ", ".join(one_line(p) for p in session.participants) or "not given"),
        ("Apologies", ", ".join(one_line(p) for p in session.apologies) or "none given"),
    ]
    out += [f"- **{label}:** {escape_inline(value)}" for label, value in details]
    out.append("")

    out += ["## Ground rules", ""]
    if not template.ground_rules:  # (a team's own template may have none: the group was asked to agree its own)
        out.append(
            "The template has no written ground rules; the group agreed its own, and how confidential material is "
            "handled." if session.ground_rules_agreed
            else "The template has no written ground rules, and agreement to the group's own was not recorded."
        )
    else:
        out.append(
            "The group agreed these ground rules and how confidential material is handled:"
            if session.ground_rules_agreed
            else "Agreement to the ground rules was not recorded."
        )
    out.append("")
    if template.ground_rules:
        out += [f"- {escape_inline(one_line(rule))}" for rule in template.ground_rules]
        out.append("")

    # Matters arising: the follow-up of earlier sessions' actions comes before this session's own business.
    from .follow_up import follow_up_lines

    out += follow_up_lines(session)

    phase_titles = {}
    actions_so_far = 0
    for number, phase in enumerate(template.phases, start=1):
        phase_titles[phase.id] = f"{number}. {phase.title}"
        out += [f"## {number}. {escape_inline(one_line(phase.title))}", ""]
        out += [f"*{escape_inline(one_line(phase.prompt))}*", ""]
        if phase.id in session.phase_seconds:
            out += [f"Time spent: {duration_text(session.phase_seconds[phase.id])}.", ""]
        contributions = session.contributions_in(phase.id)
        table = _kind_table(phase, contributions, actions_so_far + 1)
        if phase.kind == PhaseKind.actions:
            actions_so_far += len(contributions)
        # Each item once: a phase with a table of its own (strengths, timeline, actions, ratings) shows the
        # table only; any other phase lists what was said.
        if table:
            out += table
            out += _table_tags(contributions)
        else:
            out += _list_or_note(
                (_contribution_line(c) for c in contributions), "Nothing was recorded in this phase."
            )
        if phase.kind == PhaseKind.round and contributions:
            # (those present who neither spoke nor passed: the minutes said nothing of them)
            if unheard.get(phase.id):
                out += ["", f"Not heard in this round: {escape_inline(one_line(', '.join(unheard[phase.id])))}."]
        out.append("")

    out += _no_phase_section(session, actions_so_far)

    out += ["## Highlights", ""]
    replace = make_replacer(session.redactions)  # (a phase id not in the template is shown as it is named)
    highlights = [
        f"- {escape_block(c.text)} *({escape_inline(phase_titles.get(c.phase_id) or replace(c.phase_id), starts_line=False)})*"
        for c in session.contributions
        if c.starred
    ]
    out += _list_or_note(highlights, "No highlights were marked.")
    out.append("")

    out += ["## Decisions", ""]
    decisions = []
    for c in session.contributions:
        if any(t.strip().casefold() == DECISION_TAG for t in c.tags):
            reason = c.fields.get("reason", "").strip()
            line = f"- {escape_block(c.text)}"
            if reason:
                end = visible(c.text).rstrip()[-1:]
                line += f"{'' if end in '.!?;:' else '.'} **Reason:** {escape_block(reason)}"
            decisions.append(line)
    out += _list_or_note(decisions, "No decisions were recorded.")
    out.append("")

    out += ["## Sign-off", ""]
    out.append(
        f"Facilitated by {escape_inline(one_line(session.facilitator) or '________')}. "
        "Signed: ________  Date: ________"
    )
    out.append("")
    out += [SAFEGUARDING_NOTE, ""]
    out += [f"*Handling: {escape_inline(retention_note(session, retention))}*", ""]
    return "\n".join(out)


@dataclass(frozen=True)
class Record:
    """A rendered record: its front matter, its markdown body, and the whole file's text."""

    meta: dict
    body: str
    text: str
    view: Session  # the session as exported: names replaced, safeguarding concerns left out


def build_record(session: Session, draft: bool | None = None, retention: str | None = None) -> Record:
    """The record of a session, names replaced and safeguarding concerns left out.

    `draft` defaults to True while the session is still running. `retention` is the data folder's handling
    note; a session that has ended keeps the note it ended with. A final record carries a SHA-256 of its body.
    """
    if draft is None:
        draft = session.status != SessionStatus.ended
    view = for_export(session)
    # Who was not heard in a round, from the session as recorded: one whose turn was flagged as a safeguarding concern
    # (left out of the view) was heard, and the record said they were not, where the room's screen said they were.
    # (the view's participants are the session's, one for one, with the names list applied)
    unheard = {
        p.id: [view.participants[n] for n in not_heard_places(session, p.id)]
        for p in session.template.phases if p.kind == PhaseKind.round
    }
    body = render_body(view, draft, retention, unheard)
    meta = front_matter(view, draft, retention)
    if not draft:
        meta["sha256"] = body_sha256(body)
    return Record(meta, body, _yaml_front_matter(meta) + body, view)


def render_markdown(session: Session, draft: bool | None = None, retention: str | None = None) -> str:
    """The markdown record of a session (see build_record)."""
    return build_record(session, draft, retention).text
