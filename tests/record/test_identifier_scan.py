"""The scan for likely personal identifiers before the final record is written."""

from __future__ import annotations

import datetime as dt

import pytest

from facilitator.record.pii import nhs_number_valid, scan_session, scan_text
from facilitator.session_ops import case_reference_setting, review_identifiers, set_redactions

from .helpers import new_session, say

DAY = dt.date(2026, 11, 22)


def _nhs_with_check_digit(first_nine: str) -> str:
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1)))
    check = (11 - total % 11) % 11
    assert check != 10
    return first_nine + str(check)


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("DOB 12/03/2015, doing well", "date of birth", "12/03/2015"),
        ("born 3rd March 2016 in Leeds", "date of birth", "3rd March 2016"),
        ("ring Mum on 07700 900123 after four", "phone number", "07700 900123"),
        ("office (020) 7946 0958 anytime", "phone number", "(020) 7946 0958"),
        ("+44 113 496 0000 is the school", "phone number", "+44 113 496 0000"),
        ("email jo.bloggs+case@example.org.uk today", "email address", "jo.bloggs+case@example.org.uk"),
        ("they moved to LS1 4AP last year", "postcode", "LS1 4AP"),
        ("postcode sw1a1aa on the letter", "postcode", "sw1a1aa"),
        ("case ref: LCS123456 was closed", "case reference", "ref: LCS123456"),
    ],
)
def test_each_kind_of_identifier_is_found(text, kind, found):
    from facilitator.record.pii import compile_case_pattern

    assert (kind, found) in scan_text(text, DAY, compile_case_pattern(None))


def test_nhs_numbers_need_a_valid_check_digit():
    valid = _nhs_with_check_digit("943476591")
    spaced = f"{valid[:3]} {valid[3:6]} {valid[6:]}"
    assert nhs_number_valid(valid)
    assert ("NHS number", spaced) in scan_text(f"NHS no {spaced} on file", DAY)
    wrong = valid[:9] + str((int(valid[9]) + 1) % 10)
    assert not nhs_number_valid(wrong)
    assert not any(kind == "NHS number" for kind, _ in scan_text(f"number {wrong}", DAY))


def test_ordinary_talk_is_not_flagged():
    for text in [
        "Attendance went from 40% to 96% over 8 months",
        "Month 3: we changed the plan; 2 visits a week",
        "Share it at the meeting by 15/12/2026",  # a future date is a due date, not a birthday
        "Room 101 at 10:30, 25 people",
    ]:
        assert scan_text(text, DAY) == [], text


def test_scan_reports_each_identifier_once_with_where_it_was(store, ssr, clock):
    session = new_session(store, ssr, clock)
    say(store, session, clock, "case-story", "Mum's mobile is 07700 900123", "Sam")
    say(store, session, clock, "what-went-right", "Rang 07700 900123 every Friday; email mum@example.org", "Priya")
    say(store, session, clock, "case-story", "Hidden 07700 900999 in a concern", "Priya", safeguarding=True)
    findings = scan_session(store.load_session(session.id))
    by_text = {f.text: f for f in findings}
    assert set(by_text) == {"07700 900123", "mum@example.org"}
    phone = by_text["07700 900123"]
    assert phone.count == 2
    titles = {p.id: p.title for p in ssr.phases}
    assert phone.where == [titles["case-story"], titles["what-went-right"]]


def test_answers_are_kept_and_not_asked_again(store, ssr, clock):
    session = new_session(store, ssr, clock)
    say(store, session, clock, "case-story", "Phone 07700 900123, email mum@example.org, lives at LS1 4AP", "Sam")
    session = store.load_session(session.id)
    assert len(scan_session(session)) == 3
    session = review_identifiers(store, session, {"07700 900123": "[phone number]"}, ["LS1 4AP"])
    stored = store.load_session(session.id)
    assert stored.redactions == {"07700 900123": "[phone number]"}
    assert stored.pii_kept == ["LS1 4AP"]
    assert [f.text for f in scan_session(stored)] == ["mum@example.org"]
    # A name already on the list is not reported either.
    stored = set_redactions(store, stored, {**stored.redactions, "mum@example.org": "[email]"})
    assert scan_session(stored) == []


def test_case_reference_pattern_is_set_per_data_folder(store, ssr, clock):
    session = new_session(store, ssr, clock)
    say(store, session, clock, "case-story", "See file MOS-77812 for the history", "Sam")
    session = store.load_session(session.id)
    assert scan_session(session, case_reference_setting(store)) == []
    (store.data_dir / "settings.toml").write_text('[records]\ncase_reference_pattern = "MOS-\\\\d{5}"\n', encoding="utf-8")
    findings = scan_session(session, case_reference_setting(store))
    assert [(f.kind, f.text) for f in findings] == [("case reference", "MOS-77812")]


def test_a_broken_settings_file_is_reported_and_defaults_used(store):
    (store.data_dir / "settings.toml").write_text("[records\nretention_note = ", encoding="utf-8")
    assert case_reference_setting(store) is None
    assert any("settings.toml" in notice for notice in store.notices)


async def test_a_case_reference_pattern_that_could_take_minutes_does_not_freeze_the_end(store, ssr, clock, data_dir):
    """A pattern in settings.toml that repeats a repeated part ("([A-Z]+-?)+\\d{5}") ran over a long word that almost
    matched for minutes on the screen's thread as the session ended: the app froze, ctrl+q too. Such a pattern is
    not used (the default is, and the folder's problems say why)."""
    import time

    from tests.conftest import build_app, end_from_the_screen

    (data_dir / "settings.toml").write_text('[records]\ncase_reference_pattern = "([A-Z]+-?)+\\\\d{5}"\n',
                                            encoding="utf-8")
    session = new_session(store, ssr, clock)
    say(store, session, clock, "case-story", "ABCDEFGHIJKLMNOPQRSTUVWXYZAB was the word on the form")
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        started = time.monotonic()
        await end_from_the_screen(pilot)
        assert time.monotonic() - started < 3
    assert any("repeats a part that repeats itself" in n for n in store.notices)
