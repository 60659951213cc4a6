"""A session file or journal of gigabytes (a disk error, a program writing into the folder, a copy gone wrong) never
stops the app or takes its memory: the store refuses it before reading it, as a damaged file, repairs the session from
what else it has and says so in one sentence.

Each file here is sparse (``os.truncate``: no disk space used). Every command runs in a process of its own, as a
user runs it, with its address space limited to LIMIT (so a file read whole fails there instead of filling this
machine's memory) and its peak memory reported: a user would see the app stopped, or the machine grind.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator.session_ops import end_session, record_contribution
from facilitator.store import Store

from .helpers import counter_free_clock, new_session, texts_of

HUGE = 2 * 1024**3  # a file of 2 GB, eight times what the store reads whole (MAX_FILE_BYTES)
LIMIT = 3 * 1024**3  # the address space each command may take
PEAK_MB = 400  # what a command here takes at most (about 60 to 120 MB)
DRIVER = Path(__file__).with_name("app_start_driver.py")
#: says at exit how much memory the process took
PEAK_AT_EXIT = (
    "import atexit, resource, sys\n"
    "atexit.register(lambda: print('PEAK', max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
    " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss), file=sys.stderr))\n"
)
#: runs `facilitator ARGS...` (cli.main, as `python -m facilitator` does)
CLI = PEAK_AT_EXIT + "from facilitator.cli import main\nsys.exit(main(sys.argv[1:]))\n"
#: runs the app as `facilitator --data-dir ARG` does, under Pilot, and opens the history (app_start_driver.py)
APP = PEAK_AT_EXIT + f"import runpy\nsys.argv.append('--history')\nrunpy.run_path({str(DRIVER)!r}, run_name='__main__')\n"
RUNNING = ["Referral came from school.", "Mother felt judged at first.", "The worker always rang back."]
ENDED = ["Visits at the kitchen table.", "Child A's words are in every plan."]


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def run(*args: str, driver: bool = False) -> tuple[subprocess.CompletedProcess, int]:
    """A command in a process of its own, its memory limited; (its result, the most memory it took in MB)."""
    command = [sys.executable, "-c", APP if driver else CLI, *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, preexec_fn=_limited)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]
    assert "MemoryError" not in result.stdout + result.stderr, result.stderr[-3000:]
    peak = [int(line.split()[1]) for line in result.stderr.splitlines() if line.startswith("PEAK ")]
    assert peak, f"the process did not say how much memory it took: {result.stderr[-3000:]}"
    return result, peak[-1] // 1024


def said(result: subprocess.CompletedProcess) -> list[str]:
    return [line.removeprefix("facilitator: ") for line in result.stderr.splitlines() if line.startswith("facilitator: ")]


def one_sentence(text: str) -> bool:
    return "\n" not in text and text.endswith(".") and not re.search(r"[.;:]\s+[A-Z][a-z]+ ", text.replace("“", ""))


@pytest.fixture
def folder(data_dir, library):
    """A running session “Returning to school”, an ended one, and a third; the history index built once (as the app
    builds it), so the history reads each session's file again when it changes."""
    clock = counter_free_clock()
    store = Store(data_dir, clock=clock).open()
    template = library.get("serious-success-review")
    ids = {}
    for title, texts, ended in (("Returning to school", RUNNING, False), ("Kitchen visits", ENDED, True),
                                ("Huddle", ["One more."], True)):
        session = new_session(store, template, clock, title=title)
        for text in texts:
            record_contribution(store, session, text, "Sam", clock)
        if ended:
            end_session(store, store.load_session(session.id), clock)
        ids[title] = session.id
    store.close()
    from facilitator.learning.history import HistoryIndex

    reader = Store(data_dir, read_only=True).open()
    try:
        HistoryIndex(reader).refresh().db.close()
    finally:
        reader.close()
    return data_dir, ids


def _huge(path: Path) -> None:
    """The file made HUGE bytes long: what it held, then zeros, sparse (a copy gone wrong, a disk error)."""
    os.truncate(path, HUGE)


