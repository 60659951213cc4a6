"""The join screen's QR code: what the half-block characters draw is the code segno made for the address, with a
light quiet zone, and a QR reader (zbarimg, when installed) reads the address back from it."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from facilitator.tui.widgets.qr_code import DARK, QUIET, qr_lines

URL = "http://192.168.1.20:8765/j/q3Vx8LkP2mZt7RwA9cYn4HbE5sJd6FgU"


def drawn_modules(url: str) -> list[list[bool]]:
    """Back from the characters to modules: each cell's colour is its upper module, its background the lower."""
    rows: list[list[bool]] = []
    for line in qr_lines(url):
        upper, lower = [], []
        for span in line.spans:
            for _ in range(span.end - span.start):
                upper.append(span.style.color.name == DARK)
                lower.append(span.style.bgcolor.name == DARK)
        rows += [upper, lower]
    return rows


def test_the_drawn_code_is_segnos_code_with_a_quiet_zone():
    import segno

    matrix = [[bool(v) for v in row] for row in segno.make(URL, error="m", boost_error=False).matrix]
    drawn = drawn_modules(URL)
    size = len(matrix)
    assert all(not any(row) for row in drawn[:QUIET])  # light all round
    inner = [row[QUIET : QUIET + size] for row in drawn[QUIET : QUIET + size]]
    assert inner == matrix
    assert not any(any(row[:QUIET] + row[QUIET + size :]) for row in drawn)
    assert not any(any(row) for row in drawn[QUIET + size :])


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="needs zbarimg (apt install zbar-tools) to read the code")
def test_a_qr_reader_reads_the_address_back(tmp_path):
    modules = drawn_modules(URL)
    scale = 8
    lines = [f"P1\n{len(modules[0]) * scale} {len(modules) * scale}\n"]
    for row in modules:
        line = " ".join("1" if dark else "0" for dark in row for _ in range(scale))
        lines += [line + "\n"] * scale
    image = tmp_path / "code.pbm"
    image.write_text("".join(lines))
    read = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True, timeout=60)
    assert read.stdout.strip() == URL, read.stderr
