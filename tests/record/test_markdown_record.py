"""The markdown record: front matter, sections, and hostile text that must stay text."""

from __future__ import annotations

import hashlib
import re

import yaml

from facilitator.models import ANONYMOUS
from facilitator.record.export import render_export
from facilitator.record.html import STYLE, content_security_policy
from facilitator.record.markdown import DEFAULT_RETENTION_NOTE, render_markdown
from facilitator.session_ops import export_record
from facilitator.text import clean_text

from .helpers import FULL, HTMLScan, end, inline_plain, table_rows, expected_lines, list_items, new_session, say, sections, split_record

TABLE_TOKENS = {
    "table_open", "table_close", "thead_open", "thead_close", "tbody_open", "tbody_close",
    "tr_open", "tr_close", "th_open", "th_close", "td_open", "td_close",
}

HOSTILE = [
    "# Not a heading",
    "## Also not a heading",
    "Setext?\n===",
    "Under a rule\n---",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "pipes | in | the | middle",
    "`inline code` and ``double``",
    "```\nfenced code\n```",
    "~~~\ntilde fence\n~~~",
    "    indented four spaces",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "<!-- a comment --> after it",
    "[a link](javascript:alert(1))",
    "![an image](http://example.org/x.png)",
    "<http://example.org/autolink>",
    "[ref]: http://example.org/definition",
    "---\ntitle: injected\n---",
    "{{ template }} and {% tag %}",
    "control\x00chars\x07here\x1b[31m red \x1b[0m",
    "\x1b]8;;http://x\x07osc link\x1b]8;;\x07",
    "x" * 10_000,
    "RTL: مرحبا بالعالم \u202eoverride\u202c",
    "emoji 👩🏽‍⚕️🧒 and ZWJ",
    "\n\n  leading and trailing blank lines  \n\n",
    "line one\n\nline three after an empty line",
    "> a quote",
    "- a list item\n* another\n+ third",
    "1. numbered\n2) also",
    "*emphasis* and **strong** and _under_ and __dunder__",
    "trailing backslash \\",
    "&amp; &lt;b&gt; &#60;script&#62;",
    "a line with trailing spaces   \nnext",
    "***",
    "<div>\nblock html\n</div>",
    "tab\tinside and \\* escaped star",
    "[[wiki]] and [^footnote]",
    "Jo: quoting someone: **bold**",
]


def _hostile_session(store, ssr, clock):
    session = new_session(store, ssr, clock, participants=["Sam", "<b>Priya</b>", "**Team** manager"])
    phases = [p.id for p in ssr.phases]
    speakers = ["Sam", "<b>Priya</b>", None, ANONYMOUS, "**Team** manager"]
    said = []
    for n, text in enumerate(HOSTILE):
        phase = phases[n % len(phases)]
        speaker = speakers[n % len(speakers)]
        c = say(store, session, clock, phase, text, speaker)
        said.append(c)
    return session, said


def test_hostile_text_stays_text_in_the_record(store, ssr, clock):
    assert len(HOSTILE) >= 30
    session, said = _hostile_session(store, ssr, clock)
    ended, path = end(store, session, clock)
    text = path.read_text(encoding="utf-8")
    front, body = split_record(text)
    assert front["title"] == "Returning to school" and front["status"] == "final"

    tokens = FULL.parse(body)
    # No contribution created structure: only headings, paragraphs, bullet lists and the kind tables at block
    # level, only text, emphasis and line breaks inside them.
    block_types = {t.type for t in tokens}
    assert block_types <= {
        "heading_open", "heading_close", "paragraph_open", "paragraph_close", "inline",
        "bullet_list_open", "bullet_list_close", "list_item_open", "list_item_close",
    } | TABLE_TOKENS, block_types
    inline_types = {c.type for t in tokens if t.type == "inline" for c in t.children}
    assert inline_types <= {"text", "strong_open", "strong_close", "em_open", "em_close", "softbreak", "hardbreak"}

    # Every phase heading is still a heading, in order, and no other heading appeared.
    h2 = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    phase_headings = [h for h in h2 if re.match(r"\d+\. ", h)]
    assert phase_headings == [f"{n}. {p.title}" for n, p in enumerate(ssr.phases, start=1)]
    assert [t.tag for t in tokens if t.type == "heading_open"].count("h1") == 1
    assert len(h2) == len(ssr.phases) + 4  # ground rules, highlights, decisions, sign-off

    # Each phase lists exactly its contributions, each with its speaker and every line of its text.
    by_section = sections(body)
    for n, phase in enumerate(ssr.phases, start=1):
        items = list_items(by_section[f"{n}. {phase.title}"])
        mine = [c for c in said if c.phase_id == phase.id]
        # A phase with a table (strengths, timeline, actions) shows its items there only, each once.
        rows = table_rows(by_section[f"{n}. {phase.title}"])
        assert len(items) == (0 if rows else len(mine)), phase.id
        for item, c in zip(items, mine):
            who = f"{c.speaker}: " if c.speaker else ""  # no speaker recorded: no label, not "anonymous"
            assert item == who + "\n".join(expected_lines(c.text))
        # A table has one row per contribution, each with the whole text in one cell and as many cells as
        # the header.
        if rows:
            assert len(rows) == 1 + len(mine), phase.id
            assert {len(r) for r in rows} == {len(rows[0])}
            for row, c in zip(rows[1:], mine):
                assert " / ".join(line for line in expected_lines(c.text) if line) in row

    # What was stored is exactly what was typed (less control characters), not the escaped form.
    stored = {c.id: c.text for c in store.load_session(session.id).contributions}
    assert [stored[c.id] for c in said] == [clean_text(t).strip("\n") for t in HOSTILE]


