"""Session templates: TOML files in session_templates/ (built in) and in the user's templates folder.

A template that cannot be used never stops the app: `load_library` lists it as broken, with reasons
that name the file, the field (like `phases[2].timebox`), what is wrong and what would be right.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .text import plural, visible
from .vocabulary import MAX_PHASES, MAX_TIMEBOX, MAX_TYPICAL_LENGTH, PhaseKind

if TYPE_CHECKING:  # the pydantic models are imported when templates are validated (see TemplateLibrary)
    from .models import Template

MAX_TEMPLATE_BYTES = 512 * 1024

BUILT_IN = "built-in"
USER = "user"

# What a right value looks like, by field name: the second half of every "what is wrong" message.
_FIELD_HINTS: dict[str, str] = {
    "id": "use lower-case letters, digits and hyphens, like id = \"case-story\"",
    "name": "write the template's name in quotes, like name = \"Team huddle\"",
    "title": "write the phase title in quotes, like title = \"What went well\"",
    "prompt": "write the question the group is asked, in quotes",
    "guidance": "write notes for the facilitator in quotes (markdown is allowed)",
    "summary": "write one sentence in quotes",
    "when_to_use": "write a sentence or two in quotes",
    "version": "write it in quotes, like version = \"2\"",
    "timebox": f"write the minutes as a whole number from 1 to {MAX_TIMEBOX}, like timebox = 10",
    "typical_length": f"write the minutes as a whole number from 1 to {MAX_TYPICAL_LENGTH}, like typical_length = 60",
    "questions": "write a list of questions in quotes, like questions = [\"What helped?\", \"How do we know?\"]",
    "ground_rules": "write a list of rules in quotes, like ground_rules = [\"No blame.\"]",
    "tags": "write a list of short tags in quotes, like tags = [\"collaboration\", \"child focus\"]",
    "sources": "write a list of references in quotes, like sources = [\"Gibbs (1988), Learning by Doing\"]",
    "kind": "use one of " + ", ".join(f'"{k.value}"' for k in PhaseKind),
    "scale_by": 'use "person" (everyone gives a rating) or "group" (one rating for the group)',
    "scale_low": "write what 0 on the scale means, in quotes",
    "scale_high": "write what 10 on the scale means, in quotes",
    "phases": f"add 1 to {MAX_PHASES} phases, each starting with a [[phases]] line",
}

def _known_fields(in_phase: bool) -> list[str]:
    from .models import Phase, Template

    return sorted((Phase if in_phase else Template).model_fields)

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def builtin_templates_dir() -> Path:
    """Where the built-in templates are, after `pip install .` or `pip install -e .`."""
    packaged = Path(__file__).resolve().parent / "session_templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "session_templates"


def guide_path() -> Path:
    """The template-writing guide (docs/templates.md): inside the package after `pip install .`, in the
    project's docs folder after `pip install -e .` or in a copy of the source."""
    packaged = Path(__file__).resolve().parent / "docs" / "templates.md"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "docs" / "templates.md"


class TemplateError(Exception):
    """A template file that cannot be used, with messages fit for the user."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = Path(path)
        self.problems = problems
        super().__init__(f"{self.path}: " + "; ".join(problems))


def _loc_to_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _shown(value: object, limit: int = 60) -> str:
    """A value as the user wrote it, cut short if long."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[:limit] + "…"
        return '"' + text.replace("\n", "\\n") + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _field_name(loc: tuple) -> str:
    names = [part for part in loc if isinstance(part, str)]
    return names[-1] if names else ""


def _hint(loc: tuple) -> str:
    return _FIELD_HINTS.get(_field_name(loc), "")


def _with_hint(message: str, loc: tuple) -> str:
    hint = _hint(loc)
    return f"{message}; {hint}" if hint else message


def _phase_label(raw: object, loc: tuple) -> str:
    """' (phase "turning-points")' when the error is inside a phase whose id can be read."""
    if len(loc) >= 2 and loc[0] == "phases" and isinstance(loc[1], int) and isinstance(raw, dict):
        phases = raw.get("phases")
        if isinstance(phases, list) and 0 <= loc[1] < len(phases) and isinstance(phases[loc[1]], dict):
            phase_id = phases[loc[1]].get("id")
            if isinstance(phase_id, str) and phase_id and len(loc) > 2:
                return f" (phase {_shown(phase_id, 40)})"
    return ""


