"""Store speed with a long history, against TinyDB's default JSONStorage on the same history.

Run `python bench/store.py` (2,000 sessions x 100 contributions = 200,000 documents) or
`python bench/store.py --quick` (CI: 200 sessions). Prints figures; fails nothing.

Targets on a 2-core machine, full size: record p95 <= 5 ms, open <= 100 ms, history load <= 400 ms.

What is measured, all on real files with real fsyncs, in a temporary folder on the same disk as
--dir (default: the system temp folder):
  record    Store.add_contribution: journal line appended and fsynced (the acknowledgement), then the change
            kept in the session's TinyDB in memory; its file is replaced atomically every 32 changes by a
            thread of its own, after the acknowledgement, once recording pauses. "raw" is a bare append+fsync
            of a line of the same size in the same folder (opened, appended, fsynced, closed, as the journal
            does it), alternating with the records (raw first, then record first, in turn), so both meet the
            same disk at the same moments: the floor any acknowledgement can reach. "journal" is the
            acknowledgement part alone. The session is under way when the records start: the store's
            start-up checks finished and their writes on the disk (os.sync), the garbage collector set as the
            session screen sets it.
  open      Store.open(): lock, stray temp files, index, start-up checks of every session.
  history   each in a fresh process, as when the app starts (median of 5, after one unmeasured run
            that leaves the files in the disk cache):
              app       what the app reads for its history, search, actions and themes screens
                        (HistoryIndex.refresh: every session's entry, with where its facts are in
                        <data>/history-index.sqlite, which the app keeps up to date), then one pass over
                        every session's facts (the text of every contribution, its strengths, actions,
                        tags and ratings) read back from that file, as the themes and actions screens do;
                        and once without the cache (a new data folder, or the first start after the
                        cache's format changed): every session file read, then the cache written
              documents Store.load_history(): every session with all its contributions as stored
                        documents (checked against their journals); validating them all into pydantic
                        objects is shown apart (done per session, when one is opened)
  baseline  one insert into a TinyDB JSONStorage file holding the same history (what TinyDB does
            by default: rewrite the whole file in place on every insert).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402
from tinydb import TinyDB  # noqa: E402
from tinydb.storages import JSONStorage  # noqa: E402

from _history import SENTENCES, make_history  # noqa: E402 - bench/_history.py, shared with bench/history.py
from facilitator.models import Contribution, Session  # noqa: E402
from facilitator.store import Store  # noqa: E402
from facilitator.store import journal as journal_module  # noqa: E402
from facilitator.templates import load_library  # noqa: E402
from facilitator.tui.collector import enter_room  # noqa: E402

def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


LOAD_PROBE = """
import json, sys, time
sys.path.insert(0, {root!r})
from facilitator.store import Store
from facilitator.learning.history import HistoryIndex
store = Store({data!r}).open()
t = time.perf_counter()
if {kind!r} == "app":
    index = HistoryIndex(store).refresh()
    took, count, source = time.perf_counter() - t, len(index), (index.from_cache, index.from_files)
    t = time.perf_counter()
    read = sum(1 for _ in index.facts())  # every session's facts, as the themes and actions screens read them
    source = (*source, time.perf_counter() - t)
else:
    history = store.load_history()
    took, count, source = time.perf_counter() - t, len(history), sum(len(e.contributions) for e in history)
store.close()
print(json.dumps([took, count, source]))
"""


def load_in_fresh_process(data_dir: Path, kind: str) -> tuple[float, int, object]:
    """(seconds, sessions, where from) of one history load in a new Python process, as at the app's start."""
    code = LOAD_PROBE.format(root=str(Path(__file__).resolve().parent.parent), data=str(data_dir), kind=kind)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    took, count, source = json.loads(out.stdout.strip().splitlines()[-1])
    return took, count, source


def raw_append(path: Path, line: bytes) -> float:
    """One line appended to a file and fsynced, nothing else: the least any acknowledged record can cost."""
    t = time.perf_counter()
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return time.perf_counter() - t


