"""Textual's Footer, built with the screen and rebuilt only when the keys it shows change.

Textual's Footer starts empty and recomposes (removes and mounts all its keys again) every time the
screen's bindings *may* have changed: when the screen is shown, when focus moves, and once more after
each focus change. At start that is three rebuilds of the same keys, each followed by a frame. This one
shows the screen's keys from the start and, when told the bindings may have changed, compares what it
would show with what it shows and rebuilds only if they differ, so it always ends with the same keys.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    # Same name as Textual's, so the CSS type name (and every `Footer` selector) is unchanged.

    _shown_keys: tuple | None = None

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - as Textual's Footer
        super().__init__(*args, **kwargs)
        self.set_reactive(TextualFooter._bindings_ready, True)

    def compose(self):  # noqa: ANN201
        self._shown_keys = self._keys_to_show()
        for widget in super().compose():
            # A key bound to the footer's `compact` starts with the footer's value rather than its own
            # default (True), which it would take at mount and give up at once, restyling itself twice.
            if isinstance(widget, FooterKey) and "compact" in (getattr(widget, "_reactive_connect", None) or {}):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def _keys_to_show(self) -> tuple:
        """Everything compose() reads to build the keys, as a comparable value."""
        if not self._bindings_ready:
            return ()
        app = self.app
        active_bindings = self.screen.active_bindings
        keys = tuple(
            (
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                enabled,
                tooltip,
                None if binding.group is None else (binding.group.description, binding.group.compact),
            )
            for (_, binding, enabled, tooltip) in active_bindings.values()
            if binding.show
        )
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active_bindings.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, tooltip = found
                palette = (binding.key, app.get_key_display(binding), binding.description, binding.action, enabled, binding.tooltip)
        return (True, keys, palette, self.combine_groups)

    async def recompose(self) -> None:
        if self.is_attached and not self._pruning:
            shown = self._keys_to_show()
            if shown == self._shown_keys:
                return
            self._shown_keys = shown
        await super().recompose()
