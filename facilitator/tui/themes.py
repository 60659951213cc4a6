"""The app's registered Textual themes. Colour is never the only cue: shapes and words carry meaning too."""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="facilitator-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFAA00",
    error="#FF5555",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    boost="#262626",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "text-muted": "#E0E0E0",
        "footer-key-foreground": "#FFFF00",
        "input-selection-background": "#FFFF00 40%",
    },
)

PROJECTOR_LIGHT = Theme(
    name="facilitator-light",
    primary="#0040A0",
    secondary="#005F5F",
    accent="#8A3B00",
    warning="#8A5A00",
    error="#B00020",
    success="#1B5E20",
    foreground="#111111",
    background="#FFFFFF",
    surface="#F4F4F4",
    panel="#E6E6E6",
    dark=False,
)

APP_THEMES = [HIGH_CONTRAST, PROJECTOR_LIGHT]
DEFAULT_THEME = "textual-dark"
PROJECTOR_THEME = HIGH_CONTRAST.name
