"""`beacon public`: the public web service for residents (its own port; never the hub).

Residents look up the status of their report by its reference code and file
non-emergency community reports. Refusals (rate limits, bad codes, oversized or
malformed bodies, unknown paths) are logged as they happen and their counts printed
every `--report-every` seconds when they changed, and on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from core.cli.common import add_db_argument
from core.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "public", help="serve the public page: report status by code, community reports",
        description="Serve the public web page for residents: the status of a report "
                    "by its reference code, and non-emergency community reports. It has "
                    "its own port and shares nothing with the hub's operator endpoints.")
    add_db_argument(parser)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; put a TLS proxy "
                             "in front of it for the internet)")
    parser.add_argument("--port", type=int, default=8080,
                        help="port (default 8080; 0 picks a free one, printed at start)")
    parser.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDR",
                        help="an address or network of a reverse proxy whose "
                             "X-Forwarded-For is believed (repeat for several); without "
                             "it the header is ignored")
    parser.add_argument("--report-every", type=float, default=60.0, metavar="SECONDS",
                        help="print the refusal counts this often when they changed "
                             "(default 60)")
    parser.set_defaults(func=run_public)


def run_public(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM."""
    from core.cli.common import open_db
    from core.notices.config import load_notice_settings
    from core.public.app import REFUSALS, make_app, start
    from core.public.guard import parse_networks

    if not 0 <= args.port < 65536:
        raise UserError(f"--port must be 0 (any free port) to 65535, not {args.port}")
    try:
        trusted = parse_networks(args.trusted_proxy)
    except ValueError as exc:
        raise UserError(f"--trusted-proxy: {exc}") from None
    # The feed's links must name the address residents use, not the one behind a proxy.
    public_url = load_notice_settings().public_url or None
    logging.getLogger("beacon.public").setLevel(logging.INFO)
    db = open_db(args.db)

    async def serve() -> None:
        app = make_app(db, trusted_proxies=trusted, base_url=public_url)
        refusals = app[REFUSALS]
        try:
            runner = await start(app, args.host, args.port)
        except OSError as exc:
            raise UserError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") \
                from None
        port = runner.addresses[0][1]
        print(f"public service on http://{args.host}:{port}/ (database "
              f"{db.display_url()})", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        last = -1
        try:
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), args.report_every)
                except TimeoutError:
                    pass
                if refusals.total() != last:
                    last = refusals.total()
                    _print_refusals(refusals.counts)
        finally:
            await runner.cleanup()

    try:
        asyncio.run(serve())
    finally:
        db.dispose()
    return 0


def _print_refusals(counts: dict[str, int]) -> None:
    shown = ", ".join(f"{reason} {n}" for reason, n in sorted(counts.items()) if n)
    print(f"refused so far: {shown or 'nothing'}", file=sys.stderr, flush=True)
