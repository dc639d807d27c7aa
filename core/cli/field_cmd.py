"""`beacon field`: a simulated field unit that drives the city's roads over the hub."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import ssl
import sys

from core.cli.common import add_db_argument, existing_file
from core.cli.hub_cmd import positive
from core.errors import UserError

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `field` subcommand."""
    p = subparsers.add_parser(
        "field", help="simulate a field unit connected to the hub",
        description="Connect to the hub as one unit, accept its assignments, drive the "
                    "road network to each incident at the road speeds, and report en route, "
                    "on scene, available and the position every few seconds.")
    p.add_argument("--hub", required=True, metavar="URL",
                   help="the hub, e.g. ws://127.0.0.1:8765 or wss://hub.centre.local:8765")
    p.add_argument("--unit", required=True, metavar="ID", help="the unit to be, e.g. E12")
    p.add_argument("--token", metavar="TOKEN",
                   help="the unit's token (default: $BEACON_FIELD_TOKEN)")
    add_db_argument(p)
    p.add_argument("--city-scale", choices=("small", "full"), default="small",
                   help="demo city to drive when the database holds none (default small)")
    p.add_argument("--speedup", type=positive, default=1.0,
                   help="drive this many times faster than real time (default 1)")
    p.add_argument("--report-every", type=positive, default=5.0, metavar="S",
                   help="seconds between position reports (default 5)")
    p.add_argument("--on-scene", type=positive, default=120.0, metavar="S",
                   help="seconds spent on scene before reporting available (default 120)")
    p.add_argument("--cafile", type=existing_file, metavar="PEM",
                   help="trust this certificate (a self-signed hub) for wss://")
    tries = p.add_mutually_exclusive_group()
    tries.add_argument("--tries", type=_tries, default=DEFAULT_TRIES, metavar="N",
                       help=f"give up after N failed tries in a row to reach the hub "
                            f"(default {DEFAULT_TRIES}: about half a minute)")
    tries.add_argument("--retry-forever", action="store_true",
                       help="never give up reaching the hub")
    p.set_defaults(func=run)


DEFAULT_TRIES = 10
# Waits between tries double from 0.2 s up to this: ten tries take about 25 s.
BACKOFF_MAX_S = 4.0


def _tries(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a number of tries: {value!r} (1 or more)")
    return number


def _say_what_it_does() -> None:
    """The simulator's INFO lines on stdout, whatever the level of the rest."""
    logger = logging.getLogger("core.field")
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(min(logger.getEffectiveLevel(), logging.INFO))
    logger.propagate = False


def _roads(args: argparse.Namespace):  # noqa: ANN202 - networkx.DiGraph
    if args.db:
        from core.centre import load_city
        from core.cli.common import open_db

        city = load_city(open_db(args.db))
        if city is None:
            raise UserError(f"no city in {args.db}: run 'beacon city demo' first, or leave "
                            "out --db to drive the demo city")
        return city.roads
    from core.city.demo import build_demo_city

    return build_demo_city(scale=args.city_scale).roads


def run(args: argparse.Namespace) -> int:
    """Run the simulated unit until SIGINT/SIGTERM, a refusal or too many failed tries."""
    from core.field.client import FieldClient
    from core.field.simulator import RoadNet, UnitSimulator
    from core.hub.link import check_hub_url

    check_hub_url(args.hub, "/ws/unit")  # a bad URL fails before the city is built
    token = args.token or os.environ.get("BEACON_FIELD_TOKEN")
    if not token:
        raise UserError("give the unit's token with --token or BEACON_FIELD_TOKEN "
                        "(see 'beacon hub token create --unit ID')")
    ctx = None
    if args.cafile:
        try:
            ctx = ssl.create_default_context(cafile=str(args.cafile))
        except ssl.SSLError as exc:
            raise UserError(f"cannot use {args.cafile} as a certificate: {exc}") from None
    roads = RoadNet(_roads(args))

    _say_what_it_does()

    async def main() -> None:
        client = FieldClient(args.hub, args.unit, token, ssl_context=ctx,
                             client_name="beacon-field", backoff_max=BACKOFF_MAX_S)
        sim = UnitSimulator(client, roads, speedup=args.speedup,
                            report_every=args.report_every, on_scene_s=args.on_scene,
                            tries=None if args.retry_forever else args.tries)
        task = asyncio.create_task(sim.run())
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, task.cancel)
        try:
            await task
        except asyncio.CancelledError:
            pass
        finally:
            await client.close()

    asyncio.run(main())
    return 0
