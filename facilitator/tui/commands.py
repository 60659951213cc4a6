"""A command palette provider built from a list of (title, help, callback) entries."""

from __future__ import annotations

import sys
from collections.abc import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

Command = tuple[str, str, Callable[[], object]]


def open_session_screen(app):  # noqa: ANN001, ANN201 - FacilitatorApp -> SessionScreen | None
    """The session screen on the app's stack, if any (even under a dialog). Its module (and pydantic with it)
    is not imported to find out: if it has never been imported, no session screen can be open."""
    module = sys.modules.get(f"{__package__}.screens.session")
    if module is None:
        return None
    for screen in reversed(app.screen_stack):
        if isinstance(screen, module.SessionScreen):
            return screen
    return None


class ListedCommands(Provider):
    """Subclasses return their commands from `_commands()`; discovery and fuzzy search are shared."""

    def _commands(self) -> list[Command]:
        raise NotImplementedError

    def _session_screen(self):  # noqa: ANN202 - SessionScreen
        """The open session screen, if any, even under a dialog."""
        return open_session_screen(self.app)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
