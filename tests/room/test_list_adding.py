"""Adding a contribution draws only what it must: the new one is laid out after the others, and the lines
already drawn are kept. What the room sees after each enter must be what it sees when the same phase is shown
afresh (going to the next phase and back lays the whole list out again): one column, and the projector's
columns, whose last row grows when a taller contribution joins it; from an empty phase, past the moment the
list first overflows and takes a scrollbar (everything wrapped again for the narrower width)."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from facilitator.store.prefs import write_prefs
from facilitator.tui.widgets.contribution_list import ContributionList

from .helpers import open_app, say, session_screen

#: said in turn: one line, three or four lines, two lines (at the list's width at 160 columns, either mode)
SAYINGS = [
    "Rang back the same day.",
    "The plan was written with the family in their own words, read back to them at every visit, and changed "
    "when they said it no longer fitted; the children's views were in it in their own drawings and phrases, "
    "and the school saw the same plan as everyone else.",
    "Supervision every fortnight kept the worker steady through a hard month, and the manager came out once.",
]


def list_picture(pilot) -> list[tuple]:
    """The list's part of the screen as drawn, scrollbar included: each line's text and styles."""
    app = pilot.app
    listing = session_screen(pilot).query_one(ContributionList)
    region = listing.region
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    return [tuple((s.text, s.style) for s in strip.crop(region.x, region.right).simplify()) for strip in strips]


async def shown_afresh(pilot) -> list[tuple]:
    """The next phase and back: the list is shown again from the session, laid out whole."""
    await pilot.press("ctrl+n")
    await pilot.pause()
    await pilot.press("ctrl+b")
    await pilot.pause()
    return list_picture(pilot)


class Step(NamedTuple):
    said: str
    drawn: list[tuple]  # the list as drawn just after it was said
    afresh: list[tuple] | None  # the list shown afresh then (None: not looked at, at this step)


async def say_one_by_one(store, clock, ssr, data_dir, projector: bool, every: bool) -> tuple[list[Step], bool]:
    """Contributions said one by one, the list as drawn after each, and (after every one, or after the second
    and third, the one that first overflows, and the last three) the list shown afresh; and whether the list
    overflowed on the way (the scrollbar came)."""
    if projector:
        write_prefs(data_dir, projector=True)
    _, app = open_app(store, clock, ssr, "what-went-right")
    count = 16 if projector else 13
    steps: list[Step] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        listing = session_screen(pilot).query_one(ContributionList)
        overflowed = False
        for n in range(count):
            said = f"{n + 1}: {SAYINGS[n % len(SAYINGS)]}"
            await say(pilot, said)
            drawn = list_picture(pilot)
            overflows_now = listing.show_vertical_scrollbar and not overflowed
            overflowed = overflowed or listing.show_vertical_scrollbar
            looked = every or n in (1, 2) or overflows_now or n >= count - 3
            steps.append(Step(said, drawn, await shown_afresh(pilot) if looked else None))
    return steps, overflowed


def _on_screen(said: str, drawn: list[tuple]) -> bool:
    return any(said[:20] in "".join(text for text, _ in line) for line in drawn)


@pytest.mark.parametrize("projector", [False, True], ids=["one-column", "projector"])
async def test_each_new_contribution_is_drawn_as_the_whole_list_would_be(store, clock, ssr, data_dir, projector):
    steps, overflowed = await say_one_by_one(store, clock, ssr, data_dir, projector, every=False)
    assert overflowed, "the list overflowed on the way (the scrollbar came)"
    for n, step in enumerate(steps, 1):
        assert _on_screen(step.said, step.drawn), f"contribution {n} is on screen as soon as it is recorded"
        if step.afresh is not None:
            assert step.drawn == step.afresh, f"after contribution {n}, the list differs from itself shown afresh"
    assert sum(step.afresh is not None for step in steps) >= 5  # the 2nd, 3rd, the overflowing one, the last three


@pytest.mark.slow
@pytest.mark.parametrize("projector", [False, True], ids=["one-column", "projector"])
async def test_after_every_new_contribution_the_list_is_as_shown_afresh(store, clock, ssr, data_dir, projector):
    steps, overflowed = await say_one_by_one(store, clock, ssr, data_dir, projector, every=True)
    assert overflowed, "the list overflowed on the way (the scrollbar came)"
    for n, step in enumerate(steps, 1):
        assert _on_screen(step.said, step.drawn), f"contribution {n} is on screen as soon as it is recorded"
        assert step.drawn == step.afresh, f"after contribution {n}, the list differs from itself shown afresh"


async def test_the_collector_is_set_for_the_room_while_the_session_screen_is_shown_and_put_back_after(
    store, clock, ssr, fresh_collector
):
    """A frame's short-lived cycles are freed young, and what was alive at start is not walked again, so a long
    full collection does not land on an enter (bench/ui.py shows the pauses); after the app, as before."""
    import gc

    from facilitator.tui.collector import YOUNG

    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    _, app = open_app(store, clock, ssr, "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert gc.get_threshold()[0] >= YOUNG
        assert gc.get_freeze_count() > 10_000, "the objects alive at start are set aside"
        await say(pilot, "Rang back the same day.")
        assert gc.get_threshold()[0] >= YOUNG
        # Another screen (the help): the usual thresholds, which keep the process smaller elsewhere.
        await pilot.press("f1")
        await pilot.pause()
        assert gc.get_threshold() == before
        await pilot.press("escape")
        await pilot.pause()
        assert gc.get_threshold()[0] >= YOUNG
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


async def test_objects_set_aside_before_the_app_stay_set_aside_after_it(store, clock, ssr):
    """The app lets go only of what it set aside itself: a process that runs several apps (the tests) keeps what it
    set aside, and no app walks it again in a full collection."""
    import gc

    frozen = gc.get_freeze_count()
    assert frozen > 10_000, "the test run sets aside what it holds once the tests are collected (tests/conftest.py)"
    _, app = open_app(store, clock, ssr, "what-went-right")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await say(pilot, "Rang back the same day.")
        assert gc.get_freeze_count() > 10_000
    # Still set aside (objects set aside still go when nothing refers to them, so the count may be a little lower).
    assert gc.get_freeze_count() > 10_000


async def test_what_the_app_holds_is_set_aside_while_a_sessions_set_up_screen_is_filled_in(store, clock, fresh_collector):
    """The one full collection that walks everything the app holds (68 ms at 20,000 sessions) falls while the
    set-up screen is filled in, not between ctrl+s and the follow-up round; after the app, as before."""
    import gc

    from facilitator.tui.screens.setup import SetupScreen
    from tests.conftest import build_app

    assert gc.get_freeze_count() == 0
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert gc.get_freeze_count() == 0, "nothing set aside on the home screen (the history is read there)"
        await pilot.press("enter")  # the first template
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert gc.get_freeze_count() > 10_000, "set aside before ctrl+s"
    assert gc.get_freeze_count() == 0
