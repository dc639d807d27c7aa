"""`beacon camera ...` and `beacon audit verify --evidence`: real databases, real files;
bad rows and bad URLs named; the password never printed or stored in the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.auth import Actor
from core.cameras.evidence import evidence_dir, save_snapshot, snapshots_of
from core.cameras.query import list_cameras
from core.cli.main import main
from core.domain.kinds import Role
from core.errors import NotFound, PermissionDenied, ValidationError
from core.service import CommandService
from core.store.database import open_database
from tests.core.helpers import new_incident

PASSWORD = "Qx9-hidden-Pw"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DISPATCHER = Actor("alice", Role.DISPATCHER)


@pytest.fixture
def url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A SQLite database serving the small demo city (with its demo cameras)."""
    db_url = f"sqlite:///{tmp_path / 'centre.db'}"
    assert main(["city", "demo", "--small", "--db", db_url]) == 0
    assert "demo cameras at junctions" in capsys.readouterr().out
    return db_url


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_move_disable_enable(url: str, capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    code, out, err = _run(capsys, "camera", "add", "GATE-1", "--name", "North gate",
                          "--url", f"rtsp://admin:{PASSWORD}@10.0.0.7:554/s1",
                          "--at", "450,1200", "--heading", "90", "--db", url)
    assert code == 0, err
    assert "GATE-1 at (450, 1200) m" in out and "rtsp://***@10.0.0.7:554/s1" in out
    assert "secrets store" in out
    code, out, _ = _run(capsys, "camera", "list", "--db", url)
    assert code == 0 and "GATE-1" in out and "North gate" in out and "CAM-001" in out
    code, out, _ = _run(capsys, "camera", "list", "--json", "--db", url)
    rows = {r["camera_id"]: r for r in json.loads(out)}
    assert rows["GATE-1"]["url"] == "rtsp://***@10.0.0.7:554/s1"
    assert rows["GATE-1"]["heading_deg"] == 90.0 and rows["GATE-1"]["enabled"] is True
    assert _run(capsys, "camera", "move", "GATE-1", "--at", "1500,300", "--db", url)[0] == 0
    code, out, _ = _run(capsys, "camera", "disable", "GATE-1", "--reason", "storm", "--db", url)
    assert code == 0 and "disabled" in out
    code, out, _ = _run(capsys, "camera", "list", "--enabled", "--json", "--db", url)
    assert "GATE-1" not in {r["camera_id"] for r in json.loads(out)}
    assert _run(capsys, "camera", "enable", "GATE-1", "--db", url)[0] == 0
    code, out, err = _run(capsys, "camera", "update", "GATE-1", "--name", "North gate 2",
                          "--url", f"rtsp://admin:{PASSWORD}2@10.0.0.7:554/s2", "--db", url)
    assert code == 0 and "rtsp://***@10.0.0.7:554/s2 updated" in out
    assert PASSWORD not in out + err
    code, _, err = _run(capsys, "camera", "update", "GATE-1", "--db", url)
    assert code == 2 and "give what to change" in err
    code, out, _ = _run(capsys, "audit", "verify", "--db", url)
    assert code == 0 and "cameras" in out
    code, out, _ = _run(capsys, "audit", "log", "--db", url, "--json")
    assert PASSWORD not in out and "camera_added" in out


def test_the_url_can_come_on_standard_input(url: str, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(f"rtsp://u:{PASSWORD}@cam.example/s\n"))
    code, out, err = _run(capsys, "camera", "add", "S1", "--name", "Stdin", "--url-stdin",
                          "--at", "100,100", "--db", url)
    assert code == 0, err
    assert PASSWORD not in out + err and "rtsp://***@cam.example/s" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--url", f"ftp://u:{PASSWORD}@h/x", "--at", "450,1200"], "scheme 'ftp'"),
    (["--url", f"rtsp://u:{PASSWORD}@/x", "--at", "450,1200"], "no host"),
    (["--url", "rtsp://h/x", "--at", "99999,1200"], "outside"),
    (["--url", "rtsp://h/x", "--at", "a,b"], "--at needs two numbers"),
    (["--url", "rtsp://h/x", "--latlon", "0,0"], "outside its map"),
    (["--url", "rtsp://h/x", "--at", "450,1200", "--fov", "0"], "--fov must be above 0"),
])
def test_bad_input_is_one_clear_line(url: str, capsys: pytest.CaptureFixture[str],
                                     argv: list[str], message: str) -> None:
    code, out, err = _run(capsys, "camera", "add", "BAD-1", "--name", "bad", *argv,
                          "--db", url)
    assert code == 2 and message in err and "Traceback" not in err
    assert PASSWORD not in out + err
    db = open_database(url)
    try:
        assert "BAD-1" not in {c.camera_id for c in list_cameras(db)}
    finally:
        db.dispose()


