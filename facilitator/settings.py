"""Settings the app is built with. Nothing here reads the disk at import time."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Clock = Callable[[], dt.datetime]

DATA_DIR_ENV = "FACILITATOR_DATA_DIR"


def default_data_dir() -> Path:
    """--data-dir, else FACILITATOR_DATA_DIR, else the platform's user data folder."""
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("facilitator", appauthor=False)


def system_clock() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


@dataclass
class Settings:
    data_dir: Path
    theme: str = "textual-dark"
    cursor_blink: bool = True
