"""`beacon delivery`: list delivery records, check the settings, split a text message,
and run the delivery service."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from core.cli.common import add_db_argument, open_db, open_read_only
from core.text import terminal_safe, terminal_safe_json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "delivery", help="delivery of notices over webhooks, MQTT and SMS",
        description="Delivery of public notices (and residents' text messages) over "
                    "webhooks, an MQTT topic and an SMS gateway; see docs/delivery.md.")
    sub = parser.add_subparsers(dest="delivery_command", metavar="ACTION", required=True)

    ls = sub.add_parser("list", help="delivery records: sent, retrying, failed",
                        description="List delivery records (one per message, channel and "
                                    "endpoint) with their state, attempts and reason.")
    add_db_argument(ls)
    ls.add_argument("--subject", metavar="ID", help="only this notice or incident")
    ls.add_argument("--limit", type=int, default=200, metavar="N",
                    help="the newest N records (default 200)")
    _add_output(ls)
    ls.set_defaults(func=run_list)

    check = sub.add_parser("check", help="check a delivery settings file",
                           description="Read a delivery settings file and list its "
                                       "endpoints; exit 1 when one cannot be used.")
    check.add_argument("--config", required=True, metavar="FILE",
                       help="TOML file with a [delivery] table")
    _add_output(check)
    check.set_defaults(func=run_check)

    split = sub.add_parser("split", help="how a text goes out as SMS parts",
                           description="Show the encoding (GSM-7 or UCS-2) and the parts "
                                       "a text message is split into.")
    split.add_argument("text", help="the message text")
    _add_output(split)
    split.set_defaults(func=run_split)

    run = sub.add_parser("run", help="run the delivery service (until stopped)",
                         description="Follow the log and deliver each published notice to "
                                     "the configured endpoints, retrying with backoff, "
                                     "until Ctrl-C or SIGTERM.")
    add_db_argument(run)
    run.add_argument("--config", required=True, metavar="FILE",
                     help="TOML file with a [delivery] table")
    run.add_argument("--duration", type=float, metavar="SECONDS",
                     help="stop after this many seconds (for trials and scripts)")
    run.set_defaults(func=run_service)


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--out", metavar="FILE", help="write the output to FILE")


def _emit(args: argparse.Namespace, data: Any, lines: list[str]) -> None:
    if args.json:
        text = json.dumps(data, ensure_ascii=False)
        out = text if args.out else terminal_safe_json(text)
    else:
        text = "\n".join(lines)
        out = text if args.out else terminal_safe(text, multiline=True)
    if args.out:
        Path(args.out).write_text(out + "\n", encoding="utf-8")
    else:
        print(out)


def _when(at: Any) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%SZ") if at else "-"


def run_list(args: argparse.Namespace) -> int:
    from core.delivery.records import RETRYING, SENT, list_deliveries

    if args.limit < 1:
        from core.errors import UserError

        raise UserError("--limit must be at least 1")
    records = list_deliveries(open_read_only(args.db), args.subject, args.limit)
    lines = [f"{'ID':>5}  {'SUBJECT':<12} {'CHANNEL':<8} {'ENDPOINT':<28} {'STATE':<9} "
             f"{'TRIES':>5}  {'WHEN':<20}  REASON"]
    for r in records:
        when = r.next_attempt if r.state == RETRYING else r.sent_at if r.state == SENT \
            else r.updated_at
        lines.append(f"{r.id:>5}  {r.subject:<12} {r.channel:<8} {r.endpoint[:28]:<28} "
                     f"{r.state:<9} {r.attempts:>5}  {_when(when):<20}  "
                     f"{' '.join(r.reason.split())[:100]}")
    if not records:
        lines.append("(no deliveries" + (f" for {args.subject})" if args.subject else ")"))
    else:
        lines.append("WHEN: sent at, next attempt (retrying), or last attempt (failed)")
    _emit(args, [r.to_json() for r in records], lines)
    return 0


def run_check(args: argparse.Namespace) -> int:
    from core.delivery.config import load_config

    config = load_config(args.config)
    rows = []
    for channel in ("webhook", "mqtt", "sms"):
        for item in getattr(config, channel):
            where = item.get("url") or f"{item['host']}:{item['port']}/{item['topic_prefix']}"
            rows.append({"channel": channel, "name": item["name"], "where": where,
                         "kinds": list(item["kinds"]), "problem": item["problem"]})
    lines = [f"{r['channel']:<8} {r['name']:<20} {r['where']}"
             + (f"\n  problem: {r['problem']}" if r["problem"] else "") for r in rows]
    p = config.policy
    lines.append(f"{len(rows)} endpoint(s); up to {p.attempts} attempts, backoff "
                 f"{p.backoff_s:g} s doubling to {p.backoff_max_s:g} s, timeout "
                 f"{p.timeout_s:g} s")
    _emit(args, {"endpoints": rows, "attempts": p.attempts, "backoff_s": p.backoff_s,
                 "backoff_max_s": p.backoff_max_s, "timeout_s": p.timeout_s}, lines)
    return 1 if any(r["problem"] for r in rows) else 0


def run_split(args: argparse.Namespace) -> int:
    from core.delivery.sms_split import split_sms

    parts = split_sms(args.text)
    lines = [f"{parts.encoding}, {parts.units} units, {parts.count} part(s)"]
    lines += [f"{n}: {p}" for n, p in enumerate(parts.parts, 1)]
    _emit(args, {"encoding": parts.encoding, "units": parts.units,
                 "parts": list(parts.parts)}, lines)
    return 0


def run_service(args: argparse.Namespace) -> int:
    import asyncio

    from core.delivery.channels import build_channels
    from core.delivery.config import load_config
    from core.delivery.worker import DeliveryWorker

    config = load_config(args.config)
    channels = build_channels(config)
    db = open_db(args.db)
    worker = DeliveryWorker(db, channels, policy=config.policy)
    print(f"delivery service: {len(channels)} endpoint(s): "
          f"{', '.join(f'{c.channel} {c.name}' for c in channels) or 'none'}", flush=True)
    for c in channels:
        if c.problem:
            print(terminal_safe(f"{c.channel} {c.name}: cannot be used: {c.problem} "
                                "(its deliveries are recorded as failed)"), flush=True)
    async def serve() -> None:
        # SIGTERM (a service manager stopping it) ends it like Ctrl-C, with the totals
        import signal

        task = asyncio.current_task()
        assert task is not None
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        try:
            await worker.run(duration_s=args.duration)
        except asyncio.CancelledError:
            pass

    try:
        asyncio.run(serve())
    finally:
        t = worker.totals
        print(f"queued {t.queued}, sent {t.sent}, retrying {t.retrying}, failed {t.failed}")
        db.dispose()
    return 0
