"""The command line: clear one-sentence errors with exit code 1, and the subcommands a user runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.store import Store
from tests.conftest import FixedClock


def run_cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "facilitator", *args], capture_output=True, text=True, env=env, timeout=60
    )


def _one_sentence_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_unknown_template_id(tmp_path):
    result = run_cli("--data-dir", str(tmp_path / "d"), "new", "--template", "no-such-thing")
    line = _one_sentence_error(result)
    assert "no-such-thing" in line and "templates list" in line


def test_unwritable_data_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_cli("--data-dir", str(blocker / "data"), "new", "--template", "serious-success-review")
    line = _one_sentence_error(result)
    assert str(blocker / "data") in line and "--data-dir" in line


def test_unknown_session_id_for_export_and_resume(tmp_path):
    data = tmp_path / "d"
    Store(data).open().close()
    for args in (["export", "nope", "--format", "md"], ["resume", "nope"]):
        line = _one_sentence_error(run_cli("--data-dir", str(data), *args))
        assert "nope" in line and "sessions list" in line


def test_resume_with_nothing_unfinished(tmp_path):
    data = tmp_path / "d"
    Store(data).open().close()
    line = _one_sentence_error(run_cli("--data-dir", str(data), "resume"))
    assert "no unfinished session" in line


def test_data_dir_from_environment(tmp_path, ssr):
    from facilitator.session_ops import start_session

    data = tmp_path / "from-env"
    with Store(data, clock=FixedClock()) as store:
        start_session(store, ssr, clock=FixedClock(), title="Env session")
    result = run_cli("sessions", "list", env_extra={"FACILITATOR_DATA_DIR": str(data)})
    assert result.returncode == 0
    assert "Env session" in result.stdout


def test_sessions_list_and_export(tmp_path, ssr, capsys):
    from facilitator.session_ops import record_contribution, start_session

    data = tmp_path / "d"
    clock = FixedClock()
    with Store(data, clock=clock) as store:
        session = start_session(store, ssr, clock=clock, title="Listed <one>", team="Team A")
        record_contribution(store, session, "Something said", "anonymous", clock)
    assert main(["--data-dir", str(data), "sessions", "list"]) == 0
    fields = capsys.readouterr().out.strip().split("\t")
    assert fields == [session.id, "2026-11-22", "serious-success-review", "Listed <one>", "running"]
    out = tmp_path / "out.md"
    assert main(["--data-dir", str(data), "export", session.id[:10], "--format", "md", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "status: draft" in text
    assert "**anonymous:** Something said" in text


def test_new_opens_first_phase(tmp_path):
    """`facilitator new` creates the session and hands the app over on its first phase."""
    from facilitator.tui.screens.session import SessionScreen

    seen = {}

    def fake_run(app):
        seen["app"] = app

    data = tmp_path / "d"
    code = main(
        ["--data-dir", str(data), "new", "--template", "serious-success-review", "--title", "From CLI",
         "--team", "T", "--facilitator", "Jo", "--participants", "Sam, Priya"],
        clock=FixedClock(),
        run=fake_run,
    )
    assert code == 0
    session = seen["app"]._open_session
    assert session.title == "From CLI" and session.participants == ["Sam", "Priya"]
    assert session.current_phase == 0
    with Store(data) as store:
        assert [s.title for s in store.unfinished_sessions()] == ["From CLI"]
    assert SessionScreen  # the app pushes this screen on mount; see tests/functional for the real run


def test_new_keeps_the_spelling_a_team_used_before_has(tmp_path):
    """`facilitator new --team "family support 2"` for a team used before as "Family Support 2" makes its session
    for "Family Support 2", as the set-up screen does: one spelling in the records, the register and the digest."""
    data = tmp_path / "d"
    for team in ("Family Support 2", "family  support 2", "Fostering"):
        code = main(["--data-dir", str(data), "new", "--template", "quick-success-huddle", "--team", team],
                    clock=FixedClock(), run=lambda app: None)
        assert code == 0
    with Store(data) as store:
        assert sorted(s.team for s in store.list_sessions()) == ["Family Support 2", "Family Support 2", "Fostering"]


def test_templates_list_names_the_flagship(tmp_path):
    result = run_cli("--data-dir", str(tmp_path), "templates", "list")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("serious-success-review\tSerious Success Review")


@pytest.mark.parametrize("bad_date", ["31/02/2026", "tomorrow"])
def test_bad_date(tmp_path, bad_date):
    result = run_cli("--data-dir", str(tmp_path / "d"), "new", "--template", "serious-success-review", "--date", bad_date)
    line = _one_sentence_error(result)
    assert "is not a date; write it as day/month/year or year-month-day" in line


def test_a_digest_given_an_empty_or_a_future_first_day_says_what_is_wrong(tmp_path):
    """`digest --since ''` was a digest from today; `--since` a day to come, with no --until, was said to be "--until
    is before --since" (no --until was given)."""
    (tmp_path / "d").mkdir()
    line = _one_sentence_error(run_cli("--data-dir", str(tmp_path / "d"), "digest", "--since", ""))
    assert "--since is empty" in line and "YYYY-MM-DD" in line, line
    line = _one_sentence_error(run_cli("--data-dir", str(tmp_path / "d"), "digest", "--since", "2099-01-01"))
    assert "--since 2099-01-01 is after today" in line and "--until" not in line, line


