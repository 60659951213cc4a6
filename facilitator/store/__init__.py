"""Durable storage: TinyDB files, journals and the data folder. Nothing else knows the file layout."""

from .store import FolderInUseError, NotSavedError, Store, StoreError, UnknownSessionError

__all__ = ["FolderInUseError", "NotSavedError", "Store", "StoreError", "UnknownSessionError"]
