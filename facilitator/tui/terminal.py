"""What the terminal sends: a byte that is not UTF-8 never ends the app.

Textual's input thread decodes the terminal's bytes with a strict UTF-8 decoder, so one stray byte (a
paste from a terminal set to another encoding, a serial console, a key on a misconfigured keyboard)
raises UnicodeDecodeError in that thread and the app stops with a traceback (Textual issue #6456, open
for Textual 8.2.8). Here the decoder replaces such bytes with U+FFFD, which the facilitator sees in the
box and can delete; what is recorded is cleaned of control characters as everything typed is.
"""

from __future__ import annotations

import codecs
import functools


def _lenient_incremental_decoder(encoding: str):  # noqa: ANN202 - a codecs factory
    return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")


def decode_terminal_input_leniently() -> None:
    """Make the terminal drivers' input decoders replace bytes that are not UTF-8 instead of raising."""
    import importlib

    for name in ("textual.drivers.linux_driver", "textual.drivers.linux_inline_driver"):
        try:
            module = importlib.import_module(name)
        except ImportError:  # not on this platform (the Windows driver reads characters, not bytes)
            continue
        if getattr(module, "getincrementaldecoder", None) is codecs.getincrementaldecoder:
            module.getincrementaldecoder = _lenient_incremental_decoder
