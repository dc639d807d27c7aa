"""The simulated unit drives a small road graph through a whole assignment."""

from __future__ import annotations

import asyncio
import math
import socket

import networkx as nx
import pytest

from core.commands import AssignUnits, RelocateUnit
from core.field.client import FieldClient, LinkState
from core.field.simulator import Journey, RoadNet, UnitSimulator
from core.hub.console_link import ConsoleLink
from tests.core.helpers import DISPATCHER, new_incident
from tests.hub.helpers import Seeded, run, run_in_thread, seed, start_hub
from tests.hub.procs import FieldProcess


def grid(n: int = 3, spacing: float = 100.0, seconds: float = 10.0) -> nx.DiGraph:
    """An n x n grid of two-way roads, `spacing` metres and `seconds` apart."""
    g = nx.DiGraph()
    for i in range(n):
        for j in range(n):
            g.add_node(i * n + j, x=i * spacing, y=j * spacing)
    for i in range(n):
        for j in range(n):
            for di, dj in ((1, 0), (0, 1)):
                if i + di < n and j + dj < n:
                    a, b = i * n + j, (i + di) * n + j + dj
                    for u, v in ((a, b), (b, a)):
                        g.add_edge(u, v, seconds=seconds, length_m=spacing, speed_kmh=36.0)
    return g


def test_journey_interpolates_along_the_quickest_path() -> None:
    roads = RoadNet(grid())
    assert roads.nearest(190.0, 210.0) == 8
    path = roads.route(0, 8)
    assert path is not None and path[0] == 0 and path[-1] == 8 and len(path) == 5
    journey = Journey(roads, path)
    assert journey.duration == 40.0
    assert journey.at(0) == (0.0, 0.0) and journey.at(99) == (200.0, 200.0)
    x, y = journey.at(5.0)
    assert (x, y) in ((50.0, 0.0), (0.0, 50.0))


def test_the_simulated_unit_answers_an_assignment_end_to_end(sqlite_url: str) -> None:
    seeded = seed(sqlite_url)

    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        console = ConsoleLink(base, seeded.tokens["alice"], resume_from=hub.feed.last_seq)
        client = FieldClient(base, "E1", seeded.tokens["E1"], backoff_min=0.05)
        sim = UnitSimulator(client, RoadNet(grid()), speedup=100.0, report_every=0.05,
                            on_scene_s=10.0)
        task = asyncio.create_task(sim.run())
        try:
            await console.start()
            await client.wait_for_state(LinkState.CONNECTED)
            incident = await run_in_thread(new_incident, hub.service, "structure_fire",
                                           x=200.0, y=190.0)
            await run_in_thread(hub.service.execute, AssignUnits(incident, ("E1",)),
                                DISPATCHER)
            statuses: list[str] = []
            positions: list[tuple[float, float]] = []
            while statuses[-1:] != ["available"]:
                event = await console.next_event(timeout=10)
                if event.unit_id != "E1":
                    continue
                if event.type == "unit_status_changed":
                    statuses.append(event.payload["status"])
                elif event.type == "unit_position_reported" and "on_scene" not in statuses:
                    positions.append((event.payload["x"], event.payload["y"]))
            assert statuses == ["en_route", "on_scene", "available"]
            assert len(positions) >= 4 and positions[-1] == (200.0, 200.0)
            # ... and it drives home afterwards.
            while True:
                event = await console.next_event(timeout=10)
                if event.type == "unit_position_reported" and \
                        (event.payload["x"], event.payload["y"]) == (0.0, 0.0):
                    break
            assert sim.completed == 1
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await client.close()
            await console.close()
            await hub.stop()
            seeded.close()

    run(body())


def test_the_simulated_unit_drives_to_its_move_up_post_and_stays_available(
        sqlite_url: str) -> None:
    seeded = seed(sqlite_url)

    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        console = ConsoleLink(base, seeded.tokens["alice"], resume_from=hub.feed.last_seq)
        client = FieldClient(base, "E1", seeded.tokens["E1"], backoff_min=0.05)
        sim = UnitSimulator(client, RoadNet(grid()), speedup=100.0, report_every=0.05)
        task = asyncio.create_task(sim.run())
        try:
            await console.start()
            await client.wait_for_state(LinkState.CONNECTED)
            await run_in_thread(hub.service.execute,
                                RelocateUnit("E1", "M1", 200.0, 200.0, "cover"), DISPATCHER)
            positions: list[tuple[float, float]] = []
            while positions[-1:] != [(200.0, 200.0)]:
                event = await console.next_event(timeout=10)
                assert event.type != "unit_status_changed"  # a move-up keeps it available
                if event.type == "unit_position_reported" and event.unit_id == "E1":
                    positions.append((event.payload["x"], event.payload["y"]))
            assert len(positions) >= 3  # it drove there, reporting on the way
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await client.close()
            await console.close()
            await hub.stop()
            seeded.close()

    run(body())


