"""The history keeps each session's entry in memory and reads the rest from history-cache.json when asked:
what a search, the themes or the actions find must be the same as with everything in memory."""

from __future__ import annotations

import datetime as dt

import facilitator.store.history as history_module
from facilitator.learning.facts import facts_from_docs
from facilitator.learning.search import search
from facilitator.store.history import CACHE_NAME, HistoryIndex
from tests.learning.helpers import reviewed_session
from tests.record.helpers import new_session, say


def _history(store, library, clock):
    reviewed_session(store, library, clock, team="Family Support 2", date=dt.date(2026, 6, 3), title="June review")
    reviewed_session(store, library, clock, team="Fostering", date=dt.date(2026, 9, 1), title="September review",
                     went_right="The carer rang the school every morning", action="Invite the school nurse")
    huddle = new_session(store, library.get("quick-success-huddle"), clock, team="Fostering", title="Huddle",
                         date=dt.date(2026, 10, 5))
    say(store, huddle, clock, "the-story", "A placement held together over the summer")
    return huddle


def _whole(facts):
    return [
        (f.id, f.title, f.blob, f.phases, [(s.index, s.evidence, s.skill) for s in f.strengths],
         [(a.contribution_id, a.index, a.owner, a.due, a.tell) for a in f.actions], f.ratings, f.tags, f.went_right,
         f.reviews)
        for f in facts
    ]


def _hits(result):
    hits, total = result
    return [(h.session.id, h.index, h.phase_title, h.text, h.spans) for h in hits], total


def test_ended_sessions_are_read_back_whole_from_the_cache_and_only_the_running_one_stays_in_memory(store, library, clock):
    huddle = _history(store, library, clock)
    index = HistoryIndex(store).refresh()
    assert index.kept_in_memory == {huddle.id}
    # Every fact of the ended sessions comes back from the file as it was read from the session files.
    from_files = HistoryIndex(store, use_cache=False).refresh()
    assert _whole(index.facts()) == _whole(from_files.facts())
    assert [e.title for e in index.entries()] == ["Huddle", "September review", "June review"]
    for query in ("kitchen", "SCHOOL every", "placement", "Child A's"):
        assert _hits(index.search(query)) == _hits(from_files.search(query))
    # A new reader (the app started again) keeps nothing of the ended sessions in memory either.
    again = HistoryIndex(store).refresh()
    assert again.from_cache == 2 and again.kept_in_memory == {huddle.id}
    assert _whole(again.facts()) == _whole(from_files.facts())


def test_search_and_facts_are_right_when_the_cache_file_is_replaced_under_the_index(store, library, clock, data_dir):
    _history(store, library, clock)
    index = HistoryIndex(store).refresh()
    expected = _whole(HistoryIndex(store, use_cache=False).refresh().facts())
    # Damaged, or written by something else, after the index read it: the session files are read instead.
    (data_dir / CACHE_NAME).write_bytes(b"not the file the index read\n")
    assert _whole(index.facts()) == expected
    assert index.search("KITCHEN visits")[1] == 1
    assert index.search("nurse")[1] == 1
    # The next time the index writes the cache (here: a session renamed), it is written whole and right again.
    june = next(e for e in index.entries() if e.title == "June review")
    store.update_session(store.load_session(june.id), title="June review, renamed")
    index.refresh()
    assert {e.title for e in index.entries()} == {"Huddle", "September review", "June review, renamed"}
    assert len(index.kept_in_memory) == 1
    fresh = HistoryIndex(store).refresh()
    assert fresh.from_cache == 2 and _whole(fresh.facts())[1:] == _whole(index.facts())[1:]


def test_search_reads_the_texts_in_pieces_and_only_the_sessions_asked_for(store, library, clock, monkeypatch):
    _history(store, library, clock)
    index = HistoryIndex(store).refresh()
    whole = _hits(index.search("the"))
    monkeypatch.setattr(history_module, "SEARCH_PIECE", 16)  # one session's texts per piece
    assert _hits(index.search("the")) == whole and whole[1] >= 4
    june = next(e for e in index.entries() if e.title == "June review")
    hits, total = index.search("the", ids=[june.id])
    assert total >= 1 and {h.session.id for h in hits} == {june.id}
    # The first hits only are kept, but every match is counted.
    hits, total = index.search("the", limit=1)
    assert len(hits) == 1 and total == whole[1]


def _facts(*texts):
    header = {"id": "s1", "date": "2026-01-01", "title": "T",
              "template": {"phases": [{"id": "p", "title": "Story", "kind": "discussion"}]}}
    return facts_from_docs(header, [{"id": str(n), "phase_id": "p", "text": t} for n, t in enumerate(texts)])


def test_search_ignores_case_when_a_letter_lowers_to_two():
    # "İ" lowers to two characters: the matches must still be placed in the text as typed.
    facts = _facts("İstanbul trip", "Visits at the KITCHEN table in İzmir")
    hits, total = search([facts], "kitchen İzmir")
    assert total == 1 and hits[0].index == 1
    assert [hits[0].text[a:b] for a, b in hits[0].spans] == ["KITCHEN", "İzmir"]


def test_texts_with_line_breaks_or_separators_typed_in_them_stay_one_contribution_each():
    facts = _facts("line one\nline two", "has \x1f inside", "last")
    assert facts.texts() == ["line one line two", "has inside", "last"]
    assert [(h.index, h.text) for h in search([facts], "two")[0]] == [(0, "line one line two")]
    assert [h.index for h in search([facts], "last")[0]] == [2]


def test_a_session_whose_only_text_is_empty_has_one_text():
    # Older or imported data may hold an empty contribution: it is still one contribution, at its place.
    facts = _facts("")
    assert facts.texts() == [""] and facts.contribution_count == 1
