"""`facilitator export ID --format md|html|docx|csv [--out PATH]`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from facilitator.cli import main

from .helpers import HTMLScan, docx_document, end, new_session, say, split_record


def test_export_every_format_of_an_ended_session(store, ssr, clock, data_dir, tmp_path, capsys):
    session = new_session(store, ssr, clock)
    actions = next(p for p in ssr.phases if p.kind.value == "actions")
    say(store, session, clock, "case-story", "What happened", "Sam")
    say(store, session, clock, actions.id, "Share the plan", "Priya", fields={"owner": "Priya", "due": "2026-12-15"})
    ended, record_path = end(store, session, clock)
    store.close()

    for fmt in ("md", "html", "docx", "csv"):
        out = tmp_path / f"out.{fmt}"
        assert main(["--data-dir", str(data_dir), "export", ended.id[:12], "--format", fmt, "--out", str(out)]) == 0
        assert capsys.readouterr().out.strip() == str(out)
        data = out.read_bytes()
        if fmt == "md":
            assert data == record_path.read_bytes()
        elif fmt == "html":
            assert "What happened" in HTMLScan(data.decode()).plain
        elif fmt == "docx":
            assert any(p.text == "Sam: What happened" for p in docx_document(data).paragraphs)
        else:
            rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
            assert [(r["Action id"], r["Action"], r["Owner"], r["Due"]) for r in rows] == [
                ("A1", "Share the plan", "Priya", "2026-12-15")
            ]


def test_a_running_session_exports_as_a_draft_while_the_app_has_the_folder(store, ssr, clock, data_dir, capsys):
    session = new_session(store, ssr, clock)
    say(store, session, clock, "case-story", "Half way", "Sam")
    # `store` is still open: the app holds the folder's lock. Exporting only reads.
    assert main(["--data-dir", str(data_dir), "export", session.id, "--format", "md"]) == 0
    path = capsys.readouterr().out.strip()
    assert path.endswith("-draft.md") and path.startswith(str(data_dir / "records"))
    front, body = split_record(Path(path).read_text(encoding="utf-8"))
    assert front["status"] == "draft" and "Half way" in body


def test_export_errors_are_one_clear_sentence(store, ssr, clock, data_dir, tmp_path, capsys):
    session = new_session(store, ssr, clock)
    assert main(["--data-dir", str(data_dir), "export", "nope", "--format", "md"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("facilitator: ") and "sessions list" in err and "Traceback" not in err
    assert main(["--data-dir", str(data_dir), "export", session.id, "--format", "html", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "is a folder" in err and "Traceback" not in err


def test_export_and_digest_never_write_over_the_apps_own_files(store, ssr, clock, data_dir, tmp_path, capsys):
    """`export --out <data>/sessions/ID.journal.jsonl` wrote a CSV over the session's journal and exited 0; the next
    start could only say that recorded changes may have been lost. --out inside the data folder is refused (its
    records folder aside), the files as they were; an empty --out is said to be empty, not taken for "."."""
    session = new_session(store, ssr, clock)
    say(store, session, clock, "case-story", "What happened", "Sam")
    ended, _ = end(store, session, clock)
    store.close()
    own = sorted(p for p in data_dir.rglob("*") if p.is_file() and "records" not in p.parts)
    before = {p: p.read_bytes() for p in own}
    journal = next(p for p in own if p.name.endswith(".journal.jsonl"))
    for command in (
        ["export", ended.id, "--format", "csv", "--out", str(journal)],
        ["export", ended.id, "--format", "md", "--out", str(journal.with_suffix("").with_suffix(".json"))],
        ["export", ended.id, "--format", "md", "--out", str(data_dir / "settings.toml")],
        ["digest", "--since", "2026-01-01", "--out", str(data_dir / "index.json")],
    ):
        assert main(["--data-dir", str(data_dir), *command]) == 1, command
        err = capsys.readouterr().err
        assert "is in the data folder" in err and "records folder" in err and err.count("\n") == 1, err
    assert {p: p.read_bytes() for p in own} == before
    # Nor over another data folder's own files (a team's folder beside this one, say), its records folder aside.
    import shutil

    other = tmp_path / "other-team"
    shutil.copytree(data_dir, other)
    theirs = other / "sessions" / f"{ended.id}.json"
    kept = theirs.read_bytes()
    assert main(["--data-dir", str(data_dir), "export", ended.id, "--format", "md", "--out", str(theirs)]) == 1
    err = capsys.readouterr().err
    assert f"is in the data folder {other}" in err and err.count("\n") == 1, err
    assert theirs.read_bytes() == kept
    assert main(["--data-dir", str(data_dir), "export", ended.id, "--format", "md",
                 "--out", str(other / "records" / "from-the-other-team.md")]) == 0
    # Into the records folder, or outside the data folder, as before.
    for out in (data_dir / "records" / "mine.md", tmp_path / "elsewhere.md"):
        assert main(["--data-dir", str(data_dir), "export", ended.id, "--format", "md", "--out", str(out)]) == 0
        assert out.is_file()
    capsys.readouterr()
    for command in (["export", ended.id, "--format", "md", "--out", ""], ["digest", "--out", " "]):
        try:
            code = main(["--data-dir", str(data_dir), *command])
        except SystemExit as exc:
            code = exc.code
        assert code == 1
        err = capsys.readouterr().err
        assert "--out" in err and "is empty" in err and "is a folder" not in err, err