def _far_node(hops_away: int) -> tuple[float, float]:
    """A crossing of the small demo city `hops_away` crossings from E1's home (0, 0)."""
    from core.city.demo import build_demo_city

    roads = RoadNet(build_demo_city(scale="small").roads)
    start = roads.nearest(0.0, 0.0)  # E1 of the test roster stands at (0, 0)
    hops = nx.single_source_shortest_path_length(roads.graph, start, cutoff=hops_away)
    return roads.xy(max(hops, key=lambda n: (hops[n], str(n))))


def _field(base: str, seeded: Seeded, *extra: str) -> FieldProcess:
    return FieldProcess("--hub", base, "--unit", "E1", "--city-scale", "small", *extra,
                        token=seeded.tokens["E1"])


async def _dispatch(hub, x: float, y: float) -> str:  # noqa: ANN001 - HubServer
    incident = await run_in_thread(new_incident, hub.service, "structure_fire", x=x, y=y,
                                   address="7 Qinghe Road")
    await run_in_thread(hub.service.execute, AssignUnits(incident, ("E1",)), DISPATCHER)
    return incident


def test_beacon_field_says_what_it_does_and_drives_the_demo_city(sqlite_url: str) -> None:
    target_x, target_y = _far_node(3)
    seeded = seed(sqlite_url)

    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        console = ConsoleLink(base, seeded.tokens["alice"], resume_from=hub.feed.last_seq)
        field = _field(base, seeded, "--speedup", "100", "--report-every", "0.05",
                       "--on-scene", "1")
        try:
            await console.start()
            await field.start()
            await field.wait_for_line(r"unit E1 connecting to ws://127\.0\.0\.1:\d+/ws/unit")
            await field.wait_for_line(r"connected as E1 to ws://")
            # The link drops and comes back, and it says so.
            assert await hub.disconnect("E1") == 1
            await field.wait_for_line(r"unit E1 lost its link to the hub \(.+\); reconnecting")
            await field.wait_for_line(r"unit E1 reconnected as E1 after [\d.]+ s")
            incident = await _dispatch(hub, target_x, target_y)
            await field.wait_for_line(rf"unit E1 driving to {incident} \(7 Qinghe Road\): "
                                      r"\d+ s by road")
            await field.wait_for_line(rf"unit E1 arrived at {incident} \(7 Qinghe Road\): "
                                      "on scene")
            await field.wait_for_line(rf"unit E1 available again after {incident}")
            statuses: list[str] = []
            while statuses[-1:] != ["available"]:
                event = await console.next_event(timeout=20)
                if event.type == "unit_status_changed" and event.unit_id == "E1":
                    statuses.append(event.payload["status"])
            assert statuses == ["en_route", "on_scene", "available"]
        finally:
            code = await field.stop()
            await console.close()
            await hub.stop()
            seeded.close()
        assert code == 0, field.output
        assert "Traceback" not in field.output

    run(body())


async def _cursor_reaches(seeded: Seeded, client: str, seq: int, timeout: float = 10.0) -> None:
    """Wait until the hub has stored that `client` acknowledged `seq`."""
    from core.hub.tables import HubCursorRow

    def acked() -> int:
        with seeded.db.session() as s:
            row = s.get(HubCursorRow, client)
            return 0 if row is None else row.acked_seq

    async with asyncio.timeout(timeout):
        while await run_in_thread(acked) < seq:
            await asyncio.sleep(0.05)