def describe_error(error: dict, raw: object = None) -> str:
    """One pydantic error as a sentence: where, what is wrong, what would be right."""
    loc = tuple(error.get("loc", ()))
    where = _loc_to_path(loc) + _phase_label(raw, loc)
    kind = error.get("type", "")
    ctx = error.get("ctx", {}) or {}
    value = error.get("input")
    name = _field_name(loc)
    if kind == "missing":
        return _with_hint(f"{where}: is missing", loc)
    if kind == "extra_forbidden":
        in_phase = len(loc) >= 2 and loc[0] == "phases"
        known = _known_fields(in_phase)
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        fix = f"did you mean {close[0]!r}?" if close else "remove it"
        what = "a phase" if in_phase else "a template"
        return f"{where}: is not a field {what} can have; {fix} (known fields: {', '.join(known)})"
    if kind == "enum":
        return f"{where}: {_shown(value)} is not a phase kind; {_hint(loc)}"
    if kind == "literal_error":
        return _with_hint(f"{where}: {_shown(value)} is not allowed", loc)
    if kind.startswith("string_pattern"):
        return _with_hint(f"{where}: {_shown(value)} is not a valid id", loc)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _with_hint(f"{where}: {_shown(value)} is not a whole number", loc)
    if kind in ("greater_than_equal", "greater_than"):
        return _with_hint(f"{where}: {_shown(value)} is too small", loc)
    if kind in ("less_than_equal", "less_than"):
        return _with_hint(f"{where}: {_shown(value)} is too large", loc)
    if kind == "string_type":
        return _with_hint(f"{where}: {_shown(value)} should be text in quotes", loc)
    if kind == "string_too_short":
        return _with_hint(f"{where}: is empty", loc)
    if kind == "string_too_long":
        return f"{where}: is too long ({len(value)} characters); keep it to {ctx.get('max_length')} characters"
    if kind == "list_type":
        return _with_hint(f"{where}: {_shown(value)} should be a list in square brackets", loc)
    if kind == "too_short" and name == "phases":
        return f"{where}: has no phases; a template needs at least one, each starting with a [[phases]] line"
    if kind == "too_short":
        return f"{where}: needs at least {plural(int(ctx.get('min_length') or 1), 'item')}"
    if kind == "too_long":
        return f"{where}: has {ctx.get('actual_length')} items; at most {ctx.get('max_length')} are allowed"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{where}: {_shown(value)} should be a table; start each phase with a [[phases]] line"
    if kind == "value_error":
        message = str(ctx.get("error", error.get("msg", "")))
        return f"{where}: {message}"
    return f"{where}: {error.get('msg', 'is not valid')}"


def _toml_problem(exc: tomllib.TOMLDecodeError) -> str:
    message = str(exc)
    position = _TOML_POSITION.search(message)
    if position:
        reason = message[: position.start()]
        return (
            f"TOML syntax error at line {position.group(1)}, column {position.group(2)}: {reason}; "
            "check the quotes, brackets and '=' on that line"
        )
    if _TOML_AT_END.search(message):
        reason = _TOML_AT_END.sub("", message)
        return f"TOML syntax error at the end of the file: {reason}; something (a quote or bracket) is not closed"
    return f"TOML syntax error: {message}"


def read_template_toml(data: bytes, path: Path | str = "<template>") -> dict[str, Any]:
    """Bytes of a TOML file to its tables (not yet checked as a template), or TemplateError."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(
            path,
            [f"the file is {_size_text(len(data))}; a template must be under {MAX_TEMPLATE_BYTES // 1024} KB (is it the "
             "right file?)"],
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TemplateError(
            path,
            [
                f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}, byte {exc.start}); "
                "save it as UTF-8 in your editor"
            ],
        ) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(path, [_toml_problem(exc)]) from None
    except RecursionError:
        raise TemplateError(path, ["the file nests lists or tables too deeply to be a template"]) from None
    if not raw:
        raise TemplateError(path, ["the file is empty; a template needs at least id, name and one [[phases]] table"])
    return _without_controls(raw)


def _without_controls(value: Any) -> Any:
    """The template's text with control characters (an escape sequence that would clear the projected screen, say)
    and direction overrides left out, as from what is typed (text.visible); tabs and line breaks kept."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible(k) if isinstance(k, str) else k: _without_controls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_controls(v) for v in value]
    return value


