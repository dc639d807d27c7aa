"""`beacon hub`: run the field-sync hub; `beacon hub token ...`: manage access tokens."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import sys
from pathlib import Path

from core.cli.common import add_db_argument, existing_file, open_db, open_read_only
from core.errors import UserError


def port_number(value: str) -> int:
    """An argparse type: a TCP port, 0 (any free port) to 65535."""
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r} (0-65535)")
    return port


def positive(value: str) -> float:
    """An argparse type: a number above zero."""
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number > 0:
        raise argparse.ArgumentTypeError(f"not a positive number: {value!r}")
    return number


def commit_interval_ms(value: str) -> float:
    """An argparse type: milliseconds from 0 to 1000, returned in seconds."""
    try:
        ms = float(value)
    except ValueError:
        ms = -1.0
    if not 0 <= ms <= 1000:
        raise argparse.ArgumentTypeError(f"not a commit interval: {value!r} (0-1000 ms)")
    return ms / 1000.0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `hub` subcommand and its `token` actions."""
    p = subparsers.add_parser(
        "hub", help="run the field-sync hub (websockets for field units and consoles)",
        description="Serve field units (/ws/unit) and consoles (/ws/console) over "
                    "websockets, and /health. Several hubs may share one PostgreSQL "
                    "database. See docs/protocol.md.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on "
                   "(default 127.0.0.1; 0.0.0.0 for every interface)")
    p.add_argument("--port", type=port_number, default=8765,
                   help="TCP port (default 8765; 0 picks a free one)")
    add_db_argument(p)
    p.add_argument("--cert", type=existing_file, metavar="PEM",
                   help="TLS certificate chain: serve wss:// (needs --key)")
    p.add_argument("--key", type=existing_file, metavar="PEM", help="TLS private key")
    p.add_argument("--rate", type=positive, default=20.0,
                   help="messages a second each token holder (a unit or an operator) may "
                        "send, shared by all its connections (default 20)")
    p.add_argument("--burst", type=positive, default=40.0,
                   help="messages a token holder may send at once, across all its "
                        "connections (default 40)")
    p.add_argument("--commit-ms", type=commit_interval_ms, default=0.02, metavar="MS",
                   help="write field reports at most every MS milliseconds, many per "
                        "transaction (default 20; 0 writes as soon as the last write is "
                        "done: lower latency, more CPU at fleet scale)")
    p.add_argument("--checkpoint-dir", type=Path, metavar="DIR",
                   help="write signed checkpoints of the audit log into DIR (default: none; "
                        "see 'beacon audit checkpoint')")
    p.add_argument("--checkpoint-every", type=positive, default=300.0, metavar="SECONDS",
                   help="with --checkpoint-dir: sign the log's head this often, when it grew "
                        "(default 300), and once more at shutdown")
    p.add_argument("--checkpoint-key", metavar="FILE",
                   help="with --checkpoint-dir: the signing key (default: "
                        "$BEACON_CHECKPOINT_KEY, else checkpoint.key beside the settings "
                        "file; made when missing)")
    p.set_defaults(func=run_hub)
    sub = p.add_subparsers(dest="hub_command", metavar="ACTION")
    token = sub.add_parser("token", help="create, list or revoke access tokens",
                           description="Access tokens for field units and operators.")
    tsub = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    create = tsub.add_parser("create", help="make a token (printed once)",
                             description="Make a token for a unit or an operator. It is "
                                         "printed once, on the first line, and stored "
                                         "only as a hash. "
                                         "Example: beacon hub token create --unit E12")
    who = create.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit", metavar="ID", help="the unit the token is for, e.g. E12")
    who.add_argument("--operator", metavar="NAME", help="the operator the token is for")
    add_db_argument(create)
    create.set_defaults(func=run_token_create)
    listing = tsub.add_parser("list", help="list tokens (never the tokens themselves)",
                              description="List every token: id, kind, holder, state.")
    add_db_argument(listing)
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.set_defaults(func=run_token_list)
    revoke = tsub.add_parser("revoke", help="revoke a token by its id",
                             description="Revoke a token: every hub of the centre closes "
                                         "the connections open with it within a second, "
                                         "and refuses it from then on.")
    revoke.add_argument("token_id", metavar="ID",
                        help="the token's id, as 'beacon hub token list' shows it")
    add_db_argument(revoke)
    revoke.set_defaults(func=run_token_revoke)