def measure_records(data_dir: Path, template, count: int) -> tuple[list[float], list[float], list[float]]:
    """(record, journal, raw) seconds: each record alternates with a raw append+fsync in the same folder (which
    goes first alternating too), so both meet the same disk at the same moments."""
    journal_times: list[float] = []
    raw_times: list[float] = []
    real_append = journal_module.Journal.append

    def timed_append(self, *ops, sync: bool = True):
        if not sync:  # the index's change log (derived, not fsynced): not a recorded contribution's append
            return real_append(self, *ops, sync=sync)
        t = time.perf_counter()
        try:
            return real_append(self, *ops)
        finally:
            journal_times.append(time.perf_counter() - t)

    store = Store(data_dir).open()
    try:
        store.finish_opening()
        now = dt.datetime.now(dt.timezone.utc)
        session = store.create_session(
            Session(id="bench-running", template=template, title="Benchmark session", date=now.date(), created_at=now)
        )
        store.wait_for_file_writes()
        os.sync()
        enter_room()
        journal_module.Journal.append = timed_append
        journal_times.clear()
        record_times = []
        for n in range(count):
            if n and n % 50 == 0:
                session = store.update_session(session, current_phase=(session.current_phase + 1) % len(template.phases))
                journal_times.pop()
            c = Contribution(
                id=store.new_contribution_id(),
                phase_id=session.phase.id,
                text=SENTENCES[n % len(SENTENCES)],
                speaker="Sam",
                created_at=dt.datetime.now(dt.timezone.utc),
            )
            line = orjson.dumps({"seq": n + 2, "at": c.created_at.isoformat(), "op": "add", "contribution": c.model_dump(mode="json", exclude_defaults=True)}) + b"\n"
            if n % 2 == 0:
                raw_times.append(raw_append(data_dir / "sessions" / "bench-raw.jsonl", line))
            t = time.perf_counter()
            store.add_contribution(session, c)
            record_times.append(time.perf_counter() - t)
            if n % 2 == 1:
                raw_times.append(raw_append(data_dir / "sessions" / "bench-raw.jsonl", line))
    finally:
        journal_module.Journal.append = real_append
        store.close()
        (data_dir / "sessions" / "bench-raw.jsonl").unlink(missing_ok=True)
    return record_times, journal_times, raw_times


def build_baseline(path: Path, history_dir: Path) -> int:
    """The same history in one TinyDB JSONStorage file: a sessions table and a contributions table."""
    store = Store(history_dir, read_only=True).open()
    sessions, contributions = {}, {}
    for entry in store.load_history():
        sessions[str(len(sessions) + 1)] = entry.header
        for c in entry.contributions:
            contributions[str(len(contributions) + 1)] = {**c, "session_id": entry.id}
    store.close()
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"sessions": sessions, "contributions": contributions}, f)  # as JSONStorage writes it
    return len(sessions) + len(contributions)


