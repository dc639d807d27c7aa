"""A published notice's event data becomes an Outgoing (contract of issue 18)."""

from __future__ import annotations

import pytest

from core.delivery import BadOutgoing, Outgoing, notice_outgoing
from tests.delivery.support import notice_data


def test_notice_published_data_maps_to_an_outgoing() -> None:
    out = notice_outgoing(notice_data())
    assert out.subject == "N-00003"
    assert out.kind == "notice"
    assert out.message_id == "beacon-N-00003-1"
    assert out.msg_type == "Alert"
    assert out.cap_xml is not None and "<identifier>beacon-N-00003-1" in out.cap_xml
    assert out.recipients == []
    # the SMS text is the notices panel's preview (core.notices.preview.sms_text)
    assert out.texts == {"zh-CN": "暴雨红色预警。远离河道，尽快转移到高处。",
                         "en-US": "Red rainstorm warning. "
                                  "Keep away from rivers; move to higher ground."}
    assert Outgoing.from_json(out.to_json()) == out


def test_the_sms_text_is_exactly_the_preview_for_every_status_and_msg_type() -> None:
    from core.notices.preview import preview

    for status in ("Actual", "Exercise", "Test"):
        for msg_type in ("Alert", "Update", "Cancel"):
            data = notice_data(status=status, msg_type=msg_type)
            shown = {p.language: p.text for p in preview(data, msg_type)
                     if p.channel == "sms"}
            assert notice_outgoing(data).texts == shown, (status, msg_type)
    exercise = notice_outgoing(notice_data(status="Exercise")).texts
    assert exercise["zh-CN"].startswith("【演练】") and \
        exercise["en-US"].startswith("[EXERCISE] ")
    cancel = notice_outgoing(notice_data(msg_type="Cancel")).texts
    assert cancel["en-US"] == "CANCELLED: Red rainstorm warning"


def test_a_language_without_a_headline_or_instruction_sends_nothing_in_it() -> None:
    data = notice_data(texts={"en-US": {"headline": "All clear", "description": "Rain over.",
                                        "instruction": ""},
                              "zh-CN": {"headline": "", "instruction": ""},
                              "fr-FR": "pas un objet"})
    assert notice_outgoing(data).texts == {"en-US": "All clear"}


def test_update_and_cancel_keep_the_notice_as_subject() -> None:
    cancel = notice_outgoing(notice_data(identifier="beacon-N-00003-3", msg_type="Cancel",
                                         references="x,beacon-N-00003-1,2026"))
    assert (cancel.subject, cancel.message_id, cancel.msg_type) == \
        ("N-00003", "beacon-N-00003-3", "Cancel")


@pytest.mark.parametrize(("change", "message"), [
    ({"notice_id": ""}, "'notice_id' is missing"),
    ({"cap_xml": None}, "'cap_xml' is missing"),
    ({"msg_type": "Ack"}, "msg_type 'Ack' is not Alert, Update or Cancel"),
    ({"texts": ["zh-CN"]}, "'texts' is not an object"),
])
def test_bad_event_data_is_refused_with_the_field(change: dict, message: str) -> None:
    with pytest.raises(BadOutgoing, match=message):
        notice_outgoing(notice_data() | change)
    with pytest.raises(BadOutgoing, match="not an object"):
        notice_outgoing(["not", "a", "dict"])  # type: ignore[arg-type]
