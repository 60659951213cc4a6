"""A name on the session's list never reaches `facilitator export` (markdown, HTML, Word, CSV) or
`facilitator digest`, whatever field it was typed in and however it was spelled; safeguarding concerns never
reach them either."""

from __future__ import annotations

import csv
import io

import pytest

from facilitator.cli import main
from facilitator.session_ops import record_contribution

from .helpers import FIELDS, assert_no_leaks, digest, export_all, leaks, readings, session_with

NAMES = {"Jayden": "Child A", "Zoë Smith": "Mother"}

# How a name may be typed: as on the list, in capitals, with a combining diaeresis (e + U+0308) instead of
# ë, in full-width letters, with a zero-width space, a soft hyphen or a word joiner inside, with a no-break
# space between its words, with a control character inside (which every output leaves out).
SPELLINGS = {
    "as listed": lambda name: name,
    "capitals": lambda name: name.upper(),
    "combining marks": lambda name: name.replace("ë", "e\u0308"),
    "full-width": lambda name: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name),
    "zero-width space": lambda name: name[:2] + "\u200b" + name[2:],
    "soft hyphen": lambda name: name[:3] + "\u00ad" + name[3:],
    "word joiner": lambda name: name[:1] + "\u2060" + name[1:],
    "no-break space": lambda name: name.replace(" ", "\u00a0"),
    # In stored data only (typing strips them): a file made by hand, or recorded before they were stripped.
    "a control character inside": lambda name: name[:2] + "\x01" + name[2:],
    "a delete character inside": lambda name: name[:3] + "\x7f" + name[3:],
    # A phone's keyboard often leaves accents off, or puts one on: "Zoe" for "Zoë", "Jáyden" for "Jayden".
    "accents left off": lambda name: name.replace("ë", "e"),
    "an accent put on": lambda name: name.replace("a", "á", 1),
    # A name's words run together, or a dot or a slash between them ("ZoëSmith", "zoe.smith@", "Zoë/Smith").
    "words run together": lambda name: name.replace(" ", ""),
    "a dot between words": lambda name: name.replace(" ", "."),
    "a slash between words": lambda name: name.replace(" ", "/"),
}


def _outputs(data_dir, session_id, tmp_path) -> dict[str, bytes | str]:  # noqa: ANN001
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    outputs: dict[str, bytes | str] = {f"export:{fmt}": data for fmt, data in export_all(data_dir, session_id, out).items()}
    outputs["digest:md"] = digest(data_dir, out, "md")
    outputs["digest:html"] = digest(data_dir, out, "html")
    return outputs


def _outputs_of_typed(store, library, clock, data_dir, tmp_path, typed: list[str], names) -> dict[str, bytes | str]:  # noqa: ANN001, PLR0913
    """Every export and the digest of a session whose fields hold ``typed`` in turn, with this names list."""
    session = session_with(store, library, clock, lambda field: typed[FIELDS.index(field) % len(typed)], names)
    store.close()
    return _outputs(data_dir, session.id, tmp_path)


def _readings(outputs: dict[str, bytes | str]):  # noqa: ANN202
    """(what, text) for each output as it is read (a Word file's paragraphs and tables, an HTML page's text, ...)."""
    for what, data in outputs.items():
        for reading in readings(what.split(":")[-1], data.encode("utf-8") if isinstance(data, str) else data):
            yield what, reading


def _clean_outputs(store, library, clock, data_dir, tmp_path, spell, names) -> dict[str, bytes | str]:  # noqa: ANN001
    """Every export and the digest of a session whose every field is ``spell(field)``, with this names list, each
    checked for a listed name left in it."""
    session = session_with(store, library, clock, spell, names)
    store.close()
    outputs = _outputs(data_dir, session.id, tmp_path)
    assert_no_leaks(outputs, names)
    return outputs


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_no_listed_name_in_any_export_or_the_digest_however_spelled(store, library, clock, data_dir, tmp_path, spelling):
    spell = SPELLINGS[spelling]
    session = session_with(store, library, clock, lambda field: spell(["Jayden", "Zoë Smith"][FIELDS.index(field) % 2]), NAMES)
    store.close()
    outputs = _outputs(data_dir, session.id, tmp_path)
    assert_no_leaks(outputs, NAMES)

    # What each name became is there, in the fields that held them.
    md = outputs["export:md"].decode()
    assert "Review of Child A" in md and "Team Mother" in md
    rows = list(csv.DictReader(io.StringIO(outputs["export:csv"].decode("utf-8-sig"))))
    assert [(r["Action"], r["Owner"], r["Due"], r["Who hears about it"]) for r in rows] == [
        ("Ring Mother's school", "Sam and Child A", "when Mother is back", "Child A's teacher")
    ]
    assert "when Mother is back" in outputs["digest:md"] and "waiting for Child A" in outputs["digest:md"]


