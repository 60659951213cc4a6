"""The extra fields of a phase kind, under the contribution box.

The main box holds the contribution itself (the strength, the turning point, the action, the reason for
a rating, what someone said in a round); this widget holds the rest, reachable by tab, all optional:

- strengths: the evidence for the strength, and a practice-skill tag from the template
- timeline:  when it happened, and what was done differently
- actions:   owner, due date, who hears about it
- scale:     the rating, 0 to 10 (checked; a wrong value is refused with a note)
- round:     who has not spoken yet, and a Pass button (typing "pass" works too)

`contribution(text)` returns the text and the dict stored in Contribution.fields. User text is never markup.
"""

from __future__ import annotations


from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets.select import InvalidSelectValueError
from textual.widgets import Button, Input, Select, Static
from .keys_in_order import TextInput, hold

from ...dates import due_note, due_problem
from ...models import Phase, PhaseKind, Session
from ...text import visible

from ...contribution_fields import (  # noqa: F401 - shared with the phones' page (no Textual there)
    FIELD_LABELS,
    KIND_FIELDS,
    NO_REASON,
    PASS,
    build_contribution,
    normalise_due,
    one_line,
    rating_problem,
)


class RecordingSelect(Select):
    """A drop-down where enter records, as in every other field of the phase; space or down opens it."""

    BINDINGS = [Binding("enter", "submit", "Record", show=False)]

    class Submitted(Message):
        """Enter on the closed drop-down."""

    def action_submit(self) -> None:
        self.post_message(self.Submitted())


def fields_text(fields: dict[str, str]) -> Text | None:
    """The extra fields of a recorded contribution, for the contribution list (never read as markup)."""
    parts = [(FIELD_LABELS[key], fields[key]) for key in FIELD_LABELS if fields.get(key)]
    if fields.get("due_said"):
        parts = [(label, f"{value} ({fields['due_said']})" if label == "due" else value) for label, value in parts]
    if not parts:
        return None
    text = Text()
    for n, (label, value) in enumerate(parts):
        if n:
            text.append("  ·  ", style="dim")
        text.append(f"{label}: ", style="italic")
        text.append(visible(f"{value}/10" if label == "rating" else value), style="bold" if label == "rating" else "")
    return text


def still_to_speak(session: Session, phase: Phase | None = None) -> list[str]:
    """Participants who have neither spoken nor passed in this (round) phase, in the order of the list."""
    phase = phase or session.phase
    spoken = {c.speaker.casefold() for c in session.contributions_in(phase.id) if c.speaker}
    return [name for name in session.participants if name.casefold() not in spoken]


class FieldInput(TextInput):
    """An extra field of the phase (evidence, owner, due, rating, ...), where enter records the contribution. Enter is
    acted on as the field reads it, in its turn with the keys around it: the contribution box's text is taken and the
    box emptied, and the focus put in the box, at once (the fields keep their values until the contribution is
    recorded). Handled later, the keys typed after enter had gone into this field first: the next action's words
    became the last one's owner or due date, or were lost with it (a fast typist, a laggy remote terminal)."""

    class Entered(Message):
        def __init__(self, text: str, held: object) -> None:
            super().__init__()
            self.text = text
            self.held = held  # the next key waits until the contribution is recorded (released by the screen)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and self.screen.focused is self:
            event.stop()
            event.prevent_default()
            box = self.screen.query_one("#contribution", Input)
            text, box.value = box.value, ""
            self.screen.set_focus(box)  # (now: focus() waits behind the keys in the app's queue)
            self.post_message(self.Entered(text, hold(self)))  # (the app reads the next key once it is recorded)
            return
        await super()._on_key(event)


