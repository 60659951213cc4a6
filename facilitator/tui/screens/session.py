"""The session screen: the phase on the projector, what has been said, and the box to record it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Markdown, Select, Static

from ...models import ANONYMOUS, Phase, Session
from ...session_ops import EmptyContributionError, end_session, go_to_phase, record_contribution
from ...store import NotSavedError, StoreError
from ..widgets.contribution_list import ContributionList
from ..widgets.kind_fields import KindFields
from ..widgets.stepper import Stepper


def phase_markdown(phase: Phase) -> str:
    """The template's own words for a phase (template text is markdown by design)."""
    parts = [phase.guidance.strip()]
    if phase.questions:
        parts.append("**Suggested questions**\n\n" + "\n".join(f"- {q}" for q in phase.questions))
    return "\n\n".join(p for p in parts if p)


class SessionScreen(Screen):
    BINDINGS = [
        Binding("ctrl+n", "next_phase", "Next phase", priority=True),
        Binding("ctrl+b", "previous_phase", "Previous", priority=True),
        Binding("ctrl+e", "end", "End session", priority=True),
        Binding("escape", "focus_input", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        session = self.session
        phase = session.phase
        yield Header()
        yield Stepper([p.title for p in session.template.phases], session.current_phase, id="stepper")
        with Horizontal(id="session-body"):
            with VerticalScroll(id="phase-info"):
                yield Static(phase.title, id="phase-title", markup=False)
                yield Static(phase.prompt.strip(), id="phase-prompt", markup=False)
                yield Markdown(phase_markdown(phase), id="phase-guidance")
            with Vertical(id="recorded"):
                yield Static("", id="recorded-title")
                yield ContributionList(session.contributions_in(phase.id), id="contributions")
        with Horizontal(id="entry"):
            yield Input(placeholder="Type what was said, then press enter", id="contribution", max_length=20000)
            yield Select(self._speaker_options(), prompt="who said it", id="speaker", allow_blank=True)
        yield KindFields(session, id="kind-fields")
        yield Static("", id="status", markup=False)
        yield Footer()

    def _speaker_options(self) -> list[tuple[str, str]]:
        options = [(name, name) for name in self.session.participants]
        options.append(("anonymous", ANONYMOUS))
        return options

    def on_mount(self) -> None:
        self.title = self.session.title
        self.sub_title = self.session.template.name
        self._update_recorded_title()
        self._preset_speaker()
        self.query_one("#contribution", Input).focus()

    def on_screen_resume(self) -> None:
        self.query_one("#contribution", Input).focus()

    def _update_recorded_title(self) -> None:
        count = len(self.session.contributions_in(self.session.phase.id))
        self.query_one("#recorded-title", Static).update(f"Recorded in this phase ({count})")

    def _status(self, message: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(message)
        status.set_class(error, "error")

    def _show_phase(self) -> None:
        phase = self.session.phase
        self.query_one(Stepper).current = self.session.current_phase
        self.query_one("#phase-title", Static).update(phase.title)
        self.query_one("#phase-prompt", Static).update(phase.prompt.strip())
        self.query_one("#phase-guidance", Markdown).update(phase_markdown(phase))
        self.query_one("#phase-info", VerticalScroll).scroll_home(animate=False)
        self.query_one(ContributionList).show(self.session.contributions_in(phase.id))
        self._update_recorded_title()
        self.query_one(KindFields).show_phase(self.session)
        self._preset_speaker()
        self.query_one("#contribution", Input).focus()

    # ------------------------------------------------------------------ recording
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "contribution":
            return
        event.stop()
        self.record(event.value)

    def record(self, text: str) -> None:
        speaker_select = self.query_one("#speaker", Select)
        speaker = None if speaker_select.value is Select.NULL else str(speaker_select.value)
        kind_fields = self.query_one(KindFields)
        problem = kind_fields.problem()
        if problem:
            self._status(problem, error=True)
            return
        text, fields = kind_fields.contribution(text)
        try:
            contribution = record_contribution(
                self.app.store, self.session, text, speaker, self.app.clock, fields=fields
            )
        except EmptyContributionError as exc:
            self._status(str(exc))
            return
        except NotSavedError as exc:
            self._status(str(exc), error=True)
            return
        self.query_one("#contribution", Input).value = ""
        speaker_select.clear()
        kind_fields.recorded(self.session)
        self._preset_speaker()
        self.query_one("#contribution", Input).focus()
        self.query_one(ContributionList).add(contribution)
        self._update_recorded_title()
        count = len(self.session.contributions_in(self.session.phase.id))
        self._status(f"Recorded ({count} in this phase).")

    def on_kind_fields_submitted(self, event: KindFields.Submitted) -> None:
        """Enter in an extra field (evidence, owner, rating, ...) records, as enter in the main box does."""
        event.stop()
        self.record(self.query_one("#contribution", Input).value)

    def on_kind_fields_pass_requested(self, event: KindFields.PassRequested) -> None:
        event.stop()
        if self.query_one("#contribution", Input).value.strip():
            self._status("The box still has text: press enter to record it, or clear it, before recording a pass.")
            return
        self.record("pass")

    def _preset_speaker(self) -> None:
        """In a round, who said it starts on the next person who has not spoken; elsewhere it starts empty."""
        speaker_select = self.query_one("#speaker", Select)
        next_speaker = self.query_one(KindFields).next_speaker
        if next_speaker is not None:
            speaker_select.value = next_speaker
        elif getattr(self, "_speaker_was_preset", False):
            speaker_select.clear()
        self._speaker_was_preset = next_speaker is not None

    # ------------------------------------------------------------------ phases
    def _move(self, delta: int) -> None:
        target = self.session.current_phase + delta
        last = len(self.session.template.phases) - 1
        if target < 0:
            self._status("This is the first phase.")
            return
        if target > last:
            self._status("This is the last phase: press ctrl+e to end the session and write the record.")
            return
        try:
            self.session = go_to_phase(self.app.store, self.session, target)
        except NotSavedError as exc:
            self._status(str(exc), error=True)
            return
        self._show_phase()
        self._status("")

    def action_next_phase(self) -> None:
        self._move(+1)

    def action_previous_phase(self) -> None:
        self._move(-1)

    def action_focus_input(self) -> None:
        self.query_one("#contribution", Input).focus()

    # ------------------------------------------------------------------ ending
    def action_end(self) -> None:
        from .dialogs import EndConfirmScreen

        typed = self.query_one("#contribution", Input).value
        self.app.push_screen(EndConfirmScreen(self.session, unsaved_text=typed), self._end_confirmed)

    def _end_confirmed(self, confirmed: bool | None) -> None:
        if not confirmed:
            return
        from .redaction import review_identifiers_then

        # Likely personal identifiers are listed to replace or keep before the final record is written.
        review_identifiers_then(self.app, self.session, self._end_reviewed)

    def _end_reviewed(self, reviewed: Session | None) -> None:
        if reviewed is None:
            self._status("The session is still open; no record was written.")
            return
        self.session = reviewed
        from .dialogs import EndedScreen

        try:
            ended, path = end_session(self.app.store, self.session, self.app.clock)
        except StoreError as exc:
            self._status(f"{exc} The session is still open; nothing was lost.", error=True)
            return
        self.session = ended
        self.app.switch_screen(EndedScreen(ended, path))
