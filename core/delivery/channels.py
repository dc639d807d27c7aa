"""The delivery channels: webhook, MQTT topic and SMS gateway.

Each channel turns an `Outgoing` into targets (one per endpoint; for SMS one per
recipient too) and sends to one target, raising `SendError` with a reason a person can
act on. Whether to try again is the channel's call (`retry`): a gateway that is down
may be up later, a 404 or a number that is not a number will not change. The worker
(`core.delivery.worker`) calls `core.outbound.check_outbound` before every send and
keeps the records; channels never touch the database.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
from typing import Any

import aiohttp

from core.delivery.config import DeliveryConfig, normalise_phone
from core.delivery.outgoing import Outgoing
from core.delivery.records import Target
from core.delivery.sms_split import split_sms

CAP_CONTENT_TYPE = "application/cap+xml"
# HTTP answers worth trying again: the endpoint is busy or briefly broken.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class SendError(Exception):
    """Sending failed: `reason` says why; `retry` whether it may work later;
    `retry_after_s` what the endpoint asked for (HTTP Retry-After), if anything."""

    def __init__(self, reason: str, *, retry: bool, retry_after_s: float | None = None,
                 detail: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.retry_after_s = retry_after_s
        self.detail = detail


class Channel:
    """One configured endpoint of a channel. Subclasses set `channel` and implement
    `targets` and `send`."""

    channel = ""

    def __init__(self, settings: dict[str, Any], timeout_s: float) -> None:
        self.settings = settings
        self.name: str = settings["name"]
        self.problem: str | None = settings.get("problem")
        self.kinds = frozenset(settings.get("kinds", ()))
        self.timeout_s = timeout_s

    def targets(self, outgoing: Outgoing) -> list[Target]:
        """Where `outgoing` goes on this endpoint (empty: not for this endpoint)."""
        return [Target(self.channel, self.name)] if outgoing.kind in self.kinds else []

    async def send(self, outgoing: Outgoing, detail: dict[str, Any]) -> dict[str, Any]:
        """Send `outgoing` to one target; returns the target's detail to keep.
        Raises `SendError`."""
        raise NotImplementedError


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After", "") if headers is not None else ""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: the backoff decides


async def _post(url: str, timeout_s: float, **kwargs: Any) -> tuple[int, str, Any]:
    """POST and return (status, reason phrase, JSON body or text). Turns what can go
    wrong on the way into `SendError`."""
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session, \
                session.post(url, allow_redirects=False, **kwargs) as resp:
            text = (await resp.content.read(4096)).decode("utf-8", "replace")
            status, phrase, headers = resp.status, resp.reason or "", resp.headers
    except TimeoutError:
        raise SendError(f"no answer from {url} within {timeout_s:g} s", retry=True) from None
    except aiohttp.ClientConnectorError as exc:
        raise SendError(f"cannot connect to {url}: {exc.os_error or exc}", retry=True) from None
    except aiohttp.ClientError as exc:
        raise SendError(f"{url}: {type(exc).__name__}: {exc}", retry=True) from None
    if not 200 <= status < 300:
        # the endpoint's words go into records shown on terminals and panels: printable only
        snippet = "".join(c if c.isprintable() else "?" for c in " ".join(text.split()))[:200]
        raise SendError(f"{url} answered HTTP {status} {phrase}" + (f": {snippet}"
                                                                   if snippet else ""),
                        retry=status in RETRY_STATUSES,
                        retry_after_s=_retry_after(headers))
    try:
        body: Any = json.loads(text) if text.strip() else None
    except ValueError:
        body = text
    return status, phrase, body


class WebhookChannel(Channel):
    """HTTP POST of the CAP document (application/cap+xml) to a configured URL."""

    channel = "webhook"

    def targets(self, outgoing: Outgoing) -> list[Target]:
        return super().targets(outgoing) if outgoing.cap_xml else []

    async def send(self, outgoing: Outgoing, detail: dict[str, Any]) -> dict[str, Any]:
        headers = {**self.settings["headers"],
                   "Content-Type": f"{CAP_CONTENT_TYPE}; charset=utf-8"}
        status, _, _ = await _post(self.settings["url"], self.timeout_s,
                                   data=(outgoing.cap_xml or "").encode("utf-8"),
                                   headers=headers)
        return {**detail, "status": status}


class MqttChannel(Channel):
    """Publishes the CAP document on `<topic_prefix>/<notice id>` (QoS 1 by default).

    Retained, so that a subscriber who connects later gets every active notice at once:
    an Alert or Update replaces the retained message of its notice; a Cancel is published
    once (not retained) and then clears the retained message, so late subscribers see
    only notices still in force. A notice that expires stays retained until it is
    cancelled: subscribers must honour the CAP <expires> time.
    """

    channel = "mqtt"

    def targets(self, outgoing: Outgoing) -> list[Target]:
        return super().targets(outgoing) if outgoing.cap_xml else []

    def topic(self, outgoing: Outgoing) -> str:
        """The notice's topic."""
        return f"{self.settings['topic_prefix']}/{outgoing.subject}"

    async def send(self, outgoing: Outgoing, detail: dict[str, Any]) -> dict[str, Any]:
        if not outgoing.subject or any(c in outgoing.subject for c in "/#+\0"):
            raise SendError(f"subject {outgoing.subject!r} cannot be an MQTT topic level",
                            retry=False)
        topic = self.topic(outgoing)
        payload = (outgoing.cap_xml or "").encode("utf-8")
        retain = bool(self.settings["retain"])
        if outgoing.msg_type == "Cancel":
            messages = [(payload, False)] + ([(b"", True)] if retain else [])
        else:
            messages = [(payload, retain)]
        loop = asyncio.get_running_loop()
        # paho is blocking: connect and publish on a worker thread, never on the loop
        await loop.run_in_executor(None, self._publish, topic, messages)
        return {**detail, "topic": topic, "retained": retain and outgoing.msg_type != "Cancel"}

    def _publish(self, topic: str, messages: list[tuple[bytes, bool]]) -> None:
        import paho.mqtt.client as mqtt

        host, port = self.settings["host"], self.settings["port"]
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, clean_session=True)
        client.connect_timeout = self.timeout_s
        try:
            client.connect(host, port, keepalive=30)
        except (OSError, ValueError) as exc:
            raise SendError(f"cannot connect to MQTT broker {host}:{port}: {exc}",
                            retry=True) from None
        client.loop_start()
        try:
            for payload, retain in messages:
                info = client.publish(topic, payload, qos=self.settings["qos"], retain=retain)
                info.wait_for_publish(timeout=self.timeout_s)
                if not info.is_published():
                    raise SendError(f"MQTT broker {host}:{port} did not acknowledge the "
                                    f"message on {topic} within {self.timeout_s:g} s "
                                    f"({mqtt.error_string(info.rc)})", retry=True)
        except RuntimeError as exc:  # paho: publish on a connection that went away
            raise SendError(f"MQTT broker {host}:{port}: {exc}", retry=True) from None
        finally:
            client.disconnect()
            client.loop_stop()