def test_hostile_text_is_inert_in_html(store, ssr, clock):
    session, said = _hostile_session(store, ssr, clock)
    html = render_export(store.load_session(session.id), "html").decode("utf-8")
    page = HTMLScan(html)
    tags = [tag for tag, _ in page.tags]
    assert "script" not in tags and "iframe" not in tags and "object" not in tags and "embed" not in tags
    assert "img" not in tags and "a" not in tags and "div" not in tags and "pre" not in tags and "code" not in tags
    assert tags.count("style") == 1
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not any("javascript:" in (value or "") for value in attrs.values())
    assert page.comments == []
    csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == [content_security_policy(re.search(r"<style>(.*?)</style>", html, re.S).group(1))]
    assert "script-src 'none'" in csp[0] and "default-src 'none'" in csp[0]
    # The one stylesheet allowed is the page's own, pinned by its hash; it has print rules.
    assert "@media print" in STYLE and "@page" in STYLE
    plain = page.plain
    for c in said:
        for line in expected_lines(c.text):
            assert line in plain


def test_front_matter_has_every_field(store, ssr, clock):
    session = new_session(store, ssr, clock, title="Returning: a 'quoted' title # with: colons")
    session = store.update_session(session, apologies=["Chris", "Dee: on leave"], phase_seconds={ssr.phases[0].id: 754})
    say(store, session, clock, ssr.phases[1].id, "Something said")
    ended, path = end(store, session, clock)
    front, body = split_record(path.read_text(encoding="utf-8"))
    assert front["id"] == ended.id
    assert front["template"] == ssr.id
    assert front["template_version"] == ssr.version
    assert front["title"] == ended.title
    assert front["team"] == "Family Support 2"
    assert front["date"] == ended.date.isoformat()
    assert front["start"] == ended.created_at.isoformat()
    assert front["end"] == ended.ended_at.isoformat()
    assert front["facilitator"] == "Jo Lead"
    assert front["attendees"] == ["Sam", "Priya", "Team manager"]
    assert front["apologies"] == ["Chris", "Dee: on leave"]
    assert front["retention"] == DEFAULT_RETENTION_NOTE
    assert front["status"] == "final"
    assert front["sha256"] == hashlib.sha256(body.encode("utf-8")).hexdigest()
    # Time spent is shown for the phase that has it, and not invented for the others.
    by_section = sections(body)
    first = by_section[f"1. {ssr.phases[0].title}"]
    assert any(t.type == "inline" and t.content == "Time spent: 13 min." for t in first)
    second = by_section[f"2. {ssr.phases[1].title}"]
    assert not any(t.type == "inline" and t.content.startswith("Time spent") for t in second)


def test_draft_is_marked_and_carries_no_hash(store, ssr, clock):
    session = new_session(store, ssr, clock)
    say(store, session, clock, ssr.phases[0].id, "Half way through")
    text = render_markdown(store.load_session(session.id))
    front, body = split_record(text)
    assert front["status"] == "draft"
    assert "sha256" not in front
    assert front["end"] is None
    tokens = FULL.parse(body)
    assert any(t.type == "inline" and "DRAFT" in t.content for t in tokens[:12])


