"""Fixtures shared by the snapshot tests: both sizes, and a store in a fixed folder with fixed ids."""

from __future__ import annotations

import pytest

from facilitator.store import Store
from tests.conftest import FixedClock, counter_ids

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 45), id="160x45")]


@pytest.fixture
def snap_store(snapshot_data_dir):
    store = Store(snapshot_data_dir, clock=FixedClock(), id_factory=counter_ids()).open()
    yield store
    store.close()
