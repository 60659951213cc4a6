"""The app's one history index (store/index.py, read through learning/history.py) and the learning actions."""

from __future__ import annotations

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


def history_index(app, child: bool = False) -> HistoryIndex:  # noqa: ANN001 - FacilitatorApp
    """Brought up to date: only sessions whose files changed are read again. Call it from a worker thread
    unless the history is short. ``child``: many sessions to read are read in a child process."""
    index = history(app)
    first = not index.loaded
    index.refresh(child=child)
    if first:
        release_free_memory()  # what reading it made and dropped
    return index


def refresh_history_soon(app) -> None:  # noqa: ANN001 - FacilitatorApp
    """A session ended (or changed): bring the history index up to date in a worker thread."""

    def refresh() -> None:
        history_index(app)
        screen = app.screen if app.is_running else None
        refreshed = getattr(screen, "history_refreshed", None)
        if refreshed is not None:
            app.call_from_thread(refreshed)

    app.run_worker(refresh, thread=True, group="history-refresh", exit_on_error=False)


def stop_history(app) -> None:  # noqa: ANN001 - FacilitatorApp
    """The app is closing: a child process still reading the history is ended."""
    index = getattr(app, "_learning_history", None)
    if index is not None:
        index.stop()


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
