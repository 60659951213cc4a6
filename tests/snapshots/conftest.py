"""Fixtures shared by the snapshot tests: both sizes, and a store in a fixed folder with fixed ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.store import Store
from tests.conftest import FixedClock, counter_ids

HERE = Path(__file__).parent

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 45), id="160x45")]


@pytest.fixture
def snap_store(snapshot_data_dir):
    store = Store(snapshot_data_dir, clock=FixedClock(), id_factory=counter_ids()).open()
    yield store
    store.close()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items) -> None:
    """The snapshots all show the same fixed data folder (snapshot_data_dir): when the tests run in several
    processes (pytest-xdist, as the default run does), they all run in one of them, one after another."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.xdist_group("snapshots"))
