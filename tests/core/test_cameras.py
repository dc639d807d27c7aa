"""The camera registry: URLs checked and masked, commands recorded as events, the
table written from the projection and checked by `audit verify`, the demo's cameras."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from core.audit.tables import compare_tables
from core.auth import Actor
from core.cameras.demo import demo_cameras, seed_demo_cameras
from core.cameras.query import list_cameras, stream_url
from core.cameras.registry import add_camera, disable_camera, enable_camera, move_camera
from core.cameras.secrets import SecretStore, default_secrets_path
from core.cameras.urls import check_masked, mask_text, split_credentials
from core.city.model import City
from core.commands import AddCamera, ImportCameras, MoveCamera
from core.domain.kinds import Role
from core.errors import NotFound, PermissionDenied, UserError, ValidationError
from core.service import CommandService, replay
from core.store.database import Database, open_database

SUPERVISOR = Actor("sam", Role.SUPERVISOR)
DISPATCHER = Actor("alice", Role.DISPATCHER)
PASSWORD = "Zq7-sekret-Pw"


@pytest.fixture
def city(small_city: City) -> City:
    """The session's small demo city (tests/conftest.py)."""
    return small_city


@pytest.fixture
def db(migrated_db_url: str) -> Iterator[Database]:
    database = open_database(migrated_db_url)
    yield database
    database.dispose()


@pytest.fixture
def secrets(tmp_path: Path) -> Path:
    return tmp_path / "secrets" / "camera-secrets.json"


def _raw(camera_id: str = "GATE-1", url: str = "rtsp://h.example/s1", **kw: object) -> dict:
    return {"camera_id": camera_id, "name": "North gate", "url": url, "x": 450, "y": 1200,
            **kw}


@pytest.mark.parametrize(("url", "masked", "secret"), [
    ("rtsp://admin:" + PASSWORD + "@10.0.0.7:554/stream1", "rtsp://***@10.0.0.7:554/stream1",
     True),
    ("rtsp://viewer@10.0.0.7/s", "rtsp://***@10.0.0.7/s", True),
    ("https://cams.example/live.m3u8?ch=2&token=" + PASSWORD,
     "https://cams.example/live.m3u8?ch=2&token=***", True),
    ("http://cams.example/x.ts?access_token=a1&API_KEY=b2&q=1",
     "http://cams.example/x.ts?access_token=***&API_KEY=***&q=1", True),
    ("http://cams.example/x.ts?signature=abc", "http://cams.example/x.ts?signature=***", True),
    ("udp://@239.0.0.1:1234", "udp://@239.0.0.1:1234", False),
    ("file:///srv/clips/gate.mp4", "file:///srv/clips/gate.mp4", False),
    ("demo://CAM-001", "demo://CAM-001", False),
    ("HTTP://Cams.Example:8080/live", "http://Cams.Example:8080/live", False),
])
def test_urls_are_masked(url: str, masked: str, secret: bool) -> None:
    split = split_credentials(url)
    assert (split.masked, split.has_secret) == (masked, secret)
    assert check_masked(split.masked) == split.masked  # what is recorded is accepted again


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://u:" + PASSWORD + "@h/x", "scheme 'ftp'"),
    ("rtsp:///stream", "no host"),
    ("cams.example/live", "no scheme"),
    ("rtsp://u:" + PASSWORD + "@h:99999/x", "cannot be read"),
    ("rtsp://h:0/x", "port 0"),
    ("rtsp://h/with space", "spaces or control"),
    ("file://host/clip.mp4", "absolute path"),
    ("", "needs a stream URL"),
    ("rtsp://h/" + "x" * 2100, "longer than"),
])
def test_bad_urls_are_refused_without_their_password(url: str, reason: str) -> None:
    with pytest.raises(ValidationError) as info:
        split_credentials(url)
    assert reason in str(info.value) and PASSWORD not in str(info.value)


def test_a_command_refuses_a_url_with_credentials(db: Database) -> None:
    svc = CommandService(db)
    with pytest.raises(ValidationError, match="still holds credentials") as info:
        svc.execute(AddCamera("C1", "x", 1.0, 2.0, None, f"rtsp://a:{PASSWORD}@h/s"),
                    SUPERVISOR)
    assert PASSWORD not in str(info.value) and list_cameras(db) == []


