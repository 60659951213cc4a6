"""The app's one history index (store/index.py, read through learning/history.py) and the learning actions."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ...memory import release_free_memory
from ...learning.history import HistoryIndex

if TYPE_CHECKING:  # the actions need the pydantic models; the history screen does not
    import datetime as dt

    from ...learning.actions import ActionPages, ActionRow
    from ...learning.themes import Themes


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
        themes_ahead(app)

    app.run_worker(refresh, thread=True, group="history-refresh", exit_on_error=False)


def stop_history(app) -> None:  # noqa: ANN001 - FacilitatorApp
    """The app is closing: a child process still reading the history is ended."""
    index = getattr(app, "_learning_history", None)
    if index is not None:
        index.stop()


class ActionSource:
    """The learning actions as one screen lists them, from the history index: the status changes are read
    once (the action log and the sessions' follow-up rounds: few), the actions a page at a time as they are
    shown, counted by SQL. ``team``: that team's actions, by due date (the follow-up round); otherwise every
    team's, by owner then due date. Made in a worker thread (it may bring the index up to date first)."""

    def __init__(self, app, team: str | None = None, skip_session: str | None = None) -> None:  # noqa: ANN001
        from ...learning.actions import book_from
        from ...store.actions import names_lists, read_change_rows, reviews_in_history
        from ...text import team_key

        index = history(app)
        # The follow-up round of a session just started: an index read once already is up to date with every
        # ended session (each is added as it ends), so the round need not wait for the files to be looked at.
        if team is None or not index.loaded:
            index = history_index(app)
        self.db = db = index.db
        self.book = book_from(read_change_rows(app.store), reviews_in_history(db), lambda ids: names_lists(db, ids))
        self.closed = self.book.closed()
        self.team_key: str | tuple[str, ...] | None = team_key(team) if team is not None else None
        #: the team as the history holds it where its sessions' names lists change its name (“Child A's family
        #: group” for “Jayden's family group”), its actions found under those names too
        self.listed_as: list[str] = (app.store.team_as_listed(team) or []) if team is not None else []
        if self.listed_as:
            self.team_key = tuple(dict.fromkeys([self.team_key, *(team_key(t) for t in self.listed_as)]))
        if skip_session is not None and not db.read("SELECT 1 FROM sessions WHERE id = ?", [skip_session]):
            # A session just made is not in the history yet: nothing of it to leave out, and no test of every
            # action of the team against it (a quarter of the counting's time at 100,000 actions).
            skip_session = None
        self.skip_session = skip_session
        self.by = "due" if team is not None else "owner"

    def listing(self, open_only: bool, changed: dict[str, ActionRow], today: dt.date) -> tuple[ActionPages, int]:
        """(the actions, open ones only or all, with ``changed`` shown as changed; how many open ones are overdue)."""
        from ...learning.actions import ActionPages
        from ...store.actions import ActionQuery

        closed = (self.closed - {i for i, r in changed.items() if r.is_open}) | {i for i, r in changed.items() if not r.is_open}
        still_open = ActionQuery(self.team_key, closed, self.skip_session, self.by)
        query = still_open if open_only else ActionQuery(self.team_key, (), self.skip_session, self.by)
        db = self.db
        open_count, overdue = still_open.counts(db, due_before=today)
        count = open_count if open_only else query.count(db)
        pages = ActionPages(lambda offset, limit: query.page(db, offset, limit), count, self.book, changed)
        return pages, overdue

    def spelling(self) -> dict[str, str]:
        """One spelling of each team's name (its newest session's), by team key."""
        from ...store.tallies import teams_newest_first
        from ...text import one_spelling

        return one_spelling(teams_newest_first(self.db))


def themes_ahead(app) -> None:  # noqa: ANN001 - FacilitatorApp
    """Every team's themes worked out ahead, in a worker thread (after the start-up reading, and after a session
    ended), so t shows them at once if nothing they are read from has changed since (themes_read_ahead). At 20,000
    sessions the working out is about 100 ms on its own, and twice that beside the screen being drawn."""
    from .actions import actions_read_from

    read_from = actions_read_from(app)
    if read_from is None:
        return
    try:
        found = themes_of(app, None)
    except Exception:  # noqa: BLE001 - the themes screen works them out itself, and says what went wrong
        return
    app.themes_ahead = (read_from, found)


def themes_read_ahead(app) -> tuple[Themes, list[str]] | None:  # noqa: ANN001 - FacilitatorApp
    """Every team's themes as themes_ahead worked them out, if nothing they were read from changed since the
    working out began (a session recorded, ended or repaired, a status changed, the day); else None."""
    from .actions import actions_read_from

    ahead = getattr(app, "themes_ahead", None)
    if ahead is None or ahead[0] != actions_read_from(app):
        return None
    return ahead[1]


def themes_of(app, team: str | None) -> tuple[Themes, list[str]]:  # noqa: ANN001
    """(the themes of every session of ``team``, or of all, counted by the history index; every team's name,
    as the team list shows them). Safe to call from a worker thread."""
    from ...learning.actions import changes_from_reviews
    from ...learning.themes import middle_iso, themes_from_tallies
    from ...store.actions import read_change_rows, reviews_in_history
    from ...store.tallies import distinct_sessions, tallies, teams_newest_first, teams_of
    from ...text import one_spelling, team_key

    db = history_index(app).db
    key = team_key(team) if team else None
    changes = read_change_rows(app.store)
    changes += [c for sid, reviews in reviews_in_history(db) for c in changes_from_reviews(sid, reviews)]
    themes = themes_from_tallies(
        tallies(db, key, middle_iso), changes, team, lambda ids: teams_of(db, ids),
        lambda tags: distinct_sessions(db, tags, key),
    )
    teams = sorted(one_spelling(teams_newest_first(db)).values(), key=str.casefold)
    return themes, teams
