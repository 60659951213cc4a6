"""What can be done to a session, shared by the TUI and the command line.

Each operation goes through the store, so it is durable before it returns.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from .models import ANONYMOUS, Contribution, Session, SessionStatus, Template
from .record.export import EXTENSIONS, render_export
from .record.markdown import DEFAULT_RETENTION_NOTE, render_markdown
from .record.redact import name_key, record_stem
from .settings import Clock
from .store import Store
from .text import clean_text, shows_nothing


class EmptyContributionError(ValueError):
    pass


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
    session_id: str | None = None,
) -> Session:
    """Make a session and write it (durable before this returns). ``session_id``: one from
    ``store.new_session_id`` taken beforehand (the set-up screen reads the team's actions meanwhile)."""
    now = clock()
    date = date or now.date()
    title = clean_text(title).strip() or f"{template.name}, {date:%-d %B %Y}"
    session = Session(
        id=session_id or store.new_session_id(date),
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
    if shows_nothing(cleaned):
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


def go_to_phase(store: Store, session: Session, index: int, **fields: object) -> Session:
    """Move the session to phase ``index`` (kept within the template), with the session fields that change with
    it (the phases' times, from the session screen). Raises NotSavedError and changes nothing if not saved."""
    index = max(0, min(index, len(session.template.phases) - 1))
    if index == session.current_phase and not fields:
        return session
    return store.update_session(session, current_phase=index, **fields)


def record_settings(store: Store) -> dict:
    """The [records] table of <data>/settings.toml: retention_note, case_reference_pattern. A value that cannot be
    used (the table not a table, a note that is not text, a pattern that is not a valid pattern) was left out
    without a word: it is said among the folder's problems (the app's notices, the export's lines), with its fix."""
    from .record.pii import case_pattern_problem, compile_case_pattern

    path = store.data_dir / "settings.toml"
    records = store.read_settings_file().get("records", {})
    problems = []
    if not isinstance(records, dict):
        problems.append(f"records is {_shown_value(records)}, not a table (write [records] on a line of its own, with "
                        "its settings on the lines below), so the default handling note is used")
        records = {}
    note = records.get("retention_note")
    if note is not None and not isinstance(note, str):
        problems.append(f"[records] retention_note is {_shown_value(note)}; write the handling note in quotes (until "
                        "then records get the default handling note)")
    pattern = records.get("case_reference_pattern")
    if pattern is not None and (not isinstance(pattern, str) or compile_case_pattern(pattern) is None):
        why = case_pattern_problem(pattern) if isinstance(pattern, str) else None
        problems.append(f"[records] case_reference_pattern is {_shown_value(pattern)}, which "
                        f"{why or 'is not a valid pattern'}; mend it (until then case references are looked for with "
                        "the default pattern)")
    for problem in problems:
        store.tell(f"The settings file {path}: {problem}.")
    return records


def _shown_value(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def timer_with_phase_setting(store: Store) -> tuple[bool, str | None]:
    """[room] timer_starts_with_phase in <data>/settings.toml (off by default): (on, a note if it is not
    true or false, saying how to fix it)."""
    room = store.read_settings_file().get("room", {})
    value = room.get("timer_starts_with_phase", False) if isinstance(room, dict) else False
    if isinstance(value, bool):
        return value, None
    return False, (
        f"settings.toml: [room] timer_starts_with_phase is {value!r}; write true or false. "
        "Until then the timer starts with ctrl+t."
    )


def retention_setting(store: Store) -> str | None:
    note = record_settings(store).get("retention_note")
    return " ".join(note.split()) if isinstance(note, str) and note.strip() else None


def case_reference_setting(store: Store) -> str | None:
    """The organisation's case-reference pattern; None (the default pattern) if none is set or it is not a valid
    pattern (said among the folder's problems: see record_settings)."""
    from .record.pii import compile_case_pattern

    pattern = record_settings(store).get("case_reference_pattern")
    return pattern if isinstance(pattern, str) and pattern.strip() and compile_case_pattern(pattern) else None


def action_statuses(store: Store, session: Session) -> dict[str, tuple[str, str]]:
    """The latest status and note of each of this session's actions, from the action log (for the CSV). A note
    made in a later session's follow-up round has that session's names list applied, as every other output shows
    it (the CSV applies this session's list)."""
    from .record.redact import make_replacer
    from .store.actions import read_changes

    prefix = f"{session.id}/"
    latest: dict[str, tuple[str, str]] = {}
    replacers: dict[str, Callable[[str], str]] = {}
    for change in read_changes(store):  # in the order made: the last one stands
        if change.action_id.startswith(prefix):
            note = change.note
            if note and change.session_id and change.session_id != session.id:
                replace = replacers.get(change.session_id)
                if replace is None:
                    try:
                        names = store.load_session(change.session_id).redactions
                    except Exception:  # noqa: BLE001 - a round's session gone or damaged: its own list unknown
                        names = {}
                    replace = replacers[change.session_id] = make_replacer(names)
                note = replace(note)
            latest[change.action_id] = (change.status.value, note)
    return latest


def reviews_as_now(store: Store, session: Session) -> Session:
    """``session`` with the actions its follow-up round looked at as their own sessions hold them now, for its record:
    one whose contribution was flagged as a safeguarding concern or deleted there since is left out, and the names
    list that session has now is applied to each (a name added to it after the round is replaced too). An action
    whose session cannot be read is kept as the round saw it. The session itself is not changed."""
    reviewed = [*session.action_reviews, *session.actions_left]
    sources = {r.from_session_id for r in reviewed if r.from_session_id and r.from_session_id != session.id}
    if not sources:
        return session
    now: dict[str, tuple[set[str], dict[str, str]]] = {}
    for source_id in sorted(sources):
        try:
            source = store.load_session(source_id)
        except Exception:  # noqa: BLE001 - gone or damaged: its actions are kept as the round saw them
            continue
        now[source_id] = ({c.id for c in source.contributions if not c.safeguarding}, source.redactions)

    def as_now(reviews: list) -> list:  # noqa: ANN001
        kept = []
        for r in reviews:
            found = now.get(r.from_session_id)
            if found is None:
                kept.append(r)
                continue
            there, names = found
            if r.action_id.partition("/")[2] not in there:
                continue  # flagged as a safeguarding concern, or deleted, in its own session
            added = {k: v for k, v in names.items() if r.from_names.get(k) != v}
            kept.append(r.model_copy(update={"from_names": {**r.from_names, **added}}) if added else r)
        return kept

    reviews, left = as_now(session.action_reviews), as_now(session.actions_left)
    if reviews == session.action_reviews and left == session.actions_left:
        return session
    return session.model_copy(update={"action_reviews": reviews, "actions_left": left})


def export_record(
    store: Store, session: Session, fmt: str = "md", out: Path | None = None, draft: bool | None = None
) -> Path:
    """Write one format of a session's record (a draft while it is running) and return where it is.

    An ended session's record is the same bytes every time (unless an action its follow-up round looked at was
    flagged, deleted or had a name listed in its own session since: see reviews_as_now); a draft gets its own file
    name by default.
    """
    if draft is None:
        draft = session.status != SessionStatus.ended
    if fmt != "csv":
        session = reviews_as_now(store, session)
    statuses = action_statuses(store, session) if fmt == "csv" else None
    content = render_export(session, fmt, draft=draft, retention=retention_setting(store), statuses=statuses)
    extension = EXTENSIONS[fmt]
    if out is None and draft:
        out = store.records_dir / f"{record_stem(session)}-draft.{extension}"
    return store.write_record(session, content, extension, out)


def rewrite_records_reviewing(store: Store, session: Session) -> list[Path]:
    """The final records (markdown, and the HTML and Word written beside them) of the team's later ended sessions whose
    follow-up round looked at one of this session's actions, written again as reviews_as_now makes them: after one of
    its actions was flagged as a safeguarding concern or deleted here, or a name put on its names list (a concern
    flagged in a session left unfinished reached the record of the next one, ended meanwhile). Returns the paths
    written; a session that cannot be read, or a file that cannot be written, is left as it is."""
    from .text import team_key

    prefix = f"{session.id}/"
    team = team_key(session.team)
    written: list[Path] = []
    for row in store.session_rows():
        try:
            if (row.id == session.id or row.status != SessionStatus.ended.value or team_key(row.team) != team
                    or row.created_at < session.created_at):
                continue  # (a follow-up round lists its own team's actions agreed before it)
            later = store.load_session(row.id)
            if not any(r.action_id.startswith(prefix) for r in [*later.action_reviews, *later.actions_left]):
                continue
            for fmt in ("md", "html", "docx"):
                if store.final_record_path(later, EXTENSIONS[fmt]).exists():
                    written.append(export_record(store, later, fmt, draft=False))
        except Exception:  # noqa: BLE001 - one session gone or damaged stops none of the others
            continue
    return written


_REGISTERS = threading.Lock()


def refresh_action_registers(store: Store, session_ids: Iterable[str]) -> list[Path]:
    """Each of these ended sessions' action register (its CSV of learning actions) in records/, written again with
    its actions' statuses as they are now, where one was written before (a status changed in a follow-up round or
    on the actions screen left it saying "open"). Returns the paths written; a session that cannot be read, or
    a register that cannot be written, is left as it is."""
    written = []
    for session_id in session_ids:
        with _REGISTERS:  # (one at a time: each reads the statuses when it runs, so the last written is the newest)
            try:
                session = store.load_session(session_id)
                if session.status != SessionStatus.ended:
                    continue
                if store.final_record_path(session, EXTENSIONS["csv"]).exists():
                    written.append(export_record(store, session, "csv", draft=False))
            except Exception:  # noqa: BLE001 - one session gone or damaged stops none of the others
                continue
    return written


def end_session(store: Store, session: Session, clock: Clock) -> tuple[Session, Path]:
    """Mark the session ended, write its record, and return both (the record's path in records/, or where it waits
    if records/ refused it: see Store.staged_record_path). On failure the session stays running.

    The retention note is fixed into the session now, so the final record is the same bytes on every export.
    The record is written first where it waits (not in records/), then the session is marked ended, then the
    record is moved into records/: a kill at any moment never leaves a final record of a running session
    (the store's start-up finishes or removes what a kill left).
    """
    note = session.retention_note or retention_setting(store) or DEFAULT_RETENTION_NOTE
    ended = session.model_copy(update={"status": SessionStatus.ended, "ended_at": clock(), "retention_note": note})
    text = render_markdown(reviews_as_now(store, ended), draft=False)
    path = store.stage_final_record(ended, text.encode("utf-8"), "md")
    try:
        ended = store.update_session(
            session,
            status=SessionStatus.ended.value,
            ended_at=ended.ended_at.isoformat(),
            record_path=str(path),
            retention_note=note,
        )
    except BaseException:
        store.discard_staged_record(session.id)
        raise
    if store.publish_final_record(ended) is None and store.staged_record_path(ended.id).exists():
        # records/ refused it (permissions, a full disk): the record is where it waited, and is put in records/ at
        # the next start. The path given is where it is now, never one that does not exist yet.
        path = store.staged_record_path(ended.id)
    store.backup_session(ended)
    return ended, path


def team_names_before(store: Store, session: Session) -> dict[str, str]:
    """The names the team's last session with a names list listed that this session's list lacks (its last five
    sessions looked at; a session that cannot be read is passed over)."""
    names: dict[str, str] = {}
    try:
        earlier = store.team_sessions_before(session.id, session.team)
    except Exception:  # noqa: BLE001 - the sessions cannot be listed: nothing to offer
        return {}
    for before in earlier:
        try:
            names = store.load_session(before).redactions
        except Exception:  # noqa: BLE001 - a damaged earlier session: the one before it
            continue
        if names:
            break
    own = {name_key(name) for name in session.redactions}
    return {name: r for name, r in names.items() if name_key(name) and name_key(name) not in own}


def set_redactions(store: Store, session: Session, names: dict[str, str]) -> Session:
    """Replace the session's names-to-replace list (applied to every export; what is stored stays as typed)."""
    return store.update_session(session, redactions=dict(names))


def review_identifiers(store: Store, session: Session, replace: dict[str, str], keep: list[str]) -> Session:
    """Apply the facilitator's answers to the identifier scan: replacements join the names list, kept ones are kept."""
    names = {**session.redactions, **{k: v for k, v in replace.items() if k.strip() and v.strip()}}
    kept = list(dict.fromkeys([*session.pii_kept, *(k for k in keep if k.strip())]))
    if names == session.redactions and kept == session.pii_kept:
        return session
    return store.update_session(session, redactions=names, pii_kept=kept)
