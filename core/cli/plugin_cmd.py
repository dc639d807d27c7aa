"""`beacon plugin`: list, run (the headless host), switch on and off, and start a new one."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core.cli.common import add_db_argument, open_db, open_read_only
from core.errors import UserError
from core.text import terminal_safe, terminal_safe_json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plugin", help="data-source plugins: list, run the host, switch, create",
        description="Data-source plugins (sensors, cameras, alert feeds). They run in "
                    "'beacon plugin run', a service beside the hub; see docs/plugins.md.")
    sub = parser.add_subparsers(dest="plugin_command", metavar="ACTION", required=True)

    ls = sub.add_parser("list", help="installed plugins with their state and counters",
                        description="List installed plugins (entry point group "
                                    "beacon.plugins) with version, API version, state, "
                                    "last error and counters, as their host last reported.")
    add_db_argument(ls)
    ls.add_argument("--json", action="store_true", help="print a JSON array")
    ls.add_argument("--out", metavar="FILE", help="write the listing to FILE")
    ls.set_defaults(func=run_list)

    run = sub.add_parser(
        "run", help="run the plugin host (until stopped)",
        description="Run every installed, enabled plugin, each in a child process of its "
                    "own, until Ctrl-C or SIGTERM. A plugin that fails is retried with "
                    "backoff; the others carry on.")
    add_db_argument(run)
    run.add_argument("--config", metavar="FILE",
                     help="TOML file with a [plugins.NAME] table of settings per plugin")
    run.add_argument("--only", action="append", metavar="NAME",
                     help="run only this plugin (repeat for more)")
    run.add_argument("--dev", action="append", metavar="FOLDER",
                     help="also run the plugin package in FOLDER without installing it "
                          "(its pyproject.toml names the entry point); repeatable")
    run.add_argument("--duration", type=float, metavar="SECONDS",
                     help="stop after this many seconds (for trials and scripts)")
    run.add_argument("--leases", action="store_true",
                     help="share plugins with other hosts on the same PostgreSQL database: "
                          "each runs in exactly one host (default on PostgreSQL)")
    run.set_defaults(func=run_host)

    for verb, enabled in (("enable", True), ("disable", False)):
        switch = sub.add_parser(verb, help=f"switch a plugin {'on' if enabled else 'off'} "
                                           "(recorded in the log)",
                                description=f"Switch a plugin {'on' if enabled else 'off'} "
                                            "in every host; the log records who did it.")
        add_db_argument(switch)
        switch.add_argument("name", help="the plugin's name (see 'beacon plugin list')")
        switch.add_argument("--reason", default="", help="why (kept in the log)")
        switch.set_defaults(func=run_switch, enabled=enabled)

    prune = sub.add_parser(
        "prune", help="delete sensor readings older than the retention period",
        description="Delete sensor readings taken more than DAYS ago (default: the "
                    "settings file's [plugins] keep_readings_days, else 30). The plugin "
                    "host does this itself once an hour; threshold crossings, incidents "
                    "and silent sensors are events in the log and stay.")
    add_db_argument(prune)
    prune.add_argument("--days", type=float, metavar="DAYS",
                       help="keep the readings of the last DAYS days")
    prune.add_argument("--json", action="store_true", help="print a JSON object")
    prune.add_argument("--out", metavar="FILE", help="write the result to FILE")
    prune.set_defaults(func=run_prune)

    new = sub.add_parser("new", help="write a working skeleton of a new plugin",
                         description="Write a plugin package NAME in a new folder: entry "
                                     "point, manifest, configuration schema, a source of "
                                     "readings, a test and a README.")
    new.add_argument("name", help="the plugin's name: lower-case letters, digits and '_'")
    new.add_argument("--dir", default=".", metavar="FOLDER",
                     help="where to make the package folder (default: here)")
    new.set_defaults(func=run_new)


def _installed() -> dict[str, dict[str, Any]]:
    from core.plugins.slot import installed_plugins

    found: dict[str, dict[str, Any]] = {}
    for spec in installed_plugins():
        entry: dict[str, Any] = {"name": spec.name, "target": spec.target, "version": "",
                                 "api_version": None}
        try:
            from core.plugins.child import load_target

            manifest = load_target(spec.target).manifest
            entry.update(version=manifest.version, api_version=manifest.api_version)
        except Exception as exc:  # noqa: BLE001 - a broken plugin is listed, not fatal
            entry["load_error"] = f"{type(exc).__name__}: {exc}"
        found[spec.name] = entry
    return found


def run_list(args: argparse.Namespace) -> int:
    from core.plugins.records import read_status

    installed = _installed()
    try:
        status = read_status(open_read_only(args.db))
    except UserError:
        status = {}  # no database yet: nothing has run
    from datetime import UTC, datetime, timedelta

    silent_since = datetime.now(UTC) - timedelta(seconds=5)
    rows = []
    for name in sorted(set(installed) | set(status)):
        entry = installed.get(name, {"name": name, "target": "", "version": "",
                                     "api_version": None, "installed": False})
        s = status.get(name, {})
        rows.append({
            "name": name, "installed": entry.get("installed", True),
            "version": entry["version"] or s.get("version", ""),
            "api_version": entry["api_version"] or s.get("api_version"),
            "state": s.get("state", "not run"), "message": s.get("message", ""),
            "next_attempt": s["next_attempt"].isoformat() if s.get("next_attempt") else None,
            "accepted": s.get("accepted", 0), "rejected": s.get("rejected", 0),
            "last_error": s.get("last_error", "") or entry.get("load_error", ""),
            "host": s.get("host", ""),
            # no word from its host for 5 s: the state is what it was when the host ended
            "stale": bool(s.get("updated_at") and s["updated_at"] < silent_since
                          and s.get("state") in ("starting", "running", "retrying")),
            "updated_at": s["updated_at"].isoformat() if s.get("updated_at") else None,
        })
    if args.json:
        text = json.dumps(rows, ensure_ascii=False)
        out = terminal_safe_json(text) if not args.out else text
    else:
        lines = [f"{'NAME':<20} {'VERSION':<9} {'API':<4} {'STATE':<10} {'ACCEPTED':>9} "
                 f"{'REJECTED':>9}  LAST ERROR"]
        for r in rows:
            state = r["state"] + ("?" if r["stale"] else "")
            lines.append(f"{r['name']:<20} {r['version']:<9} {r['api_version'] or '-'!s:<4} "
                         f"{state:<10} {r['accepted']:>9} {r['rejected']:>9}  "
                         f"{r['last_error'][:80]}")
        if not rows:
            lines.append("(no plugins installed)")
        if any(r["stale"] for r in rows):
            lines.append("?: its host has not reported for over 5 s (stopped, or cut off)")
        out = "\n".join(lines) if args.out else terminal_safe("\n".join(lines),
                                                                multiline=True)
    if args.out:
        Path(args.out).write_text(out + "\n", encoding="utf-8")
    else:
        print(out)
    return 0


def run_prune(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from core.plugins.retention import check_keep_days, keep_readings_days, prune_readings

    try:
        days = keep_readings_days() if args.days is None else check_keep_days(args.days,
                                                                               "--days")
    except ValueError as exc:
        raise UserError(str(exc)) from None
    removed = prune_readings(open_db(args.db), datetime.now(UTC), days)
    if args.json:
        out = json.dumps({"removed": removed, "keep_days": days})
    else:
        out = f"removed {removed} sensor reading(s) older than {days:g} days"
    if args.out:
        Path(args.out).write_text(out + "\n", encoding="utf-8")
    else:
        print(out)
    return 0


def run_host(args: argparse.Namespace) -> int:
    from core.plugins.host import Host
    from core.plugins.slot import PluginSpec, installed_plugins

    config: dict[str, Any] = {}
    if args.config:
        from core.user_files import load_user_toml

        data = load_user_toml(args.config, "plugin configuration")
        plugins = data.get("plugins", {})
        if not isinstance(plugins, dict) or not all(isinstance(v, dict)
                                                    for v in plugins.values()):
            raise UserError(f"{args.config}: [plugins.NAME] must be tables of settings")
        config = plugins
    specs = installed_plugins()
    specs += [_dev_spec(Path(folder)) for folder in args.dev or ()]
    names = {s.name for s in specs}
    unknown = sorted(set(args.only or ()) - names) + sorted(set(config) - names)
    if unknown:
        raise UserError(f"no installed plugin named {unknown[0]!r} (installed: "
                        f"{', '.join(sorted(names)) or 'none'})")
    if args.only:
        specs = [s for s in specs if s.name in args.only]
    specs = [PluginSpec(s.name, s.target, dict(config.get(s.name, {})), s.path)
             for s in specs]
    db = open_db(args.db)
    lease = 4.0 if (args.leases or db.is_postgresql) else None
    from core.plugins.retention import keep_readings_days

    host = Host(db, specs, lease_s=lease, keep_readings_days=keep_readings_days())
    print(f"plugin host {host.host_id}: {len(specs)} plugin(s): "
          f"{', '.join(s.name for s in specs) or 'none'}", flush=True)
    host.run(duration_s=args.duration)
    for name, slot in host.slots.items():
        print(terminal_safe(f"{name}: {slot.state.value}, accepted {slot.counters.accepted}, "
                            f"rejected {slot.counters.rejected}"
                            + (f", last error: {slot.counters.last_error}"
                               if slot.counters.last_error else "")))
    print(f"longest gap between two turns of the host loop: {host.max_gap_s:.3f} s")
    return 0


def _dev_spec(folder: Path):  # noqa: ANN202 - PluginSpec
    """The plugin a package folder declares in its pyproject.toml (`beacon plugin new`)."""
    from core.plugins.slot import PluginSpec
    from core.user_files import load_user_toml

    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        raise UserError(f"--dev {folder}: no pyproject.toml there")
    data = load_user_toml(pyproject, "plugin package")
    points = data.get("project", {}).get("entry-points", {}).get("beacon.plugins", {})
    if not isinstance(points, dict) or len(points) != 1:
        raise UserError(f"--dev {folder}: its pyproject.toml must name exactly one entry "
                        "point under [project.entry-points.\"beacon.plugins\"]")
    (name, target), = points.items()
    return PluginSpec(str(name), str(target), path=str(folder.resolve()))


def run_switch(args: argparse.Namespace) -> int:
    from core.auth import cli_actor
    from core.commands import SetPluginEnabled
    from core.service import CommandService

    db = open_db(args.db)
    event = CommandService(db).execute(SetPluginEnabled(args.name, args.enabled, args.reason),
                                       cli_actor())
    print(f"plugin {args.name} switched {'on' if args.enabled else 'off'} "
          f"(event {event.seq})")
    return 0


def run_new(args: argparse.Namespace) -> int:
    from core.plugins.skeleton import write_skeleton

    try:
        folder = write_skeleton(args.name, Path(args.dir))
    except ValueError as exc:
        raise UserError(str(exc)) from None
    print(f"wrote {folder}")
    print(f"next: pip install -e {folder} && beacon plugin list")
    sys.stdout.flush()
    return 0
