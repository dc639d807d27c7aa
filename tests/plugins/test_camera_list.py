"""The camera list plugin, run by the real host: cameras from a CSV file and from a real
local HTTP endpoint kept in sync with the registry. Added, renamed, moved, disabled when
the source drops them, re-enabled when it lists them again; a credential goes to the
secrets store and never into the log; bad rows and a broken list are refused with the
reason and change nothing; an operator's own camera is never touched."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time
from pathlib import Path

import pytest

from core.auth import Actor
from core.cameras.query import get_camera, list_cameras
from core.cameras.registry import add_camera
from core.cameras.secrets import SecretStore, default_secrets_path
from core.centre import load_city, open_centre
from core.domain.kinds import Role
from core.plugins.api import PluginState
from core.plugins.host import Host
from core.plugins.slot import PluginSpec
from core.profile import DatabaseKind
from core.store import event_log
from core.store.city_row import city_outline

SPEC = "plugins.camera_list:CameraList"


def _step_until(host: Host, condition, timeout: float = 20.0) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "not within the time allowed"
        host.step()


def _events(db, type_: str) -> list:  # noqa: ANN001
    with db.session() as session:
        return event_log.query(session, event_log.EventQuery(type=type_,
                                                             actor="plugin:camera_list"))


@pytest.fixture
def centre(tmp_path: Path):  # noqa: ANN201
    centre = open_centre(f"sqlite:///{tmp_path / 'b.db'}", city_scale="small",
                         new_kind=DatabaseKind.DEMO)
    yield centre
    centre.close()


def _middle(centre) -> tuple[float, float]:  # noqa: ANN001
    x0, y0, x1, y1 = city_outline(centre.service.db).bounds
    return round((x0 + x1) / 2), round((y0 + y1) / 2)


def test_a_camera_file_is_kept_in_sync(centre, tmp_path: Path) -> None:  # noqa: ANN001
    db = centre.service.db
    x, y = _middle(centre)
    listing = tmp_path / "cameras.csv"
    secret_url = "rtsp://viewer:s3cret-pw@10.0.0.7/stream1"
    listing.write_text("id,name,url,x,y,agency\n"
                       f"PL-1,Bridge north,{secret_url},{x},{y},city\n"
                       f"PL-2,Market square,http://10.0.0.8/live.ts,{x + 50},{y},police\n")
    host = Host(db, [PluginSpec("camera_list", SPEC, {"file": str(listing),
                                                      "interval_s": 1})], backoff_s=0.5)
    host.start()
    slot = host.slots["camera_list"]
    try:
        _step_until(host, lambda: len(_events(db, "camera_added")) == 2)
        first = get_camera(db, "PL-1")
        assert (first.name, first.x, first.y, first.agency) == ("Bridge north", x, y, "city")
        assert "s3cret-pw" not in first.url and "***" in first.url
        secrets = SecretStore(default_secrets_path(db))
        assert secrets.get("PL-1") == secret_url and secrets.get("PL-2") is None
        # The source renames one, moves it, drops the other, and adds a bad row.
        listing.write_text("id,name,url,x,y,agency\n"
                           f"PL-1,Bridge north (east side),{secret_url},{x + 10},{y},city\n"
                           f"PL-3,Nowhere,http://10.0.0.9/x.ts,99999999,{y},city\n")
        _step_until(host, lambda: _events(db, "camera_disabled") != [])
        _step_until(host, lambda: _events(db, "camera_moved") != [])
        assert get_camera(db, "PL-1").name == "Bridge north (east side)"
        assert get_camera(db, "PL-1").x == x + 10
        assert not get_camera(db, "PL-2").enabled
        assert "PL-3" not in {c.camera_id for c in list_cameras(db)}
        assert any("camera PL-3" in r for r in slot.counters.recent_rejections)
        # A half-written list changes nothing: PL-1 is not disabled.
        rejected = slot.counters.rejected
        listing.write_text("name,url\nBridge")
        _step_until(host, lambda: slot.counters.rejected > rejected)
        assert "needs a header line with an 'id' column" in slot.counters.last_error
        assert get_camera(db, "PL-1").enabled
        # Listed again: back in use.
        listing.write_text("id,name,url,x,y,agency\n"
                           f"PL-1,Bridge north (east side),{secret_url},{x + 10},{y},city\n"
                           f"PL-2,Market square,http://10.0.0.8/live.ts,{x + 50},{y},police\n")
        _step_until(host, lambda: get_camera(db, "PL-2").enabled)
    finally:
        host.shutdown()
    with db.session() as session:
        logged = json.dumps([e.payload for e in event_log.iter_all(session)])
    assert "s3cret-pw" not in logged
    assert [e.payload["camera_id"] for e in _events(db, "camera_enabled")] == ["PL-2"]


def test_a_camera_endpoint_over_http(centre, tmp_path: Path) -> None:  # noqa: ANN001
    db = centre.service.db
    x, y = _middle(centre)
    # An operator's camera the source also lists: the plugin may not change it.
    add_camera(centre.service, load_city(db), Actor("sue", Role.SUPERVISOR),
               {"id": "OP-1", "name": "Operator's own", "url": "http://10.0.0.1/a.ts",
                "x": x, "y": y})
    site = tmp_path / "site"
    site.mkdir()
    cameras = [{"id": "HT-1", "name": "Ring road", "url": "http://10.1.0.1/a.ts",
                "x": x, "y": y + 20, "heading": 90, "fov": 60},
               {"id": "OP-1", "name": "Renamed by the feed", "url": "http://10.0.0.1/a.ts",
                "x": x, "y": y}]
    (site / "cameras.json").write_text(json.dumps({"cameras": cameras}))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/cameras.json"
    host = Host(db, [PluginSpec("camera_list", SPEC, {"url": url, "format": "json",
                                                      "interval_s": 1})], backoff_s=0.5)
    host.start()
    slot = host.slots["camera_list"]
    try:
        _step_until(host, lambda: len(_events(db, "camera_added")) == 1
                    and slot.counters.rejected >= 1)
        ring = get_camera(db, "HT-1")
        assert (ring.heading_deg, ring.fov_deg, ring.y) == (90.0, 60.0, y + 20)
        assert "was not added by plugin camera_list" in slot.counters.last_error
        assert get_camera(db, "OP-1").name == "Operator's own"
        # The endpoint stops listing HT-1: disabled.
        (site / "cameras.json").write_text(json.dumps([]))
        _step_until(host, lambda: not get_camera(db, "HT-1").enabled)
        # The endpoint goes away: the plugin waits and retries, changing nothing.
        (site / "cameras.json").unlink()
        _step_until(host, lambda: slot.state is PluginState.RETRYING)
        assert "404" in slot.message and "cameras.json" in slot.message
    finally:
        host.shutdown()
        server.shutdown()
    assert get_camera(db, "OP-1").enabled


class _Clock:
    def __init__(self) -> None:
        from datetime import UTC, datetime

        self.at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def now(self):  # noqa: ANN201
        return self.at


class _Host:
    """What the plugin sees of its host: refuses cameras named BAD-*, accepts the rest."""

    def __init__(self) -> None:
        self.config = {"file": "cameras.csv"}
        self.clock = _Clock()
        self.store: dict = {}
        self.sent: list[tuple[str, str]] = []
        self.rejected: list[str] = []

    async def submit(self, command: str, **fields: object):  # noqa: ANN201
        from core.plugins.api import Reply

        self.sent.append((command, str(fields["id"])))
        return Reply(not str(fields["id"]).startswith("BAD"), "refused")

    def reject(self, reason: str) -> None:
        self.rejected.append(reason)

    async def save(self) -> None:
        pass


def test_only_changes_are_sent_and_a_refused_row_is_not_resent_every_read() -> None:
    import asyncio
    from datetime import timedelta

    from plugins.camera_list.plugin import CameraList, parse_cameras

    rows = parse_cameras(b"id,name,url,x,y\nA,One,http://h/a,1,2\nBAD-1,Two,http://h/b,x,2\n"
                         b"A,Again,http://h/a,1,2\n,No id,http://h/c,1,2\n", "csv")
    assert rows[0] == {"id": "A", "name": "One", "url": "http://h/a", "x": 1.0, "y": 2.0}
    assert rows[1]["x"] == "x"  # left for the host to refuse with the camera's id
    plugin, host = CameraList(), _Host()
    asyncio.run(plugin.apply(host, rows))  # type: ignore[arg-type]
    assert host.sent == [("sync_camera", "A"), ("sync_camera", "BAD-1")]
    assert host.rejected == ["cameras.csv: camera A is listed twice",
                             "cameras.csv: a camera without an id"]
    assert "http://h/a" not in str(host.store)  # digests only: no URL, no password
    asyncio.run(plugin.apply(host, rows[:2]))  # type: ignore[arg-type]
    assert len(host.sent) == 2  # nothing changed, the refused row is not sent again
    host.clock.at += timedelta(hours=2)  # what it lacked may have come: tried again
    asyncio.run(plugin.apply(host, rows[:2]))  # type: ignore[arg-type]
    assert host.sent[2:] == [("sync_camera", "BAD-1")]
    asyncio.run(plugin.apply(host, rows[:1]))  # type: ignore[arg-type]
    assert len(host.sent) == 3 and host.store["refused"] == {}  # BAD-1 left the list
    asyncio.run(plugin.apply(host, []))  # type: ignore[arg-type]
    assert host.sent[-1] == ("disable_camera", "A") and host.store["cameras"] == {}


def test_lists_that_cannot_be_read_are_refused_whole() -> None:
    from plugins.camera_list.plugin import SourceError, parse_cameras

    for body, fmt, reason in ((b"name,url\nx,y\n", "csv", "'id' column"),
                              (b"\xff\xfe", "csv", "not UTF-8"),
                              (b"[[camera]\n", "toml", "not valid TOML"),
                              (b'{"cameras": 3}', "json", "a list of cameras"),
                              (b"{", "json", "not valid JSON")):
        with pytest.raises(SourceError, match=reason):
            parse_cameras(body, fmt)
    assert parse_cameras(b'[[camera]]\nid = "T"\nname = "t"\n', "toml") == [
        {"id": "T", "name": "t"}]
