"""The phone page: plain HTML, large print, every field labelled, one form fitting the phase's kind.

Everything shown is escaped (titles, questions and what was typed are text, never markup). The style and the
small script that follows the room are inline and allowed by their hashes in the Content-Security-Policy, so
the page loads nothing else; it works without the script (a link reloads the question).
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from typing import TYPE_CHECKING

from ..vocabulary import PHONE_MAX_NAME, PHONE_MAX_TEXT

if TYPE_CHECKING:
    from .server import RoomView

STYLE = """
body{font-family:system-ui,sans-serif;font-size:1.25rem;line-height:1.5;margin:0 auto;padding:1rem;max-width:36rem;
color:#111;background:#fff}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.25rem;margin:1rem 0 .5rem}
p.phase{margin:0;color:#333}p.question{font-size:1.4rem;font-weight:600;margin:.5rem 0 1rem}
label,legend{display:block;font-weight:600;margin:1rem 0 .25rem}
textarea,input[type=text]{box-sizing:border-box;width:100%;font-size:1.2rem;padding:.5rem;border:2px solid #555;
border-radius:.4rem}
textarea{min-height:7rem}
fieldset{border:2px solid #555;border-radius:.4rem;margin:1rem 0;padding:.5rem}
.scale{display:flex;flex-wrap:wrap;gap:.25rem}.scale label{display:inline-block;font-weight:400;margin:0;
padding:.4rem .6rem;border:1px solid #555;border-radius:.3rem;min-width:2rem;text-align:center}
.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400}.check input{width:1.6rem;height:1.6rem;flex:none}
button{font-size:1.3rem;padding:.7rem 1.4rem;margin:1rem 0;border:0;border-radius:.4rem;background:#1a4d8f;color:#fff;
width:100%}
.received{border-left:.4rem solid #1d7a3a;padding:.5rem 1rem;background:#eef7f0}
.problem{border-left:.4rem solid #b00020;padding:.5rem 1rem;background:#fdecee}
.hint{font-weight:400;font-size:1rem;color:#333}
a{color:#1a4d8f}
""".strip()

# Follows the room: a few seconds after the page loads, then every ten seconds, it asks for the current question
# (which also tells the app a phone is on the page: its place in the room is taken then); when the facilitator
# has moved to another phase and nothing is typed in any of its boxes (the vote page's box for a concern
# among them), the page reloads. When the app no longer answers for this page
# (phone access closed, the app closed, the session ended) the page says so at its top, and takes it away when the
# app answers again (a page left open kept the old question without a word).
CLOSED = ("Phone access is closed. What you typed stays on this page: when the facilitator opens phone access "
          "again, scan the new code and send it from there.")
SCRIPT = """
(function(){var p=document.body.getAttribute('data-phase');function shut(on){var n=document.getElementById('shut');
if(on&&!n){n=document.createElement('p');n.id='shut';n.className='problem';n.setAttribute('role','status');
n.textContent=%s;var m=document.querySelector('main')||document.body;m.insertBefore(n,m.firstChild);}
if(!on&&n)n.parentNode.removeChild(n);}function look(){var typed=false,
t=document.querySelectorAll('textarea,input[type=text]');for(var i=0;i<t.length;i++){if(t[i].value)typed=true;}
fetch(location.pathname+'/phase',{credentials:'same-origin'}).then(function(r){if(r.status===404){shut(true);return p;}
shut(false);return r.ok?r.text():p;})
.then(function(x){if(x&&x!==p&&!typed)location.replace(location.pathname);}).catch(function(){shut(true);});}
setTimeout(look,3000);setInterval(look,10000);})();
""".strip() % json.dumps(CLOSED)


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


CSP = (
    "default-src 'none'; "
    f"style-src {_hash(STYLE)}; "
    f"script-src {_hash(SCRIPT)}; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

#: the fields a person writes in (given back to copy when a form cannot be taken)
TEXT_FIELDS = ("text", "evidence", "when", "changed", "owner", "due", "tell")
MAX_FIELD = PHONE_MAX_TEXT  # the browser stops where the app would
MAX_NAME = PHONE_MAX_NAME

#: what each kind asks for, beside the main box: (field, label, hint)
KIND_FORM: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "discussion": ("What would you like to say?", []),
    "round": ("What would you like to say? (or write: pass)", []),
    "strengths": ("The strength", [("evidence", "Evidence: how do we know?", "")]),
    "timeline": (
        "The turning point: what happened",
        [("when", "When", "for example: month 3"), ("changed", "What was done differently", "")],
    ),
    "actions": (
        "The action",
        [("owner", "Who owns it", ""), ("due", "When it is due", "a date or words"), ("tell", "Who hears about it", "")],
    ),
    "scale": ("Why this number?", []),
}


def _field(name: str, label: str, hint: str, value: str, maxlength: int = MAX_FIELD) -> str:
    hint_html = f' <span class="hint">({escape(hint)})</span>' if hint else ""
    return (
        f'<label for="f-{name}">{escape(label)}{hint_html}</label>'
        f'<input type="text" id="f-{name}" name="{name}" value="{escape(value)}" maxlength="{maxlength}" '
        'autocomplete="off">'
    )


def _page_head(view: RoomView, notice: str, problem: str) -> list[str]:
    """The start of a phone's page: the session's title, and what was just received or went wrong."""
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(view.title)}</title>",
        f"<style>{STYLE}</style></head>",
        f'<body data-phase="{escape(view.phase_key)}">',
        "<main>",
        f"<h1>{escape(view.title)}</h1>",
    ]
    if notice:
        parts.append(f'<p class="received" role="status">{escape(notice)}</p>')
    if problem:
        parts.append(f'<p class="problem" role="alert">{escape(problem)}</p>')
    return parts


def render_page(
    view: RoomView,
    *,
    action: str,
    csrf: str,
    once: str = "",
    values: dict[str, str] | None = None,
    notice: str = "",
    problem: str = "",
) -> str:
    values = values or {}
    kind = view.kind if view.kind in KIND_FORM else "discussion"
    main_label, extra = KIND_FORM[kind]
    parts = _page_head(view, notice, problem)
    if not view.open:
        parts.append("<p>The session is not taking contributions from phones now.</p></main></body></html>")
        return "\n".join(parts)
    parts += [
        f'<p class="phase">{view.phase_number} of {view.phase_count}: {escape(view.phase_title)}</p>',
        f'<p class="question">{escape(view.prompt)}</p>',
        f'<form method="post" action="{escape(action)}">',
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">',
        f'<input type="hidden" name="once" value="{escape(once)}">',
        f'<input type="hidden" name="phase" value="{escape(view.phase_id)}">',
    ]
    if kind == "scale":
        # The scale's ends on a line of their own under the legend, in plain weight ("0 to 10 0 = ..." in one bold
        # block read as a slip).
        ends = "; ".join(filter(None, [view.scale_low and f"0 = {view.scale_low}",
                                       view.scale_high and f"10 = {view.scale_high}"]))
        parts.append("<fieldset><legend>Your rating, 0 to 10</legend>")
        if ends:
            parts.append(f'<p class="hint">{escape(ends)}</p>')
        parts.append('<div class="scale">')
        for n in range(11):
            checked = " checked" if values.get("rating") == str(n) else ""
            parts.append(
                f'<label for="r{n}"><input type="radio" id="r{n}" name="rating" value="{n}"{checked}> {n}</label>'
            )
        parts.append("</div></fieldset>")
    parts.append(f'<label for="f-text">{escape(main_label)}</label>')
    parts.append(f'<textarea id="f-text" name="text" maxlength="{MAX_FIELD}">{escape(values.get("text", ""))}</textarea>')
    for name, label, hint in extra:
        parts.append(_field(name, label, hint, values.get(name, "")))
    parts.append(_field("name", "Your name", "optional: leave it empty to stay anonymous", values.get("name", ""),
                        MAX_NAME))
    checked = " checked" if values.get("safeguarding") == "yes" else ""
    parts += [
        f'<label class="check" for="f-safeguarding"><input type="checkbox" id="f-safeguarding" name="safeguarding"'
        f' value="yes"{checked}> Only for the facilitator: a safeguarding concern</label>',
        '<p class="hint">Ticked, it goes only to the facilitator\'s private note: never shown on the screen, '
        "never in the minutes.</p>",
        "<button type=\"submit\">Send</button>",
        "</form>",
        f'<p class="hint">What you send is shown to the room when the facilitator reveals it. '
        f'<a href="{escape(action)}">Show the current question</a></p>',
        "</main>",
        f"<script>{SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _concern_form(view: RoomView, *, action: str, csrf: str, once: str, values: dict[str, str]) -> list[str]:
    """A box for a safeguarding concern alone (the dot vote's page, which has no other box: a concern cannot wait
    for the vote to close)."""
    return [
        "<h2>Only for the facilitator</h2>",
        f'<form method="post" action="{escape(action)}">',
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">',
        f'<input type="hidden" name="once" value="{escape(once)}">',
        f'<input type="hidden" name="phase" value="{escape(view.phase_id)}">',
        '<input type="hidden" name="safeguarding" value="yes">',
        '<label for="f-text">A safeguarding concern</label>',
        f'<textarea id="f-text" name="text" maxlength="{MAX_FIELD}">{escape(values.get("text", ""))}</textarea>',
        _field("name", "Your name", "optional: leave it empty to stay anonymous", values.get("name", ""), MAX_NAME),
        '<p class="hint">It goes only to the facilitator\'s private note: never shown on the screen, never in the '
        "minutes, never one of the things voted on.</p>",
        '<button type="submit">Send to the facilitator</button>',
        "</form>",
    ]


def render_vote_page(
    view: RoomView, *, action: str, csrf: str, left: int, mine: dict[str, int] | None = None, notice: str = "",
    problem: str = "", once: str = "", values: dict[str, str] | None = None,
) -> str:
    """The dot vote: each item with a button that puts one of this phone's dots on it, and how many of this
    phone's dots are on it already. Each button's name says which item it is for (a screen reader reads the
    buttons on their own). Below them, a box for a safeguarding concern (``values``: what it held, given back)."""
    mine = mine or {}
    parts = _page_head(view, notice, problem)
    parts += [
        f'<h2>Vote: {escape(view.phase_title)}</h2>',
        f'<p class="question">You have {left} of {view.votes_each} vote{"" if view.votes_each == 1 else "s"} left. '
        "Put them on what matters most (more than one on the same item if you like).</p>",
    ]
    for item_id, text in view.vote:
        disabled = " disabled" if left <= 0 else ""
        parts += [
            f'<form method="post" action="{escape(action)}" class="vote">',
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">',
            f'<input type="hidden" name="once" value="{escape(once)}">',
            f"<p>{escape(text)}</p>",
        ]
        if mine.get(item_id):
            n = mine[item_id]
            parts.append(f'<p class="hint">Your vote{"s" if n != 1 else ""} here: {n}</p>')
        parts += [
            f'<button type="submit" name="vote" value="{escape(item_id)}" aria-label="Vote for this: '
            f'{escape(text)}"{disabled}>Vote for this</button>',
            "</form>",
        ]
    parts += _concern_form(view, action=action, csrf=csrf, once=once, values=values or {})
    parts += ["</main>", f"<script>{SCRIPT}</script>", "</body></html>"]
    return "\n".join(parts)


def render_message(title: str, message: str, written: str = "") -> str:
    """A page of one sentence; ``written``, what the person had written, is given back for them to copy."""
    kept = ""
    if written:
        kept = ('<label for="f-written">What you wrote, to copy:</label>'
                f'<textarea id="f-written" readonly>{escape(written)}</textarea>')
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f'<body><main><h1>{escape(title)}</h1><p class="problem" role="alert">{escape(message)}</p>{kept}'
        "</main></body></html>"
    )
