"""Problems found after the home screen is drawn reach the screen, in one sentence, not only stderr.

A settings file that cannot be read is said before a session starts, before it ends (while it can still be
mended) and once the record is written, because the record's handling note comes from it.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from facilitator.session_ops import end_session, record_contribution, start_session
from facilitator.store import Store
from facilitator.tui.screens.dialogs import EndConfirmScreen, EndedScreen
from facilitator.tui.screens.history import HistoryScreen, SessionViewScreen
from facilitator.tui.screens.home import HomeScreen
from facilitator.tui.screens.session import SessionScreen
from facilitator.tui.screens.setup import SetupScreen
from tests.conftest import build_app

BROKEN_SETTINGS = '[records]\nretention_note = "OFFICIAL-SENSITIVE. Keep for 7 years.\n'  # the quote is never closed
MENDED_SETTINGS = '[records]\nretention_note = "OFFICIAL-SENSITIVE. Keep for 7 years."\n'


def notifications(app) -> list[tuple[str, str]]:
    return [(n.severity, n.message) for n in app._notifications]


def one_sentence(message: str) -> bool:
    return "\n" not in message and message.count(". ") == 0 and message.endswith(".")


async def wait_for_warm_up(pilot) -> None:
    for _ in range(400):
        await pilot.pause(0.05)
        if pilot.app.warmed_up:
            break
    await pilot.pause(0.7)  # the notices are looked for every half second


async def wait_for_notification(pilot, words: str) -> list[str]:
    for _ in range(100):
        said = [m for _, m in notifications(pilot.app) if words in m]
        if said:
            return said
        await pilot.pause(0.05)
    return []


async def start_from_home(pilot) -> None:
    await pilot.press("enter")  # the first template's set-up step
    await pilot.pause()
    assert isinstance(pilot.app.screen, SetupScreen)
    pilot.app.screen.query_one("#title", Input).value = "Settings check"
    pilot.app.screen.query_one("#agreed").value = True
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SessionScreen)


async def test_a_broken_settings_file_is_said_on_screen_before_the_session_and_before_the_record(store, clock, data_dir):
    settings = data_dir / "settings.toml"
    settings.write_text(BROKEN_SETTINGS, encoding="utf-8")
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for_warm_up(pilot)
        assert isinstance(app.screen, HomeScreen)
        found = [m for _, m in notifications(app) if str(settings) in m]
        assert len(found) == 1 and "could not be read" in found[0] and "default settings are used" in found[0]

        await start_from_home(pilot)
        said = [m for _, m in notifications(app) if "record will get the default handling note" in m]
        assert len(said) == 1 and str(settings) in said[0] and "mended before the session ends" in said[0]
        assert one_sentence(said[0]), said[0]

        box = app.screen.query_one("#contribution", Input)
        box.value = "The family asked for the visits to go on."
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, EndConfirmScreen)
        before_end = [(s, m) for s, m in notifications(app) if "ending now writes the record with the default handling note" in m]
        assert len(before_end) == 1 and before_end[0][0] == "error" and "press escape, mend the file" in before_end[0][1]

        # The facilitator goes back, the file is mended, and the session ends with the organisation's note.
        await pilot.press("escape")
        await pilot.pause()
        settings.write_text(MENDED_SETTINGS, encoding="utf-8")
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EndedScreen)
        record = app.screen.record_path.read_text(encoding="utf-8")
        assert not [m for _, m in notifications(app) if "was written with the default handling note" in m]
    assert "OFFICIAL-SENSITIVE. Keep for 7 years." in record


async def test_a_record_written_while_the_settings_are_broken_says_so_on_the_end_screen(store, clock, data_dir):
    (data_dir / "settings.toml").write_text(BROKEN_SETTINGS, encoding="utf-8")
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await start_from_home(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EndedScreen)
        ended = [m for _, m in notifications(app) if "the record was written with the default handling note" in m]
        assert len(ended) == 1 and str(data_dir / "settings.toml") in ended[0]


async def test_a_team_template_found_broken_by_the_warm_up_is_said(store, clock, data_dir):
    own = data_dir / "templates"
    own.mkdir()
    path = own / "team-huddle.toml"
    # Good TOML, so the home screen lists it at first; checking it finds the length of 0 minutes.
    path.write_text(
        'id = "team-huddle"\nname = "Team huddle"\ntypical_length = 0\n[[phases]]\nid = "a"\ntitle = "A"\nprompt = "P?"\n',
        encoding="utf-8",
    )
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for_warm_up(pilot)
        said = [(s, m) for s, m in notifications(app) if str(path) in m]
        assert len(said) == 1
        severity, message = said[0]
        assert severity == "warning" and "cannot be used" in message and "typical_length" in message
        assert f"facilitator templates validate {path}" in message


async def test_a_damaged_template_snapshot_found_when_a_session_is_opened_is_said(store, library, clock, data_dir):
    session = start_session(store, library.get("quick-success-huddle"), clock=clock, title="Snapshot check")
    record_contribution(store, session, "The school rang back the same day.", None, clock)
    end_session(store, store.load_session(session.id), clock)
    store.close()
    for snapshot in (data_dir / "templates-used").iterdir():
        snapshot.write_bytes(b'{"id": "quick-success-huddle", ')
    store = Store(data_dir, clock=clock).open()
    try:
        app = build_app(store, clock)
        async with app.run_test(size=(160, 45)) as pilot:
            await wait_for_warm_up(pilot)
            assert not [m for _, m in notifications(app) if "template snapshot" in m]  # not found yet
            await pilot.press("h")
            await pilot.pause()
            assert isinstance(app.screen, HistoryScreen)
            app.screen.query_one("#history-sessions").focus()
            await pilot.press("enter")
            said = await wait_for_notification(pilot, "template snapshot")
            assert isinstance(app.screen, SessionViewScreen)
            assert len(said) == 1 and "Snapshot check" in said[0] and "nothing lost" in said[0]
    finally:
        store.close()


async def test_a_record_the_records_folder_refuses_is_said_where_it_is_kept_and_put_in_place_later(store, clock, data_dir):
    """With records/ refusing the record (here a file where the folder goes; permissions or a full disk in use), the
    end screen said "The record is written. The record is at: <a path in records/>", a file that did not exist.
    It says where the record is kept meanwhile, and the next start puts it in records/."""
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await start_from_home(pilot)
        records = store.records_dir
        if records.exists():
            records.rmdir()
        records.write_text("not a folder", encoding="utf-8")
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EndedScreen)
        shown = " ".join(str(w.render()) for w in app.screen.query("Static")).replace("\n", " ")
        assert "Session ended. The record is written, but not yet in the records folder." in shown
        kept = app.screen.record_path
        assert kept.exists() and kept.parent != records and str(kept) in shown
        # (said among the folder's problems, which the app shows as they come)
        assert any(str(records) in m and "put there when the app next starts" in m for m in store.notices_so_far)
        session_id = app.screen.session.id
    store.close()
    records.unlink()
    again = Store(data_dir, clock=clock).open()
    try:
        again.finish_opening()
        placed = [p for p in again.records_dir.iterdir() if session_id in p.name]
        assert len(placed) == 1 and placed[0].read_text(encoding="utf-8").startswith("---")
        assert not kept.exists()
    finally:
        again.close()


def test_settings_that_cannot_be_used_are_said_in_words_with_their_fix(store, clock, data_dir, capsys):
    """settings.toml's problems carried Python's own words ("'utf-8' codec can't decode byte 0xfb"), the export
    pointed at `sessions list`, which said nothing of them, and a handling note that is not text, a [records] that
    is not a table or a case-reference pattern that is not a valid pattern were left out without a word."""
    from facilitator.cli import main
    from tests.record.helpers import end, new_session, say

    from facilitator.templates import load_library

    session = new_session(store, load_library(None).get("quick-success-huddle"), clock)
    say(store, session, clock, session.template.phases[0].id, "A story")
    end(store, session, clock)
    store.close()
    settings = data_dir / "settings.toml"
    cases = {
        b"\xfb\xfe not text": "because it is not UTF-8 text, so the default settings are used; save it as UTF-8",
        b'[records\nretention_note = "x\n': "because of a mistake in it (expected ']' at the end of a table declaration",
        b"[records]\nretention_note = 5\n": "[records] retention_note is 5; write the handling note in quotes",
        b'records = "x"\n': "records is 'x', not a table",
        b'[records]\ncase_reference_pattern = "([unclosed"\n': "case_reference_pattern is '([unclosed', which is not a valid pattern",
        b'[records]\ncase_reference_pattern = "([A-Z]+-?)+\\\\d{5}"\n':
            "which repeats a part that repeats itself (as in ([A-Z]+-?)+ or (a+)+), which can take minutes",
    }
    for content, said in cases.items():
        settings.write_bytes(content)
        capsys.readouterr()
        assert main(["--data-dir", str(data_dir), "export", session.id, "--format", "md",
                     "--out", str(data_dir.parent / "r.md")], clock=clock) == 0
        err = capsys.readouterr().err
        lines = [line for line in err.splitlines() if str(settings) in line]
        assert len(lines) == 1 and said in lines[0], (content, err)
        assert "codec" not in err and "Errno" not in err and "sessions list` says" not in err
    settings.write_bytes(b"\xfb\xfe not text")
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "sessions", "list"], clock=clock) == 0
    assert "is not UTF-8 text" in capsys.readouterr().err
