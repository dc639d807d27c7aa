"""The camera registry: cameras as commands and events, their stream URLs with the
credentials kept apart, and snapshots kept as evidence (see docs/cameras.md)."""
