"""The record a service manager files as it is: each item once, matters arising first, readable markdown,
a front matter pandoc shows as text, and an action register. Every record here is made by `facilitator export`."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from facilitator.cli import main

from .helpers import HTMLScan, end, new_session, say, split_record
from tests.learning.helpers import reviewed_session


def _export(data_dir: Path, session_id: str, fmt: str, out: Path, capsys) -> bytes:
    assert main(["--data-dir", str(data_dir), "export", session_id, "--format", fmt, "--out", str(out)]) == 0
    capsys.readouterr()
    return out.read_bytes()


def test_each_strength_turning_point_and_action_appears_once(store, ssr, clock, data_dir, tmp_path, capsys):
    session = new_session(store, ssr, clock)
    said = {
        "strengths-evidence": ("Child focus kept all through", {"evidence": "Her words in every plan"}),
        "learning-actions": ("Share the morning plan", {"owner": "Kim Deputy", "due": "2026-12-15"}),
    }
    timeline = next(p for p in ssr.phases if p.kind.value == "timeline")
    said[timeline.id] = ("School nurse joined the core group", {"when": "March"})
    for phase_id, (text, fields) in said.items():
        say(store, session, clock, phase_id, text, "Sam", fields=fields)
    ended, _ = end(store, session, clock)
    store.close()
    _, body = split_record(_export(data_dir, ended.id, "md", tmp_path / "r.md", capsys).decode("utf-8"))
    for text, fields in said.values():
        assert body.count(text) == 1, text
        for value in fields.values():
            assert body.count(value) == 1, value


def test_earlier_actions_come_first_as_matters_arising(store, library, clock, data_dir, tmp_path, capsys):
    import datetime as dt

    from facilitator.store.actions import change_status
    from tests.learning.helpers import load_actions
    from facilitator.learning.history import HistoryIndex

    reviewed_session(store, library, clock, action="Invite the school nurse", owner="Sam")
    ssr = library.get("serious-success-review")
    session = new_session(store, ssr, clock)
    action = load_actions(store, HistoryIndex(store).refresh().facts())[0]
    session = change_status(store, action, "done", dt.date(2026, 11, 22), session=session).session
    say(store, session, clock, "case-story", "The story of this case", "Sam")
    ended, _ = end(store, session, clock)
    store.close()
    _, body = split_record(_export(data_dir, ended.id, "md", tmp_path / "r.md", capsys).decode("utf-8"))
    headings = re.findall(r"^## (.+)$", body, flags=re.M)
    assert headings[:2] == ["Ground rules", "Action follow-up"]
    assert re.match(r"\d+\. ", headings[2])
    assert body.index("Invite the school nurse") < body.index("The story of this case")
    # The action keeps the number it has in the record of the session it was agreed in.
    assert "| A1 | Invite the school nurse | Sam |" in body


def test_markdown_reads_as_typed_and_stays_inert(store, ssr, clock, data_dir, tmp_path, capsys):
    session = new_session(store, ssr, clock)
    typed = [
        "Chip shop! Mum's idea, worth 5% of the budget (roughly).",
        "the case_note_id field, a 2-3 week gap: done.",
        "<img src=x onerror=alert(1)> [link](javascript:alert(1)) *not emphasis* & &amp;",
    ]
    for text in typed:
        say(store, session, clock, "case-story", text, "Sam")
    ended, _ = end(store, session, clock)
    store.close()
    data = _export(data_dir, ended.id, "md", tmp_path / "r.md", capsys).decode("utf-8")
    # Plain talk is written as typed: no backslash a reader of the text would have to read past.
    assert f"**Sam:** {typed[0]}" in data
    assert f"**Sam:** {typed[1]}" in data
    # What could make structure is escaped, and the HTML shows it as text.
    assert "\\<img src=x onerror=alert(1)> \\[link](javascript:alert(1)) \\*not emphasis\\* & \\&amp;" in data
    html = _export(data_dir, ended.id, "html", tmp_path / "r.html", capsys).decode("utf-8")
    scan = HTMLScan(html)
    assert not [t for t, attrs in scan.tags if t == "img" or any(a.startswith("on") for a in attrs)]
    for text in typed:
        assert text in scan.plain


HOSTILE_TITLE = "<script>alert(1)</script> Review *of* [x](javascript:alert(2)) <img src=x onerror=alert(3)>"


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed (.ci/run installs it)")
def test_pandoc_standalone_runs_nothing_typed_in_the_front_matter(store, ssr, clock, data_dir, tmp_path, capsys):
    session = new_session(
        store, ssr, clock, title=HOSTILE_TITLE, team="<svg onload=alert(4)>", facilitator="<b onclick=x()>Jo</b>",
        participants=["<script>p()</script>", "Sam"],
    )
    say(store, session, clock, "case-story", "Something said", "Sam")
    ended, _ = end(store, session, clock)
    store.close()
    record = tmp_path / "record.md"
    front, _ = split_record(_export(data_dir, ended.id, "md", record, capsys).decode("utf-8"))
    # The front matter, read back, still says what was typed.
    assert front["title"] == HOSTILE_TITLE and front["team"] == "<svg onload=alert(4)>"
    assert front["attendees"] == ["<script>p()</script>", "Sam"]
    out = tmp_path / "out.html"
    subprocess.run(["pandoc", "-s", str(record), "-o", str(out)], check=True, capture_output=True, timeout=60)
    page = out.read_text(encoding="utf-8")
    scan = HTMLScan(page)
    tags = [t for t, _ in scan.tags]
    assert "script" not in tags and "img" not in tags and "svg" not in tags
    assert not [attrs for _, attrs in scan.tags if any(a.startswith("on") for a in attrs)]
    assert not [attrs for _, attrs in scan.tags if "javascript:" in attrs.get("href", "")]
    # Shown as text: the page title and the heading pandoc makes from the front matter.
    title = re.search(r"<title>(.*?)</title>", page, flags=re.S).group(1)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in title
    assert "<script>alert(1)</script> Review *of* [x](javascript:alert(2))" in " ".join(scan.plain.split())


def test_actions_are_numbered_and_the_csv_is_an_action_register(store, library, clock, data_dir, tmp_path, capsys):
    import datetime as dt

    from facilitator.store.actions import change_status
    from tests.learning.helpers import load_actions
    from facilitator.learning.history import HistoryIndex

    ssr = library.get("serious-success-review")
    session = new_session(store, ssr, clock, team="Family Support 2", title="Returning to school")
    say(store, session, clock, "learning-actions", "Share the morning plan", "Sam",
        fields={"owner": "Kim Deputy", "due": "2026-12-15", "due_said": "in 3 weeks", "tell": "the team"})
    say(store, session, clock, "learning-actions", "=HYPERLINK(\"x\") ask the school", "Sam",
        fields={"owner": "Sam", "due": "next supervision"})
    session = store.update_session(session, redactions={"Sam": "the social worker"})
    # While the session runs, the CSV says it is a draft.
    draft = _export(data_dir, session.id, "csv", tmp_path / "draft.csv", capsys)
    assert [r["Record"] for r in csv.DictReader(io.StringIO(draft.decode("utf-8-sig")))] == [
        "draft: the session is not finished"] * 2
    ended, _ = end(store, session, clock)
    first = next(a for a in load_actions(store, HistoryIndex(store).refresh().facts()) if "morning" in a.text)
    change_status(store, first, "dropped", dt.date(2026, 11, 30), note="Sam found a better way")
    store.close()

    _, body = split_record(_export(data_dir, ended.id, "md", tmp_path / "r.md", capsys).decode("utf-8"))
    assert "| A1 | Share the morning plan | Kim Deputy | 2026-12-15 | the team |" in body
    assert "| A2 | " in body

    data = _export(data_dir, ended.id, "csv", tmp_path / "r.csv", capsys)
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == data.count(b"\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Action id", "Session", "Team", "Date agreed", "Action", "Owner", "Due",
                       "Who hears about it", "Status", "Latest note", "Record"]
    assert rows[1] == ["A1", "Returning to school (2026-11-22)", "Family Support 2", "2026-11-22",
                       "Share the morning plan", "Kim Deputy", "2026-12-15", "the team",
                       "dropped", "the social worker found a better way", "final"]
    # The words said where they are not a date; a formula is never run; a name is replaced.
    assert rows[2][:9] == ["A2", "Returning to school (2026-11-22)", "Family Support 2", "2026-11-22",
                           "'=HYPERLINK(\"x\") ask the school", "the social worker", "next supervision", "",
                           "open"]


def test_a_contribution_with_no_speaker_is_shown_with_none(store, ssr, clock, data_dir, tmp_path, capsys):
    from facilitator.models import ANONYMOUS

    session = new_session(store, ssr, clock)
    timeline = next(p for p in ssr.phases if p.kind.value == "timeline")
    say(store, session, clock, "case-story", "Nobody in particular said this", None)
    say(store, session, clock, "strengths-evidence", "A strength nobody claimed", None, fields={"evidence": "the plan"})
    say(store, session, clock, timeline.id, "A turning point nobody claimed", None, fields={"when": "May"})
    say(store, session, clock, "case-story", "Someone chose not to be named", ANONYMOUS)
    ended, _ = end(store, session, clock)
    store.close()
    _, body = split_record(_export(data_dir, ended.id, "md", tmp_path / "r.md", capsys).decode("utf-8"))
    assert "- Nobody in particular said this" in body
    assert "| A strength nobody claimed | the plan |   |   |" in body
    assert "| May | A turning point nobody claimed |   |   |" in body
    assert body.count("anonymous:") == 1 and "**anonymous:** Someone chose not to be named" in body
    html = HTMLScan(_export(data_dir, ended.id, "html", tmp_path / "r.html", capsys).decode("utf-8")).plain
    assert html.count("anonymous:") == 1


async def test_turning_points_are_put_in_the_order_of_the_story(store, clock, library, data_dir, tmp_path, capsys):
    from tests.room.helpers import open_app, say as type_in, shown

    ssr = library.get("serious-success-review")
    timeline = next(p for p in ssr.phases if p.kind.value == "timeline")
    session, app = open_app(store, clock, ssr, timeline.id)
    async with app.run_test(size=(160, 45)) as pilot:
        for text in ("Mum asked for help", "School nurse joined", "Referral came in"):
            await type_in(pilot, text)
        await pilot.press("up")  # the last one is chosen: it happened first
        await pilot.press("shift+up", "shift+up")
        await pilot.pause()
        assert [line.split(". ", 1)[1].split(": ")[-1] for line in shown(pilot)] == [
            "Referral came in", "Mum asked for help", "School nurse joined"]
        await pilot.press("shift+up")  # already first: nothing moves
        await pilot.pause()
    # The store is not closed (as after a crash): the export reads the folder as it was left.
    _, body = split_record(_export(data_dir, session.id, "md", tmp_path / "r.md", capsys).decode("utf-8"))
    timeline_part = body.split("**Timeline**", 1)[1]
    places = [timeline_part.index(t) for t in ("Referral came in", "Mum asked for help", "School nurse joined")]
    assert places == sorted(places)
    assert [c.position for c in store.load_session(session.id).contributions_in(timeline.id)] == [0, 1, 2]


async def test_the_follow_up_round_shows_each_actions_number(store, library, clock):
    from facilitator.tui.screens.actions import FollowUpScreen
    from tests.conftest import build_app
    from tests.learning.test_actions import _start_from_setup

    ssr = library.get("serious-success-review")
    session = new_session(store, ssr, clock)
    say(store, session, clock, "learning-actions", "Share the morning plan", fields={"owner": "Priya"})
    say(store, session, clock, "learning-actions", "Invite the school nurse", fields={"owner": "Sam"})
    end(store, session, clock)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await _start_from_setup(pilot, "Family Support 2")
        assert isinstance(app.screen, FollowUpScreen)
        rows = app.screen.query_one("#actions-table").rows
        assert sorted((row[0], str(row[3])) for row in rows) == [
            ("Invite the school nurse", "A2, 22 Nov 2026"), ("Share the morning plan", "A1, 22 Nov 2026")]


def test_tags_of_items_in_a_table_phase_are_kept_in_the_record(store, ssr, clock, data_dir, tmp_path, capsys):
    """A table phase shows each item once, in its table, and the tags given to its items are still in the record."""
    session = new_session(store, ssr, clock)
    say(store, session, clock, "strengths-evidence", "Child focus kept all through", "Sam",
        fields={"evidence": "Her words in every plan"}, tags=["voice of the child", "persistence"])
    say(store, session, clock, "learning-actions", "Share the morning plan", "Sam",
        fields={"owner": "Kim Deputy", "due": "2026-12-15"}, tags=["schools"])
    ended, _ = end(store, session, clock)
    store.close()
    _, body = split_record(_export(data_dir, ended.id, "md", tmp_path / "r.md", capsys).decode("utf-8"))
    assert body.count("Child focus kept all through") == 2  # its table row, and its tags named under the table
    assert "“Child focus kept all through”: voice of the child, persistence" in body
    assert "“Share the morning plan”: schools" in body
    html = _export(data_dir, ended.id, "html", tmp_path / "r.html", capsys).decode("utf-8")
    assert "voice of the child, persistence" in html
    # The tags line is not read back as something said: a digest of the exported record lists the strength once.
    records = tmp_path / "records"
    records.mkdir()
    (records / "r.md").write_bytes((tmp_path / "r.md").read_bytes())
    assert main(["--data-dir", str(tmp_path / "no-data"), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                 "--records", str(records), "--out", str(tmp_path / "digest.md")]) == 0
    capsys.readouterr()
    digest = (tmp_path / "digest.md").read_text(encoding="utf-8")
    assert "voice of the child" not in digest and digest.count("- Child focus kept all through") == 1, digest
