"""Commands: every change of state, validated before it becomes an event.

Import the command classes from here; run them with `core.service.CommandService`.
"""

from core.commands.base import Command, Context, Decision
from core.commands.database import SetDatabaseKind, StartExercise
from core.commands.incidents import (
    AddNote,
    AttachCall,
    ChangeIncidentStatus,
    ChangePriority,
    CreateIncident,
    EraseCallerData,
)
from core.commands.messages import SendMessage
from core.commands.operators import CreateOperator, RecordCityLoaded, RegisterUnits, SignIn
from core.commands.plugins import (
    ClearSensorIncident,
    RaiseSensorIncident,
    ReportSilentSensor,
    SetPluginEnabled,
    UpdateSensorIncident,
)
from core.commands.units import AssignUnits, ChangeUnitStatus, ReportPosition

__all__ = [
    "AddNote", "AssignUnits", "AttachCall", "ChangeIncidentStatus", "ChangePriority",
    "ChangeUnitStatus", "ClearSensorIncident", "Command", "Context", "CreateIncident",
    "CreateOperator", "Decision", "EraseCallerData", "RaiseSensorIncident",
    "RecordCityLoaded", "RegisterUnits", "ReportPosition", "ReportSilentSensor", "SendMessage",
    "SetDatabaseKind", "SetPluginEnabled", "SignIn", "StartExercise", "UpdateSensorIncident",
]
