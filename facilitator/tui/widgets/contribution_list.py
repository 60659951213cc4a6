"""What has been recorded in the current phase, with who said it. User text is never read as markup."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...models import ANONYMOUS, Contribution
from .kind_fields import fields_text


def contribution_text(contribution: Contribution, number: int) -> Text:
    text = Text()
    text.append(f"{number}. ", style="bold")
    if contribution.speaker == ANONYMOUS:
        text.append("anonymous: ", style="italic")
    elif contribution.speaker:
        text.append(f"{contribution.speaker}: ", style="bold")
    text.append(contribution.text)
    extra = fields_text(contribution.fields)
    if extra is not None:
        text.append("\n   ")
        text.append_text(extra)
    return text


class ContributionItem(Static):
    def __init__(self, contribution: Contribution, number: int) -> None:
        super().__init__(contribution_text(contribution, number), classes="contribution")
        self.contribution = contribution


class ContributionList(VerticalScroll, can_focus=False):
    """A scrolling list; new items are added at the bottom and scrolled into view."""

    def __init__(self, contributions: list[Contribution] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._initial = list(contributions or [])

    def compose(self):
        if not self._initial:
            yield Static("Nothing recorded in this phase yet.", classes="empty-note")
        for number, contribution in enumerate(self._initial, start=1):
            yield ContributionItem(contribution, number)

    def show(self, contributions: list[Contribution]) -> None:
        self.remove_children()
        if not contributions:
            self.mount(Static("Nothing recorded in this phase yet.", classes="empty-note"))
            return
        self.mount_all(ContributionItem(c, n) for n, c in enumerate(contributions, start=1))
        self.call_after_refresh(self.scroll_end, animate=False)

    def add(self, contribution: Contribution) -> None:
        for note in self.query(".empty-note"):
            note.remove()
        number = len(self.query(ContributionItem)) + 1
        item = ContributionItem(contribution, number)
        self.mount(item)
        self.call_after_refresh(self.scroll_end, animate=False)