def test_listing_sessions_of_a_data_folder_that_is_a_file_or_not_there_says_so(tmp_path):
    """`facilitator --data-dir X sessions list` printed nothing, exit 0, when X was a file or not there (a path typed
    wrong looked like a folder with no sessions)."""
    a_file = tmp_path / "sessions.txt"
    a_file.write_text("not a data folder\n", encoding="utf-8")
    said = _one_sentence_error(run_cli("--data-dir", str(a_file), "sessions", "list"))
    assert said == f"facilitator: {a_file} is a file, not a data folder; pass --data-dir the folder the app keeps its sessions in."
    missing = tmp_path / "typed-wrong"
    result = run_cli("--data-dir", str(missing), "sessions", "list")
    assert result.returncode == 0 and result.stdout == ""  # (a script reading the listing gets none)
    assert result.stderr == (
        f"facilitator: there is no data folder at {missing} yet, so no sessions; pass --data-dir if they are kept elsewhere.\n"
    )


def test_a_data_folder_that_is_a_file_is_named_as_one(tmp_path):
    """Opening the app or starting a session on a data folder that is a file said "file exists"."""
    a_file = tmp_path / "notes.txt"
    a_file.write_text("a file\n", encoding="utf-8")
    said = _one_sentence_error(run_cli("--data-dir", str(a_file), "new", "--template", "quick-success-huddle"))
    assert f"Cannot use the data folder {a_file}: it is a file, not a folder." in said, said
    said = _one_sentence_error(run_cli("--data-dir", str(a_file / "data"), "new", "--template", "quick-success-huddle"))
    assert f"Cannot use the data folder {a_file / 'data'}: a folder on its way to it is a file." in said, said


def test_a_listing_on_a_terminal_that_is_not_utf8_shows_what_it_cannot_write_as_a_question_mark(tmp_path, ssr):
    """Under a locale whose encoding is not UTF-8, a title with "’" or an emoji ended `sessions list` with a
    traceback (UnicodeEncodeError)."""
    from facilitator.session_ops import start_session

    data = tmp_path / "d"
    with Store(data, clock=FixedClock()) as store:
        start_session(store, ssr, clock=FixedClock(), title="Zoë’s review 🌟", team="Équipe")
    for encoding in ("ascii", "latin-1"):
        result = subprocess.run(
            [sys.executable, "-m", "facilitator", "--data-dir", str(data), "sessions", "list"], capture_output=True,
            env={**os.environ, "PYTHONIOENCODING": encoding}, timeout=60,
        )
        out, err = result.stdout.decode(encoding), result.stderr.decode(encoding)
        assert result.returncode == 0 and "Traceback" not in err, err
        assert "review ?" in out, out


def test_the_app_started_without_a_terminal_says_so_and_makes_nothing(tmp_path):
    """With its input from /dev/null (a script, a scheduled job) the app waited for keys for ever, drawing its screen
    into whatever its output went to, and `new` had already made a session."""
    data = tmp_path / "d"
    for args in (["new", "--template", "quick-success-huddle"], [], ["--demo"]):
        result = subprocess.run(
            [sys.executable, "-m", "facilitator", "--data-dir", str(data), *args], capture_output=True, text=True,
            stdin=subprocess.DEVNULL, timeout=30,
        )
        line = _one_sentence_error(result)
        assert line.startswith("facilitator: The app needs a terminal to run in"), line
        assert result.stdout == ""
    listed = run_cli("--data-dir", str(data), "sessions", "list")
    assert listed.stdout == ""  # no session was made


def test_a_mistake_on_the_command_line_is_one_sentence_and_exit_code_1(tmp_path):
    """As the README says of every problem: argparse printed its usage block and exited with 2."""
    for args, said in ((["export", "x", "--format", "pdf"], "invalid choice: 'pdf'"),
                       (["digest"], "required: --since"),
                       (["bogus"], "invalid choice: 'bogus'")):
        result = run_cli("--data-dir", str(tmp_path / "d"), *args)
        assert result.returncode == 1
        assert said in result.stderr and result.stderr.count("\n") == 1 and "usage:" not in result.stderr


def test_an_empty_data_folder_is_refused_and_the_current_folder_left_alone(tmp_path):
    """--data-dir "" (a variable left unset: --data-dir "$TEAM_DIR") made the folder the command ran in the data
    folder: filled with the app's files and made private (0700), without a word."""
    import os
    import stat

    here = tmp_path / "notes"
    here.mkdir()
    here.chmod(0o755)
    (here / "mine.txt").write_text("my notes", encoding="utf-8")
    for args in (["--data-dir", "", "sessions", "list"], ["sessions", "list", "--data-dir", " "]):
        result = subprocess.run([sys.executable, "-m", "facilitator", *args], capture_output=True, text=True, cwd=here,
                                stdin=subprocess.DEVNULL, timeout=30)
        assert result.returncode == 1
        assert "--data-dir is empty; give the data folder's path" in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert sorted(os.listdir(here)) == ["mine.txt"]
    assert stat.S_IMODE(here.stat().st_mode) == 0o755
