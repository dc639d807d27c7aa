"""The community registry (人地物事情组织房屋): what each grid cell's worker knows.

People (人) by household, buildings and households (房屋), things such as hydrants and
AEDs (物), organisations (组织) and reports (事/情). Everything belongs to a grid cell
and has the cell's grid worker responsible; every record says when it was last
verified and by whom.

Records change only through commands (`core.registry.commands`), so each change is an
event with its actor. A person's name, contact, emergency flags and notes are personal
data: they travel in the event's `personal` fields (salted, outside the hash chain) and
can be erased; every display of them is itself an event (`core.registry.access`).
"""