def test_a_possessive_typed_without_its_apostrophe_is_replaced_everywhere(store, library, clock, data_dir, tmp_path):
    """"Jaydens mum", typed fast without the apostrophe, reached every output whole: the name is replaced there too,
    as "Child A's"."""
    session = session_with(store, library, clock, lambda field: ["Jaydens", "Zoë Smiths"][FIELDS.index(field) % 2], NAMES)
    store.close()
    outputs = _outputs(data_dir, session.id, tmp_path)
    assert_no_leaks(outputs, NAMES)
    assert "Review of Child A's" in outputs["export:md"].decode()


def test_a_plurals_possessive_gets_no_second_apostrophe(store, library, clock, data_dir, tmp_path):
    """"the Smiths' house" read "the Family F's' house" in every output: the plural's own apostrophe is kept and
    no other put in ("the Family Fs' house"), as "Jaydens mum" still gets one ("Child A's mum")."""
    names = {"Jayden": "Child A", "Smith": "Family F"}
    session = session_with(store, library, clock, lambda field: ["the Smiths'", "Jaydens"][FIELDS.index(field) % 2], names)
    store.close()
    outputs = _outputs(data_dir, session.id, tmp_path)
    assert_no_leaks(outputs, names)
    md = outputs["export:md"].decode()
    assert "Review of the Family Fs'" in md and "Team Child A's" in md
    assert not any("F's'" in (o if isinstance(o, str) else o.decode("utf-8", "replace")) for o in outputs.values())


def test_a_possessive_typed_in_capitals_reads_as_one_after_the_replacement(store, library, clock, data_dir, tmp_path):
    """"JAYDEN'S bag" read "Child A'S bag" in every output (and "JAYDENS", "Child A'S"): after a replacement not in
    capitals, the possessive's "S" is "s"."""
    session = session_with(store, library, clock, lambda field: ["JAYDEN'S", "JAYDENS"][FIELDS.index(field) % 2], NAMES)
    store.close()
    outputs = _outputs(data_dir, session.id, tmp_path)
    assert_no_leaks(outputs, NAMES)
    md = outputs["export:md"].decode()
    assert "Review of Child A's" in md and "Team Child A's" in md
    assert not any("A'S" in (o if isinstance(o, str) else o.decode("utf-8", "replace")) for o in outputs.values())


def test_a_hyphen_or_an_apostrophe_in_a_name_typed_as_people_type_it_is_replaced_everywhere(
    store, library, clock, data_dir, tmp_path,
):
    """"Lily-Mae" typed "Lilymae", "#LilyMae", "Lily.Mae", "Lily/Mae" or "lilymaes bag", and "O'Brien" typed
    "O Brien" or "O.Brien", reached the record, the HTML, the Word file, the CSV and the digest as typed."""
    names = {"Lily-Mae": "Child L", "O'Brien": "Family B"}
    typed = ["Lilymae", "#LilyMae", "O Brien", "Lily.Mae", "Lily/Mae", "lilymaes bag", "O.Brien"]
    outputs = _outputs_of_typed(store, library, clock, data_dir, tmp_path, typed, names)
    for what, reading in _readings(outputs):
        left = [t for t in ("lilymae", "lily.mae", "lily/mae", "o brien", "o.brien") if t in reading.casefold()]
        assert not left, f"{left} in the {what} output: {reading[:2000]!r}"
    md = outputs["export:md"].decode()
    assert "Child L" in md and "Family B" in md and "#Child L" in md and "Child L's bag" in md


