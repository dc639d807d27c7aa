"""CAP 1.2 (OASIS Common Alerting Protocol): parse, validate against the OASIS schema,
and decide whether an alert touches the city. Shared by the CAP feed plugin and the
public notices. See `core.cap.parse`."""

from core.cap.parse import CapAlert, CapArea, CapError, CapInfo, parse_cap, touches_box

__all__ = ["CapAlert", "CapArea", "CapError", "CapInfo", "parse_cap", "touches_box"]
