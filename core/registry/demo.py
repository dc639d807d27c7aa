"""A plausible generated registry for the demo city (never for an imported one).

Deterministic for a seed. Every person is invented (names from `core.city.names`,
numbers in a range no one is given); about one record in twelve was last verified
more than a year ago, so the console has stale records to mark.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from core.auth import Actor
from core.city.model import City
from core.city.names import person_name
from core.domain.kinds import Role
from core.registry.importer import record
from core.registry.model import PERSON_FLAGS
from core.service import CommandService

DEMO_REGISTRAR = Actor("demo-registry", Role.SUPERVISOR)

_HAZARDS = ("", "", "", "", "gas cylinders in the ground-floor restaurant",
            "solar panels on the roof", "paint store in the basement",
            "electric bicycles charged in the stairwell", "flat roof, weak in places")
_ACCESS = ("", "", "gate code held by the property office", "stairwell B locked at night",
           "fire lane narrowed by parked cars", "key box at the guard post",
           "lift out of service, stairs only")
_OFFERS = {"school": "sports hall as a shelter (300 people)",
           "care_home": "", "business": "van and four staff on call",
           "volunteer_team": "twelve volunteers, first-aid trained", "other": ""}
_REPORTS = (("broken_hydrant", "hydrant leaking at the base"),
            ("blocked_fire_lane", "fire lane blocked by a delivery van every morning"),
            ("check_in_needed", "elderly resident not seen for two days"),
            ("hazard", "loose balcony railing above the pavement"),
            ("streetlight", "street light out at the corner"))


def _verified(rng: random.Random, now: datetime) -> dict[str, Any]:
    # Most records were checked in the last year; some long ago (stale).
    days = rng.randrange(400, 1800) if rng.random() < 0.08 else rng.randrange(1, 330)
    return {"verified_at": now - timedelta(days=days)}


def _base(rid: str, cell: str, worker: str | None, x: float | None, y: float | None,
          data: dict[str, Any], rng: random.Random, now: datetime) -> dict[str, Any]:
    return {"id": rid, "cell": cell, "worker": worker, "x": x, "y": y, "data": data,
            "personal": {}, "verified_by": worker or DEMO_REGISTRAR.name,
            **_verified(rng, now)}


def demo_registry(city: City, now: datetime, seed: int = 11, buildings: int | None = None,
                  prefer: Sequence[str] = ()) -> dict[str, list[dict[str, Any]]]:
    """The demo registry's records by kind, ready for `core.registry.importer.record`.

    `prefer`: addresses that must have a building (the demo's open incidents), so the
    console has context to show for them."""
    rng = random.Random(seed)
    names = np.random.default_rng(seed)
    if buildings is None:  # about 1,200 for the full demo city, fewer for a small one
        buildings = min(1200, max(60, len(city.addresses) // 18))
    by_text = {a.text: a for a in city.addresses}
    chosen = [by_text[t] for t in dict.fromkeys(prefer) if t in by_text]
    rest = [a for a in city.addresses if a.text not in set(prefer)]
    chosen += rng.sample(rest, min(len(rest), max(0, buildings - len(chosen))))
    worker = {c.code: c.worker_unit_code for c in city.cells}
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "building", "household", "person", "thing", "organisation", "report")}
    flag_names = list(PERSON_FLAGS)
    p = 0
    for b, address in enumerate(chosen, start=1):
        cell = address.cell_code
        bid = f"B-{b:05d}"
        floors = rng.choice((2, 3, 4, 6, 6, 7, 11, 18, 26, 33))
        out["building"].append(_base(bid, cell, worker.get(cell), address.x, address.y, {
            "address": address.text, "floors": floors, "units": floors * rng.choice((2, 4, 6)),
            "construction": rng.choice(("concrete", "concrete", "brick", "mixed", "steel")),
            "access_notes": rng.choice(_ACCESS), "hazards": rng.choice(_HAZARDS)}, rng, now))
        for h in range(rng.choice((1, 2, 2, 3, 3, 4))):
            hid = f"H-{b:05d}-{h + 1}"
            flat = f"{rng.randrange(1, floors + 1)}-{rng.randrange(1, 5):02d}"
            out["household"].append(_base(hid, cell, worker.get(cell), address.x, address.y, {
                "building": bid, "flat": flat, "occupants": rng.choice((1, 1, 2, 2, 3, 4, 5))},
                rng, now))
            if rng.random() < 0.22 or (b <= len(prefer) and h == 0):
                p += 1
                flags = rng.sample(flag_names, rng.choice((1, 1, 1, 2)))
                if b <= len(prefer) and h == 0 and "wheelchair" not in flags:
                    flags = ["wheelchair", *flags[:1]]
                person = _base(f"P-{p:05d}", cell, worker.get(cell), address.x, address.y,
                               {"household": hid}, rng, now)
                person["personal"] = {
                    "name": person_name(names),
                    "contact": f"+86 139 0000 {rng.randrange(0, 10000):04d}",
                    "flags": flags, "note": "", "basis": rng.choice(
                        ("consent", "consent", "consent", "statutory"))}
                out["person"].append(person)
    nodes = list(city.addresses)
    counts = {"hydrant": 220, "aed": 60, "shelter": 16, "gas_valve": 40, "hazmat_store": 10}
    t = 0
    for type_, count in counts.items():
        for a in rng.sample(nodes, min(count, len(nodes))):
            t += 1
            x, y = a.x + rng.uniform(-15, 15), a.y + rng.uniform(-15, 15)
            cell = city.cell_at(x, y)
            code = cell.code if cell else a.cell_code
            state = "broken" if rng.random() < 0.04 else "in_service"
            out["thing"].append(_base(f"T-{t:05d}", code, worker.get(code), x, y, {
                "type": type_, "state": state,
                "last_inspected": (now - timedelta(days=rng.randrange(10, 500))).date()
                .isoformat(), "note": ""}, rng, now))
    kinds = ("school",) * 3 + ("care_home",) * 2 + ("business",) * 4 + ("volunteer_team",) * 2
    for o in range(1, 61):
        a = rng.choice(nodes)
        type_ = rng.choice(kinds)
        label = {"school": "School", "care_home": "Care Home", "business": "Trading Co.",
                 "volunteer_team": "Volunteer Team"}[type_]
        out["organisation"].append(_base(f"O-{o:04d}", a.cell_code, worker.get(a.cell_code),
                                         a.x, a.y, {
            "type": type_, "name": f"{a.road} {label}", "address": a.text,
            "contact": f"+86 28 0000 {rng.randrange(0, 10000):04d}",
            "offers": _OFFERS[type_]}, rng, now))
    for r in range(1, 31):
        a = rng.choice(nodes)
        type_, text = rng.choice(_REPORTS)
        out["report"].append(_base(f"R-{r:04d}", a.cell_code, worker.get(a.cell_code), a.x,
                                   a.y, {
            "type": type_, "description": text,
            "state": rng.choice(("open", "open", "in_progress", "closed")),
            "owner": worker.get(a.cell_code) or "", "address": a.text,
            "reported_at": (now - timedelta(days=rng.randrange(0, 40))).date().isoformat()},
            rng, now))
    return out


def seed_demo_registry(service: CommandService, city: City, seed: int = 11,
                       prefer: Sequence[str] = ()) -> int:
    """Record the demo registry; returns how many records."""
    records = demo_registry(city, service.clock.now(), seed=seed, prefer=prefer)
    total = 0
    for kind, items in records.items():
        total += record(service, DEMO_REGISTRAR, kind, items, source=f"demo:{seed}")
    return total