def test_a_name_listed_capital_only_is_replaced_everywhere_it_has_its_capital_and_the_word_left(
    store, library, clock, data_dir, tmp_path,
):
    """"Hope (capital only) -> Child D": "Hope", "HOPE", "Hope's", a full-width "Ｈope" and "Hope" in a text with
    letters outside ASCII (read another way) are replaced in every output; the word "hope" is left as said."""
    names = {"Hope (capital only)": "Child D"}
    typed = ["Hope", "HOPE came", "Hope's mum", "Ｈope", "Zoë met Hope", "we hope so", "Hopes bag"]
    outputs = _outputs_of_typed(store, library, clock, data_dir, tmp_path, typed, names)
    for what, reading in _readings(outputs):
        left = [t for t in ("Hope", "HOPE", "Ｈope") if t in reading]
        assert not left, f"{left} in the {what} output: {reading[:2000]!r}"
    md = outputs["export:md"].decode()
    assert "Child D came" in md and "Child D's mum" in md and "Zoë met Child D" in md and "we hope so" in md


def test_every_field_is_covered(store, library, clock, data_dir, tmp_path):
    """One name per field, each a different name: a field left out would show its own name."""
    names = {f"Name{chr(65 + n)}x": f"Person {n}" for n in range(len(FIELDS))}
    of_field = dict(zip(FIELDS, names))
    session = session_with(store, library, clock, lambda field: of_field[field], names)
    store.close()
    outputs = _outputs(data_dir, session.id, tmp_path)
    # The outputs do show these fields: each name is there before its list is applied...
    stored = "\n".join(readings("md", outputs["export:md"]))
    assert not leaks(stored, names)
    assert_no_leaks(outputs, names)


def test_a_name_split_across_two_contributions_breaks_nothing(store, library, clock, data_dir, tmp_path):
    names = {"Mary Ann": "Mother"}
    session = session_with(store, library, clock, lambda field: "Mary Ann", names, end=False)
    # "... Mary" / "Ann ..." in two contributions, in the phases the digest and the actions read.
    record_contribution(store, session, "Talked with Mary", "Sam", clock)
    record_contribution(store, session, "Ann came too", "Sam", clock)
    from facilitator.session_ops import end_session

    session, _ = end_session(store, store.load_session(session.id), clock)
    store.close()
    outputs = _outputs(data_dir, session.id, tmp_path)
    assert_no_leaks(outputs, names)
    md = outputs["export:md"].decode()
    assert "Talked with Mary" in md and "Ann came too" in md  # not a name on its own: left as said


def test_safeguarding_concerns_never_reach_an_export_or_the_digest(store, library, clock, data_dir, tmp_path):
    session = session_with(store, library, clock, lambda field: "Jayden", NAMES, end=False)
    for phase_id in ("case-story", "learning-actions", "strengths-evidence"):
        from facilitator.session_ops import go_to_phase

        session.current_phase = go_to_phase(store, session, session.template.phase_index(phase_id)).current_phase
        record_contribution(
            store, session, f"UNIQUE-CONCERN in {phase_id}: bruise seen", "Priya", clock, safeguarding=True,
            starred=True, tags=["decision"], fields={"owner": "UNIQUE-OWNER", "due": "2026-11-23", "evidence": "UNIQUE-EVIDENCE"},
        )
    from facilitator.session_ops import end_session

    session, _ = end_session(store, store.load_session(session.id), clock)
    assert sum(c.safeguarding for c in store.load_session(session.id).contributions) == 3  # still kept
    store.close()
    outputs = _outputs(data_dir, session.id, tmp_path)
    for what, data in outputs.items():
        for reading in readings(what.split(":")[-1], data.encode() if isinstance(data, str) else data):
            for word in ("UNIQUE-CONCERN", "UNIQUE-OWNER", "UNIQUE-EVIDENCE", "bruise"):
                assert word not in reading, (what, word)
    # The CSV lists the learning actions phase, where one of the concerns was flagged: only the real action.
    rows = list(csv.DictReader(io.StringIO(outputs["export:csv"].decode("utf-8-sig"))))
    assert [r["Action"] for r in rows] == ["Ring Child A's school"]


def test_a_name_found_in_a_spelling_that_folds_to_no_listed_name_is_still_replaced(store, library, clock, data_dir,
                                                                                   tmp_path):
    """Ignoring case, regular expressions take "ı", "i" and "I" as one letter (case folding does not): "Yildiz
    Ali" is found as the listed "Yıldız Ali". It is replaced as that name, not left as typed with the listed
    "Ali" inside it."""
    names = {"Yıldız Ali": "the parent", "Ali": "Child B"}
    outputs = _clean_outputs(store, library, clock, data_dir, tmp_path, lambda field: "Yildiz Ali", names)
    assert "Review of the parent" in outputs["export:md"].decode()


