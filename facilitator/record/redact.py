"""Keeping service users' details out of every export. Pure functions.

- The session's names list (as typed -> replacement) is applied to every text that goes into a record:
  case-insensitively, whole words only, where a digit or an underscore joined to it is no part of the word
  ("Jayden2" is found, "Jaydenson" is not; a name that starts or ends with a sign, such as "+44 …", is found next to
  letters too), possessives too ("Jayden's" -> "Child A's").
- A name matches however it was typed: names and texts are compared after Unicode normalisation (NFKC, case
  folded), with format characters (zero-width spaces, soft hyphens, word joiners, ...) left out, so
  "Zoe\u0308", "Ｊａｙｄｅｎ" and "Jay\u200bden" are all found. What is replaced is the name as typed, with the
  characters inside it.
- Contributions flagged as safeguarding concerns never reach a group export.
- A name is looked for in the text as it is shown: control characters (but tabs and line breaks),
  bidirectional overrides and lone surrogates are left out first, as every screen and record leaves them out
  (text.visible), so one inside a name in stored data ("Jay\x01den", from a file made by hand or recorded before
  they were stripped as typed) cannot hide it and then vanish on the way out.
- Each text is replaced on its own (one field at a time), never across two texts. (learning/facts.py hands a
  session's plain ASCII texts over at once, joined by tabs, and replaces them one at a time instead when a name
  was matched across a tab, which comes to the same.)
What is stored stays as typed: these functions return a changed copy.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..text import visible

if TYPE_CHECKING:  # annotations only: make_replacer is used where the pydantic models are not loaded
    from ..models import Contribution, Session

# Whitespace between the words of a name: any run of spaces, tabs or line breaks (Unicode spaces become plain
# ones in the normal form), but never the separator characters U+001C..U+001F that str.split treats as spaces.
# A hyphen or an underscore between two words is a gap too: "Mary-Jane" is found as "Mary Jane", "Mary Jane" as
# "Mary-Jane", and "Zoë Smith" as "Zoë_Smith" (a file's name, a user name).
# A hyphen may have spaces or a line break beside it: "D'Arcy-" at the end of a line and "Lee" at the start of the
# next (text pasted from a document wrapped there) is "D'Arcy-Lee". A dot or a slash is a gap, and so is nothing:
# "Lily.Mae" (an e-mail address), "Lily/Mae", "Lilymae" and "#LilyMae" are "Lily-Mae", as phones and people type it.
_SPACE = r"(?:(?![\x1c-\x1f])\s)"
_GAP = rf"(?:{_SPACE}+|{_SPACE}*-{_SPACE}*|[_./]|)"
# Where a name's pattern has a gap: whitespace, or a hyphen or an underscore between two of its words.
_SPLIT = re.compile(r"(?:(?![\x1c-\x1f])\s)+|(?<=\w)-(?=\w)|(?<=[^\W_])_(?=[^\W_])")
# Characters folded together with the character before them: marks (they may compose with it) and format
# characters (left out, so a mark after one still composes).
_ATTACHED = frozenset({"Mn", "Mc", "Me", "Cf"})


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Signs typed differently by different keyboards, phones and word processors, read as the plain one: curly and
# modifier apostrophes and the prime as "'", the Unicode hyphens, dashes and minus signs as "-" ("O’Neil" is
# "O'Neil", "Mary‐Jane" is "Mary-Jane"). Each is one character for one, so places in the text stay where they are.
_SAME_SIGN = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u02bb": "'", "\u2032": "'", "\u2035": "'", "\uff07": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
})
# A run of non-ASCII characters with the ASCII character before it (marks in the run may belong to it).
_SPECIAL_RUN = re.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")


# Letters read as others though Unicode gives them no accent to leave off: "Lukasz" is "Łukasz", "Bjorn" "Bjørn",
# "Dorde" "Đorđe", "Aegir" "Ægir", "Thora" "Þóra" (after case folding, so the small letters only).
_READ_AS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t", "ı": "i", "æ": "ae",
                          "œ": "oe", "þ": "th"})


@functools.lru_cache(maxsize=1024)
def _sign_apart(ch: str) -> str:
    """A sign that Unicode's compatibility form spells in letters ("™" as "TM", "№" as "No", "ª" as "a") is kept
    apart from the word it is joined to, as a reader sees it, so "Jayden™" is the name and a sign. A single letter
    in a circle or a style of its own ("Ⓙ") is the letter, so a name typed in such letters is still found."""
    if ch in "ªº":
        return " " + unicodedata.normalize("NFKC", ch) + " "
    category = unicodedata.category(ch)
    if category[0] in "LM" or category == "Nd":
        return ch
    spelled = unicodedata.normalize("NFKC", ch)
    if len(spelled) > 1 and any(c.isalpha() for c in spelled):
        return f" {spelled} "
    return ch


def fold(text: str) -> str:
    """The form names are compared in: format characters left out, NFKC, case folded, accents left off (then NFKC
    again): "Zoe" is "Zoë" and "Jáyden" is "Jayden", as a phone's keyboard often types them; letters with no accent
    to leave off read as a reader reads them ("Lukasz" is "Łukasz"); a sign spelled in letters kept apart."""
    if text.isascii():
        return text.lower()
    if any(unicodedata.category(m.group()) == "Cf" for m in _NON_ASCII.finditer(text)):
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _NON_ASCII.sub(lambda m: _sign_apart(m.group()), text)
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    if not folded.isascii():
        folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFKC", folded).translate(_SAME_SIGN).translate(_READ_AS)


#: written after a listed name that is an everyday word too ("Hope (capital only) -> Child D"): replaced only
#: where its first letter is a capital ("Hope came", "HOPE"), never the word ("we hope the school ...")
CAPITAL_ONLY = "(capital only)"


def as_listed(name: str) -> tuple[str, bool]:
    """(the name without CAPITAL_ONLY after it, whether it was there)."""
    stripped = name.rstrip()
    if stripped.lower().endswith(CAPITAL_ONLY):
        return stripped[: -len(CAPITAL_ONLY)].rstrip(), True
    return name, False


def name_key(name: str) -> str:
    """A name as the list is looked up by: folded, every run of whitespace one space (CAPITAL_ONLY left off)."""
    return " ".join(fold(as_listed(name)[0]).split())


def _folded_with_places(text: str) -> tuple[str, list[int], list[int]]:
    """The folded text, and for each of its characters where the piece of the original it came from starts
    and ends. ASCII is kept as it is, in place; the rest is folded a piece at a time: a character with the marks
    after it (they may compose, and any format characters among them, which are left out)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for run in _SPECIAL_RUN.finditer(text):
        a, b = run.span()
        if a > done:  # plain ASCII: one character for one (in its own case: the pattern ignores it, but for words run
            out.append(text[done:a])  # together with capitals, "JaydenSmith", which it finds by their case)
            starts.extend(range(done, a))
            ends.extend(range(done + 1, a + 1))
        i = a
        while i < b:
            j = i + 1
            while j < b and (unicodedata.combining(text[j]) or unicodedata.category(text[j]) in _ATTACHED):
                j += 1
            piece = fold(text[i:j])
            out.append(piece)
            starts.extend([i] * len(piece))
            ends.extend([j] * len(piece))
            i = j
        done = b
    if done < len(text):
        out.append(text[done:])
        starts.extend(range(done, len(text)))
        ends.extend(range(done + 1, len(text) + 1))
    return "".join(out), starts, ends


