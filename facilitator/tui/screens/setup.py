"""Setup: title, team, facilitator, date, participants, and the ground rules agreed.

Teams already used are suggested as the team is typed (one spelling: "family support 2" becomes the
"Family Support 2" already used), and the facilitator and participants are filled from that team's last
session, to change as needed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Header, Input, Label, Markdown, Static
from ..widgets.keys_in_order import TextInput

from textual.suggester import SuggestFromList
from textual.worker import Worker, WorkerState

from ...models import Template, split_participants
from ...session_ops import start_session
from ...text import parse_date, plural, team_key
from ...store import StoreError
from ..collector import set_aside
from ..widgets.tick_box import TickBox
from ..widgets.key_bar import KeyBar


#: up to this many sessions, the teams used before are worked out as the screen opens (a few ms); beyond, in a thread
FEW_SESSIONS = 2000


def ground_rules_markdown(template: Template) -> str:
    if not template.ground_rules:
        return "_This template has no written ground rules; agree your own with the group._"
    return "\n".join(f"- {rule}" for rule in template.ground_rules)


class SetupScreen(Screen):
    CSS_PATH = "setup.tcss"
    BINDINGS = [
        Binding("ctrl+s", "start", "Start session", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, template: Template) -> None:
        super().__init__()
        self.template = template
        self.teams: dict[str, tuple[str, str]] = {}  # team_key -> (spelling used, newest session id)
        self._filled: dict[str, str] = {}  # what was filled in from a team's last session
        self._filled_from = ""
        self._ahead = None  # the open actions of the team typed, read for the follow-up round (_read_ahead)
        self._leaving = False  # escape said once that what is typed would be lost
        self._future_asked = None  # a date after today, said once

    def _known_teams(self, *, only_if_ready: bool = False) -> dict[str, tuple[str, str]] | None:
        try:
            return self.app.store.known_teams(only_if_ready=only_if_ready)
        except StoreError:
            return {}

    def _teams_known(self, teams: dict[str, tuple[str, str]] | None) -> None:
        """The teams used before, for the suggestions and the filling in (worked out in a thread when the store
        had not yet: at 20,000 sessions that takes about 0.2 s, not to be spent on the screen's thread)."""
        if teams is None:
            return
        for key, (spelling, session_id) in list(teams.items()):
            # A team whose name holds a name on its sessions' names list is suggested, noted and started as the
            # history shows it ("Child A's family group"), never as typed: the set-up screen is on the projector.
            listed = self.app.store.team_as_listed(spelling, only_if_ready=True)
            if listed:
                teams[key] = (listed[0], session_id)
                teams.setdefault(team_key(listed[0]), (listed[0], session_id))
        self.teams = teams
        box = self.query_one("#team", Input)
        box.suggester = SuggestFromList(list(dict.fromkeys(t for t, _ in teams.values())), case_sensitive=False)
        if box.value.strip():
            self._fill_from_team(box.value)
            self._read_ahead(box.value)

    def compose(self) -> ComposeResult:
        today = self.app.clock().date()
        yield Header()
        with VerticalScroll(id="setup-form"):
            yield Static(f"New session: {self.template.name}", classes="screen-title", markup=False)
            yield Static(self.template.summary, classes="summary", markup=False)
            with Horizontal(classes="field"):
                yield Label("Title", classes="field-label")
                yield TextInput(placeholder=f"{self.template.name}, {today:%-d %B %Y}", id="title")
            with Horizontal(classes="field"):
                yield Label("Team", classes="field-label")
                yield TextInput(placeholder="e.g. Children in Need team 2", id="team")  # suggestions: _teams_known
            yield Static("", id="team-note", markup=False, classes="hint")
            with Horizontal(classes="field"):
                yield Label("Facilitator", classes="field-label")
                yield TextInput(placeholder="who is leading the session", id="facilitator")
            with Horizontal(classes="field"):
                yield Label("Date", classes="field-label")
                yield TextInput(value=today.isoformat(), placeholder="YYYY-MM-DD", id="date")
            with Horizontal(classes="field"):
                yield Label("Participants", classes="field-label")
                yield TextInput(placeholder="names or roles, separated by commas", id="participants")
            yield Static("Ground rules", classes="section-title")
            yield Markdown(ground_rules_markdown(self.template), id="ground-rules")
            yield TickBox("The group agreed the ground rules and confidentiality", id="agreed")
            yield Static("", id="setup-error", markup=False)
            yield Button("Start session (ctrl+s)", id="start", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        store = self.app.store
        teams = self._known_teams(only_if_ready=True)
        if teams is None and store.opening_finished and store.session_count() <= FEW_SESSIONS:
            teams = self._known_teams()
        if teams is not None:
            self._teams_known(teams)
        else:
            self.run_worker(self._known_teams, thread=True, group="teams", exit_on_error=False)
        self.query_one("#team-note").display = False
        self.sub_title = self.template.name
        self.query_one("#title", Input).focus()
        self.call_after_refresh(set_aside)  # once drawn, while the form is filled in (see collector.py)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field, as on a paper form (on the team, it takes the team suggested)."""
        event.stop()
        if event.input.id == "team" and event.value.strip():
            # (one team may be known under two spellings, as typed and as the history shows it: one suggestion)
            starts = list(dict.fromkeys(t for key, (t, _) in self.teams.items() if key.startswith(team_key(event.value))))
            if len(starts) == 1 and team_key(event.value) not in self.teams:
                event.input.value = starts[0]
        self.focus_next()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """The tick given: the sentence asking for it goes (it stayed under the ticked box until ctrl+s)."""
        error = self.query_one("#setup-error", Static)
        if event.checkbox.id == "agreed" and event.value and "Tick that the group agreed" in str(error.render()):
            error.update("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._leaving = False  # (typed since: escape says it again)
        if event.input.id == "team":
            self._fill_from_team(event.value)
            self._read_ahead(event.value)

    def _read_ahead(self, typed: str) -> None:
        """A team used before: its open learning actions read now, in a worker, while the rest of the form is
        filled in, so the follow-up round ctrl+s opens has them at once (read again then if anything changed)."""
        from .actions import TeamActions

        known = self.teams.get(team_key(typed))
        ahead = self._ahead
        if known is None or (
            ahead is not None and team_key(ahead.team) == team_key(known[0])
            and (not ahead.arrived.is_set() or ahead.still_current(self.app))
        ):
            return
        self._ahead = TeamActions(self.app, known[0])

    def _fill_from_team(self, typed: str) -> None:
        """A team used before: the facilitator and participants of its last session, unless already typed."""
        known = self.teams.get(team_key(typed))
        note = self.query_one("#team-note", Static)
        if known is None or known[1] == self._filled_from:
            if known is None:
                note.update("")
                note.display = False
            return
        spelling, session_id = known
        try:
            last = self.app.store.load_session(session_id)
        except StoreError:
            return
        # Not one whose name the session's names list replaces (a family member who came to that session, listed so
        # the record says "Mrs Family D"): the form is on the room's screen, and they are no colleague to expect.
        from ...record.redact import make_replacer

        replace = make_replacer(last.redactions)
        colleagues = [p for p in last.participants if replace(p) == p]
        left_out = len(last.participants) - len(colleagues)
        filled = {"facilitator": last.facilitator, "participants": ", ".join(colleagues)}
        changed = []
        for field_id, value in filled.items():
            box = self.query_one(f"#{field_id}", Input)
            if value and (not box.value.strip() or box.value == self._filled.get(field_id)):
                box.value = value
                changed.append(field_id)
        self._filled = filled
        self._filled_from = session_id
        what = " and ".join(changed)
        note.display = True
        note.update(
            f"{spelling}: last session {last.date:%-d %b %Y}."
            + (f" Filled from it: {what}; change as needed." if changed else "")
            + (f" Left out: {plural(left_out, 'attendee')} whose name is on its names list." if left_out else "")
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "teams" and event.state == WorkerState.SUCCESS:
            self._teams_known(event.worker.result)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def action_back(self) -> None:
        """Back to the home screen; with something typed in the form, the first escape says it would be lost."""
        typed = any(self.query_one(f"#{name}", Input).value.strip() for name in ("title", "team", "facilitator",
                                                                                  "participants"))
        if typed and not self._leaving:
            self._leaving = True
            # (under the field the cursor is in, scrolled into view: at 80x24 the form's foot is off screen)
            near = self.focused if isinstance(self.focused, Input) else self.query_one("#title", Input)
            self._error("Escape again leaves without starting: what is typed here is not kept. ctrl+s starts the "
                        "session.", near=near)
            return
        self.app.pop_screen()

    def _error(self, message: str, near: Widget | None = None) -> None:
        """Show the problem just under the field it is about (where the cursor goes), scrolled into view."""
        error = self.query_one("#setup-error", Static)
        error.update(message)
        if near is not None:
            form = self.query_one("#setup-form", VerticalScroll)
            row = near if near.parent is form else near.parent
            if isinstance(row, Widget) and row.parent is form:
                form.move_child(error, after=row)
            near.focus()
            # After the message's new height is laid out.
            self.call_after_refresh(lambda: self.call_after_refresh(self._show_error, near))

    def _show_error(self, near: Widget) -> None:
        form = self.query_one("#setup-form", VerticalScroll)
        error = self.query_one("#setup-error", Static)
        # The field and its message both in view, at any terminal size.
        form.scroll_to_widget(error, animate=False)
        form.scroll_to_widget(near, animate=False)

    def action_start(self) -> None:
        values = {i.id: i.value for i in self.query(Input)}
        try:
            date = parse_date(values["date"]) if values["date"].strip() else self.app.clock().date()
        except ValueError as exc:
            self._error(f"Date: {exc}.", near=self.query_one("#date", Input))
            return
        today = self.app.clock().date()
        if date > today and self._future_asked != date:
            # (a session dated ahead, by a slip of a digit or a month, dates its actions and their follow-up there)
            self._future_asked = date
            self._error(
                f"Date: {date:%-d %B %Y} is after today ({today:%-d %B %Y}). ctrl+s again starts the session with "
                "it; or change it.",
                near=self.query_one("#date", Input),
            )
            return
        if not self.query_one("#agreed", Checkbox).value:
            self._error(
                "Tick that the group agreed the ground rules before starting (space ticks the box).",
                near=self.query_one("#agreed", Checkbox),
            )
            return
        from .actions import TeamActions, open_with_follow_up

        store = self.app.store
        team = self.teams.get(team_key(values["team"]), (values["team"], ""))[0]
        session_id = store.new_session_id(date)
        # The team's open actions for the follow-up round: read as the form was filled in, if nothing changed since;
        # otherwise read now, while the session is made (dropped if it is not).
        ahead = self._ahead
        if ahead is not None and team_key(ahead.team) == team_key(team) and ahead.still_current(self.app):
            actions = ahead
            actions.session_id = session_id
        else:
            actions = TeamActions(self.app, team, session_id) if team.strip() else None
        try:
            session = start_session(
                store,
                self.template,
                clock=self.app.clock,
                title=values["title"],
                team=team,
                facilitator=values["facilitator"],
                date=date,
                participants=split_participants(values["participants"]),
                ground_rules_agreed=True,
                session_id=session_id,
            )
        except StoreError as exc:
            self._error(str(exc), near=self.query_one("#start", Button))
            return
        open_with_follow_up(self.app, session, actions)
