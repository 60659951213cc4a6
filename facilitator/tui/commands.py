"""A command palette provider built from a list of (title, help, callback) entries."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

Command = tuple[str, str, Callable[[], object]]


class ListedCommands(Provider):
    """Subclasses return their commands from `_commands()`; discovery and fuzzy search are shared."""

    def _commands(self) -> list[Command]:
        raise NotImplementedError

    def _session_screen(self):  # noqa: ANN202 - SessionScreen, imported lazily to keep start-up light
        """The open session screen, if any, even under a dialog."""
        from .screens.session import SessionScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, SessionScreen):
                return screen
        return None

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
