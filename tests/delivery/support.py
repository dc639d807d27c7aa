"""Shared pieces of the delivery tests: a notice's event data as the issue 18 contract
shapes it, a stand-in for the log's notice_published events (the NOTICES helper owns
that event type), a settable clock, and real local HTTP servers."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

CAP_XML = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">'
           '<identifier>{identifier}</identifier><msgType>{msg_type}</msgType></alert>')


def notice_data(notice_id: str = "N-00003", identifier: str = "beacon-N-00003-1",
                msg_type: str = "Alert", **extra: Any) -> dict[str, Any]:
    """`notice_published` data as the contract describes it."""
    return {
        "notice_id": notice_id, "identifier": identifier, "msg_type": msg_type,
        "status": "Actual", "references": "",
        "sent": "2026-03-01T08:00:00+08:00", "expires": "2026-03-01T20:00:00+08:00",
        "cells": ["C-0102", "C-0103"],
        "texts": {"zh-CN": {"headline": "暴雨红色预警", "description": "特大暴雨。",
                            "instruction": "远离河道，尽快转移到高处。"},
                  "en-US": {"headline": "Red rainstorm warning",
                            "description": "Extreme rain.",
                            "instruction": "Keep away from rivers; move to higher ground."}},
        "cap_xml": CAP_XML.format(identifier=identifier, msg_type=msg_type),
    } | extra


class StandInLog:
    """The followed events the worker reads: (seq, type, data), as `log_events` returns
    them, without the notice_published type registered on this branch."""

    def __init__(self) -> None:
        self.events: list[tuple[int, str, dict[str, Any]]] = []

    def publish(self, data: dict[str, Any], type_: str = "notice_published") -> int:
        seq = len(self.events) + 1
        self.events.append((seq, type_, data))
        return seq

    def __call__(self, _db: Any, after_seq: int,
                 types: Iterable[str]) -> list[tuple[int, str, dict[str, Any]]]:
        wanted = set(types)
        return [e for e in self.events if e[0] > after_seq and e[1] in wanted]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.at = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def free_port() -> int:
    """A TCP port nothing listens on (yet)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def serve(app: web.Application, port: int) -> web.AppRunner:
    """Start `app` on 127.0.0.1:`port`; `await runner.cleanup()` stops it."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner
