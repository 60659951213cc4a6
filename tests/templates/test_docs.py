"""docs/templates.md teaches by example: its example must load, and its sample error must be what users see."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.models import PhaseKind

DOC = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_complete_example_is_a_valid_template_using_several_kinds(tmp_path: Path, capsys):
    [example] = blocks("toml")
    path = tmp_path / "team-check-in.toml"
    path.write_text(example, encoding="utf-8")
    assert main(["templates", "validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "valid template 'team-check-in' (Monday team check-in, 3 phases, 15 min)." in out
    assert "Worth a look" not in out
    # Installed in the data folder's templates folder, it is listed as the user's own.
    data = tmp_path / "data"
    (data / "templates").mkdir(parents=True)
    (data / "templates" / "team-check-in.toml").write_text(example, encoding="utf-8")
    assert main(["--data-dir", str(data), "templates", "list"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("team-check-in"))
    assert row.split("\t") == ["team-check-in", "Monday team check-in", "3 phases", "15 min", "user"]


def test_the_sample_error_output_is_what_validate_prints(tmp_path: Path, capsys):
    [example] = blocks("toml")
    broken = example.replace("timebox = 6", "timebox = -5").replace('kind = "actions"', 'kind = "todo"')
    path = tmp_path / "team-check-in.toml"
    path.write_text(broken, encoding="utf-8")
    assert main(["templates", "validate", str(path)]) == 1
    err = capsys.readouterr().err.replace(str(path), "team-check-in.toml")
    sample = next(b for b in blocks("text") if "not a valid template" in b)
    assert err.strip() == sample.strip()


def test_every_phase_kind_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for kind in PhaseKind:
        assert f"| `{kind.value}` |" in text


def test_templates_guide_prints_this_guide(capsys):
    assert main(["templates", "guide"]) == 0
    out = capsys.readouterr().out
    assert out == DOC.read_text(encoding="utf-8").rstrip("\n") + "\n"
    assert out.startswith("# Writing your own session template\n")
    assert 'id = "team-check-in"' in out  # with its complete example


def test_templates_list_says_where_the_guide_is(tmp_path: Path, capsys):
    assert main(["--data-dir", str(tmp_path / "data"), "templates", "list"]) == 0
    assert "`facilitator templates guide` explains how to write one" in capsys.readouterr().out


@pytest.mark.slow
def test_an_installed_copy_prints_the_guide(tmp_path: Path):
    """`pip install .` (not editable) into a throwaway environment: the guide is inside the installed package,
    and found with the source copy it was installed from gone."""
    source = tmp_path / "source"
    project = DOC.parents[1]
    shutil.copytree(project, source, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".pytest_cache"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(source)],
        capture_output=True, text=True, timeout=900,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    shutil.rmtree(source)
    result = subprocess.run(
        [str(venv / "bin" / "facilitator"), "templates", "guide"], capture_output=True, text=True, cwd="/", timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == DOC.read_text(encoding="utf-8").rstrip("\n") + "\n"