def test_facilitator_sessions_list_shows_titles_with_the_names_list_applied(store, library, clock, data_dir, capsys):
    """`facilitator sessions list`, typed at a terminal that may be the one projected: each session's title as the
    home screen lists it."""
    from facilitator.cli import main

    ended = session_with(store, library, clock, lambda field: "Jayden", NAMES)
    running = session_with(store, library, clock, lambda field: "Zoë Smith", NAMES, end=False)
    store.close()
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "sessions", "list"]) == 0
    listed = capsys.readouterr().out
    assert not leaks(listed, NAMES)
    assert f"{ended.id}\t2026-11-20\t" in listed and "\tReview of Child A\tended" in listed
    assert f"{running.id}\t" in listed and "\tReview of Mother\trunning" in listed


def test_every_field_in_a_phase_the_template_no_longer_has_is_covered_and_concerns_stay_out(
    store, library, clock, data_dir, tmp_path
):
    """Every contribution of a session with a name in each field moved into a phase its template lacks (a file from
    another version), that phase named with a listed name too: the record lists them in its closing section, the
    action register and the digest count them, and no listed name nor safeguarding concern reaches any of them."""
    from facilitator.session_ops import end_session, go_to_phase

    from .helpers import move_every_contribution_out_of_its_phase

    names = {f"Name{chr(65 + n)}x": f"Person {n}" for n in range(len(FIELDS) + 1)}
    of_field = dict(zip([*FIELDS, "phase"], names))
    session = session_with(store, library, clock, lambda field: of_field[field], names, end=False)
    session.current_phase = go_to_phase(store, session, session.template.phase_index("learning-actions")).current_phase
    record_contribution(
        store, session, "UNIQUE-CONCERN: bruise seen", "Priya", clock, safeguarding=True, starred=True,
        tags=["UNIQUE-TAG"], fields={"owner": "UNIQUE-OWNER", "evidence": "UNIQUE-EVIDENCE"},
    )
    session, _ = end_session(store, store.load_session(session.id), clock)
    store.close()
    assert move_every_contribution_out_of_its_phase(data_dir, session.id, f"visits-{of_field['phase'].lower()}") == 8

    outputs = _outputs(data_dir, session.id, tmp_path)
    assert_no_leaks(outputs, names)
    for what, data in outputs.items():
        for reading in readings(what.split(":")[-1], data.encode() if isinstance(data, str) else data):
            for word in ("UNIQUE", "bruise"):
                assert word not in reading, (what, word)
    # They are there, as the record shows them: the action in the register (A1: the session's only action), the
    # digest with the action, its status note and the strength.
    owner, action, skill = (names[of_field[f]] for f in ("owner", "action", "skill"))
    assert "Recorded in a phase this template no longer has" in outputs["export:md"].decode()
    assert "(phase: visits-Person 21)" in outputs["export:md"].decode()
    rows = list(csv.DictReader(io.StringIO(outputs["export:csv"].decode("utf-8-sig"))))
    assert [(r["Action id"], r["Action"], r["Owner"], r["Status"]) for r in rows] == [
        ("A1", f"Ring {action}'s school", f"Sam and {owner}", "in progress")
    ]
    assert f"Ring {action}'s school" in outputs["digest:md"] and "waiting for Person" in outputs["digest:md"]
    assert f"work with {skill}" in outputs["digest:md"]


def test_a_name_typed_with_another_apostrophe_or_hyphen_or_a_space_for_its_hyphen_is_replaced(
    store, library, clock, data_dir, tmp_path
):
    """Phones, Word and macOS type a curly apostrophe ("O’Neil"), some word processors a Unicode hyphen
    ("MARY‐JANE"), and people a space for a hyphen ("Mary Jane"): each reached the record, HTML, Word, CSV and
    digest whole with "O'Neil" and "Mary-Jane" on the list."""
    names = {"O'Neil": "the carer", "Mary-Jane": "the aunt"}
    spelled = ["O\u2019Neil", "MARY\u2010JANE", "Mary Jane", "Mary\u2013Jane", "o\u02bcneil"]
    outputs = _clean_outputs(store, library, clock, data_dir, tmp_path,
                             lambda field: spelled[FIELDS.index(field) % len(spelled)], names)
    for what, data in outputs.items():
        for reading in readings(what.split(":")[-1], data.encode("utf-8") if isinstance(data, str) else data):
            for typed in spelled:
                assert typed.casefold() not in reading.casefold(), (what, typed)
    md = outputs["export:md"].decode()
    assert "the carer" in md and "the aunt" in md


