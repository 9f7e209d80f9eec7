"""Events between workers: NOTIFY payloads stay under PostgreSQL's limit and decode to
the same numbered events, in order, with the text every worker streams; a shared bus
delivers in number order, gives up on a lost number with a reset for older ids, and
takes an id another worker gave out as seen."""

from __future__ import annotations

import time

from tests.twin.devices.test_event_replay import first, reading, run_apart
from twin.devices import events as events_module
from twin.devices.events import (
    NOTIFY_PAYLOAD_BYTES,
    Event,
    EventBus,
    decode_notification,
    encode_notifications,
    sendable,
)


def numbered(start: int, count: int) -> list[Event]:
    batch = [reading(n) for n in range(start, start + count)]
    for event in batch:
        object.__setattr__(event, "seq", event.data["n"])
    return batch


def shared_bus(relayed: list[list[Event]] | None = None) -> EventBus:
    bus = EventBus()
    bus.share("dbepoch1", 0, (relayed if relayed is not None else []).append)
    return bus


def test_events_are_cut_into_payloads_under_the_limit_and_come_back_in_order():
    events = [
        Event("reading", "B1", {"device_id": f"传感器-{i}", "ts": "2026-11-24T02:00:00Z",
                                "values": {"temp": 20.0 + i}})
        for i in range(400)
    ]  # fmt: skip
    for number, event in enumerate(events, 1_000_000_001):
        object.__setattr__(event, "seq", number)
    payloads = encode_notifications("worker-a", events)
    assert len(payloads) > 1
    assert all(len(p.encode()) <= NOTIFY_PAYLOAD_BYTES for p in payloads)
    decoded = []
    for payload in payloads:
        origin, batch = decode_notification(payload)
        assert origin == "worker-a"
        decoded.extend(batch)
    assert [(e.seq, e.kind, e.building_id, e.data) for e in decoded] == [
        (e.seq, e.kind, e.building_id, e.data) for e in events
    ]
    assert [e.json() for e in decoded] == [e.json() for e in events]


def test_an_event_too_large_for_one_payload_is_left_out_alone():
    big = Event("reading", "B1", {"device_id": "D", "ts": "t", "values": {"x": "a" * 9000}})
    small = Event("status", "B1", {"device_id": "D", "status": "normal"})
    assert sendable("w", [big, small]) == [small]


def test_a_shared_bus_delivers_in_number_order_and_relays_unnumbered_events():
    async def run() -> None:
        relayed: list[list[Event]] = []
        bus = shared_bus(relayed)
        subscription = bus.subscribe()
        # This worker's own commit (3) overtakes another worker's notification (1, 2).
        bus.publish(numbered(3, 1))
        assert bus.published == 0
        bus.publish(numbered(1, 2))
        got = await first(subscription, 3)
        assert [e.id for e in got] == ["dbepoch1-1", "dbepoch1-2", "dbepoch1-3"]
        # A duplicate is dropped; an unnumbered event goes to the relay, not to clients.
        bus.publish(numbered(2, 1))
        booking = Event("booking", "B1", {"id": "m1"})
        bus.publish([booking])
        assert relayed == [[booking]] and bus.published == 3

    run_apart(run)


def test_a_lost_number_is_given_up_after_the_wait_and_older_ids_get_a_reset(monkeypatch):
    monkeypatch.setattr(events_module, "GAP_WAIT_S", 0.05)

    async def run() -> None:
        bus = shared_bus()
        bus.publish(numbered(1, 2))
        bus.publish(numbered(5, 2))  # 3 and 4 never come
        assert bus.published == 2
        time.sleep(0.1)
        bus.settle()
        assert bus.published == 4 and bus.lost == 2
        assert bus.subscribe(last_event_id="dbepoch1-2").reset  # it would miss 3 and 4
        after = bus.subscribe(last_event_id="dbepoch1-5")
        assert not after.reset
        bus.publish(numbered(7, 1))
        assert [e.id for e in await first(after, 2)] == ["dbepoch1-6", "dbepoch1-7"]

    run_apart(run)


def test_an_id_of_events_still_on_their_way_is_taken_as_seen():
    async def run() -> None:
        bus = shared_bus()
        bus.publish(numbered(1, 1))
        # A client saw up to 3 on another worker and reconnects here.
        subscription = bus.subscribe(last_event_id="dbepoch1-3")
        assert not subscription.reset and subscription.last_id == "dbepoch1-3"
        bus.publish(numbered(2, 3))
        assert [e.id for e in await first(subscription, 1)] == ["dbepoch1-4"]
        # A single bus never gave out that number: reset.
        alone = EventBus()
        assert alone.subscribe(last_event_id=f"{alone.epoch}-3").reset

    run_apart(run)


def test_two_shared_states_number_events_from_one_sequence_in_the_database(postgres_url):
    from concurrent.futures import ThreadPoolExecutor

    from twin.devices.live import LiveState
    from twin.store.db import engine_for

    engine = engine_for(postgres_url)
    states = [LiveState(engine, clock=time.time, bus=EventBus()) for _ in range(2)]
    try:
        for state in states:
            state.share_events()
        assert states[0].bus.epoch == states[1].bus.epoch

        def send(index: int) -> list[int]:
            numbers = []
            for n in range(20):
                with states[index % 2].transaction() as tx:
                    tx.events.extend([reading(n), reading(n)])
                numbers.extend(e.seq for e in tx.events)
            return numbers

        with ThreadPoolExecutor(4) as pool:
            taken = [n for numbers in pool.map(send, range(4)) for n in numbers]
        first_number = min(taken)
        assert sorted(taken) == list(range(first_number, first_number + 160))
        # An event published straight to a shared bus is relayed: numbered next.
        booking = Event("booking", "B1", {"id": "m1"})
        states[0].bus.publish([booking])
        assert booking.seq == first_number + 160
    finally:
        engine.dispose()