def _app(data_dir: Path) -> tuple[dict[str, str], int]:
    """The app started on the folder and its history opened: (what the driver reported, by its first word; the
    most memory it took in MB)."""
    result, peak = run(str(data_dir), driver=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line), peak


@pytest.mark.parametrize("which", ["Returning to school", "Kitchen visits"])
def test_the_app_starts_lists_and_reads_the_history_with_a_session_file_of_gigabytes(folder, which):
    data_dir, ids = folder
    sid = ids[which]
    session_file = data_dir / "sessions" / f"{sid}.json"
    _huge(session_file)

    lines, peak = _app(data_dir)
    notice = lines["NOTICES"]
    assert notice.startswith(f"The session file {session_file} could not be read because it is 2.0 GB, far more than "
                             "the app ever writes in one file (256 MB at most), so"), notice
    assert "was rebuilt from its journal with nothing lost; the damaged file is kept in" in notice
    assert one_sentence(notice), notice
    assert lines["SESSIONS"] == "3" and lines["HISTORY"] == "3", lines
    assert peak < PEAK_MB, f"the app took {peak} MB"
    kept = list((data_dir / "quarantine").glob(f"*{sid}.json"))
    assert [p.stat().st_size for p in kept] == [HUGE]  # moved aside as it was, never read or copied
    assert texts_of(data_dir, sid) == (RUNNING if which == "Returning to school" else ENDED)


def test_the_app_starts_with_a_journal_of_gigabytes(folder):
    data_dir, ids = folder
    sid = ids["Returning to school"]
    journal = data_dir / "sessions" / f"{sid}.journal.jsonl"
    _huge(journal)

    lines, peak = _app(data_dir)
    notice = lines["NOTICES"]
    assert notice.startswith(f"The journal {journal} of “Returning to school” ({sid}) could not be read because it is "
                             "2.0 GB, far more than the app ever writes in one file (256 MB at most), so the session "
                             "was opened as its session file last saved it"), notice
    assert one_sentence(notice), notice
    assert lines["SESSIONS"] == "3" and lines["HISTORY"] == "3", lines
    assert peak < PEAK_MB, f"the app took {peak} MB"
    assert texts_of(data_dir, sid) == RUNNING  # the session file held every change


def test_export_sessions_list_and_digest_with_a_session_file_of_gigabytes(folder, tmp_path):
    """The commands that only read (the folder untouched): each says what is wrong and reads the session from its
    journal; the digest, which reads the history index, as well."""
    data_dir, ids = folder
    sid = ids["Kitchen visits"]
    session_file = data_dir / "sessions" / f"{sid}.json"
    _huge(session_file)

    out = tmp_path / "record.md"
    result, peak = run("--data-dir", str(data_dir), "export", sid, "--format", "md", "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert peak < PEAK_MB, f"export took {peak} MB"
    record = out.read_text(encoding="utf-8")
    assert all(text in record for text in ENDED)
    [notice] = said(result)
    assert "could not be read because it is 2.0 GB" in notice and "read from its journal with nothing lost" in notice
    assert one_sentence(notice), notice

    result, peak = run("--data-dir", str(data_dir), "sessions", "list")
    assert result.returncode == 0, result.stderr[-3000:]
    assert peak < PEAK_MB, f"sessions list took {peak} MB"
    assert sorted(line.split("\t")[0] for line in result.stdout.splitlines()) == sorted(ids.values())

    digest = tmp_path / "digest.md"
    result, peak = run("--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--until", "2030-12-31",
                       "--out", str(digest))
    assert result.returncode == 0, result.stderr[-3000:]
    assert peak < PEAK_MB, f"digest took {peak} MB"
    assert "- **Sessions:** 2" in digest.read_text(encoding="utf-8")  # the two ended sessions
    assert session_file.stat().st_size == HUGE  # commands that only read leave the folder as it was
