"""The phone server: aiohttp on the app's own event loop, at http://<address>:<port>/j/<code>.

- The join code is 192 random bits (secrets.token_urlsafe), new each time the server starts; any other path,
  a wrong or an old code gets a plain 404.
- Each phone gets a random cookie on its first visit; every form carries a token derived from it (HMAC with a
  key made for this opening), and a POST without both is refused (403).
- Bounds: the body (413), each text (the form says so), requests a minute per phone (429) and the number of
  phones (503). Handlers do one fsynced append and return: a flood of phones never holds the screen long.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web

from .page import CSP, render_message, render_page, render_vote_page

COOKIE = "phone"
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
        max_body: int = 16 * 1024,
        per_minute: int = 30,
        max_phones: int = 60,
        monotonic: Callable[[], float] = time.monotonic,
        shown_host: str | None = None,
    ) -> None:
        self.room = room
        self.host = host
        #: the address phones are given (this machine's on the network, when it listens on every address)
        self.shown_host = shown_host or host
        self.port = port
        self.max_body = max_body
        self.per_minute = per_minute
        self.max_phones = max_phones
        self._monotonic = monotonic
        self.code = secrets.token_urlsafe(24)
        self._key = secrets.token_bytes(32)
        #: phone id -> the times of its requests in the last minute
        self.phones: dict[str, deque[float]] = {}
        self._anonymous: dict[str, deque[float]] = {}  # requests without a phone cookie, by address
        self.received = 0
        self._runner: web.AppRunner | None = None

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
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_SECONDS)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port, backlog=64)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        if self.port == 0:
            self.port = runner.addresses[0][1]
        self._runner = runner

    async def stop(self) -> None:
        """Stop listening and drop every connection; the code is never valid again."""
        runner, self._runner = self._runner, None
        self.code = secrets.token_urlsafe(24)
        self.phones.clear()
        if runner is not None:
            await runner.cleanup()

    # ------------------------------------------------------------------ checks
    @web.middleware
    async def _headers(self, request: web.Request, handler):  # noqa: ANN001, ANN202 - aiohttp's middleware
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            exc.headers.update(SECURITY_HEADERS)
            raise
        response.headers.update(SECURITY_HEADERS)
        return response

    def _check_code(self, request: web.Request) -> None:
        if self._runner is None or not hmac.compare_digest(request.match_info["code"], self.code):
            raise web.HTTPNotFound(text="Not found", content_type="text/plain")

    def _phone(self, request: web.Request) -> str | None:
        phone = request.cookies.get(COOKIE, "")
        return phone if phone in self.phones else None

    def _csrf(self, phone: str) -> str:
        return hmac.new(self._key, phone.encode("ascii"), hashlib.sha256).hexdigest()

    def _too_many(self, times: deque[float]) -> bool:
        now = self._monotonic()
        while times and times[0] <= now - 60:
            times.popleft()
        if len(times) >= self.per_minute:
            return True
        times.append(now)
        return False

    def _limit(self, request: web.Request, phone: str | None) -> None:
        if phone is not None:
            times = self.phones[phone]
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

    def _render(self, phone: str, **kwargs: object) -> str:
        view = self.room.phone_view()
        if view.vote_round and view.open:
            kwargs.pop("values", None)
            return render_vote_page(view, action=self.path, csrf=self._csrf(phone), left=self.room.votes_left(phone),
                                    mine=self.room.phone_votes(phone),
                                    **kwargs)
        return render_page(view, action=self.path, csrf=self._csrf(phone), **kwargs)

    # ------------------------------------------------------------------ pages
    async def _page(self, request: web.Request) -> web.Response:
        self._check_code(request)
        phone = self._phone(request)
        self._limit(request, phone)
        new = phone is None
        if new:
            if len(self.phones) >= self.max_phones:
                return self._html(
                    render_message("The room is full", f"{self.max_phones} phones have joined already; "
                                   "tell the facilitator what you want to say."),
                    status=503,
                )
            phone = secrets.token_urlsafe(16)
            self.phones[phone] = deque([self._monotonic()])
        sent = request.query.get("sent", "")
        notice = {
            "waiting": "Received. It will be shown when the facilitator reveals what phones sent.",
            "note": "Received by the facilitator only. It will not be shown or written in the minutes.",
            "vote": "Vote counted.",
        }.get(sent, "")
        response = self._html(self._render(phone, notice=notice))
        if new:
            response.set_cookie(COOKIE, phone, path=self.path, httponly=True, samesite="Strict")
        return response

    async def _phase(self, request: web.Request) -> web.Response:
        self._check_code(request)
        phone = self._phone(request)
        self._limit(request, phone)
        return web.Response(text=self.room.phone_view().phase_key, content_type="text/plain")

    async def _send(self, request: web.Request) -> web.Response:
        self._check_code(request)
        phone = self._phone(request)
        self._limit(request, phone)
        if request.content_length is not None and request.content_length > self.max_body:
            raise web.HTTPRequestEntityTooLarge(max_size=self.max_body, actual_size=request.content_length)
        if request.content_type != "application/x-www-form-urlencoded":
            # the page's forms send nothing else: no file, no multipart body is ever read
            raise web.HTTPUnsupportedMediaType(text="Send the form on the page.", content_type="text/plain")
        data = await request.post()  # 413 past client_max_size, however the body is sent
        form = {key: value for key, value in data.items() if isinstance(value, str)}
        if phone is None or not hmac.compare_digest(form.get("csrf", ""), self._csrf(phone)):
            return self._html(
                render_message("Not sent", "This page is out of date: open the address on the screen again, "
                               "then send what you wrote."),
                status=403,
            )
        try:
            if "vote" in form:
                self.room.phone_vote(phone, form["vote"])
                what = "vote"
            else:
                what = self.room.phone_receive(form)
        except ValueError as exc:
            return self._html(self._render(phone, values=form, problem=str(exc)), status=400)
        except Exception:  # not saved (disk full, folder gone): the phone keeps its text; the facilitator is told
            problem = ("Not received: the facilitator's computer could not save it just now. "
                       "Your text is still here: send it again in a moment.")
            return self._html(self._render(phone, values=form, problem=problem), status=503)
        self.received += 1
        raise web.HTTPSeeOther(f"{self.path}?sent={what}")
