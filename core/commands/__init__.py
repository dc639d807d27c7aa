"""Commands: every change of state, validated before it becomes an event.

Import the command classes from here; run them with `core.service.CommandService`.
"""

from core.commands.alarms import (
    AcknowledgeAlarms,
    AlarmExists,
    EscalateAlarm,
    RaiseAlarm,
    ReportEmergency,
    SetAlarmSoundMuted,
    playbook_step_overdue,
)
from core.commands.base import Command, Context, Decision
from core.commands.cameras import (
    AddCamera,
    DisableCamera,
    EnableCamera,
    ImportCameras,
    MoveCamera,
    RecordSnapshot,
    UpdateCamera,
)
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
    ReportSensorResumed,
    ReportSilentSensor,
    SetPluginEnabled,
    UpdateSensorIncident,
)
from core.commands.units import AssignUnits, ChangeUnitStatus, RelocateUnit, ReportPosition

__all__ = [
    "AcknowledgeAlarms", "AlarmExists", "EscalateAlarm", "RaiseAlarm", "ReportEmergency",
    "SetAlarmSoundMuted", "playbook_step_overdue",
    "AddCamera", "DisableCamera", "EnableCamera", "ImportCameras", "MoveCamera",
    "RecordSnapshot", "UpdateCamera",
    "AddNote", "AssignUnits", "AttachCall", "ChangeIncidentStatus", "ChangePriority",
    "ChangeUnitStatus", "ClearSensorIncident", "Command", "Context", "CreateIncident",
    "CreateOperator", "Decision", "EraseCallerData", "RaiseSensorIncident",
    "RecordCityLoaded", "RegisterUnits", "RelocateUnit", "ReportPosition", "ReportSensorResumed",
    "ReportSilentSensor", "SendMessage",
    "SetDatabaseKind", "SetPluginEnabled", "SignIn", "StartExercise", "UpdateSensorIncident",
]
