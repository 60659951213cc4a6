"""Domain types: every other module speaks these.

No Textual, TinyDB or file access here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from .contribution_fields import kind_by_fields
from .vocabulary import (  # noqa: F401 - the domain's words, here too for everyone who imports them from models
    ANONYMOUS,
    ID_PATTERN,
    KIND_DESCRIPTIONS,
    MAX_PHASES,
    MAX_TIMEBOX,
    MAX_TYPICAL_LENGTH,
    ActionStatus,
    PhaseKind,
    SessionStatus,
    split_participants,
)

TemplateId = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=80)]

# The app draws its first screen without this module (see vocabulary.py, and templates.TemplateCard and
# store.SessionRow for what the home screen shows): it is imported, and pydantic with it, just after.
# Models used many at a time (sessions, contributions, learning actions) build their validators on first
# use (defer_build); templates and session summaries at import.

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
def _one_line(value: object) -> object:
    """Tabs and line breaks in a one-line field (a template's name, a phase's title, a tag) as single spaces: a tab
    in a name split `facilitator templates list`'s columns and the home screen's rows, and stayed in the record."""
    return " ".join(value.split()) if isinstance(value, str) else value


ShortLine = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), AfterValidator(_one_line)]
Minutes = Annotated[int, Field(strict=True, ge=1, le=MAX_TIMEBOX)]


class Phase(BaseModel):
    """One step of a session script, as written in a template."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: TemplateId
    title: ShortLine
    prompt: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    guidance: Annotated[str, StringConstraints(max_length=20000)] = ""
    questions: Annotated[list[Line], Field(max_length=30)] = Field(default_factory=list)
    timebox: Minutes = 10
    kind: PhaseKind = PhaseKind.discussion
    # Only for kind = "scale": who gives the rating, and what the two ends of the scale mean.
    scale_by: Literal["person", "group"] | None = None
    scale_low: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    scale_high: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None

    @model_validator(mode="after")
    def _scale_settings_only_on_scales(self) -> "Phase":
        if self.kind != PhaseKind.scale:
            used = [name for name in ("scale_by", "scale_low", "scale_high") if getattr(self, name) is not None]
            if used:
                raise ValueError(
                    f"{', '.join(used)} only apply to phases of kind \"scale\"; "
                    f"remove {'them' if len(used) > 1 else 'it'} or set kind = \"scale\""
                )
        return self

    @property
    def rated_by_group(self) -> bool:
        return self.kind == PhaseKind.scale and self.scale_by == "group"


class Template(BaseModel):
    """A session script: loaded from a TOML file in session_templates/ or the user's templates folder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: TemplateId
    name: ShortLine
    version: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] = "1"
    summary: Annotated[str, StringConstraints(max_length=2000)] = ""
    when_to_use: Annotated[str, StringConstraints(max_length=4000)] = ""
    typical_length: Annotated[int, Field(strict=True, ge=1, le=MAX_TYPICAL_LENGTH)] = 60
    ground_rules: Annotated[list[Line], Field(max_length=30)] = Field(default_factory=list)
    tags: Annotated[list[ShortLine], Field(max_length=40)] = Field(default_factory=list)
    sources: Annotated[list[Line], Field(max_length=20)] = Field(default_factory=list)
    phases: Annotated[list[Phase], Field(min_length=1, max_length=MAX_PHASES)]

    @field_validator("phases")
    @classmethod
    def _unique_phase_ids(cls, phases: list[Phase]) -> list[Phase]:
        first_seen: dict[str, int] = {}
        for index, phase in enumerate(phases):
            if phase.id in first_seen:
                raise ValueError(
                    f"phase id {phase.id!r} is used by phases[{first_seen[phase.id]}] and phases[{index}]; "
                    "give every phase its own id"
                )
            first_seen[phase.id] = index
        return phases

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, tags: list[str]) -> list[str]:
        seen: set[str] = set()
        for tag in tags:
            if tag.casefold() in seen:
                raise ValueError(f"the tag {tag!r} is listed twice; list each tag once")
            seen.add(tag.casefold())
        return tags

    @property
    def total_timebox(self) -> int:
        return sum(phase.timebox for phase in self.phases)

    def phase_index(self, phase_id: str) -> int:
        for index, phase in enumerate(self.phases):
            if phase.id == phase_id:
                return index
        raise KeyError(phase_id)


class Contribution(BaseModel):
    """One thing said in the room, as the facilitator typed it."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    id: str
    phase_id: str
    text: str
    speaker: str | None = None
    created_at: dt.datetime
    fields: dict[str, str] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    starred: bool = False
    safeguarding: bool = False
    # Its place in its phase when the facilitator has put the phase in the order of the story (a timeline's
    # turning points); None: in the order said, after any placed ones.
    position: int | None = None

    @property
    def speaker_label(self) -> str:
        return self.speaker if self.speaker else "—"


