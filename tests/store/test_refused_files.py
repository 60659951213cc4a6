"""A session's journal or file that permissions keep from being read (chmod 000 by hand, a copy from another account)
is not damage: the app made it readable again where it is ours, and otherwise opens nothing of that session and says
how to fix it. Before, the journal was moved to quarantine as if damaged and the session opened as its file last
saved it: contributions shown as recorded were gone from the session and its record.

Root reads any file, so each command runs as root without the capabilities that let it pass file permissions
(setpriv), as an ordinary user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


from .helpers import session_with_a_hand_written_line, texts_of

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="runs commands as a user without root's file permissions: needs root and setpriv",
)

DRIVER = Path(__file__).with_name("app_start_driver.py")
#: root without CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER: file permissions hold as for any user
AS_A_USER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]
LATE = "Said just before the app was killed."


def _session_with_a_late_line(data_dir: Path, library) -> tuple[str, Path]:  # noqa: ANN001
    """A session whose journal holds one contribution its session file does not (the app killed after recording it);
    (its id, its journal)."""
    return session_with_a_hand_written_line(data_dir, library, id="late00000001", text=LATE)


def _as_a_user(*command: str) -> subprocess.CompletedProcess:
    result = subprocess.run([*AS_A_USER, sys.executable, *command], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]
    return result


def test_a_journal_of_ours_made_unreadable_is_made_readable_again(data_dir, library):
    session_id, journal = _session_with_a_late_line(data_dir, library)
    os.chmod(journal, 0)
    result = _as_a_user(str(DRIVER), str(data_dir))
    assert "SESSIONS 1" in result.stdout, result.stdout
    assert os.stat(journal).st_mode & 0o777 == 0o600
    assert not list((data_dir / "quarantine").glob("*journal*"))
    assert texts_of(data_dir, session_id) == ["Recorded and saved.", LATE]


def test_a_journal_not_ours_and_unreadable_opens_nothing_of_its_session_and_says_how_to_fix_it(data_dir, library, tmp_path):
    session_id, journal = _session_with_a_late_line(data_dir, library)
    os.chown(journal, 65534, 65534)  # another account's, which this user cannot change
    os.chmod(journal, 0)
    kept = journal.read_bytes()
    # The app: it starts, and says so.
    result = _as_a_user(str(DRIVER), str(data_dir))
    notices = next(line for line in result.stdout.splitlines() if line.startswith("NOTICES"))
    assert "permission was refused" in notices and "chmod 600" in notices and str(journal) in notices, notices
    # `facilitator export`: nothing written, and the same sentence.
    out = tmp_path / "record.md"
    result = _as_a_user("-m", "facilitator", "--data-dir", str(data_dir), "export", session_id, "--out", str(out))
    assert result.returncode == 1 and not out.exists()
    assert "permission was refused" in result.stderr and "chmod 600" in result.stderr, result.stderr
    # Nothing was set aside or lost: with the permission given back, the session is whole.
    assert journal.exists() and journal.read_bytes() == kept
    assert not list((data_dir / "quarantine").glob("*journal*"))
    os.chown(journal, 0, 0)
    os.chmod(journal, 0o600)
    assert texts_of(data_dir, session_id) == ["Recorded and saved.", LATE]


def test_a_records_folder_not_ours_gets_a_sentence_with_what_to_do(data_dir, library, tmp_path):
    """`facilitator digest` into a records folder this user cannot change said "could not use .../records: operation
    not permitted." and no more: it says what to do."""
    session_id, journal = _session_with_a_late_line(data_dir, library)
    records = data_dir / "records"
    os.chown(records, 65534, 65534)
    os.chmod(records, 0o755)
    result = _as_a_user("-m", "facilitator", "--data-dir", str(data_dir), "digest", "--since", "2026-01-01")
    assert result.returncode == 1
    assert f"could not use {records}" in result.stderr, result.stderr
    assert "give your user permission to read and write it (or write it elsewhere with --out)" in result.stderr
    assert result.stderr.count("\n") == 1
