"""Durable storage: TinyDB files, journals and the data folder. Nothing else knows the file layout."""

from .store import (
    FolderInUseError,
    HistoryEntry,
    NotSavedError,
    SessionLostError,
    SessionRow,
    Store,
    StoreError,
    UnknownSessionError,
)

__all__ = [
    "FolderInUseError",
    "HistoryEntry",
    "NotSavedError",
    "SessionLostError",
    "SessionRow",
    "Store",
    "StoreError",
    "UnknownSessionError",
]
