"""Reading exported markdown records back (as facilitator/record/markdown.py writes them), e.g. the records
folders of other teams, for the organisation digest.

A record is already fit to share: names replaced, safeguarding concerns left out. What is read: the front
matter (id, date, team, template, title, status), the strengths and actions tables of each phase, what went
right (list items of phases such as "What went right", strengths, and the highlights), the action
follow-up table, and the actions and strengths among the contributions in a phase the template no longer has
(the record's closing section of them).
"""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
import re
import tempfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..record.follow_up import HEADING as FOLLOW_UP_HEADING
from ..record.markdown import parse_body, split_record
from ..contribution_fields import kind_by_fields
from ..text import one_line
from ..vocabulary import NO_PHASE_HEADING, PhaseKind
from .facts import WENT_RIGHT


@dataclass(slots=True)
class DigestAction:
    key: str  # the same action seen twice gives the same key
    text: str
    owner: str
    due: str
    tell: str
    team: str
    session_id: str
    session_title: str
    session_date: dt.date
    number: str = ""  # its number in its session's record ("A2"), where known


@dataclass(slots=True)
class DigestReview:
    text: str
    owner: str
    status: str
    note: str
    date: dt.date
    team: str


@dataclass(slots=True)
class DigestSession:
    id: str
    date: dt.date
    team: str
    title: str
    template_name: str
    went_right: list[str] = field(default_factory=list)
    strengths: list[tuple[str, str, str]] = field(default_factory=list)  # (strength, evidence, skill)
    actions: list[DigestAction] = field(default_factory=list)
    reviews: list[DigestReview] = field(default_factory=list)
    source: str = "data folder"
    draft: bool = False  # still running when read: listed apart in a digest, never counted
    people: tuple[str, ...] = ()  # facilitator and participants: an owner who is one of them is shown by initials


def action_key(text: str, owner: str) -> str:
    return " ".join(text.split()).casefold() + "\x00" + " ".join(owner.split()).casefold()


def _plain(inline, stop_at_em: bool = False, after_strong: bool = False) -> str:  # noqa: ANN001
    out: list[str] = []
    children = inline.children or []
    # "**Who:** text": the speaker is skipped; a contribution with no speaker recorded has no label to skip.
    labelled = any(child.type == "strong_open" for child in children[:2])
    started = not (after_strong and labelled)
    for child in children:
        if not started:
            if child.type == "strong_close":
                started = True
            continue
        if stop_at_em and child.type == "em_open":
            break
        if child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type in ("text", "text_special", "code_inline"):
            out.append(child.content)
    text = " ".join("".join(out).split())
    return text.removeprefix("★ ").rstrip(" —").strip()


#: a field's label in the record (record/markdown.py's field_label) -> the field
_FIELD_OF_LABEL = {"owner": "owner", "due": "due", "who hears about it": "tell", "evidence": "evidence", "skill": "skill",
                   "rating": "rating"}
_ACTION_NUMBER = re.compile(r"A\d+")


def _no_phase_item(inline) -> tuple[str, str, dict[str, str]]:  # noqa: ANN001
    """(its number, its text, its fields) of an item of the record's section of contributions in a phase the
    template no longer has: "- [**A2**] [★ ][**Who:** ]text[ — *owner:* Sam; *due:* 2026-12-01][ *(tags: ...)*]
    *(phase: ...)*" (record/markdown.py's _no_phase_section)."""
    pieces: list[tuple[str, str]] = []  # ("strong" | "em" | "text", its text), in order
    kind = "text"
    for child in inline.children or []:
        if child.type in ("strong_open", "em_open"):
            kind = child.type.removesuffix("_open")
            pieces.append((kind, ""))
        elif child.type in ("strong_close", "em_close"):
            kind = "text"
            pieces.append(("text", ""))
        else:
            piece = " " if child.type in ("softbreak", "hardbreak") else child.content
            if not pieces or pieces[-1][0] != kind:
                pieces.append((kind, ""))
            pieces[-1] = (kind, pieces[-1][1] + piece)
    pieces = [(k, t) for k, t in pieces if t.strip()]
    number = ""
    if pieces and pieces[0][0] == "strong" and _ACTION_NUMBER.fullmatch(pieces[0][1].strip()):
        number = pieces.pop(0)[1].strip()
    if pieces and pieces[0][0] == "text" and pieces[0][1].strip() == "★":
        pieces.pop(0)
    if pieces and pieces[0][0] == "strong" and pieces[0][1].rstrip().endswith(":"):
        pieces.pop(0)  # who said it
    said: list[str] = []
    fields: dict[str, str] = {}
    label = None  # None: still its text; a field: that field's value comes next; "": past them (tags, phase)
    for k, t in pieces:
        t = t.strip()
        if k == "em":
            label = _FIELD_OF_LABEL.get(t.removesuffix(":").strip(), "") if t.endswith(":") else ""
        elif k == "text" and label is None:
            said.append(t)
        elif k == "text" and label:
            fields[label] = " ".join(t.split()).rstrip(";").strip()
            label = ""
    text = " ".join(" ".join(said).split()).removeprefix("★ ").rstrip(" —").strip()
    return number, text, fields