def parse_names(text: str) -> dict[str, str]:
    """'Jayden -> Child A' lines (or 'Jayden = Child A') to a mapping; blank lines and lines without a target skipped."""
    names: dict[str, str] = {}
    for line in text.splitlines():
        for sep in ("->", "→", "=", "\t"):
            if sep in line:
                name, _, replacement = line.partition(sep)
                break
        else:
            continue
        name = " ".join(name.split())
        replacement = " ".join(replacement.split())
        if name and replacement:
            names[name] = replacement
    return names


def listed_in_replacements(names: dict[str, str]) -> list[tuple[str, str]]:
    """(name, replacement) for each replacement that holds a listed name itself ("Jayden -> Kai" with "Kai" listed
    too, or "Sam -> Sam's worker"): a record would show that name, so such a list is not kept."""
    replace = make_replacer(names)
    return [(name, r) for name, r in names.items() if r and replace(r) != visible(r)]


def ordinary_words(names: dict[str, str], texts: Iterable[str]) -> list[tuple[str, str]]:
    """(name, the words around it) for each name listed with a capital letter and written in lower case in the
    texts, as an ordinary word is ("we will see" with "Will" listed): the list is applied in any case, so every such
    word would be replaced too ("we Child B see"). A name listed in lower case ("mum -> Mother") is meant as the
    word it is. The first place each is found."""
    found: list[tuple[str, str]] = []
    texts = list(texts)
    for name in names:
        if name == name.lower() or as_listed(name)[1]:  # (listed CAPITAL_ONLY: the word is not replaced)
            continue
        word = " ".join(name.split()).lower()
        if not word or not _WORDY.match(word[0]) or not _WORDY.match(word[-1]):
            continue
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, word.split())) + r"(?!\w)")
        for text in texts:
            match = pattern.search(text)
            if match is not None:
                start, end = max(0, match.start() - 20), min(len(text), match.end() + 20)
                around = " ".join(text[start:end].split())
                found.append((name, f"{'…' if start else ''}{around}{'…' if end < len(text) else ''}"))
                break
    return found