def test_mask_text_hides_secrets_in_any_text() -> None:
    assert mask_text(f"see rtsp://a:{PASSWORD}@h/ and x?key={PASSWORD}&b=1") == \
        "see rtsp://***@h/ and x?key=***&b=1"


def test_add_move_disable_enable_are_events_and_the_table_matches(
        db: Database, city: City, secrets: Path) -> None:
    svc = CommandService(db)
    cam = add_camera(svc, city, SUPERVISOR,
                     _raw(url=f"rtsp://admin:{PASSWORD}@10.0.0.7/s1", heading=90, fov=60,
                          agency="traffic"), secrets)
    assert cam.url == "rtsp://***@10.0.0.7/s1" and cam.cell == city.cell_at(450, 1200).code
    assert (cam.heading_deg, cam.fov_deg, cam.agency, cam.enabled) == (90.0, 60.0,
                                                                       "traffic", True)
    moved = move_camera(svc, city, SUPERVISOR, "GATE-1", x=1500.0, y=300.0)
    assert (moved.x, moved.y, moved.cell) == (1500.0, 300.0, city.cell_at(1500, 300).code)
    disable_camera(svc, SUPERVISOR, "GATE-1", "lens cracked")
    assert list_cameras(db, enabled_only=True) == [] and not list_cameras(db)[0].enabled
    enable_camera(svc, SUPERVISOR, "GATE-1")
    assert list_cameras(db, enabled_only=True)[0].camera_id == "GATE-1"
    events = svc.events_after(0)
    assert [e.type for e in events] == ["camera_added", "camera_moved", "camera_disabled",
                                        "camera_enabled"]
    assert all(e.actor == "sam" for e in events)
    assert events[2].payload["reason"] == "lens cracked"
    assert compare_tables(db) == []
    assert replay(db).cameras["GATE-1"]["x"] == 1500.0


def test_the_table_is_checked_against_the_log(db: Database, city: City,
                                              secrets: Path) -> None:
    add_camera(CommandService(db), city, SUPERVISOR, _raw(), secrets)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE cameras SET url = 'rtsp://evil.example/s' "
                          "WHERE camera_id = 'GATE-1'"))
        conn.execute(text("INSERT INTO cameras (camera_id, name, x, y, url, agency, enabled) "
                          "VALUES ('GHOST', 'g', 0, 0, 'demo://GHOST', 'city', true)"))
    messages = [d.message for d in compare_tables(db)]
    assert "camera GHOST: in the table, not in the log" in messages
    assert any(m.startswith("camera GATE-1: url is rtsp://evil.example/s in the table")
               for m in messages)


def test_positions_are_checked_against_the_city(db: Database, city: City,
                                                secrets: Path) -> None:
    svc = CommandService(db)
    with pytest.raises(ValidationError, match="outside"):
        add_camera(svc, city, SUPERVISOR, _raw(x=99_000), secrets)
    with pytest.raises(ValidationError, match="either as x and y"):
        add_camera(svc, city, SUPERVISOR, _raw(lat=30.65, lon=103.8), secrets)
    ref = city.reference
    assert ref is not None
    lat, lon = city.to_latlon(800.0, 900.0)
    cam = add_camera(svc, city, SUPERVISOR, {"camera_id": "LL", "name": "by lat/lon",
                                              "url": "demo://LL", "lat": lat, "lon": lon},
                     secrets)
    assert abs(cam.x - 800.0) < 0.01 and abs(cam.y - 900.0) < 0.01
    with pytest.raises(ValidationError, match="off|outside"):
        move_camera(svc, city, SUPERVISOR, "LL", lat=0.0, lon=0.0)
    assert list_cameras(db)[0].x == cam.x  # nothing moved


