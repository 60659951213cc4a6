"""Learning actions as CSV (UTF-8 with a byte-order mark, so Excel opens it with the right characters).

An action is a contribution in a phase whose kind is "actions": its text is the action, and its fields
"owner", "due" and "tell" (who hears about it) fill the other columns. Names are replaced and safeguarding
concerns left out, as in every group export. A cell that a spreadsheet would run as a formula (starting with
=, +, -, @, tab or carriage return) gets a leading apostrophe, so opening the file never runs anything.
"""

from __future__ import annotations

import csv
import io

from ..models import Contribution, PhaseKind, Session
from ..text import one_line
from .markdown import text_lines
from .redact import for_export

HEADER = ["Action", "Owner", "Due", "Who hears about it", "Phase", "Session", "Date"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def learning_actions(session: Session) -> list[tuple[str, Contribution]]:
    """(phase title, contribution) for every action, in phase order then recorded order. Export view."""
    out = []
    for phase in session.template.phases:
        if phase.kind == PhaseKind.actions:
            out += [(phase.title, c) for c in session.contributions_in(phase.id)]
    return out


def render_actions_csv(session: Session, export_view: Session | None = None) -> bytes:
    """`export_view`: for_export(session) if the caller already has it."""
    view = export_view if export_view is not None else for_export(session)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for phase_title, c in learning_actions(view):
        writer.writerow(
            [
                safe_cell("\n".join(text_lines(c.text))),
                safe_cell(one_line(c.fields.get("owner", ""))),
                safe_cell(one_line(c.fields.get("due", ""))),
                safe_cell(one_line(c.fields.get("tell", ""))),
                safe_cell(one_line(phase_title)),
                view.id,
                view.date.isoformat(),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
