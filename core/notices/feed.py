"""The Atom feed of active notices, the way public alert feeds publish CAP.

One entry per active notice (its last message), whose `link` points at the CAP
document with the type `application/cap+xml` and whose `id` is the CAP identifier;
cancelled and expired notices are not in it. Readers (phones, aggregators) poll it and
fetch the documents.
"""

from __future__ import annotations

from datetime import UTC, datetime

from core.notices.query import Notice

ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_TYPE = "application/cap+xml"
ATOM_TYPE = "application/atom+xml"


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).replace(microsecond=0).isoformat()


def atom_feed(notices: list[Notice], base_url: str, now: datetime,
              title: str = "Public notices") -> bytes:
    """The feed (UTF-8 bytes). `base_url` is where the public service is reached
    (e.g. "https://alerts.example.org"); links are built under it."""
    from lxml import etree

    base = base_url.rstrip("/")

    def sub(parent: etree._Element, tag: str, text: str | None = None,
            **attrs: str) -> etree._Element:
        node = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    sub(feed, "id", f"{base}/notices.atom")
    sub(feed, "title", title)
    updated = max([n.sent for n in notices], default=now)
    sub(feed, "updated", _iso(updated))
    sub(feed, "link", rel="self", href=f"{base}/notices.atom", type=ATOM_TYPE)
    author = sub(feed, "author")
    sub(author, "name", "Beacon")
    for n in sorted(notices, key=lambda n: (n.sent, n.seq), reverse=True):  # newest first
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:cap:{n.identifier}")
        en = n.texts.get("en-US", {}).get("headline", "")
        zh = n.texts.get("zh-CN", {}).get("headline", "")
        prefix = "" if n.status == "Actual" else f"[{n.status}] "
        sub(entry, "title", prefix + " / ".join(t for t in (zh, en) if t))
        sub(entry, "updated", _iso(n.sent))
        sub(entry, "published", _iso(n.sent))
        sub(entry, "link", rel="alternate", type=CAP_TYPE,
            href=f"{base}/notices/{n.identifier}.xml")
        sub(entry, "summary", n.texts.get("en-US", {}).get("description", "")
            or n.texts.get("zh-CN", {}).get("description", ""))
        for cell in n.cells:
            sub(entry, "category", term=cell, label=f"grid cell {cell}")
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)
