"""External CAP alert feed: polls a CAP 1.2 document or an Atom feed of them over HTTP and
delivers each new alert to the host, which validates it against the OASIS schema and
records those that touch the city (`external_alert_received`)."""

from plugins.cap_feed.plugin import CapFeed

__all__ = ["CapFeed"]