class SmsGatewayChannel(Channel):
    """An HTTP SMS gateway (see docs/delivery.md for the fields it sends).

    One target per recipient. Without a template, the text (the configured languages
    one after the other) is split by `core.delivery.sms_split`; with `split` each part
    is its own request carrying the concatenation reference, its number and the count,
    and a retry carries on from the first part not yet accepted. With a `template_id`
    (gateways that only send pre-approved templates) the request carries the template
    and its parameters and the gateway composes and splits the message.
    """

    channel = "sms"

    def targets(self, outgoing: Outgoing) -> list[Target]:
        if outgoing.kind not in self.kinds:
            return []
        numbers = outgoing.recipients or (self.settings["notice_recipients"]
                                          if outgoing.kind == "notice" else [])
        return [Target(self.channel, f"{self.name}:{n}", {"to": n}) for n in numbers]

    def text(self, outgoing: Outgoing) -> str:
        """The message: the configured languages' texts, in that order, one per line."""
        texts = [outgoing.texts[lang] for lang in self.settings["languages"]
                 if outgoing.texts.get(lang)]
        return "\n".join(texts)

    def _headers(self) -> dict[str, str]:
        token = self.settings.get("token", "")
        if self.settings.get("token_env"):
            token = os.environ.get(self.settings["token_env"], "")
        return {self.settings["auth_header"]: token} if token else {}

    async def _request(self, fields: dict[str, Any]) -> None:
        s = self.settings
        if s.get("sender"):
            fields[s["sender_field"]] = s["sender"]
        if s["format"] == "json":
            kwargs: dict[str, Any] = {"json": fields}
        else:
            kwargs = {"data": {k: json.dumps(v, ensure_ascii=False)
                               if isinstance(v, dict | list) else str(v)
                               for k, v in fields.items()}}
        _, _, body = await _post(s["url"], self.timeout_s, headers=self._headers(), **kwargs)
        if s.get("ok_field"):
            got = body.get(s["ok_field"]) if isinstance(body, dict) else None
            if got != s.get("ok_value"):
                shown = json.dumps(body, ensure_ascii=False)[:200] if body is not None else ""
                raise SendError(f"gateway {s['url']} refused the message: {s['ok_field']} "
                                f"is {got!r}, not {s.get('ok_value')!r}: {shown}", retry=False)

    async def send(self, outgoing: Outgoing, detail: dict[str, Any]) -> dict[str, Any]:
        s = self.settings
        number = normalise_phone(str(detail.get("to", "")))
        if number is None:
            raise SendError(f"{detail.get('to')!r} is not a phone number", retry=False)
        text = self.text(outgoing)
        if not text:
            raise SendError("nothing to send: no text in "
                            f"{', '.join(s['languages'])}", retry=False)
        split = split_sms(text)
        detail = {**detail, "encoding": split.encoding, "parts": split.count}
        if s.get("template_id"):
            source = {"text": text, "subject": outgoing.subject, "kind": outgoing.kind}
            params = {name: source[field] for name, field in s["template_params"].items()}
            await self._request({s["to_field"]: number, s["template_field"]: s["template_id"],
                                 s["params_field"]: params})
            return detail
        if split.count > s["max_parts"]:
            raise SendError(f"the text is {split.count} SMS parts ({split.units} "
                            f"{split.encoding} units), more than max_parts "
                            f"{s['max_parts']}", retry=False, detail=detail)
        if not s["split"]:
            await self._request({s["to_field"]: number, s["text_field"]: text})
            return {**detail, "parts_sent": split.count}
        ref = detail.get("ref", random.randrange(256))  # the same for every part and retry
        done = int(detail.get("parts_sent", 0))
        for n in range(done, split.count):
            fields = {s["to_field"]: number, s["text_field"]: split.parts[n]}
            if split.count > 1:
                fields |= {s["ref_field"]: ref, s["part_field"]: n + 1,
                           s["parts_field"]: split.count}
            try:
                await self._request(fields)
            except SendError as exc:
                exc.detail = {**detail, "ref": ref, "parts_sent": n}
                if n:
                    exc.reason = f"part {n + 1} of {split.count}: {exc.reason}"
                raise
        return {**detail, "ref": ref, "parts_sent": split.count}


CHANNEL_TYPES: dict[str, type[Channel]] = {
    "webhook": WebhookChannel, "mqtt": MqttChannel, "sms": SmsGatewayChannel}


def build_channels(config: DeliveryConfig) -> list[Channel]:
    """One channel object per configured endpoint."""
    timeout = config.policy.timeout_s
    return ([WebhookChannel(s, timeout) for s in config.webhook]
            + [MqttChannel(s, timeout) for s in config.mqtt]
            + [SmsGatewayChannel(s, timeout) for s in config.sms])
