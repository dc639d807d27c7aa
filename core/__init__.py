"""Beacon's core: the domain and everything headless. No Qt import, ever."""
