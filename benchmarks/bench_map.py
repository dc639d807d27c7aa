"""Benchmark of the map on the full demo city: frame rate while panning and zooming, and
event-loop latency while 1,000 units report their position once a second.

Run: QT_QPA_PLATFORM=offscreen PYTHONPATH=. python benchmarks/bench_map.py
(under Xvfb with QT_QPA_PLATFORM=xcb to include the window system). Not a pytest test.

Frame rate: the view is moved by a `setRange` step, then its viewport is repainted
synchronously (`repaint()`), and the steps are timed; targets >= 30 fps.

Latency: a worker thread publishes position reports on the core bus, as the hub link
does, at `--rate` a second (each unit once a second). A 10 ms GUI timer measures how late
it fires; the p99 of that lateness is the event-loop latency (target < 50 ms). The
map keeps repainting throughout, as its coalescing timer asks.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QSplitter  # noqa: E402

import console.map.city_layers as city_layers_module  # noqa: E402
from benchmarks.demo_centre import demo_centre  # noqa: E402
from console.bridge import EventBridge, Selection  # noqa: E402
from console.dashboard import Dashboard  # noqa: E402
from console.map_view import MapView  # noqa: E402
from core.auth import SYSTEM  # noqa: E402
from core.commands import RegisterUnits  # noqa: E402
from core.events import Event  # noqa: E402


def add_units(centre, total: int) -> None:  # noqa: ANN001
    """Register extra police cars at random stations until the roster holds `total`."""
    state = centre.live.state
    missing = total - len(state.units)
    if missing <= 0:
        return
    rng = random.Random(1)
    stations = list(centre.city.stations)
    units = []
    for k in range(missing):
        s = rng.choice(stations)
        units.append({"id": f"BX{k:04d}", "name": f"Bench {k}", "kind": "police_car",
                      "station": s.code, "x": s.x, "y": s.y})
    centre.service.execute(RegisterUnits(units), SYSTEM)


def frame_rate(app: QApplication, view: MapView, label: str, ranges) -> float:  # noqa: ANN001
    """Frames a second over `ranges` (list of (x0, x1, y0, y1)), painting each one."""
    vb = view.view_box()
    viewport = view._plot.viewport()
    app.processEvents()
    t = time.perf_counter()
    for x0, x1, y0, y1 in ranges:
        vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        viewport.repaint()
    elapsed = time.perf_counter() - t
    fps = len(ranges) / elapsed
    print(f"  {label:<38} {len(ranges):4d} frames {elapsed * 1000 / len(ranges):6.1f} ms/frame "
          f"{fps:6.1f} fps")
    return fps


def pan_zoom_paths(bounds, frames: int):  # noqa: ANN001
    """Three paths: pan at whole-city zoom, zoom in and out, pan at street level."""
    x0, y0, x1, y1 = bounds
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    whole = []
    for k in range(frames):
        dx = 0.15 * w * math.sin(2 * math.pi * k / frames)
        whole.append((x0 + dx, x1 + dx, y0, y1))
    zoom = []
    for k in range(frames):
        f = 0.05 + 0.95 * (0.5 + 0.5 * math.cos(2 * math.pi * k / frames))
        zoom.append((cx - f * w / 2, cx + f * w / 2, cy - f * h / 2, cy + f * h / 2))
    street = []
    for k in range(frames):
        sx = x0 + 0.2 * w + 0.6 * w * k / frames
        sy = y0 + 0.3 * h + 0.4 * h * k / frames
        street.append((sx, sx + 1500, sy, sy + 1000))
    return {"pan, whole city": whole, "zoom in and out": zoom, "pan, street level (1.5 km)":
            street}


def latency(app: QApplication, view: MapView, centre, rate: int, seconds: float,  # noqa: ANN001
            pan: bool = False) -> tuple[list[float], int, int]:
    """Lateness (ms) of a 10 ms GUI timer while a thread publishes `rate` reports/s.

    With `pan`, the view also pans 30 times a second, as an operator dragging the map.
    """
    bus = centre.service.bus
    state = centre.live.state
    units = list(state.units.values())
    x0, y0, x1, y1 = centre.city.bounds
    template = Event(0, centre.service.clock.now(), "bench", "unit_position_reported", {})
    stop = threading.Event()
    published = [0]
    seq = [state.last_seq]

    def feed() -> None:
        rng = random.Random(2)
        batch = max(1, rate // 100)  # every 10 ms
        start = time.perf_counter()
        n = 0
        while not stop.is_set():
            for _ in range(batch):
                u = units[n % len(units)]
                seq[0] += 1
                n += 1
                nx_ = min(x1, max(x0, u.x + rng.uniform(-30, 30)))
                ny_ = min(y1, max(y0, u.y + rng.uniform(-30, 30)))
                bus.publish(replace(template, seq=seq[0], unit_id=u.id,
                                    payload={"unit_id": u.id, "x": nx_, "y": ny_}))
            published[0] = n
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)

    lateness: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    expected = [0.0]
    timer = QTimer()
    timer.setInterval(10)

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        if expected[0]:
            lateness.append(max(0.0, now - expected[0]))
        expected[0] = now + 10.0

    timer.timeout.connect(tick)
    panner = QTimer()
    panner.setInterval(33)
    step = [0]

    def pan_step() -> None:
        step[0] += 1
        f = 0.5 + 0.4 * math.sin(step[0] / 30.0)
        cx, cy = x0 + f * (x1 - x0), y0 + (1 - f) * (y1 - y0)
        view.view_box().setRange(xRange=(cx - 1500, cx + 1500), yRange=(cy - 1000, cy + 1000),
                                 padding=0)

    panner.timeout.connect(pan_step)
    if pan:
        panner.start()
    redraws = view.redraw_count
    worker = threading.Thread(target=feed, daemon=True)
    timer.start()
    worker.start()
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    stop.set()
    worker.join()
    timer.stop()
    panner.stop()
    return lateness, published[0], view.redraw_count - redraws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="full", choices=("full", "small"))
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=1000, help="position reports a second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--size", default="1280x800")
    args = parser.parse_args()

    app = QApplication.instance() or QApplication(sys.argv)
    lod = city_layers_module.LOCAL_ROADS_MIN_PX_PER_M
    t = time.perf_counter()
    centre = demo_centre(args.scale)
    add_units(centre, args.units)
    bridge = EventBridge(centre.service.bus)
    selection = Selection()
    build = time.perf_counter()
    view = MapView(centre, bridge, selection)
    built = time.perf_counter() - build
    # The dashboard shares the window and the events, as in the console.
    dashboard = Dashboard(centre, bridge, selection)
    window = QSplitter()
    window.addWidget(view)
    window.addWidget(dashboard)
    w, h = (int(v) for v in args.size.split("x"))
    window.resize(w + 600, h)
    window.setSizes([w, 600])
    window.show()
    app.processEvents()
    city = centre.city
    print(f"platform {app.platformName()}, city {city.name} ({args.scale}): "
          f"{city.roads.number_of_nodes()} intersections, "
          f"{view.drawn_counts()['roads']} road segments, {len(city.cells)} cells, "
          f"{len(centre.live.state.units)} units; map {view._plot.width()}x"
          f"{view._plot.height()} px beside the dashboard")
    print(f"centre opened in {build - t:.2f} s, MapView built in {built * 1000:.0f} ms")

    t = time.perf_counter()
    for _ in range(20):
        view._units_dirty = view._incidents_dirty = True
        view._redraw_live()
    print(f"live layers (all units and incidents) rebuilt in "
          f"{(time.perf_counter() - t) * 1000 / 20:.1f} ms")
    print("Frame rate (setRange step + synchronous repaint):")
    paths = pan_zoom_paths(city.bounds, args.frames)
    results = [frame_rate(app, view, label, path) for label, path in paths.items()]
    # The worst case: level of detail off, every local street drawn at whole-city zoom.
    city_layers_module.LOCAL_ROADS_MIN_PX_PER_M = 0.0
    results.append(frame_rate(app, view, "pan, whole city, all streets (no LOD)",
                              paths["pan, whole city"]))
    city_layers_module.LOCAL_ROADS_MIN_PX_PER_M = lod
    print(f"  worst path: {min(results):.1f} fps (target >= 30)")

    for pan in (False, True):
        print(f"Event-loop latency, {args.rate} position reports/s for {args.seconds:g} s, "
              + ("panning 30 times a second:" if pan else "whole city in view:"))
        view.fit_city()
        lateness, published, redraws = latency(app, view, centre, args.rate, args.seconds,
                                               pan)
        lateness.sort()
        p = {q: lateness[min(len(lateness) - 1, int(q * len(lateness)))] for q in (0.5, 0.99)}
        print(f"  published {published} reports ({published / args.seconds:.0f}/s), "
              f"map redraws {redraws} ({redraws / args.seconds:.1f}/s)")
        print(f"  timer lateness: median {p[0.5]:.1f} ms, p99 {p[0.99]:.1f} ms, "
              f"max {lateness[-1]:.1f} ms, mean {statistics.fmean(lateness):.1f} ms "
              f"over {len(lateness)} ticks (target p99 < 50 ms)")
    window.close()
    bridge.close()
    centre.close()


if __name__ == "__main__":
    main()
