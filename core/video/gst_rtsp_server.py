"""A small RTSP server on GStreamer's gst-rtsp-server, run by the SYSTEM python3.

Beacon's virtual environment cannot import `gi` (Debian ships it for /usr/bin/python3
only), so `core.video.rtsp.RtspServer` runs this file as a subprocess:

    /usr/bin/python3 gst_rtsp_server.py --port 8554 --ffmpeg /usr/bin/ffmpeg \
        --mount cam1=5001=/path/clip1.ts --mount cam2=5002=/path/clip2.ts

Each mount `rtsp://127.0.0.1:PORT/NAME` re-packs, without re-encoding, the MPEG-TS that
arrives on 127.0.0.1:UDP_PORT as RTP/H.264. This process feeds each port itself with
`ffmpeg -re -stream_loop -1 -i CLIP -c copy`, only while someone watches that mount (its
own children: they end with it, and it ends when its parent closes its stdin or dies).
Clients may ask for RTP over TCP (interleaved) or over UDP. The server prints one line
per client that connects or leaves (`client-connected N` / `client-closed N`, N = the
clients now open) and `ready PORT` once it listens, so the parent (and tests) can see
connections open and close.

Deliberately nothing from Beacon is imported here: this runs outside the venv.
"""

from __future__ import annotations

import argparse
import ctypes
import signal
import subprocess
import sys


def _gi() -> tuple:
    """GLib, Gst, GstRtsp, GstRtspServer: imported when the server runs, so that
    importing every module of `core` (as Beacon's tests do) needs no `gi`."""
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtsp", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtsp, GstRtspServer

    return GLib, Gst, GstRtsp, GstRtspServer

PIPELINE = ("( udpsrc address=127.0.0.1 port={udp} caps=video/mpegts,systemstream=true "
            "buffer-size=2097152 ! tsdemux ignore-pcr=true ! h264parse config-interval=-1 "
            "! rtph264pay name=pay0 pt=96 config-interval=1 )")


def _die_with_parent() -> None:
    # This is the main thread and lives as long as the server: safe for PDEATHSIG.
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)


def _feed(ffmpeg: str, clip: str, udp: int) -> subprocess.Popen:
    cmd = [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
           "-stream_loop", "-1", "-i", clip, "-c", "copy", "-f", "mpegts",
           f"udp://127.0.0.1:{udp}?pkt_size=1316"]
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            preexec_fn=_die_with_parent)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ffmpeg", default="ffmpeg")
    parser.add_argument("--mount", action="append", default=[], help="NAME=UDP_PORT=CLIP")
    args = parser.parse_args()
    GLib, Gst, GstRtsp, GstRtspServer = _gi()  # noqa: N806 - the modules' own names
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    # A mount's feeder runs only while its media does (someone watches): a demo with many
    # cameras costs nothing for those nobody looks at.
    feeders: dict[str, subprocess.Popen] = {}

    def stop_feeder(name: str) -> None:
        proc = feeders.pop(name, None)
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(3)
            except subprocess.TimeoutExpired:
                proc.kill()

    def on_configure(_factory: object, media: GstRtspServer.RTSPMedia, name: str,
                     clip: str, udp: int) -> None:
        if name not in feeders or feeders[name].poll() is not None:
            feeders[name] = _feed(args.ffmpeg, clip, udp)
        media.connect("unprepared", lambda _media: stop_feeder(name))

    for item in args.mount:
        name, udp, clip = item.split("=", 2)
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(PIPELINE.format(udp=int(udp)))
        # One pipeline per camera, shared by every viewer; it stops when the last leaves.
        factory.set_shared(True)
        factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP)
        factory.connect("media-configure", on_configure, name, clip, int(udp))
        mounts.add_factory(f"/{name}", factory)

    clients = {"open": 0}

    def on_closed(_client: object) -> None:
        clients["open"] -= 1
        print(f"client-closed {clients['open']}", flush=True)

    def on_client(_server: object, client: GstRtspServer.RTSPClient) -> None:
        clients["open"] += 1
        print(f"client-connected {clients['open']}", flush=True)
        client.connect("closed", on_closed)

    server.connect("client-connected", on_client)
    if server.attach(None) == 0:
        print(f"error could not listen on 127.0.0.1:{args.port}", flush=True)
        return 1
    loop = GLib.MainLoop()
    # Clean stop on SIGTERM/SIGINT (the parent terminates us when the console closes).
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    # The parent holds our stdin: when it goes away (even killed), so do we.
    def on_stdin(_fd: int, _cond: object) -> bool:
        if not sys.stdin.buffer.read1(4096):
            loop.quit()
            return False
        return True

    GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_IN | GLib.IO_HUP, on_stdin)
    print(f"ready {args.port}", flush=True)
    try:
        loop.run()
    finally:
        for name in list(feeders):
            stop_feeder(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
