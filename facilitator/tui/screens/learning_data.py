"""The app's one copy of the history (compact facts, see store/history.py) and of the learning actions."""

from __future__ import annotations

import gc
import threading
from typing import TYPE_CHECKING

from ...memory import release_free_memory
from ...learning.history import HistoryIndex

if TYPE_CHECKING:  # the actions need the pydantic models; the history screen does not
    from ...models import LearningAction


_making = threading.Lock()


def history(app) -> HistoryIndex:  # noqa: ANN001 - FacilitatorApp
    """The app's history, as it is (call ``refresh()`` to bring it up to date)."""
    with _making:  # the warm-up thread and the screens may both ask first: one index, made once
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
        # The history's entries are kept for the app's life. Frozen, the garbage collector no longer walks
        # them in every full collection.
        gc.freeze()
        release_free_memory()  # what reading it made and dropped
    return index


def all_actions(app) -> list[LearningAction]:  # noqa: ANN001
    from ...store.actions import load_actions

    return load_actions(app.store, history_index(app).facts())


def open_team_actions(app, team: str, exclude_session: str | None = None) -> list[LearningAction]:  # noqa: ANN001
    """One team's open learning actions, overdue and soonest due first: read from that team's sessions only
    (a new session's follow-up round need not wait for every team's actions)."""
    from ...learning.actions import open_actions
    from ...text import team_key
    from ...store.actions import load_actions

    index = history_index(app)
    key = team_key(team)
    ids = [e.id for e in index.entries() if team_key(e.team) == key]
    return open_actions(load_actions(app.store, index.facts(ids)), team=team, exclude_session=exclude_session)
