"""Domain types: every other module speaks these.

No Textual, TinyDB or file access here.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
TemplateId = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=80)]

ANONYMOUS = "anonymous"


class PhaseKind(str, Enum):
    """What a contribution in a phase is."""

    discussion = "discussion"
    strengths = "strengths"
    timeline = "timeline"
    actions = "actions"
    scale = "scale"
    round = "round"


class Phase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: TemplateId
    title: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    prompt: Annotated[str, StringConstraints(min_length=1)]
    guidance: str = ""
    questions: list[str] = Field(default_factory=list)
    timebox: Annotated[int, Field(ge=1, le=240)] = 10
    kind: PhaseKind = PhaseKind.discussion


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: TemplateId
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)] = "1"
    summary: str = ""
    when_to_use: str = ""
    typical_length: Annotated[int, Field(ge=1, le=600)] = 60
    ground_rules: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    phases: Annotated[list[Phase], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_phase_ids(self) -> "Template":
        seen: set[str] = set()
        for phase in self.phases:
            if phase.id in seen:
                raise ValueError(f"phase id {phase.id!r} is used twice; every phase needs its own id")
            seen.add(phase.id)
        return self

    def phase_index(self, phase_id: str) -> int:
        for index, phase in enumerate(self.phases):
            if phase.id == phase_id:
                return index
        raise KeyError(phase_id)


class SessionStatus(str, Enum):
    running = "running"
    ended = "ended"


class Contribution(BaseModel):
    """One thing said in the room, as the facilitator typed it."""

    model_config = ConfigDict(extra="ignore")

    id: str
    phase_id: str
    text: str
    speaker: str | None = None
    created_at: dt.datetime
    fields: dict[str, str] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    starred: bool = False
    safeguarding: bool = False

    @property
    def speaker_label(self) -> str:
        return self.speaker if self.speaker else "—"


class Session(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    template: Template
    title: str
    team: str = ""
    facilitator: str = ""
    date: dt.date
    participants: list[str] = Field(default_factory=list)
    ground_rules_agreed: bool = False
    status: SessionStatus = SessionStatus.running
    current_phase: int = 0
    created_at: dt.datetime
    ended_at: dt.datetime | None = None
    record_path: str | None = None
    contributions: list[Contribution] = Field(default_factory=list)

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("a session needs a title")
        return value

    @property
    def phase(self) -> Phase:
        return self.template.phases[self.current_phase]

    def contributions_in(self, phase_id: str) -> list[Contribution]:
        return [c for c in self.contributions if c.phase_id == phase_id]

    def summary(self) -> "SessionSummary":
        return SessionSummary(
            id=self.id,
            title=self.title,
            team=self.team,
            facilitator=self.facilitator,
            template_id=self.template.id,
            template_name=self.template.name,
            date=self.date,
            status=self.status,
            current_phase=self.current_phase,
            phase_count=len(self.template.phases),
            created_at=self.created_at,
            ended_at=self.ended_at,
            record_path=self.record_path,
        )


class SessionSummary(BaseModel):
    """What the index keeps about a session: enough for lists, no contributions."""

    model_config = ConfigDict(extra="ignore")

    id: str
    title: str
    team: str = ""
    facilitator: str = ""
    template_id: str
    template_name: str = ""
    date: dt.date
    status: SessionStatus
    current_phase: int = 0
    phase_count: int = 1
    created_at: dt.datetime
    ended_at: dt.datetime | None = None
    record_path: str | None = None


def split_participants(text: str) -> list[str]:
    """'Sam, Priya;  Team manager' -> ['Sam', 'Priya', 'Team manager'] (order kept, duplicates dropped)."""
    seen: list[str] = []
    for part in re.split(r"[,;\n]", text):
        name = " ".join(part.split())
        if name and name.casefold() not in {s.casefold() for s in seen}:
            seen.append(name)
    return seen