def test_a_name_listed_as_one_word_typed_in_two_or_with_ue_for_its_u_umlaut_is_replaced(
    store, library, clock, data_dir, tmp_path
):
    """"Maryjane", "McDonald" and "Müller" on the list: "Mary Jane", "Mary-Jane", "Mc Donald" and "Mueller" reached the
    record, HTML, Word, CSV and digest as typed (only the other way round, "Mary-Jane" listed, was found), and the
    check before the record said nothing. A word of the list is found split in two where each piece has three letters
    or more, or where the listed name has a capital inside it; a German vowel with its umlaut, typed as "ue" too."""
    names = {"Maryjane": "Child A", "McDonald": "Family M", "Müller": "Family G", "Newman": "Family N", "Søren": "Child S"}
    spelled = ["Mary Jane came", "Mary-Jane's house", "Mr Mc Donald", "Mr Mueller agreed", "MARY JANE", "Mc-Donalds",
               "Mary Jane’s room", "a new man, Zoë said", "Soeren's plan"]
    outputs = _clean_outputs(store, library, clock, data_dir, tmp_path,
                             lambda field: spelled[FIELDS.index(field) % len(spelled)], names)
    for what, data in outputs.items():
        for reading in readings(what.split(":")[-1], data.encode("utf-8") if isinstance(data, str) else data):
            for typed in ("mary jane", "mary-jane", "mc donald", "mc-donald", "mueller", "soeren"):
                assert typed not in reading.casefold(), (what, typed)
    md = outputs["export:md"].decode()
    assert "Child A came" in md and "Child A's house" in md and "Mr Family M" in md and "Mr Family G agreed" in md
    assert "Child A’s room" in md
    # (a split name is found with a space only before a capital: the words "new man" are not the Newman family)
    assert "a new man, Zoë said" in md


def test_a_listed_phone_number_glued_to_a_word_or_to_itself_is_replaced(store, library, clock, data_dir, tmp_path):
    """A listed name that starts with a sign (a phone number, "+44 …") is found after a letter or digit too, as a
    reader sees it: "tel+44 …", or the number twice with a hidden character between (which every output leaves out,
    so the two are shown glued: "…123+44 …"). A name that starts with a letter is still found as a whole word only."""
    names = {"+44 7700 900123": "[phone]", "Jayden": "Child A"}
    spelled = ["tel+44 7700 900123", "+44 7700 900123\x1f+44 7700 900123", "Jayden\x1f+44 7700 900123"]
    outputs = _clean_outputs(store, library, clock, data_dir, tmp_path, lambda field: spelled[FIELDS.index(field) % 3], names)
    md = outputs["export:md"].decode()
    assert "tel\\[phone]" in md and "\\[phone]\\[phone]" in md and "Child A\\[phone]" in md  # ("[" escaped)


def test_a_name_joined_to_a_digit_or_an_underscore_is_replaced(store, library, clock, data_dir, tmp_path):
    """"Jayden2", "2Jayden", "Jayden_Smith" and "ZOË_SMITH" (typed in a hurry, or copied from a file name) showed
    the name whole in every output: a digit or an underscore was taken as part of the word. A name inside a longer
    word ("Jaydenson") is still not one, nor a listed number inside a longer number."""
    names = {"Jayden": "Child A", "Zoë Smith": "Mother", "07700 900123": "[phone]"}
    spelled = ["Jayden2", "2Jayden", "Jayden_Smith", "met ZOË_SMITH_", "tel07700 900123", "Jaydenson 907700 9001234"]
    outputs = _clean_outputs(store, library, clock, data_dir, tmp_path,
                             lambda field: spelled[FIELDS.index(field) % len(spelled)], names)
    md = outputs["export:md"].decode()
    for shown in ("Child A2", "2Child A", "Child A_Smith", "met Mother", "tel\\[phone]", "Jaydenson 907700 9001234"):
        assert shown in md, shown


