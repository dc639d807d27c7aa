"""The public web service (`beacon public`): an aiohttp app of its own.

It shares no route, port or code path with the hub's operator endpoints. It can read
only the status of the report whose code a request holds, and write only community
reports; everything else is 404. See docs/public.md ("Security design").
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from core.city.model import City
from core.errors import ValidationError
from core.public import pages
from core.public.commands import PUBLIC_ACTOR, FileCommunityReport
from core.public.guard import PublicLimits, RateLimiter, Refusals, client_address
from core.public.lookup import PlaceProblem, place_for, status_by_code
from core.public.notice_routes import add_notice_routes
from core.public.refcode import CodeProblem, normalise
from core.service import CommandService
from core.store.database import Database

log = logging.getLogger("beacon.public")

LIMITS = web.AppKey("limits", PublicLimits)
REFUSALS = web.AppKey("refusals", Refusals)
LIMITER = web.AppKey("limiter", RateLimiter)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; "
                               "connect-src 'self'; form-action 'self'; base-uri 'none'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
LOOPBACK = ("127.0.0.1", "::1")


class _Public:
    """The handlers, with what they share (database, city, limits, counters)."""

    def __init__(self, db: Database, limits: PublicLimits, trusted_proxies: tuple,
                 city: City | None, service: CommandService | None,
                 clock: Callable[[], float] | None) -> None:
        self.db = db
        self.limits = limits
        self.trusted = trusted_proxies
        self.city = city
        self.service = service or CommandService(db)
        self.refusals = Refusals()
        self.limiter = RateLimiter(limits, clock) if clock else RateLimiter(limits)

    # -- helpers ------------------------------------------------------------------

    def client(self, request: web.Request) -> str:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        host = peer[0] if isinstance(peer, tuple) and peer else None
        return client_address(host, request.headers.get("X-Forwarded-For"), self.trusted)

    @staticmethod
    def lang(request: web.Request) -> str:
        """?lang= first, then the cookie, then Accept-Language; Chinese by default."""
        asked = request.query.get("lang") or request.cookies.get("lang") or ""
        if asked in pages.LANGS:
            return asked
        for part in request.headers.get("Accept-Language", "").split(","):
            tag = part.split(";")[0].strip().lower()
            if tag.startswith("zh"):
                return "zh-CN"
            if tag.startswith("en"):
                return "en"
        return "zh-CN"

    def html(self, request: web.Request, text: str, status: int = 200) -> web.Response:
        response = web.Response(text=text, status=status, content_type="text/html",
                                charset="utf-8")
        if request.query.get("lang") in pages.LANGS:
            response.set_cookie("lang", request.query["lang"], max_age=365 * 86400,
                                httponly=True, samesite="Strict")
        return response

    def refuse(self, request: web.Request, reason: str, status: int, message: str,
               *, as_json: bool = False, detail: str = "",
               retry_after: int | None = None) -> web.Response:
        self.refusals.refuse(reason, self.client(request), detail)
        if as_json:
            response = web.json_response({"error": reason, "reason": message},
                                         status=status)
        else:
            response = self.html(request, pages.error_page(self.lang(request), message),
                                 status)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    def limited(self, request: web.Request, kind: str, *, as_json: bool = False
                ) -> web.Response | None:
        client = self.client(request)
        if self.limiter.allow(client, kind):
            return None
        lang = self.lang(request)
        return self.refuse(request, "rate_limited", 429, pages.T[lang]["rate_limited"],
                           as_json=as_json, detail=kind,
                           retry_after=self.limiter.retry_after(client, kind))

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    # -- handlers -----------------------------------------------------------------

    async def home(self, request: web.Request) -> web.Response:
        return self.html(request, pages.home_page(self.lang(request), cells=self.cells()))

    async def _status(self, request: web.Request, as_json: bool
                      ) -> tuple[web.Response | None, str, str]:
        lang = self.lang(request)
        refused = self.limited(request, "lookup", as_json=as_json)
        if refused is not None:
            return refused, "", ""
        try:
            code = normalise(request.query.get("code", ""))
        except CodeProblem as exc:
            message = pages.code_problem(lang, exc)
            return self.refuse(request, "bad_code", 400, message, as_json=as_json), "", ""
        status = await self.run(status_by_code, self.db, code)
        if status is None:
            # A miss costs from the guesser's budget, which refills slowly.
            refused = self.limited(request, "miss", as_json=as_json)
            if refused is not None:
                return refused, "", ""
            return self.refuse(request, "unknown_code", 404, pages.T[lang]["unknown_code"],
                               as_json=as_json), "", ""
        return None, code, status

    async def report(self, request: web.Request) -> web.Response:
        refused, code, status = await self._status(request, as_json=False)
        if refused is not None:
            if refused.status in (400, 404):  # show the form again with the reason
                lang = self.lang(request)
                message = (pages.T[lang]["unknown_code"] if refused.status == 404 else
                           _problem(lang, request.query.get("code", "")))
                return self.html(request, pages.home_page(
                    lang, message, request.query.get("code", "")[:20], self.cells()),
                    refused.status)
            return refused
        return self.html(request, pages.status_page(self.lang(request), code, status,
                                                    self.limits.refresh_seconds))

    async def report_json(self, request: web.Request) -> web.Response:
        refused, _, status = await self._status(request, as_json=True)
        if refused is not None:
            return refused
        return web.json_response(pages.status_payload(self.lang(request), status))

    async def community_get(self, request: web.Request) -> web.Response:
        return self.html(request, pages.community_form(self.lang(request), self.cells()))

    def cells(self) -> list[tuple[str, str]]:
        return [] if self.city is None else [(c.code, c.name) for c in self.city.cells]

    async def community_post(self, request: web.Request) -> web.Response:
        lang = self.lang(request)
        t = pages.T[lang]
        # A script posting JSON is answered in JSON, a browser's form with a page.
        wants_json = request.content_type == "application/json"
        refused = self.limited(request, "report", as_json=wants_json)
        if refused is not None:
            return refused
        try:
            fields = await asyncio.wait_for(_read_fields(request),
                                            self.limits.body_timeout)
        except TimeoutError:
            return self.refuse(request, "slow_body", 408, t["malformed"], as_json=wants_json)
        except web.HTTPRequestEntityTooLarge:
            return self.refuse(request, "too_large", 413, t["too_large"], as_json=wants_json)
        except _Malformed as exc:
            return self.refuse(request, "malformed", 400, f'{t["malformed"]} ({exc})',
                               detail=str(exc), as_json=not _is_form(request))
        lang = fields.get("lang") if fields.get("lang") in pages.LANGS else lang
        t = pages.T[lang]

        def invalid(message: str) -> web.Response:
            if wants_json:
                return self.refuse(request, "invalid_report", 400, message, as_json=True)
            self.refusals.refuse("invalid_report", self.client(request), message)
            return self.html(request, pages.community_form(
                lang, self.cells(), t["invalid_report"] + message, fields), 400)

        text = fields.get("text", "").strip()
        if not text:
            return invalid(t["text_required"])
        try:
            place = place_for(self.city, fields.get("address", "").strip(),
                              fields.get("cell", "").strip())
        except PlaceProblem as exc:
            return invalid(t[str(exc)])
        command = FileCommunityReport(
            category=fields.get("category", ""), text=text, address=place.address,
            cell=place.cell, worker=place.worker, x=place.x, y=place.y)
        try:
            event = await self.run(self.service.execute, command, PUBLIC_ACTOR)
        except ValidationError as exc:
            return invalid(str(exc))
        report_id = event.payload["records"][0]["id"]
        log.info("community report %s recorded for cell %s", report_id, place.cell)
        if wants_json:
            return web.json_response({"report_id": report_id, "cell": place.cell},
                                     status=201)
        return self.html(request, pages.thanks_page(lang, report_id, command.category,
                                                    text), 201)

    async def metrics(self, request: web.Request) -> web.Response:
        # Counts are not secret, but nobody outside needs them: a loopback peer only,
        # and not one relaying someone else (a proxy on this machine).
        peer = request.transport.get_extra_info("peername") if request.transport else None
        if (not isinstance(peer, tuple) or peer[0] not in LOOPBACK
                or "X-Forwarded-For" in request.headers):
            raise web.HTTPNotFound()
        return web.Response(text=self.refusals.as_text(), content_type="text/plain")

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name == "public.css":
            return web.Response(text=pages.CSS, content_type="text/css")
        if name == "status.js":
            return web.Response(text=pages.STATUS_JS, content_type="application/javascript")
        raise web.HTTPNotFound()

    # -- middleware ---------------------------------------------------------------

    @web.middleware
    async def guard(self, request: web.Request,
                    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                    ) -> web.StreamResponse:
        if not self.limiter.allow(self.client(request), "any"):
            response: web.StreamResponse = self.refuse(
                request, "rate_limited", 429, pages.T[self.lang(request)]["rate_limited"],
                detail="any", retry_after=self.limiter.retry_after(self.client(request),
                                                                   "any"))
        else:
            try:
                response = await handler(request)
            except web.HTTPNotFound:
                response = self.refuse(request, "not_found", 404,
                                       pages.T[self.lang(request)]["not_found"],
                                       detail=request.path[:80])
            except web.HTTPMethodNotAllowed:
                response = self.refuse(request, "method_not_allowed", 405,
                                       pages.T[self.lang(request)]["not_found"],
                                       detail=request.method[:10])
            except web.HTTPRequestEntityTooLarge:
                response = self.refuse(request, "too_large", 413,
                                       pages.T[self.lang(request)]["too_large"])
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response


class _Malformed(ValueError):
    """A body that is not the form or JSON object expected."""


def _is_form(request: web.Request) -> bool:
    return request.content_type in ("application/x-www-form-urlencoded",
                                    "multipart/form-data")


def _problem(lang: str, text: str) -> str:
    try:
        normalise(text)
    except CodeProblem as exc:
        return pages.code_problem(lang, exc)
    return ""


async def _read_fields(request: web.Request) -> dict[str, str]:
    """The report's fields from a form or a JSON object; `_Malformed` saying why not."""
    if request.content_type == "application/json":
        try:
            data = json.loads(await request.text())
        except (ValueError, UnicodeDecodeError) as exc:
            raise _Malformed(f"not JSON: {exc}"[:120]) from None
        if not isinstance(data, dict):
            raise _Malformed("the JSON must be an object")
    elif request.content_type in ("application/x-www-form-urlencoded",
                                  "multipart/form-data"):
        try:
            data = dict(await request.post())
        except (ValueError, UnicodeDecodeError) as exc:
            raise _Malformed(f"not a form: {exc}"[:120]) from None
    else:
        raise _Malformed(f"unexpected content type {request.content_type[:60]!r}")
    fields: dict[str, str] = {}
    for key in ("category", "text", "address", "cell", "lang"):
        value = data.get(key, "")
        if not isinstance(value, str):
            raise _Malformed(f"{key} must be text")
        fields[key] = value
    return fields


