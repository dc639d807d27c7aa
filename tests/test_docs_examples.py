"""Every command example in README.md and docs/*.md runs as written.

Each ```sh block of a document runs in bash, in order, in a scratch folder of that
document's own (HOME and the data folders point there, so the embedded database, the
settings and any file a command writes are scratch too; `scenarios/`, `docs/`,
`resources/`, `tests/` and `.venv/` are linked in, and `.venv/bin` is first on PATH).
Documents run two at a time (`DOC_WORKERS`), each with its own scratch folder, so no
example may take a fixed port. A block must exit 0 unless its marker says otherwise.
Markers are HTML comments on the line right above the block (invisible on GitHub):

* ``<!-- not-run: why -->``: not run (the bootstrap itself; keep these few);
* ``<!-- exit: N -->``: the block must exit N (an example of a refused command);
* ``<!-- until: TEXT -->``: a long-running command (hub, field, console): it runs until
  TEXT appears in its output (within 60 s), and is then stopped.

A ```text block right after an ```sh block is the output the document shows: each of its
lines must appear in the output, in order; a line ``...`` stands for any lines and
``…`` inside a line for any text.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINKED = ("scenarios", "docs", "resources", "tests", "benchmarks", ".venv", "scripts")
MARKER = re.compile(r"<!--\s*(not-run|exit|until)\s*:\s*(.*?)\s*-->")
BLOCK_TIMEOUT_S = 120
UNTIL_TIMEOUT_S = 60
DOC_WORKERS = 2  # documents run at once (each has its own HOME, database and ports)


@dataclass
class Example:
    """One ```sh block, where it is, what its marker says and the output shown after it."""

    doc: Path
    line: int
    code: str
    marker: tuple[str, str] | None
    shown: str | None

    @property
    def where(self) -> str:
        doc = self.doc.relative_to(ROOT) if self.doc.is_relative_to(ROOT) else self.doc
        return f"{doc}:{self.line}"


def examples_of(doc: Path) -> list[Example]:
    """The sh blocks of a document, in order."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    found: list[Example] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```sh":
            i += 1
            continue
        start = i
        j = i + 1
        while j < len(lines) and lines[j].strip() != "```":
            j += 1
        code = "\n".join(lines[start + 1:j])
        k = start - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        m = MARKER.search(lines[k]) if k >= 0 else None
        marker = (m.group(1), m.group(2)) if m else None
        shown = None
        n = j + 1
        while n < len(lines) and not lines[n].strip():
            n += 1
        if n < len(lines) and lines[n].strip() == "```text":
            e = n + 1
            while e < len(lines) and lines[e].strip() != "```":
                e += 1
            shown = "\n".join(lines[n + 1:e])
            j = e
        found.append(Example(doc, start + 1, code, marker, shown))
        i = j + 1
    return found


def matches_shown(shown: str, output: str) -> bool:
    """True when every shown line appears in `output`, in order (see the module doc)."""
    out = [line.rstrip() for line in output.splitlines()]
    pos = 0
    for want in shown.splitlines():
        if want.strip() == "...":
            continue
        pattern = re.compile(".*".join(re.escape(p) for p in want.rstrip().split("…")) + "$")
        while pos < len(out) and not pattern.match(out[pos]):
            pos += 1
        if pos == len(out):
            return False
        pos += 1
    return True


def _scratch(tmp: Path) -> dict[str, str]:
    for name in LINKED:
        if (ROOT / name).exists():
            (tmp / name).symlink_to(ROOT / name)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("BEACON_") and k not in ("PYTEST_CURRENT_TEST",)}
    env.update({
        "HOME": str(tmp), "XDG_DATA_HOME": str(tmp / ".local" / "share"),
        "XDG_CONFIG_HOME": str(tmp / ".config"), "XDG_CACHE_HOME": str(tmp / ".cache"),
        "PATH": f"{ROOT / '.venv' / 'bin'}:{Path(sys.executable).parent}:{env.get('PATH', '')}",
        "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1",
    })
    return env


