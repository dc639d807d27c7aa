"""The notices on the public service: the Atom feed, each CAP document, a page per cell.

`add_notice_routes(app, db)` adds to an aiohttp application:

- `GET /notices.atom`: the Atom feed of active notices (`core.notices.feed`);
- `GET /notices/{identifier}.xml`: one CAP message, as sent (any message Beacon sent,
  cancelled ones too, so a reader can resolve an Update's or a Cancel's references);
- `GET /notices?cell=ID` (or `?address=TEXT`, an address of the city): a small page,
  Chinese then English, readable on a phone, of the notices active over a grid cell
  (without either, all active notices).

Read-only: nothing here writes, and only published messages are reachable (never a
draft). Database reads run in a thread so a slow disk never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import html
import re
from datetime import datetime

from aiohttp import web

from core.city.model import City
from core.clock import Clock
from core.local_time import format_local
from core.locate import resolve_address
from core.notices.feed import ATOM_TYPE, CAP_TYPE, atom_feed
from core.notices.query import Notice, active_notices, find_message
from core.store.database import Database

IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9._@:+-]{1,200}$")
CELL_RE = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
MAX_ADDRESS = 200  # as a community report's address
# Headers every answer carries: nothing from elsewhere runs on these pages.
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff",
                    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                    "Referrer-Policy": "no-referrer"}


def add_notice_routes(app: web.Application, db: Database, *, base_url: str | None = None,
                      clock: Clock | None = None, city: City | None = None) -> None:
    """Add the feed, the CAP documents and the notices page to `app`. `base_url`: the
    address residents reach the service at (default: the one each request came to).
    `city`: lets the page take `?address=` (a resident knows their address, not always
    their grid cell)."""
    if clock is None:
        from core.profile import clock_for

        clock = clock_for(db)  # a drill's notices expire on the drill's time

    zone: list[str] = []  # the centre's time zone, read once (the city is large)

    async def time_zone() -> str:
        if not zone:
            from core.store.city_row import centre_time_zone

            zone.append(await asyncio.to_thread(centre_time_zone, db))
        return zone[0]

    def base(request: web.Request) -> str:
        return base_url or str(request.url.origin())

    async def feed(request: web.Request) -> web.Response:
        now = clock.now()
        notices = await asyncio.to_thread(active_notices, db, now)
        body = atom_feed(notices, base(request), now)
        return web.Response(body=body, content_type=ATOM_TYPE, charset="utf-8",
                            headers=SECURITY_HEADERS)

    async def document(request: web.Request) -> web.Response:
        identifier = request.match_info["identifier"]
        if not IDENTIFIER_RE.match(identifier):
            raise web.HTTPNotFound(text="no such notice", headers=SECURITY_HEADERS)
        notice = await asyncio.to_thread(find_message, db, identifier)
        if notice is None:
            raise web.HTTPNotFound(text="no such notice", headers=SECURITY_HEADERS)
        return web.Response(body=notice.cap_xml.encode("utf-8"), content_type=CAP_TYPE,
                            charset="utf-8", headers=SECURITY_HEADERS)

    async def page(request: web.Request) -> web.Response:
        cell = request.query.get("cell", "").strip()
        address = request.query.get("address", "").strip()
        if cell and not CELL_RE.match(cell):
            raise web.HTTPBadRequest(text="cell: letters, digits, '.', '_' or '-' "
                                          "(at most 32)", headers=SECURITY_HEADERS)
        if address and not cell:
            cell = _cell_of(city, address)
        now = clock.now()
        notices = await asyncio.to_thread(active_notices, db, now)
        if cell:
            notices = [n for n in notices if cell in n.cells]
        page_text = notices_page(notices, cell, now, await time_zone())
        return web.Response(text=page_text, content_type="text/html",
                            charset="utf-8", headers=SECURITY_HEADERS)

    app.router.add_get("/notices.atom", feed)
    app.router.add_get("/notices/{identifier}.xml", document)
    app.router.add_get("/notices", page)


_WORDS = {
    "zh-CN": {"title": "公共安全通知", "none": "当前没有生效的通知。", "cell": "网格",
              "until": "有效期至", "what": "应对措施", "all": "全部网格",
              "Exercise": "演练", "Test": "测试"},
    "en-US": {"title": "Public safety notices", "none": "No notice is in force now.",
              "cell": "Grid cell", "until": "Until", "what": "What to do",
              "all": "all grid cells", "Exercise": "EXERCISE", "Test": "TEST"},
}


def _section(lang: str, notices: list[Notice], cell: str, zone_name: str) -> str:
    w = _WORDS[lang]
    e = html.escape
    parts = [f'<section lang="{lang}"><h1>{e(w["title"])}</h1>',
             f'<p class="where">{e(w["cell"])}: {e(cell) if cell else e(w["all"])}</p>']
    if not notices:
        parts.append(f'<p>{e(w["none"])}</p>')
    for n in notices:
        t = n.texts.get(lang, {})
        tag = (f'<span class="tag">{e(w[n.status])}</span> ' if n.status in w else "")
        until = format_local(n.expires, zone_name, "%Y-%m-%d %H:%M") if n.expires else ""
        parts.append(
            f'<article><h2>{tag}{e(t.get("headline", ""))}</h2>'
            f'<p>{e(t.get("description", ""))}</p>'
            + (f'<p><b>{e(w["what"])}:</b> {e(t["instruction"])}</p>'
               if t.get("instruction") else "")
            + (f'<p class="until">{e(w["until"])} {e(until)}</p>' if until else "")
            + f'<p><a href="/notices/{e(n.identifier)}.xml">CAP</a></p></article>')
    parts.append("</section>")
    return "".join(parts)


def _cell_of(city: City | None, address: str) -> str:
    """The grid cell of an address of the city; 400 with the reason otherwise."""
    if len(address) > MAX_ADDRESS:
        raise web.HTTPBadRequest(text=f"address: at most {MAX_ADDRESS} characters",
                                 headers=SECURITY_HEADERS)
    found = resolve_address(city, address) if city is not None else None
    if found is None or not found.cell_code:
        raise web.HTTPBadRequest(
            text="address: not an address of this city; choose your grid cell on the "
                 "front page instead", headers=SECURITY_HEADERS)
    return found.cell_code


def notices_page(notices: list[Notice], cell: str, now: datetime,
                 zone_name: str = "UTC") -> str:
    """The HTML page: Chinese first, then English; no script, no outside resources,
    wraps at any width (readable at 360 px without sideways scrolling)."""
    del now  # the page says each notice's end; "now" is the reader's own clock
    style = ("body{font-family:sans-serif;margin:0 auto;padding:12px;max-width:40em;"
             "line-height:1.5;overflow-wrap:anywhere}"
             "article{border-left:6px solid #c62828;padding:4px 10px;margin:12px 0;"
             "background:#fff8f6}h1{font-size:1.3em}h2{font-size:1.1em;margin:4px 0}"
             ".tag{background:#555;color:#fff;padding:0 4px}.until,.where{color:#444}")
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>公共安全通知 / Public safety notices</title><style>{style}</style>"
            # the way back to the service's front page (report status, another cell)
            '</head><body><p><a id="home" href="/">首页 / Home</a></p>'
            + _section("zh-CN", notices, cell, zone_name)
            + _section("en-US", notices, cell, zone_name) + "</body></html>")
