"""Keeping service users' details out of the record, in the app.

- NamesScreen: the session's names-to-replace list ("Jayden -> Child A"), editable at any time (command palette).
- ApologiesScreen: who sent apologies, for the minutes (command palette).
- IdentifierReviewScreen: before the final record is written, every likely personal identifier the record
  would show (dates of birth, phone numbers, emails, postcodes, NHS numbers, case references), each to
  replace, keep, or add to the names list.
- RecordCommands: the command palette's record commands (draft exports, names list, apologies).
User text is never read as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from ..commands import ListedCommands
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Static, TextArea
from ..widgets.keys_in_order import TextInput, TextEditor

from ...models import Session, split_participants
from ...record.export import FORMAT_NAMES, FORMATS
from ...record.pii import Finding, scan_session
from ...record.redact import (
    CAPITAL_ONLY,
    format_names,
    listed_in_replacements,
    name_key,
    ordinary_words,
    parse_names,
    people_renamed,
    run_together,
)
from ...session_ops import (
    case_reference_setting,
    export_record,
    reviews_as_now,
    review_identifiers,
    set_redactions,
    team_names_before,
)
from ...store import StoreError
from ...text import plural


# ---------------------------------------------------------------------- names list
class NamesScreen(ModalScreen[dict[str, str] | None]):
    """Edit the names to replace: one per line, 'name -> replacement'. ctrl+s saves, escape cancels."""

    CSS_PATH = "redaction.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save the list", priority=True),
        Binding("ctrl+l", "earlier", "Add the team's earlier names", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, names: dict[str, str], texts: Iterable[str] = (), people: Iterable[str] = (),
        earlier: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.names = dict(names)
        #: names the team's last session listed that this list lacks: ctrl+l adds them (a team's next session about
        #: the same family started with an empty list, and nothing said so)
        self.earlier = dict(earlier or {})
        #: what the session's record would show besides the list (what was said, the template's words): a name
        #: newly listed that is written there as an ordinary word is asked about once (see ordinary_words)
        self.texts = texts
        #: the session's facilitator, participants and apologies: a name newly listed that is in one of theirs (a
        #: colleague sharing a family's surname) is asked about once, as the record would rename them
        self.people = [p for p in people if p.strip()]
        self._asked: dict[str, str] | None = None
        self._asked_people: dict[str, str] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="names-dialog", classes="dialog"):
            yield Static("Names to replace in the record", classes="dialog-title")
            yield Static(
                "⚠ This list shows real names. Blank the projector or switch it to another input first; "
                "escape closes it.",
                id="names-warning",
                markup=False,
                classes="warning",
            )
            yield Static(
                "One per line: name -> what the record says, e.g. Jayden -> Child A. Any case, whole words, "
                "possessives too. Only the record and exports change; what was typed stays stored as it is.",
                markup=False,
                classes="hint",
            )
            if self.earlier:
                yield Static(
                    f"An earlier session of this team listed {plural(len(self.earlier), 'name')} this list does not have: "
                    "ctrl+l adds them.",
                    id="names-earlier", markup=False, classes="hint",
                )
            yield TextEditor(format_names(self.names), id="names", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="names-error", markup=False, classes="warning")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (escape)", id="cancel")

    def on_mount(self) -> None:
        area = self.query_one("#names", TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """On a short screen the list's box is lower (4 rows at 24, 6 from 26), so the Save button is on screen too
        (at 24 rows it was cut off below the box); and while a sentence says why the list was not saved, the how-to
        lines above the box make room for it there."""
        height = self.app.size.height
        self.query_one("#names", TextArea).styles.height = max(3, min(6, height - 20))
        said = self.query_one("#names-error", Static).has_class("shown")
        self.query_one("#names-dialog .hint", Static).display = not (said and height < 30)

    def _say(self, problem: str) -> None:
        """Why the list was not saved (or what to check first), under the box."""
        error = self.query_one("#names-error", Static)
        error.update(problem)
        error.add_class("shown")
        self._fit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        """ctrl+s, taken first (a priority key), saves once the keys sent before it are in the box: it read the box
        with the last letters of a line typed fast (or pasted by the terminal) still on their way, and refused the
        line as "not understood" while the box showed it whole."""
        area = self.query_one("#names", TextArea)
        if self.focused is area:
            area.call_later(self._save)
        else:
            self._save()

    def _save(self) -> None:
        if not self.is_attached:
            return
        text = self.query_one("#names", TextArea).text
        names = parse_names(text)
        skipped = [
            line.strip()
            for line in text.splitlines()
            if line.strip() and not parse_names(line)
        ]
        if skipped:
            self._say(f"Not understood: {skipped[0]!r}. Write each as  name -> replacement, or delete the line.")
            return
        doubled = run_together(text)
        if doubled:
            self._say(f"“{doubled[0]}” holds two arrows: put each name on its own line,  name -> replacement.")
            return
        clashing = listed_in_replacements(names)
        if clashing:
            name, replacement = clashing[0]
            self._say(
                f"“{name} -> {replacement}” would put a name on this list into the record: “{replacement}” holds a "
                "listed name. Choose a replacement that is not on the list (a role or initials)."
            )
            return
        added = {name: r for name, r in names.items() if name not in self.names}
        renamed = people_renamed(added, self.people) if added and names != self._asked_people else []
        if renamed:
            name, person, shown = renamed[0]
            self._asked_people = names
            self._say(
                f"“{name}” is in the name of {person}, who is at this session: the record would call them "
                f"“{shown}”. List the family member's whole name instead, or press ctrl+s again to keep the list."
            )
            return
        ordinary = ordinary_words(added, self.texts) if added and names != self._asked else []
        if ordinary:
            name, around = ordinary[0]
            self._asked = names
            self._say(
                f"“{name}” is written in lower case here (“{around}”): every “{name.lower()}” would become "
                f"“{names[name]}”. “{name} {CAPITAL_ONLY}” replaces it only with its capital; ctrl+s again keeps "
                "the list."
            )
            return
        self.dismiss(names)

    def action_earlier(self) -> None:
        """The team's last session's names this list lacks, added at its end (to check, then save)."""
        if not self.earlier:
            return
        area = self.query_one("#names", TextArea)
        own = {name_key(name) for name in parse_names(area.text)}
        adding = {name: r for name, r in self.earlier.items() if name_key(name) not in own}
        text = area.text if not area.text or area.text.endswith("\n") else area.text + "\n"
        area.text = text + format_names(adding)
        area.move_cursor(area.document.end)
        self.earlier = {}
        self.query_one("#names-earlier", Static).update(
            f"Added {plural(len(adding), 'name')} from the team's earlier session: check "
            f"{'it' if len(adding) == 1 else 'them'}, then ctrl+s saves the list."
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class ApologiesScreen(ModalScreen[list[str] | None]):
    """Who sent apologies: names or roles, separated by commas. Enter saves, escape cancels."""

    CSS_PATH = "redaction.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, apologies: list[str]) -> None:
        super().__init__()
        self.apologies = list(apologies)

    def compose(self) -> ComposeResult:
        with Vertical(id="apologies-dialog", classes="dialog"):
            yield Static("Apologies", classes="dialog-title")
            yield Static("Who could not come: names or roles, separated by commas. Enter saves.", markup=False)
            yield TextInput(", ".join(self.apologies), id="apologies", max_length=2000)

    def on_mount(self) -> None:
        self.query_one("#apologies", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(split_participants(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------------- identifier review
REPLACE, KEEP, NAMES = "replace", "keep", "names"


@dataclass
class Review:
    """The facilitator's answer for each finding: replace (with a replacement), keep, or add to the names list."""

    findings: list[Finding]
    decisions: list[str] = field(default_factory=list)
    replacements: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.decisions:
            self.decisions = [REPLACE] * len(self.findings)
        if not self.replacements:
            self.replacements = [f.suggestion for f in self.findings]

    def answers(self) -> tuple[dict[str, str], list[str]]:
        """(names to add: found text -> replacement, texts to keep)."""
        replace: dict[str, str] = {}
        keep: list[str] = []
        for finding, decision, replacement in zip(self.findings, self.decisions, self.replacements):
            if decision == KEEP or not replacement.strip():
                keep.append(finding.text)
            else:
                replace[finding.listed or finding.text] = replacement.strip()
        return replace, keep


