"""Writes calls.csv: a day of calls-for-service in central Helsinki, in the shape public
calls-for-service files have (one row per call: received time, call type, latitude,
longitude, priority), for the drill `scenarios/helsinki.toml`.

No public file of real calls for this area can be shipped, so this generator makes one.
Its rates are ASSUMPTIONS, stated here so anyone can change them, not measurements:

* About 40,000 people are in the 1.25 x 1.75 km of the extract on an ordinary day
  (residents, workers, visitors).
* They make about 0.5 emergency calls that get a unit, per 1,000 people per day
  (ambulance, police and fire together): 20 calls a day. That is the order of magnitude
  of large European cities' ambulance and police dispatch rates; treat it as a guess.
* The day's shape follows what public calls-for-service files show everywhere: fewest
  calls around 5 a.m., a rise through the day, most in the evening (`HOURLY` below).
* The mix of call types is in `MIX`; priorities are those a dispatcher would give.

Positions are uniform over the road nodes' bounding box; the drill snaps each call to
the nearest road. Run: python scenarios/helsinki/make_calls.py (writes calls.csv next
to this file; seed 2026, so the shipped file is reproducible).
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

PER_DAY = 20.0
HOURLY = [3, 2, 2, 1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 6, 6, 6, 6, 7, 7, 7, 6, 6, 5, 4]
MIX = {  # call type: (weight, priority)
    "MEDICAL - BREATHING/CHEST PAIN": (5, 1), "MEDICAL - FALL": (4, 2),
    "ASSAULT": (1, 1), "DISTURBANCE": (4, 3), "THEFT": (3, 3),
    "TRAFFIC - DISABLED VEHICLE": (2, 3), "TRAFFIC - COLLISION": (2, 2),
    "FIRE ALARM": (2, 2), "WELFARE CHECK": (2, 3),
}
BOX = (60.1645, 24.9355, 60.1795, 24.9575)  # south, west, north, east (the extract)


def main() -> None:
    rng = random.Random(2026)
    day = datetime(2026, 6, 5)
    rows = []
    total = sum(HOURLY)
    types = list(MIX)
    weights = [MIX[t][0] for t in types]
    for hour, share in enumerate(HOURLY):
        rate = PER_DAY * share / total  # calls in this hour, on average
        t = 0.0
        while True:
            t += rng.expovariate(rate)  # hours
            if t >= 1:
                break
            kind = rng.choices(types, weights)[0]
            lat = rng.uniform(BOX[0], BOX[2])
            lon = rng.uniform(BOX[1], BOX[3])
            at = day + timedelta(hours=hour + t)
            rows.append([at.strftime("%m/%d/%Y %H:%M:%S"), kind, f"{lat:.5f}", f"{lon:.5f}",
                         MIX[kind][1]])
    out = Path(__file__).with_name("calls.csv")
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Received", "Call Type", "Latitude", "Longitude", "Priority"])
        w.writerows(rows)
    print(f"{len(rows)} calls written to {out}")


if __name__ == "__main__":
    main()
