"""The community registry: CSV import of every kind (good and bad files), the incident's
context, who may see people and the record of every display, and erasure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from core.audit.tables import compare_tables
from core.auth import SYSTEM, Actor
from core.centre import store_city
from core.city.model import City
from core.cli.main import main
from core.commands import ChangeIncidentStatus, CreateIncident, CreateOperator
from core.domain.kinds import Role
from core.domain.lifecycle import IncidentStatus
from core.errors import PermissionDenied, ValidationError
from core.recommendation import road_network
from core.registry import access
from core.registry.commands import ErasePerson, RecordRegistryItems, ViewPeople
from core.registry.context import incident_context
from core.registry.demo import demo_registry
from core.registry.importer import import_file
from core.registry.tables import RegistryRow
from core.service import CommandService
from core.store import event_log
from core.store.database import open_database
from core.store.erasure import scrub_freed_pages
from core.store.schema import EventPersonalRow, EventRow

ADMIN = Actor("cli:test", Role.SUPERVISOR)
DISPATCHER = Actor("dana", Role.DISPATCHER)
SUPERVISOR = Actor("sam", Role.SUPERVISOR)
WHEELCHAIR_USER = "Zhao Minghui"


@pytest.fixture
def city(small_city: City) -> City:
    """The session's small demo city (tests/conftest.py)."""
    return small_city


@pytest.fixture
def svc(small_city_svc: CommandService) -> CommandService:
    """This test's own copy of the session's small-city database, on the simulated clock."""
    return small_city_svc


