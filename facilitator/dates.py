"""Due dates as people say them in the room, turned into dates. Pure: no Textual, no files.

"2027-01-31", "31/01/2027", "31/1", "Friday" (the next one), "next Friday" (next week's), "in 2 weeks", "end of Feb", "tomorrow", "3 March": each becomes a
date counted from `today` (the app's clock). Anything else ("next supervision") is not a date: None.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .text import parse_date

_WEEKDAYS = {name: n for n, name in enumerate(calendar.day_name[i].casefold() for i in range(7))}
_WEEKDAYS.update({name[:3]: n for name, n in list(_WEEKDAYS.items())})
_WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})
_MONTHS = {calendar.month_name[i].casefold(): i for i in range(1, 13)}
_MONTHS.update({name[:3]: n for name, n in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_UNITS = {"day": 1, "week": 7, "fortnight": 14}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word)


#: days back a day and month said without a year is still taken as this year's ("30/11" said on 2 December)
JUST_PASSED = 31


def _day_in_month(day: int, month: int, year: int | None, today: dt.date) -> dt.date | None:
    """That day of that month: in `year`, or else the next time it comes (today counts), unless it came in the
    last JUST_PASSED days: "30/11" typed on 2 December is the date just gone (a slip, or an action already done,
    shown as past under the field), not one a year away, never overdue until then."""
    try:
        if year is not None:
            return dt.date(year, month, day)
        found = dt.date(today.year, month, day)
        if found < today and (today - found).days > JUST_PASSED:
            found = dt.date(today.year + 1, month, day)
        elif found > today and (found - today).days > 366 - JUST_PASSED:  # (early January: late December just gone)
            found = dt.date(today.year - 1, month, day)
        return found
    except ValueError:
        return None


def is_numeric_date(text: str) -> bool:
    """'2027-01-31' or '31/01/2027': a date written in figures (the words add nothing to it)."""
    try:
        parse_date(text)
    except ValueError:
        return False
    return True


_WEEKDAY_NAMES = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
# Said before a date, and adding nothing to it: "by 14/12", "w/c 7 Dec" (the week's Monday), "Friday 4 December".
_BEFORE_A_DATE = re.compile(
    rf"^(?:(?:by|before|on|due|for)\s+|(?:w/c|w/b|wc|wb|week commencing|week beginning)\s+|(?:{_WEEKDAY_NAMES}),?\s+(?=\d))"
)


def parse_due(text: str, today: dt.date) -> dt.date | None:
    """The date a due date means, counted from today; None if it is not a date."""
    words = " ".join(text.split()).casefold().strip(" .,!")
    if not words:
        return None
    while (shorter := _BEFORE_A_DATE.sub("", words, count=1)) != words and shorter:
        words = shorter  # ("by Friday 11 Dec": both left off)
    try:
        return parse_date(words)
    except ValueError:
        pass
    if match := re.fullmatch(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{2})", words):  # 1/2/27: the year's last two figures
        day, _, month, year = match.groups()
        return _day_in_month(int(day), int(month), 2000 + int(year), today) if 1 <= int(month) <= 12 else None
    if match := re.fullmatch(r"(\d{1,2})([/.])(\d{1,2})", words):  # 31/1: day and month, the next time it comes
        day, _, month = match.groups()
        return _day_in_month(int(day), int(month), None, today) if 1 <= int(month) <= 12 else None
    words = re.sub(r"^(by|before|on|due|for)\s+", "", words)
    words = re.sub(r"\bthe\s+", "", words)
    if words == "today":
        return today
    if words == "yesterday":
        return today - dt.timedelta(days=1)
    if words == "tomorrow":
        return today + dt.timedelta(days=1)
    if words in ("next week", "in a week"):
        return today + dt.timedelta(days=7)
    if words == "next month":
        return _add_months(today, 1)
    if match := re.fullmatch(r"(next |this |on |coming )?(\w+)", words):
        which, name = match.groups()
        if name in _WEEKDAYS:
            if which == "next ":  # that day of next week (Monday to Sunday), as "end of next week" is its Friday
                return today + dt.timedelta(days=7 - today.weekday() + _WEEKDAYS[name])
            ahead = (_WEEKDAYS[name] - today.weekday()) % 7
            if ahead == 0 and which != "this ":
                ahead = 7
            return today + dt.timedelta(days=ahead)
    if match := re.fullmatch(r"a week (?:on )?(today|tomorrow|\w+)", words):  # "a week on Friday": that Friday's next
        day = parse_due(match.group(1), today)
        if day is not None and (match.group(1) in ("today", "tomorrow") or match.group(1) in _WEEKDAYS):
            return day + dt.timedelta(days=7)
    if match := re.fullmatch(r"(in |within )?(\w+) (day|week|fortnight|month|year)s?( time)?", words):
        said_in, count_said, unit = match.group(1, 2, 3)
        if not said_in and (count_said == "one" or (count_said in ("a", "an") and unit == "day")):
            return None  # "one day", "a day" without "in": some day, not tomorrow
        count = _number(count_said)
        if count is None or count > 1000:
            return None
        if unit == "month":
            return _add_months(today, count)
        if unit == "year":
            return _add_months(today, 12 * count)
        return today + dt.timedelta(days=count * _UNITS[unit])
    if match := re.fullmatch(r"end of (this |next )?(week|month|year)", words):
        which, unit = match.groups()
        later = which == "next "
        if unit == "week":
            friday = today + dt.timedelta(days=(4 - today.weekday()) % 7)
            return friday + dt.timedelta(days=7) if later else friday
        if unit == "month":
            month = _add_months(today.replace(day=1), 1 if later else 0)
            return _month_end(month.year, month.month)
        return dt.date(today.year + (1 if later else 0), 12, 31)
    if match := re.fullmatch(rf"end of ({_MONTH_NAMES})( \d{{4}})?", words):
        month = _MONTHS[match.group(1)]
        if match.group(2):
            return _month_end(int(match.group(2)), month)
        end = _month_end(today.year, month)
        return end if end >= today else _month_end(today.year + 1, month)
    if match := re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)?(?: of)? ({_MONTH_NAMES}),?( \d{{4}})?", words):
        year = int(match.group(3)) if match.group(3) else None
        return _day_in_month(int(match.group(1)), _MONTHS[match.group(2)], year, today)
    if match := re.fullmatch(rf"({_MONTH_NAMES}) (\d{{1,2}})(?:st|nd|rd|th)?,?( \d{{4}})?", words):
        year = int(match.group(3)) if match.group(3) else None
        return _day_in_month(int(match.group(2)), _MONTHS[match.group(1)], year, today)
    return None


#: a date written in figures, right or wrong ("31/02/2027", "2026-02-30", "13/13/2027")
_DATE_SHAPED = re.compile(r"\d{1,4}([/.-])\d{1,2}\1\d{1,4}|\d{1,2}[/.]\d{1,2}")


#: a day and a month named in words, right or wrong ("31 April", "30 Feb 2027", "Friday 31 April")
_WORD_DATE_SHAPED = re.compile(
    rf"(?:(?:by|before|on|due|for) )?(?:(?:{_WEEKDAY_NAMES}),? )?(?:\d{{1,2}}(?:st|nd|rd|th)?(?: of)? (?:{_MONTH_NAMES})"
    rf"|(?:{_MONTH_NAMES}) \d{{1,2}}(?:st|nd|rd|th)?),?(?: \d{{4}})?"
)


def due_problem(text: str, today: dt.date) -> str | None:
    """A sentence if a due date is written as a date but is none ("31/02/2027", "31 April": a slip, which kept as
    words would never be overdue); None if it is a date, or words."""
    words = text.strip()
    shaped = _DATE_SHAPED.fullmatch(words) or _WORD_DATE_SHAPED.fullmatch(" ".join(words.split()).casefold().strip(" .,!"))
    if not words or not shaped or parse_due(words, today) is not None:
        return None
    return (f"Due: '{words}' is not a date; write it as 31/01, 31/01/2027 or 2027-01-31, or in words "
            "(\"end of February\", \"next supervision\").")


def due_note(text: str, today: dt.date) -> str:
    """What a typed due date is understood as, short enough for the border under the field."""
    if not text.strip():
        return ""
    date = parse_due(text, today)
    if date is None:
        return "no such date" if due_problem(text, today) else "never overdue"
    if date < today:  # taken, as an action already done may be recorded, but not without a word (kept short:
        # the border under the field shows 14 characters, and "1 Dec 2026: in the past" showed as "1 Dec 2026: i…")
        return f"{date.day} {date:%b}: past" if date.year == today.year else f"{date:%d/%m/%y}: past"
    return f"{date.day} {date:%b %Y}"
