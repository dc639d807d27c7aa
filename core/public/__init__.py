"""The public side of Beacon: reference codes for callers, the resident-facing status of
a report, community reports filed by residents, and the public web service
(`beacon public`, `core.public.app`) that serves them apart from every operator endpoint.
"""
