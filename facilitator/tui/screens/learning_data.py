"""The app's one copy of the history (compact facts, see store/history.py) and of the learning actions."""

from __future__ import annotations

import gc
import threading
from typing import TYPE_CHECKING

from ...memory import release_free_memory
from ...learning.history import HistoryIndex

if TYPE_CHECKING:  # the actions need the pydantic models; the history screen does not
    from ...learning.actions import ActionRows


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


def action_rows(app, team: str | None = None, exclude_session: str | None = None) -> ActionRows:  # noqa: ANN001
    """Every learning action as a light row (``team``: that team's open ones, overdue and soonest due first,
    read from that team's sessions only). Safe to call from a worker thread."""
    from ...learning.actions import ActionRows, gather_action_rows, open_actions
    from ...store.actions import read_changes
    from ...text import team_key

    index = history_index(app)
    if team is None:
        return gather_action_rows(index.facts(), read_changes(app.store))
    key = team_key(team)
    ids = [e.id for e in index.entries() if team_key(e.team) == key]
    found = gather_action_rows(
        index.facts(ids), read_changes(app.store), keep=lambda a: a.is_open and a.session_id != exclude_session
    )
    rows = open_actions(found.rows, team=team, exclude_session=exclude_session)
    return ActionRows(rows, found.history)
