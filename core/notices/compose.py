"""From what an operator fills in to a `NoticeContent`: the CLI and the console share
this, so both turn cells into the same polygons and use the centre's settings."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.city.model import City
from core.events import iso
from core.notices.commands import NoticeContent
from core.notices.config import NoticeSettings
from core.notices.model import areas_for_cells, city_box


def compose(city: City, settings: NoticeSettings, *, cells: list[str], event: str,
            urgency: str, severity: str, certainty: str,
            texts: dict[str, dict[str, str]], onset: datetime | None = None,
            expires: datetime | None = None, hours: float = 6.0, now: datetime,
            category: str = "Safety", status: str = "",
            incident_id: str | None = None) -> NoticeContent:
    """The content of a notice over `cells` of `city`: onset defaults to `now`, expiry
    to `hours` after onset. Unknown cells raise `ValidationError`."""
    areas = areas_for_cells(city, cells, settings.geocodes)
    box = city_box(city)
    onset = onset or now
    expires = expires or onset + timedelta(hours=hours)
    return NoticeContent(
        event=event, urgency=urgency, severity=severity, certainty=certainty,
        texts=texts, areas=tuple(a.as_json() for a in areas),
        onset=iso(onset), expires=iso(expires), category=category, status=status,
        city_box=None if box is None else (box.south, box.west, box.north, box.east),
        sender=settings.sender, sender_name=settings.sender_name, incident_id=incident_id)
