"""The session screen: the phase on the projector, what has been said, and the box to record it.

Everything a facilitator needs to lead the room is on the keyboard (see help.py for the keys):
the phase timer, quick speaker picking ('@2 text'), choosing a recorded contribution to edit, delete,
move, star, tag or flag as a safeguarding concern, undo, ground rules, a pause screen and projector mode.
Every change goes through the store, so it is durable before it is shown; ctrl+z undoes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.css.query import NoMatches
from textual.widgets import Header, Input, Markdown, Select, Static
from textual.widgets.select import InvalidSelectValueError

from ...models import Contribution, Phase, PhaseKind, Session
from ...record.redact import contribution_shown, shown_title
from ...safeguarding import note_text, shown
from ...session_ops import (
    EmptyContributionError,
    end_session,
    go_to_phase,
    record_contribution,
    team_names_before,
    timer_with_phase_setting,
)
from ...speakers import shortcut_example, split_speaker
from ...store import NotSavedError, StoreError
from ...store.drafts import draft_path, read_draft
from ...store.notes import existing_note_path, write_safeguarding_note
from ...timer import EXTEND_SECONDS, PhaseTimer
from ...undo import UndoEntry, UndoStack
from ...text import plural
from ..collector import enter_room, leave_room
from ..widgets.contribution_list import ContributionList
from ..widgets.kind_fields import KindFields, RecordingSelect
from ..widgets.keys_in_order import release
from ..widgets.stepper import Stepper
from ..widgets.timer_display import TimerDisplay
from ...contribution_fields import FIELD_LABELS, NO_REASON, PASS, left_behind
from .contribution_dialogs import (
    DECISION_TAG, MAX_CONTRIBUTION, ContributionBox, LongTextScreen, paste_refusal, short, speaker_options,
)
from ..widgets.key_bar import KeyBar
from ..projector import PhaseTitle

#: seconds within which what is typed is kept as a draft, while typing goes on (see _keep_draft_soon)
DRAFT_EVERY = 1.0
LIST_KEYS = "↑↓ choose · e edit · d delete · m move · s star · t tag · ! safeguarding · esc back"


def is_ground_rules(phase: Phase) -> bool:
    return phase.id == "ground-rules" or "ground rules" in phase.title.casefold()


def phase_markdown(phase: Phase, ground_rules: list[str] | None = None) -> str:
    """The template's own words for a phase (template text is markdown by design); the ground-rules phase
    shows the template's ground rules first."""
    parts = []
    if ground_rules and is_ground_rules(phase):
        parts.append("**Our ground rules**\n\n" + "\n".join(f"- {rule}" for rule in ground_rules))
    parts.append(phase.guidance.strip())
    if phase.questions:
        parts.append("**Suggested questions**\n\n" + "\n".join(f"- {q}" for q in phase.questions))
    return "\n\n".join(p for p in parts if p)


def speaker_hint(participants: list[str], width: int | None = None) -> str:
    """'Who said it: @1 Sam Patel · @2 Priya · @0 anonymous   (e.g. @sp first; stays until changed)', the
    example being a shortcut that works for someone in this room. With ``width`` (the line's), what fits in two
    lines: the example left out first, then the last people, said as "… @11 to @15 in the list beside the box" (a room of 15
    at 80 columns had @10 to @15 cut off with no sign)."""
    people = [f"@{n} {name}" for n, name in enumerate(participants, start=1)]
    example = shortcut_example(participants).split(" for ", 1)[0]
    how = f"e.g. {example} first; stays until changed" if example else "type it first; stays until changed"
    whole = "Who said it: " + " · ".join([*people, "@0 anonymous"])
    if width is None:
        return whole + f"   ({how})"
    # (two lines, less what wrapping at a word may leave at the end of the first)
    room = 2 * width - max((len(w) for w in whole.split()), default=0) - 2
    if len(whole) + len(how) + 5 <= room:
        return whole + f"   ({how})"
    if len(whole) <= room:
        return whole
    for shown in range(len(people) - 1, 0, -1):
        line = f"Who said it: {' · '.join(people[:shown])} · … @{shown + 1} to @{len(people)} in the list beside the box · @0 anonymous"
        if len(line) <= room:
            return line
    return f"Who said it: @1 to @{len(people)} in the list beside the box · @0 anonymous"


