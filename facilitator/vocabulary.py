"""The domain's words: phase kinds, statuses, limits. Plain Python, no pydantic.

The app's first screen needs only these, so they live apart from the pydantic models (models.py, which
imports them from here): the models, and pydantic, are loaded after the first screen is drawn.
"""

from __future__ import annotations

import re
from enum import Enum

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

ANONYMOUS = "anonymous"

#: where the record lists the contributions whose phase is not one of its template's (a template snapshot changed
#: by hand, phase ids renamed, a file from another version), and what the history calls their phase
NO_PHASE_HEADING = "Recorded in a phase this template no longer has"


class PhaseKind(str, Enum):
    """What a contribution in a phase is."""

    discussion = "discussion"  # free text
    strengths = "strengths"  # a strength claimed, and the evidence for it
    timeline = "timeline"  # a turning point: when, what happened, what was done differently
    actions = "actions"  # an action, its owner, a due date, who hears about it
    scale = "scale"  # a 0-10 rating with a reason, per person or for the group
    round = "round"  # each participant in turn; "pass" allowed


KIND_DESCRIPTIONS: dict[PhaseKind, str] = {
    PhaseKind.discussion: "free text: what was said",
    PhaseKind.strengths: "a strength claimed, and the evidence for it",
    PhaseKind.timeline: "a turning point: when, what happened, what was done differently",
    PhaseKind.actions: "an action, who owns it, when it is due, and who hears about it",
    PhaseKind.scale: "a rating from 0 to 10 with the reason for it",
    PhaseKind.round: "each person in turn; anyone may pass",
}

MAX_TIMEBOX = 240
MAX_TYPICAL_LENGTH = 600
MAX_PHASES = 40


class SessionStatus(str, Enum):
    running = "running"
    ended = "ended"


class ActionStatus(str, Enum):
    """Where a learning action stands. Open, in progress and carried over still need doing."""

    open = "open"
    in_progress = "in progress"
    done = "done"
    dropped = "dropped"
    carried_over = "carried over"

    @property
    def is_open(self) -> bool:
        return self in (ActionStatus.open, ActionStatus.in_progress, ActionStatus.carried_over)


#: the longest text a phone may send in one field, and the longest name (the page's boxes stop there too)
PHONE_MAX_TEXT = 2000
PHONE_MAX_NAME = 80


def split_participants(text: str) -> list[str]:
    """'Sam, Priya;  Team manager' -> ['Sam', 'Priya', 'Team manager'] (order kept, duplicates dropped)."""
    seen: list[str] = []
    for part in re.split(r"[,;\n]", text):
        name = " ".join(part.split())
        if name and name.casefold() not in {s.casefold() for s in seen}:
            seen.append(name)
    return seen
