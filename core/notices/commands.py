"""Notice commands: draft, approve, publish, update, cancel.

Guards against a false alert, in the order they bite:

- who: drafting, publishing and cancelling need the "notice" permission (the sign-in
  roles that may take the public-information seat), approving "notice_approve"
  (`core.auth.COMMAND_ROLES`);
- what: the CAP document is built and checked (OASIS schema plus `core.cap.check`)
  when a draft is recorded and again when it is published; a refusal names the reason;
- a second person: a notice with status Actual goes out only after someone other than
  its drafter approved the revision that goes out;
- where from: a training or demo database writes only Exercise or Test
  (`core.outbound.check_cap_status`), checked at draft and again at publication (a
  database relabelled in between is caught).

A cancel needs no second person: withdrawing a wrong notice must never wait. An update
is a new revision (`UpdateNotice`), approved and published as a CAP Update whose
`references` name every message the notice sent before.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.cap.check import check_cap
from core.cap.parse import CapError
from core.commands.base import Command, Context, Decision, require_text
from core.errors import NotFound, PermissionDenied, ValidationError
from core.events import iso
from core.notices.cap_xml import build_cap, cap_time, references_entry
from core.notices.model import (
    CATEGORIES,
    CERTAINTIES,
    LANGUAGES,
    MAX_CELLS,
    MAX_DESCRIPTION,
    MAX_HEADLINE,
    SEVERITIES,
    URGENCIES,
    box_from_json,
    parse_when,
)
from core.notices.query import NoticeRecord, fold, notice_events
from core.outbound import check_cap_status
from core.profile import DatabaseKind
from core.store.schema import DatabaseProfileRow

DEFAULT_SENDER = "beacon@centre.invalid"


def _kind(ctx: Context) -> DatabaseKind:
    row = ctx.session.get(DatabaseProfileRow, 1)
    return DatabaseKind(row.kind) if row is not None and row.kind else DatabaseKind.LIVE


def _status(ctx: Context, status: str) -> str:
    kind = _kind(ctx)
    status = status or ("Actual" if kind is DatabaseKind.LIVE else "Exercise")
    try:
        return check_cap_status(kind, status)
    except ValidationError:
        raise
    except Exception as exc:  # OutboundRefused and UserError: a refusal, not a crash
        raise ValidationError(str(exc), field="status") from None


def _records(ctx: Context) -> dict[str, NoticeRecord]:
    return fold(notice_events(ctx.session))


def _record(ctx: Context, notice_id: str) -> NoticeRecord:
    record = _records(ctx).get(notice_id)
    if record is None:
        raise NotFound(f"no notice {notice_id!r}", field="notice_id")
    return record


def _choice(value: object, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise ValidationError(f"{name} {value!r}: one of {', '.join(allowed)}", field=name)
    return str(value)


def _check_document(content: dict[str, Any], *, identifier: str, sent: datetime,
                    msg_type: str, references: str) -> str:
    xml = build_cap(content, identifier=identifier, sender=content["sender"], sent=sent,
                    msg_type=msg_type, references=references,
                    sender_name=content.get("sender_name", ""))
    try:
        check_cap(xml, within=box_from_json(content.get("city_box")))
    except CapError as exc:
        raise ValidationError(f"the CAP document is not valid: {exc}", field="cap") from None
    return xml.decode("utf-8")


@dataclass(frozen=True, slots=True)
class NoticeContent:
    """What a notice says and where: the fields an operator fills in."""

    event: str
    urgency: str
    severity: str
    certainty: str
    texts: dict[str, dict[str, str]]
    areas: tuple[dict[str, Any], ...]
    onset: str
    expires: str
    category: str = "Safety"
    status: str = ""  # empty: Actual on a live database, Exercise on any other
    city_box: tuple[float, float, float, float] | None = None
    sender: str = DEFAULT_SENDER
    sender_name: str = ""
    incident_id: str | None = None

    def checked(self, ctx: Context) -> dict[str, Any]:
        """The content as recorded, every field checked; `ValidationError` otherwise."""
        texts: dict[str, dict[str, str]] = {}
        for lang in LANGUAGES:
            given = (self.texts or {}).get(lang) or {}
            if not isinstance(given, dict):
                raise ValidationError(f"texts.{lang} must be headline, description, "
                                      "instruction", field=f"texts.{lang}")
            texts[lang] = {
                "headline": require_text(given.get("headline", ""), f"{lang} headline",
                                         max_len=MAX_HEADLINE, allow_empty=False,
                                         one_line=True),
                "description": require_text(given.get("description", ""),
                                            f"{lang} description", max_len=MAX_DESCRIPTION,
                                            allow_empty=False),
                "instruction": require_text(given.get("instruction", ""),
                                            f"{lang} instruction", max_len=MAX_DESCRIPTION),
            }
        unknown = set(self.texts or {}) - set(LANGUAGES)
        if unknown:
            raise ValidationError(f"languages {', '.join(sorted(unknown))}: a notice is "
                                  f"written in {' and '.join(LANGUAGES)}", field="texts")
        if not self.areas:
            raise ValidationError("name at least one grid cell", field="cells")
        if len(self.areas) > MAX_CELLS:
            raise ValidationError(f"{len(self.areas)} grid cells: at most {MAX_CELLS} in "
                                  "one notice", field="cells")
        areas = []
        for a in self.areas:
            areas.append({
                "cell": require_text(a.get("cell", ""), "cell", max_len=32,
                                     allow_empty=False, one_line=True),
                "description": require_text(a.get("description", ""), "area description",
                                            max_len=200, one_line=True),
                "polygon": require_text(a.get("polygon", ""), "polygon", max_len=4000,
                                        one_line=True),
                "geocodes": [[require_text(n, "geocode name", max_len=64, one_line=True),
                              require_text(v, "geocode value", max_len=64, one_line=True)]
                             for n, v in a.get("geocodes") or []]})
        onset = parse_when(self.onset, "onset")
        expires = parse_when(self.expires, "expires")
        if expires <= onset:
            raise ValidationError(f"expires ({self.expires}) must come after onset "
                                  f"({self.onset})", field="expires")
        if expires <= ctx.now:
            raise ValidationError(f"expires ({self.expires}) is in the past",
                                  field="expires")
        sender = require_text(self.sender, "sender", max_len=120, allow_empty=False,
                              one_line=True)
        if any(c in sender for c in " ,<&"):
            raise ValidationError(f"sender {sender!r}: no spaces, commas, '<' or '&' "
                                  "(CAP 1.2)", field="sender")
        return {
            "status": _status(ctx, self.status),
            "category": _choice(self.category, CATEGORIES, "category"),
            "event": require_text(self.event, "event", max_len=120, allow_empty=False,
                                  one_line=True),
            "urgency": _choice(self.urgency, URGENCIES, "urgency"),
            "severity": _choice(self.severity, SEVERITIES, "severity"),
            "certainty": _choice(self.certainty, CERTAINTIES, "certainty"),
            "texts": texts, "cells": [a["cell"] for a in areas], "areas": areas,
            "city_box": list(self.city_box) if self.city_box else None,
            "onset": iso(onset), "expires": iso(expires), "sender": sender,
            "sender_name": require_text(self.sender_name, "sender name", max_len=120,
                                        one_line=True),
            "incident_id": self.incident_id,
        }


def _drafted(ctx: Context, notice_id: str, revision: int, content: NoticeContent,
             msg_type: str, references: str) -> Decision:
    checked = content.checked(ctx)
    # The draft's document is checked now, so a mistake is said while it is written.
    _check_document(checked, identifier=f"draft-{notice_id}", sent=ctx.now,
                    msg_type=msg_type, references=references)
    return Decision("notice_drafted", {"notice_id": notice_id, "revision": revision,
                              "content": checked}, incident_id=checked["incident_id"])


def _references(record: NoticeRecord) -> str:
    sender = record.content["sender"]
    return " ".join(references_entry(sender, n.identifier, cap_time(n.sent))
                    for n in record.published)


@dataclass(frozen=True, slots=True)
class DraftNotice(Command):
    """Write a new notice (not yet sent)."""

    content: NoticeContent
    permission = "notice"

    def decide(self, ctx: Context) -> Decision:
        notice_id = f"N-{len(_records(ctx)) + 1:05d}"
        return _drafted(ctx, notice_id, 1, self.content, "Alert", "")


@dataclass(frozen=True, slots=True)
class UpdateNotice(Command):
    """A new revision of a published notice; it goes out as a CAP Update when
    published (after approval, for status Actual)."""

    notice_id: str
    content: NoticeContent
    permission = "notice"

    def decide(self, ctx: Context) -> Decision:
        record = _record(ctx, self.notice_id)
        if record.phase == "cancelled":
            raise ValidationError(f"notice {self.notice_id} was cancelled: write a new one",
                                  field="notice_id")
        if record.last is None:
            raise ValidationError(f"notice {self.notice_id} was never published: change "
                                  "the draft by drafting it again or publish it first",
                                  field="notice_id")
        if not record.last.is_active(ctx.now):
            raise ValidationError(f"notice {self.notice_id} has expired: write a new one",
                                  field="notice_id")
        return _drafted(ctx, record.notice_id, record.revision + 1, self.content,
                        "Update", _references(record))


@dataclass(frozen=True, slots=True)
class ApproveNotice(Command):
    """A second person approves the notice's current revision (with `revision`: only
    if that is still the current one, as when a joint decision accepted that text)."""

    notice_id: str
    revision: int | None = None
    permission = "notice_approve"

    def decide(self, ctx: Context) -> Decision:
        record = _record(ctx, self.notice_id)
        if record.phase != "draft":
            raise ValidationError(f"notice {self.notice_id} has no revision waiting for "
                                  f"approval (it is {record.phase})", field="notice_id")
        if self.revision is not None and self.revision != record.revision:
            raise ValidationError(f"notice {self.notice_id} was changed after revision "
                                  f"{self.revision} was put forward (it is at revision "
                                  f"{record.revision}): approve the new text itself",
                                  field="notice_id")
        if ctx.actor.name == record.drafted_by:
            raise PermissionDenied(f"{ctx.actor.name} drafted notice {self.notice_id}: "
                                   "another person must approve it", field="notice_id")
        return Decision("notice_approved", {"notice_id": record.notice_id,
                                   "revision": record.revision},
                        incident_id=record.content.get("incident_id"))


@dataclass(frozen=True, slots=True)
class PublishNotice(Command):
    """Send the notice's current revision: a CAP Alert the first time, an Update after."""

    notice_id: str
    permission = "notice"

    def decide(self, ctx: Context) -> Decision:
        record = _record(ctx, self.notice_id)
        if record.phase not in ("draft", "approved"):
            raise ValidationError(f"notice {self.notice_id} is {record.phase}: nothing "
                                  "new to publish", field="notice_id")
        content = dict(record.content)
        content["status"] = _status(ctx, content["status"])
        if content["status"] == "Actual" and record.phase != "approved":
            raise PermissionDenied(
                f"notice {self.notice_id} has status Actual: a second person (not "
                f"{record.drafted_by}, who drafted it) must approve it before it goes out",
                field="notice_id")
        msg_type = "Update" if record.published else "Alert"
        return _published(ctx, record, content, msg_type)