def test_a_database_without_a_city_is_refused(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "camera", "add", "C", "--name", "c", "--url", "demo://C",
                        "--at", "1,1", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert code == 2 and "no city" in err


CSV_GOOD = f"""id,name,url,x,y,agency,heading,fov
N-1,Bridge north,rtsp://admin:{PASSWORD}@10.1.0.1/s1,450,1200,traffic,180,70
N-2,Bridge south,http://cams.example/2.ts,500,1300,,,
N-3,Market,demo://N-3,800,900,city,,
"""

CSV_BAD = f"""id,name,url,x,y,heading
OK-1,Fine,rtsp://h/s,450,1200,
BAD 2,Space in id,rtsp://h/s,450,1200,
OK-3,No host,rtsp://u:{PASSWORD}@/s,450,1200,
OK-4,Far away,rtsp://h/s,99999,1200,
OK-1,Twice,rtsp://h/s,450,1200,
OK-6,Bad heading,rtsp://h/s,450,1200,400
OK-7,Short row,rtsp://h/s
CAM-001,Taken,rtsp://h/s,450,1200,
"""

TOML_GOOD = """# two cameras
[[camera]]
id = "T-1"
name = "Harbour"
url = "https://cams.example/live?token=abc123&ch=1"
x = 450.0
y = 1200.0

[[camera]]
id = "T-2"
name = "Ferry"
url = "udp://@239.1.1.1:1234"
x = 300
y = 400
heading = 45
"""

TOML_BAD = """[[camera]]
id = "T-1"
name = "Harbour"
url = "gopher://h/x"
x = 450.0
y = 1200.0

[[camera]]
id = "T-2"
name = "Ferry"
url = "udp://@239.1.1.1:1234"
x = 300
y = 400
colour = "red"
"""


def test_import_csv_and_toml(url: str, capsys: pytest.CaptureFixture[str],
                             tmp_path: Path) -> None:
    csv_file = tmp_path / "cams.csv"
    csv_file.write_text(CSV_GOOD)
    code, out, err = _run(capsys, "camera", "import", str(csv_file), "--db", url)
    assert code == 0, err
    assert "imported 3 camera(s) from cams.csv" in out and PASSWORD not in out
    toml_file = tmp_path / "cams.toml"
    toml_file.write_text(TOML_GOOD)
    assert _run(capsys, "camera", "import", str(toml_file), "--db", url)[0] == 0
    db = open_database(url)
    try:
        cams = {c.camera_id: c for c in list_cameras(db)}
    finally:
        db.dispose()
    assert cams["N-1"].url == "rtsp://***@10.1.0.1/s1" and cams["N-1"].heading_deg == 180.0
    assert cams["N-2"].agency == "city" and cams["N-2"].heading_deg is None
    assert cams["T-1"].url == "https://cams.example/live?token=***&ch=1"
    assert cams["T-2"].heading_deg == 45.0


def test_import_names_every_bad_row_and_imports_nothing(
        url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(CSV_BAD)
    code, out, err = _run(capsys, "camera", "import", str(csv_file), "--db", url)
    assert code == 2 and "Traceback" not in err and PASSWORD not in out + err
    assert "7 bad row(s), nothing imported" in err
    for expected in ("line 3: camera_id must be", "line 4: bad camera URL", "no host",
                     "line 5: position", "outside", "line 6: camera id 'OK-1' is given twice"
                     " (also line 2)", "line 7: heading_deg", "line 8: 3 values for 6 columns",
                     "line 9: a camera 'CAM-001' exists already"):
        assert expected in err, expected
    toml_file = tmp_path / "bad.toml"
    toml_file.write_text(TOML_BAD)
    code, _, err = _run(capsys, "camera", "import", str(toml_file), "--db", url)
    assert code == 2
    assert "line 1: bad camera URL 'gopher://h/x'" in err
    assert "line 8: unknown column(s) 'colour'" in err
    db = open_database(url)
    try:
        ids = {c.camera_id for c in list_cameras(db)}
    finally:
        db.dispose()
    assert not ids & {"OK-1", "T-1", "T-2"}


@pytest.mark.parametrize(("name", "content", "message"), [
    ("x.json", "[]", "give a .csv or a .toml"),
    ("e.csv", "", "holds no camera"),
    ("b.toml", "[[camera]\nid=", "not valid TOML"),
    ("u.csv", b"id,name\n\xff\xfe,x\n", "UTF-8"),
])
def test_unreadable_camera_files(url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                 name: str, content: str | bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    code, _, err = _run(capsys, "camera", "import", str(path), "--db", url)
    assert code == 2 and message in err and "Traceback" not in err


def test_the_password_never_reaches_the_log_or_the_output(
        url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    csv_file = tmp_path / "cams.csv"
    csv_file.write_text(CSV_GOOD)
    printed = ""
    for argv in (["camera", "import", str(csv_file)],
                 ["camera", "add", "P-1", "--name", "p", "--at", "450,1200", "--url",
                  f"https://cams.example/x?ch=1&password={PASSWORD}"],
                 ["camera", "add", "P-1", "--name", "again", "--at", "450,1200", "--url",
                  f"rtsp://root:{PASSWORD}@h/s"],  # refused: the id is taken
                 ["camera", "list"], ["camera", "list", "--json"], ["audit", "log"],
                 ["audit", "log", "--json"], ["audit", "verify"]):
        code, out, err = _run(capsys, *argv, "--db", url)
        printed += out + err
    assert "exists already" in printed
    assert PASSWORD not in printed and PASSWORD not in caplog.text
    db_path = Path(url.removeprefix("sqlite:///"))
    for f in db_path.parent.glob("centre.db*"):
        assert PASSWORD.encode() not in f.read_bytes(), f
    secrets = db_path.with_name("centre.camera-secrets.json")
    assert PASSWORD in secrets.read_text() and oct(secrets.stat().st_mode)[-3:] == "600"


def test_a_snapshot_is_a_file_and_an_event_and_verify_names_an_altered_one(
        url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = open_database(url)
    try:
        svc = CommandService(db)
        incident = new_incident(svc)
        path, digest = save_snapshot(db, DISPATCHER, incident, "CAM-001", PNG, service=svc)
        second, _ = save_snapshot(db, DISPATCHER, incident, "CAM-002", PNG + b"2", service=svc)
        assert path.parent == evidence_dir(db) and path.read_bytes() == PNG
        import hashlib

        assert digest == hashlib.sha256(PNG).hexdigest()
        snaps = snapshots_of(db, incident)
        assert [(s.camera_id, s.file_name, s.sha256, s.actor) for s in snaps][0] == (
            "CAM-001", path.name, digest, "alice")
        assert snaps[0].camera_name and len(snaps) == 2
        # refused: no such incident / camera; not a PNG; the file is not kept
        before = set(path.parent.iterdir())
        with pytest.raises(NotFound):
            save_snapshot(db, DISPATCHER, "INC-99999", "CAM-001", PNG, service=svc)
        with pytest.raises(NotFound):
            save_snapshot(db, DISPATCHER, incident, "NO-CAM", PNG, service=svc)
        with pytest.raises(ValidationError, match="PNG"):
            save_snapshot(db, DISPATCHER, incident, "CAM-001", b"GIF89a", service=svc)
        with pytest.raises(PermissionDenied):
            save_snapshot(db, Actor("olga", Role.OBSERVER), incident, "CAM-001", PNG,
                          service=svc)
        assert set(path.parent.iterdir()) == before
    finally:
        db.dispose()
    code, out, _ = _run(capsys, "audit", "verify", "--evidence", "--db", url)
    assert code == 0 and "evidence intact: 2 file(s)" in out
    code, out, _ = _run(capsys, "camera", "snapshots", "--incident", incident, "--db", url)
    assert code == 0 and path.name in out and "CAM-001" in out and "by alice" in out
    assert "UTC+08:00" in out and digest in out
    code, out, _ = _run(capsys, "camera", "snapshots", "--json", "--db", url)
    listed = json.loads(out)
    assert [s["file_name"] for s in listed] == [path.name, second.name]
    assert listed[0]["sha256"] == digest and listed[0]["incident_id"] == incident
    path.write_bytes(PNG + b"tampered")
    second.unlink()
    code, out, _ = _run(capsys, "audit", "verify", "--evidence", "--db", url)
    assert code == 1 and "evidence ALTERED OR MISSING: 2 of 2" in out
    assert f"{path.name}: altered" in out and f"{second.name}: missing" in out
    code, out, _ = _run(capsys, "audit", "verify", "--evidence", "--json", "--db", url)
    result = json.loads(out)
    assert code == 1 and result["intact"] is False
    assert {p["file"] for p in result["evidence"]["problems"]} == {path.name, second.name}
    assert _run(capsys, "audit", "verify", "--db", url)[0] == 0  # without --evidence


def test_snapshots_never_overwrite(url: str) -> None:
    from datetime import UTC, datetime

    from core.clock import SimulatedClock

    db = open_database(url)
    try:
        svc = CommandService(db, clock=SimulatedClock(datetime(2027, 1, 1, tzinfo=UTC)))
        incident = new_incident(svc)
        a, _ = save_snapshot(db, DISPATCHER, incident, "CAM-001", PNG, service=svc)
        b, _ = save_snapshot(db, DISPATCHER, incident, "CAM-001", PNG + b"b", service=svc)
        assert a != b and a.read_bytes() == PNG  # same instant: a new name, not the old file
    finally:
        db.dispose()
