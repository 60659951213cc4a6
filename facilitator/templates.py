"""Session templates: TOML files in session_templates/ (built in) and in the user's templates folder."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .models import Template

MAX_TEMPLATE_BYTES = 512 * 1024


def builtin_templates_dir() -> Path:
    """Where the built-in templates are, after `pip install .` or `pip install -e .`."""
    packaged = Path(__file__).resolve().parent / "session_templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "session_templates"


class TemplateError(Exception):
    """A template file that cannot be used, with a message fit for the user."""

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


def _describe(error: dict) -> str:
    where = _loc_to_path(tuple(error.get("loc", ())))
    kind = error.get("type", "")
    msg = error.get("msg", "is not valid")
    if kind == "missing":
        return f"{where}: is missing; add it"
    if kind == "extra_forbidden":
        return f"{where}: is not a known field; remove it or check its spelling"
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{where}: {error.get('input')!r} is not a phase kind; use one of {expected}"
    if kind.startswith("string_pattern"):
        return f"{where}: {error.get('input')!r} must be lower-case letters, digits and hyphens (like 'case-story')"
    return f"{where}: {msg}"


def parse_template(data: bytes, path: Path | str = "<template>") -> Template:
    """Bytes of a TOML file to a Template, or TemplateError naming what is wrong and where."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(
            path, [f"the file is {len(data) // 1024} KB; a template must be under {MAX_TEMPLATE_BYTES // 1024} KB"]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(
            path, [f"the file is not UTF-8 text (bad byte at position {exc.start}); save it as UTF-8"]
        ) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(path, [f"TOML syntax error: {exc}"]) from None
    try:
        return Template.model_validate(raw)
    except ValidationError as exc:
        raise TemplateError(path, [_describe(e) for e in exc.errors()]) from None


def load_template_file(path: Path) -> Template:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateError(path, [f"cannot be read ({exc.strerror})"]) from None
    return parse_template(data, path)


@dataclass
class LoadedTemplate:
    template: Template
    path: Path
    source: str  # "built-in" or "user"


@dataclass
class BrokenTemplate:
    path: Path
    source: str
    problems: list[str]


@dataclass
class TemplateLibrary:
    templates: dict[str, LoadedTemplate] = field(default_factory=dict)
    broken: list[BrokenTemplate] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)

    def get(self, template_id: str) -> Template:
        return self.templates[template_id].template

    def __contains__(self, template_id: str) -> bool:
        return template_id in self.templates

    def ordered(self) -> list[LoadedTemplate]:
        return list(self.templates.values())


def load_library(user_dir: Path | None = None, builtin_dir: Path | None = None) -> TemplateLibrary:
    """Every template we can find; broken ones are listed with their reasons, never raised."""
    library = TemplateLibrary()
    sources = [(builtin_dir or builtin_templates_dir(), "built-in")]
    if user_dir is not None:
        sources.append((user_dir, "user"))
    for folder, source in sources:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                template = load_template_file(path)
            except TemplateError as exc:
                library.broken.append(BrokenTemplate(path, source, exc.problems))
                continue
            if template.id in library.templates:
                first = library.templates[template.id]
                library.clashes.append(
                    f"{path} uses the id '{template.id}', which {first.source} template {first.path.name} "
                    f"already has; it was not loaded. Give it another id."
                )
                library.broken.append(
                    BrokenTemplate(path, source, [f"id '{template.id}' is already used by {first.path}"])
                )
                continue
            library.templates[template.id] = LoadedTemplate(template, path, source)
    # Built-in Serious Success Review first: it is the product's flagship.
    order = sorted(
        library.templates.values(),
        key=lambda t: (t.source != "built-in", t.template.id != "serious-success-review", t.template.name),
    )
    library.templates = {t.template.id: t for t in order}
    return library
