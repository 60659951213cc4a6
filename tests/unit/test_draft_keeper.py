"""The drafts' writer thread (store/drafts.py) goes on after a draft it cannot write, whatever the reason."""

from __future__ import annotations

import time

from facilitator.store.drafts import DraftKeeper, read_draft


def test_a_draft_that_cannot_be_encoded_is_failed_and_the_next_one_is_written(tmp_path):
    """A lone surrogate cannot be written as UTF-8 (no terminal sends one; a future caller might): the write raised
    something other than OSError, the thread died mid-write, and every later flush (each quit) waited its whole
    timeout. It is now a failed draft, said by failed(), and the thread writes the next."""
    keeper = DraftKeeper()
    keeper.keep(tmp_path, "s1", "half typed \udcff")
    started = time.monotonic()
    assert keeper.flush(timeout=5)
    assert time.monotonic() - started < 2
    assert keeper.failed("s1") and read_draft(tmp_path, "s1") is None
    keeper.keep(tmp_path, "s1", "half typed")
    assert keeper.flush(timeout=5)
    assert not keeper.failed("s1") and read_draft(tmp_path, "s1")["text"] == "half typed"
