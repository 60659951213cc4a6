"""The garbage collector set for a room: no long pause while a person waits for what they typed to appear.

Textual draws each frame with many short-lived objects held in reference cycles (a line of text keeps itself
in its own caches), which only the cyclic garbage collector frees. With CPython's default thresholds the
youngest generation is collected every 700 allocations, several times within one frame, so those cycles are
still alive when it runs: they are moved to older generations, pile up in the oldest, and force a full
collection every fifteen or so contributions. A full collection walks every object the app holds (about
100,000 once started) and took 60 to 140 ms in bench/ui.py, landing on an enter or a keystroke.

So, while the session screen is shown, the youngest generation is collected every ``YOUNG`` allocations
(about a frame's worth: its cycles are dead by then and freed while young); and the first time it is shown,
after one collection, the objects alive then (modules, styles, the store, the templates) are set aside with
``gc.freeze``, so that a full collection, when one comes, does not walk them again. In bench/ui.py, 200
contributions then took one full collection instead of thirteen. The thresholds go back when the session
screen is left, and both are undone when the app ends. Only what the room set aside is let go then: objects that
something else set aside before the app started (a process that runs several apps, as the tests do) stay so,
and the room then has nothing more to set aside.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

YOUNG = 5000


#: the thresholds as they were before the room's were set (None: not set)
_before_room: tuple[int, int, int] | None = None
#: whether the objects now set aside were set aside by the room (enter_room), so to be let go when the app ends
_set_aside_by_room = False


def steady_collector() -> Callable[[], None]:
    """What puts the collector back as it was when the app ends (the room's thresholds, the objects set aside)."""
    previous = gc.get_threshold()

    def restore() -> None:
        global _set_aside_by_room
        leave_room()
        gc.set_threshold(*previous)
        if _set_aside_by_room:
            gc.unfreeze()
            _set_aside_by_room = False

    return restore


def set_aside() -> None:
    """What the app holds by now set aside, after a collection, the first time only (frozen garbage would be kept
    for good: 4 MB more at 20,000 sessions when it was done at start). Done when a session's set-up screen is
    shown, while the person fills it in: otherwise the full collection that walks every object (68 ms at 20,000
    sessions) fell between ctrl+s and the follow-up round drawn. The session screen does it too (``enter_room``),
    for a session opened without the set-up screen."""
    global _set_aside_by_room
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()
        _set_aside_by_room = True


def enter_room() -> None:
    """The session screen is shown: the youngest generation collected every ``YOUNG`` allocations."""
    global _before_room
    set_aside()
    if _before_room is None:
        _before_room = gc.get_threshold()
        gc.set_threshold(max(YOUNG, _before_room[0]), *_before_room[1:])


def leave_room() -> None:
    """Another screen is shown: the usual thresholds. Elsewhere (the store opening, the history read) young
    collections every 700 allocations keep the process smaller: 62 MB against 68 MB for the app with the history
    open at 20,000 sessions (bench/scale.py, memory)."""
    global _before_room
    if _before_room is not None:
        gc.set_threshold(*_before_room)
        _before_room = None
