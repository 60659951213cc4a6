"""What has been recorded in the current phase, with who said it. User text is never read as markup.

The list can take the focus (up from the contribution box, or ctrl+l) to choose one contribution: up/down
move, and e, d, m, s, t, ! ask the screen to edit, delete, move, star, tag or flag it. Contributions
flagged as safeguarding concerns are never shown here: the list is what the room sees.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from ...models import ANONYMOUS, Contribution
from ...safeguarding import shown
from .kind_fields import fields_text

EMPTY_NOTE = "Nothing recorded in this phase yet."


def contribution_text(contribution: Contribution, number: int) -> Text:
    text = Text()
    text.append(f"{number}. ", style="bold")
    if contribution.starred:
        text.append("★ ", style="bold")
    if contribution.speaker == ANONYMOUS:
        text.append("anonymous: ", style="italic")
    elif contribution.speaker:
        text.append(f"{contribution.speaker}: ", style="bold")
    text.append(contribution.text)
    if contribution.tags:
        text.append("  ")
        text.append("  ".join(f"#{tag}" for tag in contribution.tags), style="italic")
    extra = fields_text(contribution.fields)
    if extra is not None:
        text.append("\n   ")
        text.append_text(extra)
    return text


class ContributionItem(Static):
    def __init__(self, contribution: Contribution, number: int) -> None:
        super().__init__(contribution_text(contribution, number), classes="contribution")
        self.contribution = contribution
        self.set_class(contribution.starred, "-starred")


class ContributionList(VerticalScroll, can_focus=True):
    """A scrolling list; new items are added at the bottom and scrolled into view."""

    BINDINGS = [
        Binding("up", "move(-1)", "Earlier", show=False),
        Binding("down", "move(1)", "Later", show=False),
        Binding("home", "move_to(0)", show=False),
        Binding("end", "move_to(-1)", show=False),
        Binding("e,enter", "act('edit')", "Edit"),
        Binding("d,delete", "act('delete')", "Delete"),
        Binding("m", "act('move')", "Move"),
        Binding("shift+up", "act('earlier')", "Earlier in the story", show=False),
        Binding("shift+down", "act('later')", "Later in the story", show=False),
        Binding("s", "act('star')", "Star"),
        Binding("t", "act('tag')", "Tag"),
        Binding("exclamation_mark", "act('flag')", "Safeguarding"),
    ]

    class Chosen(Message):
        """Something to do to the chosen contribution: edit, delete, move, star, tag or flag."""

        def __init__(self, action: str, contribution: Contribution) -> None:
            super().__init__()
            self.action = action
            self.contribution = contribution

    class FocusChanged(Message):
        def __init__(self, focused: bool) -> None:
            super().__init__()
            self.focused = focused

    def __init__(self, contributions: list[Contribution] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._initial = shown(contributions or [])
        self.selected: int | None = None

    def compose(self):
        if not self._initial:
            yield Static(EMPTY_NOTE, classes="empty-note")
        for number, contribution in enumerate(self._initial, start=1):
            yield ContributionItem(contribution, number)

    # ------------------------------------------------------------------ contents
    @property
    def items(self) -> list[ContributionItem]:
        return list(self.query_children(ContributionItem))

    @property
    def chosen(self) -> Contribution | None:
        """The contribution marked in the list; None once the list has lost focus (its mark is gone then)."""
        items = self.items
        if self.selected is None or not items or not self._focused:
            return None
        return items[min(self.selected, len(items) - 1)].contribution

    def show(self, contributions: list[Contribution], keep: str | None = None) -> None:
        """Show a phase's contributions (flagged ones left out); keep the choice on `keep` (an id) if it is there."""
        visible = shown(contributions)
        chosen = keep or (self.chosen.id if self.chosen else None)
        self.remove_children()
        self.selected = None
        if not visible:
            self.mount(Static(EMPTY_NOTE, classes="empty-note"))
            return
        self.mount_all(ContributionItem(c, n) for n, c in enumerate(visible, start=1))
        ids = [c.id for c in visible]
        if self._focused:
            self.selected = ids.index(chosen) if chosen in ids else len(ids) - 1
            self.call_after_refresh(self._mark)
        else:
            self.call_after_refresh(self.scroll_end, animate=False)

    def add(self, contribution: Contribution) -> None:
        if contribution.safeguarding:
            return
        for note in self.query_children(".empty-note"):
            note.remove()
        number = len(self.query_children(ContributionItem)) + 1
        item = ContributionItem(contribution, number)
        self.mount(item)
        self.call_after_refresh(self.scroll_end, animate=False)

    # ------------------------------------------------------------------ choosing
    @property
    def _focused(self) -> bool:
        # has_focus is set after on_focus/on_blur run; the screen knows first.
        return self.is_attached and self.screen.focused is self

    def _mark(self) -> None:
        items = self.items
        focused = self._focused
        for index, item in enumerate(items):
            item.set_class(focused and index == self.selected, "-chosen")
        if focused and self.selected is not None and items:
            self.scroll_to_widget(items[self.selected], animate=False)

    def on_focus(self) -> None:
        items = self.items
        if items and (self.selected is None or self.selected >= len(items)):
            self.selected = len(items) - 1
        self._mark()
        self.post_message(self.FocusChanged(True))

    def on_blur(self) -> None:
        self._mark()
        self.post_message(self.FocusChanged(False))

    def action_move(self, delta: int) -> None:
        items = self.items
        if not items:
            return
        current = len(items) - 1 if self.selected is None else self.selected
        self.selected = max(0, min(len(items) - 1, current + delta))
        self._mark()

    def action_move_to(self, index: int) -> None:
        items = self.items
        if items:
            self.selected = index % len(items)
            self._mark()

    def action_act(self, action: str) -> None:
        chosen = self.chosen
        if chosen is not None:
            self.post_message(self.Chosen(action, chosen))
