"""Projector mode and remembered themes, mixed into the app; the phase title in large letters.

Projector mode is the room view: the high-contrast theme, the phase title in large letters, the question
across the whole width, the contributions in columns, the timer in large digits and one line of keys
(projector.tcss). Textual has no font sizes: the title is drawn in the FIGlet font "future", three
rows of box-drawing strokes in the style of Textual's Digits (the timer), so title and timer read alike
from the back of the room. A title that does not fit the width, or has a letter the font lacks (an
accent, a curly quote), is shown as it is, bold, in a tall band: never a title with letters missing.
The app's themes are registered Textual themes; the chosen theme (one for normal use, one for projector
mode) and whether projector mode is on are remembered in <data>/preferences.json (store/prefs.py).
"""

from __future__ import annotations

from functools import lru_cache

from rich.text import Text
from textual.widgets import Static

from ..store.prefs import read_prefs, write_prefs
from .themes import APP_THEMES, PROJECTOR_THEME

BIG_FONT = "future"


@lru_cache(maxsize=1)
def _figlet():  # noqa: ANN202 - a pyfiglet.Figlet, loaded the first time projector mode draws a title
    import pyfiglet

    return pyfiglet.Figlet(font=BIG_FONT, width=10_000)


@lru_cache(maxsize=64)
def big_letters(title: str) -> tuple[str, ...] | None:
    """The title in three rows of large letters, or None if the font lacks one of its letters."""
    title = " ".join(title.split())
    if not title:
        return None
    try:
        figlet = _figlet()
    except Exception:  # noqa: BLE001 - large letters are a nicety: the plain title is shown instead
        return None
    known = figlet.Font.chars
    if any(ord(char) not in known for char in title):
        return None
    rows = [row.rstrip() for row in figlet.renderText(title).splitlines()]
    while rows and not rows[-1].strip():
        rows.pop()
    return tuple(rows) or None


class PhaseTitle(Static):
    """The phase title: plain and bold on the session screen, in large letters in projector mode."""

    def __init__(self, title: str, **kwargs) -> None:
        super().__init__(title, markup=False, **kwargs)
        self.title_text = title

    def update(self, content="") -> None:  # noqa: ANN001 - as Static.update
        self.title_text = str(content)
        super().update(content)

    def big(self) -> bool:
        """True if the title is drawn in large letters at the widget's present width."""
        if not self.is_attached or not self.screen.has_class("-projector"):
            return False
        rows = big_letters(self.title_text)
        return rows is not None and max(len(row) for row in rows) <= self.content_region.width

    def render(self):  # noqa: ANN201 - a Rich Text, or Static's own visual
        if self.big():
            return Text("\n".join(big_letters(self.title_text)), no_wrap=True, end="")
        return super().render()

    def on_resize(self) -> None:
        self.refresh()


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
            for title in screen.query(PhaseTitle):
                title.refresh(layout=True)

    def _done_saving_theme(self) -> None:
        self._saving_theme = False

    def action_toggle_projector(self) -> None:
        self.set_projector(not self.projector)
        self.notify(
            "Projector mode on: the room view, large title, question and timer. f2 turns it off."
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