def format_names(names: dict[str, str]) -> str:
    """The list as the names dialog shows it: a line a name, ending on an empty line, so a name typed at once at the
    end is a line of its own (not run into the last replacement)."""
    return "".join(f"{name} -> {replacement}\n" for name, replacement in names.items())


def run_together(text: str) -> list[str]:
    """The lines holding a second arrow ("Jayden -> Child AHussain -> Family C"): two names run into one line, which
    would be kept as one name whose replacement shows the other name."""
    arrows = ("->", "→")
    lines = []
    for line in text.splitlines():
        first = min((line.find(a) for a in arrows if a in line), default=-1)
        if first >= 0 and any(a in line[first + 1 :] for a in arrows):
            lines.append(line.strip())
    return lines


#: what an apostrophe inside a listed name may be typed as: itself, a backtick (the key beside 1 on many keyboards),
#: nothing, a space or a dot ("O'Neil" typed "O`Neil", "ONeil", "O Neil", "O.Neil")
_APOSTROPHE = rf"(?:['`]|{_SPACE}|\.)?"


def _apostrophes_typed(word: str) -> set[str]:
    """A word of plain ASCII with its apostrophes typed each way _APOSTROPHE takes (all alike)."""
    return {word.replace("'", typed) for typed in ("'", "`", "", ".", " ", "\t", "\n", "\r", "\x0b", "\x0c")}


def _spelled(name: str) -> str:
    """One name's pattern, as typed in any case with any whitespace, a hyphen, a dot, a slash or nothing between its
    words, and its apostrophes typed as they often are ("ONeil", "O Neil" for "O'Neil") (no word edges)."""
    return _GAP.join(re.escape(part).replace("'", _APOSTROPHE) for part in _SPLIT.split(name.strip()) if part)


_WORDY = re.compile(r"\w")
#: times the names list is applied to a text at most (see make_replacer's replace)
MAX_PASSES = 4


