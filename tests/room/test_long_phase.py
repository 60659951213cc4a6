"""A phase with 500 contributions: the screen opens on the newest, takes a new one, and every one can still be
chosen and changed. (How fast: bench/ui.py, "a long phase".)"""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from facilitator.models import Contribution, Session
from facilitator.store import Store
from facilitator.tui.widgets.contribution_list import ContributionList
from tests.conftest import FIXED_NOW, build_app

from .helpers import say, session_screen, shown, status

LONG = 500


def long_phase(store: Store, template) -> Session:
    """A running session whose discussion phase already holds LONG contributions (stored as a whole)."""
    phase = template.phases[template.phase_index("what-went-right")]
    people = ["Sam Patel", "Priya", "Team manager"]
    contributions = [
        Contribution(
            id=f"c{n:04d}",
            phase_id=phase.id,
            text=f"Point {n}: what helped the family, said in a sentence or two so that some of them wrap.",
            speaker=people[n % 3],
            created_at=FIXED_NOW + dt.timedelta(seconds=n),
        )
        for n in range(1, LONG + 1)
    ]
    session = Session(
        id="20261122-longphase", template=template, title="A long phase", date=FIXED_NOW.date(),
        participants=people, created_at=FIXED_NOW, current_phase=template.phase_index(phase.id),
        contributions=contributions,
    )
    store.import_sessions([session])
    return store.load_session(session.id)


def on_screen(item, area) -> bool:
    return area.y <= item.region.y and item.region.bottom <= area.bottom


async def test_a_500_contribution_phase_opens_on_the_newest_and_takes_another(store, clock, ssr):
    session = long_phase(store, ssr)
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        screen = session_screen(pilot)
        listing = screen.query_one(ContributionList)
        area = listing.scrollable_content_region
        assert str(screen.query_one("#recorded-title", Static).render()) == f"Recorded in this phase ({LONG})"
        items = listing.shown_contributions()
        assert len(items) == LONG
        assert on_screen(items[-1], area), f"the newest is in view: {items[-1].region} {area} {listing.scroll_offset} {listing.virtual_size} {listing.max_scroll_y}"
        assert not on_screen(items[0], area), "the first is scrolled away above"

        await say(pilot, "The five hundred and first, said just now.")
        assert f"({LONG + 1} in this phase)" in status(pilot)
        assert str(screen.query_one("#recorded-title", Static).render()) == f"Recorded in this phase ({LONG + 1})"
        items = listing.shown_contributions()
        assert items[-1].text == f"{LONG + 1}. The five hundred and first, said just now."
        assert on_screen(items[-1], area), "the new one is in view"
        assert shown(pilot)[-2].startswith(f"{LONG}. Team manager: Point {LONG}:")

        # Up from the box chooses the newest; home goes to the first, which comes into view, and can be starred.
        await pilot.press("up")
        await pilot.pause()
        assert [i.number for i in listing.shown_contributions() if i.chosen] == [LONG + 1]
        await pilot.press("home")
        await pilot.pause()
        items = listing.shown_contributions()
        assert [i.number for i in items if i.chosen] == [1]
        assert on_screen(items[0], area) and not on_screen(items[-1], area)
        await pilot.press("s")
        await pilot.pause()
        assert shown(pilot)[0].startswith("1. ★ Priya: Point 1:")
    store.close()
    again = Store(store.data_dir).open()
    try:
        reopened = again.load_session(session.id)
        assert len(reopened.contributions) == LONG + 1 and reopened.contributions[0].starred
    finally:
        again.close()
