"""What the project tells its readers points at things that exist and agree."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    return [ROOT / f for f in out if not f.startswith("tests/")]


def test_no_file_points_readers_outside_the_project() -> None:
    for path in _tracked():
        if path.suffix in (".png", ".qm", ".json", ".pbf", ".lock") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        # (spelt in two halves so this file does not name them itself)
        for outside in ("STACK" + ".md", ".." + "/shared"):
            assert outside not in text, (path, outside)


def test_folders_the_readme_names_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    for folder in set(re.findall(r"`([a-z]+)/`", readme)):
        line = next(ln for ln in readme.splitlines() if f"`{folder}/`" in ln)
        assert (ROOT / folder).is_dir() or "not there yet" in line, folder


def test_the_rate_limit_is_described_one_way() -> None:
    help_text = subprocess.run([sys.executable, "-m", "core", "hub", "--help"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout
    help_text = " ".join(help_text.split())
    assert "each token holder" in help_text and "each connection may" not in help_text
    assert "per token holder" in (ROOT / "docs" / "protocol.md").read_text()
