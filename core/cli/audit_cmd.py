"""`beacon audit`: verify the event log's hash chain and read the audit trail."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core.audit import KEY_ENV, KEY_FILE_NAME
from core.cli.common import add_db_argument, existing_file, open_read_only, timestamp
from core.errors import UserError
from core.text import terminal_safe


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("audit", help="verify and read the audit trail",
                                   description="The event log is the audit trail.")
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser(
        "verify", help="check the log's hash chain and the tables against it",
        description="Walk the hash chain of the event log and name every event that was "
                    "altered, inserted or deleted; then rebuild the state from the log and "
                    "name every table row that differs from it. Exits 1 when either "
                    "finds something.")
    add_db_argument(verify)
    verify.add_argument("--checkpoint", action="append", type=existing_file, default=[],
                        metavar="FILE",
                        help="a signed checkpoint to check the log against (repeatable): "
                             "names any cut or rewrite before it")
    verify.add_argument("--public-key", type=existing_file, metavar="FILE",
                        help="the centre's public key (PEM): checkpoints must be signed by it "
                             "(default: the key at --key, else the key inside each file)")
    _add_key_argument(verify, "whose public half checkpoints must carry")
    verify.add_argument("--evidence", action="store_true",
                        help="also check every evidence file (camera snapshots) against the "
                             "SHA-256 the log recorded: names altered or missing files")
    verify.add_argument("--evidence-folder", type=Path, metavar="DIR",
                        help="the evidence folder (default: the setting, else beside a "
                             "SQLite database)")
    verify.add_argument("--json", action="store_true",
                        help="print the result as one JSON object (exit codes as without)")
    verify.set_defaults(func=run_verify)
    checkpoint = sub.add_parser(
        "checkpoint", help="sign the log's head and write it to a file",
        description="Verify the chain, then sign its newest event (number, hash, time) "
                    "with the centre's key and write checkpoint-<sequence>.json in the "
                    "current folder (or --out). Keep the file where the database's "
                    "writers cannot change it. Makes the key first if there is none.")
    add_db_argument(checkpoint)
    checkpoint.add_argument("--out", type=Path, metavar="FILE",
                            help="write here (default: checkpoint-<sequence>.json)")
    _add_key_argument(checkpoint, "to sign with")
    checkpoint.set_defaults(func=run_checkpoint)
    key = sub.add_parser("key", help="make or show the checkpoint signing key",
                         description="The Ed25519 key that signs checkpoints, kept in a file "
                                     "outside the database.")
    ksub = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    create = ksub.add_parser("create", help="make the signing key (file mode 0600)",
                             description="Make the centre's signing key and its public half "
                                         "(<name>.pub) beside it.")
    _add_key_argument(create, "to make")
    create.set_defaults(func=run_key_create)
    show = ksub.add_parser("show", help="print the key's id and public half",
                           description="Print the key id and the public key (PEM), to copy "
                                       "to the machines that verify.")
    _add_key_argument(show, "to show")
    show.add_argument("--json", action="store_true",
                      help="print {id, key, public_key} as one JSON object")
    show.set_defaults(func=run_key_show)
    log = sub.add_parser("log", help="list events by incident, unit, actor and time",
                         description="List events of the audit trail, oldest first, a page at a "
                                     "time: each line gives the sequence number, local "
                                     "time, actor, event type and the incident, unit or "
                                     "record it is about. "
                                     "Example: beacon audit log --incident INC-00001 "
                                     "--since 2026-03-01T08:00")
    add_db_argument(log)
    log.add_argument("--incident", metavar="ID", help="only events about this incident")
    log.add_argument("--unit", metavar="ID", help="only events about this unit")
    log.add_argument("--actor", metavar="NAME", help="only events by this operator or unit")
    log.add_argument("--subject", metavar="ID",
                     help="only events about this registry record, e.g. a person's id "
                          "(P-00012): who recorded, checked, looked at or erased it")
    log.add_argument("--since", type=timestamp, metavar="TIME",
                     help="from this time (ISO 8601; without a zone, the centre's local time)")
    log.add_argument("--until", type=timestamp, metavar="TIME",
                     help="up to this time (ISO 8601; without a zone, the centre's local "
                          "time)")
    log.add_argument("--after", type=_sequence, default=0, metavar="SEQ",
                     help="only events after this sequence number (the next page)")
    log.add_argument("--limit", type=_positive, default=200, metavar="N",
                     help="at most N events (default 200); when more match, a note on "
                          "stderr gives the --after of the next page")
    log.add_argument("--json", action="store_true", help="one JSON object per line")
    log.set_defaults(func=run_log)


def _add_key_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--key", metavar="FILE",
                        help=f"the signing key {what} (default: ${KEY_ENV}, else "
                             f"{KEY_FILE_NAME} beside the settings file)")


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return n


def _sequence(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"not a sequence number: {value!r}")
    return n


def run_verify(args: argparse.Namespace) -> int:
    from core.audit import checkpoint as cp
    from core.store import event_log

    checkpoints = [cp.read_checkpoint(path) for path in args.checkpoint]
    trusted, notes = _trusted_key(args) if checkpoints else (None, [])
    db = open_read_only(args.db)
    try:
        with db.session() as s:
            count, problems = event_log.verify(s)
            head = cp.read_head(s)
            usable: list[cp.Checkpoint] = []
            for c in checkpoints:
                why = cp.signature_problem(c, trusted)
                if why is None:
                    usable.append(c)
                else:
                    problems.append(event_log.Problem(c.seq, "checkpoint", why))
            problems.extend(cp.compare(s, usable))
        from core.audit.tables import compare_tables

        differences = compare_tables(db)
        evidence = _check_evidence(db, args) if args.evidence else None
    finally:
        db.dispose()
    evidence_bad = bool(evidence and evidence[2])
    if args.json:
        extra: dict[str, Any] = {}
        if evidence is not None:
            folder, checked, bad = evidence
            extra["evidence"] = {"folder": str(folder), "checked": len(checked),
                                 "problems": [{"seq": b.seq, "file": b.file_name,
                                               "message": b.message} for b in bad]}
        print(json.dumps({
            "intact": not problems and not differences and not evidence_bad, **extra,
            "events": count,
            "head": {"seq": head.seq, "hash": head.hash},
            "problems": [{"seq": p.seq, "kind": p.kind, "message": p.message}
                         for p in problems],
            "table_differences": [{"table": d.table, "key": str(d.key), "column": d.column,
                                   "message": d.message} for d in differences],
            "checkpoints_matched": len(usable), "notes": notes}, ensure_ascii=False))
        return 0 if not problems and not differences and not evidence_bad else 1
    for note in notes:
        print(note)
    head_line = f"head: event {head.seq}, hash {head.hash}"
    if not problems:
        print(f"audit log intact: {count} events, chain verified")
        print(head_line)
        if usable:
            newest = max(usable, key=lambda c: c.seq)
            print(f"checkpoints: {len(usable)} matched, the newest at event {newest.seq} "
                  f"({newest.label}, key {newest.key_id})")
        differ = print_table_differences(differences)
        return 1 if _print_evidence(evidence) or differ else 0
    print(f"audit log TAMPERED: {len(problems)} problem(s) in {count} events")
    for p in problems:
        print(f"  event {p.seq}: {p.kind}: {p.message}")
    print(head_line)
    print_table_differences(differences)
    _print_evidence(evidence)
    return 1


def _check_evidence(db: Any, args: argparse.Namespace) -> tuple[Path, list[Any], list[Any]]:
    from core.cameras.evidence import evidence_dir, verify_evidence

    folder = args.evidence_folder or evidence_dir(db)
    checked, problems = verify_evidence(db, folder)
    return folder, checked, problems


def _print_evidence(evidence: tuple[Path, list[Any], list[Any]] | None) -> bool:
    """Print the evidence check; True when a file is altered or missing."""
    if evidence is None:
        return False
    folder, checked, problems = evidence
    where = terminal_safe(str(folder))
    if not problems:
        print(f"evidence intact: {len(checked)} file(s) in {where} match the log")
        return False
    print(f"evidence ALTERED OR MISSING: {len(problems)} of {len(checked)} file(s) in {where}")
    for p in problems:
        print(f"  {terminal_safe(p.message)}")
    return True


def print_table_differences(differences: list[Any]) -> bool:
    """Print how the checked tables compare with a replay of the log (`compare_tables`);
    True when something differs (the caller exits 1)."""
    from core.audit.tables import TABLE_CHECKS

    names = ", ".join(c.table.name for c in TABLE_CHECKS)
    if not differences:
        print(f"tables match the log: {names}")
        return False
    print(f"tables DIFFER from the log: {len(differences)} difference(s)")
    for d in differences:
        print(f"  {d.message}")
    return True


def _trusted_key(args: argparse.Namespace) -> tuple[Any, list[str]]:
    """The public key checkpoints must carry, and what to tell the user about it."""
    from core.audit import keys

    if args.public_key is not None:
        return keys.load_public_key(args.public_key), []
    path = keys.key_path(args.key)
    if path.exists():
        return keys.load_public_key(path), []
    if args.key:
        raise UserError(f"no checkpoint key at {path}")
    return None, ["note: no --public-key and no signing key here: each checkpoint's "
                  "signature was checked against the key inside the file only; give "
                  "--public-key FILE to pin the centre's key"]


def run_checkpoint(args: argparse.Namespace) -> int:
    """Verify the chain, sign its head, write the checkpoint file."""
    from core.audit import checkpoint as cp
    from core.audit import keys
    from core.store import event_log

    db = open_read_only(args.db)
    try:
        with db.session() as s:
            count, problems = event_log.verify(s)
            head = cp.read_head(s)
    finally:
        db.dispose()
    if problems:
        print(f"not signed: the audit log has {len(problems)} problem(s) in {count} events; "
              "run 'beacon audit verify' to see them", file=sys.stderr)
        return 1
    key, made = keys.load_or_create_key(keys.key_path(args.key))
    if made:
        print(f"made a new checkpoint key {key.path} (id {key.id}); its public half is "
              f"{keys.public_key_path(key.path)}: keep a copy of it away from this machine",
              file=sys.stderr)
    checkpoint = cp.sign_head(head, key, db.display_url())
    out = args.out or Path(f"checkpoint-{head.seq}.json")
    if cp.write_checkpoint(checkpoint, out):
        print(f"checkpoint {out}: event {head.seq}, hash {head.hash}, key {key.id}")
    else:
        print(f"checkpoint {out} holds this head already: event {head.seq}, hash {head.hash}")
    return 0


def run_key_create(args: argparse.Namespace) -> int:
    """Make the signing key."""
    from core.audit import keys

    key = keys.create_key(keys.key_path(args.key))
    print(f"checkpoint key {key.path} (id {key.id}), public half "
          f"{keys.public_key_path(key.path)}")
    return 0


def run_key_show(args: argparse.Namespace) -> int:
    """Print the key id and the public key."""
    from core.audit import keys

    key = keys.load_key(keys.key_path(args.key))
    if args.json:
        import json

        print(json.dumps({"id": key.id, "key": str(key.path),
                          "public_key": keys.public_pem(key.public)}, ensure_ascii=False))
        return 0
    print(f"key id {key.id} ({key.path})")
    print(keys.public_pem(key.public), end="")
    return 0


def event_units(event: object) -> list[str]:
    """Every unit an event concerns: its own, and those an assignment or release names."""
    from core.store.event_log import UNIT_FIELDS, UNIT_LIST_FIELDS

    p = event.payload  # type: ignore[attr-defined]
    units = [event.unit_id] if event.unit_id else []  # type: ignore[attr-defined]
    for f in UNIT_LIST_FIELDS:
        units += [u for u in p.get(f, ()) if isinstance(u, str)]
    units += [p[f] for f in UNIT_FIELDS if isinstance(p.get(f), str)]
    return list(dict.fromkeys(units))


def shown_personal(e: Any) -> dict[str, Any]:
    """An event's personal fields as the audit log prints them."""
    # A registry person's data is shown only where the showing is itself recorded
    # (`beacon registry person show`): the trail names the fields, not their values.
    from core.registry.model import WITHHELD_FROM_FEEDS

    if e.type in WITHHELD_FROM_FEEDS:
        return {k: "[withheld]" for k in e.personal}
    return dict(e.personal)


