"""Giving memory the app no longer uses back to the system.

Reading the history and searching it make many short-lived objects; CPython frees them, but the C library
keeps the freed space for later use, so the process keeps looking as large as at its busiest moment. On
Linux with glibc, ``malloc_trim`` hands whole free pages back, and ``return_large_blocks`` has every large
block (the bytes of a 10 MB index.json, the text decoded from them) taken from the system on its own and
given back the moment it is freed. Elsewhere these do nothing.
"""

from __future__ import annotations

import ctypes
import sys

_libc = None
_looked = False
_large_set = False

#: glibc's mallopt parameter for the size from which a block is mapped on its own (M_MMAP_THRESHOLD)
_M_MMAP_THRESHOLD = -3
#: blocks this large or larger are mapped on their own (glibc's own starting value)
LARGE_BLOCK = 128 * 1024


def _c_library():  # noqa: ANN202 - the C library (Linux, glibc), or None
    global _libc, _looked
    if not _looked:
        _looked = True
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL("libc.so.6")  # glibc's name (ctypes.util, to look it up, takes 14 ms to import)
            except OSError:
                try:
                    from ctypes.util import find_library

                    libc = ctypes.CDLL(find_library("c"))
                except (OSError, TypeError):
                    libc = None
            try:
                if libc is not None:
                    libc.malloc_trim, libc.mallopt  # noqa: B018 - glibc has both
                _libc = libc
            except AttributeError:
                _libc = None
    return _libc


def release_free_memory() -> None:
    """Return the C library's free pages to the system (Linux, glibc); a no-op elsewhere or on any failure."""
    libc = _c_library()
    if libc is not None:
        try:
            libc.malloc_trim(0)
        except Exception:  # noqa: BLE001 - only ever an optimisation
            pass


def return_large_blocks() -> None:
    """From now on, blocks of LARGE_BLOCK bytes or more are given back to the system as soon as they are freed.

    glibc starts so, but once a large block is freed it raises that size to the block's (up to 32 MB), so
    the next ones come from its pool and stay there, mostly in the pools it keeps for each thread, which
    malloc_trim gives back only in part: reading a 20,000-session index in the start-up thread left about 5
    MB that way. Setting the size keeps it where it is. Once per process; a no-op elsewhere or on any failure.
    """
    global _large_set
    if _large_set:
        return
    _large_set = True
    libc = _c_library()
    if libc is not None:
        try:
            libc.mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK)
        except Exception:  # noqa: BLE001 - only ever an optimisation
            pass
