"""The CAP feed plugin (see the package docstring)."""

from __future__ import annotations

import asyncio
from typing import Any

from core.cap import CapError, parse_cap
from core.plugins.api import API_VERSION, Manifest, NotReady, Plugin, PluginContext

ATOM = "{http://www.w3.org/2005/Atom}"
CAP_ROOT = "{urn:oasis:names:tc:emergency:cap:1.2}alert"
MAX_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 200

CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["url"],
    "properties": {
        "url": {"type": "string", "pattern": "^https?://"},
        "interval_s": {"type": "number", "minimum": 1, "default": 300},
        "timeout_s": {"type": "number", "exclusiveMinimum": 0, "default": 20},
    }}


class CapFeed(Plugin):
    """Polls a CAP 1.2 / Atom feed and delivers every alert it has not delivered before."""

    manifest = Manifest(
        name="cap_feed", version="1.0.0", api_version=API_VERSION,
        provides=("alerts",), commands=frozenset({"report_alert"}),
        config_schema=CONFIG_SCHEMA, max_rate=50.0, memory_mb=1024,
        description="warnings from an outside CAP 1.2 alert feed")

    async def run(self, ctx: PluginContext) -> None:
        import aiohttp

        timeout = aiohttp.ClientTimeout(total=ctx.config["timeout_s"])
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                try:
                    await self.poll(ctx, session)
                except (aiohttp.ClientError, TimeoutError) as exc:
                    raise NotReady(f"feed {ctx.config['url']}: {exc!r}") from None
                await asyncio.sleep(ctx.config["interval_s"])

    async def _get(self, session: Any, url: str) -> bytes:
        async with session.get(url) as response:
            response.raise_for_status()
            body = await response.content.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise ValueError(f"{url}: over {MAX_BYTES // 1024 // 1024} MiB")
            return body

    async def poll(self, ctx: PluginContext, session: Any) -> None:
        """Read the feed once and deliver what is new."""
        from lxml import etree

        url = ctx.config["url"]
        body = await self._get(session, url)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        try:
            root = etree.fromstring(body, parser)
        except etree.XMLSyntaxError as exc:
            ctx.reject(f"{url}: not well-formed XML: {exc.msg}")
            return
        documents: list[tuple[str, bytes]] = []
        if root.tag == CAP_ROOT:
            documents.append((url, body))
        elif root.tag == f"{ATOM}feed":
            for entry in root.findall(f"{ATOM}entry")[:MAX_ENTRIES]:
                inline = entry.find(f"{ATOM}content/{CAP_ROOT}")
                if inline is not None:
                    documents.append((url, etree.tostring(inline)))
                    continue
                link = next((li.get("href") for li in entry.findall(f"{ATOM}link")
                             if li.get("href") and (li.get("type") in (
                                 None, "application/cap+xml", "application/xml",
                                 "text/xml"))), None)
                if link is None:
                    ctx.reject(f"{url}: an Atom entry without a CAP link or content")
                    continue
                from urllib.parse import urljoin

                target = urljoin(url, link)
                if target in ctx.store.setdefault("fetched", []):
                    continue
                documents.append((target, await self._get(session, target)))
        else:
            ctx.reject(f"{url}: neither a CAP 1.2 alert nor an Atom feed ({root.tag})")
            return
        seen: list[str] = ctx.store.setdefault("seen", [])
        fetched: list[str] = ctx.store.setdefault("fetched", [])
        for source, data in documents:
            try:
                alert = parse_cap(data)
            except CapError as exc:
                ctx.reject(f"{source}: {exc}")
                continue
            key = f"{alert.sender} {alert.identifier}"
            if key in seen:
                continue
            reply = await ctx.submit("report_alert", xml=data.decode("utf-8"), source=source)
            if reply.accepted or reply.duplicate:
                seen.append(key)
                if source != url:
                    fetched.append(source)
        del seen[:-1000], fetched[:-1000]
        await ctx.save()
