"""What can be done to a session, shared by the TUI and the command line.

Each operation goes through the store, so it is durable before it returns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .models import ANONYMOUS, Contribution, Session, SessionStatus, Template
from .record.markdown import render_markdown
from .settings import Clock
from .store import Store
from .text import clean_text


class EmptyContributionError(ValueError):
    pass


def parse_date(text: str) -> dt.date:
    """'2026-11-22', '22/11/2026' or '22-11-2026' to a date; ValueError with a clear message otherwise."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date; write it as YYYY-MM-DD, for example 2026-11-22")


def start_session(
    store: Store,
    template: Template,
    *,
    clock: Clock,
    title: str = "",
    team: str = "",
    facilitator: str = "",
    date: dt.date | None = None,
    participants: list[str] | None = None,
    ground_rules_agreed: bool = False,
) -> Session:
    now = clock()
    date = date or now.date()
    title = clean_text(title).strip() or f"{template.name}, {date:%-d %B %Y}"
    session = Session(
        id=store.new_session_id(date),
        template=template,
        title=" ".join(title.split()),
        team=" ".join(clean_text(team).split()),
        facilitator=" ".join(clean_text(facilitator).split()),
        date=date,
        participants=[" ".join(clean_text(p).split()) for p in (participants or []) if clean_text(p).strip()],
        ground_rules_agreed=ground_rules_agreed,
        created_at=now,
    )
    return store.create_session(session)


def record_contribution(
    store: Store, session: Session, text: str, speaker: str | None, clock: Clock, **extra: object
) -> Contribution:
    """Store what was said in the current phase. Raises EmptyContributionError or NotSavedError."""
    cleaned = clean_text(text)
    if not cleaned.strip():
        raise EmptyContributionError("Nothing to record: type what was said, then press enter.")
    if speaker is not None and speaker != ANONYMOUS and speaker not in session.participants:
        speaker = " ".join(clean_text(speaker).split()) or None
    contribution = Contribution(
        id=store.new_contribution_id(),
        phase_id=session.phase.id,
        text=cleaned.strip("\n"),
        speaker=speaker,
        created_at=clock(),
        **extra,
    )
    store.add_contribution(session, contribution)
    return contribution


def go_to_phase(store: Store, session: Session, index: int) -> Session:
    index = max(0, min(index, len(session.template.phases) - 1))
    if index == session.current_phase:
        return session
    return store.update_session(session, current_phase=index)


def agree_ground_rules(store: Store, session: Session, agreed: bool = True) -> Session:
    return store.update_session(session, ground_rules_agreed=agreed)


def export_markdown(store: Store, session: Session, out: Path | None = None) -> Path:
    return store.write_record(session, render_markdown(session).encode("utf-8"), "md", out)


def end_session(store: Store, session: Session, clock: Clock) -> tuple[Session, Path]:
    """Mark the session ended, write its record, and return both. On failure the session stays running."""
    ended = session.model_copy(update={"status": SessionStatus.ended, "ended_at": clock()})
    text = render_markdown(ended, draft=False)
    path = store.write_record(ended, text.encode("utf-8"), "md")
    ended = store.update_session(
        session, status=SessionStatus.ended.value, ended_at=ended.ended_at.isoformat(), record_path=str(path)
    )
    store.backup_session(ended)
    return ended, path