def event_subjects(e: Any) -> list[str]:
    """The registry records an event is about (a person's id), for the text listing."""
    p = e.payload
    found = [p[f] for f in ("person_id", "record_id") if isinstance(p.get(f), str)]
    ids = p.get("person_ids")
    if isinstance(ids, list):
        found += [i for i in ids[:5] if isinstance(i, str)]
        if len(ids) > 5:
            found.append(f"(+{len(ids) - 5})")
    return found


def run_log(args: argparse.Namespace) -> int:
    """Print the matching events, one line each; say on stderr when a page is cut short.

    Everything printed went through `core.text`: a name holding terminal escapes (a
    scenario's, shown as the drill's actor) is shown escaped and cannot forge a line."""
    import sys

    from core.local_time import format_local, local_naive_to_utc, to_local
    from core.store import event_log
    from core.store.city_row import centre_time_zone
    from core.text import terminal_safe, terminal_safe_json

    db = open_read_only(args.db)
    zone = centre_time_zone(db)
    # A time typed without a zone is the centre's local time, as every time shown is.
    since, until = (None if t is None else local_naive_to_utc(t, zone)
                    for t in (args.since, args.until))
    # One more than the page: whether more follow, without counting the whole log.
    q = event_log.EventQuery(incident_id=args.incident, unit_id=args.unit, actor=args.actor,
                             since=since, until=until, after_seq=args.after,
                             limit=args.limit + 1, subject=args.subject)
    with db.session() as s:
        events = event_log.query(s, q)
    more = len(events) > args.limit
    events = events[: args.limit]
    # Columns as wide as this page needs, so a long actor never shifts the others.
    actors = [terminal_safe(e.actor) for e in events]
    types = [terminal_safe(e.type) for e in events]
    actor_w = max((len(a) for a in actors), default=5)
    type_w = max((len(t) for t in types), default=4)
    for e, actor, type_ in zip(events, actors, types, strict=True):
        if args.json:
            print(terminal_safe_json(json.dumps(
                {"seq": e.seq, "at": e.at.isoformat(),
                 "local": to_local(e.at, zone).isoformat(), "actor": e.actor,
                 "type": e.type, "incident": e.incident_id, "unit": e.unit_id,
                 "units": event_units(e), "payload": e.payload, "v": e.v,
                 "personal": shown_personal(e)},
                ensure_ascii=False)))
        else:
            about = " ".join(terminal_safe(x) for x in (e.incident_id, *event_units(e),
                                                         *event_subjects(e)) if x)
            print(f"{e.seq:>7}  {format_local(e.at, zone)}  {actor:<{actor_w}}  "
                  f"{type_:<{type_w}}  {about}".rstrip())
    if more:
        # On stderr: stdout stays nothing but events (JSON lines with --json).
        sys.stdout.flush()
        print(f"beacon: {len(events):,} events shown, more follow; next page: "
              f"--after {events[-1].seq}", file=sys.stderr)
    return 0
