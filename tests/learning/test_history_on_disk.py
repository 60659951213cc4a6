"""The history index (<data>/history-index.sqlite) holds what the session files say: what a search, the themes
or the actions find from it must be the same as from an index built afresh in memory."""

from __future__ import annotations

import datetime as dt
import sqlite3

from facilitator.learning.facts import facts_from_data, session_data
from facilitator.learning.history import HistoryIndex
from facilitator.store.index import INDEX_NAME
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
         f.reviews, f.names, f.people)
        for f in facts
    ]


def _hits(result):
    hits, total = result
    return [(h.session.id, h.index, h.phase_title, h.text, h.spans) for h in hits], total


def test_sessions_are_read_back_whole_from_the_index_file(store, library, clock):
    _history(store, library, clock)
    index = HistoryIndex(store).refresh()
    from_files = HistoryIndex(store, use_cache=False).refresh()
    assert _whole(index.facts()) == _whole(from_files.facts())
    assert [e.title for e in index.entries()] == ["Huddle", "September review", "June review"]
    for query in ("kitchen", "SCHOOL every", "placement", "Child A's"):
        assert _hits(index.search(query)) == _hits(from_files.search(query))
    # A new reader (the app started again) reads the same from the file, without reading a session file.
    again = HistoryIndex(store).refresh()
    assert again.from_files == 0 and _whole(again.facts()) == _whole(from_files.facts())


def test_an_index_of_another_version_is_built_again(store, library, clock, data_dir):
    _history(store, library, clock)
    expected = _whole(HistoryIndex(store, use_cache=False).refresh().facts())
    HistoryIndex(store).refresh().db.close()
    with sqlite3.connect(data_dir / INDEX_NAME) as conn:
        conn.execute("PRAGMA user_version = 999")
    index = HistoryIndex(store).refresh()
    assert index.from_files == 3 and _whole(index.facts()) == expected
    assert not (data_dir / "quarantine").exists() or not list((data_dir / "quarantine").iterdir())


def test_a_left_over_history_cache_is_deleted(store, library, clock, data_dir):
    _history(store, library, clock)
    (data_dir / "history-cache.json").write_bytes(b'{"version": 7}\n')
    HistoryIndex(store).refresh()
    assert not (data_dir / "history-cache.json").exists()


def test_search_finds_only_the_sessions_asked_for_and_counts_every_match(store, library, clock):
    _history(store, library, clock)
    index = HistoryIndex(store).refresh()
    whole = _hits(index.search("the"))
    assert whole[1] >= 4
    june = next(e for e in index.entries() if e.title == "June review")
    hits, total = index.search("the", ids=[june.id])
    assert total >= 1 and {h.session.id for h in hits} == {june.id}
    # The first hits only are kept, but every match is counted.
    hits, total = index.search("the", limit=1)
    assert len(hits) == 1 and total == whole[1]


def _facts(*texts):
    header = {"id": "s1", "date": "2026-01-01", "title": "T",
              "template": {"phases": [{"id": "p", "title": "Story", "kind": "discussion"}]}}
    # As the history index writes a session's rows from its stored documents, and reads its facts back.
    return facts_from_data(session_data(header, [{"id": str(n), "phase_id": "p", "text": t} for n, t in enumerate(texts)]))


def _one_session(store, library, clock, *texts):
    session = new_session(store, library.get("quick-success-huddle"), clock, team="Fostering", title="T",
                          date=dt.date(2026, 1, 1))
    for text in texts:
        say(store, session, clock, "the-story", text)
    return HistoryIndex(store).refresh()


def test_search_ignores_case_when_a_letter_lowers_to_two(store, library, clock):
    # "İ" lowers to two characters: the matches must still be placed in the text as typed.
    index = _one_session(store, library, clock, "İstanbul trip", "Visits at the KITCHEN table in İzmir")
    hits, total = index.search("kitchen İzmir")
    assert total == 1 and hits[0].index == 1
    assert [hits[0].text[a:b] for a, b in hits[0].spans] == ["KITCHEN", "İzmir"]


def test_texts_with_line_breaks_or_separators_typed_in_them_stay_one_contribution_each(store, library, clock):
    index = _one_session(store, library, clock, "line one\nline two", "has \x1f inside", "last")
    assert [(h.index, h.text) for h in index.search("two")[0]] == [(0, "line one line two")]
    assert [(h.index, h.text) for h in index.search("inside")[0]] == [(1, "has inside")]
    assert [h.index for h in index.search("last")[0]] == [2]


def test_a_session_whose_only_text_is_empty_has_one_text():
    # Older or imported data may hold an empty contribution: it is still one contribution, at its place.
    facts = _facts("")
    assert facts.texts() == [""] and facts.contribution_count == 1


def test_sessions_read_in_worker_processes_are_indexed_as_when_read_one_by_one(store, library, clock, monkeypatch):
    import facilitator.learning.rebuild as rebuild
    from facilitator.learning.facts import session_data
    from facilitator.store.index import HistoryDB

    _history(store, library, clock)
    monkeypatch.setattr(rebuild, "PARALLEL_FROM", 1)
    monkeypatch.setattr(rebuild, "WINDOW", 2)  # two windows: one read while the other is written
    store.flush()
    db = HistoryDB.for_store(store).sync(store, session_data, read_sessions=rebuild.read_in_workers)
    assert db.last_read == 3
    index = HistoryIndex(store, db=db)
    expected = HistoryIndex(store, use_cache=False).refresh()
    assert _whole(index.facts()) == _whole(expected.facts())
    assert _hits(index.search("kitchen")) == _hits(expected.search("kitchen"))


def test_an_index_whose_build_stopped_before_the_action_orders_gets_them_at_the_next_start(store, library, clock, data_dir):
    """A build from nothing writes every session, then the orders the actions screen lists them in; the app closed
    between the two (the child process building it ended) leaves every session indexed and no order, and the next
    start, finding nothing to read again, still makes them (without them the actions screen reads every action)."""
    _history(store, library, clock)
    HistoryIndex(store).refresh().db.close()
    with sqlite3.connect(data_dir / INDEX_NAME) as conn:
        conn.execute("DROP INDEX actions_by_owner")
        conn.execute("DROP INDEX actions_by_due")
    index = HistoryIndex(store).refresh()
    assert index.from_files == 0  # nothing read again
    names = {name for (name,) in index.db.read("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"actions_by_owner", "actions_by_due"} <= names


def test_a_phrase_in_quotes_is_found_as_its_words_in_a_row_and_and_is_not_a_word(store, library, clock):
    """"Child A" found Child C too (the "a" of "a week" anywhere in the contribution), and "school AND plan" found
    only contributions that said "and": a phrase in quotes is its words in a row, and AND between words is left out."""
    index = _one_session(store, library, clock, "Child A went back to school", "Child C in a week",
                         "The school plan worked", "The school and the plan")
    texts = lambda query: sorted(h.text for h in index.search(query)[0])  # noqa: E731
    assert texts('"Child A"') == ["Child A went back to school"]
    assert texts("“child a”") == ["Child A went back to school"]
    assert texts("Child A") == ["Child A went back to school", "Child C in a week"]
    assert texts("school AND plan") == texts("school plan") == ["The school and the plan", "The school plan worked"]
    assert texts('"school plan"') == ["The school plan worked"]
