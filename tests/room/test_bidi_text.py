"""Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) make the characters after them show in
another order: a projected line or an exported record could read differently from what was typed. They are left
out of what is typed or pasted in the room, and of every record `facilitator export` writes, even from a session
stored before they were left out. The left-to-right and right-to-left marks (U+200E, U+200F) are kept."""

from __future__ import annotations

import subprocess
import sys

from textual import events
from textual.widgets import Input

from facilitator.models import Contribution

from .helpers import open_app, session_screen, shown

OVERRIDES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def overrides_in(text: str) -> list[str]:
    return [f"U+{ord(ch):04X}" for ch in text if ch in OVERRIDES]


def export(data_dir, session_id: str, fmt: str) -> str:
    """`facilitator export` as a user runs it; the file's text (the Word file's document part)."""
    out = data_dir.parent / f"record.{fmt}"
    done = subprocess.run(
        [sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), "export", session_id, "--format", fmt,
         "--out", str(out)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    if fmt == "docx":
        import zipfile

        with zipfile.ZipFile(out) as docx:
            return docx.read("word/document.xml").decode("utf-8")
    return out.read_text(encoding="utf-8-sig")


async def paste(pilot, text: str) -> None:
    """A paste as the terminal sends it: to the app, which hands it to the box that has focus."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def test_overrides_typed_or_pasted_in_the_room_are_left_out_and_the_record_reads_as_typed(
    store, clock, library, data_dir
):
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = session_screen(pilot)
        owner = screen.query_one("#kf-owner", Input)
        owner.focus()
        await paste(pilot, "\u2067Priya\u2069")
        box = screen.query_one("#contribution", Input)
        box.focus()
        await pilot.pause()
        await paste(pilot, "Ask \u2066Sam\u2069 to ring \u202eloohcs eht\u202c daily")
        await pilot.press(*" \u202eand\u202c the GP")  # typed: a key that is an override types nothing
        assert box.value == "Ask Sam to ring loohcs eht daily and the GP"
        await pilot.press("enter")
        await pilot.pause()
        line = shown(pilot)[0]
        assert "Ask Sam to ring loohcs eht daily and the GP" in line and "Priya" in line, line
        assert overrides_in(line) == []
    said = store.load_session(session.id).contributions[0]
    assert said.text == "Ask Sam to ring loohcs eht daily and the GP" and said.fields["owner"] == "Priya"
    for fmt in ("md", "html", "csv", "docx"):
        record = export(data_dir, session.id, fmt)
        assert "Ask Sam to ring loohcs eht daily and the GP" in record, fmt
        assert overrides_in(record) == [], fmt


async def test_a_session_stored_with_overrides_is_exported_without_them(store, clock, library, data_dir):
    """A session recorded before overrides were left out as typed still holds them: the record leaves them out.
    The marks people writing Arabic or Hebrew with English need are kept."""
    session, app = open_app(store, clock, library.get("serious-success-review"), "learning-actions")
    store.add_contribution(session, Contribution(
        id=store.new_contribution_id(), phase_id="learning-actions", created_at=clock(),
        text="Visit \u202ethe family\u202c on Monday \u200fשלום\u200f",
        fields={"owner": "\u2066Jo\u2069", "tell": "the team"},
    ))
    for fmt in ("md", "html", "csv"):
        record = export(data_dir, session.id, fmt)
        assert "Visit the family on Monday \u200fשלום\u200f" in record, fmt
        assert "Jo" in record and overrides_in(record) == [], fmt