def test_a_restarted_field_unit_drives_on_to_its_incident(sqlite_url: str) -> None:
    """Issue 11: a unit already dispatched when `beacon field` starts, whose assignment
    the hub will not send again (an earlier run acknowledged it), said it resumed its
    drive and then never drove."""
    target_x, target_y = _far_node(8)
    seeded = seed(sqlite_url)

    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        console = ConsoleLink(base, seeded.tokens["alice"], resume_from=hub.feed.last_seq)
        first = _field(base, seeded, "--speedup", "1", "--report-every", "5")
        second = _field(base, seeded, "--speedup", "100", "--report-every", "0.05",
                        "--on-scene", "30")
        try:
            await console.start()
            await first.start()
            await first.wait_for_line("connected as E1")
            incident = await _dispatch(hub, target_x, target_y)
            await first.wait_for_line(f"driving to {incident}")
            assigned = hub.feed.last_seq
            await _cursor_reaches(seeded, "unit:E1", assigned - 1)
            assert await first.stop() == 0, first.output
            before = hub.feed.last_seq
            await second.start()
            await second.wait_for_line(f"unit E1 is en_route for {incident}: resuming")
            positions: list[tuple[float, float]] = []
            while True:
                event = await console.next_event(timeout=20)
                if event.unit_id != "E1" or event.seq <= before:
                    continue
                if event.type == "unit_position_reported":
                    positions.append((event.payload["x"], event.payload["y"]))
                elif event.type == "unit_status_changed":
                    assert event.payload["status"] == "on_scene", event.payload
                    break
            await second.wait_for_line(f"unit E1 arrived at {incident}")
            # It moved towards the incident and ended at the crossing nearest to it.
            assert len(positions) >= 3
            assert positions[-1] == (target_x, target_y)
            start_gap = math.dist(positions[0], (target_x, target_y))
            assert start_gap > math.dist(positions[len(positions) // 2], (target_x, target_y))
        finally:
            await first.stop()
            await second.stop()
            await console.close()
            await hub.stop()
            seeded.close()

    run(body())


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_beacon_field_gives_up_on_an_unreachable_hub_with_one_clear_line() -> None:
    port = _closed_port()

    async def body() -> None:
        field = FieldProcess("--hub", f"ws://127.0.0.1:{port}", "--unit", "E1",
                             "--city-scale", "small", "--tries", "3", token="bk_x")
        await field.start()
        await field.wait_for_line(rf"cannot reach the hub at ws://127\.0\.0\.1:{port}/ws/unit: "
                                  r".+ \(try 1 of 3\)")
        await field.wait_for_line(r"\(try 2 of 3\)")
        code = await field.wait(20)
        assert code == 2, field.output
        errors = [line for line in field.lines if line.startswith("beacon: error:")]
        assert len(errors) == 1 and "after 3 tries" in errors[0] and "--retry-forever" in \
            errors[0], field.output
        assert field.lines[-1] == errors[0]
        assert "Traceback" not in field.output

    run(body())


def test_beacon_field_retry_forever_waits_for_the_hub(sqlite_url: str) -> None:
    port = _closed_port()
    seeded = seed(sqlite_url)

    async def body() -> None:
        field = FieldProcess("--hub", f"ws://127.0.0.1:{port}", "--unit", "E1",
                             "--city-scale", "small", "--retry-forever",
                             token=seeded.tokens["E1"])
        hub = None
        try:
            await field.start()
            await field.wait_for_line(r"\(try 3; retrying for ever\)")
            hub, _ = await start_hub(seeded.url, port=port)
            await field.wait_for_line("connected as E1")
        finally:
            code = await field.stop()
            if hub is not None:
                await hub.stop()
            seeded.close()
        assert code == 0, field.output

    run(body())


async def _log_shows(path, text: str, timeout: float = 10.0) -> None:  # noqa: ANN001
    """Wait until the file at `path` holds `text`."""
    async with asyncio.timeout(timeout):
        while text not in path.read_text(errors="replace"):
            await asyncio.sleep(0.05)


def test_beacon_hub_logs_each_connection_by_default(sqlite_url: str, tmp_path) -> None:  # noqa: ANN001
    from tests.hub.procs import HubProcess

    seeded = seed(sqlite_url)
    hub = HubProcess(sqlite_url, tmp_path / "hub.log")

    async def body() -> None:
        base = await hub.start()
        try:
            async with FieldClient(base, "E1", seeded.tokens["E1"]) as unit, \
                    ConsoleLink(base, seeded.tokens["alice"]):
                await unit.wait_for_state(LinkState.CONNECTED)
                await _log_shows(hub.log_path, "unit E1 connected")
                await _log_shows(hub.log_path, "console alice connected")
            await _log_shows(hub.log_path, "unit E1 disconnected")
            await _log_shows(hub.log_path, "console alice disconnected")
        finally:
            await hub.stop()
            seeded.close()

    run(body())


def test_by_default_beacon_field_gives_up_within_half_a_minute() -> None:
    from core.cli import field_cmd
    from core.cli.main import build_parser

    args = build_parser().parse_args(["field", "--hub", "ws://127.0.0.1:1", "--unit", "E1"])
    assert args.tries == 10 and not args.retry_forever
    # The link waits backoff_min * 2**n (capped, +20 % jitter at most) between tries.
    waits = [min(0.2 * 2 ** n, field_cmd.BACKOFF_MAX_S) * 1.2 for n in range(args.tries - 1)]
    assert sum(waits) < 30
    with pytest.raises(SystemExit):
        build_parser().parse_args(["field", "--hub", "ws://h", "--unit", "E1", "--tries", "3",
                                   "--retry-forever"])


def test_a_refused_token_is_said_once(sqlite_url: str) -> None:
    """A hub that refuses the unit: one `beacon: error:` line, not also a log line."""
    seeded = seed(sqlite_url)

    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        field = FieldProcess("--hub", base, "--unit", "E1", "--city-scale", "small",
                             token="bk_not-a-token")
        try:
            await field.start()
            code = await field.wait(20)
        finally:
            await hub.stop()
            seeded.close()
        assert code == 2, field.output
        said = [line for line in field.lines if "token" in line]
        assert said == ["beacon: error: invalid or revoked token"], field.output

    run(body())