def _tables_and_items(body: str):  # noqa: ANN202
    """(h2 heading, caption, header cells, rows) for each table; (h2 heading, item inline) for each list item."""
    tokens = parse_body(body)
    tables = []
    items = []
    heading = ""
    caption = ""
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open" and t.tag == "h2":
            heading = _plain(tokens[i + 1])
            caption = ""
            i += 3
            continue
        if t.type == "paragraph_open" and not t.hidden and tokens[i + 1].type == "inline":
            caption = _plain(tokens[i + 1])
        elif t.type == "list_item_open" and t.level == 1:
            j = i + 1
            while j < len(tokens) and tokens[j].type != "inline":
                j += 1
            if j < len(tokens):
                items.append((heading, tokens[j]))
        elif t.type == "table_open":
            header: list[str] = []
            rows: list[list[str]] = []
            row: list[str] | None = None
            in_head = False
            i += 1
            while i < len(tokens) and tokens[i].type != "table_close":
                k = tokens[i]
                if k.type == "thead_open":
                    in_head = True
                elif k.type == "thead_close":
                    in_head = False
                elif k.type == "tr_open":
                    row = []
                elif k.type == "tr_close" and row is not None:
                    (header.extend(row) if in_head else rows.append(row))
                    row = None
                elif k.type == "inline" and row is not None:
                    row.append(_plain(k))
                i += 1
            tables.append((heading, caption, header, rows))
        i += 1
    return tables, items


def _date(value) -> dt.date | None:  # noqa: ANN001
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def parse_record(text: str, source: str = "") -> DigestSession | None:
    """A markdown record as a DigestSession (a draft's marked ``draft``); None if it is not a record."""
    try:
        meta, body = split_record(text)
    except yaml.YAMLError:
        return None
    if not isinstance(meta, dict) or not meta.get("id") or meta.get("status") not in ("final", "draft"):
        return None
    if not isinstance(meta.get("team") or "", str) or not isinstance(meta.get("title") or "", str):
        return None  # edited by hand into something else (a list, say): not a record as the app writes them
    day = _date(meta.get("date"))
    if day is None:
        return None
    # Another team's file may hold anything: each value on one line, so none can make a heading of its own.
    team = one_line(str(meta.get("team") or ""))
    session = DigestSession(
        id=one_line(str(meta["id"])),
        date=day,
        team=team,
        title=one_line(str(meta.get("title") or "")),
        template_name=one_line(str(meta.get("template_name") or meta.get("template") or "")),
        source=source,
        draft=meta.get("status") != "final",
        people=tuple(
            one_line(str(p)) for p in [meta.get("facilitator") or "", *(meta.get("participants") or ())]
            if isinstance(p, str) and p.strip()
        ) if isinstance(meta.get("participants") or (), list) else (),
    )
    tables, items = _tables_and_items(body)
    went_right: list[str] = []
    for heading, inline in items:
        phase_title = heading.split(". ", 1)[1] if ". " in heading[:4] else None
        if phase_title is not None and WENT_RIGHT.search(phase_title):
            text = _plain(inline, stop_at_em=True, after_strong=True)
            if text:
                went_right.append(text)
        elif heading == "Highlights":
            text = _plain(inline, stop_at_em=True)
            if text:
                went_right.append(text)
    for heading, caption, header, rows in tables:
        numbers: list[str] = []
        if header[:2] == ["No.", "Action"]:  # numbered actions (A1, A2, ...): read as before, number kept
            numbers = [row[0] if row else "" for row in rows]
            header, rows = header[1:], [row[1:] for row in rows]
        if caption.startswith("Strengths and the evidence") and header[:2] == ["Strength", "Evidence"]:
            for row in rows:
                row = row + [""] * (4 - len(row))
                session.strengths.append((row[0], row[1], row[2]))
                went_right.append(row[0])
        elif caption == "Actions" and header[:3] == ["Action", "Owner", "Due"]:
            for n, row in enumerate(rows):
                row = row + [""] * (4 - len(row))
                session.actions.append(
                    DigestAction(action_key(row[0], row[1]), row[0], row[1], row[2], row[3], team,
                                 session.id, session.title, day, numbers[n] if n < len(numbers) else "")
                )
        elif heading == FOLLOW_UP_HEADING and header[:1] == ["Action"]:
            for row in rows:
                row = row + [""] * (6 - len(row))
                session.reviews.append(DigestReview(row[0], row[1], row[4], row[5], day, team))
    # Contributions in a phase the template no longer has, in the record's closing section: an action or a
    # strength among them (told by its fields) counts as one, as in the data folder's digest.
    for heading, inline in items:
        if heading != NO_PHASE_HEADING:
            continue
        number, said, fields = _no_phase_item(inline)
        kind = kind_by_fields(fields)
        if not said or kind is None:
            continue
        if kind == PhaseKind.actions:
            owner = fields.get("owner", "")
            session.actions.append(DigestAction(action_key(said, owner), said, owner, fields.get("due", ""),
                                                fields.get("tell", ""), team, session.id, session.title, day, number))
        elif kind == PhaseKind.strengths:
            session.strengths.append((said, fields.get("evidence", ""), fields.get("skill", "")))
            went_right.append(said)
    session.went_right = list(dict.fromkeys(went_right))
    return session