def validate_template(raw: dict[str, Any], path: Path | str = "<template>", text: str | None = None) -> Template:
    """A template file's tables to a Template, or TemplateError naming what is wrong and where: every problem at
    once (two phases with one id was said only once the others were mended), each with its line in the file when
    ``text`` (the file's text) is given ("phases[1].kind" made a team lead count [[phases]] blocks)."""
    from pydantic import ValidationError

    from .models import Template

    try:
        return Template.model_validate(raw)
    except ValidationError as exc:
        problems = [(tuple(e.get("loc", ())), describe_error(e, raw)) for e in exc.errors()]
        if not any(loc == ("phases",) for loc, _ in problems):
            problems += [(("phases", second), said) for second, said in _same_phase_ids(raw)]
        lines = _key_lines(text) if text is not None else None
        placed = [(_line_of(lines, loc) if lines is not None else None, problem) for loc, problem in problems]
        # In the order of the file (sorted is stable: problems on one line keep pydantic's order)
        placed.sort(key=lambda item: item[0] if item[0] is not None else 1 << 30)
        raise TemplateError(path, [f"line {line}: {problem}" if line else problem for line, problem in placed]) from None


def _same_phase_ids(raw: object) -> list[tuple[int, str]]:
    """(the later phase's place, a sentence) for each phase id used twice, read from the tables as written (the
    model says it only when every phase is otherwise right)."""
    phases = raw.get("phases") if isinstance(raw, dict) else None
    if not isinstance(phases, list):
        return []
    first_seen: dict[str, int] = {}
    found = []
    for index, phase in enumerate(phases):
        pid = phase.get("id") if isinstance(phase, dict) else None
        if not isinstance(pid, str):
            continue
        if pid in first_seen:
            found.append((index, f"phases: phase id {pid!r} is used by phases[{first_seen[pid]}] and phases[{index}]; "
                                 "give every phase its own id"))
        else:
            first_seen[pid] = index
    return found


_TABLE_LINE = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def _key_lines(text: str) -> list[tuple[int, str | None, int, str]]:
    """(line number, the table it is in (None: the top), that table's count so far, the key it sets) for every line
    that sets a key or opens a table ("" as the key)."""
    out = []
    table: str | None = None
    counts: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        opened = _TABLE_LINE.match(line)
        if opened:
            table = opened.group(1)
            counts[table] = counts.get(table, -1) + 1
            out.append((number, table, counts[table], ""))
            continue
        key = _KEY_LINE.match(line)
        if key:
            out.append((number, table, counts.get(table, 0) if table else 0, key.group(1)))
    return out


def _line_of(lines: list[tuple[int, str | None, int, str]], loc: tuple) -> int | None:
    """The line a problem at ``loc`` (pydantic's: ("phases", 1, "kind")) is on, as near as the file says."""
    if not loc:
        return None
    if loc[0] == "phases" and len(loc) >= 2 and isinstance(loc[1], int):
        in_phase = [(n, key) for n, table, count, key in lines if table == "phases" and count == loc[1]]
        if len(loc) >= 3:
            keyed = [n for n, key in in_phase if key == loc[2]]
            if keyed:
                return keyed[0]
        return in_phase[0][0] if in_phase else None
    keyed = [n for n, table, _, key in lines if table is None and key == loc[0]]
    return keyed[0] if keyed else None


def parse_template(data: bytes, path: Path | str = "<template>") -> Template:
    """Bytes of a TOML file to a Template, or TemplateError naming what is wrong and where."""
    raw = read_template_toml(data, path)
    return validate_template(raw, path, data.decode("utf-8-sig", errors="replace"))


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def _read_template_file(path: Path) -> bytes:
    """The file's bytes; a file over MAX_TEMPLATE_BYTES is refused by its size, and a device or a pipe (a link to
    /dev/zero, say) is never read: reading it whole filled the memory, or waited for ever."""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise TemplateError(path, ["is not a regular file (a device or a pipe); a template is a .toml text file"])
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(MAX_TEMPLATE_BYTES + 1)
            if len(data) > MAX_TEMPLATE_BYTES:
                raise TemplateError(path, [f"the file is {_size_text(max(size, len(data)))}; a template must be under "
                                           f"{MAX_TEMPLATE_BYTES // 1024} KB (is it the right file?)"])
    except FileNotFoundError:
        raise TemplateError(path, ["there is no such file; check the path"]) from None
    except IsADirectoryError:
        raise TemplateError(path, ["is a folder, not a template file"]) from None
    except OSError as exc:
        raise TemplateError(path, [f"cannot be read ({exc.strerror or exc})"]) from None
    return data


