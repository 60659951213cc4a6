"""A control character in stored text (a journal or template written by hand or by another program: an escape
sequence) reached the terminal: "\\x1b[2J" in a contribution cleared the projected screen and drew what followed
anywhere on it; `templates list` and `sessions list` printed such sequences raw. What is typed never holds them (they
are left out as typed); what is read from files is shown without them too, as the records already were."""

from __future__ import annotations

from pathlib import Path

import orjson

from facilitator.cli import main
from facilitator.store import Store
from tests.conftest import build_app, screen_text
from tests.store.helpers import fixed_clock, session_with_a_hand_written_line
from tests.templates.test_malformed import good

CLEAR = "\x1b[2J\x1b[5;5H"


def _with_a_line_written_by_hand(data_dir: Path, library) -> str:  # noqa: ANN001
    return session_with_a_hand_written_line(data_dir, library, id="hand00000001", text=f"AAA{CLEAR}BBB",
                                            speaker=f"Sam{CLEAR}", tags=[f"tag{CLEAR}"])[0]


async def test_a_contribution_with_an_escape_sequence_is_shown_without_it(data_dir, library):
    session_id = _with_a_line_written_by_hand(data_dir, library)
    store = Store(data_dir, clock=fixed_clock()).open()
    app = build_app(store, fixed_clock(), open_session_id=session_id)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        drawn = screen_text(app)
        assert "\x1b" not in drawn
        assert "Sam[2J[5;5H: AAA[2J[5;5HBBB" in drawn, drawn
        await pilot.press("f8")  # the whole session
        await pilot.pause()
        assert "AAA[2J[5;5HBBB" in screen_text(app) and "\x1b" not in screen_text(app)
    store.close()


def test_the_command_line_prints_no_escape_sequence_from_a_file(data_dir, library, capsys):
    (data_dir / "templates").mkdir(parents=True)
    (data_dir / "templates" / "my-huddle.toml").write_text(
        good().replace('name = "My huddle"', 'name = "Monday\\u001b[2J check-in"'), encoding="utf-8")
    assert main(["--data-dir", str(data_dir), "templates", "list"]) == 0
    listed = capsys.readouterr().out
    assert "Monday[2J check-in" in listed and "\x1b" not in listed, listed
    assert main(["--data-dir", str(data_dir), "templates", "show", "my-huddle"]) == 0
    shown = capsys.readouterr().out
    assert "Monday[2J check-in" in shown and "\x1b" not in shown
    # A title changed by a journal line written by hand (the app leaves such sequences out of a title typed).
    session_id = _with_a_line_written_by_hand(data_dir, library)
    journal = data_dir / "sessions" / f"{session_id}.journal.jsonl"
    last = max(orjson.loads(line)["seq"] for line in journal.read_bytes().splitlines() if line.strip())
    with journal.open("ab") as out:
        out.write(orjson.dumps({"seq": last + 1, "op": "update", "at": "2026-11-22T10:00:00+00:00",
                                "fields": {"title": f"Huddle{CLEAR} red one"}}) + b"\n")
    store = Store(data_dir, clock=fixed_clock()).open()  # (the app, started: its list of sessions takes the change)
    assert store.load_session(session_id).title == f"Huddle{CLEAR} red one"
    store.close()
    assert main(["--data-dir", str(data_dir), "sessions", "list"]) == 0
    listed = capsys.readouterr().out
    assert "Huddle[2J[5;5H red one" in listed and "\x1b" not in listed, listed
