"""Due dates as the room says them become dates, counted from the app's clock; other words are not dates."""

from __future__ import annotations

import datetime as dt

import pytest

from facilitator.dates import due_note, parse_due

SUNDAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("said", "date"),
    [
        ("2027-01-31", dt.date(2027, 1, 31)),
        ("31/01/2027", dt.date(2027, 1, 31)),
        ("31/1", dt.date(2027, 1, 31)),
        ("1.12", dt.date(2026, 12, 1)),
        ("next Friday", dt.date(2026, 11, 27)),
        ("by Friday", dt.date(2026, 11, 27)),
        ("in 2 weeks", dt.date(2026, 12, 6)),
        ("in two weeks", dt.date(2026, 12, 6)),
        ("in a month", dt.date(2026, 12, 22)),
        ("end of Feb", dt.date(2027, 2, 28)),
        ("end of February 2028", dt.date(2028, 2, 29)),
        ("end of the month", dt.date(2026, 11, 30)),
        ("end of next month", dt.date(2026, 12, 31)),
        ("tomorrow", dt.date(2026, 11, 23)),
        ("3 March", dt.date(2027, 3, 3)),
        ("March 3rd 2027", dt.date(2027, 3, 3)),
        # a weekday, "by" or "w/c" before a date adds nothing to it; a count without "in"; "a week on Friday"
        ("Fri 11 Dec", dt.date(2026, 12, 11)),
        ("by Friday 11/12", dt.date(2026, 12, 11)),
        ("by 14/12", dt.date(2026, 12, 14)),
        ("w/c 7 Dec", dt.date(2026, 12, 7)),
        ("week commencing 7th December", dt.date(2026, 12, 7)),
        ("2 weeks", dt.date(2026, 12, 6)),
        ("a fortnight", dt.date(2026, 12, 6)),
        ("a week on Friday", dt.date(2026, 12, 4)),
        ("a week tomorrow", dt.date(2026, 11, 30)),
    ],
)
def test_said_becomes_a_date(said, date):
    assert parse_due(said, SUNDAY) == date


@pytest.mark.parametrize("said", ["next supervision", "when the plan is signed", "in 5000 years", "?", "one day"])
def test_not_a_date_is_none_and_marked_never_overdue(said):
    assert parse_due(said, SUNDAY) is None
    assert due_note(said, SUNDAY) == "never overdue"


@pytest.mark.parametrize("said", ["31 Feb", "31 April", "Fri 30 Feb 2027", "April 31st"])
def test_a_day_a_month_does_not_have_is_no_such_date(said):
    assert parse_due(said, SUNDAY) is None
    assert due_note(said, SUNDAY) == "no such date"


def test_next_friday_is_next_weeks_friday_and_friday_the_coming_one():
    """On a Tuesday, 'next Friday' is the Friday of next week, as 'end of next week' is; it was this week's."""
    tuesday = dt.date(2026, 12, 1)
    assert parse_due("next Friday", tuesday) == dt.date(2026, 12, 11)
    assert parse_due("end of next week", tuesday) == dt.date(2026, 12, 11)
    assert parse_due("Friday", tuesday) == parse_due("this Friday", tuesday) == dt.date(2026, 12, 4)
    assert parse_due("next Monday", dt.date(2026, 12, 6)) == dt.date(2026, 12, 7)  # a Sunday: tomorrow's week


def test_a_due_date_already_past_is_taken_and_said_to_be_past():
    assert due_note("2026-11-01", SUNDAY) == "1 Nov: past"
    assert due_note("30/11/2025", SUNDAY) == "30/11/25: past"
    assert due_note("today", SUNDAY) == "22 Nov 2026"


def test_the_same_words_on_another_day_mean_another_date():
    assert parse_due("next Friday", dt.date(2026, 11, 27)) == dt.date(2026, 12, 4)
    assert due_note("in 2 weeks", SUNDAY) == "6 Dec 2026"


def test_a_day_and_month_just_gone_is_this_years_and_said_to_be_past():
    """'30/11' typed on 2 December was 30 November of next year, a date a year away that is never overdue until
    then; it is the date just gone (a slip, or an action already done), said to be past under the field. A day and
    month further back is still the next one; 'yesterday' is a date too."""
    wednesday = dt.date(2026, 12, 2)
    assert parse_due("30/11", wednesday) == dt.date(2026, 11, 30)
    assert due_note("30/11", wednesday) == "30 Nov: past"
    assert due_note("30 November", wednesday) == "30 Nov: past"
    assert parse_due("1/11", wednesday) == dt.date(2026, 11, 1)  # 31 days back
    assert parse_due("31/10", wednesday) == dt.date(2027, 10, 31)
    assert parse_due("31/1", wednesday) == dt.date(2027, 1, 31)
    assert parse_due("30/12", dt.date(2027, 1, 3)) == dt.date(2026, 12, 30)
    assert due_note("30/12", dt.date(2027, 1, 3)) == "30/12/26: past"
    assert parse_due("yesterday", wednesday) == dt.date(2026, 12, 1)
