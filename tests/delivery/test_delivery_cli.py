"""`beacon delivery list / check / split / run`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from core.cli.main import main
from core.delivery.channels import build_channels
from core.delivery.config import parse_config
from core.delivery.worker import DeliveryWorker
from core.store.database import open_database
from tests.delivery.support import Clock, StandInLog, notice_data


def _with_records(url: str) -> None:
    db = open_database(url)
    log = StandInLog()
    log.publish(notice_data())
    log.publish(notice_data(notice_id="N-00004", identifier="beacon-N-00004-1"))
    config = parse_config({"webhook": [{"name": "typo", "url": "ftp://example.org/x"}]})
    asyncio.run(DeliveryWorker(db, build_channels(config), now=Clock(), events=log).step())
    db.dispose()


def test_list_shows_records_and_filters_by_subject(sqlite_url: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _with_records(sqlite_url)
    assert main(["delivery", "list", "--db", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert "N-00003" in out and "N-00004" in out
    assert "failed" in out and "is not an http:// or https:// URL" in out

    assert main(["delivery", "list", "--db", sqlite_url, "--subject", "N-00004",
                 "--json"]) == 0
    [rec] = json.loads(capsys.readouterr().out)
    assert (rec["subject"], rec["channel"], rec["endpoint"], rec["state"], rec["attempts"]) \
        == ("N-00004", "webhook", "typo", "failed", 1)
    assert rec["reason"] == "endpoint 'typo': url 'ftp://example.org/x' is not an http:// " \
                            "or https:// URL"

    out_file = tmp_path / "d.json"
    assert main(["delivery", "list", "--db", sqlite_url, "--json", "--out",
                 str(out_file)]) == 0
    assert len(json.loads(out_file.read_text(encoding="utf-8"))) == 2

    assert main(["delivery", "list", "--db", sqlite_url, "--subject", "N-9"]) == 0
    assert "(no deliveries for N-9)" in capsys.readouterr().out


def test_list_never_creates_a_database(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    typo = tmp_path / "typo.db"
    assert main(["delivery", "list", "--db", f"sqlite:///{typo}"]) == 2
    assert "no database at" in capsys.readouterr().err
    assert not typo.exists()


def test_check_reports_unusable_endpoints(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[[delivery.webhook]]\nname = "app"\nurl = "https://example.org/cap"\n',
                    encoding="utf-8")
    assert main(["delivery", "check", "--config", str(good)]) == 0
    assert "webhook  app" in capsys.readouterr().out

    bad = tmp_path / "bad.toml"
    bad.write_text('[[delivery.webhook]]\nname = "app"\nurl = "example.org/cap"\n',
                   encoding="utf-8")
    assert main(["delivery", "check", "--config", str(bad), "--json"]) == 1
    [endpoint] = json.loads(capsys.readouterr().out)["endpoints"]
    assert endpoint["problem"] == "url 'example.org/cap' is not an http:// or https:// URL"

    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[[delivery.webhook]]\nname = "app"\nurl = "https://x"\nretries = 3\n',
                     encoding="utf-8")
    assert main(["delivery", "check", "--config", str(wrong)]) == 2
    err = capsys.readouterr().err
    assert "key 'webhook.0'" in err and "'retries' was unexpected" in err
    assert "Traceback" not in err

    twice = tmp_path / "twice.toml"
    twice.write_text('[[delivery.sms]]\nname = "gw"\nurl = "https://x"\n' * 2,
                     encoding="utf-8")
    assert main(["delivery", "check", "--config", str(twice)]) == 2
    assert "two sms endpoints named 'gw'" in capsys.readouterr().err

    assert main(["delivery", "check", "--config", str(tmp_path / "none.toml")]) == 2
    capsys.readouterr()


def test_split_shows_the_parts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["delivery", "split", "中" * 71, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown == {"encoding": "UCS-2", "units": 71, "parts": ["中" * 67, "中" * 4]}


def test_run_with_nothing_to_do(sqlite_url: str, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "d.toml"
    config.write_text('[delivery]\nattempts = 3\n[[delivery.webhook]]\nname = "app"\n'
                      'url = "not a url"\n', encoding="utf-8")
    assert main(["delivery", "run", "--db", sqlite_url, "--config", str(config),
                 "--duration", "0.2"]) == 0
    out = capsys.readouterr().out
    assert "delivery service: 1 endpoint(s): webhook app" in out
    assert "webhook app: cannot be used: url 'not a url' is not an http:// or https:// URL" \
        in out
    assert "queued 0, sent 0, retrying 0, failed 0" in out
