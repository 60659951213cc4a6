"""Property: whatever names are on the list, however each is typed (case, NFC or NFD, full-width letters,
zero-width and other format characters inside, other spaces between its words, a digit or underscore joined to
it) and in whichever field,
no output of `facilitator export` (markdown, HTML, Word, CSV) or `facilitator digest` (markdown, HTML)
holds a listed name in any normal form."""

from __future__ import annotations

import datetime as dt
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from facilitator.store import Store
from tests.conftest import FixedClock, counter_ids

from .helpers import FIELDS, assert_no_leaks, digest, export_all, fold, readings, session_with

LETTERS = "abcdefghijklmnopqrstuvwxyzéëöüñçåß"
FORMAT_CHARACTERS = ["\u200b", "\u00ad", "\u2060", "\u200c", "\u200d", "\ufeff"]
SPACES = [" ", "  ", "\u00a0", "\u3000", "\u2009"]
JOINED = ["", "", "", "2", "_", "0"]

word = st.text(LETTERS, min_size=3, max_size=8).map(lambda w: w[:1].upper() + w[1:])
# "Jayden", "Mary Ann", "Kerry-Ann", "O'Brien"
part = st.one_of(word, st.tuples(word, st.sampled_from(["-", "'"]), word).map("".join))
name = st.lists(part, min_size=1, max_size=2).map(" ".join)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def spelled(draw, listed: str) -> str:  # noqa: ANN001
    """One way of typing ``listed``."""
    text = listed
    case = draw(st.sampled_from(["as listed", "upper", "lower", "mixed"]))
    if case == "upper":
        text = text.upper()
    elif case == "lower":
        text = text.lower()
    elif case == "mixed":
        flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
        text = "".join(c.upper() if flip else c for c, flip in zip(text, flips))
    text = unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), text)
    if draw(st.booleans()):
        text = full_width(text)
    words = text.split(" ")
    text = words[0]
    for more in words[1:]:
        text += draw(st.sampled_from(SPACES)) + more
    for _ in range(draw(st.integers(0, 3))):  # format characters anywhere inside
        at = draw(st.integers(1, max(1, len(text) - 1)))
        text = text[:at] + draw(st.sampled_from(FORMAT_CHARACTERS)) + text[at:]
    # joined to a digit or an underscore ("Jayden2", "_Jayden"), still read as the name
    return draw(st.sampled_from(JOINED)) + text + draw(st.sampled_from(JOINED))


@pytest.fixture(scope="module")
def library():
    from facilitator.templates import load_library

    return load_library(None)


def _outputs(library, put, names: dict[str, str]) -> dict[str, bytes | str]:  # noqa: ANN001
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        out = Path(folder) / "out"
        out.mkdir()
        clock = FixedClock()
        store = Store(data_dir, clock=clock, id_factory=counter_ids()).open()
        try:
            session = session_with(store, library, clock, put, names)
        finally:
            store.close()
        outputs: dict[str, bytes | str] = {f"export:{f}": d for f, d in export_all(data_dir, session.id, out).items()}
        outputs["digest:md"] = digest(data_dir, out, "md")
        outputs["digest:html"] = digest(data_dir, out, "html")
        return outputs


@pytest.fixture(scope="module")
def boilerplate(library) -> set[str]:
    """Every word the outputs hold besides what is typed: a listed name made of these is not looked for."""
    outputs = _outputs(library, lambda field: "Qqqq", {"Qqqq": "Person 1"})
    words: set[str] = set()
    for what, data in outputs.items():
        for reading in readings(what.split(":")[-1], data.encode() if isinstance(data, str) else data):
            words.update(fold(reading).replace("\\", " ").split())
            words.update("".join(c if c.isalnum() else " " for c in fold(reading)).split())
    return words


def _check(library, boilerplate, data) -> None:  # noqa: ANN001
    listed = data.draw(st.lists(name, min_size=1, max_size=3, unique_by=lambda n: " ".join(fold(n).split())), label="names")
    for n in listed:
        assume(not any(part in boilerplate for part in fold(n).split()))
    names = {n: f"Person {i + 1}" for i, n in enumerate(listed)}
    chosen = {field: data.draw(st.sampled_from(listed), label=f"name in {field}") for field in FIELDS}
    typed = {field: data.draw(spelled(chosen[field]), label=field) for field in FIELDS}
    outputs = _outputs(library, typed.__getitem__, names)
    assert_no_leaks(outputs, names)
    return outputs, names[chosen["title"]]


def _heading(record: str) -> str:
    """The record's title line (the title typed may have a digit or an underscore joined to the name: "2Person 1")."""
    return next(line for line in record.splitlines() if line.startswith("# "))


QUICK = settings(max_examples=10, deadline=dt.timedelta(seconds=30), suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(data=st.data())
def test_no_listed_name_in_any_export_or_digest(library, boilerplate, data):
    outputs, in_title = _check(library, boilerplate, data)
    # No listed name in any output (checked in _check, every format read as a reader would), and the record's
    # title shows the replacement where the name was typed.
    record = outputs["export:md"].decode("utf-8")
    assert _heading(record).startswith("# Review of ") and in_title in _heading(record), record[:2000]


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_listed_name_in_any_export_or_digest_many_examples(library, boilerplate, data):
    outputs, in_title = _check(library, boilerplate, data)
    heading = _heading(outputs["export:md"].decode("utf-8"))
    assert heading.startswith("# Review of ") and in_title in heading
