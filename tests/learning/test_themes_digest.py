"""Themes across sessions, and the organisation digest (from the data folder and from exported records)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from textual.widgets import Static

from facilitator.cli import main
from facilitator.record.markdown import split_record
from facilitator.session_ops import export_record
from facilitator.store import Store
from facilitator.store.actions import change_status, read_changes
from tests.learning.helpers import compute_themes, load_actions, wait_ready
from facilitator.learning.history import HistoryIndex
from facilitator.tui.screens.themes import ThemesScreen
from tests.conftest import FixedClock, build_app, counter_ids, screen_text
from tests.learning.helpers import reviewed_session
from tests.record.helpers import new_session, say, end, sections, list_items


def _history(store, library, clock):
    reviewed_session(store, library, clock, date=dt.date(2026, 1, 10), skill="collaboration", action="Share plan", owner="Sam")
    reviewed_session(store, library, clock, date=dt.date(2026, 2, 10), skill="child focus", action="Ring the school", owner="Priya")
    reviewed_session(store, library, clock, date=dt.date(2026, 3, 10), skill="child focus", action="Write it up", owner="Jo")
    sos = new_session(store, library.get("signs-of-safety-group-supervision"), clock, date=dt.date(2026, 3, 12), team="Fostering")
    say(store, sos, clock, "scaling", "Safer than last month", fields={"rating": "6"})
    say(store, sos, clock, "scaling", "Still worried about nights", fields={"rating": "4"})
    end(store, sos, clock)
    actions = {a.text: a for a in load_actions(store, HistoryIndex(store).refresh().facts())}
    change_status(store, actions["Share plan"], "done", dt.date(2026, 3, 1))


def test_themes_count_skills_strengths_actions_and_ratings(store, library, clock):
    _history(store, library, clock)
    index = HistoryIndex(store).refresh()
    themes = compute_themes(index.facts(), read_changes(store))
    assert {t.tag: t.count for t in themes.tags} == {"child focus": 2, "collaboration": 1}
    child_focus = next(t for t in themes.tags if t.tag == "child focus")
    assert child_focus.by_month == {"2026-02": 1, "2026-03": 1} and child_focus.trend == "up"
    assert [(s.text, s.count) for s in themes.strengths] == [("Child focus", 3)]
    months = {m.month: (m.opened, m.completed) for m in themes.actions}
    assert months == {"2026-01": (1, 0), "2026-02": (1, 0), "2026-03": (1, 1)}
    assert [(r.month, r.count, r.mean) for r in themes.ratings] == [("2026-03", 2, 5.0)]
    only = compute_themes(index.facts(), read_changes(store), team="fostering")
    assert only.sessions == 1 and not only.tags


async def test_themes_screen_shows_bars_and_writes_markdown(store, library, clock, data_dir):
    _history(store, library, clock)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("t")
        await wait_ready(pilot)
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "child focus" in shown and "█" in shown and "Strengths most often evidenced" in shown
        await pilot.press("w")
        await pilot.pause()
        status = str(screen.query_one("#themes-status", Static).render())
        path = status.removeprefix("Written: ")
        text = Path(path).read_text(encoding="utf-8")
        assert "## Strengths most often evidenced" in text and "| Child focus | 3 |" in text
        assert "| Mar 2026 | 1 |" in text


def test_digest_command_from_the_data_folder(store, library, clock, data_dir, tmp_path, capsys):
    _history(store, library, clock)
    store.close()
    out = tmp_path / "digest.md"
    code = main(["--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                 "--out", str(out)], clock=FixedClock())
    assert code == 0 and capsys.readouterr().out.strip() == str(out)
    text = out.read_text(encoding="utf-8")
    meta, body = split_record(text)
    assert meta["kind"] == "learning-digest" and meta["sessions"] == 4
    parts = sections(body)
    assert "Visits at Child A's kitchen table" in list_items(parts["What went right, and the highlights"])
    # Service users' names replaced, safeguarding concerns and speakers left out.
    assert "Jayden" not in text and "SECRET" not in text and "Priya:" not in text
    assert "All 3 strengths claimed were backed by evidence." in body
    actions = body.split("## Learning actions and their progress", 1)[1]
    assert "| Share plan | S. | 2026-10-01 | Family Support 2 | A1 of 2026-01-10 | done (2026-03-01) |" in actions
    assert "3 learning actions: 2 open, 1 done" in actions

    code = main(["--data-dir", str(data_dir), "digest", "--since", "2026-03-01", "--team", "fostering",
                 "--format", "html", "--out", str(tmp_path / "d.html")], clock=FixedClock())
    html = (tmp_path / "d.html").read_text(encoding="utf-8")
    assert code == 0 and html.startswith("<!DOCTYPE html>") and "Fostering" in html and "Ring the school" not in html
    # --data-dir after the command, as people often write it, is the same data folder.
    code = main(["digest", "--since", "2026-03-01", "--team", "fostering", "--data-dir", str(data_dir),
                 "--format", "html", "--out", str(tmp_path / "after.html")], clock=FixedClock())
    assert code == 0 and (tmp_path / "after.html").read_text(encoding="utf-8") == html


def test_digest_combines_other_teams_exported_records(store, library, clock, data_dir, tmp_path, capsys):
    # Another team's data folder: two sessions, the second reviewing the first's action; records exported.
    other = tmp_path / "other-team"
    other_store = Store(other, clock=FixedClock(), id_factory=counter_ids("o")).open()
    lib = library
    first = reviewed_session(other_store, lib, FixedClock(), team="Fostering", date=dt.date(2026, 4, 1),
                             action="Buddy new carers", owner="Kim", went_right="Carer and school met weekly")
    second = new_session(other_store, lib.get("quick-success-huddle"), FixedClock(), team="Fostering", date=dt.date(2026, 5, 1))
    (action,) = load_actions(other_store, HistoryIndex(other_store).refresh().facts())
    second = change_status(other_store, action, "in progress", dt.date(2026, 5, 1), "two paired so far", session=second).session
    end(other_store, second, FixedClock())
    other_store.close()

    # The other team's own digest and themes summary, written into its records folder by the app, as it does.
    assert main(["--data-dir", str(other), "digest", "--since", "2026-01-01", "--until", "2026-12-31"],
                clock=FixedClock()) == 0
    (other / "records" / "themes-all-teams-2026-05-01.md").write_text("# Themes across sessions\n", encoding="utf-8")

    _history(store, library, clock)
    store.close()
    out = tmp_path / "all.md"
    code = main(["--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                 "--records", str(other / "records"), "--out", str(out)], clock=FixedClock())
    assert code == 0
    # (they are not records: a digest of the folder called them damaged records, and counted them left out)
    assert not [line for line in capsys.readouterr().err.splitlines() if "left out" in line]
    meta, body = split_record(out.read_text(encoding="utf-8"))
    assert meta["teams"] == ["Family Support 2", "Fostering"] and meta["sessions"] == 6
    assert "Carer and school met weekly" in list_items(sections(body)["What went right, and the highlights"])
    assert "| Buddy new carers | K. | 2026-10-01 | Fostering | A1 of 2026-04-01 | in progress (2026-05-01), overdue | two paired so far |" in body
    assert "Jayden" not in body and "SECRET" not in body
    assert first.id not in body  # no internal ids, the session is named by its date


def test_a_records_digest_names_each_file_it_left_out(store, library, clock, data_dir, tmp_path, capsys):
    """Someone combining twenty teams' folders can tell whose record is missing: each file the digest could not
    use is named on stderr with why (the digest itself only counted them). A record whose team was edited into a
    list is one of them, not a team called "['a', 'list']"."""
    reviewed_session(store, library, clock, team="Fostering", date=dt.date(2026, 4, 1), title="Good one")
    store.close()
    records = data_dir / "records"
    good = next(records.glob("*.md"))
    text = good.read_text(encoding="utf-8")
    (records / "cut.md").write_text(text[:40], encoding="utf-8")
    (records / "junk.md").write_bytes(b"\xff\xfe\x00J\x00a" * 50)
    (records / "team-list.md").write_text(text.replace("team: Fostering", "team:\n- a\n- list"), encoding="utf-8")
    out = tmp_path / "all.md"
    code = main(["--data-dir", str(tmp_path / "manager"), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                 "--records", str(records), "--out", str(out)], clock=FixedClock())
    assert code == 0
    err = capsys.readouterr().err
    assert f"{records / 'cut.md'} was left out of the digest: it is not a session record" in err
    assert f"{records / 'junk.md'} was left out of the digest: it is not UTF-8 text" in err
    assert f"{records / 'team-list.md'} was left out of the digest" in err
    assert str(good) not in err
    meta, body = split_record(out.read_text(encoding="utf-8"))
    assert meta["teams"] == ["Fostering"] and meta["sessions"] == 1
    assert "3 files in the records folders were not" in body


def test_a_digest_for_a_team_never_met_says_so_instead_of_saying_it_met_nobody(store, library, clock, data_dir, capsys):
    reviewed_session(store, library, clock, team="Fostering", date=dt.date(2026, 4, 1))
    reviewed_session(store, library, clock, team="Family Support 2", date=dt.date(2026, 4, 2))
    store.close()
    args = ["--data-dir", str(data_dir), "digest", "--since", "2025-01-01", "--until", "2026-12-31"]
    assert main([*args, "--team", "Fosterin"], clock=FixedClock()) == 1
    err = capsys.readouterr().err
    assert err == ("facilitator: No session was ever held for a team called 'Fosterin'; the teams are: "
                   "Family Support 2, Fostering.\n")
    assert main([*args, "--team", "fostering"], clock=FixedClock()) == 0


def test_digest_errors_are_one_sentence(data_dir, tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path / "none"), "digest", "--since", "2026-01-01"]) == 1
    assert "There is no data folder" in capsys.readouterr().err
    (tmp_path / "d").mkdir()
    assert main(["--data-dir", str(tmp_path / "d"), "digest", "--since", "1 Jan"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("facilitator: --since:") and "is not a date; write it as day/month/year or year-month-day" in err and "Traceback" not in err


def test_an_action_status_written_in_a_teams_own_words_is_not_overdue_and_does_not_stop_the_digest():
    from facilitator.learning.digest import ActionProgress
    from facilitator.learning.records import DigestAction

    fields = {f: "" for f in DigestAction.__dataclass_fields__}
    action = DigestAction(**{**fields, "due": "2026-01-01"})
    assert ActionProgress(action, "Done ✓").overdue(dt.date(2026, 6, 1)) is False
    assert ActionProgress(action, "open").overdue(dt.date(2026, 6, 1)) is True


async def test_team_names_in_the_filter_lists_are_shown_as_typed_never_as_markup(store, library, clock):
    from textual.widgets import Select

    from facilitator.tui.screens.themes import ThemesScreen
    from tests.conftest import build_app

    reviewed_session(store, library, clock, team="North [/b] team", date=dt.date(2026, 3, 1))
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("t")
        await wait_ready(pilot)
        assert isinstance(app.screen, ThemesScreen)
        await pilot.click("#themes-team")  # the list is drawn when opened
        await pilot.pause()
        assert isinstance(app.screen, ThemesScreen)
        overlay = app.screen.query_one("#themes-team", Select).query_one("SelectOverlay")
        prompts = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
        assert "North [/b] team" in prompts


def test_a_teams_two_sessions_of_one_day_have_their_actions_told_apart_in_the_digest(store, library, clock, data_dir, tmp_path):
    reviewed_session(store, library, clock, date=dt.date(2026, 4, 1), title="Morning huddle", action="Share the plan")
    reviewed_session(store, library, clock, date=dt.date(2026, 4, 1), title="Afternoon review", action="Ring the school")
    reviewed_session(store, library, clock, date=dt.date(2026, 4, 2), title="Next day", action="Visit Dad")
    store.close()
    out = tmp_path / "d.md"
    assert main(["--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                 "--out", str(out)], clock=FixedClock()) == 0
    body = out.read_text(encoding="utf-8")
    assert "| A1 of 2026-04-01, Morning huddle |" in body and "| A1 of 2026-04-01, Afternoon review |" in body
    assert "| A1 of 2026-04-02 |" in body  # one session that day: its date is enough


async def test_themes_say_a_decision_tag_is_not_counted_where_it_is_the_only_tag(store, library, clock):
    """A contribution tagged "decision" (t on it, in an After Action Review) and the themes said "No tags or practice
    skills were recorded", as if the tag had been lost; the decision tag marks a decision in the record only."""
    aar = new_session(store, library.get("after-action-review"), clock, date=dt.date(2026, 3, 12))
    phase = aar.template.phases[-1].id
    say(store, aar, clock, phase, "We agreed to check contact details first", tags=["decision"])
    end(store, aar, clock)
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("t")
        await wait_ready(pilot)
        assert "a “decision” tag marks a decision in its record and is not counted here" in " ".join(screen_text(app).split())


def test_a_digest_of_a_period_without_sessions_says_so_plainly(store, library, clock, data_dir, tmp_path, capsys):
    """A digest of a month with no session said "No strengths claimed were backed by evidence." (as if strengths had
    been claimed without it), and, with a session still running, "No sessions were held in this period." above the
    session listed as running."""
    _history(store, library, clock)
    running = new_session(store, library.get("quick-success-huddle"), clock, date=dt.date(2026, 10, 5), team="Fostering")
    say(store, running, clock, "the-story", "A placement held together")
    store.close()
    out = tmp_path / "digest.md"
    assert main(["--data-dir", str(data_dir), "digest", "--since", "2026-10-01", "--until", "2026-10-31",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    body = split_record(out.read_text(encoding="utf-8"))[1]
    assert "backed by evidence" not in body and "No strengths were recorded." in body, body
    assert "No sessions were held" not in body
    assert "No session of this period has ended (those still running are listed at the end)." in body, body
