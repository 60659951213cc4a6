"""Service users' names replaced in every export, and safeguarding concerns never in a group export."""

from __future__ import annotations

import csv
import io
import re

from facilitator.record.export import FORMATS
from facilitator.record.redact import parse_names
from facilitator.session_ops import set_redactions
from tests.privacy.helpers import export_all

from .helpers import HTMLScan, docx_text, end, new_session, say, split_record

NAMES = {"Jayden": "Child A", "Kerry-Ann Smith": "Mother", "Nan": "Grandmother"}


def _texts(outputs: dict[str, bytes]) -> dict[str, str]:
    """What a reader sees in each format."""
    return {
        "md": outputs["md"].decode("utf-8"),
        "html": HTMLScan(outputs["html"].decode("utf-8")).plain,
        "docx": docx_text(outputs["docx"]),
        "csv": outputs["csv"].decode("utf-8-sig"),
    }


def test_names_are_replaced_in_every_format_but_stored_as_typed(store, ssr, clock, data_dir, tmp_path):
    session = new_session(store, ssr, clock, title="Jayden's return to school")
    actions = next(p for p in ssr.phases if p.kind.value == "actions")
    typed = [
        ("case-story", "JAYDEN missed a month; jayden's mum, Kerry-Ann   Smith, felt judged."),
        ("what-went-right", "Visits at Nan’s kitchen table; Nan's support mattered."),
        (actions.id, "Tell Jayden's school about the plan"),
    ]
    for phase_id, text in typed:
        extra = {"fields": {"owner": "Sam", "due": "2026-12-15", "tell": "Jayden's school"}} if phase_id == actions.id else {}
        say(store, session, clock, phase_id, text, "Sam", **extra)
    session = set_redactions(store, store.load_session(session.id), NAMES)
    ended, _ = end(store, session, clock)

    seen = _texts(export_all(data_dir, ended.id, tmp_path))  # as `facilitator export` writes them
    for fmt in FORMATS:
        text = seen[fmt]
        for name in NAMES:
            pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, name.split())) + r"(?!\w)"
            assert not re.search(pattern, text, re.IGNORECASE), (fmt, name)
    for fmt in ("md", "html", "docx"):
        assert "Child A's return to school" in seen[fmt].replace("\\", "")
        assert "Child A missed a month; Child A's mum, Mother, felt judged." in seen[fmt].replace("\\", "")
        assert "Grandmother’s kitchen table; Grandmother's support" in seen[fmt].replace("\\", "")
    rows = list(csv.DictReader(io.StringIO(seen["csv"])))
    assert rows[0]["Action"] == "Tell Child A's school about the plan"
    assert rows[0]["Who hears about it"] == "Child A's school"

    stored = store.load_session(ended.id)
    assert stored.title == "Jayden's return to school"
    assert [c.text for c in stored.contributions] == [t for _, t in typed]
    assert stored.redactions == NAMES


def _as_exported(store, ssr, clock, data_dir, tmp_path, text: str, names: dict[str, str]) -> str:
    """What the HTML record of `facilitator export` shows of one contribution, white space folded."""
    session = new_session(store, ssr, clock)
    say(store, session, clock, "case-story", text, "Sam")
    session = set_redactions(store, store.load_session(session.id), names)
    ended, _ = end(store, session, clock)
    plain = " ".join(HTMLScan(export_all(data_dir, ended.id, tmp_path)["html"].decode("utf-8")).plain.split())
    return plain.split("Sam: ", 1)[1]


def test_only_whole_words_are_replaced(store, ssr, clock, data_dir, tmp_path):
    names = {"Ann": "Mother", "Jay": "Child A"}
    text = "Ann and Anne met Jay, Jayden and Joanna; ANN's plan. Anna-Ann? (Jay)"
    shown = _as_exported(store, ssr, clock, data_dir, tmp_path, text, names)
    assert shown.startswith("Mother and Anne met Child A, Jayden and Joanna; Mother's plan. Anna-Mother? (Child A)"), shown


def test_the_longest_name_wins_and_any_spacing_matches(store, ssr, clock, data_dir, tmp_path):
    names = {"Mary": "Aunt", "Mary Ann Jones": "Mother"}
    shown = _as_exported(store, ssr, clock, data_dir, tmp_path, "Mary Ann Jones and Mary;  mary\nann  JONES", names)
    assert shown.startswith("Mother and Aunt; Mother"), shown


def test_names_list_is_read_from_lines():
    text = "Jayden -> Child A\n  Kerry  Smith =  Mother \n\nno arrow here\nNan → Grandmother\n -> nothing"
    assert parse_names(text) == {"Jayden": "Child A", "Kerry Smith": "Mother", "Nan": "Grandmother"}


def test_safeguarding_concerns_never_reach_a_group_export(store, ssr, clock, data_dir, tmp_path):
    session = new_session(store, ssr, clock)
    actions = next(p for p in ssr.phases if p.kind.value == "actions")
    say(store, session, clock, "case-story", "An ordinary thing said", "Sam")
    concern = say(store, session, clock, "case-story", "UNIQUE-CONCERN bruise seen on Tuesday", "Priya", safeguarding=True)
    say(
        store, session, clock, actions.id, "UNIQUE-ACTION-CONCERN refer today", "Priya", safeguarding=True,
        starred=True, tags=["decision"], fields={"owner": "Team manager", "due": "2026-11-22"},
    )
    say(store, session, clock, actions.id, "Share the plan", "Sam", fields={"owner": "Sam"})
    ended, path = end(store, session, clock)
    outputs = export_all(data_dir, ended.id, tmp_path)  # as `facilitator export` writes them
    outputs["md-written-at-end"] = path.read_bytes()
    for fmt, data in outputs.items():
        text = docx_text(data) if fmt == "docx" else data.decode("utf-8-sig")
        assert "UNIQUE-CONCERN" not in text and "UNIQUE-ACTION-CONCERN" not in text, fmt
        assert "bruise" not in text, fmt
    assert "An ordinary thing said" in outputs["md"].decode()
    rows = list(csv.DictReader(io.StringIO(outputs["csv"].decode("utf-8-sig"))))
    assert [r["Action"] for r in rows] == ["Share the plan"]
    # Still stored, for the accountable manager's route.
    assert any(c.id == concern.id and c.safeguarding for c in store.load_session(ended.id).contributions)
    front, body = split_record(outputs["md"].decode())
    assert "accountable manager" in body