def test_names_run_together_with_capitals_or_typed_with_a_backtick_are_replaced(store, library, clock, data_dir,
                                                                                 tmp_path):
    """"@JaydenSmith2012", "#JaydenSmith" and "facebook.com/JaydenSmith" (a handle, a hashtag, an address), with
    "Jayden" and "Smith" listed one by one, and "O`Neil" (the backtick for the apostrophe) stayed whole in every
    output: a small letter followed by a capital is a word's edge, and a backtick an apostrophe. In a text with a
    curly apostrophe too (as phones type). A name inside a longer word in small letters is still not one."""
    names = {"Jayden": "Child A", "Smith": "Family S", "O'Neil": "Family D"}
    spelled = ["His Instagram is @JaydenSmith2012", "mum posts as #JaydenSmith", "facebook.com/SmithJayden",
               "Mrs O`Neil and the O`Neils", "Jayden’s page is JaydenSmith.org", "Jaydenson"]
    outputs = _clean_outputs(store, library, clock, data_dir, tmp_path,
                             lambda field: spelled[FIELDS.index(field) % len(spelled)], names)
    for what, reading in _readings(outputs):
        assert "jayden" not in reading.replace("Jaydenson", "").casefold(), (what, reading[:3000])
        assert "smith" not in reading.casefold() and "neil" not in reading.casefold(), (what, reading[:3000])
    md = outputs["export:md"].decode()
    for shown in ("@Child AFamily S2012", "#Child AFamily S", "facebook.com/Family SChild A", "Mrs Family D and the Family D's",
                  "Child A’s page is Child AFamily S.org", "Jaydenson"):
        assert shown in md, shown


def test_a_name_with_a_letter_that_has_no_accent_to_leave_off_is_found_either_way(store, library, clock, data_dir,
                                                                                  tmp_path):
    """"Łukasz", "Bjørn", "Đorđe", "Ægir" and "Þóra" typed on a keyboard without those letters ("Lukasz", "Bjorn",
    "Dorde", "Aegir", "Thora") reached every output whole, and "Łukas" with "Lukas" listed: the letters have no
    accent for the comparison to leave off, so they are read as a reader reads them (ł as l, ø as o, đ as d, æ as
    ae, þ as th)."""
    names = {"Łukasz": "Child A", "Bjørn": "Father", "Đorđe": "Uncle", "Ægir": "Brother", "Þóra": "Aunt",
             "Lukas": "Child B"}
    spelled = ["met Lukasz", "BJORN rang", "Dorde's flat", "Aegir and Thora", "Łukas", "łukasz and bjørn"]
    outputs = _clean_outputs(store, library, clock, data_dir, tmp_path,
                             lambda field: spelled[FIELDS.index(field) % len(spelled)], names)
    md = outputs["export:md"].decode()
    for shown in ("met Child A", "Father rang", "Uncle's flat", "Brother and Aunt", "Child B", "Child A and Father"):
        assert shown in md, shown


def test_a_hyphenated_name_broken_across_two_lines_at_its_hyphen_is_replaced(store, library, clock, data_dir,
                                                                             tmp_path):
    """"D'Arcy-" at the end of a line and "Lee" at the start of the next (text pasted from a PDF or a case note
    wrapped there) reached the record whole, and the digest as "D'Arcy- Lee"."""
    names = {"D'Arcy-Lee": "Father D", "Mary-Jane": "Mother"}
    spelled = ["and D'Arcy-\nLee came", "Mary-  Jane and D'Arcy -Lee", "MARY-\r\nJANE"]
    outputs = _clean_outputs(store, library, clock, data_dir, tmp_path,
                             lambda field: spelled[FIELDS.index(field) % len(spelled)], names)
    md = outputs["export:md"].decode()
    assert "Father D" in md and "Mother" in md


def test_a_name_glued_to_a_sign_spelled_in_letters_is_replaced(store, library, clock, data_dir, tmp_path):
    """"Jayden™", "Jaydenª", "Jayden№" and "Jayden℠" reached every output whole: Unicode spells these signs in
    letters ("TM", "a", "No"), and the name was read as part of a longer word. A sign is not part of a name."""
    names = {"Jayden": "Child A"}
    spelled = ["Jayden™", "Jaydenª", "Jayden№5", "Jayden℠ and ℡Jayden"]
    outputs = _clean_outputs(store, library, clock, data_dir, tmp_path,
                             lambda field: spelled[FIELDS.index(field) % len(spelled)], names)
    md = outputs["export:md"].decode()
    for shown in ("Child A™", "Child Aª", "Child A№5", "Child A℠ and ℡Child A"):
        assert shown in md, shown


