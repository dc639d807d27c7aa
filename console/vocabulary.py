"""Words from core shown to people, translated: incident types, statuses, unit kinds,
agencies and capabilities.

Core speaks in stable codes; the console turns them into labels through Qt's
translation system (context "Vocabulary"), so both languages come from one table.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from core.domain.incident_types import INCIDENT_TYPES

_CTX = "Vocabulary"

# The English labels are the source texts; lupdate collects them from here.
INCIDENT_TYPE_LABELS: dict[str, str] = {
    "structure_fire": QT_TRANSLATE_NOOP("Vocabulary", "Structure fire"),
    "vehicle_fire": QT_TRANSLATE_NOOP("Vocabulary", "Vehicle fire"),
    "smoke": QT_TRANSLATE_NOOP("Vocabulary", "Smoke reported"),
    "explosion": QT_TRANSLATE_NOOP("Vocabulary", "Explosion"),
    "gas_leak": QT_TRANSLATE_NOOP("Vocabulary", "Gas leak"),
    "hazmat": QT_TRANSLATE_NOOP("Vocabulary", "Hazardous materials"),
    "medical": QT_TRANSLATE_NOOP("Vocabulary", "Medical emergency"),
    "fall": QT_TRANSLATE_NOOP("Vocabulary", "Fall / injury"),
    "traffic_collision": QT_TRANSLATE_NOOP("Vocabulary", "Traffic collision"),
    "assault": QT_TRANSLATE_NOOP("Vocabulary", "Assault"),
    "burglary": QT_TRANSLATE_NOOP("Vocabulary", "Burglary"),
    "disturbance": QT_TRANSLATE_NOOP("Vocabulary", "Public disturbance"),
    "flood": QT_TRANSLATE_NOOP("Vocabulary", "Flooding"),
    "building_collapse": QT_TRANSLATE_NOOP("Vocabulary", "Building collapse"),
    "water_rescue": QT_TRANSLATE_NOOP("Vocabulary", "Water rescue"),
    "welfare_check": QT_TRANSLATE_NOOP("Vocabulary", "Welfare check"),
    "community_hazard": QT_TRANSLATE_NOOP("Vocabulary", "Community hazard"),
}

INCIDENT_STATUS_LABELS: dict[str, str] = {
    "new": QT_TRANSLATE_NOOP("Vocabulary", "New"),
    "dispatched": QT_TRANSLATE_NOOP("Vocabulary", "Dispatched"),
    "on_scene": QT_TRANSLATE_NOOP("Vocabulary", "On scene"),
    "resolved": QT_TRANSLATE_NOOP("Vocabulary", "Resolved"),
    "closed": QT_TRANSLATE_NOOP("Vocabulary", "Closed"),
    "cancelled": QT_TRANSLATE_NOOP("Vocabulary", "Cancelled"),
}

UNIT_STATUS_LABELS: dict[str, str] = {
    "available": QT_TRANSLATE_NOOP("Vocabulary", "Available"),
    "dispatched": QT_TRANSLATE_NOOP("Vocabulary", "Dispatched"),
    "en_route": QT_TRANSLATE_NOOP("Vocabulary", "En route"),
    "on_scene": QT_TRANSLATE_NOOP("Vocabulary", "On scene"),
    "transporting": QT_TRANSLATE_NOOP("Vocabulary", "Transporting"),
    "out_of_service": QT_TRANSLATE_NOOP("Vocabulary", "Out of service"),
}

UNIT_KIND_LABELS: dict[str, str] = {
    "fire_engine": QT_TRANSLATE_NOOP("Vocabulary", "Fire engine"),
    "ladder": QT_TRANSLATE_NOOP("Vocabulary", "Ladder truck"),
    "ambulance": QT_TRANSLATE_NOOP("Vocabulary", "Ambulance"),
    "police_car": QT_TRANSLATE_NOOP("Vocabulary", "Police car"),
    "rescue_team": QT_TRANSLATE_NOOP("Vocabulary", "Rescue team"),
    "hazmat": QT_TRANSLATE_NOOP("Vocabulary", "Hazmat unit"),
    "grid_worker": QT_TRANSLATE_NOOP("Vocabulary", "Grid worker"),
    "volunteer_team": QT_TRANSLATE_NOOP("Vocabulary", "Volunteer team"),
}

AGENCY_LABELS: dict[str, str] = {
    "fire": QT_TRANSLATE_NOOP("Vocabulary", "Fire and rescue"),
    "ems": QT_TRANSLATE_NOOP("Vocabulary", "Emergency medical"),
    "police": QT_TRANSLATE_NOOP("Vocabulary", "Police"),
    "rescue": QT_TRANSLATE_NOOP("Vocabulary", "Rescue"),
    "community": QT_TRANSLATE_NOOP("Vocabulary", "Community and grid"),
}

CAPABILITY_LABELS: dict[str, str] = {
    "fire": QT_TRANSLATE_NOOP("Vocabulary", "firefighting"),
    "ladder": QT_TRANSLATE_NOOP("Vocabulary", "aerial ladder"),
    "ems": QT_TRANSLATE_NOOP("Vocabulary", "medical care"),
    "police": QT_TRANSLATE_NOOP("Vocabulary", "policing"),
    "rescue": QT_TRANSLATE_NOOP("Vocabulary", "technical rescue"),
    "hazmat": QT_TRANSLATE_NOOP("Vocabulary", "hazardous materials"),
    "community": QT_TRANSLATE_NOOP("Vocabulary", "community support"),
}


def _label(table: dict[str, str], code: object) -> str:
    key = str(code)
    source = table.get(key)
    if source is None:
        return key.replace("_", " ")
    return QCoreApplication.translate(_CTX, source)


def incident_type_label(code: str) -> str:
    """The translated label of an incident type code."""
    if code not in INCIDENT_TYPE_LABELS and code in INCIDENT_TYPES:
        return INCIDENT_TYPES[code].label
    return _label(INCIDENT_TYPE_LABELS, code)


def incident_status_label(status: object) -> str:
    """The translated label of an incident status."""
    return _label(INCIDENT_STATUS_LABELS, status)


def unit_status_label(status: object) -> str:
    """The translated label of a unit status."""
    return _label(UNIT_STATUS_LABELS, status)


def unit_kind_label(kind: object) -> str:
    """The translated label of a unit kind."""
    return _label(UNIT_KIND_LABELS, kind)


def agency_label(agency: object) -> str:
    """The translated label of an agency."""
    return _label(AGENCY_LABELS, agency)


def capability_label(capability: object) -> str:
    """The translated label of a capability."""
    return _label(CAPABILITY_LABELS, capability)


def format_duration(seconds: float) -> str:
    """A duration as an operator reads it: 45 s, 4:10, 1:02:03 (numbers need no words)."""
    s = max(0, int(seconds))
    if s < 3600:
        return f"{s // 60:d}:{s % 60:02d}"
    return f"{s // 3600:d}:{(s % 3600) // 60:02d}:{s % 60:02d}"


def format_latlon(lat: float, lon: float) -> str:
    """A WGS 84 position as people read it, latitude first, five decimals (about a
    metre): "31.23041° N, 121.47370° E"; in Chinese "北纬 31.23041°，东经 121.47370°"."""
    ns = (QCoreApplication.translate("Coordinates", "%1° N") if lat >= 0
          else QCoreApplication.translate("Coordinates", "%1° S"))
    ew = (QCoreApplication.translate("Coordinates", "%1° E") if lon >= 0
          else QCoreApplication.translate("Coordinates", "%1° W"))
    return fill(QCoreApplication.translate("Coordinates", "%1, %2"),
                fill(ns, f"{abs(lat):.5f}"), fill(ew, f"{abs(lon):.5f}"))


def fill(text: str, *args: object) -> str:
    """Qt-style placeholders: replace %1, %2, ... in a translated text (highest first,
    so %1 does not eat the start of %10)."""
    for n in range(len(args), 0, -1):
        text = text.replace(f"%{n}", str(args[n - 1]))
    return text


# Texts the map and the dashboard look up through a variable (so lupdate cannot see
# them there): declared here, in their contexts, so the translation file holds them.
_LOOKED_UP_ELSEWHERE = (
    QT_TRANSLATE_NOOP("Beacon", "Available"),
    QT_TRANSLATE_NOOP("Beacon", "Dispatched"),
    QT_TRANSLATE_NOOP("Beacon", "En route"),
    QT_TRANSLATE_NOOP("Beacon", "On scene"),
    QT_TRANSLATE_NOOP("Beacon", "Transporting"),
    QT_TRANSLATE_NOOP("Beacon", "Out of service"),
    QT_TRANSLATE_NOOP("Beacon", "P%1"),
    QT_TRANSLATE_NOOP("Beacon", "Fire"),
    QT_TRANSLATE_NOOP("Beacon", "Ambulance"),
    QT_TRANSLATE_NOOP("Beacon", "Police"),
    QT_TRANSLATE_NOOP("Beacon", "Rescue"),
    QT_TRANSLATE_NOOP("Beacon", "Community"),
    QT_TRANSLATE_NOOP("IncidentType", "Structure fire"),
    QT_TRANSLATE_NOOP("IncidentType", "Vehicle fire"),
    QT_TRANSLATE_NOOP("IncidentType", "Smoke reported"),
    QT_TRANSLATE_NOOP("IncidentType", "Explosion"),
    QT_TRANSLATE_NOOP("IncidentType", "Gas leak"),
    QT_TRANSLATE_NOOP("IncidentType", "Hazardous materials"),
    QT_TRANSLATE_NOOP("IncidentType", "Medical emergency"),
    QT_TRANSLATE_NOOP("IncidentType", "Fall / injury"),
    QT_TRANSLATE_NOOP("IncidentType", "Traffic collision"),
    QT_TRANSLATE_NOOP("IncidentType", "Assault"),
    QT_TRANSLATE_NOOP("IncidentType", "Burglary"),
    QT_TRANSLATE_NOOP("IncidentType", "Public disturbance"),
    QT_TRANSLATE_NOOP("IncidentType", "Flooding"),
    QT_TRANSLATE_NOOP("IncidentType", "Building collapse"),
    QT_TRANSLATE_NOOP("IncidentType", "Water rescue"),
    QT_TRANSLATE_NOOP("IncidentType", "Welfare check"),
    QT_TRANSLATE_NOOP("IncidentType", "Community hazard"),
)


def place_name(city: object, name: str) -> str:
    """A station's, area's or the city's name in the current language: its Chinese
    (stored with the city, `City.names_zh`) in Chinese, as stored otherwise."""
    if current_language() != "zh_CN":
        return name
    return (getattr(city, "names_zh", None) or {}).get(name, name)


class AddressLabels:
    """Addresses as the operator reads them: in Chinese, '庐山大道103号' where the city
    knows the road's Chinese name; the stored (English) text otherwise."""

    def __init__(self, city: object) -> None:
        self._city = city
        self._zh: dict[str, str] = dict(getattr(city, "road_names_zh", {}) or {})
        self._cache: dict[str, str] = {}

    def _chinese(self, road: str, number: int) -> str | None:
        name = self._zh.get(road)
        return f"{name}{number}号" if name else None

    def label(self, text: str) -> str:
        """The display form of a stored address text."""
        if current_language() != "zh_CN" or not self._zh:
            return text
        cached = self._cache.get(text)
        if cached is None:
            address = self._city.address(text)  # type: ignore[attr-defined]
            zh = self._chinese(address.road, address.number) if address else None
            cached = self._cache[text] = zh or text
        return cached

    def place(self, name: str) -> str:
        """A station's, area's or the city's name in the current language."""
        return place_name(self._city, name)

    def suggestion(self, address: object) -> str:
        """What the completer offers for a city address (the city resolves both forms)."""
        text = address.text  # type: ignore[attr-defined]
        if current_language() != "zh_CN":
            return text
        return self._chinese(address.road, address.number) or text  # type: ignore[attr-defined]


def current_language() -> str:
    """The language the console shows now (see `console.i18n`)."""
    from console.i18n import current_language as language

    return language()
