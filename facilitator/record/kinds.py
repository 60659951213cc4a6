"""Kind-specific tables for the record: strengths with evidence, turning points as a timeline, actions,
scale ratings. Pure functions: a Phase and its contributions in, markdown lines out.

Every user text goes through `escape_cell` (built on `escape_inline`), so a cell is one line, its `|` are
escaped and nothing typed can make markdown structure.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

from ..models import ANONYMOUS, Contribution, Phase, PhaseKind, Session
from .markdown import escape_cell, escape_inline
from ..text import part_of


def _who(contribution: Contribution) -> str:
    if contribution.speaker and contribution.speaker != ANONYMOUS:
        return contribution.speaker
    return "anonymous" if contribution.speaker == ANONYMOUS else ""


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A GFM table; header text is ours, row cells are user text (escaped here)."""
    lines = ["| " + " | ".join(escape_inline(h) for h in header) + " |"]
    lines.append("| " + " | ".join("---" for _ in header) + " |")
    for row in rows:
        lines.append("| " + " | ".join(escape_cell(cell) or " " for cell in row) + " |")
    return lines


def strengths_table(phase: Phase, contributions: list[Contribution]) -> list[str]:
    rows = [
        [c.text, c.fields.get("evidence", ""), c.fields.get("skill", ""), _who(c)]
        for c in contributions
    ]
    lines = ["**Strengths and the evidence for them**", ""]
    lines += _table(["Strength", "Evidence", "Practice skill", "Said by"], rows)
    missing = sum(1 for c in contributions if not c.fields.get("evidence", "").strip())
    if missing:
        lines += ["", f"{part_of(missing, len(contributions), 'strength', 'strengths')} recorded without evidence."]
    return lines


def timeline_table(phase: Phase, contributions: list[Contribution]) -> list[str]:
    rows = [
        [c.fields.get("when", ""), c.text, c.fields.get("changed", ""), _who(c)]
        for c in contributions
    ]
    return ["**Timeline**", ""] + _table(["When", "What happened", "What was done differently", "Said by"], rows)


def action_number(position: int) -> str:
    """An action's number in its session's record: A1, A2, ... in the order the record lists them."""
    return f"A{position}"


def actions_in_no_phase(session: Session) -> list[Contribution]:
    """The actions among the contributions recorded in a phase the template no longer has, in the order the record
    lists them: numbered after the session's other actions (Session.contributions_in_no_phase_of_kind)."""
    return session.contributions_in_no_phase_of_kind(PhaseKind.actions)


def actions_table(phase: Phase, contributions: list[Contribution], first: int = 1) -> list[str]:
    """`first`: the number of this phase's first action (actions are numbered across the session)."""
    rows = [
        [action_number(first + n), c.text, c.fields.get("owner", ""), c.fields.get("due", ""), c.fields.get("tell", "")]
        for n, c in enumerate(contributions)
    ]
    lines = ["**Actions**", ""] + _table(["No.", "Action", "Owner", "Due", "Who hears about it"], rows)
    unowned = sum(1 for c in contributions if not c.fields.get("owner", "").strip())
    if unowned:
        lines += ["", _no_owner_yet(unowned, len(contributions))]
    return lines


def _no_owner_yet(unowned: int, actions: int) -> str:
    """The sentence under the actions table, its verb agreeing with its count ('1 of 6 actions has ...')."""
    if unowned == actions == 1:
        return "The action has no owner yet."
    if unowned == actions:
        return f"None of the {actions} actions has an owner yet."
    return f"{unowned} of {actions} actions {'has' if unowned == 1 else 'have'} no owner yet."


def _rating(contribution: Contribution) -> int | None:
    value = contribution.fields.get("rating", "").strip()
    if value.isdigit() and 0 <= int(value) <= 10:
        return int(value)
    return None


def scale_table(phase: Phase, contributions: list[Contribution]) -> list[str]:
    group = phase.rated_by_group
    rows = []
    for c in contributions:
        rating = _rating(c)
        who = "the group" if group and not c.speaker else _who(c)
        rows.append([who, f"{rating} / 10" if rating is not None else "", c.text])
    lines = ["**Ratings (0 to 10)**", ""]
    if phase.scale_low or phase.scale_high:
        ends = []
        if phase.scale_low:
            ends.append(f"0 = {phase.scale_low}")
        if phase.scale_high:
            ends.append(f"10 = {phase.scale_high}")
        lines += [escape_inline("; ".join(ends)), ""]
    lines += _table(["Who", "Rating", "Reason"], rows)
    ratings = [r for r in (_rating(c) for c in contributions) if r is not None]
    if len(ratings) >= 2:
        median = statistics.median(ratings)
        median_text = f"{median:g}"
        lines += [
            "",
            f"{len(ratings)} ratings: lowest {min(ratings)}, highest {max(ratings)}, middle (median) {median_text}.",
        ]
    return lines


RENDERERS: dict[PhaseKind, Callable[[Phase, list[Contribution]], list[str]]] = {
    PhaseKind.strengths: strengths_table,
    PhaseKind.timeline: timeline_table,
    PhaseKind.actions: actions_table,
    PhaseKind.scale: scale_table,
}


def vote_lines(contributions: list[Contribution]) -> list[str]:
    """A dot vote's result under a phase's table (a phase listed item by item shows each item's votes beside it)."""
    voted = [(int(c.fields["votes"]), c) for c in contributions if c.fields.get("votes", "").strip().isdigit()]
    if not voted:
        return []
    voted.sort(key=lambda pair: -pair[0])
    lines = ["", "**Dot vote**", ""]
    lines += [f"- {n} vote{'' if n == 1 else 's'}: {escape_cell(c.text)}" for n, c in voted]
    return lines


def render_kind_table(phase: Phase, contributions: list[Contribution], first_action: int = 1) -> list[str]:
    """The table for a kind-specific phase, or nothing (discussion and round phases, or nothing recorded), with
    a dot vote's result under it. `first_action`: the number the first action of an actions phase gets."""
    renderer = RENDERERS.get(phase.kind)
    if renderer is None or not contributions:
        return []
    if phase.kind == PhaseKind.actions:
        return actions_table(phase, contributions, first_action) + vote_lines(contributions)
    return renderer(phase, contributions) + vote_lines(contributions)


