"""Public notices in CAP 1.2: compose by grid cell, approve, publish, update, cancel.

`core.notices.model` holds the vocabulary and turns grid cells into CAP areas,
`core.notices.cap_xml` writes the CAP document, `core.notices.commands` the commands,
`core.notices.query` reads notices back from the event log (`active_notices`),
`core.notices.preview` what residents receive, `core.notices.feed` the Atom feed.
See docs/notices.md.
"""
