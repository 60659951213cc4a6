"""A QR code drawn with half-block characters: two rows of modules in each line of the terminal.

Dark modules are black on white whatever the theme, with a quiet zone around the code, so a phone's camera
reads it from the projected screen.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

LIGHT = "white"
DARK = "black"
QUIET = 2  # modules of white around the code


def qr_lines(data: str) -> list[Text]:
    import segno

    qr = segno.make(data, error="m", boost_error=False)
    size = len(qr.matrix)
    width = size + 2 * QUIET

    def dark(row: int, col: int) -> bool:
        r, c = row - QUIET, col - QUIET
        return 0 <= r < size and 0 <= c < size and bool(qr.matrix[r][c])

    rows = size + 2 * QUIET
    lines = []
    for top in range(0, rows, 2):
        line = Text()
        for col in range(width):
            upper, lower = dark(top, col), top + 1 < rows and dark(top + 1, col)
            line.append("▀", Style(color=DARK if upper else LIGHT, bgcolor=DARK if lower else LIGHT))
        lines.append(line)
    return lines


class QRCode(Widget):
    DEFAULT_CSS = """
    QRCode {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, data: str, **kwargs) -> None:  # noqa: ANN003 - Widget's keyword arguments
        super().__init__(**kwargs)
        self.data = data
        self._lines = qr_lines(data)

    def render(self) -> Text:
        return Text("\n").join(self._lines)

    def get_content_width(self, container, viewport) -> int:  # noqa: ANN001
        return self._lines[0].cell_len if self._lines else 0

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        return len(self._lines)
