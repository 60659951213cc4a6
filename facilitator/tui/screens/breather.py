"""A pause for the room when a story is hard to hear, and the ground rules on demand."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from ...models import Template

HERE = Path(__file__).parent


class PauseScreen(ModalScreen[None]):
    """Covers the projected session with a calm, content-free screen."""

    CSS_PATH = HERE / "breather.tcss"

    BINDINGS = [Binding("escape,enter,space", "close", "Carry on")]

    def compose(self) -> ComposeResult:
        with Vertical(id="pause", classes="breather"):
            yield Static("Let's take a breather", id="pause-title")
            yield Static(
                "Take a moment. Get some water, stretch, step outside if you need to.\n"
                "Nothing is lost: the session carries on where it was.\n\n"
                "Press enter when the group is ready to carry on.",
                id="pause-text",
            )

    def action_close(self) -> None:
        self.dismiss(None)


class GroundRulesScreen(ModalScreen[bool]):
    """The ground rules on the projector. Their agreement not recorded yet (a session started with `facilitator
    new`, or the tick left on the set-up screen), a records it: dismissed with True (the record said it was never
    recorded, and nothing could record it once the session had started)."""

    CSS_PATH = HERE / "breather.tcss"
    BINDINGS = [
        Binding("escape,enter", "close", "Back to the session"),
        Binding("a", "agree", "The group agrees them"),
    ]

    def __init__(self, template: Template, agreed: bool) -> None:
        super().__init__()
        self.template = template
        self.agreed = agreed

    def compose(self) -> ComposeResult:
        rules = "\n".join(f"- {rule}" for rule in self.template.ground_rules) or "_No written ground rules._"
        state = "The group agreed these." if self.agreed else "Not recorded as agreed yet: press a when the group agrees."
        with Vertical(id="ground-rules-dialog", classes="dialog"):
            yield Static("Our ground rules (escape to go back)", classes="dialog-title")
            # (above the rules: at 24 rows the rules fill the dialog, and a line below them was cut off)
            yield Static(state, classes="hint", id="ground-rules-state")
            yield Markdown(rules)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "agree":
            return not self.agreed
        return True

    def action_agree(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
