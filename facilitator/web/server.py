"""The phone server: aiohttp on the app's own event loop, at http://<address>:<port>/j/<code>.

- The join code is 192 random bits (secrets.token_urlsafe), new each time the server starts; any other path,
  a wrong or an old code gets the same 404 page, whatever it is close to.
- Each phone gets a random cookie on its first visit, signed with the session's key (``key``: kept with what
  phones sent, so the same phone is known when phone access opens again, and a dot vote's votes it spent stay
  spent; a key for this opening only if none is given); the cookie is for /j/ on this address (the code in the
  address changes with each opening; the cookie only says which phone it is). Every form carries a token
  derived from it (another HMAC with that key), and a POST without both is refused (403).
- A place in the room (one of ``max_phones``) goes to a phone only when its cookie comes back: the page asks
  for the current question a few seconds after it loads, and a reload or a send does too. A page load that
  never comes back (a link preview, a QR scanner's look, a browser that keeps no cookies) takes no place. When
  the room is full, the place of a phone that never sent or voted and has been silent for ``free_after``
  seconds (its page closed) goes to the next phone; a phone that sent or voted keeps its place.
- Bounds: the body (413), each text (the form says so), requests a minute per phone, or per address for
  requests without a phone's cookie (429), and the number of phones (503). Handlers do one fsynced append and
  return: a flood of phones never holds the screen long.
- Connections: a connection whose request has not arrived within ``REQUEST_SECONDS`` of opening (headers sent a
  line at a time, or nothing at all), or idle that long after an answer, is closed (aiohttp's keepalive_timeout,
  which runs from the moment a connection opens); a form whose body has not arrived within ``BODY_SECONDS`` is
  refused (408); and at most ``max_connections`` are open at once, well below the process's file limit (raised
  toward its hard limit when phone access opens): past that a connection is closed at once, so a device on the
  wifi holding hundreds of connections open can never use up the files the app needs to save what is typed.
- What a person at a phone can meet (a wrong or old address, a form too large, a page out of date, the room
  full, something going wrong here) is one sentence in the page's own look; what they wrote is given back.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import time
from collections import deque
from http import HTTPStatus
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from aiohttp import web

from .page import CSP, MAX_FIELD, MAX_NAME, TEXT_FIELDS, render_message, render_page, render_vote_page

COOKIE = "phone"
#: every opening's address is under it: a phone's cookie comes back when phone access opens again
COOKIE_PATH = "/j/"
#: a phone's id in its cookie (16 random bytes, base64) and the signature after it
ID_LENGTH = 22
#: the largest form the page can send: four fields of 2,000 characters and a name of 80, each character (as the
#: browser counts them) at most nine bytes once encoded (a 3-byte character, percent-encoded), and the hidden fields
MAX_BODY = 9 * (4 * MAX_FIELD + MAX_NAME) + 2048
NOT_FOUND = ("This address is not open: check it against the one on the screen, or scan the code again "
             "(phone access may have been closed and opened with a new address).")
#: a connection whose request has not arrived this long after it opened, or idle this long between requests, is
#: closed (a phone's browser sends a request at once, and opens a connection again when it needs one)
REQUEST_SECONDS = 4.0
#: a form's body (at most MAX_BODY) not arrived this long after its headers: refused, the connection closed
BODY_SECONDS = 20.0
#: connections open at once, at most (fewer when the process may open few files: see connection_cap)
MAX_CONNECTIONS = 200
#: the process's open-file limit is raised toward its hard limit, at most to this, when phone access opens
WANTED_FILES = 4096
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nServer: facilitator\r\n"
        b"Retry-After: 10\r\nConnection: close\r\nContent-Length: 75\r\n\r\n"
        b"The facilitator's computer is busy: wait a moment, then reload this page.\r\n")
#: what a request no phone's browser sends is told (with its status, such as "400 Bad Request")
PLAIN_ERROR = "this address is for the page phones open from the facilitator's screen."
#: after an answer to a request whose body is not read (too large), the rest of it is read this long at most
LINGER_SECONDS = 2.0
#: closing phone access waits at most this long for requests still being answered, then drops them: a phone
#: that never finishes sending cannot hold the facilitator's screen
SHUTDOWN_SECONDS = 0.25
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Server": "facilitator",  # not the server's software and version
}


def raise_file_limit(wanted: int = WANTED_FILES) -> int:
    """Raise this process's soft limit on open files toward its hard limit (at most to ``wanted``; never lowered)
    and return the soft limit then in force. A desktop's usual 1,024 (256 on a Mac) leaves little room for a
    room of phones next to the app's own files; raising the soft limit needs no privilege."""
    try:
        import resource
    except ImportError:  # (not on Windows, where the limit is another matter)
        return wanted
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        target = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
        if soft != resource.RLIM_INFINITY and soft < target:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
    except (OSError, ValueError):
        return soft if "soft" in locals() else wanted
    return wanted if soft == resource.RLIM_INFINITY else soft