def test_a_name_typed_without_its_apostrophe_is_replaced(store, library, clock, data_dir, tmp_path):
    """"ONeil" and "DSouza", as "O'Neil" and "D'Souza" are often typed, reached every output whole."""
    names = {"Mary-Jane O'Neil": "Patient D", "D'Souza": "Family E"}
    spelled = ["Mary-Jane ONeil", "DSouza", "mary jane o’neil", "the DSouzas"]
    outputs = _clean_outputs(store, library, clock, data_dir, tmp_path,
                             lambda field: spelled[FIELDS.index(field) % len(spelled)], names)
    md = outputs["export:md"].decode()
    for shown in ("Patient D", "Family E", "the Family E's"):
        assert shown in md, shown


def test_a_name_that_a_replacement_spells_again_with_its_neighbours_is_replaced_too(store, library, clock, data_dir,
                                                                                    tmp_path):
    """A replacement joined with what is around it may spell a listed name once more: "Mary Mary Ann Ann" with
    "Mary Ann" -> "Mary" reads "Mary Mary Ann" once replaced. The names list is applied again then."""
    names = {"Mary Ann": "Mary", "Jayden": "Child A"}
    outputs = _clean_outputs(store, library, clock, data_dir, tmp_path, lambda field: "Mary Mary Ann Ann", names)
    assert "Review of Mary Mary" in outputs["export:md"].decode()


def test_a_teams_template_that_names_a_child_has_the_name_replaced_in_every_export(store, library, clock, data_dir,
                                                                                    tmp_path, capsys):
    """A team's own template may name a child ("Scaling for Jayden"): its phase titles, prompts, guidance,
    questions, scale ends, ground rules, name and version reached the record, HTML and Word as written (the phones'
    page had them replaced)."""
    from facilitator.models import Template
    from facilitator.session_ops import end_session, go_to_phase, set_redactions, start_session

    from .helpers import template_with_every_kind

    base = template_with_every_kind(library).model_dump()
    for phase in base["phases"]:
        phase["title"] += " for Jayden"
        phase["prompt"] = "How is JAYDEN? " + phase["prompt"]
        phase["guidance"] = "Ask Zoë Smith too. " + phase["guidance"]
        phase["questions"] = [*phase["questions"], "What would Jayden say?"]
        if phase["kind"] == "scale":
            phase["scale_low"], phase["scale_high"] = "Jayden is not safe", "Jayden is safe"
    base["ground_rules"] = [*base["ground_rules"], "We never say Jayden's surname."]
    base["name"] = "Review for Jayden"
    base["id"] = "jayden-check"  # (its id is in the record's front matter and in the file names)
    base["version"] = "Jayden 1"  # (in the front matter and the record's details too)
    template = Template.model_validate(base)
    session = start_session(store, template, clock=clock, title="Weekly", team="Team", ground_rules_agreed=True)
    session = set_redactions(store, session, NAMES)
    for index, phase in enumerate(template.phases):
        session = go_to_phase(store, session, index)
        record_contribution(store, session, "Something said", "Sam", clock,
                            fields={"rating": "5"} if phase.kind == "scale" else {})
    _, ended_record = end_session(store, store.load_session(session.id), clock)
    store.close()
    outputs = _outputs(data_dir, session.id, tmp_path)
    assert_no_leaks(outputs, NAMES)
    md = outputs["export:md"].decode()
    assert "for Child A" in md and "How is Child A?" in md
    assert "template: child-a-check" in md and "(template child-a-check, version Child A 1)" in md
    # The record written at the end and one exported to the records folder are named without the name too.
    assert main(["--data-dir", str(data_dir), "export", session.id, "--format", "html"]) == 0
    named = sorted(p.name for p in (data_dir / "records").iterdir())
    assert named == [f"{ended_record.stem}.html", ended_record.name], named
    assert ended_record.name.endswith(f"-child-a-check-{session.id}.md"), named
    # `facilitator sessions list` (a terminal may be projected too) names the template by its id as shown.
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "sessions", "list"]) == 0
    listed = capsys.readouterr().out
    assert f"{session.id}\t" in listed and "child-a-check" in listed and "jayden" not in listed.casefold(), listed
