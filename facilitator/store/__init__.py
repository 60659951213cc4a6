"""Durable storage: TinyDB files, journals and the data folder. Nothing else knows the file layout."""

from .store import (
    DiskFullError,
    FolderInUseError,
    HistoryEntry,
    NotSavedError,
    SessionLostError,
    SessionRow,
    Store,
    StoreError,
    UnknownSessionError,
    is_data_folder,
)

__all__ = [
    "DiskFullError",
    "FolderInUseError",
    "HistoryEntry",
    "NotSavedError",
    "SessionLostError",
    "SessionRow",
    "Store",
    "StoreError",
    "UnknownSessionError",
    "is_data_folder",
]
