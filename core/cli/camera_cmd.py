"""`beacon camera`: add, list, move, disable, enable and import the centre's cameras.

Stream URLs are shown masked everywhere; a URL's credentials go to the secrets store
(see `core.cameras.secrets`), never to the log or the screen.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.cli.common import add_db_argument, open_db, open_read_only
from core.errors import UserError


def _position_arguments(parser: argparse.ArgumentParser, required: bool) -> None:
    where = parser.add_mutually_exclusive_group(required=required)
    where.add_argument("--at", metavar="X,Y", help="position in the city's metres, e.g. 450,1200")
    where.add_argument("--latlon", metavar="LAT,LON",
                       help="position as latitude, longitude (WGS 84), e.g. 31.23,121.47")
    parser.add_argument("--heading", type=float, metavar="DEG",
                        help="where it looks: degrees clockwise from north (0-360)")
    parser.add_argument("--fov", type=float, metavar="DEG", help="its field of view in degrees")


_ID_HELP = "the camera's id, as 'beacon camera list' shows it, e.g. CAM-001"

# The camera's fields as the command line names them, for errors about a flag's value.
_FLAG_OF_FIELD = {"heading_deg": "--heading", "fov_deg": "--fov", "camera_id": "the camera id",
                  "name": "--name", "agency": "--agency", "url": "--url"}


def _flag_errors(call):  # noqa: ANN001, ANN202 - (*a, **kw) -> T, same signature
    """`call`, with a ValidationError about a field reworded to name the flag a user gave."""
    from core.errors import ValidationError

    def wrapped(*a, **kw):  # noqa: ANN002, ANN003, ANN202
        try:
            return call(*a, **kw)
        except ValidationError as exc:
            flag = _FLAG_OF_FIELD.get(exc.field or "")
            if flag is None or exc.field not in str(exc):
                raise
            raise UserError(str(exc).replace(exc.field, flag, 1)) from None
    return wrapped


def _secrets_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--secrets", type=Path, metavar="FILE",
                        help="the secrets store for URL credentials (default: the setting, "
                             "else beside a SQLite database)")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "camera", help="add, list, move, disable and import cameras",
        description="The camera registry. Every change is an event with its actor; URL "
                    "credentials are kept in the secrets store and shown as ***.")
    sub = parser.add_subparsers(dest="camera_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="add a camera",
                         description="Add a camera at a position in the city. Give the URL "
                                     "with --url, or with --url-stdin to keep credentials out "
                                     "of the shell's history. Example: beacon camera add "
                                     "BRIDGE-N --name 'Bridge, north end' --url "
                                     "http://10.20.0.8/live.ts --at 450,1200 --heading 180")
    add_db_argument(add)
    add.add_argument("camera_id", metavar="ID", help="camera id: letters, digits, _ . -")
    add.add_argument("--name", required=True, help="the name shown on the map and the wall")
    url = add.add_mutually_exclusive_group(required=True)
    url.add_argument("--url", help="stream URL: rtsp, http(s), udp, file or demo")
    url.add_argument("--url-stdin", action="store_true",
                     help="read the stream URL from the first line of standard input")
    add.add_argument("--agency", default="city", help="who runs it (default: city)")
    _position_arguments(add, required=True)
    _secrets_argument(add)
    add.set_defaults(func=run_add)

    ls = sub.add_parser("list", help="list cameras (URLs masked)",
                        description="List the cameras; credentials show as ***.")
    add_db_argument(ls)
    ls.add_argument("--enabled", action="store_true", help="only the cameras in use")
    ls.add_argument("--json", action="store_true", help="print a JSON array")
    ls.set_defaults(func=run_list)

    move = sub.add_parser("move", help="move a camera",
                          description="Put a camera at a new position (its grid cell follows).")
    add_db_argument(move)
    move.add_argument("camera_id", metavar="ID", help=_ID_HELP)
    _position_arguments(move, required=True)
    move.set_defaults(func=run_move)

    update = sub.add_parser("update", help="rename a camera, change its URL or agency",
                            description="Change a camera's name, stream URL or agency. A new "
                                        "URL's credentials replace the old ones in the "
                                        "secrets store (give the same URL with a new "
                                        "password to rotate it).")
    add_db_argument(update)
    update.add_argument("camera_id", metavar="ID", help=_ID_HELP)
    update.add_argument("--name", help="a new name")
    new_url = update.add_mutually_exclusive_group()
    new_url.add_argument("--url", help="a new stream URL")
    new_url.add_argument("--url-stdin", action="store_true",
                         help="read the new stream URL from the first line of standard input")
    update.add_argument("--agency", help="who runs it now")
    _secrets_argument(update)
    update.set_defaults(func=run_update)

    disable = sub.add_parser("disable", help="take a camera out of use",
                             description="Take a camera out of use; the reason is recorded.")
    add_db_argument(disable)
    disable.add_argument("camera_id", metavar="ID", help=_ID_HELP)
    disable.add_argument("--reason", default="", help="why (recorded in the log)")
    disable.set_defaults(func=run_disable)

    enable = sub.add_parser("enable", help="put a camera back into use",
                            description="Put a disabled camera back into use.")
    add_db_argument(enable)
    enable.add_argument("camera_id", metavar="ID", help=_ID_HELP)
    enable.set_defaults(func=run_enable)

    snaps = sub.add_parser("snapshots", help="list the snapshots kept as evidence",
                           description="List the camera snapshots the log records as "
                                       "evidence (who, when, camera, file, SHA-256), oldest "
                                       "first. 'beacon audit verify' checks the files "
                                       "against their hashes when asked to.")
    add_db_argument(snaps)
    snaps.add_argument("--incident", metavar="ID", help="only this incident's snapshots")
    snaps.add_argument("--json", action="store_true", help="print a JSON array")
    snaps.set_defaults(func=run_snapshots)

    imp = sub.add_parser("import", help="import a camera list (CSV or TOML)",
                         description="Import a camera list file, all or nothing: every bad "
                                     "row is named with its line and the reason, and then "
                                     "nothing is imported (see docs/cameras.md).")
    add_db_argument(imp)
    imp.add_argument("file", type=Path, metavar="FILE", help="a .csv or .toml camera list")
    _secrets_argument(imp)
    imp.set_defaults(func=run_import)


def _pair(text: str, option: str) -> tuple[float, float]:
    parts = [p for p in text.replace(",", " ").split() if p]
    try:
        a, b = (float(p) for p in parts)
    except ValueError:
        raise UserError(f"{option} needs two numbers, e.g. {option} 450,1200, not "
                        f"{text!r}") from None
    return a, b


def _position(args: argparse.Namespace) -> dict[str, float]:
    if args.at is not None:
        x, y = _pair(args.at, "--at")
        return {"x": x, "y": y}
    lat, lon = _pair(args.latlon, "--latlon")
    return {"lat": lat, "lon": lon}


def _city(db):  # noqa: ANN001, ANN202 - Database -> City
    from core.centre import load_city

    city = load_city(db)
    if city is None:
        raise UserError(f"no city in {db.display_url()}: cameras stand in a city; run "
                        "'beacon city demo' or 'beacon city import' first")
    return city


def _describe(camera) -> str:  # noqa: ANN001 - Camera
    from core.text import terminal_safe

    cell = camera.cell or "no cell"
    return (f"{terminal_safe(camera.camera_id)} at ({camera.x:.0f}, {camera.y:.0f}) m, "
            f"{terminal_safe(cell)}: {terminal_safe(camera.url)}")


def run_add(args: argparse.Namespace) -> int:
    from core.auth import cli_actor
    from core.cameras.registry import add_camera
    from core.cameras.secrets import SecretStore, default_secrets_path
    from core.service import CommandService

    url = _url_argument(args)
    db = open_db(args.db)
    service = CommandService(db)
    raw = {"camera_id": args.camera_id, "name": args.name, "url": url, "agency": args.agency,
           "heading_deg": args.heading, "fov_deg": args.fov, **_position(args)}
    camera = _flag_errors(add_camera)(service, _city(db), cli_actor(), raw, args.secrets)
    print(f"camera {_describe(camera)} added")
    if "***" in camera.url:
        path = args.secrets or default_secrets_path(db)
        print(f"its credentials are in the secrets store {path} (readable by this user only)")
        warning = SecretStore(path).mode_problem()
        if warning:
            print(warning, file=sys.stderr)
    return 0


def _url_argument(args: argparse.Namespace) -> str | None:
    """The URL given with --url, or read with --url-stdin (None when neither)."""
    if args.url_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise UserError("--url-stdin: standard input is empty")
        return line.strip()
    return args.url


def run_update(args: argparse.Namespace) -> int:
    from core.auth import cli_actor
    from core.cameras.registry import update_camera
    from core.service import CommandService

    url = _url_argument(args)
    if args.name is None and url is None and args.agency is None:
        raise UserError("give what to change: --name, --url (or --url-stdin) or --agency")
    db = open_db(args.db)
    camera = _flag_errors(update_camera)(CommandService(db), cli_actor(), args.camera_id,
                                         name=args.name, url=url, agency=args.agency,
                                         secrets_path=args.secrets)
    print(f"camera {_describe(camera)} updated")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from core.cameras.query import list_cameras
    from core.text import terminal_safe

    db = open_read_only(args.db)
    try:
        cameras = list_cameras(db, enabled_only=args.enabled)
    finally:
        db.dispose()
    if args.json:
        import json
        from dataclasses import asdict

        from core.text import terminal_safe_json

        print(terminal_safe_json(json.dumps([asdict(c) for c in cameras], ensure_ascii=False)))
        return 0
    if not cameras:
        print("no cameras" + (" in use" if args.enabled else ""), file=sys.stderr)
    for c in cameras:
        state = "in use" if c.enabled else "DISABLED"
        print(f"{terminal_safe(c.camera_id):<12} {state:<8} {terminal_safe(c.cell or '-'):<10} "
              f"{terminal_safe(c.agency):<10} {terminal_safe(c.name)}  {terminal_safe(c.url)}")
    return 0


def run_snapshots(args: argparse.Namespace) -> int:
    from core.cameras.evidence import snapshots_of
    from core.local_time import format_local
    from core.store.city_row import centre_time_zone
    from core.text import terminal_safe

    db = open_read_only(args.db)
    try:
        snaps = snapshots_of(db, args.incident)
        zone = centre_time_zone(db)
    finally:
        db.dispose()
    if args.json:
        import json

        from core.text import terminal_safe_json

        print(terminal_safe_json(json.dumps([
            {"seq": s.seq, "at": s.at.isoformat(), "actor": s.actor,
             "incident_id": s.incident_id, "camera_id": s.camera_id,
             "camera_name": s.camera_name, "file_name": s.file_name, "sha256": s.sha256}
            for s in snaps], ensure_ascii=False)))
        return 0
    if not snaps:
        print("no snapshots" + (f" of {terminal_safe(args.incident)}" if args.incident
                                else ""), file=sys.stderr)
    for s in snaps:
        print(f"{format_local(s.at, zone)}  {terminal_safe(s.incident_id)}  "
              f"{terminal_safe(s.camera_id)} ({terminal_safe(s.camera_name)})  by "
              f"{terminal_safe(s.actor)}  {terminal_safe(s.file_name)}  sha256 {s.sha256}")
    return 0


def run_move(args: argparse.Namespace) -> int:
    from core.auth import cli_actor
    from core.cameras.registry import move_camera
    from core.service import CommandService

    db = open_db(args.db)
    camera = _flag_errors(move_camera)(
        CommandService(db), _city(db), cli_actor(), args.camera_id,
        heading_deg=args.heading, fov_deg=args.fov, **_position(args))
    print(f"camera {_describe(camera)}")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    from core.auth import cli_actor
    from core.cameras.registry import disable_camera
    from core.service import CommandService

    db = open_db(args.db)
    disable_camera(CommandService(db), cli_actor(), args.camera_id, args.reason)
    print(f"camera {args.camera_id} disabled")
    return 0


def run_enable(args: argparse.Namespace) -> int:
    from core.auth import cli_actor
    from core.cameras.registry import enable_camera
    from core.service import CommandService

    db = open_db(args.db)
    enable_camera(CommandService(db), cli_actor(), args.camera_id)
    print(f"camera {args.camera_id} enabled")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from core.auth import cli_actor
    from core.cameras.importer import CameraFileError, read_camera_file
    from core.cameras.query import list_cameras
    from core.cameras.registry import import_prepared
    from core.service import CommandService
    from core.text import terminal_safe

    db = open_db(args.db)
    city = _city(db)
    existing = [c.camera_id for c in list_cameras(db)]
    try:
        cameras = read_camera_file(args.file, city, existing)
    except CameraFileError as exc:
        for line in exc.lines():
            print(f"beacon: error: {terminal_safe(line)}" if not line.startswith(" ")
                  else terminal_safe(line), file=sys.stderr)
        return 2
    count = import_prepared(CommandService(db), cli_actor(), cameras, args.file.name,
                            args.secrets)
    secret = sum(1 for _, full in cameras if full is not None)
    print(f"imported {count} camera(s) from {args.file.name}"
          + (f"; the credentials of {secret} are in the secrets store" if secret else ""))
    return 0