class ActionStatusChange(BaseModel):
    """One change of a learning action's status: when, to what, why, and in which session (if any)."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    action_id: str
    status: ActionStatus
    date: dt.date
    note: str = ""
    session_id: str | None = None


class ActionReview(BaseModel):
    """A learning action from an earlier session, reviewed in this one (kept in the session for its record).

    Text, owner and due are a copy as the earlier session's record shows them (names already replaced).
    """

    model_config = ConfigDict(extra="ignore", defer_build=True)

    action_id: str
    text: str
    owner: str = ""
    due: str = ""
    status: ActionStatus
    note: str = ""
    date: dt.date
    from_session_id: str = ""
    from_session_title: str = ""
    from_session_date: dt.date | None = None
    number: int | None = None  # the action's number in the earlier session's record (A1, A2, ...)
    #: the names list of the session the action was agreed in, as it was when the change was made: the record
    #: applies it to the note too, whatever this session's own list holds by then
    from_names: dict[str, str] = Field(default_factory=dict)


class LearningAction(BaseModel):
    """A learning action: a contribution in an "actions" phase, with its status over time.

    The action itself lives in the session it was agreed in; its status changes are kept apart (and in the
    session that reviewed it), so ``history`` is filled when actions are gathered.
    """

    model_config = ConfigDict(extra="ignore", defer_build=True)

    id: str  # "<session id>/<contribution id>"
    session_id: str
    session_title: str = ""
    session_date: dt.date
    text: str
    owner: str = ""
    due: str = ""  # as typed; see due_date
    tell: str = ""
    team: str = ""
    status: ActionStatus = ActionStatus.open
    history: list[ActionStatusChange] = Field(default_factory=list)
    number: int | None = None  # its number in its session's record (A1, A2, ...): derived, never stored

    @property
    def due_date(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.due.strip())
        except ValueError:
            return None

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def overdue(self, today: dt.date) -> bool:
        due = self.due_date
        return self.is_open and due is not None and due < today


def _person_key(name: str) -> str:
    """A person's name as two spellings of it compare: case and spacing left aside."""
    return " ".join(name.casefold().split())