def load_template_file(path: Path) -> Template:
    path = Path(path)
    return parse_template(_read_template_file(path), path)


def template_warnings(template: Template, path: Path | None = None) -> list[str]:
    """Things that are allowed but probably not meant: shown by `templates validate`, never fatal."""
    warnings: list[str] = []
    total = template.total_timebox
    if total > template.typical_length * 1.5 or total < template.typical_length * 0.5:
        warnings.append(
            f"the phase timeboxes add up to {total} minutes but typical_length is {template.typical_length}; "
            "change one of them so the session plan adds up"
        )
    if path is not None and path.stem != template.id:
        warnings.append(f"the file is called {path.name} but the id is '{template.id}'; naming it {template.id}.toml makes it easier to find")
    for index, phase in enumerate(template.phases):
        if phase.kind == PhaseKind.scale and not (phase.scale_low and phase.scale_high):
            warnings.append(
                f"phases[{index}] ({phase.id}) is a scale with no scale_low / scale_high; "
                "say what 0 and 10 mean so everyone rates on the same scale"
            )
    if not template.ground_rules:
        warnings.append("there are no ground_rules; the group will be asked to agree its own")
    return warnings


@dataclass
class LoadedTemplate:
    template: Template
    path: Path
    source: str  # "built-in" or "user"

    @property
    def id(self) -> str:
        return self.template.id

    @property
    def name(self) -> str:
        return self.template.name


@dataclass
class BrokenTemplate:
    path: Path
    source: str
    problems: list[str]


@dataclass(frozen=True)
class TemplateCard:
    """What the home screen shows of a template: read from its TOML alone, before (or after) validation."""

    id: str
    name: str
    phase_count: int
    typical_length: int
    summary: str
    when_to_use: str
    source: str
    path: Path

    @classmethod
    def of(cls, loaded: LoadedTemplate) -> "TemplateCard":
        t = loaded.template
        return cls(
            t.id, t.name, len(t.phases), t.typical_length, t.summary.strip(), t.when_to_use.strip(), loaded.source, loaded.path
        )

    @classmethod
    def from_toml(cls, raw: dict[str, Any], path: Path, source: str) -> "TemplateCard":
        def text(key: str, default: str = "") -> str:
            value = raw.get(key, default)
            return value.strip() if isinstance(value, str) else default

        def line(key: str, default: str) -> str:  # (as the model takes it: models.ShortLine)
            return " ".join(text(key, default).split()) or default

        phases = raw.get("phases")
        length = raw.get("typical_length", 60)
        return cls(
            text("id", path.stem), line("name", path.stem), len(phases) if isinstance(phases, list) else 0,
            length if isinstance(length, int) else 60, text("summary"), text("when_to_use"), source, path,
        )


# The order templates are offered in: the flagship first, then roughly from quickest to most formal.
BUILTIN_ORDER = [
    "serious-success-review",
    "quick-success-huddle",
    "learning-from-excellence",
    "gibbs-reflective-cycle",
    "signs-of-safety-group-supervision",
    "appreciative-inquiry",
    "after-action-review",
    "learning-review",
    "mini-internal-review",
]


def _order(source: str, template_id: str, name: str) -> tuple:
    builtin = source == BUILT_IN
    rank = BUILTIN_ORDER.index(template_id) if builtin and template_id in BUILTIN_ORDER else len(BUILTIN_ORDER)
    return (not builtin, rank, name.casefold())


def _template_files(folder: Path, source: str, broken: list[BrokenTemplate]) -> list[Path]:
    try:
        if not folder.exists():
            return []
        if not folder.is_dir():
            broken.append(BrokenTemplate(folder, source, [
                "is a file where the templates folder should be, so no templates of your own were loaded; "
                "move the file aside and make a folder of that name for your template files"
            ]))
            return []
        files = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError as exc:
        broken.append(BrokenTemplate(folder, source, [f"the templates folder cannot be read ({exc.strerror or exc})"]))
        return []
    for path in files:
        if _other_format(path):  # (a team writing YAML, or a file saved as "x.toml.txt", gets a word, not silence)
            broken.append(BrokenTemplate(path, source, [NOT_TOML]))
    return [p for p in files if p.suffix.lower() == ".toml"]