def measure_baseline(path: Path, count: int) -> list[float]:
    db = TinyDB(path, storage=JSONStorage)
    table = db.table("contributions")
    times = []
    for n in range(count):
        doc = {
            "id": f"baseline{n}",
            "phase_id": "what-went-right",
            "text": SENTENCES[n % len(SENTENCES)],
            "speaker": "Sam",
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "session_id": "bench-running",
        }
        t = time.perf_counter()
        table.insert(doc)
        times.append(time.perf_counter() - t)
    db.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small history (200 sessions) for CI")
    parser.add_argument("--sessions", type=int)
    parser.add_argument("--contributions", type=int, default=100, help="per session")
    parser.add_argument("--records", type=int, help="contributions recorded for the latency figures")
    parser.add_argument("--baseline-inserts", type=int)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()), help="where to build the history")
    args = parser.parse_args()
    sessions = args.sessions or (200 if args.quick else 2000)
    records = args.records or (200 if args.quick else 1000)
    baseline_inserts = args.baseline_inserts or (3 if args.quick else 5)
    documents = sessions * args.contributions

    work = Path(tempfile.mkdtemp(prefix="facilitator-bench-", dir=args.dir))
    try:
        data_dir = work / "data"
        print(f"facilitator store benchmark: {sessions:,} sessions x {args.contributions} contributions "
              f"= {documents:,} documents, in {work} ({os.cpu_count()} CPUs)")
        t = time.perf_counter()
        store = Store(data_dir).open()
        store.import_sessions(make_history(sessions, args.contributions, dt.date(2026, 11, 22)), sync=False)
        store.close()
        os.sync()
        size = sum(p.stat().st_size for p in (data_dir / "sessions").iterdir())
        print(f"  history built in {ms(time.perf_counter() - t)} ({size / 1e6:.0f} MB in {data_dir / 'sessions'})")

        open_times = []
        for _ in range(7):
            t = time.perf_counter()
            store = Store(data_dir).open()
            open_times.append(time.perf_counter() - t)
            store.close()
        print(f"  open:    median {ms(statistics.median(open_times))}, first {ms(open_times[0])}, "
              f"max {ms(max(open_times))} (7 opens)")

        for suffix in ("", "-wal", "-shm"):
            (data_dir / f"history-index.sqlite{suffix}").unlink(missing_ok=True)
        no_cache, sessions_read, source = load_in_fresh_process(data_dir, "app")
        print(f"  history (app), no cache yet: {ms(no_cache)} ({sessions_read:,} sessions: "
              f"{source[1]:,} read from their files, then written into the index)")
        app_times = [load_in_fresh_process(data_dir, "app") for _ in range(6)][1:]
        app_load = statistics.median(t for t, _, _ in app_times)
        facts_pass = statistics.median(source[2] for _, _, source in app_times)
        print(f"  history (app): median {ms(app_load)}, max {ms(max(t for t, _, _ in app_times))} "
              f"({app_times[0][1]:,} sessions, {app_times[0][2][0]:,} from the cache; 5 fresh processes); "
              f"then every session's facts read back from the cache: median {ms(facts_pass)}")
        doc_times = [load_in_fresh_process(data_dir, "documents") for _ in range(6)][1:]
        docs_load = statistics.median(t for t, _, _ in doc_times)
        print(f"  history (documents): median {ms(docs_load)}, max {ms(max(t for t, _, _ in doc_times))} "
              f"({doc_times[0][1]:,} sessions, {doc_times[0][2]:,} contribution documents; 5 fresh processes)")
        store = Store(data_dir).open()
        history = store.load_history()
        store.close()
        t = time.perf_counter()
        for entry in history:
            entry.session()
        print(f"           + {ms(time.perf_counter() - t)} to validate all of them into pydantic Session objects "
              "(done per session, when one is opened)")
        del history

        template = load_library(None).get("serious-success-review")
        record_times, journal_times, raw_times = measure_records(data_dir, template, records)
        print(f"  record:  p50 {ms(pct(record_times, 50))}, p95 {ms(pct(record_times, 95))}, "
              f"p99 {ms(pct(record_times, 99))}, max {ms(max(record_times))} "
              f"({records} add_contribution calls with {documents:,} documents on disk)")
        print(f"  journal: p50 {ms(pct(journal_times, 50))}, p95 {ms(pct(journal_times, 95))}, "
              f"p99 {ms(pct(journal_times, 99))} (append + fsync: the acknowledgement part of each record)")
        print(f"  raw:     p50 {ms(pct(raw_times, 50))}, p95 {ms(pct(raw_times, 95))}, "
              f"p99 {ms(pct(raw_times, 99))} (one line appended and fsynced by hand, alternating with the records)")
        record_ratio = pct(record_times, 95) / pct(raw_times, 95)
        print(f"  record p95 / raw append+fsync p95: {record_ratio:.2f}   target <= 1.5 "
              f"(the session file's rewrite every {Store(data_dir).flush_every} changes is done after the acknowledgement, "
              "in a thread of its own, once recording pauses)")

        baseline_path = work / "tinydb-default.json"
        docs = build_baseline(baseline_path, data_dir)
        baseline = measure_baseline(baseline_path, baseline_inserts)
        print(f"  TinyDB JSONStorage, same history ({docs:,} documents, {baseline_path.stat().st_size / 1e6:.0f} MB): "
              f"insert median {ms(statistics.median(baseline))} ({baseline_inserts} inserts)")
        ratio = statistics.median(baseline) / pct(record_times, 50)
        print(f"  ratio:   one record is {ratio:,.0f}x faster than TinyDB's default insert (p50 vs median)")
        targets = [
            ("record p95 <= 5 ms", pct(record_times, 95) <= 0.005),
            ("record p95 <= 1.5x raw append+fsync", record_ratio <= 1.5),
            ("open <= 100 ms", statistics.median(open_times) <= 0.100),
            ("history load (app) <= 400 ms", app_load <= 0.400),
        ]
        scale = "" if documents >= 200_000 else f" (targets are for 200,000 documents; this run has {documents:,})"
        print("  targets: " + ", ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in targets) + scale)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