@dataclass(frozen=True, slots=True)
class CancelNotice(Command):
    """Withdraw a published notice: a CAP Cancel (no second person needed)."""

    notice_id: str
    reason: str = field(default="")
    permission = "notice"

    def decide(self, ctx: Context) -> Decision:
        record = _record(ctx, self.notice_id)
        last = record.last
        if last is None or record.phase == "cancelled":
            raise ValidationError(f"notice {self.notice_id} is not out there "
                                  f"({'cancelled' if last else 'never published'})",
                                  field="notice_id")
        if not last.is_active(ctx.now):
            raise ValidationError(f"notice {self.notice_id} expired at "
                                  f"{last.expires.isoformat() if last.expires else '?'}: "
                                  "nothing to cancel", field="notice_id")
        content = dict(record.published_content)
        content["status"] = last.status
        reason = require_text(self.reason, "reason", max_len=500)
        return _published(ctx, record, content, "Cancel", reason)


def _published(ctx: Context, record: NoticeRecord, content: dict[str, Any], msg_type: str,
               reason: str = "") -> Decision:
    # Unique per message and across databases (a demo and a live centre may both have
    # an N-00001): the notice, the event's sequence number and a random part.
    identifier = f"beacon-{record.notice_id}-{ctx.seq}-{secrets.token_hex(4)}"
    references = _references(record)
    xml = _check_document(content, identifier=identifier, sent=ctx.now, msg_type=msg_type,
                          references=references)
    data = {
        "notice_id": record.notice_id, "identifier": identifier, "msg_type": msg_type,
        "status": content["status"], "references": references, "sent": cap_time(ctx.now),
        "expires": cap_time(datetime.fromisoformat(content["expires"])),
        "cells": list(content["cells"]), "texts": content["texts"], "cap_xml": xml,
        "revision": record.revision, "content": content,
    }
    if reason:
        data["reason"] = reason
    return Decision("notice_published", data, incident_id=content.get("incident_id"))