#: why a template file in another format is not read
NOT_TOML = ("is not read: template files are TOML, named .toml; `facilitator templates guide` shows how to write one, "
            "with a complete example")


def _other_format(path: Path) -> bool:
    """A file that looks meant as a template but is not TOML by its name: YAML, JSON, or .toml with .txt after it."""
    name = path.name.lower()
    return path.suffix.lower() in (".yaml", ".yml", ".json") or name.endswith(".toml.txt")


def _clash(template_id: str, first_source: str, first_path: Path, source: str) -> str:
    return (
        f"its id '{template_id}' is already used by the {first_source} template {first_path.name}, "
        f"so it was not loaded; give it another id (for example '{template_id}-{source}')"
    )


class TemplateLibrary:
    """Every template we can find; broken ones are listed with their reasons, never raised.

    Validation (pydantic) happens on first use of ``templates``, ``broken``, ``get()`` and the like.
    ``cards()`` needs only the files' TOML: the home screen is drawn from it before the templates are
    validated, and from the validated templates once they are.
    """

    def __init__(self, sources: list[tuple[Path, str]] = ()) -> None:  # type: ignore[assignment]
        self._sources = list(sources)
        self._lock = threading.Lock()
        self._loaded: tuple[dict[str, LoadedTemplate], list[BrokenTemplate], list[str]] | None = None
        self._read: tuple[list[TemplateCard], list[BrokenTemplate]] | None = None

    @property
    def validated(self) -> bool:
        return self._loaded is not None

    @property
    def has_own_templates(self) -> bool:
        """Whether there are template files besides the built-in ones (which the project's tests check):
        only those can turn out to be broken when validated."""
        return any(_template_files(folder, source, []) for folder, source in self._sources if source != BUILT_IN)

    def _load(self) -> tuple[dict[str, LoadedTemplate], list[BrokenTemplate], list[str]]:
        with self._lock:
            if self._loaded is None:
                self._loaded = self._validate_all()
            return self._loaded

    def _validate_all(self) -> tuple[dict[str, LoadedTemplate], list[BrokenTemplate], list[str]]:
        loaded, broken, clashes = self._gather(lambda path, source: LoadedTemplate(load_template_file(path), path, source))
        return {t.id: t for t in loaded}, broken, clashes

    def _gather(self, read: Callable[[Path, str], Any]) -> tuple[list[Any], list[BrokenTemplate], list[str]]:
        """Every template file read with ``read`` (to a LoadedTemplate or a TemplateCard), in the order they
        are offered; the files that could not be read, or whose id an earlier file has, as broken."""
        found: dict[str, Any] = {}
        broken: list[BrokenTemplate] = []
        clashes: list[str] = []
        for folder, source in self._sources:
            for path in _template_files(folder, source, broken):
                try:
                    item = read(path, source)
                except TemplateError as exc:
                    broken.append(BrokenTemplate(path, source, exc.problems))
                    continue
                except Exception as exc:  # noqa: BLE001 - a template must never stop the app
                    broken.append(BrokenTemplate(path, source, [f"could not be loaded ({type(exc).__name__}: {exc})"]))
                    continue
                first = found.get(item.id)
                if first is not None:
                    message = _clash(item.id, first.source, first.path, source)
                    clashes.append(f"{path}: {message}")
                    broken.append(BrokenTemplate(path, source, [message]))
                    continue
                found[item.id] = item
        return sorted(found.values(), key=lambda item: _order(item.source, item.id, item.name)), broken, clashes

    @property
    def templates(self) -> dict[str, LoadedTemplate]:
        return self._load()[0]

    @property
    def broken(self) -> list[BrokenTemplate]:
        return self._load()[1]

    @property
    def clashes(self) -> list[str]:
        return self._load()[2]

    def get(self, template_id: str) -> Template:
        return self.templates[template_id].template

    def __contains__(self, template_id: str) -> bool:
        return template_id in self.templates

    def ordered(self) -> list[LoadedTemplate]:
        return list(self.templates.values())

    def cards(self) -> tuple[list[TemplateCard], list[BrokenTemplate]]:
        """(the usable templates, in order; the broken ones): validated if that is done, else from the TOML."""
        if self._loaded is not None:
            templates, broken, _ = self._loaded
            return [TemplateCard.of(t) for t in templates.values()], broken
        if self._read is None:
            self._read = self._read_all()
        return self._read

    def _read_all(self) -> tuple[list[TemplateCard], list[BrokenTemplate]]:
        cards, broken, _ = self._gather(
            lambda path, source: TemplateCard.from_toml(read_template_toml(_read_template_file(path), path), path, source)
        )
        return cards, broken


