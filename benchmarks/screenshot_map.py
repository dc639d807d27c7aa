"""Screenshots of the map and the dashboard side by side on the full demo city after an
hour of simulated activity, in the light and the dark theme.

Run: QT_QPA_PLATFORM=offscreen PYTHONPATH=. python benchmarks/screenshot_map.py [OUT_DIR]
Writes map_dashboard_light.png, map_dashboard_dark.png and map_zoomed_dark.png.
"""

from __future__ import annotations

import math
import random
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication, QSplitter  # noqa: E402

from benchmarks.demo_centre import demo_centre  # noqa: E402
from console.bridge import EventBridge, Selection  # noqa: E402
from console.dashboard import Dashboard  # noqa: E402
from console.map_view import MapView  # noqa: E402
from core.clock import SimulatedClock  # noqa: E402
from core.commands import (  # noqa: E402
    AssignUnits,
    ChangeIncidentStatus,
    ChangeUnitStatus,
    CreateIncident,
    ReportPosition,
)
from core.domain.incident_types import INCIDENT_TYPES  # noqa: E402
from core.domain.kinds import UNIT_CAPABILITIES  # noqa: E402
from core.domain.lifecycle import IncidentStatus, UnitStatus  # noqa: E402

TYPES = ("medical", "structure_fire", "traffic_collision", "fall", "burglary", "disturbance",
         "welfare_check", "gas_leak", "assault", "medical", "fall", "community_hazard")


def simulate(centre, clock: SimulatedClock, minutes: int = 60, seed: int = 5) -> None:  # noqa: ANN001
    """An hour of calls: each dispatched to the nearest capable units, which drive there
    (position reports on the way), arrive after 3-14 minutes, and clear 10-25 minutes later.
    """
    rng = random.Random(seed)
    svc, actor, city = centre.service, centre.actor, centre.city
    state = centre.live.state

    def arrive(unit_id: str, incident_id: str) -> None:
        inc = state.incidents[incident_id]
        if state.units[unit_id].status in (UnitStatus.DISPATCHED, UnitStatus.EN_ROUTE):
            svc.execute(ReportPosition(unit_id, inc.x, inc.y), actor)
            svc.execute(ChangeUnitStatus(unit_id, UnitStatus.ON_SCENE), actor)

    def drive(unit_id: str, incident_id: str, share: float) -> None:
        unit, inc = state.units[unit_id], state.incidents[incident_id]
        if unit.status is UnitStatus.DISPATCHED:
            svc.execute(ChangeUnitStatus(unit_id, UnitStatus.EN_ROUTE), actor)
        if unit.status is UnitStatus.EN_ROUTE:
            svc.execute(ReportPosition(unit_id, unit.x + share * (inc.x - unit.x),
                                       unit.y + share * (inc.y - unit.y)), actor)

    def resolve(incident_id: str) -> None:
        if state.incidents[incident_id].status is IncidentStatus.ON_SCENE:
            svc.execute(ChangeIncidentStatus(incident_id, IncidentStatus.RESOLVED), actor)

    for _ in range(minutes * 2):
        clock.advance(30)
        if rng.random() > 0.45:
            continue
        address = rng.choice(city.addresses)
        type_code = rng.choice(TYPES)
        event = svc.execute(CreateIncident(type=type_code, x=address.x, y=address.y,
                                           address=address.text, cell_code=address.cell_code),
                            actor)
        incident_id = event.payload["id"]
        chosen: list[str] = []
        for capability, wanted in INCIDENT_TYPES[type_code].needs.items():
            free = sorted((u for u in state.units.values()
                           if u.status is UnitStatus.AVAILABLE and u.id not in chosen
                           and capability in UNIT_CAPABILITIES[u.kind]),
                          key=lambda u: math.hypot(u.x - address.x, u.y - address.y))
            chosen += [u.id for u in free[:wanted]]
        if not chosen or rng.random() < 0.15:
            continue  # left in the queue: the map shows it waiting
        svc.execute(AssignUnits(incident_id, tuple(chosen)), actor)
        travel = rng.uniform(3, 14) * 60
        for unit_id in chosen:
            clock.call_later(60, lambda u=unit_id, i=incident_id: drive(u, i, 0.3))
            clock.call_later(travel / 2, lambda u=unit_id, i=incident_id: drive(u, i, 0.6))
            clock.call_later(travel, lambda u=unit_id, i=incident_id: arrive(u, i))
        clock.call_later(travel + rng.uniform(10, 25) * 60,
                         lambda i=incident_id: resolve(i))


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    clock = SimulatedClock(datetime(2026, 3, 1, 2, 0, tzinfo=UTC))
    centre = demo_centre("full", clock=clock)
    bridge = EventBridge(centre.service.bus)
    selection = Selection()
    window = QSplitter()
    map_view = MapView(centre, bridge, selection)
    dashboard = Dashboard(centre, bridge, selection)
    window.addWidget(map_view)
    window.addWidget(dashboard)
    window.resize(1800, 950)
    window.setSizes([1000, 800])
    window.show()
    simulate(centre, clock)
    for _ in range(30):  # let queued events and the coalescing timers run
        app.processEvents()
    map_view._redraw_live()
    dashboard._redraw()
    busy = next((i.id for i in centre.live.state.open_incidents()
                 if i.priority == 1 and i.units), "")
    selection.select_incident(busy)
    map_view.fit_city()
    app.processEvents()
    window.grab().save(str(out / "map_dashboard_light.png"))
    map_view.set_dark(True)
    dashboard.set_dark(True)
    app.processEvents()
    window.grab().save(str(out / "map_dashboard_dark.png"))
    if busy:
        x, y = map_view.incident_point(busy)
        map_view.view_box().setRange(xRange=(x - 900, x + 900), yRange=(y - 700, y + 700),
                                     padding=0)
    app.processEvents()
    map_view.grab().save(str(out / "map_zoomed_dark.png"))
    print("wrote", *(str(out / n) for n in ("map_dashboard_light.png",
                                            "map_dashboard_dark.png", "map_zoomed_dark.png")))
    bridge.close()
    centre.close()


if __name__ == "__main__":
    main()
