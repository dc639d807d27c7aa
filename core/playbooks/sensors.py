"""The sensor readings playbook rules test: each sensor's newest reading, read from the
plugin host's `sensors` table (its `last_value`, kept with every stored reading of
`sensor_readings`).

Read only when an active checklist has a rule that tests a sensor, so a centre without
such a playbook never reads the table for its rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.playbooks.live import SensorValue, rule_would_move, uses_sensors


def read_sensor_values(session: Session) -> list[SensorValue]:
    """Every declared sensor with its newest reading (value and time may be None)."""
    from core.plugins.tables import SensorRow

    return [SensorValue(r.id, r.kind, r.cell_code, r.last_value, r.last_at)
            for r in session.execute(select(SensorRow).order_by(SensorRow.id)).scalars()]


def sensor_rules_pending(playbooks: Mapping[str, Mapping[str, Any]],
                         open_incidents: Iterable[str]) -> bool:
    """Whether an open incident's checklist has a sensor rule that could still fire (so
    the evaluator must read the sensors to know)."""
    open_ids = set(open_incidents)
    return any(uses_sensors(rule) and rule_would_move(rule, checklist)
               for iid, checklist in playbooks.items() if iid in open_ids
               for rule in checklist["rules"])
