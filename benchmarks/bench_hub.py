"""Benchmark the hub beside a plain aiohttp broadcast server (not part of pytest).

For each fleet size, N simulated field units each send one position report a second
(spread evenly over the second) for `--seconds`; one console is subscribed. We measure
end-to-end latency (a unit's send to the console's receipt), messages a second, and the
server's CPU and memory (from /proc). The reference server receives the same messages
and forwards each to the console unchanged: no parsing, no database.

    PYTHONPATH=. python benchmarks/bench_hub.py --units 100,500,1000 --seconds 60

`--sqlite-sync normal,full` runs the hub once per SQLite `synchronous` setting on a fresh
database each (Beacon uses FULL; NORMAL is what it used before, kept here to measure what
durability costs). Each row is printed with the machine's load average at its end.

Everything runs on 127.0.0.1; the load generator shares the machine's cores with the
server, which the figures include.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REFERENCE = '''
import sys
from aiohttp import web, WSMsgType

consoles = set()

async def ws(request):
    sock = web.WebSocketResponse(max_msg_size=1 << 20)
    await sock.prepare(request)
    if request.query.get("role") == "console":
        consoles.add(sock)
    async for msg in sock:
        if msg.type is WSMsgType.TEXT:
            for c in list(consoles):
                await c.send_str(msg.data)
    consoles.discard(sock)
    return sock

async def main():
    app = web.Application()
    app.router.add_get("/ws", ws)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print("listening on ws://127.0.0.1:%d" % site._server.sockets[0].getsockname()[1],
          flush=True)
    import asyncio
    await asyncio.Event().wait()

import asyncio
asyncio.run(main())
'''


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    return rss, peak


async def start_process(args: list[str], env: dict[str, str], log: Path | None = None
                        ) -> tuple[asyncio.subprocess.Process, str]:
    """Start a server; returns it and the URL it printed."""
    stderr = open(log, "ab") if log else asyncio.subprocess.DEVNULL  # noqa: SIM115
    proc = await asyncio.create_subprocess_exec(*args, cwd=ROOT, env=env,
                                                stdout=asyncio.subprocess.PIPE,
                                                stderr=stderr)
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
    match = re.search(r"listening on (ws://[^ ]+)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"server did not start: {line!r}")
    return proc, match.group(1).strip()


def prepare_db(url: str, units: int) -> dict[str, str]:
    """A fresh database with `units` units and a token each, plus an operator token."""
    from core.auth import SYSTEM
    from core.commands import CreateOperator, RegisterUnits
    from core.domain.kinds import Role
    from core.hub.tokens import create_token
    from core.service import CommandService
    from core.store.database import open_database

    db = open_database(url)
    service = CommandService(db)
    ids = [f"U{i:04d}" for i in range(units)]
    service.execute(RegisterUnits([{"id": u, "kind": "ambulance", "station": "S", "x": 0.0,
                                    "y": 0.0} for u in ids]))
    service.execute(CreateOperator("bench", "Bench", Role.OBSERVER, "bench-password"), SYSTEM)
    tokens = {u: create_token(db, "unit", u)[1] for u in ids}
    tokens["bench"] = create_token(db, "operator", "bench")[1]
    db.dispose()
    return tokens


async def run_load(kind: str, base: str, tokens: dict[str, str], units: int, seconds: float,
                   pid: int) -> dict[str, float]:
    """Drive `units` reporters and one console; returns the figures."""
    from core.hub.protocol import encode

    sent: dict[tuple[str, int], float] = {}
    latencies: list[float] = []
    by_second: dict[int, list[float]] = {}
    ids = [u for u in tokens if u != "bench"][:units]
    received = 0
    done = asyncio.Event()
    expected = units * int(seconds)
    timeout = aiohttp.ClientTimeout(total=None)
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=conn) as http:
        if kind == "hub":
            console = await http.ws_connect(base + "/ws/console", max_msg_size=1 << 20)
            await console.send_str(encode("hello", role="console", token=tokens["bench"]))
            await console.receive()
        else:
            console = await http.ws_connect(base + "/ws?role=console")

        async def read_console() -> None:
            nonlocal received
            last_ack = time.monotonic()
            async for msg in console:
                now = time.perf_counter()
                data = json.loads(msg.data)
                if kind == "hub":
                    if data.get("type") != "event":
                        continue
                    p = data["event"]["payload"]
                    key = (p.get("unit_id"), int(p.get("y", -1)))
                    if now - last_ack > 0.2:
                        await console.send_str(encode("ack", seq=data["seq"]))
                        last_ack = now
                else:
                    key = (data.get("unit_id"), int(data["y"]))
                start = sent.pop(key, None)
                if start is not None:
                    latencies.append(now - start)
                    by_second.setdefault(key[1], []).append(now - start)
                    received += 1
                    if received >= expected:
                        done.set()

        reader = asyncio.create_task(read_console())
        socks = []
        for u in ids:
            if kind == "hub":
                ws = await http.ws_connect(base + "/ws/unit")
                await ws.send_str(encode("hello", role="unit", token=tokens[u]))
                await ws.receive()
            else:
                ws = await http.ws_connect(base + "/ws")
            socks.append(ws)

        async def drain(ws: aiohttp.ClientWebSocketResponse) -> None:
            async for _ in ws:
                pass

        drains = [asyncio.create_task(drain(ws)) for ws in socks]
        t0 = time.monotonic() + 0.5
        cpu0 = proc_cpu_seconds(pid)

        async def reporter(index: int, unit: str, ws: aiohttp.ClientWebSocketResponse) -> None:
            phase = index / units
            for k in range(int(seconds)):
                delay = t0 + k + phase - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                if kind == "hub":
                    text = encode("position", id=f"{unit}.{k}", x=float(index), y=float(k))
                else:
                    text = json.dumps({"v": 1, "type": "position", "id": f"{unit}.{k}",
                                       "unit_id": unit, "x": float(index), "y": float(k)})
                sent[(unit, k)] = time.perf_counter()
                await ws.send_str(text)

        await asyncio.gather(*(reporter(i, u, ws)
                               for i, (u, ws) in enumerate(zip(ids, socks, strict=True))))
        send_end = time.monotonic()
        try:
            await asyncio.wait_for(done.wait(), 10)
        except TimeoutError:
            pass
        elapsed = time.monotonic() - t0
        cpu = proc_cpu_seconds(pid) - cpu0
        rss, peak = proc_rss_mb(pid)
        for ws in socks:
            await ws.close()
        await console.close()
        for task in (*drains, reader):
            task.cancel()
    lat = sorted(latencies)
    if os.environ.get("BENCH_DEBUG"):
        for k in sorted(by_second):
            v = sorted(by_second[k])
            print(f"  {kind} second {k}: p50 {1000 * v[len(v) // 2]:.1f} "
                  f"p99 {1000 * v[int(0.99 * len(v))]:.1f} ms", file=sys.stderr)

    def pct(p: float) -> float:
        return 1000 * lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")

    return {"sent": expected, "received": received, "lost": expected - received,
            "msgs_s": received / max(send_end - t0, 1e-9), "p50_ms": pct(0.50),
            "p99_ms": pct(0.99), "max_ms": 1000 * lat[-1] if lat else float("nan"),
            "mean_ms": 1000 * statistics.fmean(lat) if lat else float("nan"),
            "cpu_pct": 100 * cpu / elapsed, "rss_mb": rss, "peak_mb": peak,
            "loadavg": os.getloadavg()}


# Runs the hub with SQLite's `synchronous` set to BENCH_SQLITE_SYNC: our listener is
# registered after Beacon's own, so its PRAGMA is the last word on every connection.
HUB_WITH_SYNC = '''
import os, sys
import core.store.database as d
from sqlalchemy import event
beacon_setup = d._sqlite_setup
def setup(engine):
    beacon_setup(engine)
    @event.listens_for(engine, "connect")
    def _sync(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA synchronous=" + os.environ["BENCH_SQLITE_SYNC"])
d._sqlite_setup = setup
from core.cli.main import main
sys.exit(main(sys.argv[1:]))
'''


async def bench(units: int, seconds: float, db_url: str | None, workdir: Path,
                commit_ms: str = "20", syncs: tuple[str, ...] = ("",)) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    rows = []
    ref, ref_url = await start_process([sys.executable, "-c", REFERENCE], env)
    try:
        fig = await run_load("reference", ref_url, {f"U{i:04d}": "" for i in range(units)},
                             units, seconds, ref.pid)
        rows.append({"server": "plain aiohttp", "units": units, **fig})
    finally:
        ref.kill()
        await ref.wait()
    for sync in syncs:
        if db_url and sync:
            raise SystemExit("--sqlite-sync is for SQLite only")
        label = sync or "default"
        url = db_url or f"sqlite:///{workdir / f'hub-{units}-{label}.db'}"
        tokens = prepare_db(url, units)
        launcher = ["-c", HUB_WITH_SYNC] if sync else ["-m", "core"]
        hub, hub_url = await start_process(
            [sys.executable, *(["-m", "cProfile", "-o", os.environ["BENCH_HUB_PROFILE"]]
                               if os.environ.get("BENCH_HUB_PROFILE") else []),
             *launcher, "hub", "--port", "0", "--db", url, "--rate", "50",
             "--burst", "50", "--commit-ms", commit_ms], dict(env, BENCH_SQLITE_SYNC=sync),
            Path(os.environ["BENCH_HUB_LOG"]) if os.environ.get("BENCH_HUB_LOG") else None)
        try:
            fig = await run_load("hub", hub_url, tokens, units, seconds, hub.pid)
            name = f"hub {sync.upper()}" if sync else "beacon hub"
            rows.append({"server": name, "units": units, **fig})
        finally:
            hub.terminate()
            await hub.wait()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="100,500,1000", help="fleet sizes, comma-separated")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of reporting")
    parser.add_argument("--db", help="database URL for the hub (default: fresh SQLite)")
    parser.add_argument("--commit-ms", default="20", help="the hub's --commit-ms (default 20)")
    parser.add_argument("--sqlite-sync", default="",
                        help="run the hub once per SQLite synchronous setting, e.g. "
                             "normal,full (default: Beacon's own)")
    args = parser.parse_args()
    syncs = tuple(x.strip().lower() for x in args.sqlite_sync.split(",") if x.strip()) or ("",)
    if any(x not in ("", "off", "normal", "full", "extra") for x in syncs):
        raise SystemExit("--sqlite-sync takes off, normal, full or extra")
    sizes = [int(x) for x in args.units.split(",")]
    if any(n < 1 or n > 5000 for n in sizes) or not 1 <= args.seconds <= 600:
        raise SystemExit("units must be 1-5000 and seconds 1-600")
    header = (f"{'server':<14}{'units':>6}{'sent':>8}{'recv':>8}{'lost':>6}{'msg/s':>8}"
              f"{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}{'CPU %':>7}{'RSS MB':>8}"
              f"  load average")
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            if args.db:
                from tests.conftest import _reset_pg

                _reset_pg(args.db)
            rows = asyncio.run(bench(n, args.seconds, args.db, Path(tmp), args.commit_ms,
                                     syncs))
            for r in rows:
                print(f"{r['server']:<14}{r['units']:>6}{r['sent']:>8}{r['received']:>8}"
                      f"{r['lost']:>6}{r['msgs_s']:>8.0f}{r['p50_ms']:>8.1f}{r['p99_ms']:>8.1f}"
                      f"{r['max_ms']:>8.1f}{r['cpu_pct']:>7.1f}{r['peak_mb']:>8.0f}"
                      f"  {' '.join(f'{x:.2f}' for x in r['loadavg'])}", flush=True)
            plain, *hubs = rows
            for hub in hubs:
                print(f"  {hub['server']} / plain at {n} units: CPU "
                      f"{hub['cpu_pct'] / plain['cpu_pct']:.1f}x, memory "
                      f"{hub['peak_mb'] / plain['peak_mb']:.1f}x", flush=True)


if __name__ == "__main__":
    main()