def _raw_id(path: Path) -> str | None:
    """The id a template file gives itself, read from its TOML alone; None if that cannot be read."""
    try:
        value = read_template_toml(_read_template_file(path), path).get("id")
    except (TemplateError, OSError):
        return None
    return value.strip() if isinstance(value, str) else None


def find_broken(library: TemplateLibrary, template_id: str) -> BrokenTemplate | None:
    """A broken template file of that id (the id it gives itself, or its file name without .toml)."""
    wanted = template_id.strip()
    for broken in library.broken:
        if broken.path.suffix.lower() == ".toml" and wanted in (broken.path.stem, _raw_id(broken.path)):
            return broken
    return None


def open_library(user_dir: Path | None = None, builtin_dir: Path | None = None) -> TemplateLibrary:
    """The built-in templates and the user's, validated on first use (see TemplateLibrary)."""
    sources = [(builtin_dir or builtin_templates_dir(), BUILT_IN)]
    if user_dir is not None:
        sources.append((user_dir, USER))
    return TemplateLibrary(sources)


def load_library(user_dir: Path | None = None, builtin_dir: Path | None = None) -> TemplateLibrary:
    """Every template we can find, validated now; broken ones are listed with their reasons, never raised."""
    library = open_library(user_dir, builtin_dir)
    library.templates  # noqa: B018 - validates every template now
    return library


# ---------------------------------------------------------------------- text for the command line
def _wrap(text: str, indent: str, width: int = 88) -> list[str]:
    import textwrap

    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        joined = " ".join(paragraph.split())
        more = indent + "  " if joined.startswith("- ") else indent
        out += textwrap.wrap(joined, width, initial_indent=indent, subsequent_indent=more) or [indent]
    return out


def _item(text: str, bullet: str, width: int = 88) -> list[str]:
    """One list item, wrapped with its continuation lines under the text, not under the bullet."""
    import textwrap

    return textwrap.wrap(" ".join(text.split()), width, initial_indent=bullet, subsequent_indent=" " * len(bullet))


def _guidance_lines(guidance: str, indent: str) -> list[str]:
    """Markdown guidance, readable as plain text: list items stay items, paragraphs are re-wrapped."""
    blocks: list[str] = []
    current: list[str] = []
    for line in guidance.strip().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("- ", "* ")):
            if current:
                blocks.append(" ".join(current))
            current = [("- " + stripped[2:]) if stripped else ""]
            if not stripped:
                current = []
            continue
        current.append(stripped)
    if current:
        blocks.append(" ".join(current))
    lines: list[str] = []
    for block in blocks:
        lines += _wrap(block.replace("**", ""), indent)
    return lines


