"""Safeguarding concerns flagged during a session: the facilitator-only note, and the same-day reminder.

Pure functions: Session in, text out. Flagged contributions never reach the group record or exports
(record/redact.py leaves them out); they live only here and in the session's own store.
"""

from __future__ import annotations

from .contribution_fields import FIELD_LABELS
from .models import ANONYMOUS, Contribution, Session

REMINDER = (
    "Pass each concern on today, through your organisation's own safeguarding route "
    "(the accountable manager or designated safeguarding lead). Team minutes are not that route: "
    "these concerns are kept out of the group record and every export."
)


def shown(contributions: list[Contribution]) -> list[Contribution]:
    """The contributions the room may see: flagged safeguarding concerns left out."""
    return [c for c in contributions if not c.safeguarding]


def flagged(session: Session) -> list[Contribution]:
    """The session's safeguarding concerns, in the order they were said."""
    return sorted((c for c in session.contributions if c.safeguarding), key=lambda c: c.created_at)


def _phase_title(session: Session, phase_id: str) -> str:
    for number, phase in enumerate(session.template.phases, start=1):
        if phase.id == phase_id:
            return f"{number}. {phase.title}"
    return phase_id


def _who(contribution: Contribution) -> str:
    if contribution.speaker == ANONYMOUS:
        return "anonymous"
    return contribution.speaker or "speaker not recorded"


def note_text(session: Session) -> str | None:
    """The facilitator-only note for a session, or None if nothing is flagged.

    Plain text laid out as markdown; what was typed is indented as a block so it is never read as markup.
    """
    items = flagged(session)
    if not items:
        return None
    lines = [
        "# Safeguarding concerns: FACILITATOR ONLY",
        "",
        f"Session: {session.title} ({session.template.name}), {session.date:%-d %B %Y}",
        f"Facilitator: {session.facilitator or 'not given'}",
        "",
        f"REMINDER: {REMINDER}",
        "",
    ]
    for number, c in enumerate(items, start=1):
        lines.append(f"## Concern {number}")
        lines.append("")
        lines.append(f"Phase: {_phase_title(session, c.phase_id)}")
        lines.append(f"Said by: {_who(c)}")
        # (the day too: a session dated earlier, typed up later, read as noted on the session's day)
        lines.append(f"Noted at: {c.created_at:%H:%M} on {c.created_at.day} {c.created_at:%B %Y}")
        lines.append("")
        lines += ["    " + line for line in c.text.splitlines() or [""]]
        for key, value in c.fields.items():
            lines.append(f"    {FIELD_LABELS.get(key, key)}: {value}")
        lines.append("")
        lines.append("Passed on to: ________________  When: ________________")
        lines.append("")
    return "\n".join(lines)
