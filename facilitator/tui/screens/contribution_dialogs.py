"""Small dialogs for changing one recorded contribution: edit, delete (confirm), move, tag; and the people list.

Each returns what was chosen (or None for escape); the session screen makes the change through the store,
so it is durable and undoable. User text is never read as markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual import events
from textual.message import Message
from textual.widgets import Input, OptionList, Select, Static, TextArea
from ..widgets.keys_in_order import TextEditor, TextInput, hold
from textual.widgets.option_list import Option

from ...contribution_fields import FIELD_LABELS, KIND_FIELDS, edited_fields, rating_problem
from ...dates import due_note, due_problem
from ...models import ANONYMOUS, Contribution, PhaseKind, Session, split_participants
from ...text import clean_text, one_line

HERE = Path(__file__).parent
DECISION_TAG = "decision"
# The most one contribution holds (the box's own limit); a longer paste is refused, saying so, never cut.
MAX_CONTRIBUTION = 20000
# A contribution longer than this, or with line breaks, is edited in the multi-line editor.
LONG_TEXT = 120


def paste_refusal(length: int) -> str:
    return (
        f"Not pasted: that text is {length:,} characters and one contribution holds at most {MAX_CONTRIBUTION:,}. "
        "Paste it in parts, one contribution each."
    )


class ContributionBox(TextInput):
    """The one-line contribution box. A paste with line breaks, or one too long for the box, is handed to the screen
    whole (for the multi-line editor), never cut to its first line; one too long to keep is refused there with a
    sentence saying why."""

    class LongPaste(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *args, empties_on_enter: bool = False, **kwargs) -> None:  # noqa: ANN002, ANN003
        """``empties_on_enter``: the session's box, where enter records (see _on_key); the edit dialog's box keeps
        its text (its enter saves the dialog, reading every field)."""
        super().__init__(*args, **kwargs)
        self.empties_on_enter = empties_on_enter

    async def _on_key(self, event: events.Key) -> None:
        # Enter is handled here, in the order the keys came, not by Input's binding: that ran only once the key had
        # gone round to the app, after the keys that followed it had changed the box (a fast typist, or a paste a
        # terminal sends as keystrokes), so words moved between contributions, some twice, and the box was then
        # cleared of what came after. The text is taken and the box emptied now; the screen puts it back if it is
        # not recorded.
        if event.key == "enter" and self.empties_on_enter:
            event.stop()
            event.prevent_default()
            value = self.value
            self.value = ""
            submitted = self.Submitted(self, value)
            submitted.held = hold(self)  # the next key waits until it is recorded (released by the screen)
            self.post_message(submitted)
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        # Runs before Input's own handler (which keeps only the first line); that one runs only for one line.
        text = clean_text(event.text)
        if "\n" not in text.strip("\n"):
            event.text = text.strip("\n")
            # Too long for the box: Input would drop it without a word; the screen refuses it with one.
            if not self.max_length or len(self.value) + len(event.text) <= self.max_length:
                return
        event.prevent_default()
        event.stop()
        self.post_message(self.LongPaste(text.rstrip("\n")))  # a leading line break may be meant


class LongTextScreen(ModalScreen[str | None]):
    """A contribution in a multi-line editor: line breaks are kept. ctrl+s records it, escape goes back."""

    CSS_PATH = HERE / "contribution_dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, text: str, title: str = "The contribution, line breaks kept", action: str = "records it", error: str = "",
        on_change: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.text = text
        self.error = error
        self.title_text = title
        self.action = action
        self.on_change = on_change  # told the text as it is typed (the session keeps it as the draft)

    def compose(self) -> ComposeResult:
        with Vertical(id="long-dialog", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(
                f"ctrl+s {self.action}; escape goes back without it. Enter starts a new line.", classes="hint", markup=False
            )
            yield TextEditor(self.text, id="long-text", soft_wrap=True, show_line_numbers=False)
            yield Static(self.error, id="long-error", classes="warning", markup=False)

    def on_mount(self) -> None:
        area = self.query_one("#long-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        if self.on_change is not None:
            self.on_change(self.text)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self.on_change is not None:
            self.on_change(event.text_area.text)

    def action_save(self) -> None:
        text = clean_text(self.query_one("#long-text", TextArea).text).strip("\n")
        error = self.query_one("#long-error", Static)
        if not text.strip():
            error.update("The text is empty: type it, or press escape to go back.")
            return
        if len(text) > MAX_CONTRIBUTION:
            error.update(
                f"Too long: {len(text):,} characters, and one contribution holds at most {MAX_CONTRIBUTION:,}. "
                "Shorten it, or record it in parts."
            )
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


def speaker_options(participants: list[str], extra: str | None = None) -> list[tuple[Text, str]]:
    """(prompt, value) pairs for a 'who said it' Select: numbered people, then anonymous. Never markup."""
    options = [(Text(f"{n} {name}"), name) for n, name in enumerate(participants, start=1)]
    if extra and extra != ANONYMOUS and extra not in participants:
        options.append((Text(extra), extra))
    options.append((Text("0 anonymous"), ANONYMOUS))
    return options


def short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class EditContributionScreen(ModalScreen[dict | None]):
    """Change what was said, who said it, and the extra fields of its phase's kind (an action's owner, due date
    and who hears about it; a strength's evidence and practice skill; a turning point's when and what was done
    differently; a rating). Enter saves (ctrl+s in the multi-line editor), escape cancels.

    A long contribution, or one with line breaks, is shown whole in a multi-line editor."""

    CSS_PATH = HERE / "contribution_dialogs.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", priority=True),
    ]

    def __init__(
        self, contribution: Contribution, participants: list[str], kind: PhaseKind | None = None,
        skills: list[str] | None = None, today: dt.date | None = None, draft: dict | None = None,
        on_change: Callable[[dict | None], None] | None = None,
    ) -> None:
        """``draft``: an edit kept when the app closed ({"text", "speaker", "fields"}), shown instead of the
        contribution's own values. ``on_change`` is told the edit as it is typed ({"text", "speaker", "fields"}, or
        None while nothing differs from the contribution), so the session keeps it as its draft."""
        super().__init__()
        self.contribution = contribution
        self.participants = participants
        self.draft = draft
        self.on_change = on_change
        self._start: dict | None = None  # the dialog's values as the contribution has them
        text = draft["text"] if draft else contribution.text
        self.long = "\n" in text or len(text) > LONG_TEXT
        self.kind = kind
        # A pass in a round, or a rating's "no reason given", keeps its text as it is: only its fields are edited.
        self.keys = KIND_FIELDS.get(kind, ()) if kind is not None else ()
        # A decision (tagged so) has its reason, which the record's Decisions lists beside it (nothing could give one).
        self.decision = DECISION_TAG in {t.casefold() for t in contribution.tags}
        if self.decision:
            self.keys = (*self.keys, "reason")
        self.skills = skills or []
        self.today = today or dt.date.today()

    def compose(self) -> ComposeResult:
        c = self.contribution
        text = self.draft["text"] if self.draft else c.text
        speaker = self.draft["speaker"] if self.draft else c.speaker
        with Vertical(id="edit-dialog", classes="dialog"):
            yield Static("Edit the contribution", classes="dialog-title")
            if self.long:
                yield Static(
                    "ctrl+s saves, escape cancels; enter starts a new line. ctrl+z afterwards undoes the change.",
                    classes="hint",
                )
                yield TextEditor(text, id="edit-long", soft_wrap=True, show_line_numbers=False)
            else:
                yield Static("Enter saves, escape cancels. ctrl+z afterwards undoes the change.", classes="hint")
                yield ContributionBox(text, id="edit-text", max_length=MAX_CONTRIBUTION)
            if self.keys:
                with Horizontal(id="edit-fields"):
                    for key in self.keys:
                        yield from self._field(key)
            options = speaker_options(self.participants, c.speaker)
            if speaker and speaker not in {value for _, value in options}:
                speaker = c.speaker  # a name no longer in the list (the draft's): the contribution's own
            yield Select(
                options,
                prompt="who said it",
                id="edit-speaker",
                allow_blank=True,
                value=speaker if speaker else Select.NULL,
            )
            yield Static("", id="edit-error", classes="warning", markup=False)

    def _field(self, key: str) -> ComposeResult:
        fields = self.contribution.fields
        value = fields.get(key, "")
        if key == "due":
            value = fields.get("due_said") or value  # as it was said ("end of Feb"), not only the date it meant
        if self.draft and key in self.draft["fields"]:
            value = self.draft["fields"][key]
        if key == "skill":
            skills = list(dict.fromkeys([*self.skills, *([value] if value else [])]))
            yield Select([(Text(s), s) for s in skills], prompt="practice skill", id="edit-skill", allow_blank=True,
                         value=value if value else Select.NULL)
            return
        field = TextInput(value, id=f"edit-{key}",
                      max_length=5000 if key in ("evidence", "changed", "tell", "reason") else 200)
        field.border_title = FIELD_LABELS.get(key, key)  # ("reason": a decision's)
        if key == "due":
            field.border_subtitle = due_note(value, self.today)
        yield field

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "edit-due":
            event.input.border_subtitle = due_note(event.value, self.today)
        self._changed()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._changed()

    def values(self) -> dict:
        """What the dialog holds now, as typed: {"text", "speaker", "fields"}."""
        text = self.query_one("#edit-long", TextArea).text if self.long else self.query_one("#edit-text", Input).value
        speaker = self.query_one("#edit-speaker", Select).value
        return {"text": text, "speaker": None if speaker is Select.NULL else str(speaker), "fields": self._raw_fields()}

    def _raw_fields(self) -> dict[str, str]:
        """The fields' boxes as typed."""
        raw: dict[str, str] = {}
        for key in self.keys:
            if key == "skill":
                chosen = self.query_one("#edit-skill", Select).value
                raw[key] = "" if chosen is Select.NULL else str(chosen)
            else:
                raw[key] = self.query_one(f"#edit-{key}", Input).value
        return raw

    def _changed(self) -> None:
        """The edit as typed, told to the session to keep as its draft (None while it changes nothing)."""
        if self.on_change is None or self._start is None or not self.is_mounted:
            return
        try:
            now = self.values()
        except Exception:  # noqa: BLE001 - a field being swapped (a paste making the box multi-line)
            return
        self.on_change(None if now == self._start else now)

    def _fields(self) -> dict[str, str] | None:
        """The contribution's fields as edited (its other fields kept); None if one cannot be kept (said why)."""
        if not self.keys:
            return dict(self.contribution.fields)
        raw = self._raw_fields()
        problem = rating_problem(raw.get("rating", "")) or due_problem(raw.get("due", ""), self.today)
        if problem:
            self.query_one("#edit-error", Static).update(problem)
            return None
        reason = one_line(raw.pop("reason", "")) if self.decision else None
        fields = edited_fields(self.kind, self.contribution.fields, raw, self.today)
        if reason is not None:
            fields.pop("reason", None)
            if reason:
                fields["reason"] = reason
        return fields

    def on_mount(self) -> None:
        self.query_one("#edit-long" if self.long else "#edit-text").focus()
        c = self.contribution
        fields = {key: (c.fields.get("due_said") or c.fields.get(key, "")) if key == "due" else c.fields.get(key, "")
                  for key in self.keys}
        self._start = {"text": c.text, "speaker": c.speaker, "fields": fields}
        self.call_after_refresh(self._changed)  # a draft brought back is kept as it is until saved or dropped

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()  # enter in the text or in any of the fields

    async def on_contribution_box_long_paste(self, event: ContributionBox.LongPaste) -> None:
        """Several lines pasted: the one-line box becomes the multi-line editor, with all of them."""
        event.stop()
        box = self.query_one("#edit-text", Input)
        text = (box.value[: box.cursor_position] + event.text + box.value[box.cursor_position :]).strip("\n")
        if len(text) > MAX_CONTRIBUTION:
            self.query_one("#edit-error", Static).update(paste_refusal(len(text)))
            return
        self.long = True
        area = TextEditor(text, id="edit-long", soft_wrap=True, show_line_numbers=False)
        await self.query_one("#edit-dialog").mount(area, after=box)
        await box.remove()
        self.query_one("#edit-dialog .hint", Static).update(
            "ctrl+s saves, escape cancels; enter starts a new line. ctrl+z afterwards undoes the change."
        )
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        if self.long:
            self.save(self.query_one("#edit-long", TextArea).text)
        else:
            self.save(self.query_one("#edit-text", Input).value)

    def save(self, value: str) -> None:
        text = clean_text(value).strip("\n")
        if len(text) > MAX_CONTRIBUTION:
            self.query_one("#edit-error", Static).update(
                f"Too long: {len(text):,} characters, and one contribution holds at most {MAX_CONTRIBUTION:,}."
            )
            return
        if not text.strip():
            self.query_one("#edit-error", Static).update("The text cannot be empty: to remove it, press escape and then d.")
            return
        fields = self._fields()
        if fields is None:
            return
        speaker = self.query_one("#edit-speaker", Select).value
        changes: dict = {}
        if text != self.contribution.text:
            changes["text"] = text
        if fields != self.contribution.fields:
            changes["fields"] = fields
        new_speaker = None if speaker is Select.NULL else str(speaker)
        if new_speaker != self.contribution.speaker:
            changes["speaker"] = new_speaker
        self.dismiss(changes)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: enter says yes, escape says no."""

    CSS_PATH = HERE / "contribution_dialogs.tcss"
    BINDINGS = [
        Binding("enter", "yes", "Yes", priority=True),
        Binding("escape", "no", "No"),
    ]

    def __init__(self, title: str, detail: str) -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.detail, markup=False)
            yield Static("Enter: yes.  Escape: no.", classes="hint")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class MoveScreen(ModalScreen[int | None]):
    """Choose the phase to move a contribution to: up/down, enter; escape cancels."""

    CSS_PATH = HERE / "contribution_dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, session: Session, contribution: Contribution) -> None:
        super().__init__()
        self.session = session
        self.contribution = contribution

    def compose(self) -> ComposeResult:
        with Vertical(id="move-dialog", classes="dialog"):
            yield Static("Move to which phase?", classes="dialog-title")
            yield Static(short(self.contribution.text), classes="hint", markup=False)
            options = []
            for number, phase in enumerate(self.session.template.phases, start=1):
                here = phase.id == self.contribution.phase_id
                label = Text(f"{number}. {phase.title}" + ("  (where it is now)" if here else ""))
                options.append(Option(label, id=phase.id, disabled=here))
            yield OptionList(*options, id="move-phases")

    def on_mount(self) -> None:
        phases = self.query_one("#move-phases", OptionList)
        phases.focus()
        index = self.session.template.phase_index(self.contribution.phase_id)
        phases.highlighted = index + 1 if index + 1 < len(self.session.template.phases) else max(0, index - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.session.template.phase_index(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


class TagScreen(ModalScreen[list[str] | None]):
    """Tick tags from the template's vocabulary (and "decision"): space ticks, enter saves, escape cancels.

    A ticked tag shows [x], an unticked one [ ]: the state is in the text, not only in a colour.
    """

    CSS_PATH = HERE / "contribution_dialogs.tcss"
    BINDINGS = [
        Binding("space", "toggle", "Tick / untick", priority=True),
        Binding("enter", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, vocabulary: list[str], contribution: Contribution, shown: str | None = None) -> None:
        """``shown``: its words as the room sees them (the names list applied), where they differ from its own."""
        super().__init__()
        self.contribution = contribution
        self.shown = contribution.text if shown is None else shown
        tags = list(vocabulary)
        if DECISION_TAG not in {t.casefold() for t in tags}:
            tags.append(DECISION_TAG)
        tags += [t for t in contribution.tags if t not in tags]
        self.tags = tags
        self.ticked = set(contribution.tags)

    def _option(self, tag: str) -> Option:
        return Option(Text(("[x] " if tag in self.ticked else "[ ] ") + tag), id=f"tag-{self.tags.index(tag)}")

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-dialog", classes="dialog"):
            yield Static("Tags", classes="dialog-title")
            yield Static(short(self.shown), classes="hint", markup=False)
            yield OptionList(*[self._option(tag) for tag in self.tags], id="tag-list")
            yield Static("Space ticks or unticks a tag. Enter saves, escape cancels.", classes="hint")

    def on_mount(self) -> None:
        tags = self.query_one("#tag-list", OptionList)
        tags.focus()
        tags.highlighted = 0

    def action_toggle(self) -> None:
        tags = self.query_one("#tag-list", OptionList)
        index = tags.highlighted
        if index is None:
            return
        tag = self.tags[index]
        self.ticked ^= {tag}
        tags.replace_option_prompt_at_index(index, self._option(tag).prompt)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()

    def action_save(self) -> None:
        self.dismiss([tag for tag in self.tags if tag in self.ticked])

    def action_cancel(self) -> None:
        self.dismiss(None)


class PeopleScreen(ModalScreen[tuple[list[str], list[str]] | None]):
    """Who is here and who sent apologies, changeable during the session. Enter saves, escape cancels."""

    CSS_PATH = HERE / "contribution_dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, participants: list[str], apologies: list[str]) -> None:
        super().__init__()
        self.participants = participants
        self.apologies = apologies

    def compose(self) -> ComposeResult:
        with Vertical(id="people-dialog", classes="dialog"):
            yield Static("People", classes="dialog-title")
            yield Static(
                "Names or roles, separated by commas. The order gives the numbers for @1, @2, ... "
                "Tab moves between the boxes; enter saves.",
                classes="hint",
            )
            yield Static("Here (attendees)", classes="section-title")
            yield TextInput(", ".join(self.participants), id="people-here", max_length=4000)
            yield Static("Apologies (could not come)", classes="section-title")
            yield TextInput(", ".join(self.apologies), id="people-apologies", max_length=2000)

    def on_mount(self) -> None:
        self.query_one("#people-here", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        here = split_participants(clean_text(self.query_one("#people-here", Input).value))
        away = split_participants(clean_text(self.query_one("#people-apologies", Input).value))
        self.dismiss((here, away))

    def action_cancel(self) -> None:
        self.dismiss(None)