class SessionScreen(Screen):
    CSS_PATH = ["session.tcss", "../widgets/kind_fields.tcss", "../projector.tcss"]
    # -narrow / -wide: how many columns the contributions take in projector mode (projector.tcss)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("ctrl+n", "next_phase", "Next phase", priority=True),
        Binding("ctrl+b", "previous_phase", "Previous", priority=True),
        Binding("ctrl+t", "toggle_timer", "Timer", priority=True),
        Binding("ctrl+z", "undo", "Undo", priority=True),
        Binding("ctrl+e", "end", "End", priority=True),
        Binding("f8", "whole_session", "Whole session", priority=True),
        Binding("f9", "read_back", "Read-back", priority=True),
        Binding("f3", "ground_rules", "Ground rules", show=False, priority=True),
        Binding("f4", "pause_room", "Pause", show=False, priority=True),
        Binding("f5", "extend_timer", "+2 min", show=False, priority=True),
        Binding("f6", "safeguarding", "Safeguarding notes", show=False, priority=True),
        Binding("f7", "people", "People", show=False, priority=True),
        Binding("ctrl+f", "record_flagged", "Record as safeguarding", show=False, priority=True),
        Binding("ctrl+o", "long_editor", "Multi-line editor", show=False, priority=True),
        Binding("ctrl+l", "choose", "Choose a contribution", show=False),
        Binding("up", "choose", show=False),
        Binding("escape", "focus_input", show=False),
        Binding("f10", "phones", "Phones", show=False, priority=True),
        Binding("ctrl+r", "reveal_phones", "Reveal from phones", show=False, priority=True),
        Binding("ctrl+w", "review_phones", "Review from phones", show=False, priority=True),
        Binding("f12", "vote", "Dot vote", show=False, priority=True),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.undo_stack = UndoStack()
        self._phase_timers: dict[str, PhaseTimer] = {}
        self._speaker_was_preset = False
        self._typed = ""  # what the box holds, kept on quit (the widgets are gone by then)
        self._speaker: str | None = None  # and who said it
        self._fields: dict[str, str] = {}  # and the extra fields typed (owner, due, evidence, ...)
        #: the multi-line editor's text while it is open, and after escape until the box is typed in (ctrl+o
        #: opens it again): kept as the draft meanwhile
        self._long: str | None = None
        self._evidence_asked_for: str | None = None
        self._evidence_asked_of: str | None = None  # the same, as given to record() ("@2 ..." and all)
        self._field_problem: str | None = None  # the sentence said for a field refused on enter, while it is shown
        #: a strength recorded from the multi-line editor, asked "How do we know?": its lines wait here (and in
        #: self._long, kept as the draft) until enter records them, with the evidence typed or without
        self._long_waiting: str | None = None
        self._move_warned: tuple | None = None  # a phase change asked for with words typed, and said so
        self._undo_warned: tuple | None = None  # ctrl+z pressed with words typed, and what it would undo said
        self._quit_warned: str | None = None  # ctrl+q said the words typed cannot be kept: those words
        self._timer_with_phase = False
        self._draft_saved: tuple = ("", None, {}, None)  # (text, speaker, fields, edit) as last kept
        #: an edit of a recorded contribution typed in the edit dialog and not saved: kept with the draft
        self._edit: dict | None = None
        self._draft_timer = None
        self._draft_timer_pending = False  # a draft is to be kept when the timer fires
        self._phones = None  # the phone server while phones may join (web.PhoneServer)
        self._inbox = None  # what phones sent, held until revealed (store.phones.PhoneInbox)
        self._phones_line_timer = None
        self._phones_ticker = None
        self._vote = None  # the dot vote open, if any (phones.DotVote)
        #: what phones sent as the room is shown it, by id: (as stored, the names list, as shown)
        self._as_shown: dict[str, tuple[Contribution, tuple, Contribution]] = {}
        self._replacer = None  # (the names list, its replacer) for as_room_sees
        self._read_back_seen = False  # the closing read-back shown in this sitting (the end confirmation says so)
        self._saying_team_names = False  # the status line says the team's earlier names list (_say_if_quiet)
        #: the names the team's last session with a names list listed (team_names_before), read at start in a thread
        self._earlier_names: dict[str, str] | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        session = self.session
        phase = session.phase
        yield Header()
        yield Stepper([p.title for p in session.template.phases], session.current_phase, id="stepper")
        with Horizontal(id="phase-bar"):
            yield PhaseTitle(phase.title, id="phase-title")
            yield TimerDisplay(id="timer")
        with Horizontal(id="session-body"):
            with VerticalScroll(id="phase-info"):
                yield Static(phase.prompt.strip(), id="phase-prompt", markup=False)
                yield Markdown(phase_markdown(phase, session.template.ground_rules), id="phase-guidance")
            with Vertical(id="recorded"):
                yield Static("", id="recorded-title", markup=False)
                yield ContributionList(session.contributions_in(phase.id), id="contributions")
        yield Static(speaker_hint(session.speakers), id="speaker-hint", markup=False)
        with Horizontal(id="entry"):
            # Coming back to the box never selects its text: the next key adds to it, never replaces it.
            yield ContributionBox(
                placeholder="Type what was said, then press enter",
                id="contribution",
                max_length=MAX_CONTRIBUTION,
                select_on_focus=False,
                empties_on_enter=True,
            )
            yield RecordingSelect(
                speaker_options(session.speakers), prompt="who said it", id="speaker", allow_blank=True
            )
        yield KindFields(session, id="kind-fields")
        yield Static("", id="phones-line", markup=False)
        yield Static("", id="status", markup=False)
        yield KeyBar()

    def on_resize(self) -> None:
        self._fit_speaker_hint()

    def _fit_speaker_hint(self) -> None:
        """The people and their numbers, as many as fit the hint's two lines at this width (see speaker_hint)."""
        hint = self.query_one("#speaker-hint", Static)
        hint.update(speaker_hint(self.session.speakers, self.size.width - 2))

    def on_mount(self) -> None:
        self.query_one(ContributionList).as_shown = self.as_room_sees
        self.show_title()
        self.sub_title = self.session.template.name
        self.set_class(bool(getattr(self.app, "projector", False)), "-projector")
        self._update_recorded_title()
        self._preset_speaker()
        self._ticker = self.set_interval(1, self._tick, pause=True)
        self._show_timer()
        self.query_one("#contribution", Input).focus()
        self._timer_with_phase, note = timer_with_phase_setting(self.app.store)
        if note:
            self.app.notify(note, severity="warning", markup=False, timeout=15)
        self._bring_back_draft()
        self._start_timer_with_phase()
        self._open_inbox()
        self._say_contributions_in_no_phase()
        if self.session.team.strip():
            self.run_worker(self._team_names_before, thread=True, group="team-names", exit_on_error=False)

    def _team_names_before(self) -> None:
        """The names the team's last session with a names list listed, kept for the check before the final record
        (names found in it that this session's list lacks are asked about there). A new session of such a team,
        started with none: said once (a team's next session about the same family started with an empty list, and
        nothing said so). In a thread: every session's entry is looked through for the team's last one."""
        new = not self.session.redactions and not self.session.contributions
        earlier = team_names_before(self.app.store, self.session)
        self._earlier_names = earlier
        if earlier and new:
            # (on the status line, which nothing else uses before the first contribution: a notice over the screen
            # covered the names dialog's buttons at 80x24 when it was opened at once)
            self.app.call_from_thread(
                self._say_if_quiet,
                f"An earlier session of this team listed {plural(len(earlier), 'name')} to replace in the record; this one "
                "has none yet: ctrl+p, “names to replace”, then ctrl+l adds them.",
            )

    def names_saved(self) -> None:
        """The names list saved: the status line no longer says this session has none."""
        if self._saying_team_names:
            self._status("")

    def _say_if_quiet(self, message: str) -> None:
        """The status line says this, unless it already says something (a draft brought back, a contribution)."""
        if not str(self.query_one("#status", Static).render()).strip():
            self._status(message)
            self._saying_team_names = True

    def _say_contributions_in_no_phase(self) -> None:
        """Contributions whose phase the template no longer has are in no phase's list: say how many, and where
        they are (safeguarding concerns left out of the count, as of every list the room sees)."""
        count = len(shown(self.session.contributions_in_no_phase()))
        if count:
            from ...record.markdown import no_phase_notice
            from ..app import NOTICE_SECONDS

            self.app.notify(
                no_phase_notice(count), title="Not in any phase", severity="warning", timeout=NOTICE_SECONDS, markup=False
            )

    def on_screen_resume(self) -> None:
        enter_room()  # no long garbage-collection pause on an enter (see collector.py)
        if self._long_waiting is not None and self._evidence_asked_for is not None \
                and self._evidence_asked_of == self._long_waiting:
            self.set_focus(self.query_one("#kf-evidence", Input))  # (at once: the next key of a burst goes there)  # a strength from the multi-line editor: "How do we know?"
        elif not isinstance(self.focused, ContributionList):
            self.query_one("#contribution", Input).focus()

    def on_screen_suspend(self) -> None:
        leave_room()

    async def on_unmount(self) -> None:
        leave_room()
        # Quitting (ctrl+q) or closing the app keeps the time spent so far, and what was half typed.
        try:
            self.save_time()
        except StoreError:
            pass
        self._save_draft()
        self.app.drafts.flush()  # (quitting: the process ends once the app has closed)
        # Moving to another session, ending or quitting: nothing listens for phones any more.
        await self.close_phones(quiet=True)

    # ------------------------------------------------------------------ the half-typed contribution
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "contribution":
            self._typed = event.value
            if event.value.strip():
                self._long = None  # typing in the box replaces the multi-line text kept after escape
                self._long_waiting = None
        elif event.input.id and event.input.id.startswith("kf-"):
            self._fields_changed()
            self._field_put_right()
            if not event.value.strip():
                return
        else:
            return
        self._keep_draft_soon(empty=not (self._typed.strip() or any(self._fields.values())))

    def _field_put_right(self) -> None:
        """A field refused on enter (a due date that is no date, a rating out of range) and since put right: its
        sentence goes from the status line (it stayed, under a field showing the date understood, until enter)."""
        if self._field_problem is None:
            return
        status = self.query_one("#status", Static)
        if str(status.render()) != self._field_problem:
            self._field_problem = None  # something else has been said since
            return
        if self.query_one(KindFields).problem(focus=False) is None:
            self._field_problem = None
            self._status("")

    def _keep_draft_soon(self, empty: bool = False) -> None:
        """Kept within a second of typing, then every second while typing goes on (the text as it is then), and at
        once when the box is emptied. It was kept 2 s after typing stopped: steady typing was never kept, and a
        crash in those 2 s lost the last words. (Writing it takes about 1 ms.)"""
        if self._draft_timer is not None:
            if not empty and self._draft_timer_pending:
                return  # the timer running keeps what is typed by the time it fires
            self._draft_timer.stop()
        self._draft_timer_pending = True
        self._draft_timer = self.set_timer(0.1 if empty else DRAFT_EVERY, self._draft_due)

    def _draft_due(self) -> None:
        self._draft_timer_pending = False
        self._save_draft()

    def quit_refused(self) -> bool:
        """ctrl+q with words typed that cannot be kept for the session's resuming (the drafts folder refuses them): said
        once, and the app stays (they were lost without a word); ctrl+q again quits without them. True if said."""
        typed = self._typed_now()
        if not typed.strip() or self.session.status.value != "running" or self.app.store.read_only:
            return False
        self._save_draft()
        self.app.drafts.flush(2.0)
        why = self.app.drafts.why_failed(self.session.id)
        if not why or self._quit_warned == typed:
            return False
        self._quit_warned = typed
        folder = draft_path(self.app.store.data_dir, self.session.id).parent
        self._status(f"The words typed could not be kept for when the session is resumed ({folder}: {why}): record "
                     "them with enter, or press ctrl+q again to quit without them.", error=True)
        return True

    def take_what_is_typed(self) -> None:
        """What the box and the fields hold now, as the draft kept on quitting takes it (the app's ctrl+q, once the keys
        sent before it are in the boxes: their changes may not have reached this screen yet)."""
        try:
            self._typed = self.query_one("#contribution", Input).value
        except NoMatches:
            return
        self._fields_changed()

    def _fields_changed(self) -> None:
        try:
            values = self.query_one(KindFields).raw_values()
        except NoMatches:
            return
        self._fields = {key: value for key, value in values.items() if value.strip()}

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "speaker":
            self._speaker = None if event.value is Select.NULL else str(event.value)
        elif event.select.id == "kf-skill":
            self._fields_changed()
        else:
            return
        if self._typed.strip():
            self._keep_draft_soon()

    def _save_draft(self) -> None:
        text = self._typed
        state = (text, self._speaker if text.strip() else None, dict(self._fields) if text.strip() else {}, self._edit)
        if self.app.drafts.failed(self.session.id):
            self._draft_saved = None  # the last one could not be written (the text is still in the box): again
        if state == self._draft_saved or self.session.status.value != "running" or self.app.store.read_only:
            return
        if not self.app.store.still_ours():
            return  # the folder was removed or replaced while the app ran: nothing more is written there
        # Written by the keeper's thread: a slow disk never holds up the typing (see DraftKeeper).
        self.app.drafts.keep(self.app.store.data_dir, self.session.id, text, state[1], self.session.phase.id, state[2],
                             edit=self._edit)
        self._draft_saved = state

    def _recorded_already(self, text: str, speaker: str | None, phase_id: str) -> Contribution | None:
        """The last contribution recorded in the kept words' phase, if they are its words (and speaker)."""
        choice = split_speaker(text, self.session.speakers, speaker) if text.lstrip().startswith("@") else None
        if choice is not None and not choice.error:
            speaker, text = choice.speaker, choice.text
        phase_id = phase_id or self.session.phase.id
        last = next((c for c in reversed(self.session.contributions) if c.phase_id == phase_id), None)
        same = (
            last is not None and " ".join(last.text.split()) == " ".join(text.split()) != ""
            and (speaker is None or last.speaker == speaker)
        )
        return last if same else None

    def _bring_back_draft(self) -> None:
        damaged: list[str] = []
        draft = read_draft(self.app.store.data_dir, self.session.id, damaged)
        if damaged and not self.app.store.read_only:
            # Set aside, not overwritten by the next draft: it may hold words typed and not recorded.
            path = draft_path(self.app.store.data_dir, self.session.id)
            try:
                target = self.app.store.quarantine(path, damaged[0])
            except OSError:
                pass
            else:
                self._status(f"The words kept half typed for this session could not be read ({damaged[0]}), so that "
                             f"file was moved to {target}.", error=True)
        if draft is None:
            return
        if draft["edit"] is not None:
            self._bring_back_edit(draft["edit"])
            if not draft["text"].strip():
                self._draft_saved = ("", None, {}, self._edit)
                return
        box = self.query_one("#contribution", Input)
        if box.value.strip():
            return
        text = draft["text"]
        recorded = self._recorded_already(text, draft["speaker"], draft["phase_id"])
        if recorded is not None:
            # The app stopped just after enter recorded it, before the kept words were cleared: brought back, enter
            # recorded it a second time (a kill 0.1 s after enter, in 3 of 4 tries).
            if not self.app.store.read_only:
                self.app.drafts.keep(self.app.store.data_dir, self.session.id, "")
            self._status(f"“{short(self.as_room_sees(recorded).text, 40)}”, being typed when the app closed, was "
                         "recorded already: it is the last one in its phase.")
            return
        multi_line = "\n" in text
        if not multi_line:
            box.value = text
            box.cursor_position = len(box.value)
        self._typed = text
        speaker = draft["speaker"]
        if speaker is not None:
            try:
                self.query_one("#speaker", Select).value = speaker
            except InvalidSelectValueError:
                pass
            else:
                self._speaker = speaker
        fields = self.query_one(KindFields)
        fields.set_values(draft["fields"])
        self._fields_changed()
        self._draft_saved = (text, self._speaker, dict(self._fields), self._edit)
        where = ""
        if draft["phase_id"] and draft["phase_id"] != self.session.phase.id:
            try:
                index = self.session.template.phase_index(draft["phase_id"])
            except KeyError:
                pass
            else:
                where = f" (it was typed in {index + 1}. {self.session.template.phases[index].title})"
        if multi_line:
            self._long = text
            self.call_after_refresh(self._open_long_editor, text)
            self._status(f"Brought back what was being typed in the multi-line editor when the app closed{where}: "
                         "ctrl+s there records it.")
            return
        self._status(f"Brought back what was being typed when the app closed{where}: enter records it.")

    def _bring_back_edit(self, edit: dict) -> None:
        """An edit left unsaved in the edit dialog when the app closed: the dialog opens again with it."""
        contribution = next((c for c in self.session.contributions if c.id == edit["id"] and not c.safeguarding), None)
        if contribution is None:
            return  # deleted or flagged since (on a phone's undo, say): nothing to edit
        self._edit = {key: edit[key] for key in ("id", "text", "speaker", "fields")}
        self.call_after_refresh(self._edit_contribution, contribution, edit)
        self.app.notify(
            f"Brought back an edit of “{short(self.as_room_sees(contribution).text, 40)}” not saved when the app closed: enter saves it, "
            "escape leaves the contribution as it was.", title="Edit brought back", markup=False, timeout=15,
        )
        self._status("Brought back an edit not saved when the app closed: enter saves it, escape leaves the "
                     "contribution as it was.")

    def _edit_contribution(self, contribution: Contribution, draft: dict | None = None) -> None:
        """The edit dialog on a contribution; what is typed there is kept as the draft until it is saved or left.
        The dialog is on the projector, so it holds the contribution as the room sees it (a phone's words with the
        names list applied); what it leaves unchanged is kept as stored, what it changes is saved as in its box."""
        from .contribution_dialogs import EditContributionScreen

        stored, contribution = contribution, self.as_room_sees(contribution)

        phase = next((p for p in self.session.template.phases if p.id == contribution.phase_id), None)

        def edit_changed(values: dict | None) -> None:
            self._edit = None if values is None else {"id": contribution.id, **values}
            self._keep_draft_soon()

        def done(changes: dict | None) -> None:
            self._edit = None
            self._keep_draft_soon(empty=True)
            if changes is None and draft is not None:
                self._status(f"The edit brought back was left: “{short(contribution.text, 40)}” is as it was.")
                return
            self._apply(stored, changes or {}, "Edited")

        self.app.push_screen(
            EditContributionScreen(contribution, self.session.speakers, phase.kind if phase else None,
                                   list(self.session.template.tags), self.session.day_said(self.app.clock().date()),
                                   draft=draft, on_change=edit_changed),
            done,
        )

    def _update_recorded_title(self) -> None:
        count = len(self._visible(self.session.phase.id))
        title = f"Recorded in this phase ({count})"
        if isinstance(self.focused, ContributionList):
            title += "   " + LIST_KEYS
        self.query_one("#recorded-title", Static).update(title)

    def _visible(self, phase_id: str) -> list[Contribution]:
        return shown(self.session.contributions_in(phase_id))

    def _status(self, message: str, error: bool = False) -> None:
        self._saying_team_names = False  # (set again by _say_if_quiet after it)
        status = self.query_one("#status", Static)
        status.update(message)
        status.set_class(error, "error")

    def _show_phase(self) -> None:
        phase = self.session.phase
        self.query_one(Stepper).current = self.session.current_phase
        self.query_one("#phase-title", Static).update(phase.title)
        self.query_one("#phase-prompt", Static).update(phase.prompt.strip())
        self.query_one("#phase-guidance", Markdown).update(phase_markdown(phase, self.session.template.ground_rules))
        self.query_one("#phase-info", VerticalScroll).scroll_home(animate=False)
        self.query_one(ContributionList).show(self.session.contributions_in(phase.id))
        self._update_recorded_title()
        self.query_one(KindFields).show_phase(self.session)
        if phase.rated_by_group:
            # A group's one rating is the group's: who spoke last in the phase before is not carried into it (the
            # record gave the rating to that person). Choosing someone here stands.
            self.query_one("#speaker", Select).clear()
        self._preset_speaker()
        self._show_timer()
        self.set_focus(self.query_one("#contribution", Input))

    def _refresh_contributions(self, keep: str | None = None) -> None:
        """After an edit, delete, move, flag or undo: the list, its count, and a round's still-to-speak line."""
        self.query_one(ContributionList).show(self.session.contributions_in(self.session.phase.id), keep=keep)
        self._update_recorded_title()
        kind_fields = self.query_one(KindFields)
        kind_fields.update_round(self.session)
        if not self.query_one("#contribution", Input).value.strip():
            self._preset_speaker()

    def set_projector(self, on: bool) -> None:
        self.set_class(on, "-projector")

    # ------------------------------------------------------------------ recording
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "contribution":
            return
        event.stop()
        self._record_entered(event.value, getattr(event, "held", None))

    def record(self, text: str, safeguarding: bool = False, ask_evidence: bool = True, in_box: bool = True) -> bool:
        """Record what was typed; True if it was recorded, else the reason is in the status line. ``ask_evidence``:
        a strength without evidence is asked for it once first (from the multi-line editor too: its lines then wait,
        and enter with the box empty records them). ``in_box``: the text is the box's, which is emptied once it is
        recorded (enter in the box empties it itself, as the key is pressed)."""
        from_long = self._long_waiting is not None and not text.strip()
        if from_long:
            text = self._long_waiting
        given = text  # as given, "@2 ..." and all
        speaker_select = self.query_one("#speaker", Select)
        speaker = None if speaker_select.value is Select.NULL else str(speaker_select.value)
        if text.lstrip().startswith("@"):
            choice = split_speaker(text, self.session.speakers, speaker)
            if choice.error:
                self._status(choice.error, error=True)
                return False
            speaker, text = choice.speaker, choice.text
        kind_fields = self.query_one(KindFields)
        problem = kind_fields.problem()
        if problem:
            self._status(problem, error=True)
            self._field_problem = problem
            return False
        if (
            not safeguarding
            and ask_evidence
            and kind_fields.kind == PhaseKind.strengths
            and text.strip()
            and not kind_fields.raw_values().get("evidence", "").strip()
            and self._evidence_asked_for != text
        ):
            # A gentle prompt, once: a strength is worth more with its evidence; enter again records it without.
            self._evidence_asked_for = text
            self._evidence_asked_of = given
            self.set_focus(self.query_one("#kf-evidence", Input))  # (at once: the next key of a burst goes there)
            lines = " (its lines wait: ctrl+o shows them)" if "\n" in text else ""
            self._status(
                f"How do we know? Type the evidence for this strength{lines} and press enter, "
                "or press enter again to record it without."
            )
            return False
        self._evidence_asked_for = None
        text, fields = kind_fields.contribution(text)
        extra: dict = {"fields": fields}
        if safeguarding:
            extra["safeguarding"] = True
        try:
            contribution = record_contribution(self.app.store, self.session, text, speaker, self.app.clock, **extra)
        except EmptyContributionError as exc:
            self._status(str(exc))
            return False
        except NotSavedError as exc:
            self._status(str(exc), error=True)
            return False
        self.undo_stack.push(UndoEntry("add", contribution))
        if in_box and not from_long:
            self.query_one("#contribution", Input).value = ""
        if self._long_waiting is not None and (from_long or text == self._long_waiting):
            self._long_waiting = self._long = None
            self._typed = self.query_one("#contribution", Input).value
            self._keep_draft_soon(empty=not self._typed.strip())
        # Who said it stays chosen until changed (a case story is one person talking); a round moves it on.
        if contribution.speaker is None:
            speaker_select.clear()
        elif speaker_select.value != contribution.speaker:
            try:
                speaker_select.value = contribution.speaker
            except InvalidSelectValueError:  # a name not in the list: leave the choice empty
                speaker_select.clear()
        kind_fields.recorded(self.session)
        self._preset_speaker()
        self.set_focus(self.query_one("#contribution", Input))  # (at once: the next key of a burst goes there)
        if safeguarding:
            written = self._write_note()
            self._status(
                f"Recorded as a safeguarding concern: not shown, not in the record; {self._in_the_note(written)}. "
                "Pass it on today through your organisation's route.", error=not written,
            )
            return True
        self.query_one(ContributionList).add(contribution)
        self._update_recorded_title()
        count = len(self._visible(self.session.phase.id))
        who = f" for {contribution.speaker}" if contribution.speaker else ""
        self._status(f"Recorded{who} ({count} in this phase).{self._round_turn(kind_fields)} ctrl+z undoes.")
        return True

    def _round_turn(self, kind_fields: KindFields) -> str:
        """In a round with a participant list, whose turn who said it has moved on to, said where the facilitator
        looks (it moved without a sign, and words of the last speaker typed next went to the next one)."""
        if kind_fields.kind != PhaseKind.round or not self.session.participants:
            return ""
        if kind_fields.next_speaker:
            return f" Who said it is now {kind_fields.next_speaker}, next in the round."
        return " Everyone has had a turn: who said it is empty."

    def on_contribution_box_long_paste(self, event: ContributionBox.LongPaste) -> None:
        """A paste with line breaks: kept whole, in the multi-line editor, to record with its line breaks."""
        event.stop()
        box = self.query_one("#contribution", Input)
        at = box.cursor_position
        text = (box.value[:at] + event.text + box.value[at:]).strip("\n")
        if len(text) > MAX_CONTRIBUTION:
            self._status(paste_refusal(len(text)), error=True)
            return
        self._open_long_editor(text)

    def action_long_editor(self) -> None:
        if not isinstance(self.app.screen, SessionScreen):
            return
        typed = self.query_one("#contribution", Input).value
        # The box's text; with the box empty, the multi-line text left with escape.
        self._open_long_editor(typed if typed.strip() or not self._long else self._long)

    def _long_changed(self, text: str) -> None:
        """The multi-line editor's text as it is typed: kept as the draft, as the box's is."""
        self._long = text
        self._typed = text
        self._keep_draft_soon(empty=not text.strip())

    def _open_long_editor(self, text: str) -> None:
        lines = text.count("\n") + 1

        def done(result: str | None) -> None:
            box = self.query_one("#contribution", Input)
            self.set_focus(box)  # (at once: record() below may move it to the evidence box)
            if result is None:
                if self._long and self._long.strip() and self._long != box.value:
                    self._status("Not recorded: the multi-line text is kept (ctrl+o opens it again; typing in the box "
                                 "replaces it).")
                    return
                self._long = None
                self._typed = box.value
                self._keep_draft_soon(empty=not box.value.strip())
                self._status("Not recorded: the multi-line text was left; the box keeps what it had.")
                return
            # The editor started from the box's text, so the box is emptied once it is recorded.
            self._long_waiting = None
            if not self.record(result):
                if self._evidence_asked_for is not None and self._evidence_asked_of == result:
                    # A strength asked "How do we know?", as in the box: its lines wait (kept as the draft) until
                    # enter records them, with the evidence typed or without.
                    box.value = ""
                    self._long_waiting = self._long = self._typed = result
                    self._keep_draft_soon()
                    return
                # Not recorded (the reason is shown): back in the editor, nothing of it lost.
                message = str(self.query_one("#status", Static).render())
                self.app.push_screen(LongTextScreen(result, title=title, error=message, on_change=self._long_changed), done)
                return
            self._long = None
            self._typed = box.value
            self._keep_draft_soon(empty=not box.value.strip())

        title = f"The contribution, line breaks kept ({lines} lines)" if lines > 1 else "The contribution"
        if self._speaker and not text.lstrip().startswith("@"):
            title += f", for {self._speaker}"
        self.app.push_screen(LongTextScreen(text, title=title, on_change=self._long_changed), done)

    def action_record_flagged(self) -> None:
        box = self.query_one("#contribution", Input)
        if not box.value.strip():
            self._status("Type the concern in the box first; ctrl+f then records it as a safeguarding concern, unseen.")
            return
        self.record(box.value, safeguarding=True)

    def on_recording_select_submitted(self, event: RecordingSelect.Submitted) -> None:
        """Enter on who said it records, as enter in the box does."""
        event.stop()
        self.record(self.query_one("#contribution", Input).value)

    def on_kind_fields_submitted(self, event: KindFields.Submitted) -> None:
        """Enter in an extra field (evidence, owner, rating, ...) records, as enter in the main box does."""
        event.stop()
        if event.text is None:
            self.record(self.query_one("#contribution", Input).value)
        else:
            self._record_entered(event.text, event.held)

    def _record_entered(self, text: str, held: object) -> None:
        """Record ``text``, the box's text as enter was pressed (the box was emptied then: anything in it now was
        typed after enter); not recorded (the reason is shown), it goes back before what was typed since. Then the
        app reads the next key (``held``: see keys_in_order.hold)."""
        try:
            if not self.record(text, in_box=False):
                box = self.query_one("#contribution", Input)
                after = box.value
                box.value = text + after  # nothing lost
                box.cursor_position = len(box.value) if not after else len(text)
        finally:
            release(self, held)

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
        elif self._speaker_was_preset:
            speaker_select.clear()
        self._speaker_was_preset = next_speaker is not None

    # ------------------------------------------------------------------ choosing and changing a contribution
    def action_choose(self) -> None:
        contributions = self.query_one(ContributionList)
        if not contributions.contributions:
            self._status("Nothing recorded in this phase yet to choose.")
            return
        # From the box, the newest contribution is chosen first, whatever was chosen last time.
        contributions.selected = None
        contributions.focus()

    def on_contribution_list_focus_changed(self, event: ContributionList.FocusChanged) -> None:
        self._update_recorded_title()

    def on_contribution_list_chosen(self, event: ContributionList.Chosen) -> None:
        event.stop()
        self.change(event.action, event.contribution)

    def chosen_or_last(self) -> Contribution | None:
        """The contribution chosen in the list, or else the last one shown in this phase."""
        contributions = self.query_one(ContributionList)
        if contributions.chosen is not None:
            return contributions.chosen
        visible = self._visible(self.session.phase.id)
        return visible[-1] if visible else None

    def change(self, action: str, contribution: Contribution | None = None) -> None:
        """Edit, delete, move, star, tag or flag a contribution (the chosen one, or the last one)."""
        contribution = contribution or self.chosen_or_last()
        if contribution is None:
            self._status("Nothing recorded in this phase yet.")
            return
        from .contribution_dialogs import ConfirmScreen, MoveScreen, TagScreen

        if action == "edit":
            self._edit_contribution(contribution)
        elif action == "delete":

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._delete(contribution)
                else:
                    self._status(f"Not deleted: “{short(self.as_room_sees(contribution).text, 40)}” is kept.")

            self.app.push_screen(
                ConfirmScreen("Delete this contribution?", f"“{short(self.as_room_sees(contribution).text)}”  (ctrl+z brings it back)"),
                confirmed,
            )
        elif action == "move":

            def moved(index: int | None) -> None:
                if index is None:
                    return
                phase = self.session.template.phases[index]
                lost = left_behind(contribution.fields, phase.kind)
                self._apply(contribution, {"phase_id": phase.id},
                            f"Moved to {index + 1}. {phase.title}" + (f": {lost}." if lost else ""))

            # (its words as the room sees them: the dialog is on the room's screen)
            self.app.push_screen(MoveScreen(self.session, self.as_room_sees(contribution)), moved)
        elif action in ("earlier", "later"):
            self._reorder(contribution, -1 if action == "earlier" else 1)
        elif action == "star":
            starred = not contribution.starred
            self._apply(contribution, {"starred": starred}, "Starred as a highlight" if starred else "Star removed")
        elif action == "tag":
            self.app.push_screen(
                TagScreen(self.session.template.tags, contribution, self.as_room_sees(contribution).text),
                lambda tags: None if tags is None else self._apply(
                    contribution, {"tags": tags},
                    "Tags saved; e gives the decision its reason, which the record lists beside it"
                    if DECISION_TAG in {t.casefold() for t in tags} and not contribution.fields.get("reason")
                    else "Tags saved",
                ),
            )
        elif action == "flag":
            words = short(self.as_room_sees(contribution).text, 40)

            def flag_confirmed(yes: bool | None) -> None:
                if not yes:
                    self._status(f"Not flagged: “{words}” stays on the screen.")
                    return
                self._apply(
                    contribution,
                    {"safeguarding": True},
                    # (its words not repeated: the status line is on the room's screen, which has just hidden them)
                    lambda written: "Flagged as a safeguarding concern: hidden from the screen and kept "
                    f"out of the record; {self._in_the_note(written)}. Pass it on today through your organisation's "
                    "route",
                )

            self.app.push_screen(
                ConfirmScreen(
                    "Flag this contribution as a safeguarding concern?",
                    f"“{short(self.as_room_sees(contribution).text)}”\n\nIt will be hidden from the screen and kept out of the record, "
                    "in the facilitator-only note (f6). ctrl+z undoes.",
                ),
                flag_confirmed,
            )

    def _apply(self, contribution: Contribution, changes: dict, done: str | Callable[[bool], str]) -> None:
        current = next((c for c in self.session.contributions if c.id == contribution.id), None)
        if current is None:
            return
        changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
        if not changes:
            return
        before = {k: getattr(current, k) for k in changes}
        try:
            self.app.store.edit_contribution(self.session, current.id, **changes)
        except StoreError as exc:
            self._status(str(exc), error=True)
            return
        self.undo_stack.push(UndoEntry("edit", current, before=before))
        written = True
        if "safeguarding" in changes:
            written = self._write_note()
            self._later_records(current)
        if callable(done):  # (a flag's sentence says where the concern is: in the note, or not written there)
            done = done(written)
        self._refresh_contributions(keep=current.id)
        self._status(f"{done}{'' if done.endswith(('.', '?', '!')) else '.'} ctrl+z undoes.", error=not written)

    def _reorder(self, contribution: Contribution, step: int) -> None:
        """Move a turning point one place earlier or later in its timeline phase, so the timeline reads in
        the order of the story. Each changed place is an ordinary edit: journaled, durable, undone by ctrl+z."""
        phase = next((p for p in self.session.template.phases if p.id == contribution.phase_id), None)
        if phase is None or phase.kind != PhaseKind.timeline:
            self._status("Only turning points in a timeline phase are put in the order of the story "
                         "(shift+up / shift+down there).")
            return
        order = self.session.contributions_in(phase.id)
        visible = [c for c in order if not c.safeguarding]
        ids = [c.id for c in visible]
        if contribution.id not in ids:
            return
        at = ids.index(contribution.id)
        if not 0 <= at + step < len(visible):
            self._status("Already the " + ("first" if step < 0 else "last") + " turning point.")
            return
        neighbour = visible[at + step]
        i, j = order.index(contribution), order.index(neighbour)
        order[i], order[j] = order[j], order[i]
        for place, c in enumerate(order):
            if c.position != place and c.id != contribution.id:
                self._apply(c, {"position": place}, "Moved")
        self._apply(
            contribution, {"position": order.index(contribution)},
            "Moved " + ("earlier" if step < 0 else "later") + " in the timeline",
        )

    def _later_records(self, contribution: Contribution) -> None:
        """An action flagged as a safeguarding concern (or no longer), deleted or brought back: the final records of
        later sessions whose follow-up round listed it are written again as it is now (in a thread)."""
        phase = next((p for p in self.session.template.phases if p.id == contribution.phase_id), None)
        if phase is not None and phase.kind == PhaseKind.actions:
            from .actions import rewrite_later_records

            rewrite_later_records(self.app, self.session)

    def _delete(self, contribution: Contribution) -> None:
        try:
            removed = self.app.store.delete_contribution(self.session, contribution.id)
        except StoreError as exc:
            self._status(str(exc), error=True)
            return
        self.undo_stack.push(UndoEntry("delete", removed))
        if removed.safeguarding:
            self._write_note()
        self._later_records(removed)
        self._refresh_contributions()
        self._status(f"Deleted “{short(self.as_room_sees(removed).text, 40)}”. ctrl+z brings it back.")

    def _typed_now(self) -> str:
        """What is being typed and not recorded: the box's text, or the multi-line text kept after escape."""
        typed = self.query_one("#contribution", Input).value
        return typed if typed.strip() else (self._long or "")

    def _undo_where(self, entry: UndoEntry) -> str:
        """' (in 3. Why was there a difference?)' when the change is in none of the phase on the screen."""
        phase_ids = {entry.contribution.phase_id, entry.before.get("phase_id", entry.contribution.phase_id)}
        if self.session.phase.id in phase_ids:
            return ""
        try:
            index = self.session.template.phase_index(entry.contribution.phase_id)
        except KeyError:
            return " (in a phase this template no longer has)"
        return f" (in {index + 1}. {self.session.template.phases[index].title})"

    def action_undo(self) -> None:
        # With words typed, ctrl+z (the reflex to take back a typo) undoes no recording the room cannot see change:
        # the first press says what it would undo; pressed again, with the same words typed, it undoes it.
        typed = self._typed_now()
        entry = self.undo_stack.peek()
        if entry is not None and typed.lstrip().startswith("@") and self._words_come_back(entry):
            # "@2 ..." typed: its words are someone's, and the undone words put before them would go on the record
            # as theirs, the "@2" in the middle as text. Never both in one box.
            self._status(
                f"Not undone: ctrl+z would put the words of the {entry.describe(self.as_room_sees)} before what is "
                "typed for someone else. Record what is typed first (enter), or clear the box, then ctrl+z.",
                error=True,
            )
            return
        if entry is not None and typed.strip() and self._undo_warned != (id(entry), typed):
            self._undo_warned = (id(entry), typed)
            then = ", its words coming into the box before yours" if self._words_come_back(entry) else ""
            self._status(
                f"Not undone: ctrl+z undoes recordings, not typing. ctrl+z again undoes the "
                f"{entry.describe(self.as_room_sees)}{self._undo_where(entry)}{then}.", error=True,
            )
            return
        self._undo_warned = None
        try:
            entry = self.undo_stack.undo(self.app.store, self.session)
        except StoreError as exc:
            self._status(f"{exc} Nothing was undone.", error=True)
            return
        if entry is None:
            self._status("Nothing to undo.")
            return
        if entry.contribution.safeguarding or "safeguarding" in entry.before:
            self._write_note()
        if entry.kind == "delete" or "safeguarding" in entry.before:
            self._later_records(entry.contribution)
        self._refresh_contributions(keep=entry.contribution.id)
        if entry.kind == "reveal":
            self._update_phones_line()
            self._status(f"Undone: {entry.describe(self.as_room_sees)}; it waits again with the items from phones (ctrl+w).")
            return
        where = self._undo_where(entry)
        back = self._words_back(entry, typed) if self._words_come_back(entry) else ""
        self._status(f"Undone: {entry.describe(self.as_room_sees)}{where}.{back}")

    @staticmethod
    def _words_come_back(entry: UndoEntry) -> bool:
        """An undone recording's words come back to be recorded again; never a safeguarding concern's (the box is
        on the projector), nor a round's pass (nothing was said)."""
        contribution = entry.contribution
        return entry.kind == "add" and not contribution.safeguarding and contribution.fields.get("turn") != PASS

    def _words_back(self, entry: UndoEntry, typed: str) -> str:
        """The undone recording's words put back, so nothing said is lost: into the empty box with who said it and its
        fields (an action's owner, due date as said, ...), or before what is typed; into the multi-line editor if they
        hold line breaks. Returns the sentence saying where they are."""
        contribution = entry.contribution
        fields = dict(contribution.fields)
        text = "" if contribution.text == NO_REASON else contribution.text
        if fields.get("due_said"):
            fields["due"] = fields["due_said"]
        box = self.query_one("#contribution", Input)
        if typed.strip():
            text = f"{text}\n{typed}" if "\n" in text + typed else f"{text} {typed}"
        else:
            if contribution.phase_id == self.session.phase.id and not any(v.strip() for v in self._fields.values()):
                self.query_one(KindFields).set_values(fields)
                self._fields_changed()
            speaker_select = self.query_one("#speaker", Select)
            if contribution.speaker is None:
                speaker_select.clear()
            else:
                try:
                    speaker_select.value = contribution.speaker
                except InvalidSelectValueError:
                    pass
        if not text.strip():
            return ""
        if "\n" in text:
            box.value = ""
            self._long = text
            self._typed = text
            self.call_after_refresh(self._open_long_editor, text)
            return " Its words are back in the multi-line editor: ctrl+s there records them again."
        box.value = text
        box.cursor_position = len(text)
        box.focus()
        if typed.strip():
            return " Its words are back in the box, before what was typed."
        return " Its words are back in the box: enter records them again."

    # ------------------------------------------------------------------ safeguarding
    def _write_note(self) -> bool:
        """The facilitator-only note written again; False (and said) if it could not be."""
        try:
            write_safeguarding_note(self.app.store.data_dir, self.session.id, note_text(self.session))
        except OSError as exc:
            self.app.notify(
                f"The facilitator-only safeguarding note could not be written ({exc}). Write the concern down now.",
                severity="error",
                markup=False,
                timeout=30,
            )
            return False
        return True

    @staticmethod
    def _in_the_note(written: bool) -> str:
        """Where a concern is, as the status line says it: in the note, or (its file refused) in the session only."""
        if written:
            return "it is in the facilitator-only note (f6)"
        return "it is kept in the session and f6 shows it, but its note file could not be written: write it down now"

    def action_safeguarding(self) -> None:
        from .safeguarding import SafeguardingScreen

        screen = SafeguardingScreen(self.session, existing_note_path(self.app.store.data_dir, self.session.id))
        unseen = self._inbox.unseen_concerns() if self._inbox is not None else []

        def closed(_: None) -> None:
            # Concerns from phones count as read once the notes were shown (not when the warning was only seen).
            if unseen and screen.revealed and self._inbox is not None:
                self._inbox.concerns_seen(unseen)
                self._update_phones_line()

        self.app.push_screen(screen, closed)

    # ------------------------------------------------------------------ room
    def action_ground_rules(self) -> None:
        from .breather import GroundRulesScreen

        def agreed(now: bool | None) -> None:
            if not now or self.session.ground_rules_agreed:
                return
            try:
                self.session = self.app.store.update_session(self.session, ground_rules_agreed=True)
            except (NotSavedError, StoreError) as exc:
                self._status(f"The agreement was not recorded: {exc}", error=True)
                return
            self._status("Recorded: the group agreed the ground rules (the record says so).")

        self.app.push_screen(GroundRulesScreen(self.session.template, self.session.ground_rules_agreed), agreed)

    def action_pause_room(self) -> None:
        from .breather import PauseScreen

        self.app.push_screen(PauseScreen())

    def action_people(self) -> None:
        from .contribution_dialogs import PeopleScreen

        def saved(answer: tuple[list[str], list[str]] | None) -> None:
            if answer is None:
                return
            here, away = answer
            if here == self.session.participants and away == self.session.apologies:
                return
            try:
                self.session = self.app.store.update_session(self.session, participants=here, apologies=away)
            except StoreError as exc:
                self._status(str(exc), error=True)
                return
            self._fit_speaker_hint()
            self.query_one("#speaker", Select).set_options(speaker_options(self.session.speakers))
            self.query_one(KindFields).update_round(self.session)
            self._preset_speaker()
            saved_line = f"People saved: {len(here)} here, {plural(len(away), 'apology', 'apologies')}."
            # Someone moved to the apologies after they spoke: the record would list them as sending apologies and
            # quote them (said nowhere before)
            spoke = self.session.contributions_by(away)
            if spoke:
                who = "; ".join(f"{name} ({plural(count, 'contribution')})" for name, count in spoke.items())
                self._status(f"{saved_line} Among the apologies, said to have spoken: {who}; the record would show "
                             "both. f7 moves them back to here, or e on a contribution changes who said it.", error=True)
            else:
                self._status(saved_line)

        self.app.push_screen(PeopleScreen(self.session.participants, self.session.apologies), saved)

    # ------------------------------------------------------------------ phones in the room
    def _open_inbox(self) -> None:
        from ...store.phones import PhoneInbox

        from ...phones import DotVote

        self._inbox = PhoneInbox(self.app.store, self.session.id)
        self._vote = DotVote.resume(self._inbox)
        if self._inbox.damaged_lines:
            self.app.notify(
                f"{plural(self._inbox.damaged_lines, 'line')} of what phones sent could not be read in {self._inbox.path}; "
                "everything else phones sent is kept.",
                severity="warning", markup=False, timeout=30,
            )
        self._update_phones_line()

    @property
    def phones_url(self) -> str:
        return self._phones.url if self._phones is not None else ""

    def waiting_items(self) -> list[Contribution]:
        from ...phones import waiting

        return waiting(self.session, self._inbox) if self._inbox is not None else []

    def phase_label(self, phase_id: str) -> str:
        for number, phase in enumerate(self.session.template.phases, start=1):
            if phase.id == phase_id:
                return f"{number}. {phase.title}"
        return phase_id

    def waiting_count(self) -> int:
        if self._inbox is None:
            return 0
        return self._inbox.waiting_count({c.id for c in self.session.contributions})

    def phones_summary(self) -> str:
        count = self.waiting_count()
        parts = []
        if self._phones is not None:
            joined = len(self._phones.phones)
            parts.append(f"{joined} phone{'s' if joined != 1 else ''} joined")
        parts.append(f"{count} waiting")
        return " · ".join(parts)

    def _phones_line_soon(self) -> None:
        """The phones line brought up to date within a fifth of a second: a room of phones sending at once
        redraws it a few times, not once for each."""
        if self._phones_line_timer is None:
            self._phones_line_timer = self.set_timer(0.2, self._update_phones_line)

    def _update_phones_line(self) -> None:
        self._phones_line_timer = None
        line = self.query_one("#phones-line", Static)
        waiting = self.waiting_count()
        # A safeguarding concern from a phone: the facilitator is told one arrived, and nothing of it (the
        # room reads this line too) until the notes are opened (f6).
        notes = len(self._inbox.unseen_concerns()) if self._inbox is not None else 0
        if self._phones is None and not waiting and not notes:
            line.update("")
            line.display = False
            return
        keys = "ctrl+r shows them all · ctrl+w one by one" if waiting else "f10 shows the code"
        opened = "Phones open" if self._phones is not None else "Phones closed"
        note = f" · {notes} note{'s' if notes != 1 else ''} for you: f6" if notes else ""
        line.update(f"{opened} · {self.phones_summary()}{note} · {keys}")
        line.display = True

    async def action_phones(self) -> None:
        """Open the session to phones (if it is not already) and show the join screen."""
        from .phones import JoinScreen

        if self._phones is None:
            if not await self._start_phones():
                return
        self.app.push_screen(JoinScreen(self))

    async def _start_phones(self) -> bool:
        from ...phones import lan_address, phones_setting
        from ...web import PhoneServer

        if self.session.status.value != "running" or self.app.store.read_only:
            self._status("Phones can join only a running session that can be saved.", error=True)
            return False
        address, port, note = phones_setting(self.app.store.read_settings_file())
        if note:
            self.app.notify(note, severity="warning", markup=False, timeout=15)
        address = address or lan_address()
        # Every address at once only when settings.toml says so; phones are then given this machine's own.
        shown = lan_address() if address in ("0.0.0.0", "::") else address
        try:  # the session's key: a phone is known again when phone access opens again (its votes stay spent)
            key = self._inbox.phone_key()
        except StoreError:
            key = None
            if self._vote is not None:
                self.app.notify("The phones' key could not be saved, so phones joining now are not known from "
                                "before and get their votes in the open vote again.", severity="warning",
                                markup=False, timeout=20)
        server = PhoneServer(self, address, port, shown_host=shown, key=key)
        try:
            await server.start()
        except OSError as exc:
            self._status(
                f"Phones could not be opened on {address}:{port} ({exc.strerror or exc}); set another address or port "
                "under [phones] in settings.toml (address = \"...\", port = 8765), or close what uses that port.",
                error=True,
            )
            return False
        self._phones = server
        self._update_phones_line()
        # how many phones joined, kept up to date while phones may join
        self._phones_ticker = self.set_interval(1, self._update_phones_line)
        # (opened again after x: "Phone access closed" stayed on the status line under the open phones' line)
        self._status("Phone access open: phones join with the code f10 shows.")
        return True

    async def close_phones(self, quiet: bool = False) -> None:
        """Stop the phone server: every phone is cut off, and the next opening has a new code."""
        server, self._phones = self._phones, None
        if server is not None:
            if self._phones_ticker is not None:
                self._phones_ticker.stop()
                self._phones_ticker = None
            await server.stop()
            if not quiet:
                self._update_phones_line()
                self._status("Phone access closed: nothing listens for phones now.")

    async def action_close_phones(self) -> None:
        await self.close_phones()

    def show_title(self) -> None:
        """The session's title in the header, with the names list applied (the header is on the projector)."""
        self.title = shown_title(self.session)

    def phone_view(self):  # noqa: ANN201 - web.RoomView
        from ...phones import phase_as_sent
        from ...record.redact import make_replacer
        from ...web import RoomView

        session, phase = self.session, self.session.phase
        # A phone is a group output: every text it is sent has the session's names list applied, the phase's id
        # too (phones.phase_as_sent).
        replace = make_replacer(session.redactions)
        return RoomView(
            title=replace(session.title),
            phase_id=phase_as_sent(session, phase.id),
            phase_title=replace(phase.title),
            phase_number=session.current_phase + 1,
            phase_count=len(session.template.phases),
            prompt=replace(phase.prompt.strip()),
            kind=phase.kind.value,
            scale_low=replace(phase.scale_low or ""),
            scale_high=replace(phase.scale_high or ""),
            open=session.status.value == "running" and self.is_mounted,
            vote_round=self._vote.round if self._vote is not None else "",
            vote=tuple((c.id, replace(c.text)) for c, _ in self.vote_items()),
            votes_each=self._vote.per_phone if self._vote is not None else 0,
        )

    def as_room_sees(self, contribution: Contribution) -> Contribution:
        """A contribution as the room is shown it. What a phone sent comes from the room, unread by anyone before
        ctrl+r shows it: it has the session's names list applied (its text, every field, the name given), as the
        phones themselves are shown it. What the facilitator typed is shown as typed: they typed it, in front of
        the room, what the room had just said aloud, and the list is for what leaves the room. Either is stored
        as it was sent or typed (the record applies the list)."""
        if self._inbox is None or not self._inbox.sent_by_phone(contribution.id):
            return contribution
        names = tuple(self.session.redactions.items())
        cached = self._as_shown.get(contribution.id)
        if cached is not None and cached[0] is contribution and cached[1] == names:
            return cached[2]
        if self._replacer is None or self._replacer[0] != names:
            from ...record.redact import make_replacer

            self._replacer = (names, make_replacer(self.session.redactions))
        shown_as = contribution_shown(contribution, self._replacer[1])
        self._as_shown[contribution.id] = (contribution, names, shown_as)
        return shown_as

    def room_session(self) -> Session:
        """The session as the room's screens (the whole session, the read-back) show it: see as_room_sees."""
        if self._inbox is None:
            return self.session
        return self.session.model_copy(update={"contributions": [self.as_room_sees(c) for c in self.session.contributions]})

    def phone_receive(self, form: dict[str, str]) -> str:
        """What a phone sent: held as waiting, or a safeguarding concern straight into the facilitator-only note.
        Durable before this returns (ValueError for the phone if it cannot be kept as sent; StoreError if not
        saved)."""
        from ...phones import phase_kind, phase_sent_from, read_form, receive

        if self.session.status.value != "running":
            raise ValueError("The session has ended; nothing more can be sent.")
        phase_id = phase_sent_from(self.session, form.get("phase"))  # the phase the phone showed
        item = read_form(form, phase_kind(self.session, phase_id), self.session.day_said(self.app.clock().date()))
        try:
            receive(self.app.store, self.session, self._inbox, item, self.app.clock, phase_id)
        except StoreError as exc:
            self._status(f"A phone's contribution was not saved: {exc}", error=True)
            raise
        if item.safeguarding:
            self._write_note()
        self._phones_line_soon()
        return "note" if item.safeguarding else "waiting"

    def reveal_phones(self, items: list[Contribution] | None = None) -> None:
        from ...phones import reveal

        items = self.waiting_items() if items is None else items
        if not items:
            self._status("Nothing from phones is waiting.")
            return
        try:
            done = reveal(self.app.store, self.session, self._inbox, items)
        except StoreError as exc:
            self._status(str(exc), error=True)
            done = []
        for contribution in done:
            self.undo_stack.push(UndoEntry("reveal", contribution, inbox=self._inbox))
        self._refresh_contributions()
        self._update_phones_line()
        if done:
            elsewhere = sum(1 for c in done if c.phase_id != self.session.phase.id)
            where = f" ({elsewhere} in the phase{'s' if elsewhere > 1 else ''} they were sent in)" if elsewhere else ""
            self._status(f"Showing {len(done)} from phones{where}. ctrl+z puts the last one back with those waiting.")

    def action_reveal_phones(self) -> None:
        self.reveal_phones()

    def reject_phone(self, item: Contribution) -> None:
        from ...phones import reject

        try:
            reject(self._inbox, item)
        except StoreError as exc:
            self._status(str(exc), error=True)
            return
        self._update_phones_line()
        # Nothing of what was rejected on the status line: the room sees it once the projector is back on.
        self._status("Rejected one item from phones: it is not shown, and not in the record.")

    def action_review_phones(self) -> None:
        from .phones import WaitingScreen

        if not self.waiting_items():
            self._status("Nothing from phones is waiting.")
            return
        self.app.push_screen(WaitingScreen(self))

    # ------------------------------------------------------------------ dot voting
    def _votable(self) -> list[Contribution]:
        return self._visible(self.session.phase.id)

    async def action_vote(self) -> None:
        """Open a dot vote on this phase's items (phones open too, if they are not), or show the one open."""
        from ...phones import DEFAULT_VOTES, DotVote
        from .phones import VoteScreen

        if self._vote is None:
            items = self._votable()
            if len(items) < 2:
                self._status("A dot vote needs at least two items in this phase.", error=True)
                return
            phones = self.app.store.read_settings_file().get("phones", {})
            each = phones.get("votes", DEFAULT_VOTES) if isinstance(phones, dict) else DEFAULT_VOTES
            if type(each) is not int or not 1 <= each <= 20:
                self.app.notify(f"settings.toml: [phones] votes is {each!r}; write a whole number from 1 to 20. "
                                f"{DEFAULT_VOTES} votes each are used.", severity="warning", markup=False, timeout=15)
                each = DEFAULT_VOTES
            if self._phones is None and not await self._start_phones():
                return
            try:
                self._vote = DotVote.open(self._inbox, self.session.phase.id, [c.id for c in items], each)
            except StoreError as exc:
                self._status(str(exc), error=True)
                return
        self.app.push_screen(VoteScreen(self))

    def vote_items(self) -> list[tuple[Contribution, int]]:
        if self._vote is None:
            return []
        by_id = self._in_the_vote()
        return [(by_id[i], self._vote.counts[i]) for i in self._vote.items if i in by_id]

    def _in_the_vote(self) -> dict[str, Contribution]:
        """The vote's items still in it, by id. One flagged as a safeguarding concern, or deleted, after the vote opened
        leaves the vote's screen and the phones, and the vote: a dot sent for it from a page loaded before is refused
        (it was counted, and the phone's dot spent on an item it no longer saw), and dots put on it are given back."""
        by_id = {c.id: c for c in self.session.contributions if not c.safeguarding}
        self._vote.keep_only(by_id)
        return by_id

    def votes_left(self, phone: str) -> int:
        if self._vote is None:
            return 0
        self._in_the_vote()
        return self._vote.left(phone)

    def phone_votes(self, phone: str) -> dict[str, int]:
        if self._vote is None:
            return {}
        by_id = self._in_the_vote()
        return {item: n for item, n in self._vote.given(phone).items() if item in by_id}

    def phone_vote(self, phone: str, item: str) -> None:
        if self._vote is None:
            raise ValueError("The vote has closed.")
        self._in_the_vote()
        self._vote.add(item, phone)

    def facilitator_vote(self, item: str) -> None:
        """A dot from the facilitator, for someone in the room without a phone."""
        if self._vote is None:
            return
        try:
            self._vote.add(item, "facilitator")
        except StoreError as exc:
            self._status(str(exc), error=True)

    def close_vote(self) -> None:
        """Close the vote: each item's votes go into the session (and the record)."""
        if self._vote is None:
            return
        self._in_the_vote()
        try:
            results = self._vote.close(self.app.store, self.session)
        except StoreError as exc:
            self._status(str(exc), error=True)
            return
        total = self._vote.total  # (the dots on items taken out of the vote not among them)
        self._vote = None
        self._refresh_contributions()
        top = (f" Most: “{short(self.as_room_sees(results[0][0]).text, 40)}” ({results[0][1]})."
               if results and results[0][1] else "")
        self._status(f"Vote closed: {total} vote{'' if total == 1 else 's'}, in the record.{top}")

    # ------------------------------------------------------------------ timer
    def timer(self, phase: Phase | None = None) -> PhaseTimer:
        phase = phase or self.session.phase
        timer = self._phase_timers.get(phase.id)
        if timer is None:
            timer = PhaseTimer(phase.timebox * 60, elapsed_before=float(self.session.phase_seconds.get(phase.id, 0)))
            self._phase_timers[phase.id] = timer
        return timer

    def _show_timer(self) -> None:
        timer = self.timer()
        now = self.app.clock() if timer.running else None
        self.query_one(TimerDisplay).show(timer, now)

    def _tick(self) -> None:
        self._show_timer()

    def _time_fields(self, now: dt.datetime | None) -> dict:
        """{'phase_seconds': ...} if the time spent has changed since it was last saved, else {}."""
        seconds = dict(self.session.phase_seconds)
        for phase_id, timer in self._phase_timers.items():
            if timer.running and now is None:
                now = self.app.clock()
            spent = int(round(timer.elapsed(now) if timer.running else timer.elapsed_before))
            if spent or phase_id in seconds:
                seconds[phase_id] = spent
        return {"phase_seconds": seconds} if seconds != self.session.phase_seconds else {}

    def save_time(self) -> None:
        """Store the time spent in each phase (on pause, phase change, quit and end)."""
        if self.session.status.value != "running":
            return
        fields = self._time_fields(None)
        if fields:
            self.session = self.app.store.update_session(self.session, **fields)

    def action_toggle_timer(self) -> None:
        now = self.app.clock()
        running = self.timer().toggle(now)
        if running:
            self._ticker.resume()
            self._status("Timer running. ctrl+t pauses; f5 adds 2 minutes. It never moves the phase on.")
        else:
            self._ticker.pause()
            try:
                self.save_time()
            except StoreError as exc:
                self._status(str(exc), error=True)
            else:
                self._status("Timer paused; time spent is saved.")
        self.query_one(TimerDisplay).show(self.timer(), now)

    def _start_timer_with_phase(self) -> None:
        """With [room] timer_starts_with_phase = true in settings.toml, a phase's timer starts as it opens."""
        if not self._timer_with_phase or self.timer().running or self.session.phase.timebox <= 0:
            return
        now = self.app.clock()
        self.timer().start(now)
        self._ticker.resume()
        self.query_one(TimerDisplay).show(self.timer(), now)

    def action_extend_timer(self) -> None:
        self.timer().extend()
        self._show_timer()
        self._status(f"{EXTEND_SECONDS // 60} more minutes for this phase.")

    # ------------------------------------------------------------------ phases
    def _move(self, delta: int) -> None:
        target = self.session.current_phase + delta
        last = len(self.session.template.phases) - 1
        if target < 0:
            self._status("This is the first phase.")
            return
        if target > last:
            # Past the last phase: the closing read-back, then ctrl+e ends the session.
            self._status("This is the last phase: read back what the room takes away (f9), then ctrl+e ends the session.")
            self.action_read_back()
            return
        if not self._move_despite_typed(delta):
            return
        timer = self.timer()
        was_running = timer.running
        now = self.app.clock() if was_running else None
        if was_running:
            timer.pause(now)
        try:
            self.session = go_to_phase(self.app.store, self.session, target, **self._time_fields(now))
        except NotSavedError as exc:
            if was_running:
                timer.start(now)
            self._status(str(exc), error=True)
            return
        if was_running:
            self.timer().start(now)
        self.query_one(ContributionList).selected = None
        self._show_phase()
        self._status("")
        self._start_timer_with_phase()
        self.query_one(KeyBar).refresh()

    def _move_despite_typed(self, delta: int) -> bool:
        """Whether to change phase now. With words or fields typed and not recorded (a strength still waiting for
        "How do we know?", say), the first ctrl+n or ctrl+b says so and stays; pressed again, it moves, the words
        going along in the box."""
        typed = self.query_one("#contribution", Input).value.strip() or (self._long_waiting or "").strip()
        fields = {key: value for key, value in self._fields.items() if value.strip()}
        if not typed and not fields:
            self._move_warned = None
            return True
        state = (delta, typed, tuple(sorted(fields.items())))
        if self._move_warned == state:
            self._move_warned = None
            self._evidence_asked_for = None
            self._long_waiting = None  # its lines stay kept for the multi-line editor (ctrl+o)
            return True
        self._move_warned = state
        key = "ctrl+n" if delta > 0 else "ctrl+b"
        named = ", ".join(FIELD_LABELS.get(k, k) for k in fields)
        if typed:
            left = f", and the {named} left behind" if fields else ""
            said = (f"Not moved: “{short(typed, 50)}” is not recorded. Enter records it in this phase; {key} again "
                    f"moves on, the words going along in the box{left}.")
        else:
            said = f"Not moved: the {named} typed here are not recorded. {key} again moves on and leaves them."
        self._status(said, error=True)
        return False

    def action_next_phase(self) -> None:
        self._move(+1)

    def action_previous_phase(self) -> None:
        self._move(-1)

    def action_focus_input(self) -> None:
        self.query_one("#contribution", Input).focus()

    # ------------------------------------------------------------------ the whole session, the read-back
    def keys_of_the_moment(self) -> list[str]:
        """The key bar's keys that matter now, most important first (a narrow bar keeps these)."""
        if isinstance(self.focused, ContributionList):
            return ["act('edit')", "act('delete')", "act('star')", "act('move')", "act('tag')", "act('flag')", "help"]
        if self.session.current_phase == len(self.session.template.phases) - 1:
            return ["read_back", "end", "undo", "help", "previous_phase", "toggle_timer", "whole_session"]
        return ["next_phase", "undo", "toggle_timer", "end", "help", "previous_phase", "whole_session"]

    def action_whole_session(self) -> None:
        from .whole_session import WholeSessionScreen

        self.app.push_screen(WholeSessionScreen(self.room_session()))

    def action_read_back(self) -> None:
        from .read_back import ReadBackScreen

        def done(end: bool | None) -> None:
            if end:
                self.action_end(offer_read_back=False)

        self._read_back_seen = True
        self.app.push_screen(ReadBackScreen(self.room_session()), done)

    # ------------------------------------------------------------------ ending
    def action_end(self, offer_read_back: bool = True) -> None:
        from .read_back import EndConfirmWithReadBack

        typed = self.query_one("#contribution", Input).value
        offer = self.action_read_back if offer_read_back else None
        self.app.push_screen(
            EndConfirmWithReadBack(self.session, unsaved_text=typed, read_back=offer,
                                   phones_waiting=self.waiting_count(), vote_open=self._vote is not None,
                                   read_back_seen=self._read_back_seen),
            self._end_confirmed,
        )

    def _end_confirmed(self, confirmed: bool | None) -> None:
        if not confirmed:
            return
        from .redaction import review_identifiers_then

        # Likely personal identifiers are listed to replace or keep before the final record is written, with the
        # names the team's earlier names list has that this one lacks ("Jayden" again, in a list started empty).
        earlier = self._earlier_names
        if earlier is None and self.session.team.strip():
            earlier = team_names_before(self.app.store, self.session)  # (the worker at start has not finished)
        review_identifiers_then(self.app, self.session, self._end_reviewed, earlier)

    def _end_reviewed(self, reviewed: Session | None) -> None:
        if reviewed is None:
            self._status("The session is still open; no record was written.")
            return
        self.session = reviewed
        from .dialogs import EndedScreen

        timer = self.timer()
        now = self.app.clock() if timer.running else None
        if timer.running:
            timer.pause(now)
            self._ticker.pause()
        if self._vote is not None:
            # The phones were told their votes counted: an open vote is closed first, its votes in the record.
            self.close_vote()
            if self._vote is not None:  # not closed (the reason is shown): the session stays open
                return
        try:
            fields = self._time_fields(now)
            if fields:
                self.session = self.app.store.update_session(self.session, **fields)
            ended, path = end_session(self.app.store, self.session, self.app.clock)
        except StoreError as exc:
            self._status(f"{exc} The session is still open; nothing was lost.", error=True)
            return
        self.session = ended
        self.app.drafts.keep(self.app.store.data_dir, ended.id, "")  # the session is over: no draft is kept
        from .actions import refresh_registers

        refresh_registers(self.app, ended.reviewed_session_ids)  # (its notes with its names list as it ended)
        flagged = sum(1 for c in ended.contributions if c.safeguarding)
        unshown = self.waiting_count()
        self.app.switch_screen(EndedScreen(ended, path))
        if unshown:
            self.app.notify(
                f"{unshown} contribution{'s' if unshown > 1 else ''} from phones {'were' if unshown > 1 else 'was'} "
                f"never shown, so {'they are' if unshown > 1 else 'it is'} not in the record "
                f"(kept in {self._inbox.path}).",
                title="From phones", severity="warning", markup=False, timeout=30,
            )
        if flagged:
            self._write_note()
            self.app.notify(
                f"{flagged} safeguarding concern{'s are' if flagged > 1 else ' is'} in the facilitator-only note, "
                f"not in the record. Pass {'them' if flagged > 1 else 'it'} on today through your organisation's route.",
                title="Safeguarding",
                severity="warning",
                markup=False,
                timeout=30,
            )
