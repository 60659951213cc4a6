"""A made-up, anonymised Serious Success Review for `facilitator --demo`."""

from __future__ import annotations

import datetime as dt

from .models import ANONYMOUS, Contribution, Session, Template
from .settings import Clock
from .store import Store

DEMO_PARTICIPANTS = ["Presenting worker", "Sam (senior practitioner)", "Priya", "Team manager"]

# (phase id, speaker, text): a made-up case; the family are named only by role.
DEMO_CONTRIBUTIONS: list[tuple[str, str | None, str]] = [
    ("ground-rules", None, "Everyone agreed the ground rules; the family is referred to as Child A, Mother and Grandmother."),
    ("case-story", "Presenting worker", "Referral came from school: Child A (9) missing days, Mother struggling after a bereavement."),
    ("case-story", "Presenting worker", "First visits were hard: Mother did not want another social worker after a bad experience."),
    ("case-story", "Presenting worker", "Eight months on, attendance is 96% and Mother says she feels 'listened to for the first time'."),
    ("what-went-right", "Priya", "The worker kept every appointment, and rang when running five minutes late."),
    ("what-went-right", "Sam (senior practitioner)", "Meetings were held at Grandmother's kitchen table, where Mother felt safe."),
    ("what-went-right", ANONYMOUS, "School and health visitor shared one plan instead of three."),
    ("turning-points", "Presenting worker", "Month 3: Child A stopped going again. Instead of escalating, we asked Child A what mornings were like."),
    ("turning-points", "Team manager", "Backing the worker to give it two more weeks before a strategy discussion."),
]

DEMO_CURRENT_PHASE = "what-went-right"


def create_demo_session(store: Store, template: Template, clock: Clock) -> Session:
    now = clock()
    session = Session(
        id=store.new_session_id(now.date()),
        template=template,
        title="Demo: returning to school after a bereavement",
        team="Family Support Team (demo)",
        facilitator="Demo facilitator",
        date=now.date(),
        participants=list(DEMO_PARTICIPANTS),
        ground_rules_agreed=True,
        created_at=now,
        current_phase=template.phase_index(DEMO_CURRENT_PHASE),
    )
    for n, (phase_id, speaker, text) in enumerate(DEMO_CONTRIBUTIONS):
        session.contributions.append(
            Contribution(
                id=f"demo{n:03d}",
                phase_id=phase_id,
                text=text,
                speaker=speaker,
                created_at=now - dt.timedelta(minutes=len(DEMO_CONTRIBUTIONS) - n),
            )
        )
    return store.create_session(session)
