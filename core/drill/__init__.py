"""Drills: scenarios run on the simulated clock, with injected calls and events,
simulated field units, an optional automatic dispatch policy, and a score."""
