"""A file's path shown whole, its lines broken after a folder's "/" where it is wider than the screen: a record's
path at 80 columns broke mid-name ("…-202" / "61122-s001.md"), and whoever files the minutes copies it."""

from __future__ import annotations

import os

from textual import events
from textual.widgets import Static


def path_lines(path: str, width: int) -> str:
    """``path`` as lines of at most ``width`` cells, each but the last ending with a separator; a single name
    longer than ``width`` is left for the widget to fold."""
    if width <= 0 or len(path) <= width:
        return path
    parts = [part + os.sep for part in path.split(os.sep)]
    parts[-1] = parts[-1][: -len(os.sep)]
    lines, line = [], ""
    for part in parts:
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = ""
        line += part
    lines.append(line)
    return "\n".join(lines)


class PathText(Static):
    """Static text of a path, laid out by path_lines for its width."""

    def __init__(self, path: str, **kwargs) -> None:  # noqa: ANN003
        super().__init__(path, markup=False, **kwargs)
        self.path = path

    def on_resize(self, event: events.Resize) -> None:
        self.update(path_lines(self.path, event.size.width))
