"""`facilitator --demo`: a sample session with content, in a folder that is thrown away afterwards."""

from __future__ import annotations

import tempfile
from pathlib import Path

from facilitator.cli import main
from facilitator.demo import DEMO_CONTRIBUTIONS, DEMO_CURRENT_PHASE
from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.widgets.contribution_list import ContributionList
from tests.conftest import FixedClock


def test_demo_opens_a_session_with_content_and_cleans_up():
    seen: dict = {}
    before = set(Path(tempfile.gettempdir()).glob("facilitator-demo-*"))

    def run(app):
        import asyncio

        async def drive():
            async with app.run_test(size=(120, 36)) as pilot:
                await pilot.pause()
                seen["screen"] = type(app.screen)
                seen["phase"] = app.screen.session.phase.id
                seen["shown"] = [i.contribution.text for i in app.screen.query_one(ContributionList).shown_contributions()]
                seen["folder"] = app.store.data_dir
                seen["folder_existed"] = app.store.data_dir.is_dir()

        asyncio.run(drive())

    assert main(["--demo"], clock=FixedClock(), run=run) == 0
    assert seen["screen"] is SessionScreen
    assert seen["phase"] == DEMO_CURRENT_PHASE
    assert seen["shown"] == [t for p, _, t in DEMO_CONTRIBUTIONS if p == DEMO_CURRENT_PHASE]
    assert seen["folder_existed"] and not seen["folder"].exists()
    assert set(Path(tempfile.gettempdir()).glob("facilitator-demo-*")) == before
