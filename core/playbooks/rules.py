"""Evaluating playbook level rules: the one place they are evaluated.

`due_firings` looks at a state (a console's live state, or the tables) and lists the
rules whose conditions hold; `evaluate_rules` records each as a `FireRule` command with
the actor "rule". A firing is idempotent: `FireRule` decides again under the log lock
against the stored checklist, so a rule two consoles (or a console and the headless
`beacon playbook rules --watch` service) evaluate at once is recorded once, and the
other attempt is refused quietly.

A rule that tests a sensor reading is judged on the newest readings of the plugin
host's `sensors` table (`core.playbooks.sensors`), read by `evaluate_rules` only while
such a rule could still fire; `FireRule` reads them again under the log lock.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from core.auth import Actor
from core.domain.kinds import Role
from core.domain.state import State
from core.errors import ValidationError
from core.events import Event
from core.playbooks.commands import ENDED, FireRule
from core.playbooks.live import SensorValue, rule_holds, rule_would_move
from core.playbooks.sensors import read_sensor_values, sensor_rules_pending

log = logging.getLogger(__name__)

RULE_ACTOR = Actor("rule", Role.SUPERVISOR)


def due_firings(state: State, now: datetime,
                sensors: Sequence[SensorValue] = ()) -> list[FireRule]:
    """The rules that would fire now, one per incident (the first in playbook order:
    after it fires the others are judged against the new level). Sensor conditions are
    judged on `sensors` (none given: they do not hold)."""
    out: list[FireRule] = []
    for incident_id, checklist in sorted(state.playbooks.items()):
        incident = state.incidents.get(incident_id)
        if incident is None or incident.status in ENDED:
            continue
        for rule in checklist["rules"]:
            if rule_would_move(rule, checklist) and rule_holds(rule, checklist, incident,
                                                               state.units, now, sensors):
                out.append(FireRule(incident_id, rule["id"], tuple(incident.units)))
                break
    return out


def evaluate_rules(service, state: State | None = None,  # noqa: ANN001 - CommandService
                   max_rounds: int = 10) -> list[Event]:
    """Fire every rule that holds; returns the events recorded (empty if none, or if
    another evaluator recorded them first). Rounds repeat while rules fire, so a rule
    that holds only at the new level fires in the same call."""
    events: list[Event] = []
    for _ in range(max_rounds):
        current = state if state is not None and not events else service.state()
        sensors: list[SensorValue] = []
        if sensor_rules_pending(current.playbooks, (i.id for i in current.open_incidents())):
            with service.db.session() as session:
                sensors = read_sensor_values(session)
        firings = due_firings(current, service.clock.now(), sensors)
        if not firings:
            break
        fired = False
        for command in firings:
            try:
                events.append(service.execute(command, RULE_ACTOR))
                fired = True
            except ValidationError as exc:  # another evaluator was first, or it changed
                log.debug("rule %s on %s not fired: %s", command.rule, command.incident_id,
                          exc)
        if not fired:
            break
    return events