def _csv(tmp_path: Path, name: str, lines: list[str], encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _count(svc: CommandService, kind: str) -> int:
    with svc.db.session() as s:
        return int(s.execute(select(func.count()).select_from(RegistryRow)
                             .where(RegistryRow.kind == kind)).scalar_one())


def _seed(svc: CommandService, city: City, tmp_path: Path) -> dict[str, str]:
    """A building at a real address with a wheelchair user, a hydrant 20 m away, another
    kilometres away, and an open report in the cell; returns names for the tests."""
    a = city.addresses[100]
    far = max(city.addresses, key=lambda b: abs(b.x - a.x) + abs(b.y - a.y))
    lat, lon = city.to_latlon(a.x + 20, a.y)
    flat, flon = city.to_latlon(far.x, far.y)
    files = {
        "building": ["id,address,floors,units,construction,hazards,access_notes",
                     f'B-1,{a.text},6,24,brick,"gas cylinders, ground floor",gate code: office'],
        "household": ["id,building,flat,occupants", "H-1,B-1,3-02,2", "H-2,B-1,5-01,1"],
        "person": ["id,household,name,contact,flags,basis,note",
                   f"P-1,H-1,{WHEELCHAIR_USER},+86 139 0000 0001,wheelchair;elderly_alone,"
                   "consent,ramp at the back door",
                   "P-2,H-2,Qian Li,,small_children,statutory,"],
        "thing": ["id,type,lat,lon,state,last_inspected",
                  f"T-1,hydrant,{lat:.7f},{lon:.7f},in_service,2026-01-10",
                  f"T-2,hydrant,{flat:.7f},{flon:.7f},in_service,",
                  f"T-3,aed,{lat:.7f},{lon:.7f},in_service,"],
        "organisation": ["id,type,name,address,contact,offers",
                         f"O-1,school,Heping School,{a.text},+86 28 0000 0001,sports hall"],
        "report": ["id,type,description,address,state",
                   f"R-1,blocked_fire_lane,van parked in the fire lane,{a.text},open"],
    }
    for kind, lines in files.items():
        result = import_file(svc, city, ADMIN, _csv(tmp_path, f"{kind}.csv", lines), kind)
        assert not result.bad and result.recorded == len(lines) - 1, (kind, result.bad)
    return {"address": a.text, "cell": a.cell_code, "x": str(a.x), "y": str(a.y)}


def _incident(svc: CommandService, city: City, address: str) -> str:
    a = city.address(address)
    assert a is not None
    event = svc.execute(CreateIncident(type="structure_fire", x=a.x, y=a.y, address=a.text,
                                       cell_code=a.cell_code, caller_name="caller",
                                       callback_number="+86 138 0000 0009"), DISPATCHER)
    return event.payload["id"]


# -- import --------------------------------------------------------------------------

def test_every_kind_imports_from_csv_into_the_log_and_the_table(
        svc: CommandService, city: City, tmp_path: Path) -> None:
    where = _seed(svc, city, tmp_path)
    counts = {k: _count(svc, k) for k in ("building", "household", "person", "thing",
                                          "organisation", "report")}
    assert counts == {"building": 1, "household": 2, "person": 2, "thing": 3,
                      "organisation": 1, "report": 1}
    with svc.db.session() as s:
        b = s.get(RegistryRow, "B-1")
        t = s.get(RegistryRow, "T-1")
        assert b.cell == where["cell"] and b.data["floors"] == 6
        assert b.worker == city.cells_by_code[where["cell"]].worker_unit_code
        assert t.data["last_inspected"] == "2026-01-10"
        assert t.x == pytest.approx(float(where["x"]) + 20, abs=0.5)
        types = [e.type for e in event_log.query(s)]
        assert compare_tables(svc.db) == []
    assert types.count("registry_person_recorded") == 2
    assert types.count("registry_records_recorded") == 5


def test_the_personal_fields_stay_out_of_the_hashed_payload(
        svc: CommandService, city: City, tmp_path: Path) -> None:
    _seed(svc, city, tmp_path)
    with svc.db.session() as s:
        rows = s.execute(select(EventRow.payload).where(
            EventRow.type == "registry_person_recorded")).scalars().all()
    assert rows and all(WHEELCHAIR_USER not in p and "wheelchair" not in p for p in rows)


BAD_FILES = {
    # case: (kind, header, bad row, good row, column named)
    "unknown cell": ("thing", "id,type,x,y,cell", "T-9,hydrant,,,ZZ-99",
                     "T-8,hydrant,{x},{y},", "cell"),
    "address not in the city": ("building", "id,address,floors", "B-9,1 Nowhere Lane,3",
                                "B-8,{address},2", "address"),
    "bad flags": ("person", "id,household,name,flags,basis",
                  "P-9,H-1,Wu Gang,flies_planes,consent", "P-8,H-1,Sun Yan,,consent", "flags"),
    "no legal basis": ("person", "id,household,name,flags,basis",
                       "P-9,H-1,Wu Gang,wheelchair,because", "P-8,H-1,Sun Yan,,consent",
                       "basis"),
    "unknown household": ("person", "id,household,name,basis", "P-9,H-404,Wu Gang,consent",
                          "P-8,H-1,Sun Yan,consent", "household"),
    "a date in the future": ("thing", "id,type,x,y,last_inspected",
                             "T-9,aed,{x},{y},2999-01-01", "T-8,aed,{x},{y},", "last_inspected"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_row_is_named_with_its_line_and_nothing_of_the_file_is_imported(
        svc: CommandService, city: City, tmp_path: Path, case: str) -> None:
    _seed(svc, city, tmp_path)
    kind, header, bad, good, column = BAD_FILES[case]
    a = city.addresses[5]
    fill = {"x": f"{a.x:.1f}", "y": f"{a.y:.1f}", "address": a.text}
    path = _csv(tmp_path, "bad.csv", [header, bad.format(**fill), good.format(**fill)])
    before = _count(svc, kind)
    result = import_file(svc, city, ADMIN, path, kind)
    assert result.refused and result.recorded == 0
    assert [(b.line, b.column) for b in result.bad] == [(2, column)]
    assert _count(svc, kind) == before
    partial = import_file(svc, city, ADMIN, path, kind, partial=True)
    assert partial.recorded == 1 and len(partial.bad) == 1
    assert _count(svc, kind) == before + 1


def test_duplicate_ids_and_a_wrong_encoding_are_refused(
        svc: CommandService, city: City, tmp_path: Path) -> None:
    a, b = city.addresses[7].text, city.addresses[8].text
    dup = _csv(tmp_path, "dup.csv", ["id,address,floors", f"B-5,{a},2", f"B-5,{b},3"])
    result = import_file(svc, city, ADMIN, dup, "building")
    assert result.refused and [(x.line, x.column) for x in result.bad] == [(3, "id")]
    assert "also on line 2" in result.bad[0].reason
    latin = _csv(tmp_path, "latin.csv", ["id,address,floors", f"B-6,{a} caf\u00e9,2"],
                 encoding="latin-1")
    with pytest.raises(Exception, match=r"not UTF-8.*line 2"):
        import_file(svc, city, ADMIN, latin, "building")
    wrong = _csv(tmp_path, "wrong.csv", ["id,adress,floors", f"B-7,{a},2"])
    with pytest.raises(Exception, match="unknown column adress"):
        import_file(svc, city, ADMIN, wrong, "building")
    assert _count(svc, "building") == 0


def test_a_malformed_batch_from_any_source_is_refused_whole(svc: CommandService) -> None:
    with pytest.raises(ValidationError, match="records\\[1\\]"):
        svc.execute(RecordRegistryItems("thing", (
            {"id": "T-1", "cell": "C1", "x": 1.0, "y": 2.0, "data": {"type": "aed"}},
            {"id": "T-2", "cell": "C1", "x": float("nan"), "y": 2.0, "data": {}})), ADMIN)
    with pytest.raises(ValidationError, match="fields a thing does not"):
        svc.execute(RecordRegistryItems("thing", (
            {"id": "T-1", "cell": "C1", "data": {"password": "x"}},)), ADMIN)
    with pytest.raises(PermissionDenied):
        svc.execute(RecordRegistryItems("thing", (
            {"id": "T-1", "cell": "C1", "data": {}},)), DISPATCHER)
    assert _count(svc, "thing") == 0


# -- the incident's context and who sees people ----------------------------------------

def test_an_incident_shows_its_building_hazards_and_the_nearest_hydrant_by_road(
        svc: CommandService, city: City, tmp_path: Path) -> None:
    where = _seed(svc, city, tmp_path)
    with svc.db.session() as s:
        ctx = incident_context(s, city, address=where["address"], cell=where["cell"],
                               x=float(where["x"]), y=float(where["y"]), now=svc.clock.now(),
                               network=road_network(city))
    assert [b.record_id for b in ctx.buildings] == ["B-1"]
    assert "gas cylinders" in ctx.buildings[0].data["hazards"]
    hydrants = ctx.nearest["hydrant"]
    assert hydrants[0].record.record_id == "T-1" and hydrants[0].metres < 25
    assert hydrants[0].road_seconds is not None
    assert [n.record.record_id for n in ctx.nearest["aed"]] == ["T-3"]
    assert ctx.people_at_address == 2 and ctx.vulnerable_in_cell == 2
    assert [r.record_id for r in ctx.reports] == ["R-1"]
    assert ctx.worker == city.cells_by_code[where["cell"]].worker_unit_code


def _views(svc: CommandService) -> list:
    with svc.db.session() as s:
        return event_log.query(s, event_log.EventQuery(type="registry_people_viewed"))


def test_a_dispatcher_sees_the_wheelchair_user_only_while_an_incident_there_is_open(
        svc: CommandService, city: City, tmp_path: Path) -> None:
    where = _seed(svc, city, tmp_path)
    incident = _incident(svc, city, where["address"])
    people = access.people_for_incident(svc, DISPATCHER, incident)
    first = people[0]
    assert first.name == WHEELCHAIR_USER and "wheelchair" in first.flags and first.at_address
    assert first.flag_words[0] == "uses a wheelchair"
    shown = _views(svc)
    assert len(shown) == 1
    assert shown[0].actor == "dana" and shown[0].incident_id == incident
    assert shown[0].payload["person_ids"] == ["P-1", "P-2"]
    access.people_for_incident(svc, DISPATCHER, incident)
    assert len(_views(svc)) == 2  # every display, not only the first
    # A display kept open and re-read records only people it had not shown yet.
    access.people_for_incident(svc, DISPATCHER, incident, already_recorded=frozenset({"P-1"}))
    assert _views(svc)[-1].payload["person_ids"] == ["P-2"]
    access.people_for_incident(svc, DISPATCHER, incident,
                               already_recorded=frozenset({"P-1", "P-2"}))
    assert len(_views(svc)) == 3  # nobody new: nothing recorded
    svc.execute(ChangeIncidentStatus(incident, IncidentStatus.CANCELLED), DISPATCHER)
    with pytest.raises(ValidationError, match="only while it is open"):
        access.people_for_incident(svc, DISPATCHER, incident)
    with pytest.raises(PermissionDenied):
        access.search_people(svc, DISPATCHER, "Zhao", "looking around the area")
    with pytest.raises(PermissionDenied):
        access.show_person(svc, DISPATCHER, "P-1", "curious about this person")
    # Refused alike whether the person exists or not: no probing who is registered.
    with pytest.raises(PermissionDenied):
        access.show_person(svc, DISPATCHER, "P-404", "curious about this person")
    assert len(_views(svc)) == 3  # refusals record nothing


def test_a_supervisor_searches_only_with_a_reason_and_each_search_is_recorded(
        svc: CommandService, city: City, tmp_path: Path) -> None:
    _seed(svc, city, tmp_path)
    with pytest.raises(ValidationError, match="reason"):
        access.search_people(svc, SUPERVISOR, "Zhao", "")
    found = access.search_people(svc, SUPERVISOR, "zhao", "welfare request 2026-118")
    assert [v.person_id for v in found] == ["P-1"]
    assert access.search_people(svc, SUPERVISOR, "nobody here", "welfare request 2026-118") == []
    reasons = [(e.payload["purpose"], e.payload["person_ids"]) for e in _views(svc)]
    assert reasons == [("search", ["P-1"]), ("search", [])]


def test_the_audit_log_tells_a_person_who_looked_at_their_data(
        svc: CommandService, city: City, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    where = _seed(svc, city, tmp_path)
    incident = _incident(svc, city, where["address"])
    access.people_for_incident(svc, DISPATCHER, incident)
    access.show_person(svc, SUPERVISOR, "P-1", "subject access request 77")
    url = svc.db.url.render_as_string(hide_password=False)
    capsys.readouterr()
    assert main(["audit", "log", "--db", url, "--subject", "P-1", "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(x["type"], x["actor"]) for x in lines] == [
        ("registry_person_recorded", "cli:test"), ("registry_people_viewed", "dana"),
        ("registry_people_viewed", "sam")]
    # The trail names the personal fields it holds, never their values.
    assert lines[0]["personal"]["name"] == "[withheld]"
    assert WHEELCHAIR_USER not in json.dumps(lines)


# -- erasure ---------------------------------------------------------------------------

@pytest.fixture
def any_db(db_url: str, city: City, sim_clock) -> Iterator[CommandService]:  # noqa: ANN001
    service = CommandService(open_database(db_url), clock=sim_clock)
    store_city(service, city, source="test")
    yield service
    service.db.dispose()


def test_an_erasure_removes_the_person_from_table_and_events_and_the_audit_passes(
        any_db: CommandService, city: City, tmp_path: Path) -> None:
    svc = any_db
    _seed(svc, city, tmp_path)
    event = svc.execute(ErasePerson("P-1", "erasure request 2026-5"), SUPERVISOR)
    assert event.payload["events"]
    scrub_freed_pages(svc.db)
    with svc.db.session() as s:
        row = s.get(RegistryRow, "P-1")
        assert row.erased and row.personal == {} and row.data == {} and row.cell == ""
        assert s.execute(select(func.count()).select_from(EventPersonalRow).where(
            EventPersonalRow.seq.in_(event.payload["events"]))).scalar_one() == 0
        count, problems = event_log.verify(s)
        assert problems == [] and count == event.seq
        assert compare_tables(svc.db) == []
        # The other person is untouched and can still be shown.
        assert s.get(RegistryRow, "P-2").personal["name"] == "Qian Li"
        dump = s.execute(text("SELECT payload FROM events")).scalars().all()
    assert WHEELCHAIR_USER not in " ".join(dump)
    if svc.db.is_sqlite:
        raw = Path(svc.db.url.database).read_bytes()
        assert WHEELCHAIR_USER.encode() not in raw
    with pytest.raises(ValidationError, match="erased already"):
        svc.execute(ErasePerson("P-1", "again"), SUPERVISOR)
    with pytest.raises(ValidationError, match="no person"):
        access.show_person(svc, SUPERVISOR, "P-1", "checking the erasure")


def test_only_a_supervisor_erases(svc: CommandService, city: City, tmp_path: Path) -> None:
    _seed(svc, city, tmp_path)
    with pytest.raises(PermissionDenied):
        svc.execute(ErasePerson("P-1", "request"), DISPATCHER)
    with pytest.raises(PermissionDenied):
        svc.execute(ViewPeople(("P-1",), "show", "no reason needed?"), DISPATCHER)


# -- the demo and the command line -------------------------------------------------------

def test_the_demo_registry_is_plausible(city: City, sim_clock) -> None:  # noqa: ANN001
    records = demo_registry(city, sim_clock.now(), prefer=[city.addresses[3].text])
    assert len(records["household"]) > 2 * len(records["building"]) > 100
    assert {t["data"]["type"] for t in records["thing"]} == {
        "hydrant", "aed", "shelter", "gas_valve", "hazmat_store"}
    people = records["person"]
    assert len({p["personal"]["name"] for p in people}) > 0.8 * len(people)
    assert all(p["personal"]["flags"] and p["personal"]["basis"] for p in people)
    # The preferred address (an open demo incident) has a building and a wheelchair user.
    first = records["building"][0]
    assert first["data"]["address"] == city.addresses[3].text
    house = next(h for h in records["household"] if h["data"]["building"] == first["id"])
    assert any("wheelchair" in p["personal"]["flags"] and p["data"]["household"] == house["id"]
               for p in people)
    stale = sum(1 for kind in records.values() for r in kind
                if (sim_clock.now() - r["verified_at"]).days > 365)
    assert 0 < stale < 0.2 * sum(len(v) for v in records.values())


def test_the_command_line_imports_lists_exports_and_shows_with_a_reason(
        svc: CommandService, city: City, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    url = svc.db.url.render_as_string(hide_password=False)
    a = city.addresses[40]
    good = _csv(tmp_path, "b.csv", ["id,address,floors", f"B-1,{a.text},4"])
    assert main(["registry", "import", str(good), "--kind", "building", "--db", url]) == 0
    assert "imported 1 building record" in capsys.readouterr().out
    bad = _csv(tmp_path, "bad.csv", ["id,address,floors", f"B-2,{a.text},lots"])
    assert main(["registry", "import", str(bad), "--kind", "building", "--db", url]) == 2
    out, err = capsys.readouterr()
    assert "line 2, column floors: floors must be a whole number" in err
    assert "nothing imported" in err and out == ""
    assert main(["registry", "list", "--kind", "building", "--db", url, "--json"]) == 0
    listed = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(x["id"], x["address"]) for x in listed] == [("B-1", a.text)]
    out_file = tmp_path / "export.csv"
    assert main(["registry", "export", "--kind", "building", "--db", url,
                 "--out", str(out_file)]) == 0
    assert out_file.read_text().splitlines()[1].startswith(f"B-1,{a.text},4")
    # Showing a person needs a signed-in supervisor and a reason.
    svc.execute(CreateOperator("sam", "Sam Chen", Role.SUPERVISOR, "password-123"), SYSTEM)
    _csv(tmp_path, "h.csv", ["id,building", "H-1,B-1"])
    _csv(tmp_path, "p.csv", ["id,household,name,flags,basis", "P-1,H-1,Gao Lan,oxygen,consent"])
    for kind, name in (("household", "h.csv"), ("person", "p.csv")):
        assert main(["registry", "import", str(tmp_path / name), "--kind", kind,
                     "--db", url]) == 0
    monkeypatch.setenv("BEACON_PASSWORD", "password-123")
    capsys.readouterr()
    assert main(["registry", "person", "show", "P-1", "--reason", "check-in request 9",
                 "--user", "sam", "--db", url, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown[0]["name"] == "Gao Lan" and shown[0]["flags"] == ["oxygen"]
    assert main(["registry", "list", "--kind", "person", "--db", url, "--json"]) == 0
    assert "Gao Lan" not in capsys.readouterr().out
    assert [e.actor for e in _views(svc)] == ["sam"]
