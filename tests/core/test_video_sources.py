"""The headless half of the video wall: which decoder plays what, addresses checked and
masked, tile state rules, nearest cameras, and the local HTTP stream server."""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.video import tile_state as ts
from core.video.demo_streams import demo_camera_id
from core.video.http_server import HttpStreamServer
from core.video.nearest import nearest
from core.video.probe import explain
from core.video.sources import BadStreamUrl, choose_decoder, mask_url, scrub


@pytest.mark.parametrize(("url", "decoder", "transport"), [
    ("rtsp://10.0.0.5:554/Streaming/Channels/101", "pyav", "tcp"),
    ("rtsp://10.0.0.5/live?transport=udp", "pyav", "udp"),
    ("http://127.0.0.1:8080/cam.ts", "libvlc", ""),
    ("https://cams.example.org/a.m3u8", "libvlc", ""),
    ("udp://@239.0.0.1:1234", "libvlc", ""),
    ("/srv/clips/a.ts", "libvlc", ""),
])
def test_each_kind_of_address_gets_its_decoder(url: str, decoder: str, transport: str) -> None:
    choice = choose_decoder(url)
    assert (choice.decoder, choice.transport) == (decoder, transport)
    assert "transport=" not in choice.url  # Beacon's own option is not sent to the camera


@pytest.mark.parametrize(("url", "message"), [
    ("", "no stream address"),
    ("rtsp://cam:99999/x", "malformed address"),
    ("rtsp://[::1/x", "malformed address"),
    ("ftp://cam/x", "unsupported kind of address"),
    ("rtsp:///nohost", "has no host"),
    ("http://cam/a b.ts", "contains a space"),
    ("demo://", "needs a camera id"),
])
def test_bad_addresses_are_refused_with_a_reason(url: str, message: str) -> None:
    with pytest.raises(BadStreamUrl, match=message):
        choose_decoder(url)


def test_credentials_are_masked_everywhere() -> None:
    url = "rtsp://admin:Pa55word!@10.0.0.5:554/live?token=abc"
    assert mask_url(url) == "rtsp://***@10.0.0.5:554/live?***"
    said = f"[Errno 111] Connection refused: '{url}' (admin:Pa55word!@10.0.0.5)"
    cleaned = scrub(said, url)
    assert "Pa55word" not in cleaned and "admin:" not in cleaned
    assert "Connection refused" in cleaned
    # A one-letter user name does not mangle the message.
    assert scrub("connection refused", "rtsp://u:longpassword@h/x") == "connection refused"


def test_demo_addresses() -> None:
    assert demo_camera_id("demo://CAM-007") == "CAM-007"
    assert demo_camera_id("rtsp://x/y") == ""


def test_tile_rules_stall_drop_and_backoff() -> None:
    assert ts.watch(ts.CONNECTING, None, 1.0) == ""
    assert ts.watch(ts.CONNECTING, None, ts.CONNECT_TIMEOUT_S + 1) == ts.OFFLINE
    assert ts.watch(ts.CONNECTING, 0.1, 1.0) == ts.LIVE
    assert ts.watch(ts.LIVE, ts.STALL_AFTER_S + 0.1, 9.0) == ts.STALLED
    assert ts.watch(ts.STALLED, ts.DROP_AFTER_S + 0.1, 9.0) == ts.OFFLINE
    retry = ts.Retry()
    delays = [retry.next_delay() for _ in range(5)]
    assert delays == [1.0, 2.0, 4.0, 4.0, 4.0]
    assert ts.DROP_AFTER_S + 1 < 5  # "offline within 5 s" of a server stopping
    assert max(delays) + 2 < 10     # "live again within 10 s" of it coming back
    retry.reset()
    assert retry.next_delay() == 1.0
    assert ts.format_distance(318) == "320 m" and ts.format_distance(1234) == "1.2 km"
    assert ts.format_age(None) == "-" and ts.format_age(0.42) == "0.4 s"


@dataclass
class _Cam:
    camera_id: str
    x: float
    y: float


def test_nearest_cameras_within_the_radius_nearest_first() -> None:
    cams = [_Cam("a", 300, 0), _Cam("b", 0, 100), _Cam("c", 2000, 0), _Cam("d", -100, 0)]
    found = nearest(cams, 0, 0, radius_m=1500)
    assert [(c.camera_id, round(d)) for c, d in found] == [("b", 100), ("d", 100), ("a", 300)]
    assert [c.camera_id for c, _ in nearest(cams, 0, 0, limit=1, exclude={"b"})] == ["d"]


def test_http_server_streams_counts_viewers_and_404s(tmp_path: Path) -> None:
    from core.video.clips import ClipSpec, ensure_clip

    try:
        clip = ensure_clip(ClipSpec("core test", seconds=2), tmp_path)
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no ffmpeg: {exc}")
    server = HttpStreamServer({"one": clip}).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.request("GET", "/one.ts")
        response = conn.getresponse()
        assert response.status == 200 and response.getheader("Content-Type") == "video/mp2t"
        data = response.read(188 * 20)
        assert data[0] == 0x47  # an MPEG-TS sync byte
        assert server.open_connections == 1
        response.close()
        conn.close()
        deadline = time.monotonic() + 5
        while server.open_connections and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.open_connections == 0  # the feeder is gone with the viewer
        assert explain(server.url("one")) == ""
        assert explain(server.url("missing")).startswith("the server answered 404")
    finally:
        server.stop()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert explain(f"http://127.0.0.1:{port}/x.ts") == f"connection refused by 127.0.0.1:{port}"