#: from this many record files on, they are read and parsed in worker processes (a folder of a service's records
#: holds thousands: parsing one takes about 5 ms)
PARALLEL_FROM = 200
#: what _read_and_parse says of a file it could not read as text
UNREADABLE = "unreadable"
#: the packed records kept in memory up to this many bytes, then in a temporary file
SHELF_IN_MEMORY = 32 << 20


class RecordShelf:
    """The parsed records' parts, each packed (pickled, compressed) where the record was parsed: kept in memory,
    and past SHELF_IN_MEMORY in a temporary file, so a digest of 20,000 records never holds them all as objects.
    Each RecordEntry reads its parts from here as the digest needs them, one record at a time."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=SHELF_IN_MEMORY, mode="w+b")
        self._end = 0

    def put(self, packed: bytes) -> int:
        at = self._end
        self._file.seek(at)
        self._file.write(packed)
        self._end += len(packed)
        return at

    def get(self, at: int, size: int):  # noqa: ANN201 - what was packed
        self._file.seek(at)
        return pickle.loads(zlib.decompress(self._file.read(size)))

    def close(self) -> None:
        self._file.close()


@dataclass(slots=True, eq=False)
class RecordEntry:
    """A record read from a records folder, light: what choosing a digest's sessions needs, and where its what
    went right and strengths, its follow-up reviews and its actions are on its shelf (each read when wanted)."""

    id: str
    date: dt.date
    team: str
    title: str
    template_name: str
    draft: bool
    people: tuple[str, ...]
    source: str
    shelf: RecordShelf
    parts: tuple[int, int, int, int]  # where its parts start on the shelf, and where the last ends

    def _part(self, n: int):  # noqa: ANN202
        return self.shelf.get(self.parts[n], self.parts[n + 1] - self.parts[n])

    def went_right_and_strengths(self) -> tuple[list[str], list[tuple[str, str, str]]]:
        return self._part(0)

    def reviews(self) -> list[DigestReview]:
        return self._part(1)

    def actions(self) -> list[DigestAction]:
        return self._part(2)


def _packed(session: DigestSession) -> tuple[tuple, bytes, tuple[int, int, int]]:
    """A parsed record as (its light fields, its three parts packed one after the other, where each ends)."""
    light = (session.id, session.date, session.team, session.title, session.template_name, session.draft,
             session.people, session.source)
    parts = [zlib.compress(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL), 1) for part in
             ((session.went_right, session.strengths), session.reviews, session.actions)]
    ends = tuple(itertools.accumulate(map(len, parts)))
    return light, b"".join(parts), ends


def _read_and_parse(path: str) -> "tuple | str | None":
    """A record file read and parsed (in a worker process, or here), packed (_packed); None if it is not a
    record, UNREADABLE if it is not UTF-8 text (or cannot be read)."""
    from ..store.history import record_text

    text = record_text(Path(path))
    if text is None:
        return UNREADABLE
    try:
        session = parse_record(text, path)
    except Exception:  # noqa: BLE001 - another team's file may hold anything: one strange file stops nothing
        return None
    return None if session is None else (*_packed(session), not session.draft and not _body_as_written(text))


def _body_as_written(text: str) -> bool:
    """A final record's body is as the app wrote it: the checksum in its front matter is its body's (or it has none,
    as records written before checksums)."""
    from ..record.markdown import body_sha256, split_record

    meta, body = split_record(text)
    wanted = meta.get("sha256") if isinstance(meta, dict) else None
    return not isinstance(wanted, str) or body_sha256(body) == wanted


#: files a worker reads and hands over at a time
CHUNK = 16


def _work(chunks: list[list[str]], out) -> None:  # noqa: ANN001 - a worker process: each chunk's files parsed, sent
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c: the digest's own process stops, and stops this one
    try:
        for chunk in chunks:
            out.send([_read_and_parse(path) for path in chunk])
    finally:
        out.close()


def _parsed(paths: list[str]) -> Iterator:
    """_read_and_parse of each path, in order: in worker processes when there are many (their bytes are read
    there too, so this process never holds every record's text), each given every n-th chunk of CHUNK files;
    here if the workers cannot be started, and from where a worker stopped if one stops (killed, as the system
    does when memory runs short: what it had handed over is kept)."""
    from .rebuild import worker_count

    chunks = [paths[at:at + CHUNK] for at in range(0, len(paths), CHUNK)]
    # Each worker: [process, the end its chunks come from (None once it stopped), the numbers of its chunks to come]
    workers: list[list] = []
    if len(paths) >= PARALLEL_FROM and worker_count() >= 1:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        count = worker_count()
        try:
            for n in range(count):
                reading, writing = context.Pipe(duplex=False)
                process = context.Process(target=_work, args=(chunks[n::count], writing), daemon=True)
                workers.append([process, reading, deque(range(n, len(chunks), count))])
                process.start()
                writing.close()  # (this process's copy: the reading end ends when the worker does)
        except OSError:  # no process could be started: every file read here
            for process, reading, _ in workers:
                reading.close()
                if process.pid is not None:
                    process.kill()
            workers = []
    from multiprocessing.connection import wait

    handed: dict[int, list] = {}  # chunks handed over before their turn (a worker ahead of the other)
    try:
        for n, chunk in enumerate(chunks):
            # What any worker hands over is taken as it comes, so that none waits for its turn.
            while n not in handed and workers and workers[n % len(workers)][1] is not None:
                for ready in wait([w[1] for w in workers if w[1] is not None]):
                    worker = next(w for w in workers if w[1] is ready)
                    try:
                        handed[worker[2].popleft()] = ready.recv()
                    except (EOFError, OSError):  # the worker stopped: its chunks from here on are read here
                        ready.close()
                        worker[1] = None
            parsed = handed.pop(n, None)
            yield from parsed if parsed is not None else map(_read_and_parse, chunk)
    finally:
        for process, reading, _ in workers:
            if reading is not None:
                reading.close()
            process.kill()  # (done by now, unless the digest stopped early)
            process.join()


def read_records(paths: list[Path], shelf: RecordShelf, progress: Callable[[int, int], None] | None = None
                 ) -> tuple[list[RecordEntry], list[Path], list[Path], list[Path]]:
    """(the records among these files, their parts put on ``shelf``; the files that could not be read as text;
    those that are not records; final records whose body is not the one their checksum was made of: cut off or
    changed since they were written, read as they are). ``progress(done, total)`` as it goes."""
    entries: list[RecordEntry] = []
    unreadable: list[Path] = []
    not_records: list[Path] = []
    changed: list[Path] = []
    for done, (path, parsed) in enumerate(zip(paths, _parsed([str(p) for p in paths])), start=1):
        if parsed is None:
            not_records.append(path)
        elif isinstance(parsed, str):
            unreadable.append(path)
        else:
            light, packed, ends, not_as_written = parsed
            if not_as_written:
                changed.append(path)
            at = shelf.put(packed)
            entries.append(RecordEntry(*light, shelf, (at, *(at + end for end in ends))))
        if progress is not None:
            progress(done, len(paths))
    return entries, unreadable, not_records, changed
