"""`beacon city`: build the demo city, or import a real one from OpenStreetMap."""

from __future__ import annotations

import argparse
import time
from contextlib import nullcontext

from core.cli.common import add_db_argument, existing_file, open_db


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("city", help="build the demo city or import a real one",
                                   description="The city the centre serves.")
    sub = parser.add_subparsers(dest="city_command", metavar="ACTION", required=True)
    demo = sub.add_parser(
        "demo", help="(re)build the demo city into the database",
        description="Generate the demo city (deterministic for a seed) and store it, with "
                    "its stations and units, in the database. A database serves one "
                    "city: one that already serves a city is refused (use a new --db).")
    add_db_argument(demo)
    demo.add_argument("--seed", type=int, default=2026, help="generator seed (default 2026)")
    demo.add_argument("--small", action="store_true", help="a tiny city, for tests")
    demo.add_argument("--incidents", action="store_true",
                      help="also open a dozen demo incidents")
    demo.add_argument("--registry", action="store_true",
                      help="also generate the demo community registry (invented people, "
                           "buildings, hydrants...; see docs/registry.md)")
    demo.set_defaults(func=run_demo)
    imp = sub.add_parser(
        "import", help="import a road network from an OpenStreetMap extract",
        description="Import the roads of an OpenStreetMap extract (.osm.pbf or .osm XML), "
                    "lay grid cells over it and store it as the centre's city.")
    add_db_argument(imp)
    imp.add_argument("file", type=existing_file, metavar="FILE", help=".osm.pbf or .osm file")
    imp.add_argument("--name", help="the city's name (default: the file's name)")
    imp.add_argument("--cell-size", type=float, default=500.0, metavar="METRES",
                     help="grid cell edge in metres (default 500)")
    imp.add_argument("--time-zone", type=_time_zone, metavar="ZONE",
                     help="the centre's IANA time zone, e.g. Asia/Shanghai; times are shown "
                          "in it (default UTC: Beacon does not guess a zone from the map)")
    imp.set_defaults(func=run_import)


def _time_zone(value: str) -> str:
    """An argparse type: an IANA time zone name this machine knows."""
    from core.city.meta import check_time_zone

    try:
        return check_time_zone(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _refuse_if_served(db) -> None:  # noqa: ANN001 - Database
    from core.centre import load_city
    from core.errors import UserError

    city = load_city(db)
    if city is not None:
        raise UserError(f"{db.display_url()} already serves the city {city.name!r}: "
                        "use a new database (--db) for another city")


def run_demo(args: argparse.Namespace) -> int:
    from core.centre import store_city
    from core.city.demo import build_demo_city
    from core.demo_data import demo_history, seed_demo_incidents
    from core.service import CommandService

    db = open_db(args.db)
    _refuse_if_served(db)
    started = time.perf_counter()
    city = build_demo_city(seed=args.seed, scale="small" if args.small else "full")
    service = CommandService(db)
    # With incidents, the city and the hour of history before now are stamped in that
    # hour (core.demo_data.demo_history), so the log's times run forward.
    with demo_history(service) if args.incidents else nullcontext():
        store_city(service, city, source=f"demo:{'small' if args.small else 'full'}:{args.seed}")
        if args.incidents:
            seed_demo_incidents(service, city)
        from core.cameras.demo import seed_demo_cameras

        cameras = seed_demo_cameras(service, city)
    registry = ""
    if args.registry:
        from core.registry.demo import seed_demo_registry

        count = seed_demo_registry(service, city, prefer=[
            i.address for i in service.state().incidents.values()])
        registry = f", {count} registry records"
    print(f"demo city {city.name!r}: {city.roads.number_of_nodes()} intersections, "
          f"{len(city.cells)} grid cells, {len(city.stations)} stations, {len(city.units)} "
          f"units, {len(city.addresses)} addresses{registry} "
          f"({time.perf_counter() - started:.1f} s)")
    print(f"{cameras} demo cameras at junctions, along main roads and at stations "
          "(see 'beacon camera list')")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from core.centre import store_city
    from core.city.from_roads import city_from_roads
    from core.city.meta import CitySource
    from core.phone import describe_format
    from core.roads.osm_import import import_osm, osm_data_date
    from core.service import CommandService
    from core.settings import centre_locale

    locale = centre_locale()  # a wrong setting is said before anything is written
    db = open_db(args.db)
    _refuse_if_served(db)
    started = time.perf_counter()
    graph = import_osm(args.file)
    date, date_from = osm_data_date(args.file)
    name = args.name or args.file.name.split(".")[0]
    source = CitySource.osm(args.file.name, date, date_from)
    city = city_from_roads(name, graph, cell_size_m=args.cell_size,
                           time_zone=args.time_zone or "UTC", source=source)
    store_city(CommandService(db), city, source=f"osm:{args.file.name}")
    print(f"imported {name!r}: {graph.number_of_nodes()} intersections, "
          f"{graph.number_of_edges()} road segments, {len(city.cells)} grid cells, "
          f"{len(city.addresses)} addresses ({time.perf_counter() - started:.1f} s)")
    dropped = int(graph.graph.get("dropped_nodes", 0))
    print(f"dropped {dropped} road node{'s' if dropped != 1 else ''} outside the largest "
          "connected part of the network (no unit could drive to or from them)")
    mapped = graph.graph.get("stations") or []
    from core.city.station_sites import coverage_s
    from core.domain.kinds import Agency

    if mapped:
        kinds = sorted({m["kind"] for m in mapped})
        print(f"stations: {len(mapped)} from the map ({', '.join(kinds)}: named as on the "
              f"map, else 'Fire Station 2' ...); the others of {len(city.stations)} placed by "
              "Beacon spread by travel time over the roads, named neutrally")
    else:
        print(f"stations: the extract has no fire, police or ambulance station tags: "
              f"{len(city.stations)} placed by Beacon spread by travel time over the roads "
              "(greedy k-center on travel seconds), named neutrally ('Fire Station 1', ...); "
              "rename or move them to match the centre")
    fire = [s.node for s in city.stations if s.agency is Agency.FIRE]
    print(f"fire cover: every road node within {coverage_s(city.roads, fire) / 60:.1f} min "
          "of a fire station by road (driving only, before turnout)")
    ref = city.reference
    if ref is not None:
        print(f"place: local (0, 0) at {ref.origin_lat:.6f}, {ref.origin_lon:.6f} "
              f"(WGS 84, {ref.projection})")
    print(f"time zone: {city.time_zone}"
          + ("" if args.time_zone else " (no --time-zone given: times are shown in UTC)"))
    print(f"source: {source.describe()}; {source.attribution}")
    print(f"callback numbers: written {describe_format(locale)} (locale {locale}; set "
          "[centre] locale in the settings file, or BEACON_LOCALE, e.g. fi-FI)")
    return 0
