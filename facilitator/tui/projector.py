"""Projector mode and remembered themes, mixed into the app.

Projector mode: the high-contrast theme, a large phase title and timer, the guidance text hidden.
The app's themes are registered Textual themes; the chosen theme (one for normal use, one for projector
mode) and whether projector mode is on are remembered in <data>/preferences.json (store/prefs.py).
"""

from __future__ import annotations

from ..store.prefs import read_prefs, write_prefs
from .themes import APP_THEMES, PROJECTOR_THEME


class ProjectorMixin:
    """For FacilitatorApp: call setup_projector() in __init__ and watch_theme_choice() in on_mount."""

    projector: bool = False

    def setup_projector(self, fallback_theme: str) -> None:
        for theme in APP_THEMES:
            self.register_theme(theme)
        prefs = read_prefs(self.store.data_dir)
        self.projector = bool(prefs.get("projector", False))
        key = "projector_theme" if self.projector else "theme"
        default = PROJECTOR_THEME if self.projector else fallback_theme
        chosen = prefs.get(key)
        self.theme = chosen if isinstance(chosen, str) and chosen in self.available_themes else default
        self._saving_theme = False

    def watch_theme_choice(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_chosen)

    def _save_prefs(self, **changes: object) -> None:
        try:
            write_prefs(self.store.data_dir, **changes)
        except OSError as exc:
            self.notify(f"Could not remember the display choice ({exc}); it applies until you quit.", markup=False)

    def _theme_chosen(self, theme) -> None:  # noqa: ANN001 - a textual Theme
        if self._saving_theme:
            return
        self._save_prefs(**{("projector_theme" if self.projector else "theme"): theme.name})

    def set_projector(self, on: bool) -> None:
        if on == self.projector:
            return
        prefs = read_prefs(self.store.data_dir)
        if on:
            # Remember the normal theme as it is now, then switch to the projector's.
            changes = {"theme": self.theme, "projector": True}
            wanted = prefs.get("projector_theme", PROJECTOR_THEME)
        else:
            changes = {"projector_theme": self.theme, "projector": False}
            wanted = prefs.get("theme", "textual-dark")
        self.projector = on
        self._saving_theme = True
        try:
            self.theme = wanted if wanted in self.available_themes else (PROJECTOR_THEME if on else "textual-dark")
        finally:
            self.call_next(self._done_saving_theme)
        self._save_prefs(**changes)
        for screen in self.screen_stack:
            if hasattr(screen, "set_projector"):
                screen.set_projector(on)

    def _done_saving_theme(self) -> None:
        self._saving_theme = False

    def action_toggle_projector(self) -> None:
        self.set_projector(not self.projector)
        self.notify(
            "Projector mode on: high contrast, large title and timer. f2 turns it off."
            if self.projector
            else "Projector mode off.",
            markup=False,
            timeout=3,
        )

    async def action_quit(self) -> None:
        # The time spent in the current phase is kept when the app is quit mid-session.
        for screen in self.screen_stack:
            save = getattr(screen, "save_time", None)
            if save is not None:
                try:
                    save()
                except Exception:  # noqa: BLE001 - quitting must never be blocked
                    pass
        await super().action_quit()
