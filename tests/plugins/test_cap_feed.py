"""The CAP feed plugin against a real HTTP server: an Atom feed of three alerts, one
inside the city (recorded once, however often it is polled), one elsewhere (not
recorded) and one invalid (rejected with the schema's reason)."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

from core.centre import open_centre
from core.plugins.host import Host
from core.plugins.slot import PluginSpec
from core.profile import DatabaseKind
from core.store import event_log
from core.store.city_row import city_outline

SAMPLE = Path(__file__).parents[1] / "core" / "data" / "cap" / "thunderstorm.xml"


def _feed(links: list[str]) -> str:
    entries = "".join(f'<entry><id>urn:x:{n}</id><title>{n}</title><updated>'
                      f'2026-03-01T08:00:00Z</updated><link href="{n}" '
                      f'type="application/cap+xml"/></entry>' for n in links)
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            '<id>urn:x:feed</id><title>Warnings</title><updated>2026-03-01T08:00:00Z</updated>'
            f'{entries}</feed>')


def test_alerts_touching_the_city_are_recorded_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    centre = open_centre(url, city_scale="small", new_kind=DatabaseKind.DEMO)
    db = centre.service.db
    outline = city_outline(db)
    assert outline is not None and outline.reference is not None
    x0, y0, x1, y1 = outline.bounds
    lat, lon = (float(v) for v in outline.reference.to_latlon((x0 + x1) / 2, (y0 + y1) / 2))
    square = " ".join(f"{lat + a:.4f},{lon + b:.4f}" for a, b in
                      ((-0.01, -0.01), (-0.01, 0.01), (0.01, 0.01), (0.01, -0.01),
                       (-0.01, -0.01)))
    text = SAMPLE.read_text()
    here = text.replace("KSTO1055887203", "CITY-FLOOD-1").replace(
        "38.47,-120.14 38.34,-119.95 38.52,-119.74 38.62,-119.89 38.47,-120.14", square)
    site = tmp_path / "site"
    site.mkdir()
    (site / "here.xml").write_text(here)
    (site / "elsewhere.xml").write_text(text)
    (site / "invalid.xml").write_text(text.replace("<status>Actual</status>",
                                                   "<status>Rumour</status>"))
    (site / "feed.xml").write_text(_feed(["here.xml", "elsewhere.xml", "invalid.xml"]))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    feed_url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    host = Host(db, [PluginSpec("cap_feed", "plugins.cap_feed:CapFeed",
                                {"url": feed_url, "interval_s": 1})])
    host.start()

    def recorded() -> list:
        with db.session() as session:
            return event_log.query(session, event_log.EventQuery(
                type="external_alert_received"))

    try:
        slot = host.slots["cap_feed"]
        end = time.monotonic() + 20
        while slot.counters.rejected < 3 and time.monotonic() < end:  # three polls at least
            host.step()
        assert slot.counters.rejected >= 3, slot.counters
    finally:
        host.shutdown()
        server.shutdown()
    events = recorded()
    assert [e.payload["identifier"] for e in events] == ["CITY-FLOOD-1"]
    assert events[0].payload["severity"] == "Severe" and events[0].actor == "plugin:cap_feed"
    assert events[0].payload["source"].endswith("/here.xml")
    # Its area in city metres, for the map: the square around the city's middle.
    [shape] = events[0].payload["shapes"]
    xs = [p[0] for p in shape["polygon"]]
    assert len(xs) == 5 and min(xs) < (x0 + x1) / 2 < max(xs)
    # In force until it expires (2003-06-17 16:00 at UTC-7), then gone.
    from datetime import UTC, datetime

    from core.plugins.alerts import read_warnings

    [warning] = read_warnings(db, datetime(2003, 6, 17, 22, 59, tzinfo=UTC))
    assert (warning.identifier, warning.headline) == ("CITY-FLOOD-1",
                                                       "SEVERE THUNDERSTORM WARNING")
    assert read_warnings(db, datetime(2003, 6, 17, 23, 1, tzinfo=UTC)) == []
    reason = slot.counters.recent_rejections[-1]
    assert "invalid.xml" in reason and "Rumour" in reason
    centre.close()
