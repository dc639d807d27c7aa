"""Free-text messages: nobody writes under another's name or into another's incident."""

from __future__ import annotations

import pytest

from core.auth import Actor
from core.commands import AssignUnits
from core.commands.messages import SendMessage
from core.errors import PermissionDenied
from core.service import CommandService
from core.store.database import open_database
from tests.core.helpers import DISPATCHER, new_incident, seed_units


@pytest.fixture
def service(sqlite_url: str) -> CommandService:
    svc = CommandService(open_database(sqlite_url))
    seed_units(svc)
    return svc


def test_a_unit_writes_only_into_its_own_incident(service: CommandService) -> None:
    mine, other = new_incident(service), new_incident(service, "medical")
    service.execute(AssignUnits(mine, ("E1",)), DISPATCHER)
    e1 = Actor("E1", unit_id="E1")
    event = service.execute(SendMessage("water supply weak", from_unit="E1",
                                        incident_id=mine), e1)
    assert event.payload["incident_id"] == mine
    with pytest.raises(PermissionDenied, match=f"not on incident {other}"):
        service.execute(SendMessage("hello", from_unit="E1", incident_id=other), e1)


def test_an_operator_cannot_write_as_a_unit(service: CommandService) -> None:
    with pytest.raises(PermissionDenied, match="not as a unit"):
        service.execute(SendMessage("fake", from_unit="E2", to_unit="E1"), DISPATCHER)
    event = service.execute(SendMessage("bring the ladder", to_unit="E1"), DISPATCHER)
    assert event.payload["from_unit"] is None and event.actor == DISPATCHER.name
