"""The store's session entries in memory (store/docs.py) behave as a dict of them, whatever is put, changed and
taken away: the home screen, `facilitator sessions list` and the start-up checks read them through it, and
a wrong answer there is a session missing from the list or shown with another's title."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from facilitator.store.docs import IndexDocs

_ids = st.sampled_from([f"2024010{n % 9 + 1}-{n:08x}" for n in range(40)] + ["é-ü", "a\udcff", ""])
_docs = st.fixed_dictionaries(
    {"id": _ids, "title": st.text(max_size=30), "status": st.sampled_from(["ended", "running"])},
    optional={"team": st.sampled_from(["Fostering", "Family Support 1", 3]), "db_size": st.integers(0, 10**12),
              "shown_title": st.one_of(st.none(), st.text(max_size=5)), "extra": st.lists(st.integers(), max_size=2)},
)
_ops = st.lists(
    st.tuples(st.sampled_from(["put", "put", "drop", "look"]), _ids, _docs), max_size=400,
)


@settings(max_examples=60, deadline=None)
@given(_ops)
@example([("put", "a", {"id": "a", "title": "", "status": "ended", "extra": [-(2**63) - 1]}), ("look", "a", {})])
@example([("put", "a\udcff", {"id": "a\udcff", "title": "\udcff", "status": "ended"}), ("look", "a\udcff", {})])
def test_the_entries_answer_as_a_dict_of_them_would(ops):
    docs, same = IndexDocs(), {}
    for op, key, doc in ops:
        if op == "put":
            docs[key] = doc
            same[key] = doc
        elif op == "drop":
            assert docs.pop(key, None) == same.pop(key, None)
        else:
            assert (key in docs) == (key in same)
            assert docs.get(key) == same.get(key)
            assert docs.field(key, "title", "none") == same.get(key, {}).get("title", "none")
        assert len(docs) == len(same)
    assert dict(docs.items()) == same
    assert sorted(docs) == sorted(same) and set(docs.keys()) == set(same)
    assert sorted(docs.fields("status")) == sorted((k, d["status"]) for k, d in same.items())


def test_many_changes_to_few_sessions_keep_every_entry_right():
    """Each change is a new entry and the old one dropped later (the buffer made again): thousands of changes to
    a session list of 2,000, as a long day of recording makes, leave each entry as last put."""
    docs, same = IndexDocs(), {}
    for n in range(2000):
        key = f"20240101-{n:08x}"
        docs[key] = same[key] = {"id": key, "title": f"Review {n}", "status": "ended"}
    for n in range(20000):
        key = f"20240101-{n * 7 % 2000:08x}"
        doc = {"id": key, "title": f"Review {n}, changed", "status": "running" if n % 3 else "ended"}
        docs[key] = same[key] = doc
        if n % 97 == 0:
            del docs[key], same[key]
    assert dict(docs.items()) == same
    assert len(docs._data) < 4 * sum(len(k) + 60 for k in same)  # dropped entries do not pile up