# The gap of a name split in two (see spellings): a space only before a capital (in plain ASCII, whose case the text
# searched keeps), a hyphen or a sign before anything.
_SPLIT_GAP = rf"(?:{_SPACE}*-{_SPACE}*|[_./]|{_SPACE}+(?=(?-i:[A-Z])))"
_SPACE_GAP = rf"(?:{_SPACE}*-{_SPACE}*|[_./]|{_SPACE}+)"


def _body(name: str, cut_at: tuple[int, ...] = (), loose: bool = False) -> str:
    """A name's pattern without its word edges: _spelled, or, for a one-word name, its pieces with a gap of a
    split name (_SPLIT_GAP), or none, between them (see cuts). ``loose``: any space a gap (in a text folded to
    small letters: what it finds holds every match, and more)."""
    if not cut_at:
        return _spelled(name)
    bounds = [0, *cut_at, len(name)]
    gap = _SPACE_GAP if loose else _SPLIT_GAP
    return f"(?:{gap})?".join(re.escape(name[a:b]) for a, b in zip(bounds, bounds[1:]))


def _edged(name: str, cut_at: tuple[int, ...] = (), loose: bool = False) -> str:
    """One name's pattern with its word edges: a name that starts (ends) with a letter is found only where no letter
    comes just before (after) it, so "Sam" is not found in "Samantha", but is in "Sam2" and "Sam_Jones" (a digit or
    an underscore joined to a name leaves it as readable as a space does); one that starts (ends) with a digit is
    found where no digit comes just before (after) it, so "07700 900123" is found in "tel07700 900123" and not in a
    longer number; one that starts with a sign, as a phone number's "+", is found after anything ("tel+44 …", or the
    same number twice with a hidden character between, which every output leaves out)."""
    # An "s" straight after the name is a possessive typed without its apostrophe ("Jaydens mum"): found too,
    # the "s" left in place (the replacement gets the apostrophe: "Child A's mum").
    return f"(?:{_edge_before(name[0])}{_body(name, cut_at, loose)}{_edge_after(name[-1])})"


_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


# Words run together with capitals where each begins ("JaydenSmith", "#KaiJayden", "@JaydenSmith2012"), as handles,
# hashtags and addresses are typed: a small letter followed by a capital is a word's edge too (in plain ASCII text).
_CAMEL_BEFORE = r"(?<=(?-i:[a-z]))(?=(?-i:[A-Z]))"
_CAMEL_AFTER = r"(?<=(?-i:[a-z]))(?=(?-i:[A-Z]))"
_RUN_TOGETHER = re.compile("[a-z][A-Z]")


def _edge_before(first: str) -> str:
    if _LETTER.match(first):
        return rf"(?:(?<![^\W\d_])|{_CAMEL_BEFORE})"
    return r"(?<!\d)" if _DIGIT.match(first) else ""


def _edge_after(last: str) -> str:
    if _LETTER.match(last):
        return rf"(?:(?=s?(?![^\W\d_]))|{_CAMEL_AFTER})"
    return r"(?!\d)" if _DIGIT.match(last) else ""


# A German vowel with its umlaut, and the sharp s, as they are typed where the keyboard has none ("Mueller").
# ("Soeren" for Søren, "Aase" for Åse: the Danish and Norwegian letters as they are typed without them)
_UMLAUT_SPELLED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss",
                                 "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa"})
#: a one-word name is also found split in two where each piece has at least this many letters ("Mary Jane")
SPLIT_PIECE = 3


def spellings(name: str) -> list[str]:
    """The spellings a listed name is looked for in: as listed, and with "ae", "oe", "ue" for a German vowel with its
    umlaut ("Mueller" for "Müller")."""
    umlauts = name.translate(_UMLAUT_SPELLED)
    return [name] if umlauts == name else [name, umlauts]