def test_refused_commands_change_nothing(db: Database, city: City, secrets: Path) -> None:
    svc = CommandService(db)
    add_camera(svc, city, SUPERVISOR, _raw(), secrets)
    with pytest.raises(ValidationError, match="exists already"):
        add_camera(svc, city, SUPERVISOR, _raw(url=f"rtsp://u:{PASSWORD}@other/s"), secrets)
    # the refused camera's credentials did not stay in the store
    assert not secrets.exists() or SecretStore(secrets).read() == {}
    with pytest.raises(NotFound):
        svc.execute(MoveCamera("NOPE", 1.0, 1.0, None), SUPERVISOR)
    with pytest.raises(PermissionDenied):
        svc.execute(MoveCamera("GATE-1", 1.0, 1.0, None), DISPATCHER)
    with pytest.raises(ValidationError, match="heading_deg"):
        svc.execute(MoveCamera("GATE-1", 1.0, 1.0, None, heading_deg=400.0), SUPERVISOR)
    with pytest.raises(ValidationError, match="camera_id"):
        add_camera(svc, city, SUPERVISOR, _raw(camera_id="bad id!"), secrets)
    with pytest.raises(ValidationError, match="disabled already"):
        disable_camera(svc, SUPERVISOR, "GATE-1")
        disable_camera(svc, SUPERVISOR, "GATE-1")
    assert [e.type for e in svc.events_after(0)] == ["camera_added", "camera_disabled"]


def test_an_import_is_all_or_nothing(db: Database) -> None:
    svc = CommandService(db)
    good = {"camera_id": "A", "name": "a", "x": 1.0, "y": 2.0, "cell": None,
            "url": "demo://A", "agency": "city"}
    with pytest.raises(ValidationError, match="camera 2: a camera 'A' exists already"):
        svc.execute(ImportCameras((good, dict(good)), source="x.csv"), SUPERVISOR)
    assert list_cameras(db) == [] and svc.events_after(0) == []


def test_stream_url_puts_the_credentials_back(db: Database, city: City,
                                              secrets: Path) -> None:
    svc = CommandService(db)
    full = f"rtsp://admin:{PASSWORD}@10.0.0.7/s1"
    add_camera(svc, city, SUPERVISOR, _raw(url=full), secrets)
    add_camera(svc, city, SUPERVISOR, _raw("OPEN", url="http://cams.example/1.ts"), secrets)
    assert stream_url(db, "GATE-1", secrets) == full
    assert stream_url(db, "OPEN", secrets) == "http://cams.example/1.ts"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert SecretStore(secrets).mode_problem() is None
    secrets.unlink()
    with pytest.raises(UserError, match="not in the secrets store") as info:
        stream_url(db, "GATE-1", secrets)
    assert PASSWORD not in str(info.value)


