"""Issue 14: themes count a dropped action as dropped; the digest is final, one line a value, sorted as numbers,
and names no person; minutes in every format from the end screen and the history screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Static

from facilitator.cli import main
from facilitator.record.markdown import split_record
from facilitator.store.actions import change_status
from tests.learning.helpers import load_actions
from facilitator.learning.history import HistoryIndex
from facilitator.tui.screens.themes import ThemesScreen
from tests.conftest import FixedClock, build_app, end_from_the_screen
from tests.learning.helpers import reviewed_session
from tests.learning.helpers import wait_ready


def _actions(store):
    return {a.text: a for a in load_actions(store, HistoryIndex(store).refresh().facts())}


async def test_themes_count_a_dropped_action_as_dropped_not_completed(store, library, clock):
    reviewed_session(store, library, clock, date=dt.date(2026, 1, 10), action="Share plan", owner="Sam")
    reviewed_session(store, library, clock, date=dt.date(2026, 1, 20), action="Ring the school", owner="Jo")
    actions = _actions(store)
    change_status(store, actions["Share plan"], "dropped", dt.date(2026, 2, 3), "no longer needed")
    # Done first, then dropped: it ends dropped, and is not also counted as completed.
    change_status(store, actions["Ring the school"], "done", dt.date(2026, 2, 4))
    change_status(store, _actions(store)["Ring the school"], "dropped", dt.date(2026, 2, 5), "the school rang us")
    app = build_app(store, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("t")
        await wait_ready(pilot)
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "Dropped" in shown
        await pilot.press("w")
        await pilot.pause()
        path = str(screen.query_one("#themes-status", Static).render()).removeprefix("Written: ")
        text = Path(path).read_text(encoding="utf-8")
    table = text.split("## Learning actions opened, completed and dropped", 1)[1]
    assert "| Month | Opened | | Completed | | Dropped | |" in table
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in table.splitlines() if line.startswith("| ") and "20" in line.split("|")[1]}
    assert rows["Jan 2026"][0] == "2" and rows["Jan 2026"][2] == "0"
    assert rows["Feb 2026"][2] == "0" and rows["Feb 2026"][4] == "2"
    assert rows["Feb 2026"][5] == rows["Jan 2026"][1] and "█" in rows["Feb 2026"][5], "dropped has its bar, as opened has"


def test_a_final_digest_lists_running_sessions_apart_and_counts_none_of_them(store, library, clock, data_dir, tmp_path):
    reviewed_session(store, library, clock, date=dt.date(2026, 3, 1), action="Share plan", owner="Team manager")
    running = reviewed_session(store, library, clock, date=dt.date(2026, 3, 2), title="Still going",
                               went_right="Half-agreed idea", action="Not yet agreed", owner="Team manager", finish=False)
    # Another team's draft record in a records folder: listed apart too.
    other = tmp_path / "other"
    other.mkdir()
    assert main(["--data-dir", str(data_dir), "export", running.id, "--format", "md",
                 "--out", str(other / "draft.md")], clock=FixedClock()) == 0
    store.close()
    out = tmp_path / "digest.md"
    assert main(["--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                 "--records", str(other), "--out", str(out)], clock=FixedClock()) == 0
    meta, body = split_record(out.read_text(encoding="utf-8"))
    assert meta["status"] == "final" and meta["sessions"] == 1 and meta["drafts_not_counted"] == 1
    assert "Half-agreed idea" not in body and "Not yet agreed" not in body
    assert "The strength claimed was backed by evidence." in body
    assert "1 learning action: 1 open" in body
    assert "- **Not counted:** 1 session still running (drafts), listed at the end" in body
    assert "- 2 Mar 2026: Still going (Family Support 2)" in body.split("## About this digest", 1)[1]


def test_a_newline_in_another_teams_title_or_team_never_makes_a_heading(library, data_dir, tmp_path):
    import yaml

    from facilitator.store import Store
    from tests.conftest import counter_ids

    other = tmp_path / "other-team"
    other_store = Store(other, clock=FixedClock(), id_factory=counter_ids("o")).open()
    reviewed_session(other_store, library, FixedClock(), team="Fostering", date=dt.date(2026, 4, 1),
                     went_right="Carer and school met weekly")
    other_store.close()
    (record,) = (other / "records").glob("*.md")
    meta, body = split_record(record.read_text(encoding="utf-8"))
    meta["title"] = "Nights\n\n## Injected heading\n"
    meta["team"] = "Fostering\n# Boom"
    record.write_text("---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n" + body, encoding="utf-8")

    out = tmp_path / "digest.md"
    assert main(["digest", "--since", "2026-01-01", "--until", "2026-12-31", "--records", str(other / "records"),
                 "--out", str(out)], clock=FixedClock()) == 0
    text = out.read_text(encoding="utf-8")
    headings = [line for line in split_record(text)[1].splitlines() if line.startswith("#")]
    assert headings == [
        "# Learning digest, 1 January 2026 to 31 December 2026", "## What went right, and the highlights",
        "### 1 Apr 2026: Nights ## Injected heading (Fostering # Boom)", "## Strengths evidenced",
        "## Learning actions and their progress", "## About this digest",
    ]
    meta_out, _ = split_record(text)
    assert meta_out["teams"] == ["Fostering # Boom"]


def test_strength_counts_sort_as_numbers(store, library, clock, data_dir, tmp_path):
    from tests.record.helpers import end, new_session, say

    session = new_session(store, library.get("serious-success-review"), clock, date=dt.date(2026, 5, 1), team="Fostering")
    for text, times, skill in [("Calm voice", 9, "relationships"), ("Child focus", 10, "child focus"),
                               ("Accurate notes", 2, "recording")]:
        for i in range(times):
            say(store, session, clock, "strengths-evidence", text, fields={"evidence": f"seen {i}", "skill": skill})
    end(store, session, clock)
    store.close()
    out = tmp_path / "digest.md"
    assert main(["--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                 "--out", str(out)], clock=FixedClock()) == 0
    body = split_record(out.read_text(encoding="utf-8"))[1].split("## Strengths evidenced", 1)[1]
    rows = [[c.strip() for c in line.split("|")[1:3]] for line in body.split("## Learning", 1)[0].splitlines()
            if line.startswith("| ") and line.split("|")[2].strip().isdigit()]
    assert rows == [["child focus", "10"], ["relationships", "9"], ["recording", "2"],
                    ["Child focus", "10"], ["Calm voice", "9"], ["Accurate notes", "2"]]


def test_the_digest_names_no_person_unless_the_organisation_allows_names(store, library, clock, data_dir, tmp_path, capsys):
    from facilitator.store import Store
    from tests.conftest import counter_ids

    reviewed_session(store, library, clock, date=dt.date(2026, 3, 1), action="Share plan", owner="Sam")
    reviewed_session(store, library, clock, date=dt.date(2026, 3, 2), action="Ring the school", owner="Priya Shah")
    reviewed_session(store, library, clock, date=dt.date(2026, 3, 3), action="Book the room", owner="Team manager")
    reviewed_session(store, library, clock, date=dt.date(2026, 3, 4), action="Pair carers", owner="Jo Lead and SW")
    # Owners who are none of the session's people: a first name alone, a role with a name, a name with a role's word
    # in it, a title with a surname; roles and a replacement from the names list stay as typed.
    for day, (action, owner) in enumerate([("Plan visits", "Kate"), ("Ask police", "DC Hughes and SW Kate"),
                                           ("Check health", "Rachel Nurse"), ("See GP", "Dr. Patel"),
                                           ("Tell the HV", "Health Visitor"), ("Call school", "Jayden's teacher")]):
        reviewed_session(store, library, clock, date=dt.date(2026, 3, 10 + day), action=action, owner=owner)
    store.close()
    # Another team's exported record: its participant "Kim" owns an action.
    other = tmp_path / "other-team"
    other_store = Store(other, clock=FixedClock(), id_factory=counter_ids("o")).open()
    from tests.record.helpers import end, new_session, say
    s = new_session(other_store, library.get("quick-success-huddle"), FixedClock(), team="Fostering",
                    date=dt.date(2026, 3, 5), participants=["Kim", "Duty Team", "Rachel Nurse"])
    actions_phase = next(p.id for p in s.template.phases if p.kind == "actions")
    say(other_store, s, FixedClock(), actions_phase, "Buddy new carers", fields={"owner": "Kim"})
    # one of those present, with a role's word in her name
    say(other_store, s, FixedClock(), actions_phase, "Visit the nursery", fields={"owner": "Rachel Nurse"})
    end(other_store, s, FixedClock())
    other_store.close()

    def digest(name):
        out = tmp_path / name
        assert main(["--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                     "--records", str(other / "records"), "--out", str(out)], clock=FixedClock()) == 0
        meta, body = split_record(out.read_text(encoding="utf-8"))
        owners = {line.split("|")[1].strip(): line.split("|")[2].strip()
                  for line in body.split("## Learning actions and their progress", 1)[1].splitlines()
                  if line.startswith("| ") and "20" in line}
        return meta, body, owners

    meta, body, owners = digest("initials.md")
    assert owners == {"Share plan": "S.", "Ring the school": "P. S.", "Book the room": "Team manager",
                      "Pair carers": "J. L. and SW", "Buddy new carers": "K.", "Plan visits": "K.",
                      "Ask police": "DC H. and SW K.", "Check health": "R. Nurse", "See GP": "Dr. P.",
                      "Tell the HV": "Health Visitor", "Call school": "Child A's teacher",
                      "Visit the nursery": "R. N."}
    for name in ("Kate", "Hughes", "Rachel", "Patel"):
        assert name not in body, name
    assert "Priya" not in body and "Jo Lead" not in body and meta["owners"] == "by role or initials"
    assert "Action owners are shown by their role, or by their initials." in body

    (data_dir / "settings.toml").write_text('[digest]\nowners = "names"\n', encoding="utf-8")
    meta, body, owners = digest("names.md")
    assert owners["Ring the school"] == "Priya Shah" and owners["Buddy new carers"] == "Kim"
    assert meta["owners"] == "by name"

    (data_dir / "settings.toml").write_text('[digest]\nowners = "everyone"\n', encoding="utf-8")
    capsys.readouterr()
    meta, body, owners = digest("wrong.md")
    assert owners["Ring the school"] == "P. S."
    err = capsys.readouterr().err
    assert "[digest] owners is 'everyone'; write \"initials\" or \"names\"" in err and "Traceback" not in err


async def test_the_end_screen_writes_html_word_and_csv_one_key_each_and_shows_where(store, library, clock, data_dir):
    import zipfile

    from facilitator.session_ops import start_session
    from tests.record.helpers import say

    template = library.get("quick-success-huddle")
    session = start_session(store, template, clock=clock, title="Huddle <b>now</b>", participants=["Sam"],
                            ground_rules_agreed=True)
    actions_phase = next(p.id for p in template.phases if p.kind == "actions")
    say(store, session, clock, actions_phase, "Share the [b]plan[/b]", fields={"owner": "Team manager"})
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await end_from_the_screen(pilot)
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "2 HTML" in shown and "3 Word" in shown and "4 CSV" in shown
        for key in ("2", "3", "4"):
            await pilot.press(key)
            await pilot.pause()
        lines = str(screen.query_one("#ended-formats", Static).render()).splitlines()
        assert [line.split(" written: ")[0] for line in lines] == ["HTML", "Word", "CSV"]
        paths = {line.split(" written: ")[0]: Path(line.split(" written: ")[1]) for line in lines}
        await pilot.press("2")  # again: listed once, the same file
        await pilot.pause()
        assert len(str(screen.query_one("#ended-formats", Static).render()).splitlines()) == 3
    record = screen.record_path
    for path in paths.values():
        assert path.parent == record.parent and path.name.startswith(record.stem)  # beside the record, named as it is
    assert "<!DOCTYPE html>" in paths["HTML"].read_text(encoding="utf-8")
    assert zipfile.ZipFile(paths["Word"]).testzip() is None
    assert "Share the [b]plan[/b]" in paths["CSV"].read_bytes().decode("utf-8-sig")
    # The same bytes as `facilitator export` writes.
    store.close()
    out = data_dir.parent / "again.html"
    assert main(["--data-dir", str(data_dir), "export", session.id, "--format", "html", "--out", str(out)],
                clock=FixedClock()) == 0
    assert out.read_bytes() == paths["HTML"].read_bytes()


async def test_at_80x24_the_end_screen_shows_the_last_format_written(store, library, clock, data_dir):
    """A Serious Success Review's seven phases fill the end screen at 24 rows: the Word and CSV lines written with
    3 and 4 were below its bottom edge, where nothing scrolled to them."""
    from facilitator.session_ops import start_session

    session = start_session(store, library.get("serious-success-review"), clock=clock, title="Review",
                            ground_rules_agreed=True)
    app = build_app(store, clock, open_session_id=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await end_from_the_screen(pilot)
        for key, what in (("2", "HTML"), ("3", "Word"), ("4", "CSV")):
            await pilot.press(key)
            await pilot.pause()
            await pilot.pause()
            assert f"{what}&#160;written:" in app.export_screenshot(), what  # on screen


async def test_the_history_screens_write_key_asks_the_format(store, library, clock, data_dir):
    from facilitator.tui.screens.dialogs import FormatChoiceScreen
    from facilitator.tui.screens.history import HistoryScreen

    reviewed_session(store, library, clock, date=dt.date(2026, 3, 1), title="Nights [b]review[/b]")
    app = build_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        screen.query_one("#history-sessions").focus()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, FormatChoiceScreen)
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "Nights [b]review[/b]" in shown and "3  Word" in shown
        await pilot.press("3")
        await pilot.pause()
        assert app.screen is screen
        status = str(screen.query_one("#history-status", Static).render())
        assert status.startswith("Word written: ") and status.endswith(".docx")
        assert Path(status.removeprefix("Word written: ")).is_file()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert str(screen.query_one("#history-status", Static).render()) == "Nothing written."


def test_the_digest_shows_the_sessions_people_named_in_what_was_said_by_their_initials(library, data_dir, tmp_path):
    """The presenting worker stays anonymous in anything shared outside the room: "Sam kept going back" reached the
    digest as said, in what went right, the strengths and the actions, from the data folder and from records.
    A role owner ("Business support", "Ward clerk") is no name."""
    from facilitator.store import Store
    from tests.conftest import counter_ids
    from tests.record.helpers import end, new_session, say

    def held(folder, prefix, day):
        store = Store(folder, clock=FixedClock(), id_factory=counter_ids(prefix)).open()
        s = new_session(store, library.get("serious-success-review"), FixedClock(), team=f"Team {prefix}",
                        date=day, participants=["Sam Patel", "Priya Shah", "Team manager"])
        say(store, s, FixedClock(), "what-went-right", "Sam kept going back even after three missed visits", "Priya Shah")
        s = store.load_session(s.id)
        say(store, s, FixedClock(), "strengths-evidence", "SAM'S persistence", "Priya Shah",
            fields={"evidence": "Priya saw Sam Patel's notes"})
        s = store.load_session(s.id)
        say(store, s, FixedClock(), "learning-actions", "Sam to show Priya the visit plan", "Sam Patel",
            fields={"owner": "Business support (Kate Morris)"})
        s = store.load_session(s.id)
        say(store, s, FixedClock(), "learning-actions", "Keep the diary", fields={"owner": "Ward clerk"})
        end(store, store.load_session(s.id), FixedClock())
        store.close()

    held(data_dir, "a", dt.date(2026, 3, 1))
    other = tmp_path / "other-team"
    held(other, "b", dt.date(2026, 3, 2))

    def digest(name):
        out = tmp_path / name
        assert main(["--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                     "--records", str(other / "records"), "--out", str(out)], clock=FixedClock()) == 0
        return split_record(out.read_text(encoding="utf-8"))[1]

    body = digest("initials.md")
    for name in ("Sam", "SAM", "Priya", "Patel", "Kate", "Morris"):
        assert name not in body, name
    assert body.count("S. kept going back even after three missed visits") == 2
    assert "S.'S persistence" in body and "P. saw S. P.'s notes" in body
    assert body.count("S. to show P. the visit plan") == 2
    assert body.count("Business support (K. M.)") == 2 and body.count("| Ward clerk |") == 2

    (data_dir / "settings.toml").write_text('[digest]\nowners = "names"\n', encoding="utf-8")
    body = digest("names.md")
    assert "Sam kept going back" in body and "Business support (Kate Morris)" in body


def test_a_participant_who_is_a_role_with_a_services_short_name_is_no_person_in_the_digest(library, data_dir, tmp_path):
    """"EDT manager" among those present read "E. M." in the digest, as owner and wherever it was said, and every
    "EDT" said in the session became "E.": the emergency duty team's manager is a role, as "Team manager" is. The
    session's people are still shown by their initials."""
    from facilitator.store import Store
    from tests.conftest import counter_ids
    from tests.record.helpers import end, new_session, say

    store = Store(data_dir, clock=FixedClock(), id_factory=counter_ids("e")).open()
    s = new_session(store, library.get("serious-success-review"), FixedClock(), team="Team E",
                    date=dt.date(2026, 3, 1), participants=["Sam Patel", "EDT manager", "CAMHS worker",
                                                            "Personal adviser"])
    say(store, s, FixedClock(), "what-went-right", "EDT rang Sam at midnight and the CAMHS worker came", "EDT manager")
    s = store.load_session(s.id)
    say(store, s, FixedClock(), "learning-actions", "Share the night plan with EDT", "Sam Patel",
        fields={"owner": "EDT manager"})
    # (a leaving-care team's personal adviser: "P. A." told the reader nothing)
    s = store.load_session(s.id)
    say(store, s, FixedClock(), "learning-actions", "Book the budgeting course", "Sam Patel",
        fields={"owner": "Personal adviser"})
    end(store, store.load_session(s.id), FixedClock())
    store.close()

    out = tmp_path / "digest.md"
    assert main(["--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                 "--out", str(out)], clock=FixedClock()) == 0
    body = split_record(out.read_text(encoding="utf-8"))[1]
    assert "EDT rang S. at midnight and the CAMHS worker came" in body
    assert "| EDT manager |" in body and "E. M." not in body and "C. W." not in body
    assert "| Personal adviser |" in body and "P. A." not in body
    assert "Sam" not in body and "Patel" not in body


def test_a_turn_passed_in_a_round_is_not_listed_as_what_went_right(library, data_dir, tmp_path):
    """An appreciative inquiry's Discovery round: Priya passed. The digest listed "- pass" under what went right
    (the record says "Priya Shah: passed")."""
    from facilitator.store import Store
    from tests.record.helpers import end, new_session, say

    clock = FixedClock()
    store = Store(data_dir, clock=clock).open()
    session = new_session(store, library.get("appreciative-inquiry"), clock, date=dt.date(2026, 5, 1), team="Fostering")
    say(store, session, clock, "discovery", "The family's own plan held all summer", "Sam Jones")
    say(store, session, clock, "discovery", "pass", "Priya Shah", fields={"turn": "pass"})
    end(store, session, clock)
    store.close()
    out = tmp_path / "digest.md"
    assert main(["--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                 "--out", str(out)], clock=clock) == 0
    body = split_record(out.read_text(encoding="utf-8"))[1]
    went_right = body.split("## What went right, and the highlights", 1)[1].split("\n## ", 1)[0]
    assert "The family's own plan held all summer" in went_right
    assert "pass" not in went_right.replace("passed", ""), went_right


def test_a_person_of_the_session_named_without_their_accent_is_shown_by_initials_in_the_digest(library, data_dir, tmp_path):
    """With "Zoë Ó Dálaigh" at the session, "Zoe (aunt) helped" reached the digest as said: her first name typed
    without its accent, as phones type it, was not taken for hers."""
    from facilitator.store import Store
    from tests.record.helpers import end, new_session, say

    store = Store(data_dir, clock=FixedClock()).open()
    s = new_session(store, library.get("serious-success-review"), FixedClock(), team="Team Z", date=dt.date(2026, 3, 1),
                    participants=["Zoë Ó Dálaigh", "Siân Jones"])
    say(store, s, FixedClock(), "what-went-right", "Zoe rang back the same day, and Sian wrote it up", "Siân Jones")
    end(store, store.load_session(s.id), FixedClock())
    store.close()
    out = tmp_path / "digest.md"
    assert main(["--data-dir", str(data_dir), "digest", "--since", "2026-01-01", "--until", "2026-12-31",
                 "--out", str(out)], clock=FixedClock()) == 0
    body = split_record(out.read_text(encoding="utf-8"))[1]
    assert "Z. rang back the same day, and S. wrote it up" in body, body
    assert "Zoe" not in body and "Sian" not in body
