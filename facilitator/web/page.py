"""The phone page: plain HTML, large print, every field labelled, one form fitting the phase's kind.

Everything shown is escaped (titles, questions and what was typed are text, never markup). The style and the
small script (it follows the room, and keeps what is typed and chosen on the phone until it is received: see
SCRIPT) are inline and allowed by their hashes in the Content-Security-Policy, so the page loads nothing else;
it works without the script (a link reloads the question).
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
button:disabled{background:#c8c8c8;color:#444}
.received{border-left:.4rem solid #1d7a3a;padding:.5rem 1rem;background:#eef7f0}
.problem{border-left:.4rem solid #b00020;padding:.5rem 1rem;background:#fdecee}
.hint{font-weight:400;font-size:1rem;color:#333}
a{color:#1a4d8f}
""".strip()

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


# What the page says at its top when the app no longer answers for it. No answer at all is phone access closed (x),
# the session ended or moved from, or the app closed (nothing listens any more), or this phone off the wifi: the
# page cannot tell these apart, so it never tells a phone to wait for an opening that may not come. A 404 is the
# app answering with this page's code no longer open: phone access was closed and opened again with a new code.
GONE = ("Phone access is closed, or this phone is off the wifi. What you typed stays here, not sent. If the "
        "session has ended, copy it and tell the facilitator; if phone access opens again, scan the new code and "
        "send it from there.")
CLOSED = ("This page's address is no longer open: phone access was closed and opened again with a new code. What "
          "you typed stays here, not sent: scan the code on the screen again and send it from there.")
#: under Send, when Send was pressed and the page knew it could not arrive (the browser was never sent off the page)
UNSENT = {"closed": "Not sent: this page's address is no longer open.",
          "gone": "Not sent: phone access is closed, or this phone is off the wifi."}
UNSENT_KEPT = " What you wrote is still here."
#: above the form, when what was written earlier (a reload, the link, a page of another question) is put back
KEPT = "What you wrote earlier is back in the boxes below. It has not been sent yet."
MOVED = ("What you wrote earlier is back in the boxes below, not sent yet. The question has changed since: check "
         "it still fits before you send it.")

# The page's small script (the page works without it: the form posts, the link reloads the question).
# - Follows the room: a few seconds after the page loads, then every ten seconds, it asks for the current question
#   (which also tells the app a phone is on the page: its place in the room is taken then); when the facilitator
#   has moved to another phase and nothing is typed or chosen on the page (a box, a rating, the safeguarding tick;
#   the vote page's box for a concern among them), the page reloads. When the app no longer answers for this page
#   it says so at its top (CLOSED, GONE), and takes it away when the app answers again.
# - Keeps what is typed and chosen in the tab's own sessionStorage (on this phone only, gone when the tab is
#   closed; named by the session, so another session's page never gets it), and puts it back when the page
#   loads again (a reload, "Show the current question", the page of the next question), until the app has said
#   "Received" for it. The vote page's box for a concern is kept apart, and put back in a page's main box with the
#   safeguarding box ticked: a concern never becomes something shown to the room.
# - Asks whether the app is still answering before a form is sent: when it is not, the browser never leaves the
#   page (its error page, and Back after it, lost what was typed) and the page says so under Send.
DRAFT_LABELS = {name: label.split(":")[0] for _, extra in KIND_FORM.values() for name, label, _ in extra}
DRAFT_LABELS["rating"] = "Rating (0 to 10)"
SCRIPT = """
(function(){
var b=document.body,p=b.getAttribute('data-phase'),key='draft-'+(b.getAttribute('data-draft')||'')+'-',
labels=%(labels)s,why='',busy=false;
function get(k){try{return JSON.parse(sessionStorage.getItem(key+k));}catch(e){return null;}}
function put(k,v){try{if(v)sessionStorage.setItem(key+k,JSON.stringify(v));else sessionStorage.removeItem(key+k);}
catch(e){}}
function forms(){return Array.prototype.filter.call(document.forms,function(f){return f.querySelector('textarea');});}
function which(f){var s=f.elements.safeguarding;return s&&s.type==='hidden'?'concern':'say';}
function fields(f){var d={},n=0;for(var i=0;i<f.elements.length;i++){var e=f.elements[i],t=e.type;
if(!e.name||t==='submit'||t==='button')continue;
if(t==='hidden'){if(e.name==='safeguarding')d[e.name]=e.value;continue;}
if(t==='radio'||t==='checkbox'?e.checked:e.value){d[e.name]=e.value;n++;}}return n?d:null;}
function typed(){return forms().some(function(f){return fields(f);});}
function save(){forms().forEach(function(f){var d=fields(f);if(d)d._phase=p;put(which(f),d);});}
function note(f,text){var n=document.createElement('p');n.id='kept';n.className='hint';n.setAttribute('role','status');
n.textContent=text;f.parentNode.insertBefore(n,f);}
function restore(f,d){var extra=[];for(var k in d){if(k==='_phase'||k==='safeguarding'&&which(f)==='concern')continue;
var e=f.elements[k];if(!e){if(labels[k])extra.push(labels[k]+': '+d[k]);continue;}
if(e.type==='checkbox')e.checked=d[k]===e.value;else e.value=d[k];}
var t=f.elements.text;if(extra.length)t.value=(t.value?t.value+'\\n\\n':'')+extra.join('\\n');
note(f,(d._phase||'').split('-vote-')[0]===p.split('-vote-')[0]?%(kept)s:%(moved)s);}
function load(){if(document.querySelector('p.received')&&/[?&]sent=(waiting|note)(&|$)/.test(location.search)){
var sent=get('sent');if(sent==='say'||sent==='concern')put(sent,null);put('sent',null);}
forms().forEach(function(f){var w=which(f),d=get(w);if(fields(f))return;
if(!d&&w==='say'){d=get('concern');put('concern',null);}if(d)restore(f,d);});save();}
function shut(text){var n=document.getElementById('shut');if(text&&!n){n=document.createElement('p');n.id='shut';
n.className='problem';n.setAttribute('role','status');var m=document.querySelector('main')||b;
m.insertBefore(n,m.firstChild);}
if(text&&n.textContent!==text)n.textContent=text;if(!text){if(n)n.parentNode.removeChild(n);
var u=document.getElementById('unsent');if(u)u.parentNode.removeChild(u);}}
function ask(){return fetch(location.pathname+'/phase',{credentials:'same-origin'}).then(function(r){
if(r.status===404){why='closed';shut(%(closed)s);return null;}why='';shut('');return r.ok?r.text():'';},
function(){why='gone';shut(%(gone)s);return null;}).catch(function(){return '';});}
function unsent(f){var u=document.getElementById('unsent');if(!u){u=document.createElement('p');u.id='unsent';
u.className='problem';u.setAttribute('role','alert');}f.parentNode.insertBefore(u,f.nextSibling);
u.textContent=(%(unsent)s[why]||'')+(f.querySelector('textarea')?%(unsent_kept)s:'');}
function mark(f){if(f.querySelector('textarea'))put('sent',which(f));}
function check(e){var f=e.target;save();if(f.getAttribute('data-asked')){f.removeAttribute('data-asked');mark(f);return;}
if(!f.requestSubmit||!('submitter' in e)){mark(f);return;}
e.preventDefault();if(busy)return;busy=true;var by=e.submitter,u=document.getElementById('unsent');
if(u)u.parentNode.removeChild(u);ask().then(function(x){busy=false;
if(x===null){unsent(f);return;}f.setAttribute('data-asked','1');if(by)f.requestSubmit(by);else f.requestSubmit();});}
function look(){ask().then(function(x){if(x&&x!==p&&!typed())location.replace(location.pathname);});}
load();document.addEventListener('input',save);document.addEventListener('change',save);
addEventListener('pagehide',save);document.addEventListener('submit',check);
setTimeout(look,3000);setInterval(look,10000);})();
""".strip() % {key: json.dumps(value) for key, value in {
    "labels": DRAFT_LABELS, "kept": KEPT, "moved": MOVED, "closed": CLOSED, "gone": GONE, "unsent": UNSENT,
    "unsent_kept": UNSENT_KEPT}.items()}


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