def _run_until(example: Example, env: dict[str, str], cwd: Path, text: str) -> str:
    proc = subprocess.Popen(["bash", "-c", example.code], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    seen = ""
    deadline = time.monotonic() + UNTIL_TIMEOUT_S
    try:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        while text not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1.0)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:  # the command ended before it was ready
                break
            seen += chunk.decode(errors="replace")
        if text in seen:
            return seen
        pytest.fail(f"{example.where}: {text!r} never appeared (exit {proc.poll()}):\n"
                    + seen[-2000:])
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    return ""


def _run_doc(doc: Path, tmp: Path) -> None:
    tmp.mkdir(parents=True, exist_ok=True)
    env = _scratch(tmp)
    for example in examples_of(doc):
        kind, value = example.marker or ("", "")
        if kind == "not-run":
            assert value, f"{example.where}: say why it is not run"
            continue
        if kind == "until":
            output = _run_until(example, env, tmp, value)
        else:
            done = subprocess.run(["bash", "-e", "-c", example.code], cwd=tmp, env=env,
                                  capture_output=True, text=True, timeout=BLOCK_TIMEOUT_S)
            output = done.stdout + done.stderr
            want = int(value) if kind == "exit" else 0
            assert done.returncode == want, (
                f"{example.where}: exit {done.returncode}, expected {want}:\n"
                f"{example.code}\n---\n{output[-3000:]}")
        if example.shown is not None:
            assert matches_shown(example.shown, output), (
                f"{example.where}: the output differs from what the document shows.\n"
                f"shown:\n{example.shown}\n---\nactual:\n{output[-3000:]}")


@pytest.fixture(scope="module")
def doc_runs(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[None]]]:
    """The selected documents run DOC_WORKERS at a time, each in its own scratch folder:
    their time is mostly `beacon` commands starting one after another, one core each."""
    selected = [item.callspec.params["doc"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_every_example_in_the_document_runs"]
    with ThreadPoolExecutor(DOC_WORKERS, thread_name_prefix="docs") as pool:
        futures = {doc.name: pool.submit(_run_doc, doc, tmp_path_factory.mktemp(doc.stem))
                   for doc in selected}
        yield futures
        for future in futures.values():
            future.cancel()  # after a failure or an interruption: not started, not run


@pytest.mark.timeout(120)  # the budget of one document: a doc that outgrows it is split
@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_example_in_the_document_runs(doc: Path,
                                            doc_runs: dict[str, Future[None]]) -> None:
    doc_runs[doc.name].result()  # its failure, raised here


def test_a_broken_example_fails(tmp_path: Path) -> None:
    doc = tmp_path / "broken.md"
    doc.write_text("Try:\n\n```sh\nbeacon optimize no-such-problem.json\n```\n")
    with pytest.raises(AssertionError, match="exit 2, expected 0"):
        _run_doc(doc, tmp_path / "run")


def test_shown_output_is_checked(tmp_path: Path) -> None:
    doc = tmp_path / "shown.md"
    doc.write_text("```sh\necho one; echo two three\n```\n\n```text\none\ntwo …\n```\n"
                   "```sh\necho four\n```\n```text\nfive\n```\n")
    with pytest.raises(AssertionError, match="differs from what the document shows"):
        _run_doc(doc, tmp_path / "run")
    examples = examples_of(doc)
    assert [e.shown for e in examples] == ["one\ntwo …", "five"]
    assert matches_shown("a\n...\nd", "a\nb\nc\nd")
    assert not matches_shown("d\na", "a\nb\nc\nd")


def test_markers_are_read(tmp_path: Path) -> None:
    doc = tmp_path / "m.md"
    doc.write_text("<!-- not-run: the bootstrap installs packages -->\n```sh\nexit 9\n```\n"
                   "<!-- exit: 3 -->\n\n```sh\nexit 3\n```\n"
                   "<!-- until: ready -->\n```sh\necho ready; sleep 600\n```\n")
    assert [e.marker for e in examples_of(doc)] == [
        ("not-run", "the bootstrap installs packages"), ("exit", "3"), ("until", "ready")]
    started = time.monotonic()
    _run_doc(doc, tmp_path / "run")
    assert time.monotonic() - started < 30  # the long-running one was stopped
