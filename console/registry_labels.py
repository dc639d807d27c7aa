"""The community registry's words, translated (context "Registry"): emergency flags,
kinds of things, organisations and reports, and an evacuation's check results."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

_CTX = "Registry"

FLAG_LABELS: dict[str, str] = {
    "elderly_alone": QT_TRANSLATE_NOOP("Registry", "lives alone, elderly"),
    "wheelchair": QT_TRANSLATE_NOOP("Registry", "uses a wheelchair"),
    "bedridden": QT_TRANSLATE_NOOP("Registry", "bedridden"),
    "oxygen": QT_TRANSLATE_NOOP("Registry", "oxygen at home"),
    "small_children": QT_TRANSLATE_NOOP("Registry", "small children"),
    "no_common_language": QT_TRANSLATE_NOOP("Registry", "speaks no Chinese or English"),
}

THING_LABELS: dict[str, str] = {
    "hydrant": QT_TRANSLATE_NOOP("Registry", "Hydrant"),
    "aed": QT_TRANSLATE_NOOP("Registry", "AED"),
    "shelter": QT_TRANSLATE_NOOP("Registry", "Shelter"),
    "gas_valve": QT_TRANSLATE_NOOP("Registry", "Gas valve"),
    "hazmat_store": QT_TRANSLATE_NOOP("Registry", "Hazardous materials store"),
}

ORGANISATION_LABELS: dict[str, str] = {
    "school": QT_TRANSLATE_NOOP("Registry", "School"),
    "care_home": QT_TRANSLATE_NOOP("Registry", "Care home"),
    "business": QT_TRANSLATE_NOOP("Registry", "Business"),
    "volunteer_team": QT_TRANSLATE_NOOP("Registry", "Volunteer team"),
    "other": QT_TRANSLATE_NOOP("Registry", "Organisation"),
}

REPORT_LABELS: dict[str, str] = {
    "broken_hydrant": QT_TRANSLATE_NOOP("Registry", "Broken hydrant"),
    "blocked_fire_lane": QT_TRANSLATE_NOOP("Registry", "Blocked fire lane"),
    "check_in_needed": QT_TRANSLATE_NOOP("Registry", "Check-in needed"),
    "hazard": QT_TRANSLATE_NOOP("Registry", "Hazard"),
    "streetlight": QT_TRANSLATE_NOOP("Registry", "Street light"),
    "other": QT_TRANSLATE_NOOP("Registry", "Report"),
}

CHECK_LABELS: dict[str, str] = {
    "evacuated": QT_TRANSLATE_NOOP("Registry", "Left the building"),
    "not_home": QT_TRANSLATE_NOOP("Registry", "No one at home"),
    "needs_help": QT_TRANSLATE_NOOP("Registry", "Needs help to leave"),
    "refused": QT_TRANSLATE_NOOP("Registry", "Refused to leave"),
}

CONSTRUCTION_LABELS: dict[str, str] = {
    "concrete": QT_TRANSLATE_NOOP("Registry", "concrete"),
    "brick": QT_TRANSLATE_NOOP("Registry", "brick"),
    "steel": QT_TRANSLATE_NOOP("Registry", "steel"),
    "timber": QT_TRANSLATE_NOOP("Registry", "timber"),
    "mixed": QT_TRANSLATE_NOOP("Registry", "mixed"),
    "unknown": QT_TRANSLATE_NOOP("Registry", "construction unknown"),
}


def label(table: dict[str, str], code: str | None) -> str:
    """The translated label of `code` in one of the tables above (the code if unknown)."""
    if not code:
        return ""
    source = table.get(code)
    return QCoreApplication.translate(_CTX, source) if source else code