def run_hub(args: argparse.Namespace) -> int:
    """Run the hub until SIGINT or SIGTERM."""
    from core.hub.server import HubServer, conn_log, server_ssl_context

    conn_log.setLevel(min(conn_log.getEffectiveLevel(), logging.INFO))  # visible by default

    if bool(args.cert) != bool(args.key):
        raise UserError("--cert and --key go together: give both to serve wss://")
    ctx = server_ssl_context(str(args.cert), str(args.key)) if args.cert else None
    checkpoint_key = _checkpoint_key(args)
    db = open_db(args.db)

    async def serve() -> None:
        checkpointer = None
        if checkpoint_key is not None:
            from core.audit.periodic import Checkpointer

            checkpointer = Checkpointer(db, checkpoint_key, args.checkpoint_dir)
        hub = HubServer(db, rate=args.rate, burst=args.burst,
                        commit_interval=args.commit_ms, checkpointer=checkpointer,
                        checkpoint_every=args.checkpoint_every)
        port = await hub.start(args.host, args.port, ssl_context=ctx)
        # The hub's long-lived objects (state, schemas, ORM) need no collecting: freeze
        # them, so the collector's full passes stay short under load.
        gc.collect()
        gc.freeze()
        scheme = "wss" if ctx else "ws"
        print(f"hub listening on {scheme}://{args.host}:{port} (database "
              f"{db.display_url()})", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            await hub.stop()

    try:
        asyncio.run(serve())
    finally:
        db.dispose()
    return 0


def _checkpoint_key(args: argparse.Namespace):  # noqa: ANN202 - SigningKey | None
    """With --checkpoint-dir: the folder made and the signing key loaded (or made)."""
    if args.checkpoint_dir is None:
        if args.checkpoint_key:
            raise UserError("--checkpoint-key needs --checkpoint-dir")
        return None
    from core.audit import keys

    try:
        args.checkpoint_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot use checkpoint folder {args.checkpoint_dir}: "
                        f"{exc.strerror or exc}") from None
    key, made = keys.load_or_create_key(keys.key_path(args.checkpoint_key))
    if made:
        print(f"made a new checkpoint key {key.path} (id {key.id}); its public half is "
              f"{keys.public_key_path(key.path)}: keep a copy of it away from this machine",
              file=sys.stderr, flush=True)
    return key


def run_token_create(args: argparse.Namespace) -> int:
    """Create a token and print it once."""
    from core.auth import cli_actor
    from core.hub.tokens import create_token

    kind, subject = ("unit", args.unit) if args.unit else ("operator", args.operator)
    token_id, token = create_token(open_db(args.db), kind, subject, actor=cli_actor())
    # The token alone on standard output (`TOKEN=$(beacon hub token create ...)` takes
    # it as it is); the reminder goes to the terminal.
    print(token, flush=True)
    print(f"token {token_id} for {kind} {subject}: store it now, it is not shown again",
          file=sys.stderr, flush=True)
    return 0


def run_token_list(args: argparse.Namespace) -> int:
    """Print the tokens, one a line."""
    from core.hub.tokens import list_tokens
    from core.local_time import format_local
    from core.store.city_row import centre_time_zone
    from core.text import terminal_safe

    db = open_read_only(args.db)
    tokens = list_tokens(db)
    if args.json:
        import json

        from core.text import terminal_safe_json

        print(terminal_safe_json(json.dumps([
            {"id": t.id, "kind": t.kind, "subject": t.subject,
             "created_at": t.created_at.isoformat(), "revoked": t.revoked}
            for t in tokens], ensure_ascii=False)))
        return 0
    zone = centre_time_zone(db)  # times as the centre reads them, offset shown
    for t in tokens:
        state = "revoked" if t.revoked else "active"
        print(f"{t.id}  {t.kind:<8} {terminal_safe(t.subject):<16} "
              f"{format_local(t.created_at, zone, '%Y-%m-%d %H:%M')}  {state}")
    return 0


def run_token_revoke(args: argparse.Namespace) -> int:
    """Revoke one token."""
    from core.auth import cli_actor
    from core.hub.tokens import revoke_token

    revoke_token(open_db(args.db), args.token_id, actor=cli_actor())
    print(f"token {args.token_id} revoked: every hub closes its open connections")
    return 0
