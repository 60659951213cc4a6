"""The garbage collector set for a room: no long pause while a person waits for what they typed to appear.

Textual draws each frame with many short-lived objects held in reference cycles (a line of text keeps itself
in its own caches), which only the cyclic garbage collector frees. With CPython's default thresholds the
youngest generation is collected every 700 allocations, several times within one frame, so those cycles are
still alive when it runs: they are moved to older generations, pile up in the oldest, and force a full
collection every fifteen or so contributions. A full collection walks every object the app holds (about
100,000 once started) and took 60 to 140 ms in bench/ui.py, landing on an enter or a keystroke.

So, while the app runs, the youngest generation is collected every ``YOUNG`` allocations (about a frame's
worth: its cycles are dead by then and freed while young), and the objects alive when the app starts (modules,
styles, the store, the templates: about 50,000) are set aside with ``gc.freeze`` so that a full collection,
when one comes, does not walk them again. In bench/ui.py, 200 contributions then took one full collection
instead of thirteen. Both are undone when the app ends.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

YOUNG = 5000


def steady_collector() -> Callable[[], None]:
    """Set the collector for the app's run; returns what puts it back as it was."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(YOUNG, previous[0]), *previous[1:])

    def restore() -> None:
        gc.set_threshold(*previous)
        gc.unfreeze()

    return restore
