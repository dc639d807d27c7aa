"""`beacon plugin new` makes a plugin that passes its own test, installs into a fresh
virtual environment (reusing Beacon's installed packages, so it takes seconds), and runs
in the host from there, delivering its readings."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

from sqlalchemy import func, select

from core.cli.main import main
from core.plugins.tables import SensorReadingRow
from core.store.database import open_database


def test_new_refuses_a_bad_name_and_an_existing_folder(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert main(["plugin", "new", "Bad-Name", "--dir", str(tmp_path)]) == 2
    assert "plugin name 'Bad-Name'" in capsys.readouterr().err
    assert main(["plugin", "new", "gauge", "--dir", str(tmp_path)]) == 0
    assert main(["plugin", "new", "gauge", "--dir", str(tmp_path)]) == 2
    assert "exists already" in capsys.readouterr().err


def test_a_new_plugin_installs_into_a_fresh_venv_and_runs_in_the_host(tmp_path: Path) -> None:
    assert main(["plugin", "new", "water_gauge", "--dir", str(tmp_path)]) == 0
    package = tmp_path / "water_gauge"
    # Its own test passes (the harness applies the host's checks).
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests"], cwd=package, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    # A fresh venv that sees Beacon's installed packages through a .pth file.
    venv = tmp_path / "venv"
    # Without its own pip (ensurepip alone takes longer than the rest): Beacon's pip
    # installs into it with --python.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    Path(purelib, "beacon_reuse.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                           "-q", "--no-deps", str(package)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    db_url = f"sqlite:///{tmp_path / 'host.db'}"
    config = tmp_path / "plugins.toml"
    config.write_text("[plugins.water_gauge]\ninterval = 0.1\n")
    beacon = [str(python), "-m", "core.cli.main"]
    ran = subprocess.run([*beacon, "plugin", "run", "--db", db_url, "--config", str(config),
                          "--only", "water_gauge", "--duration", "4"],
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "water_gauge: " in ran.stdout
    listed = subprocess.run([*beacon, "plugin", "list", "--db", db_url, "--json"],
                            capture_output=True, text=True, timeout=120)
    rows = {r["name"]: r for r in json.loads(listed.stdout)}
    assert rows["water_gauge"]["version"] == "0.1.0" and rows["water_gauge"]["api_version"] == 1
    assert rows["water_gauge"]["accepted"] > 5 and rows["water_gauge"]["rejected"] == 0
    assert "mqtt_sensors" in rows  # the built-in comes through the same entry points
    db = open_database(db_url)
    with db.session() as session:
        count = session.execute(select(func.count()).select_from(SensorReadingRow).where(
            SensorReadingRow.sensor == "water-gauge-1")).scalar_one()
    db.dispose()
    assert count > 5
