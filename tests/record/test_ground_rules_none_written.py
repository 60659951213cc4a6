"""A team's own template may have no written ground rules: the set-up screen then asks the group to agree its own.
The record said "The group agreed these ground rules and how confidential material is handled:" and listed
nothing; it now says what happened."""

from __future__ import annotations

from facilitator.cli import main
from facilitator.models import Template
from facilitator.record.markdown import split_record

from .helpers import new_session, say, sections


def _record(store, library, clock, data_dir, tmp_path, agreed: bool) -> list[str]:  # noqa: ANN001
    base = library.get("quick-success-huddle").model_dump()
    base.update(id="tiny", name="Tiny", ground_rules=[])
    session = new_session(store, Template.model_validate(base), clock, ground_rules_agreed=agreed)
    say(store, session, clock, "the-story", "We met at school")
    out = tmp_path / f"{agreed}.md"
    assert main(["--data-dir", str(data_dir), "export", session.id, "--out", str(out)]) == 0
    _, body = split_record(out.read_text(encoding="utf-8"))
    tokens = sections(body)["Ground rules"]
    return [t.content for t in tokens if t.type == "inline"]


def test_a_template_without_written_ground_rules_gives_a_record_saying_the_group_agreed_its_own(
    store, library, clock, data_dir, tmp_path,
):
    assert _record(store, library, clock, data_dir, tmp_path, agreed=True) == [
        "The template has no written ground rules; the group agreed its own, and how confidential material is handled."
    ]
    assert _record(store, library, clock, data_dir, tmp_path, agreed=False) == [
        "The template has no written ground rules, and agreement to the group's own was not recorded."
    ]
