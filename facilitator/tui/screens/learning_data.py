"""The app's one copy of the history (compact facts, see store/history.py) and of the learning actions."""

from __future__ import annotations

import gc

from ...learning.actions import gather_actions
from ...models import LearningAction
from ...store.actions import read_changes
from ...store.history import HistoryIndex


def history(app) -> HistoryIndex:  # noqa: ANN001 - FacilitatorApp
    """The app's history, as it is (call ``refresh()`` to bring it up to date)."""
    index = getattr(app, "_learning_history", None)
    if index is None:
        index = HistoryIndex(app.store)
        app._learning_history = index
    return index


def history_index(app) -> HistoryIndex:  # noqa: ANN001 - FacilitatorApp
    """Loaded on first use, then only sessions whose files changed are read again."""
    index = history(app)
    first = not index.loaded
    index.refresh()
    if first:
        # The history is hundreds of thousands of small objects kept for the app's life. Frozen, the garbage
        # collector no longer walks them all in every full collection (about 100 ms each, at 2,000 sessions).
        gc.freeze()
    return index


def all_actions(app) -> list[LearningAction]:  # noqa: ANN001
    return gather_actions(history_index(app).sessions(), read_changes(app.store))