class Session(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

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
    apologies: list[str] = Field(default_factory=list)
    # Seconds spent in each phase (phase id -> seconds), filled by the phase timer.
    phase_seconds: dict[str, int] = Field(default_factory=dict)
    # Names to replace in every export (as typed -> replacement, e.g. a child's name -> "Child A").
    # What is stored stays as typed; only records and exports are changed.
    redactions: dict[str, str] = Field(default_factory=dict)
    # Possible personal identifiers the facilitator chose to keep in the record (not asked about again).
    pii_kept: list[str] = Field(default_factory=list)
    # The retention / handling note, fixed when the session ends so the final record never changes.
    retention_note: str | None = None
    # Learning actions from earlier sessions reviewed at the start of this one (status, note, date).
    action_reviews: list[ActionReview] = Field(default_factory=list)
    # Those looked at in that follow-up round and left as they stood (ctrl+s): their status then, no note. Kept for
    # the record's matters arising, which lists them after the changes; nothing else reads them.
    actions_left: list[ActionReview] = Field(default_factory=list)

    def day_said(self, today: dt.date) -> dt.date:
        """The day what is said in the session speaks from: its date if it is dated in the past (minutes typed up
        afterwards: "in 2 weeks" is two weeks from the meeting, and a follow-up round's changes are of that day),
        else today."""
        return self.date if self.date < today else today

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("a session needs a title")
        return value

    @model_validator(mode="after")
    def _each_contribution_its_own_id(self) -> "Session":
        """Two contributions under one id (a file from before checksums, two copies joined by hand): the later one
        is given an id of its own ("<id>-2"), the same at every reading. Sharing one, a delete took both and its
        undo brought back one; an edit changed only the first."""
        seen: set[str] = set()
        for at, contribution in enumerate(self.contributions):
            if contribution.id in seen:
                n = 2
                while f"{contribution.id}-{n}" in seen or any(c.id == f"{contribution.id}-{n}" for c in self.contributions):
                    n += 1
                self.contributions[at] = contribution.model_copy(update={"id": f"{contribution.id}-{n}"})
            seen.add(self.contributions[at].id)
        return self

    @property
    def phase(self) -> Phase:
        return self.template.phases[self.current_phase]

    def contributions_by(self, names: list[str]) -> dict[str, int]:
        """How many contributions each of these people is said to have made (as listed, in any case or spacing;
        those with none left out): someone moved to the apologies after they spoke."""
        keys = {_person_key(name): name for name in names}
        said: dict[str, int] = {}
        for contribution in self.contributions:
            name = keys.get(_person_key(contribution.speaker or ""))
            if name is not None:
                said[name] = said.get(name, 0) + 1
        return said

    @property
    def reviewed_session_ids(self) -> list[str]:
        """The sessions whose actions this session's follow-up round changed, each once: their action registers show
        the changes' notes with this session's names list applied."""
        return list(dict.fromkeys(r.from_session_id for r in self.action_reviews if r.from_session_id))

    @property
    def speakers(self) -> list[str]:
        """Who a contribution can be said to be from: the participants, then the facilitator if they are not one of
        them (a team lead running a huddle speaks too; before, only "anonymous" or typing their name in the
        attendees recorded it). A round's turns are the participants' only."""
        facilitator = " ".join(self.facilitator.split())
        if facilitator and _person_key(facilitator) not in set(map(_person_key, self.participants)):
            return [*self.participants, facilitator]
        return list(self.participants)

    def contributions_in(self, phase_id: str) -> list[Contribution]:
        """A phase's contributions in the order they were said (stable for equal times), or in the order the
        facilitator put them in (see Contribution.position)."""
        return sorted(
            (c for c in self.contributions if c.phase_id == phase_id),
            key=lambda c: (c.position is None, c.position or 0, c.created_at),
        )

    def contributions_in_no_phase(self) -> list[Contribution]:
        """Contributions whose phase is not one of the session's template phases (phase ids changed by hand in a
        template snapshot, a file or journal line from another version), in the order they were said: no phase
        lists them, so the record gives them a section of their own."""
        ids = {phase.id for phase in self.template.phases}
        return sorted((c for c in self.contributions if c.phase_id not in ids), key=lambda c: c.created_at)

    def contributions_in_no_phase_of_kind(self, kind: PhaseKind) -> list[Contribution]:
        """Those of contributions_in_no_phase() whose fields say they are of this kind (their phase cannot say:
        contribution_fields.kind_by_fields), in the order the record lists them, after the phases' own."""
        return [c for c in self.contributions_in_no_phase() if kind_by_fields(c.fields) == kind]

    def contributions_of_kind(self, kind: PhaseKind) -> list[Contribution]:
        """The contributions of this kind as the record lists (and numbers) them: those of the template's phases of
        the kind in phase order, then those in a phase the template no longer has whose fields say they are of it."""
        out: list[Contribution] = []
        for phase in self.template.phases:
            if phase.kind == kind:
                out += self.contributions_in(phase.id)
        return out + self.contributions_in_no_phase_of_kind(kind)

    def summary(self) -> "SessionSummary":
        from .record.redact import make_replacer, shown_id

        replace = make_replacer(self.redactions)
        return SessionSummary(
            id=self.id,
            title=self.title,
            team=self.team,
            shown_title=replace(self.title),
            shown_team=replace(self.team),
            facilitator=self.facilitator,
            # (shown on the home screen, which is projected, and by `facilitator sessions list`: a team's own
            # template may name a child, so the names list is applied, as to the title and team)
            template_id=shown_id(self.template.id, replace),
            template_name=replace(self.template.name),
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
    #: title and team as a list on a shared screen shows them: the session's names list applied
    #: (None in index entries written before it was kept)
    shown_title: str | None = None
    shown_team: str | None = None