def cuts(spelling: str, key: str) -> tuple[int, ...]:
    """Where a name of one word (``key``, its folded form) may be found split in two (see _SPLIT_GAP): where each
    piece has SPLIT_PIECE letters or more, or where a capital inside it as listed begins one ("Mary Jane" for
    "Maryjane", "Mc Donald" for "McDonald"), as a name listed in two pieces is found run together. Short pieces are
    not split off ("Theo" is not "the O2")."""
    if not key.isalpha() or not key.isascii():
        return ()
    at = set(range(SPLIT_PIECE, len(key) - SPLIT_PIECE + 1))
    if spelling.isascii() and len(spelling) == len(key):
        at |= {i for i in range(1, len(spelling)) if spelling[i - 1].islower() and spelling[i].isupper()}
    return tuple(sorted(at))


def make_replacer(names: dict[str, str]) -> Callable[[str], str]:
    """A function applying the names list to one text. Longest names first, so 'Mary Ann' wins over 'Mary'."""
    cleaned: dict[str, str] = {}
    capital_only: set[str] = set()  # the keys of names listed with CAPITAL_ONLY
    cut_at: dict[str, tuple[int, ...]] = {}  # where a one-word name may be found split in two (see cuts)
    for name, replacement in names.items():
        listed, capital = as_listed(name)
        for spelling in spellings(listed):
            key = name_key(spelling)
            if key and key not in cleaned:
                cleaned[key] = replacement
                if at := cuts(spelling.strip(), key):
                    cut_at[key] = at
            if key and capital:
                capital_only.add(key)
    if not cleaned:
        return lambda text: text
    ordered = sorted(cleaned, key=len, reverse=True)
    # Whitespace inside a name matches any run of whitespace; word edges are checked with lookarounds where a
    # name starts or ends with a letter or digit (_edged), so names starting or ending in punctuation (phone
    # numbers, emails) work too. A following "'s" or "’s" is left in place, so possessives come out as "Child A's".
    pattern = re.compile("|".join(_edged(name, cut_at.get(name, ())) for name in ordered), re.IGNORECASE)
    # (in a text folded to small letters, a split name's space before a capital is not seen: any space is taken there)
    anywhere = pattern if not cut_at else re.compile(
        "|".join(_edged(name, cut_at.get(name, ()), loose=True) for name in ordered), re.IGNORECASE
    )

    found: dict[str, str] = {}  # each spelling met, with its replacement (the same few come again and again)

    def lookup_as_typed(match: re.Match[str]) -> str:
        """lookup, for a match in the text as typed (not folded): a name listed CAPITAL_ONLY found in lower case is
        left as it is."""
        if capital_only and not match.group(0)[:1].isupper() and key_of(match.group(0)) in capital_only:
            return match.group(0)
        return lookup(match)

    def lookup(match: re.Match[str]) -> str:
        """The replacement of a name found, with an apostrophe when an "s" follows it ("Jaydens" -> "Child A's")."""
        replacement = replacement_of(match.group(0))
        text, end = match.string, match.end()
        if end < len(text) and text[end] in "sS" and _WORDY.match(match.group(0)[-1]) and not (
            _LETTER.match(text[end + 1 : end + 2])  # (a word run on after it: "JaydenSmith")
        ):
            # (a plural's possessive has its own: "the Smiths' house" -> "the Family Fs' house", not "F's'")
            return replacement if text[end + 1 : end + 2] in ("'", "’") else replacement + "'"
        return replacement

    def key_of(typed: str) -> str:
        """The listed name's key this spelling was found as. One found ignoring case in a spelling that folds to no
        listed name (the regular expression takes "ı", "i" and "I" as one letter, as "ſ" and "s", where case folding
        does not) is the name whose own pattern it is: replaced, never left as typed (it may hold a shorter listed
        name)."""
        key = name_key(typed)
        if key in cleaned:
            return key
        return next((name for name in ordered if re.fullmatch(_body(name, cut_at.get(name, ())), typed, re.IGNORECASE)), key)

    def replacement_of(typed: str) -> str:
        replacement = found.get(typed)
        if replacement is None:
            if len(found) >= 1024:
                found.clear()
            replacement = cleaned.get(key_of(typed), typed)
            found[typed] = replacement
        return replacement

    # With every name plain ASCII, a name in a plain ASCII text starts where its first word is found in the
    # lowered text: the pattern is tried at those places only (scanning a long text with it costs about 15 ns a
    # character; a whole session's texts are often replaced at once, see learning/facts.py).
    # (a first word with an apostrophe inside is looked for with it typed as _APOSTROPHE takes it: "oneil", "o neil")
    firsts = (
        sorted({
            word for name in ordered
            for first in ([name[: cut_at[name][0]]] if name in cut_at else _SPLIT.split(name)[:1])
            for word in _apostrophes_typed(first)
        })
        if all(name.isascii() for name in ordered)
        else None
    )
    match_at = pattern.match

    def replace_ascii(text: str) -> str:
        lowered = text.lower()
        places: list[int] = []
        for first in firsts:
            at = lowered.find(first)
            while at >= 0:
                places.append(at)
                at = lowered.find(first, at + 1)
        if not places:
            return text
        places.sort()
        out: list[str] = []
        done = 0
        for at in places:  # as pattern.sub: the leftmost match first, then the next one after it
            if at < done:
                continue
            match = match_at(text, at)
            if match is not None:
                out += [text[done:at], lookup_as_typed(match)]
                done = match.end()
        if not out:
            return text
        out.append(text[done:])
        return "".join(out)

    # A replacement joined with what is around it may spell a listed name once more ("Mary Mary Ann Ann" with
    # "Mary Ann" -> "" or "Mary"): the list is applied again then, a few times at most, unless a replacement holds a
    # listed name itself ("Sam" -> "Sam's worker": applying it again would only lengthen the text).
    passes = 1 if any(pattern.search(fold(visible(r))) for r in set(cleaned.values()) if r) else MAX_PASSES

    # A possessive typed in capitals after a name ("HOPE'S", "HOPES") keeps its "S": after a replacement that is not
    # in capitals itself it is made "s" ("Child A's", not "Child A'S").
    mixed = sorted({r for r in cleaned.values() if r and r != r.upper()}, key=len, reverse=True)
    capital_s = re.compile("(" + "|".join(map(re.escape, mixed)) + r")(['’])S(?![^\W_])") if mixed else None

    def replace(text: str) -> str:
        """The text with every listed name replaced (see ``passes`` above)."""
        given = text
        out = replace_once(text)
        done = 1
        while out != text and done < passes:
            text, out = out, replace_once(out)
            done += 1
        if capital_s is not None and ("'S" in out or "’S" in out) and out != given:
            out = capital_s.sub(r"\1\2s", out)
        return out

    def replace_once(text: str) -> str:
        if not text:
            return text
        text = visible(text)  # as shown: nothing hidden inside a name keeps it from being found (most text as it is)
        if text.isascii():  # folding plain ASCII is lowering it: the same places, found ignoring case
            return pattern.sub(lookup_as_typed, text) if firsts is None else replace_ascii(text)
        if anywhere.search(fold(text)) is None and _RUN_TOGETHER.search(text) is None:  # most texts hold no name: no
            # need to know where things are (the folded text is in small letters: words run together are not found in it)
            return text
        folded, starts, ends = _folded_with_places(text)
        out: list[str] = []
        done = 0
        for match in pattern.finditer(folded):
            start, end = starts[match.start()], ends[match.end() - 1]
            if start < done:  # two matches in one piece of the original (rare): the first one stands
                continue
            if capital_only and not text[start].isupper() and key_of(match.group(0)) in capital_only:
                continue  # (matched in the folded text: the case is the original's)
            out += [text[done:start], lookup(match)]
            done = end
        if not out:
            return text
        out.append(text[done:])
        return "".join(out)

    return replace


