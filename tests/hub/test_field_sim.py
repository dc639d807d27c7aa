"""The simulated unit drives a small road graph through a whole assignment."""

from __future__ import annotations

import asyncio

import networkx as nx
import pytest

from core.commands import AssignUnits
from core.field.client import FieldClient, LinkState
from core.field.simulator import Journey, RoadNet, UnitSimulator
from core.hub.console_link import ConsoleLink
from tests.core.helpers import DISPATCHER, new_incident
from tests.hub.helpers import run, run_in_thread, seed, start_hub


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


def test_beacon_field_drives_the_demo_city(sqlite_url: str, tmp_path) -> None:  # noqa: ANN001
    import os
    import sys

    import networkx as nx

    from core.city.demo import build_demo_city
    from tests.hub.procs import ROOT

    roads = RoadNet(build_demo_city(scale="small").roads)
    start = roads.nearest(0.0, 0.0)  # E1 of the test roster stands at (0, 0)
    hops = nx.single_source_shortest_path_length(roads.graph, start, cutoff=3)
    target_x, target_y = roads.xy(max(hops, key=lambda n: (hops[n], str(n))))
    seeded = seed(sqlite_url)

    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        console = ConsoleLink(base, seeded.tokens["alice"], resume_from=hub.feed.last_seq)
        env = dict(os.environ, PYTHONPATH=str(ROOT), BEACON_FIELD_TOKEN=seeded.tokens["E1"])
        log = open(tmp_path / "field.log", "wb")  # noqa: SIM115
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "core", "field", "--hub", base, "--unit", "E1",
            "--city-scale", "small", "--speedup", "100", "--report-every", "0.05",
            "--on-scene", "1", cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            await console.start()
            # No waiting for the unit to connect: one that connects after its dispatch
            # (and has no cursor yet) starts its stream at the assignment.
            incident = await run_in_thread(new_incident, hub.service, "structure_fire",
                                           x=target_x, y=target_y)
            await run_in_thread(hub.service.execute, AssignUnits(incident, ("E1",)),
                                DISPATCHER)
            statuses: list[str] = []
            while statuses[-1:] != ["available"]:
                event = await console.next_event(timeout=20)
                if event.type == "unit_status_changed" and event.unit_id == "E1":
                    statuses.append(event.payload["status"])
            assert statuses == ["en_route", "on_scene", "available"]
        finally:
            proc.terminate()
            code = await asyncio.wait_for(proc.wait(), 15)
            log.close()
            await console.close()
            await hub.stop()
            seeded.close()
        assert code == 0, (tmp_path / "field.log").read_text()

    run(body())
