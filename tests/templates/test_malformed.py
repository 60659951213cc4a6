"""Broken templates get a clear answer: the file, the field path, what is wrong and what would be right."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.templates import BUILT_IN, USER, TemplateError, load_library, load_template_file, parse_template

GOOD_PHASE = """
[[phases]]
id = "story"
title = "The story"
prompt = "What happened?"
"""


def good(extra_top: str = "", phases: str = GOOD_PHASE) -> str:
    return f'id = "my-huddle"\nname = "My huddle"\n{extra_top}\n{phases}'


def two_phases(second: str) -> str:
    return good(phases=GOOD_PHASE + "\n[[phases]]\n" + textwrap.dedent(second))


# (case name, file bytes, substrings every one of which must be in the answer)
CASES: list[tuple[str, bytes, list[str]]] = [
    ("toml-syntax-error", b'id = "x"\nname = \n', ["TOML syntax error at line 2, column 8"]),
    ("unclosed-string", b'id = "x\nname = "y"\n', ["TOML syntax error at line 1"]),
    ("duplicate-toml-key", b'id = "a"\nid = "b"\n', ["TOML syntax error at line 2"]),
    ("missing-name", b'id = "x"\n' + GOOD_PHASE.encode(), ["name: is missing", 'like name = "Team huddle"']),
    ("missing-phases", b'id = "x"\nname = "X"\n', ["phases: is missing", "[[phases]]"]),
    ("phase-missing-prompt", good(phases='[[phases]]\nid = "a"\ntitle = "A"\n').encode(),
     ["phases[0].prompt", "is missing", "question the group is asked"]),
    ("timebox-is-text", two_phases('id = "b"\ntitle = "B"\nprompt = "P"\ntimebox = "ten"\n').encode(),
     ['phases[1].timebox (phase "b")', '"ten" is not a whole number', "from 1 to 240"]),
    ("timebox-negative", two_phases('id = "b"\ntitle = "B"\nprompt = "P"\ntimebox = -5\n').encode(),
     ["phases[1].timebox", "-5 is too small", "timebox = 10"]),
    ("timebox-absurd", two_phases('id = "b"\ntitle = "B"\nprompt = "P"\ntimebox = 10000\n').encode(),
     ["phases[1].timebox", "10000 is too large", "from 1 to 240"]),
    ("timebox-fraction", good(phases=GOOD_PHASE + "timebox = 7.5\n").encode(),
     ["phases[0].timebox", "7.5 is not a whole number"]),
    ("timebox-boolean", good(phases=GOOD_PHASE + "timebox = true\n").encode(),
     ["phases[0].timebox", "true is not a whole number"]),
    ("unknown-phase-kind", good(phases=GOOD_PHASE + 'kind = "brainstorm"\n').encode(),
     ["phases[0].kind", '"brainstorm" is not a phase kind', '"discussion"', '"round"']),
    ("duplicate-phase-ids", two_phases('id = "story"\ntitle = "Again"\nprompt = "P"\n').encode(),
     ["phases", "'story' is used by phases[0] and phases[1]", "its own id"]),
    ("empty-phases-list", b'id = "x"\nname = "X"\nphases = []\n', ["phases: has no phases", "[[phases]]"]),
    ("phases-as-single-table", b'id = "x"\nname = "X"\n[phases]\nid = "a"\n', ["phases", "should be a list", "[[phases]]"]),
    ("unknown-top-level-key", good('nmae = "typo"').encode(), ["nmae: is not a field a template can have", "did you mean 'name'?"]),
    ("unknown-phase-key", good(phases=GOOD_PHASE + "timeboxx = 5\n").encode(),
     ["phases[0].timeboxx", "not a field a phase can have", "did you mean 'timebox'?"]),
    ("not-utf8", b'id = "x"\nname = "Caf\xe9 huddle"\n', ["not UTF-8", "line 2", "save it as UTF-8"]),
    ("five-megabytes", b'id = "x"\nname = "X"\nsummary = "' + b"a" * (5 * 1024 * 1024) + b'"\n',
     ["5.0 MB", "under 512 KB"]),
    ("bad-id", good(phases='[[phases]]\nid = "Case Story"\ntitle = "A"\nprompt = "P"\n').encode(),
     ["phases[0].id", '"Case Story" is not a valid id', "lower-case letters, digits and hyphens"]),
    ("questions-not-a-list", good(phases=GOOD_PHASE + 'questions = "What helped?"\n').encode(),
     ["phases[0].questions", "should be a list", 'questions = ["What helped?"']),
    ("question-not-text", good(phases=GOOD_PHASE + 'questions = ["What helped?", 3]\n').encode(),
     ["phases[0].questions[1]", "3 should be text in quotes"]),
    ("empty-file", b"", ["the file is empty", "id, name"]),
    ("blank-title", good(phases='[[phases]]\nid = "a"\ntitle = "   "\nprompt = "P"\n').encode(),
     ["phases[0].title", "is empty"]),
    ("scale-settings-on-discussion", good(phases=GOOD_PHASE + 'scale_low = "bad"\n').encode(),
     ["phases[0]", "scale_low only apply to phases of kind \"scale\""]),
    ("scale-by-unknown", good(phases=GOOD_PHASE + 'kind = "scale"\nscale_by = "everyone"\n').encode(),
     ["phases[0].scale_by", '"everyone" is not allowed', '"person"', '"group"']),
    ("typical-length-zero", good("typical_length = 0").encode(), ["typical_length", "0 is too small", "1 to 600"]),
    ("too-many-phases", good(phases="".join(
        f'[[phases]]\nid = "p{n}"\ntitle = "P{n}"\nprompt = "P"\n' for n in range(41))).encode(),
     ["phases: has 41 items", "at most 40"]),
    ("deeply-nested", b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", ["nests lists or tables too deeply"]),
    ("duplicate-tags", good('tags = ["collaboration", "Collaboration"]').encode(), ["tags", "listed twice"]),
    ("ground-rule-empty", good('ground_rules = ["No blame.", ""]').encode(), ["ground_rules[1]", "is empty"]),
]


@pytest.mark.parametrize("name, data, expected", CASES, ids=[c[0] for c in CASES])
def test_validate_names_file_field_and_fix(name, data, expected, tmp_path: Path, capsys):
    path = tmp_path / f"{name}.toml"
    path.write_bytes(data)
    code = main(["--data-dir", str(tmp_path / "data"), "templates", "validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert str(path) in err
    assert "not a valid template" in err
    for part in expected:
        assert part in err, f"{part!r} missing from:\n{err}"
    assert "Traceback" not in err


def test_every_malformed_case_is_listed_as_broken_and_the_rest_still_load(tmp_path: Path, capsys):
    """All the cases above in one team's folder: `templates list` still lists every usable template, and
    names each broken file with its first problem."""
    data = tmp_path / "data"
    user = data / "templates"
    user.mkdir(parents=True)
    for name, data_bytes, _ in CASES:
        (user / f"{name}.toml").write_bytes(data_bytes)
    (user / "mine.toml").write_text(good(), encoding="utf-8")
    assert main(["--data-dir", str(data), "templates", "list"]) == 0
    out = capsys.readouterr().out
    rows = [line.split("\t") for line in out.split("\n\n")[0].splitlines()]
    assert len(rows) == 10 and ["my-huddle", "user"] in [[row[0], row[-1]] for row in rows]
    assert f"Broken templates ({len(CASES)}), not loaded:" in out
    blocks = out.split(f"Broken templates ({len(CASES)}), not loaded:\n")[1]
    for name, _, expected in CASES:
        block = blocks.split(f"  {user / (name + '.toml')} (user):\n", 1)[1].split("\n  /", 1)[0]
        assert expected[0] in block, f"{name}: {expected[0]!r} not in {block!r}"


def test_every_problem_is_listed_not_just_the_first():
    data = b'id = "Bad Id"\n[[phases]]\nid = "a"\ntitle = "A"\nprompt = "P"\ntimebox = 0\n'
    with pytest.raises(TemplateError) as info:
        parse_template(data, "several.toml")
    problems = "\n".join(info.value.problems)
    assert "id: \"Bad Id\" is not a valid id" in problems
    assert "name: is missing" in problems
    assert "phases[0].timebox" in problems


def test_validate_says_each_problems_line_and_two_phases_with_one_id_at_once(tmp_path: Path, capsys):
    """Field problems named only pydantic's place ("phases[1].kind"), so a team lead counted [[phases]] blocks; and
    two phases with one id were said only once every other problem was mended."""
    path = tmp_path / "broken-fields.toml"
    path.write_text(textwrap.dedent("""\
        id = "monday"
        name = "Monday check-in"

        [[phases]]
        id = "weather"
        title = "How is everyone?"
        timebox = -5
        prompt = "How are you?"

        [[phases]]
        id = "weather"
        title = "Needs"
        kind = "todo"
        prompt = "What do we need?"
        """), encoding="utf-8")
    assert main(["templates", "validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "(3 problems)" in err
    assert "  - line 7: phases[0].timebox (phase \"weather\"): -5 is too small" in err
    assert "  - line 10: phases: phase id 'weather' is used by phases[0] and phases[1]" in err
    assert "  - line 13: phases[1].kind (phase \"weather\"): \"todo\" is not a phase kind" in err


def test_missing_file_and_folder_are_clear(tmp_path: Path, capsys):
    assert main(["templates", "validate", str(tmp_path / "nope.toml")]) == 1
    assert "there is no such file" in capsys.readouterr().err
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(TemplateError, match="is a folder"):
        load_template_file(folder)


def test_a_byte_order_mark_from_windows_notepad_is_accepted(tmp_path: Path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + good().encode())
    assert load_template_file(path).name == "My huddle"


def test_broken_user_templates_never_stop_the_library(tmp_path: Path):
    user = tmp_path / "templates"
    user.mkdir()
    for name, data, _ in CASES:
        (user / f"{name}.toml").write_bytes(data)
    (user / "mine.toml").write_text(good(), encoding="utf-8")
    (user / "notes.txt").write_text("not a template", encoding="utf-8")
    library = load_library(user)
    assert "my-huddle" in library
    assert library.templates["my-huddle"].source == USER
    assert len([t for t in library.ordered() if t.source == BUILT_IN]) == 9
    broken = {b.path.name: b for b in library.broken}
    assert set(broken) == {f"{name}.toml" for name, _, _ in CASES}
    assert all(b.problems and b.source == USER for b in broken.values())


def test_user_template_with_a_builtin_id_is_reported_not_preferred(tmp_path: Path, capsys):
    user = tmp_path / "data" / "templates"
    user.mkdir(parents=True)
    impostor = user / "ssr.toml"
    impostor.write_text(
        'id = "serious-success-review"\nname = "My SSR"\n' + GOOD_PHASE, encoding="utf-8"
    )
    library = load_library(user)
    assert library.get("serious-success-review").name == "Serious Success Review"
    assert library.templates["serious-success-review"].source == BUILT_IN
    assert any("ssr.toml" in clash and "already used by the built-in" in clash for clash in library.clashes)
    assert [b.path for b in library.broken] == [impostor]

    # The command line says so in the list, and `validate` fails it as the app refuses it, in the folder or not.
    assert main(["--data-dir", str(tmp_path / "data"), "templates", "list"]) == 0
    listed = capsys.readouterr().out
    assert "ssr.toml" in listed and "already used by the built-in template" in listed
    outside = tmp_path / "ssr-draft.toml"
    outside.write_bytes(impostor.read_bytes())
    for path in (impostor, outside):
        assert main(["--data-dir", str(tmp_path / "data"), "templates", "validate", str(path)]) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert f"{path}: not a valid template (1 problem):" in err
        assert "already used by the built-in template 'Serious Success Review'" in err
        assert "give it another id" in err
    # Given another id, it is valid and the app loads it.
    impostor.write_text('id = "team-ssr"\nname = "My SSR"\n' + GOOD_PHASE, encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "data"), "templates", "validate", str(impostor)]) == 0
    assert "valid template 'team-ssr'" in capsys.readouterr().out
    assert "team-ssr" in load_library(user)


def test_validate_refuses_an_id_another_team_template_already_has(tmp_path: Path, capsys):
    data = tmp_path / "data"
    user = data / "templates"
    user.mkdir(parents=True)
    (user / "a-huddle.toml").write_text(good(), encoding="utf-8")
    (user / "b-huddle.toml").write_text(good('summary = "the second"'), encoding="utf-8")
    # The app keeps the first by name and lists the second as broken: validate says the same of each.
    assert [b.path.name for b in load_library(user).broken] == ["b-huddle.toml"]
    assert main(["--data-dir", str(data), "templates", "validate", str(user / "a-huddle.toml")]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data), "templates", "validate", str(user / "b-huddle.toml")]) == 1
    err = capsys.readouterr().err
    assert f"already used by your template {user / 'a-huddle.toml'}" in err
    # A new version of a file, checked before it replaces the one in the folder, is not a clash.
    draft = tmp_path / "a-huddle.toml"
    draft.write_text(good('summary = "version 2"'), encoding="utf-8")
    assert main(["--data-dir", str(data), "templates", "validate", str(draft)]) == 0


def test_unreadable_user_folder_is_reported(tmp_path: Path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    user = data / "templates"
    user.write_text("a file where the folder should be", encoding="utf-8")
    assert main(["--data-dir", str(data), "templates", "list"]) == 0
    out = capsys.readouterr().out
    assert len([line for line in out.splitlines() if line.endswith("\tbuilt-in")]) == 9  # the built-ins still load
    assert "Broken templates (1), not loaded:" in out
    assert f"{user} (user):" in out
    assert "is a file where the templates folder should be" in out and "move the file aside" in out
    broken = load_library(user).broken
    assert [b.path for b in broken] == [user]
