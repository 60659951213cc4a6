"""docs/templates.md teaches by example: its example must load, and its sample error must be what users see."""

from __future__ import annotations

import re
from pathlib import Path

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