def people_renamed(names: dict[str, str], people: Iterable[str]) -> list[tuple[str, str, str]]:
    """(name, person, what the record would call them) for each name of ``names`` (name -> replacement) that would
    change the name of one of ``people`` (those at the session, as typed): "Smith -> Child A" with Jo Smith
    facilitating makes the record say "Jo Child A"."""
    found = []
    for name, replacement in names.items():
        replace = make_replacer({name: replacement})
        found += [(name, person, replace(person)) for person in people if replace(person) != person]
    return found


def shown_id(template_id: str, replace: Callable[[str], str]) -> str:
    """A template's id with the names list applied, still an id: a team's own template may be called
    "jayden-check", and its id is in the record's front matter and file name ("child-a-check")."""
    shown = replace(template_id)
    if shown == template_id:
        return template_id
    plain = unicodedata.normalize("NFKD", shown).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "template"


def record_stem(session) -> str:  # noqa: ANN001 - a Session
    """A session's record file's name without its extension: the date, the template's id with the names list
    applied (see shown_id) and the session's id."""
    template_id = shown_id(session.template.id, make_replacer(session.redactions))
    return f"{session.date:%Y-%m-%d}-{template_id}-{session.id}"


def template_shown(template, replace: Callable[[str], str]):  # noqa: ANN001, ANN201 - a models.Template
    """A session's template with the names list applied to what a record shows of it (a team's own template may
    name a child: "Scaling for Jayden"): its id (see shown_id), name, ground rules and tags, and each phase's
    title, prompt, guidance, questions and the words at the ends of its scale. The same template when nothing in
    it is a listed name."""

    def phase(p):  # noqa: ANN001, ANN202
        update = {
            "title": replace(p.title), "prompt": replace(p.prompt), "guidance": replace(p.guidance),
            "questions": [replace(q) for q in p.questions],
            "scale_low": replace(p.scale_low) if p.scale_low else p.scale_low,
            "scale_high": replace(p.scale_high) if p.scale_high else p.scale_high,
        }
        return p if all(update[k] == getattr(p, k) for k in update) else p.model_copy(update=update)

    phases = [phase(p) for p in template.phases]
    update = {
        "id": shown_id(template.id, replace), "name": replace(template.name), "summary": replace(template.summary),
        "version": replace(template.version),
        "ground_rules": [replace(r) for r in template.ground_rules], "tags": [replace(t) for t in template.tags],
        "phases": phases,
    }
    if all(update[k] == getattr(template, k) for k in update):
        return template
    return template.model_copy(update=update)