def connection_cap(files: int, most: int = MAX_CONNECTIONS) -> int:
    """How many phone connections may be open at once when the process may open ``files`` files: at most a
    quarter of them (each connection is one), so the app's own files always have room."""
    return max(8, min(most, (files - 64) // 4))


class _PlainErrors(web.RequestHandler):
    """aiohttp's connection handler, with what it answers itself (a request its parser refuses: malformed HTTP,
    HTTPS on this port, too many or too long headers) in one plain sentence with the page's headers: not the
    server's software and version, nor the parser's error."""

    def handle_error(self, request: web.BaseRequest, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        if request.writer.output_size > 0:  # (as aiohttp's own: an answer already begun cannot be replaced)
            raise ConnectionError("Response is sent already, cannot send another response with the error message")
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        sentence = (PLAIN_ERROR if status < 500 else
                    "Something went wrong on the facilitator's computer: reload the page in a moment.")
        response = web.Response(status=status, text=f"{status} {phrase}: {sentence}\n", content_type="text/plain")
        response.headers.update(SECURITY_HEADERS)
        response.force_close()
        return response


class _Busy(asyncio.Protocol):
    """A connection past the cap: told in one line that the computer is busy, and closed at once."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        try:
            transport.write(BUSY)  # type: ignore[attr-defined]
        finally:
            transport.close()

    def data_received(self, data: bytes) -> None:
        pass


@dataclass(frozen=True)
class RoomView:
    """What a phone's page shows: the session and its current phase."""

    title: str
    phase_id: str
    phase_title: str
    phase_number: int
    phase_count: int
    prompt: str
    kind: str
    scale_low: str = ""
    scale_high: str = ""
    open: bool = True
    #: a dot vote open: its round and its items (id, text), in the order shown
    vote_round: str = ""
    vote: tuple[tuple[str, str], ...] = ()
    votes_each: int = 0

    @property
    def phase_key(self) -> str:
        """Changes when the page should change: another phase, or a vote opened or closed."""
        return f"{self.phase_number}-{self.phase_id}" + (f"-vote-{self.vote_round}" if self.vote_round else "")


@dataclass
class Place:
    """A phone's place in the room: taken the first time its cookie comes back."""

    last: float  # its last request
    times: deque[float] = field(default_factory=deque)  # its requests in the last minute
    used: bool = False  # it has sent something or voted: it keeps its place
    #: pages saying "Received" still owed for sends just kept (not counted: a send is never followed by "wait")
    owed: int = 0
    #: the forms it sent lately (a digest of each) and what was done: a second tap on Send is not a second item
    done: dict[bytes, str] = field(default_factory=dict)

    def remember(self, form: dict[str, str], what: str) -> None:
        self.done[form_digest(form)] = what
        while len(self.done) > 32:
            del self.done[next(iter(self.done))]


def form_digest(form: dict[str, str]) -> bytes:
    """The same form sent twice (each page's forms carry a number of their own) has the same digest."""
    return hashlib.sha256(repr(sorted(form.items())).encode("utf-8", "surrogatepass")).digest()


class Room(Protocol):
    def phone_view(self) -> RoomView: ...

    def votes_left(self, phone: str) -> int: ...

    def phone_votes(self, phone: str) -> dict[str, int]:
        """The dots this phone has put on each item of the open vote."""
        ...

    def phone_vote(self, phone: str, item: str) -> None:
        """One dot from this phone on an item of the open vote, journaled; ValueError with one sentence if not."""
        ...

    def phone_receive(self, form: dict[str, str]) -> str:
        """Keep what a phone sent, durably, and say what was done ("waiting" or "note"). Raises ValueError with
        one sentence for the phone if it cannot be kept as sent, or another exception with one if not saved."""
        ...


class PhoneServer:
    def __init__(
        self,
        room: Room,
        host: str,
        port: int,
        *,
        max_body: int = MAX_BODY,
        per_minute: int = 30,
        max_phones: int = 60,
        free_after: float = 120.0,
        monotonic: Callable[[], float] = time.monotonic,
        shown_host: str | None = None,
        key: bytes | None = None,
    ) -> None:
        self.room = room
        self.host = host
        #: the address phones are given (this machine's on the network, when it listens on every address)
        self.shown_host = shown_host or host
        self.port = port
        self.max_body = max_body
        self.per_minute = per_minute
        self.max_phones = max_phones
        #: a place never used (nothing sent, no vote) and silent this long is given back when the room is full
        self.free_after = free_after
        self._monotonic = monotonic
        self.code = secrets.token_urlsafe(24)
        self._given_key = key
        self._key = key or secrets.token_bytes(32)
        #: the phones joined: phone id -> its place (the phones screen counts these)
        self.phones: dict[str, Place] = {}
        self._anonymous: dict[str, deque[float]] = {}  # requests without a phone cookie, by address
        self.received = 0
        #: connections open at once, at most (set from the file limit when phone access opens)
        self.max_connections = MAX_CONNECTIONS
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.AbstractServer | None = None
        #: connections whose first request has not reached the app yet (closed REQUEST_SECONDS after they open)
        self._awaiting: set[web.RequestHandler] = set()

    # ------------------------------------------------------------------ running
    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def path(self) -> str:
        return f"/j/{self.code}"

    @property
    def url(self) -> str:
        host = f"[{self.shown_host}]" if ":" in self.shown_host else self.shown_host
        return f"http://{host}:{self.port}{self.path}"

    async def start(self) -> None:
        """Listen on host:port (OSError if it cannot: the address is not this machine's, the port is taken)."""
        app = web.Application(client_max_size=self.max_body, middlewares=[self._headers])
        app.router.add_get("/j/{code}", self._page)
        app.router.add_post("/j/{code}", self._send)
        app.router.add_get("/j/{code}/phase", self._phase)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_SECONDS,
                               keepalive_timeout=REQUEST_SECONDS, lingering_time=LINGER_SECONDS)
        self.max_connections = connection_cap(raise_file_limit(), self.max_connections)
        await runner.setup()
        server = runner.server
        assert server is not None

        loop = asyncio.get_running_loop()
        #: handlers made for connections accepted and not yet connected (the loop accepts several at once)
        fresh: list[tuple[float, web.RequestHandler]] = []

        def connection() -> asyncio.BaseProtocol:
            # aiohttp accepts every connection (its maintainers leave a cap to the application): past the cap,
            # one line and closed, so the connections never use up the files the app needs
            now = loop.time()
            fresh[:] = [(at, h) for at, h in fresh if h.transport is None and now - at < 1.0]
            if len(server.connections) + len(fresh) >= self.max_connections:
                return _Busy()
            # aiohttp's RequestHandler with the settings the runner was given (the same as Server() makes), its
            # own error answers plain. keepalive_timeout runs from the moment a connection opens (its
            # connection_made): a request whose headers have not all arrived by then is dropped, as is a
            # connection idle that long.
            handler = _PlainErrors(server, loop=loop, access_log=None, keepalive_timeout=REQUEST_SECONDS,
                                   lingering_time=LINGER_SECONDS)
            fresh.append((now, handler))
            # the same for the first request, whatever the aiohttp (in older ones its keepalive_timeout only ran
            # after a first answer): a connection whose first request has not reached the app by then is closed
            self._awaiting.add(handler)
            loop.call_later(REQUEST_SECONDS, self._first_request_due, handler)
            return handler

        try:
            self._listener = await loop.create_server(
                connection, self.host, self.port, backlog=64)
        except BaseException:
            await runner.cleanup()
            raise
        if self.port == 0:
            self.port = self._listener.sockets[0].getsockname()[1]
        self._runner = runner

    def _first_request_due(self, handler: web.RequestHandler) -> None:
        if handler in self._awaiting:
            self._awaiting.discard(handler)
            if handler.transport is not None:
                handler.transport.close()

    async def stop(self) -> None:
        """Stop listening and drop every connection; the code is never valid again."""
        runner, self._runner = self._runner, None
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()  # nothing listens any more; the connections open are dropped by the runner
        self.code = secrets.token_urlsafe(24)
        self._key = self._given_key or secrets.token_bytes(32)
        self.phones.clear()
        self._anonymous.clear()
        self._awaiting.clear()
        if runner is not None:
            await runner.cleanup()

    # ------------------------------------------------------------------ checks
    @web.middleware
    async def _headers(self, request: web.Request, handler):  # noqa: ANN001, ANN202 - aiohttp's middleware
        self._awaiting.discard(request.protocol)  # its first request arrived
        try:
            response = await handler(request)
        except web.HTTPNotFound:  # any other address, a wrong or an old code: the same page, whatever was asked
            response = self._html(render_message("Not found", NOT_FOUND), status=404)
        except web.HTTPRequestEntityTooLarge:
            response = self._html(render_message(
                "Not sent", "That is more than this page can send at once: go back, shorten what you wrote, "
                "and send it again."), status=413)
        except web.HTTPException as exc:
            exc.headers.update(SECURITY_HEADERS)
            raise
        except Exception:  # noqa: BLE001 - a phone is told in one sentence; the facilitator's screen goes on
            again = "go back and send it again" if request.method == "POST" else "reload this page"
            response = self._html(render_message(
                "Try again in a moment", f"Something went wrong on the facilitator's computer: {again} in a moment, "
                "or tell the facilitator."), status=500)
        response.headers.update(SECURITY_HEADERS)
        return response

    def _code_ok(self, request: web.Request) -> bool:
        return self._runner is not None and hmac.compare_digest(request.match_info["code"], self.code)

    def _check_code(self, request: web.Request) -> None:
        if not self._code_ok(request):
            raise web.HTTPNotFound()

    def _mac(self, purpose: bytes, phone: str) -> bytes:
        return hmac.new(self._key, purpose + phone.encode("ascii"), hashlib.sha256).digest()

    def _cookie(self, phone: str) -> str:
        """The cookie a phone is given: its id, then a signature only this opening can make."""
        return phone + base64.urlsafe_b64encode(self._mac(b"cookie:", phone)[:16]).decode("ascii").rstrip("=")

    def _phone(self, request: web.Request) -> str | None:
        """The phone's id, if the request carries a cookie this opening gave (whether or not it has a place)."""
        cookie = request.cookies.get(COOKIE, "")
        if len(cookie) != 2 * ID_LENGTH or not cookie.isascii():
            return None
        phone = cookie[:ID_LENGTH]
        return phone if hmac.compare_digest(self._cookie(phone), cookie) else None

    def _csrf(self, phone: str) -> str:
        return self._mac(b"form:", phone).hex()

    # ------------------------------------------------------------------ places in the room
    def _freeable(self, now: float) -> str | None:
        """The phone whose place can go to another: nothing sent, no vote, silent longest (and long enough)."""
        idle = [(place.last, phone) for phone, place in self.phones.items()
                if not place.used and now - place.last >= self.free_after]
        return min(idle)[1] if idle else None

    def _room_for_one(self) -> bool:
        return len(self.phones) < self.max_phones or self._freeable(self._monotonic()) is not None

    def _place(self, phone: str | None) -> Place | None:
        """The place of a phone whose cookie came back: kept, or taken now if the room has one (None if full)."""
        if phone is None:
            return None
        now = self._monotonic()
        place = self.phones.get(phone)
        if place is None:
            if len(self.phones) >= self.max_phones:
                freed = self._freeable(now)
                if freed is None:
                    return None
                del self.phones[freed]
            # the page load that gave this cookie counts towards the phone's minute too
            place = self.phones[phone] = Place(last=now, times=deque([now]))
        place.last = now
        return place

    def _full_page(self) -> web.Response:
        return self._html(
            render_message("The room is full", f"{self.max_phones} phones have joined already; "
                           "tell the facilitator what you want to say."),
            status=503,
        )

    def _too_many(self, times: deque[float]) -> bool:
        now = self._monotonic()
        while times and times[0] <= now - 60:
            times.popleft()
        if len(times) >= self.per_minute:
            return True
        times.append(now)
        return False

    def _limit(self, request: web.Request, place: Place | None) -> None:
        """Requests a minute: a phone with a place has its own count; anything else counts by address."""
        if place is not None:
            times = place.times
        else:
            address = request.remote or "?"
            if address not in self._anonymous and len(self._anonymous) > 4 * self.max_phones:
                self._anonymous.clear()
            times = self._anonymous.setdefault(address, deque())
        if self._too_many(times):
            raise web.HTTPTooManyRequests(
                text=render_message("Please wait a minute", "Too many requests from this phone: wait a minute, then try again."),
                content_type="text/html",
                headers={"Retry-After": "60"},
            )

    def _html(self, body: str, status: int = 200) -> web.Response:
        return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")

    def _draft(self) -> str:
        """What names the draft a page keeps in its tab: the same for the session's every opening (its key is the
        session's), so a draft outlives a reopening and never meets another session's page; says nothing of the key."""
        return self._mac(b"draft:", "")[:8].hex()

    def _render(self, phone: str, **kwargs: object) -> str:
        view = self.room.phone_view()
        if view.vote_round and view.open:
            return render_vote_page(view, action=self.path, csrf=self._csrf(phone), once=secrets.token_urlsafe(9),
                                    left=self.room.votes_left(phone),
                                    mine=self.room.phone_votes(phone), draft=self._draft(),
                                    **kwargs)
        return render_page(view, action=self.path, csrf=self._csrf(phone), once=secrets.token_urlsafe(9),
                           draft=self._draft(), **kwargs)

    # ------------------------------------------------------------------ pages
    async def _page(self, request: web.Request) -> web.Response:
        self._check_code(request)
        phone = self._phone(request)
        place = self._place(phone)
        sent = request.query.get("sent", "")
        owed = place is not None and bool(sent) and place.owed > 0
        if owed:
            place.owed -= 1  # the page after a send was counted with the send
        else:
            self._limit(request, place)
        new = phone is None
        if place is None and not self._room_for_one():
            return self._full_page()
        if new:  # no place yet: it is taken when this cookie comes back
            phone = secrets.token_urlsafe(16)
        notice = {
            "waiting": "Received. It will be shown when the facilitator reveals what phones sent.",
            "note": "Received by the facilitator only. It will not be shown or written in the minutes.",
            "vote": "Vote counted.",
        }.get(sent, "") if owed else ""  # only on the page a send led to: a reload of it was told nothing new
        response = self._html(self._render(phone, notice=notice))
        if new:
            response.set_cookie(COOKIE, self._cookie(phone), path=COOKIE_PATH, httponly=True, samesite="Strict")
        return response

    async def _phase(self, request: web.Request) -> web.Response:
        self._check_code(request)
        self._limit(request, self._place(self._phone(request)))
        return web.Response(text=self.room.phone_view().phase_key, content_type="text/plain")

    async def _form(self, request: web.Request) -> dict[str, str]:
        if request.content_length is not None and request.content_length > self.max_body:
            raise web.HTTPRequestEntityTooLarge(max_size=self.max_body, actual_size=request.content_length)
        if request.content_type != "application/x-www-form-urlencoded":
            # the page's forms send nothing else: no file, no multipart body is ever read
            raise web.HTTPUnsupportedMediaType(text="Send the form on the page.", content_type="text/plain")
        try:
            async with asyncio.timeout(BODY_SECONDS):  # a body sent a byte at a time holds nothing for long
                data = await request.post()  # 413 past client_max_size, however the body is sent
        except (LookupError, UnicodeDecodeError):  # a charset no browser sends
            raise web.HTTPBadRequest(text="Send the form on the page.", content_type="text/plain") from None
        except TimeoutError:
            raise web.HTTPRequestTimeout(
                text=render_message("Not sent", "What you sent took too long to arrive: go back, check the wifi, "
                                    "and send it again."),
                content_type="text/html", headers={"Connection": "close"}) from None
        return {key: value for key, value in data.items() if isinstance(value, str)}

    def _not_sent(self, title: str, message: str, form: dict[str, str], status: int) -> web.Response:
        """A page saying why it was not sent, with what was written given back to copy."""
        written = "\n\n".join(form[key] for key in TEXT_FIELDS if form.get(key, "").strip())
        return self._html(render_message(title, message, written=written), status=status)

    def _given_back(self, phone: str, form: dict[str, str], problem: str, status: int) -> web.Response:
        """The page again with why it was not sent and what was written in its boxes; while a dot vote is open
        (the page is the vote, whose only box is for a concern), a page with the text to copy unless it was one."""
        view = self.room.phone_view()
        if view.vote_round and view.open and "vote" not in form and form.get("safeguarding") != "yes":
            return self._not_sent("Not sent", problem, form, status)
        return self._html(self._render(phone, values=form, problem=problem), status=status)

    async def _send(self, request: web.Request) -> web.Response:
        if not self._code_ok(request):  # an old page (phone access opened again since) or a mistyped address
            self._limit(request, None)
            form = await self._form(request)
            return self._not_sent("Not found", NOT_FOUND, form, 404)
        phone = self._phone(request)
        place = self._place(phone)
        try:
            self._limit(request, place)
        except web.HTTPTooManyRequests:  # what was written is given back, to send in a minute
            response = self._not_sent("Please wait a minute", "Not sent: too many requests from this phone; wait a "
                                      "minute, then send what you wrote again.", await self._form(request), 429)
            response.headers["Retry-After"] = "60"
            return response
        form = await self._form(request)
        if phone is None or not hmac.compare_digest(form.get("csrf", ""), self._csrf(phone)):
            return self._not_sent(
                "Not sent", "This page is out of date, or this browser keeps no cookies for it: open the address "
                "on the screen again (with cookies allowed), then send what you wrote.", form, 403,
            )
        if place is None:
            problem = (f"Not sent: the room is full ({self.max_phones} phones have joined already); "
                       "tell the facilitator what you want to say.")
            return self._html(self._render(phone, values=form, problem=problem), status=503)
        place.used = True  # someone pressed send on this phone: it keeps its place, whatever comes of it
        repeated = place.done.get(form_digest(form))
        if repeated is not None:  # Send tapped twice, or the page sent again: kept once, and told so again
            place.owed = min(place.owed + 1, 3)
            raise web.HTTPSeeOther(f"{self.path}?sent={repeated}")
        try:
            if "vote" in form:
                self.room.phone_vote(phone, form["vote"])
                what = "vote"
            else:
                what = self.room.phone_receive(form)
        except ValueError as exc:
            return self._given_back(phone, form, str(exc), 400)
        except Exception:  # not saved (disk full, folder gone): the phone keeps its text; the facilitator is told
            problem = ("Not received: the facilitator's computer could not save it just now. "
                       "Your text is still here: send it again in a moment.")
            return self._given_back(phone, form, problem, 503)
        self.received += 1
        place.owed = min(place.owed + 1, 3)
        if form.get("once"):
            place.remember(form, what)
        raise web.HTTPSeeOther(f"{self.path}?sent={what}")
