"""The "Action follow-up" section of a record: learning actions from earlier sessions reviewed in this one.

Called by markdown.render_body when the session has action reviews (a session without any has no such
section, so older records are unchanged). Names are replaced with this session's names list too, and a change's
note with the names list of the session its action was agreed in (kept with the change).
"""

from __future__ import annotations

from collections.abc import Callable

from ..models import ActionReview, Session
from ..text import one_line
from .kinds import action_number
from .markdown import escape_cell, escape_inline
from .redact import make_replacer

HEADING = "Action follow-up"
COLUMNS = ["No.", "Action", "Owner", "Due", "From", "Status", "Note"]


def _source(r: ActionReview) -> str:
    return one_line(f"{r.from_session_date.isoformat() if r.from_session_date else ''} {r.from_session_title}")


def follow_up_lines(session: Session) -> list[str]:
    if not session.action_reviews and not session.actions_left:
        return []
    own = make_replacer(session.redactions)
    # The names list of the session an action was agreed in (kept with it: for a change, as it was when the change
    # was made, or as it is now when the record is written: session_ops.reviews_as_now) is applied too, after this
    # session's own: to the note typed in this round, and to a name listed there after the round.
    earlier: dict[tuple, Callable[[str], str]] = {}

    def replacer(r: ActionReview) -> Callable[[str], str]:
        key = tuple(r.from_names.items())
        if key not in earlier:
            theirs = make_replacer(r.from_names)
            earlier[key] = (lambda text: theirs(own(text))) if key else own
        return earlier[key]

    out = [
        f"## {HEADING}", "",
        "Matters arising: learning actions from earlier sessions, reviewed at the start of this one. An action's "
        "number is the one it has in the record of the session it was agreed in.", "",
    ]
    if session.action_reviews:
        out.append("| " + " | ".join(escape_inline(c) for c in COLUMNS) + " |")
        out.append("| " + " | ".join("---" for _ in COLUMNS) + " |")
        for r in session.action_reviews:
            number = action_number(r.number) if r.number else ""
            cells = [number, r.text, r.owner, r.due, _source(r), r.status.value, r.note]
            replace = replacer(r)
            out.append("| " + " | ".join(escape_cell(replace(c)) or " " for c in cells) + " |")
        out.append("")
    else:
        out += ["No action's status was changed.", ""]
    if session.actions_left:
        # (a list, not a table: a digest reading records takes the table's rows for changes of status)
        out += ["Looked at and left as they stood:", ""]
        for r in session.actions_left:
            number = f"{action_number(r.number)} " if r.number else ""
            replace = replacer(r)
            said = [replace(r.owner) and f"owner {replace(r.owner)}", replace(r.due) and f"due {replace(r.due)}",
                    r.status.value]
            out.append(
                f"- {escape_inline(number + one_line(replace(r.text)))} "
                f"({escape_inline(', '.join(filter(None, said)))}; from {escape_inline(replace(_source(r)))})"
            )
        out.append("")
    return out