def make_app(db: Database, *, limits: PublicLimits | None = None,
             trusted_proxies: tuple = (), city: City | None = None,
             service: CommandService | None = None,
             clock: Callable[[], float] | None = None,
             base_url: str | None = None) -> web.Application:
    """The public service's app: status lookup by code, community reports, the notice
    routes (`core.public.notice_routes`). `city` (default: the database's) places
    community reports; `clock` (monotonic seconds) drives the rate limits in tests;
    `base_url` is where residents reach the service (the `[notices] public_url`
    setting), named in the notice feed's links (default: where each request came to)."""
    limits = limits or PublicLimits()
    if city is None:
        from core.centre import load_city

        city = load_city(db)
    public = _Public(db, limits, trusted_proxies, city, service, clock)
    app = web.Application(middlewares=[public.guard], client_max_size=limits.client_max_size)
    app[LIMITS] = limits
    app[REFUSALS] = public.refusals
    app[LIMITER] = public.limiter
    app.router.add_get("/", public.home)
    app.router.add_get("/report", public.report)
    app.router.add_get("/report.json", public.report_json)
    app.router.add_get("/community", public.community_get)
    app.router.add_post("/community", public.community_post)
    app.router.add_get("/metrics", public.metrics)
    app.router.add_get("/static/{name}", public.static)
    add_notice_routes(app, db, base_url=base_url or None, city=city)
    return app


async def start(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve `app` on host:port; returns the runner (`await runner.cleanup()` to stop).

    The keep-alive timeout doubles as the header timeout: aiohttp closes a connection
    that has not delivered a whole request head by then (slow loris), and an idle one.
    Access logs are off: a request line holds a resident's code.
    """
    runner = web.AppRunner(app, access_log=None,
                           keepalive_timeout=app[LIMITS].header_timeout)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
