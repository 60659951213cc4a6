"""`facilitator templates list | show ID`: what a team lead reads before choosing a template."""

from __future__ import annotations

from pathlib import Path

from facilitator.cli import main

from .test_builtin import DESIGN_IDS
from .test_malformed import good


def test_list_shows_id_name_phases_length_and_source(tmp_path: Path, capsys):
    data = tmp_path / "data"
    (data / "templates").mkdir(parents=True)
    (data / "templates" / "my-huddle.toml").write_text(good("typical_length = 12"), encoding="utf-8")
    (data / "templates" / "broken.toml").write_text('id = "x"\nname = \n', encoding="utf-8")
    assert main(["--data-dir", str(data), "templates", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[:10]}
    assert set(rows) == set(DESIGN_IDS) | {"my-huddle"}
    assert lines[0].startswith("serious-success-review\t")  # the flagship first
    assert rows["serious-success-review"] == ["serious-success-review", "Serious Success Review", "7 phases", "90 min", "built-in"]
    assert rows["my-huddle"] == ["my-huddle", "My huddle", "1 phase", "12 min", "user"]
    assert lines[10] == ""  # the list ends with a blank line; notes follow
    text = "\n".join(lines)
    assert "Broken templates (1), not loaded:" in text
    assert "broken.toml (user)" in text and "TOML syntax error at line 2, column 8" in text
    assert f"Your own templates go in {data / 'templates'}" in text


def test_show_prints_the_whole_script(capsys):
    assert main(["templates", "show", "signs-of-safety-group-supervision"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Signs of Safety group supervision  (signs-of-safety-group-supervision, version 1)")
    assert "Ground rules:\n  - The family is named by role or initials only" in out
    for number, title in enumerate(
        ["Roles and focus", "The case in brief", "What are we worried about?", "What is working well?",
         "Scaling", "What needs to happen?", "Reflection"],
        start=1,
    ):
        assert f"\n{number}. {title}  [" in out
    assert "Records: a rating from 0 to 10 with the reason for it (scale)" in out
    assert "     0 = the child is not safe enough" in out
    assert "     ? Why that number, and not one lower?" in out
    assert "Where it comes from:\n  - Signs of Safety: Andrew Turnell and Steve Edwards" in out
    # Markdown emphasis in guidance is not printed as asterisks.
    assert "**" not in out
    # Wrapped to be read in a terminal or printed (only the file path may run longer).
    assert max(len(line) for line in out.splitlines() if not line.startswith("Source:")) <= 88


def test_show_unknown_and_broken_ids_say_what_to_do(tmp_path: Path, capsys):
    data = tmp_path / "data"
    (data / "templates").mkdir(parents=True)
    (data / "templates" / "team-check-in.toml").write_text("id = ", encoding="utf-8")
    assert main(["--data-dir", str(data), "templates", "show", "no-such-thing"]) == 1
    assert "run `facilitator templates list`" in capsys.readouterr().err
    assert main(["--data-dir", str(data), "templates", "show", "team-check-in"]) == 1
    err = capsys.readouterr().err
    assert "is broken" in err and "facilitator templates validate" in err
    assert "TOML syntax error" in err and len(err.strip().splitlines()) == 1


def test_show_finds_a_broken_template_by_the_id_it_gives_itself(tmp_path: Path, capsys):
    """The file name and the id differ: `show` finds it by its id, and says why it cannot be used."""
    data = tmp_path / "data"
    (data / "templates").mkdir(parents=True)
    path = data / "templates" / "our check-in.toml"
    path.write_text(good("typical_length = 0").replace('"my-huddle"', '"team-check-in"'), encoding="utf-8")
    assert main(["--data-dir", str(data), "templates", "show", "team-check-in"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "There is no template" not in err
    assert f"The template 'team-check-in' in {path} is broken and cannot be used" in err
    assert "typical_length" in err and "0 is too small" in err
    assert f"facilitator templates validate {path}" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_validate_a_good_user_template_with_notes(tmp_path: Path, capsys):
    path = tmp_path / "Team Huddle.toml"
    path.write_text(good("typical_length = 120"), encoding="utf-8")
    assert main(["templates", "validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: valid template 'my-huddle' (My huddle, 1 phases, 120 min)." in out
    assert "the phase timeboxes add up to 10 minutes but typical_length is 120" in out
    assert "naming it my-huddle.toml" in out


def test_a_template_written_in_yaml_or_saved_as_txt_is_named_with_why_it_is_not_read(tmp_path: Path, capsys):
    """A team that wrote its template as YAML (or had an editor save "x.toml.txt") got no word: the file was not
    listed among the broken ones, and `templates validate` said only "TOML syntax error". Such a file is now listed,
    saying templates are TOML; other files in the folder (a README) are left alone."""
    data = tmp_path / "data"
    folder = data / "templates"
    folder.mkdir(parents=True)
    (folder / "team.yaml").write_text("id: team-yaml\nname: Team\nphases:\n  - id: one\n", encoding="utf-8")
    (folder / "huddle.toml.txt").write_text(good(""), encoding="utf-8")
    (folder / "README.md").write_text("Our templates\n", encoding="utf-8")
    assert main(["--data-dir", str(data), "templates", "list"]) == 0
    text = capsys.readouterr().out
    assert "Broken templates (2), not loaded:" in text
    assert "team.yaml (user)" in text and "huddle.toml.txt (user)" in text and "README" not in text
    assert "is not read: template files are TOML, named .toml" in text
    assert main(["--data-dir", str(data), "templates", "validate", str(folder / "team.yaml")]) != 0
    said = capsys.readouterr()
    assert "is not read: template files are TOML, named .toml; `facilitator templates guide`" in said.out + said.err


def test_a_tab_in_a_templates_name_is_a_space_in_the_list(tmp_path: Path, capsys):
    """A tab typed in a template's name passed the check, then gave `templates list` six columns instead of five,
    broke the home screen's rows and stayed in the record: a one-line field's tabs and line breaks are spaces."""
    data = tmp_path / "data"
    (data / "templates").mkdir(parents=True)
    (data / "templates" / "tabbed.toml").write_text(good("").replace('name = "My huddle"', 'name = "My\\thuddle"'),
                                                    encoding="utf-8")
    assert main(["--data-dir", str(data), "templates", "list"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines() if line.startswith("my-huddle\t")]
    assert rows == [["my-huddle", "My huddle", "1 phase", "60 min", "user"]]
