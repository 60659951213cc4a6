"""A service manager's digest of every team's exported records: `facilitator digest --records FOLDER`.

Run `python bench/records.py` (2,000 and 20,000 records), `--quick` (CI: 200) or `--sizes 2000`. For each size:
bench/_history.py's sessions (100 contributions each) are made in a temporary data folder, each exported as its
markdown record (as `facilitator export ID --format md` writes it) into a records folder, and then
`facilitator digest --records FOLDER` is run on them from an empty data folder, in a fresh process: its time and
its peak RSS (ru_maxrss from wait4: the largest of the process and the worker processes it waited for). Prints
a line a size. Everything is made in a temporary folder and removed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

PER_SESSION = 100
END = dt.date(2026, 11, 22)


def make_records(count: int, work: Path) -> tuple[Path, float]:
    """(a folder holding ``count`` sessions' markdown records, the seconds it took to make them)."""
    from _history import make_history

    from facilitator.session_ops import export_record
    from facilitator.store import Store

    t = time.perf_counter()
    data, records = work / f"data-{count}", work / f"records-{count}"
    records.mkdir()
    store = Store(data).open()
    try:
        store.import_sessions(make_history(count, PER_SESSION, END), sync=False)
        for summary in store.list_sessions():
            session = store.load_session(summary.id)
            export_record(store, session, "md", records / f"{session.id}.md")
    finally:
        store.close()
    shutil.rmtree(data)
    return records, time.perf_counter() - t


def digest_once(records: Path, work: Path) -> tuple[float, int, int]:
    """(seconds, peak RSS in kB, bytes written) of one `facilitator digest --records` in a fresh process."""
    out = work / "digest.md"
    command = [sys.executable, "-m", "facilitator", "--data-dir", str(work / "no-data"), "digest", "--since",
               "2000-01-01", "--until", END.isoformat(), "--records", str(records), "--out", str(out)]
    t = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"`facilitator digest` exited with {proc.returncode}: {proc.stderr.read().decode()[-600:]}")
    size = out.stat().st_size
    out.unlink()
    return took, usage.ru_maxrss, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI: 200 records")
    parser.add_argument("--sizes", help="numbers of records, e.g. 2000,20000 (the default)")
    parser.add_argument("--runs", type=int, default=1, help="digests a size (the median shown)")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()), help="where the temporary folder goes")
    args = parser.parse_args()
    sizes = [int(s.replace(",", "").replace("_", "")) for s in args.sizes.split(",")] if args.sizes else (
        [200] if args.quick else [2000, 20000])
    work = Path(tempfile.mkdtemp(prefix="facilitator-bench-records-", dir=args.dir))
    try:
        print(f"facilitator digest --records: {', '.join(f'{n:,}' for n in sizes)} records, {os.cpu_count()} CPUs",
              flush=True)
        for count in sizes:
            records, made = make_records(count, work)
            size_mb = sum(p.stat().st_size for p in records.iterdir()) / 1e6
            runs = [digest_once(records, work) for _ in range(args.runs)]
            took = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            print(f"  {count:>6,} records ({size_mb:.0f} MB, made in {made:.0f} s): digest {took:.1f} s, "
                  f"peak RSS {peak / 1024:.0f} MB, {runs[0][2] / 1e6:.1f} MB written", flush=True)
            shutil.rmtree(records)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