class KindFields(Vertical, can_focus=False):
    """One row of extra fields for the current phase kind; hidden for discussion phases."""

    class Submitted(Message):
        """Enter was pressed in one of the extra fields: record the contribution. ``text``: the contribution box's
        text as it was when enter was pressed (the box then emptied, and the focus put in it: see FieldInput), or None
        (read it now)."""

        def __init__(self, text: str | None = None, held: object = None) -> None:
            super().__init__()
            self.text = text
            self.held = held

    class PassRequested(Message):
        """The Pass button was pressed: record a pass for the person whose turn it is."""

    def __init__(self, session: Session, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.kind: PhaseKind = session.phase.kind
        self.next_speaker: str | None = None

    def compose(self) -> ComposeResult:
        tags = [(Text(tag), tag) for tag in self.session.template.tags]  # as the template wrote them, not markup
        with Horizontal(id="kf-strengths", classes="kf-row"):
            yield FieldInput(placeholder="evidence: how do we know? (optional)", id="kf-evidence", max_length=5000)
            yield RecordingSelect(tags, prompt="practice skill", id="kf-skill", allow_blank=True)
        with Horizontal(id="kf-timeline", classes="kf-row"):
            yield FieldInput(placeholder="when: month 3", id="kf-when", max_length=200)
            yield FieldInput(placeholder="what was done differently (optional)", id="kf-changed", max_length=5000)
        with Horizontal(id="kf-actions", classes="kf-row"):
            yield FieldInput(placeholder="owner", id="kf-owner", max_length=200)
            yield FieldInput(placeholder="date or words", id="kf-due", max_length=100)
            yield FieldInput(placeholder="who hears about it", id="kf-tell", max_length=1000)
        with Horizontal(id="kf-scale", classes="kf-row"):
            yield FieldInput(placeholder="0-10", id="kf-rating", max_length=12)  # ("7/10", "7 out of 10")
            yield Static("", id="kf-scale-note", markup=False)
        with Horizontal(id="kf-round", classes="kf-row"):
            yield Static("", id="kf-round-note", markup=False)
            yield Button("Pass", id="kf-pass", compact=True)

    def on_mount(self) -> None:
        for widget in self.query(Input):
            widget.border_title = FIELD_LABELS.get(widget.id.removeprefix("kf-"), "")
        self.query_one("#kf-skill", Select).display = bool(self.session.template.tags)
        self.show_phase(self.session)

    # ------------------------------------------------------------------ phase changes
    def show_phase(self, session: Session) -> None:
        """Show the row for the current phase's kind, emptied, with the round's and scale's notes."""
        self.session = session
        phase = session.phase
        self.kind = phase.kind
        for kind in (PhaseKind.strengths, PhaseKind.timeline, PhaseKind.actions, PhaseKind.scale, PhaseKind.round):
            self.query_one(f"#kf-{kind.value}").display = kind == self.kind
        self.display = self.kind != PhaseKind.discussion
        self.clear()
        if self.kind == PhaseKind.scale:
            self.query_one("#kf-scale-note", Static).update(self._scale_note(phase))
        self.update_round(session)

    def _scale_note(self, phase: Phase) -> Text:
        note = Text()
        note.append("one rating for the group" if phase.rated_by_group else "each person's rating", style="bold")
        note.append(", 0 to 10")
        if phase.scale_low:
            note.append(f"   0 = {phase.scale_low}")
        if phase.scale_high:
            note.append(f"   10 = {phase.scale_high}")
        return note

    def update_round(self, session: Session) -> None:
        """After each contribution: who has not yet spoken in a round, and whose turn it is."""
        self.session = session
        self.next_speaker = None
        if self.kind != PhaseKind.round:
            return
        note = self.query_one("#kf-round-note", Static)
        if not session.participants:
            note.update("No participant list for this session: record each person in turn; type pass for anyone who passes.")
            return
        waiting = still_to_speak(session)
        if waiting:
            self.next_speaker = waiting[0]
            text = Text("Still to speak: ", style="bold")
            text.append(", ".join(waiting))
            text.append("   (type pass, or press Pass, when someone passes)", style="dim")
            note.update(text)
        else:
            note.update(Text("Everyone has had a turn.", style="bold"))

    # ------------------------------------------------------------------ values
    def raw_values(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for key in KIND_FIELDS.get(self.kind, ()):
            if key == "skill":
                select = self.query_one("#kf-skill", Select)
                values[key] = "" if select.value is Select.NULL else str(select.value)
            else:
                values[key] = self.query_one(f"#kf-{key}", Input).value
        return values

    def set_values(self, values: dict[str, str]) -> None:
        """Fill in the fields of this phase's kind from ``values`` (a draft brought back); others are left out."""
        for key in KIND_FIELDS.get(self.kind, ()):
            value = values.get(key)
            if not value:
                continue
            if key == "skill":
                try:
                    self.query_one("#kf-skill", Select).value = value
                except InvalidSelectValueError:
                    pass
            else:
                self.query_one(f"#kf-{key}", Input).value = value

    def problem(self, focus: bool = True) -> str | None:
        """A note for the user if what is typed cannot be recorded (a rating out of range, a due in figures that is
        no date); None if fine. ``focus``: the field at fault gets the cursor."""
        if self.kind == PhaseKind.scale:
            problem = rating_problem(self.query_one("#kf-rating", Input).value)
            if problem and focus:
                self.query_one("#kf-rating", Input).focus()
            return problem
        if self.kind == PhaseKind.actions:
            problem = due_problem(self.query_one("#kf-due", Input).value, self.session.day_said(self.app.clock().date()))
            if problem and focus:
                self.query_one("#kf-due", Input).focus()
            return problem
        return None

    def contribution(self, text: str) -> tuple[str, dict[str, str]]:
        return build_contribution(self.kind, text, self.raw_values(), self.session.day_said(self.app.clock().date()))

    def recorded(self, session: Session) -> None:
        self.clear()
        self.update_round(session)

    def clear(self) -> None:
        for widget in self.query(Input):
            widget.value = ""
        self.query_one("#kf-skill", Select).clear()

    # ------------------------------------------------------------------ events
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "kf-due":
            # The date a due is understood as, shown under the words typed (relative to the app's clock).
            event.input.border_subtitle = due_note(event.value, self.session.day_said(self.app.clock().date()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted())

    def on_field_input_entered(self, event: "FieldInput.Entered") -> None:
        event.stop()
        self.post_message(self.Submitted(event.text, event.held))

    def on_recording_select_submitted(self, event: RecordingSelect.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "kf-pass":
            event.stop()
            self.post_message(self.PassRequested())