def template_text(template: Template, source: str = "", path: Path | None = None) -> str:
    """The whole script of a template, readable in a terminal or on paper."""
    from .models import KIND_DESCRIPTIONS

    title = f"{template.name}  ({template.id}, version {template.version})"
    lines = [title, "=" * min(len(title), 88)]
    if source:
        lines.append(f"Source: {source} template" + (f", {path}" if path else ""))
    lines.append(
        f"Typical length: {template.typical_length} minutes; {len(template.phases)} phases "
        f"timeboxed to {template.total_timebox} minutes in all"
    )
    if template.summary:
        lines += [""] + _wrap(template.summary, "")
    if template.when_to_use:
        lines += ["", "When to use it:"] + _wrap(template.when_to_use, "  ")
    lines += ["", "Ground rules:"]
    if template.ground_rules:
        for rule in template.ground_rules:
            lines += _item(rule, "  - ")
    else:
        lines.append("  (none written: the group agrees its own)")
    if template.tags:
        lines += [""] + _item(", ".join(template.tags), "Tags for strengths: ")
    for number, phase in enumerate(template.phases, start=1):
        lines += ["", f"{number}. {phase.title}  [{phase.timebox} min]"]
        lines.append(f"   Records: {KIND_DESCRIPTIONS[phase.kind]} ({phase.kind.value})")
        if phase.kind.value == "scale":
            by = "one rating for the group" if phase.rated_by_group else "each person gives a rating"
            lines.append(f"   Scale: {by}")
            if phase.scale_low:
                lines.append(f"     0 = {phase.scale_low}")
            if phase.scale_high:
                lines.append(f"    10 = {phase.scale_high}")
        lines += _wrap("Prompt: " + phase.prompt, "   ")
        if phase.guidance.strip():
            lines.append("   Guidance:")
            lines += _guidance_lines(phase.guidance, "     ")
        if phase.questions:
            lines.append("   Suggested questions:")
            for question in phase.questions:
                lines += _item(question, "     ? ")
    if template.sources:
        lines += ["", "Where it comes from:"]
        for source_line in template.sources:
            lines += _item(source_line, "  - ")
    return "\n".join(lines)


def template_list_text(library: TemplateLibrary, user_dir: Path | None = None) -> str:
    """`templates list`: one template a line, tab-separated (id, name, phases, typical length, source),
    like `sessions list`; then, after a blank line, any broken files with the reasons."""
    lines = []
    for loaded in library.ordered():
        t = loaded.template
        phases = f"{len(t.phases)} phase" + ("" if len(t.phases) == 1 else "s")
        lines.append(f"{t.id}\t{t.name}\t{phases}\t{t.typical_length} min\t{loaded.source}")
    if library.broken:
        lines += ["", f"Broken templates ({len(library.broken)}), not loaded:"]
        for broken in library.broken:
            lines.append(f"  {broken.path} ({broken.source}):")
            lines += [f"    - {problem}" for problem in broken.problems]
        lines.append("  Run `facilitator templates validate FILE` for the details of one file.")
    if user_dir is not None:
        lines += ["", f"Your own templates go in {user_dir}; `facilitator templates guide` explains how to write one."]
    return "\n".join(lines)


def _id_problems(template: Template, path: Path, user_dir: Path | None) -> list[str]:
    """Why the app would not load this file although it is valid on its own: another template has its id.

    The app keeps the built-in template and lists the other file as broken; of two files of the team's own
    with one id, it keeps the first by name. A copy of a file already in the folder, under the same name,
    would replace it, so it does not clash with it.
    """
    builtin = load_library(None)
    same = builtin.templates.get(template.id)
    if same is not None and same.path.resolve() != path.resolve():
        return [
            f"the id '{template.id}' is already used by the built-in template '{same.name}', so the app would "
            f"list this file as broken and not load it; give it another id (for example '{template.id}-{USER}')"
        ]
    if user_dir is None:
        return []
    for other in load_library(user_dir).templates.values():
        if other.source == USER and other.id == template.id and other.path.resolve() != path.resolve() and other.path.name != path.name:
            return [
                f"the id '{template.id}' is already used by your template {other.path}, so the app would load only "
                "one of the two; give this one another id, or save it under that file's name to replace it"
            ]
    return []


def validate_report(path: Path, user_dir: Path | None = None) -> tuple[bool, str]:
    """`templates validate FILE`: (is it valid, what to print). Valid means the app would load it as it is."""
    path = Path(path)
    if _other_format(path):
        return False, f"{path}: not a valid template (1 problem):\n  - {NOT_TOML}"
    try:
        template = load_template_file(path)
        problems = _id_problems(template, path, user_dir)
        if problems:
            raise TemplateError(path, problems)
    except TemplateError as exc:
        count = len(exc.problems)
        lines = [f"{path}: not a valid template ({plural(count, 'problem')}):"]
        lines += [f"  - {problem}" for problem in exc.problems]
        return False, "\n".join(lines)
    lines = [
        f"{path}: valid template '{template.id}' ({template.name}, {len(template.phases)} phases, "
        f"{template.typical_length} min)."
    ]
    notes = template_warnings(template, path)
    if notes:
        lines.append("Worth a look:")
        lines += [f"  - {note}" for note in notes]
    return True, "\n".join(lines)
