"""Contingency-plan playbooks (预案): the file format, matching, live checklists, rules."""
