"""Events between workers: NOTIFY payloads stay under PostgreSQL's limit and decode to
the same events, in order, with the text every worker streams."""

from __future__ import annotations

from twin.devices.events import (
    NOTIFY_PAYLOAD_BYTES,
    Event,
    decode_notification,
    encode_notifications,
)


def test_events_are_cut_into_payloads_under_the_limit_and_come_back_in_order():
    events = [
        Event("reading", "B1", {"device_id": f"传感器-{i}", "ts": "2026-11-24T02:00:00Z",
                                "values": {"temp": 20.0 + i}})
        for i in range(400)
    ]  # fmt: skip
    payloads = encode_notifications("worker-a", events)
    assert len(payloads) > 1
    assert all(len(p.encode()) <= NOTIFY_PAYLOAD_BYTES for p in payloads)
    decoded = []
    for payload in payloads:
        origin, batch = decode_notification(payload)
        assert origin == "worker-a"
        decoded.extend(batch)
    assert [(e.kind, e.building_id, e.data) for e in decoded] == [
        (e.kind, e.building_id, e.data) for e in events
    ]
    assert [e.json() for e in decoded] == [e.json() for e in events]


def test_an_event_too_large_for_one_payload_is_left_out_alone():
    big = Event("reading", "B1", {"device_id": "D", "ts": "t", "values": {"x": "a" * 9000}})
    small = Event("status", "B1", {"device_id": "D", "status": "normal"})
    (payload,) = encode_notifications("w", [big, small])
    assert [e.kind for e in decode_notification(payload)[1]] == ["status"]
