"""A broken template file of the team's is said in a notification, for half a minute. With a session opened straight
from the command line (`facilitator new`), that notice covered the session's boxes (at 80x24, the contribution box,
the action's fields and the edit dialog) on the room's screen: it now waits for the home screen, which lists the
files with the reasons."""

from __future__ import annotations

from facilitator.session_ops import start_session
from facilitator.templates import load_library
from facilitator.tui.screens.home import HomeScreen
from tests.conftest import build_app, until


def _titles(app) -> list[str]:  # noqa: ANN001
    return [n.title for n in app._notifications]


async def test_the_broken_templates_notice_waits_for_the_home_screen(store, clock, data_dir):
    folder = data_dir / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "broken.toml").write_text('id = "x"\nname = \n', encoding="utf-8")
    session = start_session(store, load_library(folder).get("quick-success-huddle"), clock=clock, title="Huddle",
                            ground_rules_agreed=True)
    app = build_app(store, clock, open_session_id=session.id)  # as `facilitator new` opens it
    async with app.run_test(size=(80, 24)) as pilot:
        # (the templates are validated a moment after the first screen is drawn)
        assert await until(pilot, lambda: getattr(app, "_templates_notice_waiting", False) or _titles(app))
        assert not isinstance(app.screen, HomeScreen)
        assert "A template is broken" not in _titles(app)
        while not isinstance(app.screen, HomeScreen):
            app.pop_screen()
            await pilot.pause()
        assert await until(pilot, lambda: "A template is broken" in _titles(app)), _titles(app)

    app = build_app(store, clock)  # started on the home screen: said at once
    async with app.run_test(size=(80, 24)) as pilot:
        assert await until(pilot, lambda: "A template is broken" in _titles(app)), _titles(app)
