"""`beacon hub` and `beacon field` on the command line; wss:// with a self-signed cert."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import pytest

from core.cli.main import main
from core.field.client import FieldClient, LinkState
from tests.hub.helpers import run, seed
from tests.hub.procs import HubProcess


def _exit(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv", [["hub"], ["field"], ["hub", "token"],
                                  ["hub", "token", "create"]])
def test_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _exit([*argv, "--help"], capsys)
    assert code == 0 and out.startswith("usage: beacon " + " ".join(argv))


@pytest.mark.parametrize("argv, needle", [
    (["hub", "--port", "70000"], "not a port number: '70000'"),
    (["hub", "--port", "http"], "not a port number: 'http'"),
    (["hub", "--cert", "/no/such/cert.pem", "--key", "/no/such/key.pem"],
     "no such file: /no/such/cert.pem"),
    (["hub", "--rate", "-1"], "not a positive number"),
    (["hub", "--commit-ms", "5000"], "not a commit interval: '5000' (0-1000 ms)"),
    (["hub", "--commit-ms", "soon"], "not a commit interval: 'soon'"),
    (["field", "--hub", "ftp://x", "--unit", "E1", "--token", "t"], "not a hub URL: 'ftp://x'"),
    (["field", "--hub", "not a url", "--unit", "E1", "--token", "t"], "not a hub URL"),
    (["field", "--unit", "E1"], "the following arguments are required: --hub"),
    (["hub", "token", "create", "--unit", "NOPE", "--db", "sqlite://"], "no unit 'NOPE'"),
    (["hub", "token", "revoke", "abc", "--db", "sqlite://"], "no token with id 'abc'"),
])
def test_mistakes_give_one_clear_line_and_exit_2(
        argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _exit(argv, capsys)
    assert code == 2
    assert needle in err and err.startswith("beacon: error:") and err.count("\n") == 1
    assert "Traceback" not in err


def test_cert_without_key_and_a_busy_port(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    import socket

    cert = tmp_path / "c.pem"
    cert.write_text("x")
    code, _, err = _exit(["hub", "--cert", str(cert), "--db", "sqlite://"], capsys)
    assert code == 2 and "--cert and --key go together" in err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        db = f"sqlite:///{tmp_path / 'b.db'}"
        code, _, err = _exit(["hub", "--port", str(port), "--db", db], capsys)
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in err
    assert err.count("\n") == 1


def test_token_create_prints_the_token_once(sqlite_url: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    seeded = seed(sqlite_url)
    try:
        code, out, err = _exit(["hub", "token", "create", "--unit", "A1", "--db", sqlite_url],
                               capsys)
        token = out.strip()
        # Standard output is the token alone: TOKEN=$(beacon hub token create ...) works.
        assert code == 0 and out == token + "\n" and token.startswith("bk_")
        assert "not shown again" in err
        code, out, _ = _exit(["hub", "token", "list", "--db", sqlite_url], capsys)
        assert code == 0 and "A1" in out and token not in out
        from core.hub.tokens import authenticate

        identity = authenticate(seeded.db, token)
        assert identity is not None and identity.actor.unit_id == "A1"
    finally:
        seeded.close()


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "hub.pem", tmp_path / "hub.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def test_wss_with_a_self_signed_certificate(sqlite_url: str, tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    seeded = seed(sqlite_url)

    async def body() -> None:
        hub = HubProcess(sqlite_url, tmp_path / "hub.log", "--cert", str(cert),
                         "--key", str(key))
        url = await hub.start()
        assert url.startswith("wss://")
        trusting = ssl.create_default_context(cafile=str(cert))
        unit = FieldClient(url, "E1", seeded.tokens["E1"], ssl_context=trusting)
        doubting = FieldClient(url, "E2", seeded.tokens["E2"], backoff_min=0.05)
        try:
            await unit.start()
            await unit.wait_for_state(LinkState.CONNECTED, timeout=20)
            ack = await unit.report_position(1.0, 2.0)
            assert ack["type"] == "ack"
            # Without trusting the certificate the handshake fails; it keeps retrying.
            await doubting.start()
            await doubting.wait_for_state(LinkState.DISCONNECTED, timeout=20)
            assert doubting.connects == 0
        finally:
            await unit.close()
            await doubting.close()
            assert await hub.stop() == 0
            seeded.close()

    run(body())
