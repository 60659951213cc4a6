"""The keys the screen offers, on one line at the bottom: what Textual's Footer shows, drawn as one widget.

Textual's Footer is a container with a widget per key, styled and laid out one by one, and rebuilt
(removed and mounted again) whenever the bindings may have changed: on a screen with ten keys that was
about a tenth of a second of every screen's first frame, and again on focus changes. This bar draws the
same keys, in the same colours (the footer variables of the theme), as one line of text, and redraws it
when the screen's bindings change. A click on a key presses it, as in Textual's Footer.

When the keys do not all fit (80 columns), the bar keeps the keys of the moment: a screen may name them,
most important first, in `keys_of_the_moment()` (a list of action names, which can change with the
screen's state); those are kept, in the screen's order, and the others are left out. f1 lists them all.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget


class _Key(NamedTuple):
    key: str
    display: str
    description: str
    enabled: bool


class KeyBar(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--item", "key-bar--separator"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--item {
            background: $footer-item-background;
        }
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-bar--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.show_command_palette = show_command_palette
        #: (first cell, last cell + 1, key) of each key drawn, for clicks
        self._spans: list[tuple[int, int, _Key]] = []
        #: while the bar is drawn: the styles of a key, its description and the whole item; each key's text
        self._styles: tuple[Style, Style, Style] = (Style(), Style(), Style())
        self._items: dict[_Key, Text] = {}

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:  # noqa: ANN001 - the screen
        if self.is_attached and screen is self.screen:
            self.refresh()

    def keys(self) -> tuple[list[_Key], _Key | None]:
        """The keys to show, in the screen's order (one per action), and the command palette's key."""
        app = self.app
        active = self.screen.active_bindings
        shown: list[_Key] = []
        actions: set[str] = set()
        self._actions: dict[int, str] = {}
        for _, binding, enabled, _tooltip in active.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            key = _Key(binding.key, app.get_key_display(binding), binding.description, enabled)
            self._actions[id(key)] = binding.action
            shown.append(key)
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, _tooltip = found
                palette = _Key(binding.key, app.get_key_display(binding), binding.description, enabled)
        return shown, palette

    def _item(self, key: _Key) -> Text:
        # Each key's text made once a drawing (the bar is drawn with every frame of a new screen).
        item = self._items.get(key)
        if item is not None:
            return item
        key_style, description_style, item_style = self._styles
        item = Text.assemble((f" {key.display} ", key_style), (f"{key.description} ", description_style))
        if not key.description:
            item = Text(key.display, style=key_style)
        item.stylize_before(item_style)
        if not key.enabled:
            item.stylize("dim")
        self._items[key] = item
        return item

    def _fitting(self, shown: list[_Key], room: int) -> list[_Key]:
        """The keys that fit in `room` cells: all of them if they fit, else the keys of the moment first."""
        widths = {id(key): self._item(key).cell_len for key in shown}
        if sum(widths.values()) <= room:
            return shown
        wanted = getattr(self.screen, "keys_of_the_moment", None)
        order = list(wanted()) if callable(wanted) else []
        actions = self._actions
        rank = {action: n for n, action in enumerate(order)}
        by_rank = sorted(shown, key=lambda key: rank.get(actions.get(id(key), ""), len(rank)))
        kept: set[int] = set()
        used = 0
        for key in by_rank:
            if used + widths[id(key)] <= room:
                kept.add(id(key))
                used += widths[id(key)]
        return [key for key in shown if id(key) in kept]

    def render(self) -> Text:
        self._styles = (
            self.get_component_rich_style("key-bar--key"),
            self.get_component_rich_style("key-bar--description"),
            self.get_component_rich_style("key-bar--item"),
        )
        self._items = {}
        shown, palette = self.keys()
        width = self.size.width
        # The command palette's key stays at the right edge, as in Textual's Footer; the screen's keys take
        # the room left of it, and those that do not fit are cut off (f1 lists them all).
        right = None
        if palette is not None:
            right = Text("▏", style=self.get_component_rich_style("key-bar--separator"))
            right.append_text(self._item(palette))
            right.append(" ")
            if right.cell_len > width:
                right = None
        room = width - (right.cell_len if right is not None else 0)
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for key in self._fitting(shown, room):
            start = line.cell_len
            if start >= room:
                break
            line.append_text(self._item(key))
            self._spans.append((start, min(line.cell_len, room), key))
        line.truncate(room, pad=True)
        if right is not None:
            start = line.cell_len + 1
            line.append_text(right)
            self._spans.append((start, line.cell_len - 1, palette))
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return
