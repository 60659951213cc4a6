"""Odd bytes from the terminal or the command line never end the app, and no control character is kept.

The app runs for real in a subprocess on a pseudo-terminal (python's pty module), as in a terminal window.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
import time
import unicodedata
from pathlib import Path

import pytest

TEMPLATE = "quick-success-huddle"
READY = b"Type what was said"  # the contribution box's placeholder: the session screen is up
BRACKETED_PASTE = (b"\x1b[200~", b"\x1b[201~")


class TerminalApp:
    """`facilitator ...` on a pseudo-terminal of 120x40: keys in, screen bytes collected."""

    def __init__(self, data_dir: Path, *args: str) -> None:
        env = {**os.environ, "TERM": "xterm-256color", "FACILITATOR_DATA_DIR": str(data_dir), "TEXTUAL_ANIMATIONS": "none"}
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "facilitator", *args], stdin=slave, stdout=slave, stderr=slave, env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.screen = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the app has gone and the terminal is closed
                return
            if not chunk:
                return
            self.screen.extend(chunk)

    def wait_for(self, text: bytes, timeout: float = 30, start: int = 0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.screen[start:]:
                return True
            if self.proc.poll() is not None:
                return text in self.screen[start:]
            time.sleep(0.05)
        return False

    def send(self, data: bytes, settle: float = 0.4) -> None:
        os.write(self.master, data)
        time.sleep(settle)

    def close(self) -> int | None:
        try:
            return self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        finally:
            self._reader.join(timeout=5)
            os.close(self.master)


def cli(data_dir: Path, *args: str | bytes) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), *args],
        capture_output=True, timeout=60,
    )


def control_characters(text: str) -> list[str]:
    return [f"U+{ord(ch):04X}" for ch in text if ch not in "\n" and unicodedata.category(ch) in ("Cc", "Cs")]


def test_bytes_that_are_not_utf8_and_8bit_controls_never_end_the_app(tmp_path: Path):
    data = tmp_path / "data"
    app = TerminalApp(data, "new", "--template", TEMPLATE, "--title", "Odd bytes")
    try:
        assert app.wait_for(READY), bytes(app.screen[-2000:]).decode("utf-8", "replace")
        time.sleep(0.5)
        mark = len(app.screen)
        # One byte that is not UTF-8, an 8-bit CSI (U+009B) typed as a key and as a raw byte, then text.
        app.send(b"Before \xff after", settle=0)
        assert app.wait_for(b"after", timeout=10, start=mark)  # shown in the box
        app.send("\u009b".encode())
        app.send(b"\x9b31m")
        app.send(b" typed\r", settle=0)
        assert app.wait_for(b"typed", timeout=10, start=mark)
        assert app.proc.poll() is None, "the app ended after a byte that is not UTF-8"
        # A paste (bracketed, as terminals send it) with C0 and C1 controls and escape sequences inside.
        pasted = "Pasted \u009b2J\u0085next\x07bell \x1b[31mred\x1b[0m \u0090dcs\x1b\\ end".encode()
        shown_before = len(app.screen)
        app.send(BRACKETED_PASTE[0] + pasted + BRACKETED_PASTE[1], settle=0)
        assert app.wait_for(b"end", timeout=10, start=shown_before)  # shown in the box
        app.send(b"\r")
        assert app.proc.poll() is None
        # Still listening: what is typed next is recorded too.
        app.send(b"Still listening\r", settle=0)
        assert app.wait_for(b"Still listening", start=mark)
        shown = bytes(app.screen[mark:])
        assert "\u009b".encode() not in shown and b"\x9b" not in shown.replace("\u009b".encode(), b"")
        assert "\u0085".encode() not in shown and "\u0090".encode() not in shown
        app.send(b"\x11")  # ctrl+q
    finally:
        code = app.close()
    assert code == 0, bytes(app.screen[-3000:]).decode("utf-8", "replace")
    assert b"Traceback" not in app.screen and b"UnicodeDecodeError" not in app.screen

    listed = cli(data, "sessions", "list")
    session_id = listed.stdout.decode().split("\t")[0]
    record = Path(cli(data, "export", session_id, "--format", "md").stdout.decode().strip())
    text = record.read_text(encoding="utf-8")
    body = text.split("## 1. ", 1)[1]
    assert "Before \ufffd after" in body and "typed" in body  # the stray byte shows where it was
    assert "Pasted" in body and "next" in body and "red" in body and "end" in body and "Still listening" in body
    assert control_characters(text) == []
    assert "31m" not in body.split("Pasted", 1)[1] and "2J" not in body


TEXT_OPTIONS = [
    ["new", "--template", TEMPLATE, "--title", b"caf\xff review"],
    ["new", "--template", TEMPLATE, "--team", b"\xff"],
    ["new", "--template", TEMPLATE, "--facilitator", b"Jo \xfe"],
    ["new", "--template", TEMPLATE, "--participants", b"Sam, \xff"],
    ["new", "--template", TEMPLATE, "--date", b"2026-11-\xff"],
    ["new", "--template", b"quick\xff"],
    ["templates", "show", b"\xff"],
    ["export", b"\xff", "--format", "md"],
    ["resume", b"\xff"],
    ["digest", "--since", "2026-01-01", "--team", b"\xff"],
]


@pytest.mark.parametrize("args", TEXT_OPTIONS, ids=[" ".join(a if isinstance(a, str) else "BYTES" for a in args[:4]) for args in TEXT_OPTIONS])
def test_command_line_text_that_is_not_utf8_gets_one_sentence(tmp_path: Path, args):
    data = tmp_path / "data"
    result = cli(data, *args)
    err = result.stderr.decode("utf-8")
    assert result.returncode == 1
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "has bytes that are not UTF-8 text" in lines[0] and "\\x" in lines[0] and "UTF-8" in lines[0]
    assert result.stdout == b""
    # Nothing was started with a garbled title.
    assert not (data / "sessions").exists() or not any((data / "sessions").iterdir())
