"""Dispatch decisions: recommendations, optimal allocation and coverage."""