CSP = (
    "default-src 'none'; "
    f"style-src {_hash(STYLE)}; "
    f"script-src {_hash(SCRIPT)}; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _field(name: str, label: str, hint: str, value: str, maxlength: int = MAX_FIELD) -> str:
    hint_html = f' <span class="hint">({escape(hint)})</span>' if hint else ""
    return (
        f'<label for="f-{name}">{escape(label)}{hint_html}</label>'
        f'<input type="text" id="f-{name}" name="{name}" value="{escape(value)}" maxlength="{maxlength}" '
        'autocomplete="off">'
    )


def _page_head(view: RoomView, notice: str, problem: str, draft: str = "") -> list[str]:
    """The start of a phone's page: the session's title, and what was just received or went wrong. ``draft``
    names what the page's script keeps of what is typed (see SCRIPT): the same for every page of the session."""
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(view.title)}</title>",
        f"<style>{STYLE}</style></head>",
        f'<body data-phase="{escape(view.phase_key)}" data-draft="{escape(draft)}">',
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
    draft: str = "",
) -> str:
    values = values or {}
    kind = view.kind if view.kind in KIND_FORM else "discussion"
    main_label, extra = KIND_FORM[kind]
    parts = _page_head(view, notice, problem, draft)
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
    problem: str = "", once: str = "", values: dict[str, str] | None = None, draft: str = "",
) -> str:
    """The dot vote: each item with a button that puts one of this phone's dots on it, and how many of this
    phone's dots are on it already. Each button's name says which item it is for (a screen reader reads the
    buttons on their own). Below them, a box for a safeguarding concern (``values``: what it held, given back)."""
    mine = mine or {}
    parts = _page_head(view, notice, problem, draft)
    parts += [
        f'<h2>Vote: {escape(view.phase_title)}</h2>',
        f'<p class="question">You have {left} of {view.votes_each} vote{"" if view.votes_each == 1 else "s"} left. '
        "Put them on what matters most (more than one on the same item if you like).</p>"
        if left > 0 else
        f'<p class="question">You have used all your {view.votes_each} vote{"" if view.votes_each == 1 else "s"}: '
        "thank you. The facilitator will show the result.</p>",
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
