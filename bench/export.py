"""Export speed: markdown + HTML + Word + CSV for a 500-contribution session.

Run `python bench/export.py [--contributions N] [--repeat R]`. Prints figures; fails nothing.
Target: all four formats in <= 150 ms (median of warm runs). Wall-clock figures swing on a busy machine;
the CPU-time line is the steadier one to compare between runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from facilitator.models import ANONYMOUS, Contribution, PhaseKind, Session  # noqa: E402
from facilitator.record.export import FORMATS, render_export  # noqa: E402
from facilitator.templates import load_library  # noqa: E402

SENTENCES = [
    "The worker kept every appointment and rang when running five minutes late.",
    "Jayden's school shared one plan with health instead of three.",
    "Meetings were at Grandmother's kitchen table, where Mum felt safe.",
    "We asked Jayden what mornings were like, and wrote down his own words.",
    "The team manager backed the worker to give it two more weeks before escalating.",
    "Attendance went from 40% to 96% over eight months.",
    "Evidence: the plan uses Jayden's words (\"I like it when Mum walks me in\").",
    "Supervision notes show the reflective conversation on 3 March.",
]
KIND_BY_PHASE = {"turning-points": PhaseKind.timeline, "strengths-evidence": PhaseKind.strengths, "learning-actions": PhaseKind.actions}


def make_session(count: int) -> Session:
    rng = random.Random(6)
    template = load_library(None).get("serious-success-review")
    phases = [p.model_copy(update={"kind": KIND_BY_PHASE.get(p.id, p.kind)}) for p in template.phases]
    template = template.model_copy(update={"phases": phases})
    start = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)
    people = ["Sam", "Priya", "Team manager", "Presenting worker", "Alex"]
    contributions = []
    for n in range(count):
        phase = phases[n * len(phases) // count]
        fields = {}
        if phase.kind == PhaseKind.actions:
            fields = {"owner": rng.choice(people), "due": f"2026-12-{rng.randint(1, 28):02d}", "tell": "Whole team"}
        elif phase.kind == PhaseKind.strengths:
            fields = {"evidence": rng.choice(SENTENCES)}
        contributions.append(
            Contribution(
                id=f"c{n:04d}",
                phase_id=phase.id,
                text=" ".join(rng.sample(SENTENCES, rng.randint(1, 3))),
                speaker=rng.choice(people + [ANONYMOUS, None]),
                created_at=start + dt.timedelta(seconds=7 * n),
                fields=fields,
                tags=["decision"] if n % 97 == 0 else [],
                starred=n % 41 == 0,
                safeguarding=n % 113 == 0,
            )
        )
    return Session(
        id="20261122-bench",
        template=template,
        title="Benchmark: returning to school",
        team="Family Support 2",
        facilitator="Jo Lead",
        date=start.date(),
        participants=people,
        apologies=["Chris"],
        ground_rules_agreed=True,
        status="ended",
        created_at=start,
        ended_at=start + dt.timedelta(minutes=75),
        contributions=contributions,
        phase_seconds={p.id: 600 + 60 * i for i, p in enumerate(phases)},
        redactions={"Jayden": "Child A", "Mum": "Mother", "Grandmother": "Grandmother (maternal)"},
        retention_note="Keep for 7 years from the date of the session, then destroy securely.",
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="CI: three warm runs instead of seven")
    args = parser.parse_args()
    if args.quick:
        args.repeat = min(args.repeat, 3)
    session = make_session(args.contributions)

    def all_four() -> dict[str, bytes]:
        """Every format as `facilitator export` writes it: one call per format."""
        return {fmt: render_export(session, fmt) for fmt in FORMATS}

    t0 = time.perf_counter()
    first = all_four()
    cold = time.perf_counter() - t0

    per_format: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
    together: list[float] = []
    together_cpu: list[float] = []
    for _ in range(args.repeat):
        for fmt in FORMATS:
            t0 = time.perf_counter()
            render_export(session, fmt)
            per_format[fmt].append(time.perf_counter() - t0)
        t0, c0 = time.perf_counter(), time.process_time()
        all_four()
        together.append(time.perf_counter() - t0)
        together_cpu.append(time.process_time() - c0)

    print(f"export benchmark: {args.contributions} contributions, median of {args.repeat} warm runs")
    for fmt in FORMATS:
        print(f"  {fmt:<5} {ms(statistics.median(per_format[fmt]))}   {len(first[fmt]):>8} bytes")
    best = statistics.median(together)
    print(f"  all four, one after the other (as `facilitator export` makes each) {ms(best)}   target <= 150 ms: "
          f"{'met' if best <= 0.150 else 'NOT met'} ({best / 0.150:.2f} x target)")
    print(f"  all four together, CPU time of this process (less affected by other load) {ms(statistics.median(together_cpu))}")
    print(f"  first run, including imports and warm-up               {ms(cold)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
