"""Contributions recorded in a phase the session's template no longer has (a session file or journal line written by
another version of facilitator, phase ids renamed since) reach the minutes: `facilitator export` lists them in a
section of their own, with the phase each names, the names list applied and safeguarding concerns kept out; a
session without them keeps the record's usual shape."""

from __future__ import annotations

from pathlib import Path

import orjson

from facilitator.session_ops import set_redactions
from facilitator.store import Store
from facilitator.store.storage import META_TABLE, database_bytes, parse_database
from tests.privacy.helpers import export, leaks, readings

from .helpers import end, new_session, say

HEADING = "Recorded in a phase this template no longer has"
NAMES = {"Jayden": "Child A"}
#: said in phases the template has, then moved (by another version's file) into "jayden-visits"
MOVED = ["Jayden said he felt heard at last.", "Ring Jayden's GP before the review."]
CONCERN = "Jayden's uncle was at the house again."
KEPT = "Visits at the kitchen table."


def move_into_a_phase_the_template_lacks(data_dir: Path, session_id: str, texts: list[str], phase_id: str) -> None:
    """The session file as another version of facilitator might write it: these contributions in ``phase_id``,
    which the session's template does not have, the file's checksum right (so the store reads it as it is)."""
    path = data_dir / "sessions" / f"{session_id}.json"
    tables = parse_database(path, path.read_bytes())
    meta = tables.pop(META_TABLE)["1"]
    moved = 0
    for doc in tables["contributions"].values():
        if doc["text"] in texts:
            doc["phase_id"] = phase_id
            moved += 1
    assert moved == len(texts)
    path.write_bytes(database_bytes(tables, meta))


def _session(store, ssr, clock, data_dir: Path):  # noqa: ANN001, ANN202
    session = new_session(store, ssr, clock, title="Visit review")
    session = set_redactions(store, session, NAMES)
    say(store, session, clock, "case-story", KEPT, "Sam")
    say(store, session, clock, "case-story", MOVED[0], "Priya", starred=True)
    say(store, session, clock, "case-story", CONCERN, "Priya", safeguarding=True)
    say(store, session, clock, "learning-actions", MOVED[1], "Sam", fields={"owner": "Sam", "due": "2026-12-01"})
    ended, _ = end(store, store.load_session(session.id), clock)
    store.close()
    return ended


def test_contributions_in_no_phase_of_the_template_are_in_every_format_of_the_record(store, ssr, clock, data_dir, tmp_path):
    session = _session(store, ssr, clock, data_dir)
    move_into_a_phase_the_template_lacks(data_dir, session.id, [*MOVED, CONCERN], "jayden-visits")
    shown = [text.replace("Jayden", "Child A") for text in MOVED]

    for fmt in ("md", "html", "docx"):
        text = "\n".join(readings(fmt, export(data_dir, session.id, fmt, tmp_path)))
        assert HEADING in text, fmt
        for said in shown:
            assert said in text, (fmt, said)
        assert "Child A-visits" in text, fmt  # the phase each names, its names list applied too
        assert "uncle" not in text, fmt  # a safeguarding concern stays out, in whichever phase it was
        assert not leaks(text, NAMES), fmt

    md = export(data_dir, session.id, "md", tmp_path).decode()
    section = md.split(f"## {HEADING}", 1)[1].split("\n## ", 1)[0]
    assert "2 contributions were recorded in a phase that is not in this session's template" in section
    assert "**Priya:** Child A said he felt heard at last." in section  # who said it, as in every phase
    assert "*owner:* Sam; *due:* 2026-12-01" in section  # and its fields
    # The other phases are as they were: what stayed in its phase is there once, the rest not.
    case_story = md.split("## 2. Case story", 1)[1].split("\n## ", 1)[0]
    assert KEPT in case_story and "Child A said" not in case_story


def test_a_journal_line_from_another_version_in_no_phase_reaches_the_record(store, ssr, clock, data_dir, tmp_path):
    """A contribution added by a journal line that names a phase this template lacks: replayed into the session, and
    in its record."""
    session = new_session(store, ssr, clock, title="Visit review")
    say(store, session, clock, "case-story", KEPT, "Sam")
    store.close()
    journal = data_dir / "sessions" / f"{session.id}.journal.jsonl"
    seq = max(orjson.loads(line)["seq"] for line in journal.read_bytes().splitlines())
    line = {"seq": seq + 1, "at": "2026-11-22T10:30:00+00:00", "op": "add", "contribution": {
        "id": "from-another", "phase_id": "reflections", "text": "The family chose the meeting place.",
        "speaker": "Sam", "created_at": "2026-11-22T10:29:00Z"}}
    with journal.open("ab") as f:
        f.write(orjson.dumps(line) + b"\n")

    md = export(data_dir, session.id, "md", tmp_path).decode()
    section = md.split(f"## {HEADING}", 1)[1].split("\n## ", 1)[0]
    assert "**Sam:** The family chose the meeting place. *(phase: reflections)*" in section
    assert "1 contribution was recorded in a phase" in section


def test_a_session_with_every_contribution_in_its_phases_has_no_such_section(store, ssr, clock, data_dir, tmp_path):
    session = _session(store, ssr, clock, data_dir)
    md = export(data_dir, session.id, "md", tmp_path).decode()
    assert HEADING not in md
    reopened = Store(data_dir, read_only=True).open()
    try:
        assert md.encode() == Path(reopened.load_session(session.id).record_path).read_bytes()
    finally:
        reopened.close()


def test_an_action_in_no_phase_is_numbered_after_the_others_in_the_record_and_the_action_register(
    store, ssr, clock, data_dir, tmp_path
):
    """An action recorded in a phase the template lacks (told by its owner, due date or who hears about it) is in
    `facilitator export --format csv`, numbered as the record numbers it: after the actions of the actions phase.
    A safeguarding concern with an owner is in neither."""
    import csv
    import io

    session = new_session(store, ssr, clock, title="Visit review")
    session = set_redactions(store, session, NAMES)
    say(store, session, clock, "learning-actions", "Share the plan at the team meeting.", "Sam", fields={"owner": "Priya"})
    say(store, session, clock, "learning-actions", MOVED[1], "Sam", fields={"owner": "Sam", "due": "2026-12-01",
                                                                            "tell": "Jayden's teacher"})
    say(store, session, clock, "case-story", MOVED[0], "Priya")
    say(store, session, clock, "learning-actions", CONCERN, "Priya", safeguarding=True, fields={"owner": "UNIQUE-OWNER"})
    ended, _ = end(store, store.load_session(session.id), clock)
    store.close()
    move_into_a_phase_the_template_lacks(data_dir, ended.id, [*MOVED, CONCERN], "jayden-visits")

    md = export(data_dir, ended.id, "md", tmp_path).decode()
    section = md.split(f"## {HEADING}", 1)[1].split("\n## ", 1)[0]
    assert "An action among them (with an owner, a due date or who hears about it) is numbered after" in section
    assert "- **A2** **Sam:** Ring Child A's GP before the review. — *owner:* Sam" in section
    assert "- **Priya:** Child A said he felt heard at last." in section  # not an action: not numbered

    rows = list(csv.DictReader(io.StringIO(export(data_dir, ended.id, "csv", tmp_path).decode("utf-8-sig"))))
    assert [(r["Action id"], r["Action"], r["Owner"], r["Due"], r["Who hears about it"], r["Status"]) for r in rows] == [
        ("A1", "Share the plan at the team meeting.", "Priya", "", "", "open"),
        ("A2", "Ring Child A's GP before the review.", "Sam", "2026-12-01", "Child A's teacher", "open"),
    ]
