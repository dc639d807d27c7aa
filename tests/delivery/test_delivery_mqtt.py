"""The MQTT channel against the real Mosquitto broker on 127.0.0.1:1883: an active
notice is retained on its topic; a Cancel goes out once and clears it."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import uuid

import pytest

from core.delivery.channels import build_channels
from core.delivery.config import parse_config
from core.delivery.records import RETRYING, SENT, deliveries_for
from core.delivery.worker import DeliveryWorker
from core.store.database import open_database
from tests.delivery.support import Clock, StandInLog, free_port, notice_data

BROKER = ("127.0.0.1", 1883)


@pytest.fixture
def broker() -> tuple[str, int]:
    try:
        socket.create_connection(BROKER, timeout=2).close()
    except OSError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"no MQTT broker at {BROKER}: {exc} (CI=true: must not skip)")
        pytest.skip(f"no MQTT broker answers at {BROKER[0]}:{BROKER[1]}: {exc}")
    return BROKER


def retained(prefix: str) -> dict[str, bytes]:
    """What a subscriber connecting now gets on `prefix/#` before anything new: the
    retained messages. A marker published after subscribing ends the wait: the broker
    sends the retained messages of a subscription before later publications."""
    import paho.mqtt.client as mqtt

    got: dict[str, bytes] = {}
    subscribed, done = threading.Event(), threading.Event()
    marker = f"{prefix}/~marker"

    def on_message(_c, _u, msg) -> None:  # noqa: ANN001
        if msg.topic == marker:
            done.set()
        elif msg.retain:
            got[msg.topic] = msg.payload

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.on_message = on_message
    client.on_subscribe = lambda *_a: subscribed.set()
    client.connect(*BROKER)
    client.loop_start()
    try:
        client.subscribe(f"{prefix}/#", qos=1)
        assert subscribed.wait(10)
        client.publish(marker, b"", qos=1)
        assert done.wait(10), "the marker never came back"
    finally:
        client.disconnect()
        client.loop_stop()
    return got


def test_active_notice_is_retained_and_a_cancel_clears_it(broker, sqlite_url: str) -> None:  # noqa: ANN001
    db = open_database(sqlite_url)
    prefix = f"beacon-test/{uuid.uuid4().hex[:8]}/notices"
    config = parse_config({"mqtt": [{"name": "public", "host": broker[0], "port": broker[1],
                                     "topic_prefix": prefix}]})
    log, clock = StandInLog(), Clock()
    worker = DeliveryWorker(db, build_channels(config), now=clock, events=log)
    alert = notice_data()
    log.publish(alert)
    asyncio.run(worker.step())
    [rec] = deliveries_for(db, "N-00003")
    assert (rec.channel, rec.endpoint, rec.state) == ("mqtt", "public", SENT)
    assert rec.detail == {"topic": f"{prefix}/N-00003", "retained": True}
    assert retained(prefix) == {f"{prefix}/N-00003": alert["cap_xml"].encode()}

    update = notice_data(identifier="beacon-N-00003-2", msg_type="Update")
    log.publish(update)
    asyncio.run(worker.step())
    assert retained(prefix) == {f"{prefix}/N-00003": update["cap_xml"].encode()}

    log.publish(notice_data(identifier="beacon-N-00003-3", msg_type="Cancel"))
    asyncio.run(worker.step())
    assert [r.state for r in deliveries_for(db, "N-00003")] == [SENT, SENT, SENT]
    assert retained(prefix) == {}  # a late subscriber sees no cancelled notice
    db.dispose()


def test_broker_down_is_retried_with_the_reason(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    port = free_port()
    config = parse_config({"timeout_s": 2, "mqtt": [{"name": "public", "port": port}]})
    log, clock = StandInLog(), Clock()
    log.publish(notice_data())
    asyncio.run(DeliveryWorker(db, build_channels(config), now=clock, events=log).step())
    [rec] = deliveries_for(db, "N-00003")
    assert rec.state == RETRYING
    assert rec.reason.startswith(f"cannot connect to MQTT broker 127.0.0.1:{port}: ")
    db.dispose()
