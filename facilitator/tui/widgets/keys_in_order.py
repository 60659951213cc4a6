"""Text boxes whose own keys act in the order they were typed.

Textual hands a key a box does not take as a character (backspace, delete, the arrows, home, end, ctrl+w, ...) up
through every widget around the box to the app, which then runs the box's binding for it; the characters typed
just after it go straight into the box meanwhile. With keys arriving in a burst (a laggy remote terminal, a text
expander, a fast typist), "31/02/2027", ten backspaces and "in 2 weeks" came out as "3in 2 week": the last
backspace ran after the words. These boxes run their own bindings as the key reaches them, in its turn with the
characters around it, as the app would have run them (a key the box does not bind still goes up to the screen and
the app).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea


def hold(widget: object) -> object:
    """A token the app waits on before it reads the next key (see FacilitatorApp.on_event): the work a key started
    (a contribution recorded from what the boxes held at enter) done before the keys after it reach the boxes."""
    token = object()
    held = getattr(getattr(widget, "app", None), "keys_held", None)
    if held is not None:
        held.add(token)
    return token


def release(widget: object, token: object) -> None:
    held = getattr(getattr(widget, "app", None), "keys_held", None)
    if held is not None:
        held.discard(token)


class KeysInOrder:
    """A mixin for a text widget: its own bindings run when the key reaches it (see the module's docstring)."""

    async def on_event(self, event: events.Event) -> None:
        try:
            await super().on_event(event)  # type: ignore[misc]
        finally:
            if isinstance(event, events.Key):
                release(self, event)  # (handled: the app may read the next key)

    async def _on_key(self, event: events.Key) -> None:
        await super()._on_key(event)  # type: ignore[misc]
        if event.is_printable or event._stop_propagation or event._no_default_action:
            return  # (taken as a character, or handled by the widget itself)
        for binding in self._bindings.key_to_bindings.get(event.key, ()):  # type: ignore[attr-defined]
            # (App.run_action says whether the action ran; a widget's own run_action does not)
            if not binding.priority and await self.app.run_action(binding.action, self):  # type: ignore[attr-defined]
                event.stop()
                event.prevent_default()
                return


class TextInput(KeysInOrder, Input):
    """Input, its own keys acting in the order typed."""


class TextEditor(KeysInOrder, TextArea):
    """TextArea, its own keys acting in the order typed."""
