"""Playbook rules on a sensor reading: checked with precise errors, judged on the newest
readings of the sensors in the incident's grid cell (or one named sensor), fired once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, update

from core.domain.model import Incident
from core.playbooks.commands import ActivatePlaybook, FireRule
from core.playbooks.format import PlaybookError, default_folder, load_playbook
from core.playbooks.live import SensorValue, rule_holds
from core.playbooks.rules import RULE_ACTOR, evaluate_rules
from core.plugins.tables import SensorRow
from core.service import CommandService
from core.store.database import open_database
from tests.core.helpers import DISPATCHER, new_incident, seed_units

FLOOD = default_folder() / "flood_evacuation.toml"
RULE = 'when = { sensor = { kind = "water_level", at_least = 4.5, max_age_min = 30 } }'


@pytest.fixture
def service(migrated_db_url: str, sim_clock):  # noqa: ANN001, ANN201
    db = open_database(migrated_db_url)
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)
    yield svc
    db.dispose()


@pytest.mark.parametrize(("new", "key", "message"), [
    ('when = { sensor = { kind = "rainfall", at_least = 4.5 } }', "rules[1].when.sensor.kind",
     "unknown sensor kind 'rainfall' (known: water_level, smoke, gas, temperature)"),
    ('when = { sensor = { kind = "water_level" } }', "rules[1].when.sensor",
     "give the threshold: at_least or at_most"),
    ('when = { sensor = { at_least = 4.5 } }', "rules[1].when.sensor",
     "name the sensors: kind"),
    ('when = { sensor = { kind = "water_level", at_least = "high" } }',
     "rules[1].when.sensor.at_least", "must be a number, not 'high'"),
    ('when = { sensor = { kind = "water_level", at_least = 5.0, at_most = 4.0 } }',
     "rules[1].when.sensor.at_most", "is below at_least 5.0"),
    ('when = { sensor = { kind = "water_level", at_least = 400 } }',
     "rules[1].when.sensor.at_least", "outside what a water_level sensor can read"),
    ('when = { sensor = { kind = "water_level", above = 4.5 } }',
     "rules[1].when.sensor.above", "unknown key"),
    ('when = { sensor = { kind = "water_level", at_least = 4.5, max_age_min = 0 } }',
     "rules[1].when.sensor.max_age_min", "must be 1 to 1440 minutes"),
    ('when = { sensor = "water_level >= 4.5" }', "rules[1].when.sensor", "must be a table"),
])
def test_a_broken_sensor_condition_names_file_line_and_key(
        tmp_path: Path, new: str, key: str, message: str) -> None:
    text = FLOOD.read_text(encoding="utf-8")
    assert RULE in text
    path = tmp_path / "flood.toml"
    path.write_text(text.replace(RULE, new, 1), encoding="utf-8")
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    assert err.value.key == key
    assert message in err.value.detail
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if new in t)
    assert err.value.line == line


def _sensor(svc: CommandService, sid: str, cell: str, value: float | None, at) -> None:  # noqa: ANN001
    with svc.db.transaction() as s:
        if s.get(SensorRow, sid) is None:
            s.execute(insert(SensorRow).values(
                id=sid, plugin="mqtt_sensors", kind="water_level", unit="m", x=0.0, y=0.0,
                cell_code=cell, label=sid, last_value=value, last_at=at))
        else:
            s.execute(update(SensorRow).where(SensorRow.id == sid).values(
                last_value=value, last_at=at))


def test_a_gauge_in_the_incidents_cell_raises_the_level_once(
        service: CommandService, sim_clock) -> None:  # noqa: ANN001
    iid = new_incident(service, "flood", description="water in the street",
                       cell_code="D1-S1-C1-G3")
    service.execute(ActivatePlaybook(iid, load_playbook(FLOOD)), DISPATCHER)
    now = sim_clock.now()
    assert evaluate_rules(service) == []  # no sensor at all
    _sensor(service, "river-1", "D1-S1-C1-G3", 4.2, now)
    _sensor(service, "river-9", "D9-S9-C9-G9", 6.0, now)  # high, but in another cell
    assert evaluate_rules(service) == []
    _sensor(service, "river-1", "D1-S1-C1-G3", 5.0, now - timedelta(minutes=40))
    assert evaluate_rules(service) == []  # high, but too old to act on
    # Refused by hand too: the command decides again on the stored readings.
    with pytest.raises(Exception, match="does not hold now"):
        service.execute(FireRule(iid, "gauge_high"), RULE_ACTOR)
    _sensor(service, "river-1", "D1-S1-C1-G3", 4.6, now)
    first, second = service.state(), service.state()  # two evaluators at once
    events = evaluate_rules(service, first)
    assert [(e.actor, e.payload["rule"], e.payload["level"]) for e in events] == [
        ("rule", "gauge_high", "III")]
    assert evaluate_rules(service, second) == []
    assert service.state().playbooks[iid]["fired"] == ["gauge_high"]


def test_a_named_sensor_and_at_most(service: CommandService, sim_clock) -> None:  # noqa: ANN001
    iid = new_incident(service, "flood", cell_code="D1-S1-C1-G3")
    incident: Incident = service.state().incidents[iid]
    now = sim_clock.now()
    rule = {"when": {"sensor": {"id": "dam-2", "at_most": 1.0, "max_age_min": 30}}}
    low = [SensorValue("dam-2", "water_level", "D7-S1-C1-G1", 0.8, now)]
    assert rule_holds(rule, {}, incident, {}, now, low)  # a named sensor: any cell
    assert not rule_holds(rule, {}, incident, {}, now, [SensorValue(
        "dam-2", "water_level", None, 1.2, now)])
    assert not rule_holds(rule, {}, incident, {}, now, [SensorValue(
        "dam-3", "water_level", None, 0.5, now)])
    assert not rule_holds(rule, {}, incident, {}, now)  # no readings given