def test_the_secrets_store_lies_beside_a_sqlite_database(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    try:
        path = default_secrets_path(db)
    finally:
        db.dispose()
    assert path == Path(sqlite_url.removeprefix("sqlite:///")).with_name(
        "beacon.camera-secrets.json")


def test_the_password_is_nowhere_in_the_database_file(sqlite_url: str, city: City,
                                                     secrets: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    db = open_database(sqlite_url)
    svc = CommandService(db)
    add_camera(svc, city, SUPERVISOR, _raw(url=f"rtsp://admin:{PASSWORD}@10.0.0.7/s1"),
               secrets)
    add_camera(svc, city, SUPERVISOR,
               _raw("TOK", url=f"https://cams.example/live?token={PASSWORD}"), secrets)
    db.dispose()
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    for f in path.parent.glob("beacon.db*"):  # the file and its write-ahead log
        assert PASSWORD.encode() not in f.read_bytes(), f
    assert PASSWORD not in caplog.text
    assert PASSWORD in secrets.read_text()  # kept, but only there


def test_demo_cameras_stand_on_main_roads_junctions_and_stations(db: Database,
                                                                city: City) -> None:
    cameras = demo_cameras(city)
    assert 15 <= len(cameras) <= 60
    assert len({c["camera_id"] for c in cameras}) == len(cameras)
    assert len({c["name"] for c in cameras}) == len(cameras)
    assert all(c["url"] == f"demo://{c['camera_id']}" for c in cameras)
    station_names = {s.name for s in city.stations}
    assert any(c["name"] in station_names for c in cameras)
    assert any(" / " in c["name"] for c in cameras)  # junctions
    for c in cameras:
        city.check_position(c["x"], c["y"])
    assert demo_cameras(city) == cameras  # the same every time
    assert seed_demo_cameras(CommandService(db), city) == len(cameras)
    assert len(list_cameras(db)) == len(cameras) and compare_tables(db) == []


def test_nearest_cameras_in_use_within_a_radius() -> None:
    from core.cameras.model import Camera
    from core.cameras.query import nearest_cameras

    def cam(cid: str, x: float, enabled: bool = True) -> Camera:
        return Camera(cid, cid, x, 0.0, None, f"demo://{cid}", "city", enabled, None, None)

    cams = [cam("C", 300.0), cam("A", 100.0), cam("OFF", 50.0, enabled=False),
            cam("B", -100.0), cam("FAR", 900.0)]
    near = nearest_cameras(cams, 0.0, 0.0, 500.0)
    assert [(c.camera_id, d) for c, d in near] == [("A", 100.0), ("B", 100.0), ("C", 300.0)]
    assert [c.camera_id for c, _ in nearest_cameras(cams, 0.0, 0.0, 500.0, limit=2)] == ["A",
                                                                                         "B"]
    assert nearest_cameras(cams, 5000.0, 0.0, 100.0) == []


@pytest.mark.parametrize("url", [f"rtsp://user:{PASSWORD}@x@host:99999/s",
                                 f"rtsp://user:{PASSWORD[:4]}/{PASSWORD[4:]}@host/s",
                                 f"rtsp://user:{PASSWORD}@host:port/s",
                                 f"rtsp://user:1234/{PASSWORD}@host/s"])
def test_no_piece_of_an_odd_password_reaches_an_error(url: str) -> None:
    with pytest.raises(ValidationError) as info:
        split_credentials(url)
    message = str(info.value)
    assert PASSWORD[:4] not in message and PASSWORD[4:] not in message, message


def test_update_renames_and_replaces_the_url_and_its_credentials(
        db: Database, city: City, secrets: Path) -> None:
    from core.cameras.registry import update_camera

    svc = CommandService(db)
    add_camera(svc, city, SUPERVISOR, _raw(url=f"rtsp://admin:{PASSWORD}@10.0.0.7/s1"),
               secrets)
    rotated = "rotated-Pw-2027"
    cam = update_camera(svc, SUPERVISOR, "GATE-1", url=f"rtsp://admin:{rotated}@10.0.0.7/s1",
                        secrets_path=secrets)
    assert cam.url == "rtsp://***@10.0.0.7/s1"
    assert stream_url(db, "GATE-1", secrets) == f"rtsp://admin:{rotated}@10.0.0.7/s1"
    cam = update_camera(svc, SUPERVISOR, "GATE-1", name="Gate, north", agency="police",
                        url="http://10.0.0.8/live.ts", secrets_path=secrets)
    assert (cam.name, cam.agency, cam.url) == ("Gate, north", "police", "http://10.0.0.8/live.ts")
    assert "GATE-1" not in SecretStore(secrets).read()  # the old credentials are gone
    with pytest.raises(ValidationError, match="nothing to change"):
        update_camera(svc, SUPERVISOR, "GATE-1", name="Gate, north", secrets_path=secrets)
    with pytest.raises(ValidationError, match="scheme"):
        update_camera(svc, SUPERVISOR, "GATE-1", url=f"ftp://u:{PASSWORD}@h/x",
                      secrets_path=secrets)
    events = svc.events_after(0)
    assert [e.type for e in events] == ["camera_added", "camera_updated", "camera_updated"]
    assert events[1].payload == {"camera_id": "GATE-1", "changes": {}, "credentials": True}
    assert all(PASSWORD not in str(e.payload) and rotated not in str(e.payload)
               for e in events)
    assert compare_tables(db) == [] and replay(db).cameras["GATE-1"]["name"] == "Gate, north"


def test_two_writers_of_the_secrets_store_lose_nothing(tmp_path: Path) -> None:
    import threading

    store = SecretStore(tmp_path / "s.json")
    threads = [threading.Thread(target=lambda i=i: store.update({f"C{i}": f"rtsp://u:p{i}@h/"}))
               for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(store.read()) == sorted(f"C{i}" for i in range(20))
    assert stat.S_IMODE((tmp_path / "s.json").stat().st_mode) == 0o600
