"""The app's one copy of the history (compact facts, see store/history.py) and of the learning actions."""

from __future__ import annotations

from ...learning.actions import gather_actions
from ...models import LearningAction
from ...store.actions import read_changes
from ...store.history import HistoryIndex


def history_index(app) -> HistoryIndex:  # noqa: ANN001 - FacilitatorApp
    """Loaded on first use, then only sessions whose files changed are read again."""
    index = getattr(app, "_learning_history", None)
    if index is None:
        index = HistoryIndex(app.store)
        app._learning_history = index
    return index.refresh()


def all_actions(app) -> list[LearningAction]:  # noqa: ANN001
    return gather_actions(history_index(app).sessions(), read_changes(app.store))
