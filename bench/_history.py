"""The synthetic history both long-history benchmarks build (bench/store.py, bench/history.py).

Sessions on every built-in template, two a day up to ``end``, four teams; each contribution in its phase's
kind (strengths with evidence and a practice skill, actions with an owner and due date, 0-10 ratings), a few
starred, a relative's name to replace in every fifth session. Seeded, so every run builds the same history.
"""

from __future__ import annotations

import datetime as dt
import random

from facilitator.models import Contribution, PhaseKind, Session, SessionStatus

SENTENCES = [
    "The worker kept every appointment and rang when running five minutes late.",
    "School shared one plan with health instead of three.",
    "Meetings were at Grandmother's kitchen table, where Mother felt safe.",
    "We asked Child A what mornings were like, and wrote down the child's own words.",
    "The team manager backed the worker to give it two more weeks before escalating.",
    "Attendance went from 40% to 96% over eight months.",
]
STRENGTHS = ["Child focus", "Clear about concerns", "Persistent and warm", "Good authority", "Joined-up working"]
SKILLS = ["care and empathy", "collaboration", "autonomy", "evocation", "purposefulness", "clarity about concerns", "child focus"]
OWNERS = ["Sam", "Priya", "Team manager", "Jo Lead"]
TEAMS = ["Family Support 1", "Family Support 2", "Children in Need 3", "Fostering"]
SPEAKERS = ["Sam", "Priya", "Team manager", None]


def make_history(count: int, per_session: int, end: dt.date, seed: int = 7):
    from facilitator.templates import load_library

    rng = random.Random(seed)
    templates = [loaded.template for loaded in load_library(None).ordered()]
    days = max(1, count // 2)
    start = dt.datetime.combine(end - dt.timedelta(days=days), dt.time(9, 30), tzinfo=dt.timezone.utc)
    for n in range(count):
        template = templates[n % len(templates)]
        created = start + dt.timedelta(days=n // 2, hours=n % 2)
        contributions = []
        for k in range(per_session):
            phase = template.phases[min(k * len(template.phases) // per_session, len(template.phases) - 1)]
            fields: dict[str, str] = {}
            text = rng.choice(SENTENCES)
            if phase.kind == PhaseKind.strengths:
                text = rng.choice(STRENGTHS)
                fields = {"evidence": rng.choice(SENTENCES), "skill": rng.choice(SKILLS)}
            elif phase.kind == PhaseKind.actions:
                due = created.date() + dt.timedelta(days=rng.randint(14, 90))
                fields = {"owner": rng.choice(OWNERS), "due": due.isoformat(), "tell": "the team"}
            elif phase.kind == PhaseKind.scale:
                fields = {"rating": str(rng.randint(2, 9))}
            contributions.append(
                Contribution(
                    id=f"{n:05d}{k:04d}ab",
                    phase_id=phase.id,
                    text=text,
                    speaker=rng.choice(SPEAKERS),
                    created_at=created + dt.timedelta(seconds=30 * k),
                    fields=fields,
                    starred=rng.random() < 0.02,
                )
            )
        yield Session(
            id=f"{created:%Y%m%d}-{n:08x}",
            template=template,
            title=f"Review {n}: returning to school",
            team=TEAMS[n % len(TEAMS)],
            facilitator="Jo Lead",
            date=created.date(),
            participants=["Sam", "Priya", "Team manager"],
            ground_rules_agreed=True,
            status=SessionStatus.ended,
            current_phase=len(template.phases) - 1,
            created_at=created,
            ended_at=created + dt.timedelta(hours=1),
            contributions=contributions,
            redactions={"Grandmother": "a relative"} if n % 5 == 0 else {},
        )