class IdentifierReviewScreen(ModalScreen[Review | None]):
    """Every likely identifier the record would show; ctrl+s writes the record with the answers, escape goes back."""

    CSS_PATH = "redaction.tcss"
    BINDINGS = [
        Binding("r", "replace", "Replace"),
        Binding("k", "keep", "Keep"),
        Binding("n", "names", "Add to names list"),
        Binding("ctrl+s", "done", "Write the record", priority=True),
        Binding("escape", "cancel", "Back to the session"),
    ]

    def __init__(self, findings: list[Finding], people: Iterable[str] = ()) -> None:
        super().__init__()
        self.review = Review(list(findings))
        self._row = 0
        #: the facilitator and participants, as typed: a replacement found in their names is asked about once
        self.people = [p for p in people if p.strip()]
        self._asked_people: dict[str, str] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="review-dialog", classes="dialog"):
            count = len(self.review.findings)
            yield Static(
                f"Before the record is written: {plural(count, 'possible personal detail')}",
                classes="dialog-title",
                markup=False,
            )
            yield Static(
                "⚠ This list shows the details as typed (names, phone numbers, dates of birth, addresses). Blank the "
                "projector or switch it to another input first; escape goes back.",
                id="review-warning",
                markup=False,
                classes="warning",
            )
            yield Static(
                "r replace (with the text below) · k keep as it is · n add to the names list (type what to "
                "say instead) · ctrl+s write the record · escape back to the session",
                markup=False,
                classes="hint",
            )
            table: DataTable = DataTable(id="findings", cursor_type="row", zebra_stripes=True)
            yield table
            with Horizontal(id="replacement-row"):
                yield Static("Replace with:", classes="label")
                yield TextInput(id="replacement", max_length=200)
            yield Static("", id="review-said", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Write the record (ctrl+s)", id="done", variant="primary")
                yield Button("Back to the session (escape)", id="cancel")

    def on_mount(self) -> None:
        table = self.query_one("#findings", DataTable)
        table.add_column("found", key="found")
        table.add_column("looks like", key="kind")
        table.add_column("where", key="where")
        table.add_column("answer", key="answer")
        for index, finding in enumerate(self.review.findings):
            table.add_row(
                Text(finding.text),
                Text(finding.kind),
                Text(", ".join(finding.where) + (f" ({finding.count}x)" if finding.count > 1 else "")),
                self._answer_text(index),
                key=str(index),
            )
        table.focus()
        self._show_row(0)

    def _answer_text(self, index: int) -> Text:
        decision = self.review.decisions[index]
        replacement = self.review.replacements[index]
        if decision == KEEP or not replacement.strip():
            return Text("keep as it is")
        if decision == NAMES:
            return Text(f"names list: {replacement}")
        return Text(f"replace with {replacement}")

    def _refresh_row(self, index: int) -> None:
        self.query_one("#findings", DataTable).update_cell(str(index), "answer", self._answer_text(index))
        said = self.query_one("#review-said", Static)
        if said.has_class("shown") and not people_renamed(self.review.answers()[0], self.people):
            said.remove_class("shown")  # (what it said no longer holds: that answer was changed)

    def _show_row(self, index: int) -> None:
        if not self.review.findings:
            return
        self._row = index
        box = self.query_one("#replacement", Input)
        with box.prevent(Input.Changed):
            box.value = self.review.replacements[index]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_row(event.cursor_row)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "replacement" or not self.review.findings:
            return
        event.stop()
        self.review.replacements[self._row] = event.value
        if self.review.decisions[self._row] == KEEP:
            self.review.decisions[self._row] = REPLACE
        self._refresh_row(self._row)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "replacement":
            return
        event.stop()
        self._refresh_row(self._row)
        self._next_row()

    def _decide(self, decision: str) -> None:
        if not self.review.findings:
            return
        self.review.decisions[self._row] = decision
        if decision == REPLACE and not self.review.replacements[self._row].strip():
            self.review.replacements[self._row] = self.review.findings[self._row].suggestion
            self._show_row(self._row)
        self._refresh_row(self._row)

    def _next_row(self) -> None:
        table = self.query_one("#findings", DataTable)
        table.focus()
        if self._row + 1 < len(self.review.findings):
            table.move_cursor(row=self._row + 1)

    def action_replace(self) -> None:
        self._decide(REPLACE)
        self._next_row()

    def action_keep(self) -> None:
        self._decide(KEEP)
        self._next_row()

    def action_names(self) -> None:
        if not self.review.findings:
            return
        self.review.decisions[self._row] = NAMES
        box = self.query_one("#replacement", Input)
        if self.review.replacements[self._row] == self.review.findings[self._row].suggestion:
            with box.prevent(Input.Changed):
                box.value = ""
            self.review.replacements[self._row] = ""
        self._refresh_row(self._row)
        box.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "done":
            self.action_done()
        else:
            self.action_cancel()

    def action_done(self) -> None:
        replace, _ = self.review.answers()
        renamed = people_renamed(replace, self.people) if replace != self._asked_people else []
        if renamed:
            # ("Smith" of "Hope Smith", replaced, would make the facilitator Jo Smith "Jo Child A" in the record)
            self._asked_people = replace
            name, person, shown = renamed[0]
            said = self.query_one("#review-said", Static)
            said.update(
                f"“{name}” is in the name of {person}, who is at this session: the record would call them “{shown}”. "
                "Keep it (k) or give it another answer, or press ctrl+s again to write the record as it is."
            )
            said.add_class("shown")
            row = next(n for n, f in enumerate(self.review.findings) if f.text == name)
            self.query_one("#findings", DataTable).move_cursor(row=row)
            return
        self.dismiss(self.review)

    def action_cancel(self) -> None:
        self.dismiss(None)


def review_identifiers_then(
    app, session: Session, then: Callable[[Session | None], None], earlier_names: dict[str, str] | None = None,  # noqa: ANN001
) -> None:
    """Scan what the record would show (with the names an earlier session of the team listed: scan_session); if
    anything looks identifying, ask, store the answers, then call `then(session)`. `then(None)` means the
    facilitator went back to the session (or the answers were not saved)."""
    # (the follow-up round's actions as their own sessions hold them now, as the record will show them)
    findings = scan_session(reviews_as_now(app.store, session), case_reference_setting(app.store), earlier_names)
    if not findings:
        then(session)
        return

    def answered(review: Review | None) -> None:
        if review is None:
            then(None)
            return
        replace, keep = review.answers()
        try:
            updated = review_identifiers(app.store, session, replace, keep)
        except StoreError as exc:
            app.notify(str(exc), severity="error", markup=False)
            then(None)
            return
        then(updated)

    app.push_screen(IdentifierReviewScreen(findings, [session.facilitator, *session.participants]), answered)


# ---------------------------------------------------------------------- command palette
class RecordCommands(ListedCommands):
    """Draft exports, the names-to-replace list and apologies, while a session is open."""

    def _commands(self) -> list[tuple[str, str, Callable[[], None]]]:
        screen = self._session_screen()
        if screen is None:
            return []
        commands = [
            (
                f"Export a draft record: {FORMAT_NAMES[fmt]}",
                "Write the record as it stands now, marked as a draft, to the records folder",
                partial(export_draft, self.app, screen, fmt),
            )
            for fmt in FORMATS
        ]
        commands.append(
            (
                "Names to replace in the record",
                "Service users' names and what the record says instead (e.g. Jayden -> Child A)",
                partial(edit_names, self.app, screen),
            )
        )
        commands.append(("Apologies", "Who could not come, for the minutes", partial(edit_apologies, self.app, screen)))
        return commands



def export_draft(app, screen, fmt: str) -> None:  # noqa: ANN001
    try:
        path = export_record(app.store, screen.session, fmt, draft=True)
    except StoreError as exc:
        app.notify(str(exc), severity="error", markup=False)
        return
    app.notify(f"Draft {FORMAT_NAMES[fmt]} written to {path}", title="Draft exported", markup=False, timeout=8)


def edit_names(app, screen) -> None:  # noqa: ANN001
    def saved(names: dict[str, str] | None) -> None:
        if names is None or names == screen.session.redactions:
            return
        try:
            screen.session = set_redactions(app.store, screen.session, names)
            from .actions import refresh_registers, rewrite_later_records

            refresh_registers(app, screen.session.reviewed_session_ids)
            rewrite_later_records(app, screen.session)
            if hasattr(screen, "show_title"):
                screen.show_title()
            if hasattr(screen, "names_saved"):
                screen.names_saved()
        except StoreError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        app.notify(f"{plural(len(names), 'name')} will be replaced in the record.", markup=False)

    session = screen.session
    template = session.template
    texts = [c.text for c in session.contributions if not c.safeguarding]
    texts += [t for phase in template.phases for t in (phase.prompt, phase.guidance, *phase.questions)]
    people = [session.facilitator, *session.participants, *session.apologies]
    earlier = team_names_before(app.store, session)
    app.push_screen(NamesScreen(session.redactions, [*texts, *template.ground_rules], people, earlier), saved)


def edit_apologies(app, screen) -> None:  # noqa: ANN001
    def saved(apologies: list[str] | None) -> None:
        if apologies is None or apologies == screen.session.apologies:
            return
        try:
            screen.session = app.store.update_session(screen.session, apologies=apologies)
        except StoreError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        app.notify("Apologies saved: " + (", ".join(apologies) or "none"), markup=False)

    app.push_screen(ApologiesScreen(screen.session.apologies), saved)
