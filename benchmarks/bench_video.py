"""Video wall speed: CPU, memory, shown frame rate and GUI stalls for 1/4/9/16 tiles.

    PYTHONPATH=. QT_QPA_PLATFORM=offscreen python benchmarks/bench_video.py \
        [--tiles 1,4,9,16] [--seconds 8] [--kinds http,rtsp] [--modes after]

Streams: 640x360, 25 fps H.264 clips (20 s, so the loop point is rare) served on
127.0.0.1 by a separate process (`--serve`: Beacon's HTTP server and GStreamer's RTSP
server), so the server's own work is not counted. For each kind and tile count a real
`VideoWall` plays N tiles (HTTP through libvlc, RTSP through PyAV) and, once every tile
is live, for `--seconds`:

- CPU: the whole benchmark process (all threads: decoders, GUI), % of one core, and the
  GUI thread's share of it (where painting and the hand-over of frames happen);
- RSS at the end;
- shown fps: frames painted per tile per second (mean and the slowest tile);
- GUI stall: how late a 10 ms precise QTimer runs (p99 and max).

Modes (`MODES`), one after the other on the same streams in the same run: `after` is the
wall as it is (decoders hand over 4:2:0 pictures, one decoder thread per stream; new
frames handed to the tiles together at most every 33 ms; the GUI thread converts each
new picture once, straight into the window's backing store); `paintevent` repaints each
new picture through its tile's paint event instead; `threads` lets each decoder use its
library's default thread count; `c16` hands frames over every 16 ms. To compare with an
earlier state of the code, run this script from a checkout of each in turn
(`benchmarks/compare_revisions.sh`).

Beside it, in the same run, the bare decoder on the same N streams: `cvlc` with no
display (`--vout dummy`, HTTP) and `ffmpeg -f null` (RTSP, which Debian's VLC cannot
open), CPU summed over the N processes; once as they come (their default decoder
threads) and once on one decoder thread per stream, as the wall decodes. The load
average is printed on every line: on a shared machine the figures mean little without it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CLIP_SECONDS = 20
WALL_SIZE = (1920, 1080)  # a full-HD wall monitor: 9 tiles are about 640x360 each
TICKS = os.sysconf("SC_CLK_TCK")


def load() -> str:
    """The 1-minute load average and the core count."""
    return f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def rss_mb() -> float:
    """This process's resident memory in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def proc_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def self_cpu_s() -> float:
    """CPU seconds of this process so far (all threads)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# -- the stream servers, in their own process ---------------------------------------------

def serve(count: int, cache: Path) -> None:
    """Serve `count` clips over HTTP and RTSP; print their URLs as JSON; run until stdin closes."""
    from core.video.clips import ClipSpec, ensure_clip
    from core.video.http_server import HttpStreamServer
    from core.video.rtsp_server import RtspStreamServer

    clips = {f"b{i}": ensure_clip(ClipSpec(f"Bench {i}", seconds=CLIP_SECONDS), cache)
             for i in range(count)}
    http = HttpStreamServer(clips).start()
    rtsp = RtspStreamServer(clips).start()
    print(json.dumps({"http": [http.url(n) for n in clips], "rtsp": [rtsp.url(n) for n in clips]}),
          flush=True)
    try:
        sys.stdin.read()
    finally:
        rtsp.stop()
        http.stop()


# -- one measurement -----------------------------------------------------------------------

# The wall's switches, by mode. "after" is the wall as it is; the others switch one part
# of it back, to measure what it brings in the same run.
_AFTER = {("direct_paint", "DIRECT_PAINT"): True, ("decoders", "COALESCE_MS"): 33,
          ("decoders", "DECODER_THREADS"): 1}
MODES = {
    "after": _AFTER,
    # each new picture repainted through its tile's paint event (converted there into
    # an image of the tile's, then copied into the window), not written straight in
    "paintevent": {**_AFTER, ("direct_paint", "DIRECT_PAINT"): False},
    # each decoder on its library's default number of threads (libvlc: 3 here)
    "threads": {**_AFTER, ("decoders", "DECODER_THREADS"): 0},
    # frames handed to the tiles every 16 ms instead of 33
    "c16": {**_AFTER, ("decoders", "COALESCE_MS"): 16},
}


def measure_wall(app, urls: list[str], seconds: float, force: str = "",  # noqa: ANN001
                 mode: str = "after") -> dict:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

    import console.video_wall
    from console.video import decoders, direct_paint

    for (module, name), value in MODES[mode].items():
        setattr({"decoders": decoders, "direct_paint": direct_paint}[module], name, value)
    decoders._vlc_instance = None  # a new libvlc instance takes the mode's thread count
    from console.bridge import Selection
    from console.video.catalogue import WallCamera
    from console.video_wall import LAYOUTS, VideoWall
    from core.video.sources import StreamChoice, choose_decoder

    # "http-pyav": the same HTTP streams forced through PyAV, to compare the decoders.
    console.video_wall.choose_decoder = (
        (lambda url: StreamChoice(url, force)) if force else choose_decoder)

    n = len(urls)
    layout = next(size for size in LAYOUTS if size >= n)
    cams = [WallCamera(f"c{i}", f"Camera {i}", 0.0, 0.0, url) for i, url in enumerate(urls)]
    centre = SimpleNamespace(live=SimpleNamespace(state=SimpleNamespace(incidents={})))
    wall = VideoWall(centre, None, Selection(), None, cameras=cams, layout=layout)
    wall.resize(*WALL_SIZE)
    wall.show()
    tiles = wall.tiles[:n]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(t.frames_shown > 10 for t in tiles):
        app.processEvents()
        time.sleep(0.01)
    live = sum(1 for t in tiles if t.frames_shown > 10)

    lateness: list[float] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    last = [0]

    def tick() -> None:
        now = clock.elapsed()
        lateness.append(max(0, now - last[0] - 10))
        last[0] = now

    timer.timeout.connect(tick)
    painted = [t.frames_painted for t in tiles]
    cpu0, gui0, t0 = self_cpu_s(), time.thread_time(), time.monotonic()
    clock.start()
    timer.start()
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()  # Qt's own event loop, as in the console
    timer.stop()
    elapsed = time.monotonic() - t0
    cpu = (self_cpu_s() - cpu0) / elapsed * 100
    gui = (time.thread_time() - gui0) / elapsed * 100  # this (the GUI) thread alone
    fps = [(t.frames_painted - p) / elapsed for t, p in zip(tiles, painted, strict=True)]
    mem = rss_mb()
    wall.shutdown()
    wall.close()
    wall.deleteLater()
    end = time.monotonic() + 3
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    lateness.sort()
    p99 = lateness[int(len(lateness) * 0.99) - 1] if lateness else 0.0
    return {"live": live, "cpu": cpu, "gui": gui, "rss": mem, "load": load(),
            "fps_mean": statistics.mean(fps), "fps_min": min(fps), "stall_p99": p99,
            "stall_max": max(lateness, default=0)}


def measure_bare(kind: str, urls: list[str], seconds: float, one_thread: bool = False) -> float:
    """% of one core that the bare decoder takes on the same streams (summed); with
    `one_thread`, each decoding on one thread, as the wall's decoders do."""
    procs = []
    for url in urls:
        if kind == "http":
            threads = ["--avcodec-threads=1"] if one_thread else []
            cmd = ["cvlc", "--intf", "dummy", "--vout", "dummy", "--no-audio",
                   "--avcodec-hw=none", "--quiet", *threads, url]
            if os.geteuid() == 0:  # cvlc refuses root
                home = tempfile.mkdtemp(prefix="bench-vlc-")
                os.chmod(home, 0o777)
                cmd = ["runuser", "-u", "nobody", "--", "env", f"HOME={home}", *cmd]
        else:
            threads = ["-threads", "1"] if one_thread else []
            cmd = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-rtsp_transport", "tcp",
                   *threads, "-i", url, "-f", "null", "-"]
        procs.append(subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    time.sleep(4)  # connect and settle, as the wall was given time to go live

    def cpu_of_tree() -> float:
        total = 0.0
        for p in procs:
            pids = [p.pid]
            children = Path(f"/proc/{p.pid}/task/{p.pid}/children")
            if children.exists():  # runuser -> env -> vlc
                pending = [p.pid]
                while pending:
                    pid = pending.pop()
                    path = Path(f"/proc/{pid}/task/{pid}/children")
                    kids = [int(k) for k in path.read_text().split()] if path.exists() else []
                    pids += kids
                    pending += kids
            for pid in set(pids):
                try:
                    total += proc_cpu_s(pid)
                except (FileNotFoundError, ProcessLookupError):
                    pass
        return total

    c0, t0 = cpu_of_tree(), time.monotonic()
    time.sleep(seconds)
    cpu = (cpu_of_tree() - c0) / (time.monotonic() - t0) * 100
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
    return cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiles", default="1,4,9,16")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--kinds", default="http,rtsp",
                        help="http (libvlc), rtsp (PyAV), http-pyav (HTTP forced through PyAV)")
    parser.add_argument("--modes", default="after",
                        help="comma-separated, from: " + ", ".join(MODES)
                             + " (see the description above)")
    parser.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--cache", default="", help="clip cache folder")
    args = parser.parse_args()
    cache = Path(args.cache or os.path.join(tempfile.gettempdir(), "beacon-bench-clips"))
    if args.serve:
        serve(args.serve, cache)
        return 0
    counts = [int(x) for x in args.tiles.split(",")]
    kinds = args.kinds.split(",")
    modes = args.modes.split(",")
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(max(counts)),
                               "--cache", str(cache)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    urls = json.loads(server.stdout.readline())

    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    print(f"# bench_video: 640x360 25 fps H.264, {args.seconds:.0f} s per line, {load()}")
    print(f"{'kind':9} {'mode':8} {'tiles':>5} {'live':>4} {'CPU %':>6} {'GUI %':>6} "
          f"{'RSS MB':>7} {'fps':>5} "
          f"{'min fps':>7} {'stall p99 ms':>12} {'max ms':>6} {'bare CPU %':>10} {'ratio':>5} "
          f"{'bare 1-thread %':>15} {'ratio':>5}")
    try:
        for kind in kinds:
            if kind == "http" and shutil.which("cvlc") is None:
                print("# no cvlc: the bare HTTP decoder is not measured")
            for n in counts:
                source, _, force = kind.partition("-")
                # The bare decoder between the modes, so a change of load hits all alike.
                results = {}
                for i, mode in enumerate(modes):
                    if i == 1:
                        bare = measure_bare(source, urls[source][:n], args.seconds)
                    results[mode] = measure_wall(app, urls[source][:n], args.seconds, force,
                                                 mode)
                if len(modes) == 1:
                    bare = measure_bare(source, urls[source][:n], args.seconds)
                bare1 = measure_bare(source, urls[source][:n], args.seconds, one_thread=True)
                for mode, r in results.items():
                    print(f"{kind:9} {mode:8} {n:5d} {r['live']:4d} {r['cpu']:6.0f} "
                          f"{r['gui']:6.0f} "
                          f"{r['rss']:7.0f} {r['fps_mean']:5.1f} {r['fps_min']:7.1f} "
                          f"{r['stall_p99']:12.0f} {r['stall_max']:6.0f} {bare:10.0f} "
                          f"{r['cpu'] / max(bare, 0.1):5.2f} {bare1:15.0f} "
                          f"{r['cpu'] / max(bare1, 0.1):5.2f}   ({r['load']})", flush=True)
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
