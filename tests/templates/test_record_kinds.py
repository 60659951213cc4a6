"""Kind-specific phases in the written record: tables that show exactly what was typed."""

from __future__ import annotations

import datetime as dt

from markdown_it import MarkdownIt

from facilitator.models import Contribution, Phase, PhaseKind
from facilitator.record.kinds import render_kind_table

WHEN = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)
GFM = MarkdownIt("commonmark").enable("table")


def c(text: str, speaker: str | None = None, **fields: str) -> Contribution:
    return Contribution(id=text[:8], phase_id="p", text=text, speaker=speaker, created_at=WHEN, fields=fields)


def phase(kind: PhaseKind, **extra) -> Phase:
    return Phase(id="p", title="P", prompt="P?", kind=kind, **extra)


def table_cells(lines: list[str]) -> list[list[str]]:
    """Parse the markdown as a reader's renderer would: rows of cell texts."""
    tokens = GFM.parse("\n".join(lines))
    rows, row = [], None
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(token.content)
        elif token.type == "tr_close":
            rows.append(row)
            row = None
    return rows


def unescape(text: str) -> str:
    import re

    return re.sub(r"\\(.)", r"\1", text)


def test_strengths_table_shows_strength_evidence_skill_and_speaker():
    lines = render_kind_table(
        phase(PhaseKind.strengths),
        [
            c("Child focus | always", "Sam", evidence="Child A's words\nin every plan", skill="child focus"),
            c("Kept going", None),
        ],
    )
    rows = table_cells(lines)
    assert rows[0] == ["Strength", "Evidence", "Practice skill", "Said by"]
    assert [unescape(x) for x in rows[1]] == ["Child focus | always", "Child A's words / in every plan", "child focus", "Sam"]
    assert len(rows[2]) == 4
    assert "1 of 2 strengths was recorded without evidence." in lines


def test_no_table_row_is_broken_by_newlines_or_pipes():
    hostile = "a | b\n| c |\n\n# heading\n- item"
    lines = render_kind_table(phase(PhaseKind.actions), [c(hostile, owner=hostile, due="x|y", tell="\n\n")])
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 3  # header, rule, one row
    rows = table_cells(lines)
    assert len(rows) == 2 and all(len(r) == 5 for r in rows)  # the action's number, then its four cells
    assert unescape(rows[1][1]) == "a | b / | c | / # heading / - item"
    assert unescape(rows[1][3]) == "x|y"


def test_timeline_table_reads_when_what_and_what_changed():
    rows = table_cells(
        render_kind_table(
            phase(PhaseKind.timeline),
            [c("Attendance dropped", "Priya", when="Month 3", changed="Asked Child A about mornings")],
        )
    )
    assert rows == [
        ["When", "What happened", "What was done differently", "Said by"],
        ["Month 3", "Attendance dropped", "Asked Child A about mornings", "Priya"],
    ]


def test_actions_table_and_unowned_actions_are_counted():
    lines = render_kind_table(
        phase(PhaseKind.actions),
        [c("Share the plan", owner="Priya", due="2026-12-15", tell="Whole team"), c("Write to school")],
    )
    rows = table_cells(lines)
    assert rows[0] == ["No.", "Action", "Owner", "Due", "Who hears about it"]
    assert rows[1] == ["A1", "Share the plan", "Priya", "2026-12-15", "Whole team"]
    assert "1 of 2 actions has no owner yet." in lines


def test_the_no_owner_sentence_agrees_with_its_count():
    """'1 of 6 actions have no owner yet' read wrong in the minutes; so did '2 of 2 actions have no owner yet'."""
    def sentence(*owners: str) -> str:
        lines = render_kind_table(phase(PhaseKind.actions), [c(f"Action {n}", owner=o) for n, o in enumerate(owners)])
        return lines[-1]

    assert sentence("Priya", "", "") == "2 of 3 actions have no owner yet."
    assert sentence("", "") == "None of the 2 actions has an owner yet."
    assert sentence("") == "The action has no owner yet."


def test_scale_table_with_anchors_and_spread():
    lines = render_kind_table(
        phase(PhaseKind.scale, scale_low="very worried", scale_high="safe enough"),
        [c("Dad engaging", "Sam", rating="6"), c("School worried", "Priya", rating="3"), c("No number", "Jo")],
    )
    assert "0 = very worried; 10 = safe enough" in lines
    rows = table_cells(lines)
    assert rows[1:] == [["Sam", "6 / 10", "Dad engaging"], ["Priya", "3 / 10", "School worried"], ["Jo", "", "No number"]]
    assert "2 ratings: lowest 3, highest 6, middle (median) 4.5." in lines


def test_group_scale_names_the_group():
    rows = table_cells(render_kind_table(phase(PhaseKind.scale, scale_by="group"), [c("Noted, not embedded", rating="4")]))
    assert rows[1] == ["the group", "4 / 10", "Noted, not embedded"]


def test_discussion_and_round_phases_and_empty_phases_have_no_table():
    assert render_kind_table(phase(PhaseKind.discussion), [c("x")]) == []
    assert render_kind_table(phase(PhaseKind.round), [c("x", "Sam")]) == []
    assert render_kind_table(phase(PhaseKind.actions), []) == []
