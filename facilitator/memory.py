"""Giving memory the app no longer uses back to the system.

Reading the history and searching it make many short-lived objects; CPython frees them, but the C library
keeps the freed space for later use, so the process keeps looking as large as at its busiest moment. On
Linux with glibc, ``malloc_trim`` hands whole free pages back. Elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_trim = None
_looked = False


def release_free_memory() -> None:
    """Return the C library's free pages to the system (Linux, glibc); a no-op elsewhere or on any failure."""
    global _trim, _looked
    if not _looked:
        _looked = True
        if sys.platform.startswith("linux"):
            try:
                _trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
            except (OSError, AttributeError):
                _trim = None
    if _trim is not None:
        try:
            _trim(0)
        except Exception:  # noqa: BLE001 - only ever an optimisation
            pass