def contribution_shown(c: Contribution, replace: Callable[[str], str]) -> Contribution:
    """A contribution with the names list applied to its text, speaker, fields and tags (itself if none changes)."""
    text = replace(c.text)
    speaker = replace(c.speaker) if c.speaker else c.speaker
    fields = {k: replace(v) for k, v in c.fields.items()}
    tags = [replace(t) for t in c.tags]
    if text == c.text and speaker == c.speaker and fields == c.fields and tags == c.tags:
        return c
    return c.model_copy(update={"text": text, "speaker": speaker, "fields": fields, "tags": tags})


def for_export(session: Session) -> Session:
    """The session as a group export may show it: names replaced, safeguarding concerns left out."""
    replace = make_replacer(session.redactions)
    return session.model_copy(
        update={
            "template": template_shown(session.template, replace),
            "title": replace(session.title),
            "team": replace(session.team),
            "facilitator": replace(session.facilitator),
            "participants": [replace(p) for p in session.participants],
            "apologies": [replace(p) for p in session.apologies],
            "contributions": [contribution_shown(c, replace) for c in session.contributions if not c.safeguarding],
        }
    )


def shown_title(session) -> str:  # noqa: ANN001 - a Session
    """A session's title as the room may see it: with its names list applied (headers are on the projector)."""
    return make_replacer(session.redactions)(session.title)
