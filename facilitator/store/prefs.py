"""The app's remembered preferences (theme, projector mode): <data>/preferences.json, 0600, written atomically.

A missing or unreadable file means the defaults; it is never a reason not to start.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .files import atomic_write, ensure_private_dir, read_whole

#: bytes a preferences file is read up to (it holds a few settings; a larger file, or a device, is not read)
PREFS_LIMIT = 1024 * 1024

PREFS_FILE = "preferences.json"


def prefs_path(data_dir: Path) -> Path:
    return Path(data_dir) / PREFS_FILE


def read_prefs(data_dir: Path) -> dict[str, Any]:
    """The saved preferences, or {} if there are none or the file cannot be read."""
    try:
        data = json.loads(read_whole(prefs_path(data_dir), limit=PREFS_LIMIT).decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):  # (RecursionError: nested thousands deep)
        return {}
    return data if isinstance(data, dict) else {}


def write_prefs(data_dir: Path, **changes: Any) -> dict[str, Any]:
    """Merge `changes` into the saved preferences and write them atomically. Returns what is saved.

    Raises OSError if the file cannot be written (the caller says so; the app keeps working).
    """
    prefs = read_prefs(data_dir)
    prefs.update(changes)
    ensure_private_dir(Path(data_dir))
    atomic_write(prefs_path(data_dir), (json.dumps(prefs, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return prefs
