"""`beacon notice ...`: public notices in CAP 1.2 from the command line.

draft, update, approve, publish and cancel act as a signed-in operator (recorded as the
actor; a notice with status Actual needs a second person's approval); list, show and
preview only read. `--out FILE.xml` writes the CAP document. See docs/notices.md.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from core.cli.common import (
    add_db_argument,
    add_sign_in_arguments,
    open_db,
    open_read_only,
    read_password,
    sign_in_as,
    timestamp,
)
from core.errors import UserError
from core.notices.model import CATEGORIES, CERTAINTIES, LANGUAGES, SEVERITIES, URGENCIES

_SHORT = {"zh": "zh-CN", "en": "en-US"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "notice", help="public notices in CAP 1.2: draft, approve, publish, update, cancel",
        description="Public notices (CAP 1.2) over grid cells, in Chinese and English. A "
                    "notice with status Actual goes out only after a second person "
                    "approved it; a training or demo database writes only Exercise. See "
                    "docs/notices.md.")
    sub = parser.add_subparsers(dest="notice_command", metavar="ACTION", required=True)

    draft = sub.add_parser("draft", help="write a new notice (nothing is sent)",
                           description="Write a new notice over grid cells; its CAP "
                                       "document is checked now. Nothing is sent until it "
                                       "is published.")
    _content_arguments(draft, required=True)
    _acting(draft, "the operator who writes the notice")
    draft.set_defaults(func=run_draft)

    update = sub.add_parser("update", help="write a new revision of a published notice",
                            description="Write a new revision of a published notice: "
                                        "what is not given stays as it was. It goes out "
                                        "as a CAP Update when published (after approval, "
                                        "for status Actual).")
    update.add_argument("notice", metavar="NOTICE", help="the notice, e.g. N-00001")
    _content_arguments(update, required=False)
    _acting(update, "the operator who writes the revision")
    update.set_defaults(func=run_update)

    approve = sub.add_parser("approve", help="approve a notice's revision (a second "
                                             "person)",
                             description="Approve the revision of a notice that waits: "
                                         "someone other than its writer, a supervisor or "
                                         "commander.")
    approve.add_argument("notice", metavar="NOTICE", help="the notice, e.g. N-00001")
    _acting(approve, "the approver")
    approve.set_defaults(func=run_approve)

    publish = sub.add_parser("publish", help="send a notice (CAP Alert, or Update)",
                             description="Send the notice's current revision: a CAP Alert "
                                         "the first time, an Update after.")
    publish.add_argument("notice", metavar="NOTICE", help="the notice, e.g. N-00001")
    _acting(publish, "the operator who publishes")
    _out(publish)
    publish.set_defaults(func=run_publish)

    cancel = sub.add_parser("cancel", help="withdraw a published notice (CAP Cancel)",
                            description="Withdraw a published notice: a CAP Cancel that "
                                        "references every message it sent. Needs no "
                                        "second person.")
    cancel.add_argument("notice", metavar="NOTICE", help="the notice, e.g. N-00001")
    cancel.add_argument("--reason", default="", help="why (kept in the log)")
    _acting(cancel, "the operator who cancels")
    _out(cancel)
    cancel.set_defaults(func=run_cancel)

    ls = sub.add_parser("list", help="list notices and their state",
                        description="List the notices: active ones (with --all, every "
                                    "notice: drafts, cancelled, expired).")
    add_db_argument(ls)
    ls.add_argument("--all", action="store_true", help="every notice, not only active ones")
    ls.add_argument("--json", action="store_true", help="print a JSON array")
    ls.add_argument("--out", type=Path, metavar="FILE", help="write here (default: stdout)")
    ls.set_defaults(func=run_list)

    show = sub.add_parser("show", help="print a notice's last CAP document",
                          description="Print the CAP document the notice last sent (or "
                                      "its draft's, if it never went out).")
    show.add_argument("notice", metavar="NOTICE", help="the notice, e.g. N-00001")
    add_db_argument(show)
    show.add_argument("--json", action="store_true",
                      help="print the notice's record as JSON instead")
    show.add_argument("--out", type=Path, metavar="FILE.xml", help="write the document here")
    show.set_defaults(func=run_show)

    prev = sub.add_parser("preview", help="what residents will receive, per channel and "
                                          "language",
                          description="Print exactly what residents receive for the "
                                      "notice's current revision: the text message and "
                                      "the CAP headline, per language.")
    prev.add_argument("notice", metavar="NOTICE", help="the notice, e.g. N-00001")
    add_db_argument(prev)
    prev.add_argument("--json", action="store_true", help="print a JSON array")
    prev.add_argument("--out", type=Path, metavar="FILE", help="write here (default: stdout)")
    prev.set_defaults(func=run_preview)


def _acting(parser: argparse.ArgumentParser, who: str) -> None:
    add_db_argument(parser)
    add_sign_in_arguments(parser, who)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, metavar="FILE.xml",
                        help="also write the CAP document sent to FILE.xml")


def _content_arguments(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--cell", action="append", dest="cells", metavar="CELL",
                   required=required, help="a grid cell the notice covers (repeat for more)")
    p.add_argument("--event", required=required, help="what happens, e.g. Flood")
    p.add_argument("--urgency", choices=URGENCIES, required=required,
                   help="CAP urgency: how soon residents must act (Immediate: now)")
    p.add_argument("--severity", choices=SEVERITIES, required=required,
                   help="CAP severity: how bad it is for life or property")
    p.add_argument("--certainty", choices=CERTAINTIES, required=required,
                   help="CAP certainty: Observed (it is happening) down to Unlikely")
    p.add_argument("--category", choices=CATEGORIES, default=None,
                   help="CAP category (default: Safety)")
    for short in _SHORT:
        word = "Chinese" if short == "zh" else "English"
        p.add_argument(f"--headline-{short}", required=required, metavar="TEXT",
                       help=f"the {word} headline (at most 160 characters)")
        p.add_argument(f"--description-{short}", required=required, metavar="TEXT",
                       help=f"the {word} description")
        p.add_argument(f"--instruction-{short}", metavar="TEXT",
                       help=f"what to do, in {word}")
    p.add_argument("--onset", type=timestamp, metavar="TIME",
                   help="when it starts (ISO 8601; default: now)")
    p.add_argument("--expires", type=timestamp, metavar="TIME",
                   help="when it ends (ISO 8601; default: HOURS after onset)")
    p.add_argument("--hours", type=float, default=None, help="how long it holds (default 6)")
    p.add_argument("--status", choices=("Actual", "Exercise", "Test"), default=None,
                   help="CAP status (default: Actual on a live database, Exercise on a "
                        "training or demo one, which may write nothing else)")
    p.add_argument("--incident", metavar="ID", help="the incident it is about")


def _aware(at: datetime | None, zone: str) -> datetime | None:
    if at is None or at.tzinfo is not None:
        return at
    from core.local_time import local_naive_to_utc

    return local_naive_to_utc(at, zone)


def _content(args: argparse.Namespace, db: Any, now: datetime,
             base: dict[str, Any] | None = None):  # noqa: ANN202 - NoticeContent
    from core.centre import load_city
    from core.notices.compose import compose
    from core.notices.config import load_notice_settings

    city = load_city(db)
    if city is None:
        raise UserError(f"no city in {db.display_url()}: notices are drawn over its grid "
                        "cells ('beacon city demo' or 'beacon city import FILE' first)")
    base = base or {}
    texts: dict[str, dict[str, str]] = {}
    for short, lang in _SHORT.items():
        old = (base.get("texts") or {}).get(lang, {})
        texts[lang] = {name: getattr(args, f"{name}_{short}") if getattr(
            args, f"{name}_{short}") is not None else old.get(name, "")
            for name in ("headline", "description", "instruction")}
    onset = _aware(args.onset, city.time_zone)
    expires = _aware(args.expires, city.time_zone)
    if base and onset is None:
        onset = max(now, datetime.fromisoformat(base["onset"]))
    if base and expires is None and args.hours is None:
        expires = datetime.fromisoformat(base["expires"])
    return compose(
        city, load_notice_settings(), cells=args.cells or list(base.get("cells", [])),
        event=args.event or base.get("event", ""),
        urgency=args.urgency or base.get("urgency", ""),
        severity=args.severity or base.get("severity", ""),
        certainty=args.certainty or base.get("certainty", ""),
        category=args.category or base.get("category", "Safety"), texts=texts,
        onset=onset, expires=expires, hours=args.hours or 6.0, now=now,
        status=args.status or base.get("status", ""),
        incident_id=args.incident or base.get("incident_id"))


def _act(args: argparse.Namespace, make: Any) -> int:
    """Sign in, build the command (`make(service, actor)`), run it, print the event."""
    from core.service import CommandService
    from core.text import terminal_safe, terminal_safe_json

    password = read_password(args)  # said before the database is opened
    db = open_db(args.db)
    try:
        service = CommandService(db)
        actor = sign_in_as(service, args, password)
        event = service.execute(make(service), actor)
    finally:
        db.dispose()
    p = event.payload
    out = getattr(args, "out", None)
    if out is not None and "cap_xml" in p:
        _write(out, p["cap_xml"])
    if args.json:
        print(terminal_safe_json(json.dumps(
            {"seq": event.seq, "type": event.type, "by": event.actor,
             **{k: v for k, v in p.items() if k not in ("content", "cap_xml")}},
            ensure_ascii=False)))
        return 0
    nid = p["notice_id"]
    if event.type == "notice_drafted":
        status = p["content"]["status"]
        then = ("it needs a second person's approval (beacon notice approve) before it is "
                "published" if status == "Actual" else "publish it with beacon notice "
                                                       "publish")
        print(f"{nid} revision {p['revision']} written ({status}); {then}")
    elif event.type == "notice_approved":
        print(terminal_safe(f"{nid} revision {p['revision']} approved by {event.actor}"))
    else:
        print(terminal_safe(f"{nid}: CAP {p['msg_type']} {p['identifier']} ({p['status']}) sent "
              f"{p['sent']}" + (f"; written to {out}" if out is not None else "")))
    return 0


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from None


def run_draft(args: argparse.Namespace) -> int:
    from core.notices.commands import DraftNotice

    return _act(args, lambda svc: DraftNotice(_content(args, svc.db, svc.clock.now())))


def run_update(args: argparse.Namespace) -> int:
    from core.errors import NotFound
    from core.notices.commands import UpdateNotice
    from core.notices.query import notice_records

    def make(svc: Any) -> UpdateNotice:
        record = notice_records(svc.db).get(args.notice)
        if record is None:
            raise NotFound(f"no notice {args.notice!r}")
        return UpdateNotice(args.notice, _content(args, svc.db, svc.clock.now(),
                                                  base=record.content))
    return _act(args, make)


def run_approve(args: argparse.Namespace) -> int:
    from core.notices.commands import ApproveNotice

    return _act(args, lambda _svc: ApproveNotice(args.notice))


def run_publish(args: argparse.Namespace) -> int:
    from core.notices.commands import PublishNotice

    return _act(args, lambda _svc: PublishNotice(args.notice))


def run_cancel(args: argparse.Namespace) -> int:
    from core.notices.commands import CancelNotice

    return _act(args, lambda _svc: CancelNotice(args.notice, args.reason))


def _read(args: argparse.Namespace) -> tuple[dict[str, Any], datetime]:
    from core.notices.query import notice_records
    from core.profile import clock_for

    db = open_read_only(args.db)
    try:
        # The database's own clock: a drill's notices expire on the drill's time.
        return notice_records(db), clock_for(db).now()
    finally:
        db.dispose()


def _emit(args: argparse.Namespace, text: str) -> None:
    from core.text import terminal_safe

    if getattr(args, "out", None) is not None:
        _write(args.out, text + "\n")
    else:
        for line in text.split("\n"):
            print(terminal_safe(line))


def _row(record: Any, now: datetime) -> dict[str, Any]:
    last = record.last
    content = last and record.published_content or record.content
    return {"notice_id": record.notice_id, "state": record.state_at(now),
            "revision": record.revision, "status": content.get("status"),
            "event": content.get("event"), "cells": content.get("cells"),
            "headline": {lang: content["texts"][lang]["headline"] for lang in LANGUAGES},
            "identifier": last.identifier if last else None,
            "msg_type": last.msg_type if last else None,
            "sent": last.sent.isoformat() if last else None,
            "expires": content.get("expires"), "drafted_by": record.drafted_by,
            "approved_by": record.approved_by}


def run_list(args: argparse.Namespace) -> int:
    records, now = _read(args)
    rows = [_row(r, now) for r in records.values()]
    if not args.all:
        rows = [r for r in rows if r["state"] in ("active", "update draft",
                                                   "update approved")]
    if args.json:
        _emit(args, json.dumps(rows, ensure_ascii=False))
        return 0
    if not rows:
        _emit(args, "no active notice" if not args.all else "no notices")
        return 0
    _emit(args, "\n".join(
        f"{r['notice_id']}  {r['state']:<15}  {r['status']:<8}  {','.join(r['cells'])}  "
        f"{r['headline']['en-US']}" for r in rows))
    return 0


def _record(args: argparse.Namespace) -> tuple[Any, datetime]:
    records, now = _read(args)
    record = records.get(args.notice)
    if record is None:
        raise UserError(f"no notice {args.notice!r} (beacon notice list --all)")
    return record, now


def run_show(args: argparse.Namespace) -> int:
    record, now = _record(args)
    if args.json:
        _emit(args, json.dumps(_row(record, now) | {"content": record.content},
                               ensure_ascii=False))
        return 0
    if record.last is not None:
        _emit(args, record.last.cap_xml.rstrip("\n"))
        return 0
    from core.notices.cap_xml import build_cap

    xml = build_cap(record.content, identifier=f"draft-{record.notice_id}",
                    sender=record.content["sender"], sent=now, msg_type="Alert",
                    sender_name=record.content.get("sender_name", ""))
    _emit(args, xml.decode("utf-8").rstrip("\n"))
    return 0


def run_preview(args: argparse.Namespace) -> int:
    from core.notices.preview import preview

    record, _now = _record(args)
    msg_type = "Update" if record.last is not None else "Alert"
    shown = preview(record.content, msg_type)
    if args.json:
        _emit(args, json.dumps([{"channel": p.channel, "language": p.language,
                                 "text": p.text, "parts": p.parts} for p in shown],
                               ensure_ascii=False))
        return 0
    names = {"sms": "text message", "cap": "CAP headline"}
    _emit(args, "\n".join(
        f"{names[p.channel]} ({p.language})"
        + (f", {p.parts} part{'s' if p.parts > 1 else ''}" if p.channel == "sms" else "")
        + f": {p.text}" for p in shown))
    return 0
