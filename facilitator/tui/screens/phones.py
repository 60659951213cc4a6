"""Phones in the room: the join screen for the projector (a large QR code and the short address), and the
review of what phones sent, one item at a time, before it is shown to the room."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ...text import shortened
from ..widgets.qr_code import QRCode

if TYPE_CHECKING:
    from .session import SessionScreen

HERE = Path(__file__).parent


class JoinScreen(Screen[None]):
    """What the room sees while phones join. Escape goes back to the session (phones stay open); x closes
    phone access (everyone is cut off, and the next opening has a new code)."""

    CSS_PATH = HERE / "phones.tcss"
    BINDINGS = [
        Binding("escape,f10", "back", "Back to the session"),
        Binding("x", "close_phones", "Close phone access"),
    ]

    def __init__(self, session_screen: SessionScreen, url: str | None = None) -> None:
        super().__init__()
        self.session_screen = session_screen
        self.url = url or session_screen.phones_url

    def compose(self) -> ComposeResult:
        with Vertical(id="join"):
            yield Static("Join from your phone: scan the code, or type the address", id="join-title", markup=False)
            with Center():
                yield QRCode(self.url, id="join-qr")
            yield Static(self.url, id="join-address", markup=False)
            yield Static("", id="join-count", markup=False)
            yield Static(
                "Same wifi as this screen · no app, no account · anonymous unless you add a name",
                id="join-note", markup=False,
            )
            yield Static("escape back to the session · x close phone access", id="join-keys", markup=False)

    def on_mount(self) -> None:
        self._update()
        self.set_interval(1, self._update)

    def _update(self) -> None:
        self.query_one("#join-count", Static).update(self.session_screen.phones_summary())

    def action_back(self) -> None:
        self.dismiss()

    async def action_close_phones(self) -> None:
        await self.session_screen.close_phones()
        self.dismiss()


class WaitingScreen(ModalScreen[None]):
    """What phones sent, one item at a time, seen by the facilitator before the room: first a reminder to blank
    the projector (enter goes on), then enter shows the item to the room, x rejects it, n (or down) leaves it
    waiting and goes to the next; escape goes back."""

    CSS_PATH = HERE / "phones.tcss"
    BINDINGS = [
        Binding("enter", "reveal", "Show to the room", priority=True),
        Binding("x", "reject", "Reject"),
        Binding("n,down", "next", "Next"),
        Binding("escape", "close", "Back"),
        Binding("pageup", "scroll_item(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_item(1)", "Scroll down", show=False),
    ]

    def __init__(self, session_screen: SessionScreen) -> None:
        super().__init__()
        self.session_screen = session_screen
        self.at = 0
        self.ready = False  # the facilitator has blanked the projector and pressed enter

    def compose(self) -> ComposeResult:
        with Vertical(id="waiting-dialog", classes="dialog"):
            yield Static("From phones, waiting to be shown", classes="dialog-title", markup=False)
            yield Static("", id="waiting-where", markup=False)
            # a long item scrolls (pageup/pagedown), so the keys stay on a small screen
            with VerticalScroll(id="waiting-scroll", can_focus=False):
                yield Static("", id="waiting-item", markup=False)
            # (the rating, owner, evidence ... below the text, never scrolled out of sight by a long text)
            yield Static("", id="waiting-fields", markup=False)
            yield Static("enter show to the room · x reject · n next · escape back", id="waiting-keys", markup=False)

    def on_mount(self) -> None:
        self._show()

    def _items(self):  # noqa: ANN202
        return self.session_screen.waiting_items()

    def _show(self) -> None:
        items = self._items()
        if not self.ready:
            self.query_one("#waiting-where", Static).update(
                f"{len(items)} waiting. Before reading them: blank or freeze the projector, so the room sees only "
                "what you choose to show."
            )
            self.query_one("#waiting-item", Static).update("")
            self.query_one("#waiting-fields", Static).display = False
            self.query_one("#waiting-keys", Static).update("enter read them · escape back")
            return
        self.query_one("#waiting-keys", Static).update("enter show to the room · x reject · n next · escape back")
        if not items:
            self.query_one("#waiting-where", Static).update("Nothing is waiting.")
            self.query_one("#waiting-item", Static).update("")
            self.query_one("#waiting-fields", Static).display = False
            return
        self.at %= len(items)
        item = self.session_screen.as_room_sees(items[self.at])  # as the room would see it: the names list applied
        phase = self.session_screen.phase_label(item.phase_id)
        who = "anonymous" if item.speaker in (None, "anonymous") else item.speaker
        self.query_one("#waiting-where", Static).update(f"{self.at + 1} of {len(items)} · {phase} · {who}")
        extra = "\n".join(f"{key}: {value}" for key, value in item.fields.items() if key != "due_said")
        self.query_one("#waiting-item", Static).update(item.text)
        fields = self.query_one("#waiting-fields", Static)
        fields.update(extra)
        fields.display = bool(extra)
        self.query_one("#waiting-scroll", VerticalScroll).scroll_home(animate=False)

    def _current(self):  # noqa: ANN202
        items = self._items()
        return items[self.at % len(items)] if items else None

    def action_reveal(self) -> None:
        if not self.ready:
            self.ready = True
            self._show()
            return
        item = self._current()
        if item is not None:
            self.session_screen.reveal_phones([item])
        self._show()

    def action_reject(self) -> None:
        if not self.ready:
            return
        item = self._current()
        if item is not None:
            self.session_screen.reject_phone(item)
        self._show()

    def action_next(self) -> None:
        self.at += 1
        self._show()

    def action_scroll_item(self, step: int) -> None:
        scroll = self.query_one("#waiting-scroll", VerticalScroll)
        scroll.scroll_page_down(animate=False) if step > 0 else scroll.scroll_page_up(animate=False)

    def action_close(self) -> None:
        self.dismiss()


class VoteScreen(Screen[None]):
    """The dot vote as the room sees it: each item with its votes as a bar. up/down choose an item, + (or enter)
    adds a vote for someone without a phone, c closes the vote (the result goes into the record), escape goes
    back to the session with the vote still open."""

    CSS_PATH = HERE / "phones.tcss"
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("plus,enter", "add", "Add a vote"),
        Binding("c", "close_vote", "Close the vote"),
        Binding("escape,f12", "back", "Back to the session"),
    ]

    def __init__(self, session_screen: SessionScreen) -> None:
        super().__init__()
        self.session_screen = session_screen
        self.chosen = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="vote"):
            yield Static("Dot vote", id="vote-title", markup=False)
            with VerticalScroll(id="vote-scroll", can_focus=False):
                yield Static("", id="vote-bars", markup=False)
            yield Static("", id="vote-count", markup=False)
            yield Static("↑↓ choose · + add a vote for someone without a phone · c close the vote · escape back",
                         id="vote-keys", markup=False)

    def on_mount(self) -> None:
        self._update()
        self.set_interval(0.5, self._update)

    def on_resize(self) -> None:
        self._update()

    def _update(self) -> None:
        from rich.text import Text
        from textual.geometry import Region

        items = self.session_screen.vote_items()
        if not items:
            self.query_one("#vote-bars", Static).update("No vote is open.")
            return
        self.chosen %= len(items)
        # A second vote in a phase: each item's count in the record is this vote's once it closes (said before, the
        # first vote's counts went from the record without a word; they stay in the phones' file).
        if any(c.fields.get("votes") for c, _ in items):
            self.query_one("#vote-title", Static).update(
                "Dot vote: when it closes, its counts replace this phase's earlier vote in the record")
        most = max((n for _, n in items), default=0) or 1
        width = max(10, min(60, self.size.width // 2))
        scroll = self.query_one("#vote-scroll", VerticalScroll)
        # The items scroll between the title and the lines under them, which stay in sight (with more items than
        # fit, the total and the keys went off the screen, and the chosen item with them).
        scroll.styles.max_height = max(4, self.size.height - 9)
        room = max(20, min(70, (scroll.size.width or 72) - 4))  # one line an item's words: two lines an item
        out = Text()
        for index, (contribution, count) in enumerate(items):
            if index:
                out.append("\n")
            mark = "▶ " if index == self.chosen else "  "
            text = shortened(self.session_screen.as_room_sees(contribution).text, room)  # the names list applied
            out.append(mark + text + "\n", style="bold" if index == self.chosen else "")
            out.append("  " + "█" * round(width * count / most), style="green")
            out.append(f" {count}")
        self.query_one("#vote-bars", Static).update(out)
        self.call_after_refresh(scroll.scroll_to_region, Region(0, 2 * self.chosen, 1, 2), animate=False)
        total = sum(n for _, n in items)
        vote = self.session_screen._vote
        each = vote.per_phone if vote is not None else 0
        self.query_one("#vote-count", Static).update(
            f"{total} vote{'' if total == 1 else 's'} · {each} for each phone, on the page it joined "
            "(f10 in the session shows the join code)"
        )

    def action_move(self, step: int) -> None:
        self.chosen += step
        self._update()

    def action_add(self) -> None:
        items = self.session_screen.vote_items()
        if items:
            self.session_screen.facilitator_vote(items[self.chosen % len(items)][0].id)
        self._update()

    def action_close_vote(self) -> None:
        self.session_screen.close_vote()
        self.dismiss()

    def action_back(self) -> None:
        self.dismiss()
