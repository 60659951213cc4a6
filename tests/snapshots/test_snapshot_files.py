"""Every saved snapshot belongs to a snapshot test. syrupy says so itself when the tests run in one process; in
several (pytest-xdist, the default run) it cannot, so this test does: a screen whose test was renamed or removed
would otherwise leave its picture behind, unchecked."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent
SAVED = HERE / "__snapshots__"


def test_every_saved_snapshot_belongs_to_a_snapshot_test(request):
    config = request.config
    paths = [Path(a).resolve() for a in config.args] or [config.rootpath]
    every_snapshot_test = not config.option.keyword and all(HERE.is_relative_to(p) for p in paths)
    if not every_snapshot_test:
        pytest.skip("only a run of the whole snapshots folder collects every snapshot test")
    expected = {
        f"{item.path.stem}/{item.cls.__name__}.{item.name}.svg"
        for item in request.session.items
        if item.path.is_relative_to(HERE) and item.cls is not None and "snap_compare" in getattr(item, "fixturenames", ())
    }
    saved = {str(path.relative_to(SAVED)) for path in SAVED.rglob("*") if path.is_file()}
    assert expected, "the snapshot tests were collected"
    assert sorted(saved - expected) == [], "saved snapshots no test takes: remove them (pytest -n 0 --snapshot-update)"
    assert sorted(expected - saved) == [], "snapshot tests without a saved snapshot"
