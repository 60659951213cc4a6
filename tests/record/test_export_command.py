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
