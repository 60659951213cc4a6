"""The HTML record as it prints: headless Chromium prints `facilitator export --format html` to PDF, and
pdftotext reads the pages back, as a service manager filing the minutes would see them."""

from __future__ import annotations

import re
import shutil
from html import unescape
import subprocess
from pathlib import Path

import pytest

from facilitator.cli import main

from .helpers import end, new_session, say

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or PDFTOTEXT is None,
    reason="needs Debian's chromium and poppler-utils (apt-get install chromium poppler-utils; .ci/run installs them)",
)

# A note with characters that mean something in CSS and HTML, as an organisation might type it in settings.toml.
NOTE = 'Official-sensitive: "team" records \\ keep </style> for 6 years; do not forward.'
OWNERS = ["Team manager", "Presenting worker", "Independent reviewing officer", "Safeguarding coordinator"]
LONG = (
    "Write to the headteacher and the school nurse together, so the family hears one plan instead of three, "
    "and bring the attendance figures to the multi-agency meeting with the reasons behind them"
)


def _print(html: Path, tmp_path: Path) -> list[str]:
    """The pages of `html` printed by headless Chromium, as pdftotext -layout reads them."""
    pdf = tmp_path / "record.pdf"
    subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True, capture_output=True, timeout=120,
    )
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def _session_with_long_actions(store, ssr, clock, data_dir: Path):
    (data_dir / "settings.toml").write_text(
        "[records]\nretention_note = '''" + NOTE + "'''\n", encoding="utf-8"
    )
    session = new_session(store, ssr, clock, title="Returning to school")
    actions = next(p for p in ssr.phases if p.kind.value == "actions")
    said = []
    for n in range(40):
        text = f"Action {n}: {LONG} (reconsideration{n})"
        fields = {"owner": OWNERS[n % len(OWNERS)], "due": f"2026-11-{n % 28 + 1:02d}", "tell": "Whole team"}
        say(store, session, clock, actions.id, text, "Priya", fields=fields)
        said.append(text)
    return session, said


def _words(texts: list[str]) -> set[str]:
    return {w.strip(".,:;()") for t in texts for w in t.split() if len(w.strip(".,:;()")) >= 6}


def _check_pages(html: Path, pages: list[str], said: list[str], draft: bool) -> None:
    assert len(pages) >= 2
    headings = {unescape(h).strip() for h in re.findall(r"<h[23]>(.*?)</h[23]>", html.read_text(encoding="utf-8"))}
    for number, page in enumerate(pages, 1):
        flat = " ".join(page.split())
        assert f"page {number} of {len(pages)}" in flat, page
        assert NOTE in flat, page
        assert ("DRAFT" in flat) == draft, page
        # A heading is never left alone at the foot of a page.
        body = [line.strip() for line in page.splitlines() if line.strip() and "page " not in line]
        assert body[-1] not in headings, page
    # No word of the record is split across lines: each long word is found whole in the printed text.
    printed = {w.strip(".,:;()") for page in pages for w in page.split()}
    expected = _words(said) | _words(OWNERS) | {f"2026-11-{d:02d}" for d in range(1, 29)}
    missing = sorted(expected - printed)
    assert not missing, missing


def test_a_final_record_prints_with_page_numbers_and_the_note_on_every_page(store, ssr, clock, data_dir, tmp_path, capsys):
    session, said = _session_with_long_actions(store, ssr, clock, data_dir)
    ended, _ = end(store, session, clock)
    store.close()
    out = tmp_path / "record.html"
    assert main(["--data-dir", str(data_dir), "export", ended.id, "--format", "html", "--out", str(out)]) == 0
    _check_pages(out, _print(out, tmp_path), said, draft=False)


def test_a_draft_prints_draft_on_every_page(store, ssr, clock, data_dir, tmp_path, capsys):
    session, said = _session_with_long_actions(store, ssr, clock, data_dir)
    out = tmp_path / "draft.html"
    assert main(["--data-dir", str(data_dir), "export", session.id, "--format", "html", "--out", str(out)]) == 0
    _check_pages(out, _print(out, tmp_path), said, draft=True)


@pytest.mark.parametrize("lengths", [
    # (12 lines of story put the strengths' question at the foot of page 2 before the print style kept it with what
    # follows; the default run prints the lengths around it, `pytest -m slow` eight)
    pytest.param((11, 12, 13), id="three-lengths"),
    pytest.param(tuple(range(8, 16)), id="eight-lengths", marks=pytest.mark.slow),
])
def test_a_phases_question_is_never_left_at_the_foot_of_a_page(store, ssr, clock, data_dir, tmp_path, lengths):
    """A phase's heading and its question ended a page while what was said under them began the next. Records of
    several lengths are printed, so that phases fall at the foot of a page in some: none leaves its question there."""
    from facilitator.store import Store

    from tests.conftest import counter_ids

    store.close()
    for n in lengths:
        folder = tmp_path / f"data{n}"
        here = Store(folder, clock=clock, id_factory=counter_ids(f"p{n}")).open()
        session = new_session(here, ssr, clock, title="Returning to school")
        for i in range(n):
            say(here, session, clock, "case-story", f"Line {i}: the family met the worker at the kitchen table and "
                "talked through the plan for school.", "Priya")
        for phase in ("what-went-right", "turning-points", "strengths-evidence"):
            for i in range(3):
                say(here, session, clock, phase, f"{phase} item {i} with some words to fill the line a little more",
                    "Sam", fields={} if phase == "what-went-right" else {"evidence": "seen", "when": "May"})
        ended, _ = end(here, session, clock)
        here.close()
        out = tmp_path / f"record{n}.html"
        assert main(["--data-dir", str(folder), "export", ended.id, "--format", "html", "--out", str(out)]) == 0
        html = out.read_text(encoding="utf-8")
        questions = [unescape(re.sub("<[^>]+>", "", q)).split()
                     for q in re.findall(r"</h2>\s*<p><em>(.*?)</em></p>", html, re.S)]
        pages = _print(out, tmp_path)
        for number, page in enumerate(pages[:-1], 1):
            body = [line.strip() for line in page.splitlines() if line.strip() and "page " not in line]
            foot = " ".join(" ".join(body[-3:]).split())
            left = [" ".join(q) for q in questions if q and foot.endswith(" ".join(q[-3:]))]
            assert not left, f"{n} lines of story: page {number} ends with the question {left}"