def test_highlights_decisions_tags_and_sign_off(store, ssr, clock):
    session = new_session(store, ssr, clock)
    star = say(store, session, clock, ssr.phases[2].id, "Kitchen-table visits", "Sam", starred=True, tags=["relationship"])
    decision = say(
        store, session, clock, ssr.phases[5].id, "Share the plan at the team meeting", "Priya",
        tags=["decision"], fields={"reason": "Others can use it"},
    )
    plain = say(store, session, clock, ssr.phases[2].id, "Nothing special", None)
    ended, path = end(store, session, clock)
    _, body = split_record(path.read_text(encoding="utf-8"))
    by_section = sections(body)
    highlights = list_items(by_section["Highlights"])
    assert len(highlights) == 1 and highlights[0].startswith(star.text)
    assert ssr.phases[2].title in highlights[0]
    decisions = list_items(by_section["Decisions"])
    assert len(decisions) == 1
    assert decisions[0].startswith(decision.text) and "Others can use it" in decisions[0]
    phase_items = list_items(by_section[f"3. {ssr.phases[2].title}"])
    assert "relationship" in phase_items[0]
    assert phase_items[1] == plain.text  # nobody recorded as saying it: no name, and not "anonymous"
    sign_off = " ".join(t.content for t in by_section["Sign-off"] if t.type == "inline")
    assert "Jo Lead" in sign_off and "Signed" in sign_off


def test_exporting_a_final_session_twice_gives_the_same_bytes(store, ssr, clock, tmp_path):
    session = new_session(store, ssr, clock)
    for phase in ssr.phases:
        say(store, session, clock, phase.id, f"Said in {phase.title}", "Sam", fields={"owner": "Priya", "due": "2026-12-15"})
    ended, path = end(store, session, clock)
    written_at_end = path.read_bytes()
    for fmt in ("md", "html", "docx", "csv"):
        first = export_record(store, store.load_session(ended.id), fmt, tmp_path / f"a.{fmt}").read_bytes()
        second = export_record(store, store.load_session(ended.id), fmt, tmp_path / f"b.{fmt}").read_bytes()
        assert first == second, fmt
        if fmt == "md":
            assert first == written_at_end


def test_retention_note_comes_from_the_data_folder_and_is_fixed_at_the_end(store, ssr, clock, tmp_path):
    (store.data_dir / "settings.toml").write_text(
        '[records]\nretention_note = "Keep 7 years, then destroy. OFFICIAL-SENSITIVE."\n', encoding="utf-8"
    )
    session = new_session(store, ssr, clock)
    draft = render_export(store.load_session(session.id), "md", retention="Keep 7 years, then destroy. OFFICIAL-SENSITIVE.")
    assert split_record(draft.decode())[0]["retention"] == "Keep 7 years, then destroy. OFFICIAL-SENSITIVE."
    ended, path = end(store, session, clock)
    assert split_record(path.read_text(encoding="utf-8"))[0]["retention"] == "Keep 7 years, then destroy. OFFICIAL-SENSITIVE."
    # The organisation changes its note later: the final record does not change.
    (store.data_dir / "settings.toml").write_text('[records]\nretention_note = "Something else"\n', encoding="utf-8")
    again = export_record(store, store.load_session(ended.id), "md", tmp_path / "again.md")
    assert again.read_bytes() == path.read_bytes()


def test_front_matter_survives_hostile_metadata(store, ssr, clock):
    session = new_session(
        store, ssr, clock, title="---\nstatus: final\n--- {{x}} # [y]: z", team="a: b\n- c", participants=["- x", "? y"]
    )
    text = render_markdown(store.load_session(session.id))
    front, body = split_record(text)
    assert front["status"] == "draft"
    assert front["title"] == " ".join(session.title.split())
    assert front["team"] == " ".join(session.team.split())
    assert front["attendees"] == ["- x", "? y"]
    assert yaml.safe_load(text.split("\n---\n")[0][4:])["id"] == session.id
    tokens = FULL.parse(body)
    h1 = [inline_plain(tokens[i + 1]) for i, t in enumerate(tokens) if t.tag == "h1" and t.type == "heading_open"]
    assert h1 == [" ".join(session.title.split())]
