"""Session -> structured markdown record. Pure functions: no files, no clock."""

from __future__ import annotations

import re

import yaml

from ..models import Contribution, Session, SessionStatus

# ASCII punctuation that can start inline structure in CommonMark (and GFM tables / strikethrough).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~!])")
_ORDERED_LIST_START = re.compile(r"^(\d+)([.)])")


def escape_inline(text: str) -> str:
    """Escape one line of user text so markdown shows it as typed and it creates no structure."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    ordered = _ORDERED_LIST_START.match(text)
    if ordered:
        return ordered.group(1) + "\\" + text[len(ordered.group(1)) :]
    if text[:1] in ("#", "+", "-", "="):
        return "\\" + text
    return text


def escape_block(text: str, indent: str = "  ") -> str:
    """User text of one or more lines, as the content of a list item (continuation lines indented)."""
    lines = [escape_inline(line.strip()) for line in text.strip().splitlines()]
    return ("\\\n" + indent).join(lines)


def _yaml_front_matter(data: dict) -> str:
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    return f"---\n{dumped}---\n"


def speaker_text(contribution: Contribution) -> str:
    return contribution.speaker or ""


def front_matter(session: Session, draft: bool) -> dict:
    return {
        "id": session.id,
        "template": session.template.id,
        "template_version": session.template.version,
        "title": session.title,
        "date": session.date.isoformat(),
        "team": session.team,
        "facilitator": session.facilitator,
        "participants": list(session.participants),
        "ground_rules_agreed": session.ground_rules_agreed,
        "started": session.created_at.isoformat(),
        "ended": session.ended_at.isoformat() if session.ended_at else None,
        "status": "draft" if draft else "final",
    }


def render_contribution(contribution: Contribution) -> str:
    body = escape_block(contribution.text)
    who = contribution.speaker
    if who:
        return f"- **{escape_inline(who)}:** {body}"
    return f"- {body}"


def render_markdown(session: Session, draft: bool | None = None) -> str:
    """The record of a session. `draft` defaults to True while the session is still running."""
    if draft is None:
        draft = session.status != SessionStatus.ended
    template = session.template
    out: list[str] = [_yaml_front_matter(front_matter(session, draft)), ""]
    out.append(f"# {escape_inline(session.title)}")
    out.append("")
    if draft:
        out.append("**DRAFT**: the session is not finished; this record may change.")
        out.append("")
    details = [
        ("Session", template.name),
        ("Date", session.date.strftime("%-d %B %Y")),
        ("Team", session.team or "not given"),
        ("Facilitator", session.facilitator or "not given"),
        ("Participants", ", ".join(session.participants) or "not given"),
    ]
    for label, value in details:
        out.append(f"- **{label}:** {escape_inline(value)}")
    out.append("")
    out.append("## Ground rules")
    out.append("")
    out.append(
        "The group agreed these ground rules and how confidential material is handled:"
        if session.ground_rules_agreed
        else "Agreement to the ground rules was not recorded."
    )
    out.append("")
    for rule in template.ground_rules:
        out.append(f"- {escape_inline(rule)}")
    if template.ground_rules:
        out.append("")
    for number, phase in enumerate(template.phases, start=1):
        out.append(f"## {number}. {escape_inline(phase.title)}")
        out.append("")
        out.append(f"*{escape_inline(' '.join(phase.prompt.split()))}*")
        out.append("")
        contributions = session.contributions_in(phase.id)
        if contributions:
            out.extend(render_contribution(c) for c in contributions)
        else:
            out.append("Nothing was recorded in this phase.")
        out.append("")
    out.append("## Sign-off")
    out.append("")
    out.append(f"Facilitated by {escape_inline(session.facilitator or '________')}. Signed: ________  Date: ________")
    out.append("")
    return "\n".join(out)
