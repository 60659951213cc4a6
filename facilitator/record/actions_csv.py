"""A session's learning actions as an action register, one row per action, in CSV that Excel and LibreOffice
Calc both open right: UTF-8 with a byte-order mark, CRLF line ends, every cell quoted where it needs to be.

An action is a contribution in a phase whose kind is "actions": its text is the action, and its fields
"owner", "due" (an ISO date where the words said were understood as one, the words otherwise) and "tell"
(who hears about it) fill the other columns; so is a contribution recorded in a phase the template no longer has
that has one of those fields (the record lists it in its closing section). Actions are numbered A1, A2, ... in the order the record lists
them, so "A2" is the same action in the record, the follow-up and here. Status and latest note come from the
action log when the caller has it (an action never reviewed is "open"). Names are replaced and safeguarding
concerns left out, as in every group export. A cell that a spreadsheet would run as a formula (starting with
=, +, -, @, tab or carriage return) gets a leading apostrophe, so opening the file never runs anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from ..models import Contribution, PhaseKind, Session
from ..text import one_line
from ..vocabulary import NO_PHASE_HEADING
from .kinds import action_number, actions_in_no_phase
from .markdown import text_lines
from .redact import for_export, make_replacer

HEADER = [
    "Action id", "Session", "Team", "Date agreed", "Action", "Owner", "Due", "Who hears about it",
    "Status", "Latest note", "Record",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def learning_actions(session: Session) -> list[tuple[str, Contribution]]:
    """(phase title, contribution) for every action, in phase order then recorded order, then those recorded in a
    phase the template no longer has, as the record lists and numbers them. Export view."""
    out = []
    for phase in session.template.phases:
        if phase.kind == PhaseKind.actions:
            out += [(phase.title, c) for c in session.contributions_in(phase.id)]
    return out + [(NO_PHASE_HEADING, c) for c in actions_in_no_phase(session)]


def action_id(session: Session, contribution: Contribution) -> str:
    """The id the action log knows an action by."""
    return f"{session.id}/{contribution.id}"


def render_actions_csv(
    session: Session,
    export_view: Session | None = None,
    statuses: Mapping[str, tuple[str, str]] | None = None,
    draft: bool = False,
) -> bytes:
    """`export_view`: for_export(session) if the caller already has it. `statuses`: action id -> (status,
    latest note), from the action log. `draft`: the session is still running, said in every row."""
    view = export_view if export_view is not None else for_export(session)
    statuses = statuses or {}
    replace = make_replacer(view.redactions)
    session_text = one_line(f"{view.title} ({view.date.isoformat()})")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for number, (_, c) in enumerate(learning_actions(view), start=1):
        status, note = statuses.get(action_id(view, c), ("open", ""))
        writer.writerow(
            [
                action_number(number),
                safe_cell(session_text),
                safe_cell(one_line(view.team)),
                view.date.isoformat(),
                safe_cell("\n".join(text_lines(c.text))),
                safe_cell(one_line(c.fields.get("owner", ""))),
                safe_cell(one_line(c.fields.get("due", ""))),
                safe_cell(one_line(c.fields.get("tell", ""))),
                safe_cell(one_line(status)),
                safe_cell(one_line(replace(note))),
                "draft: the session is not finished" if draft else "final",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
