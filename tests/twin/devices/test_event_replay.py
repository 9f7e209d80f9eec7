"""The event bus numbers events and replays what a reconnecting subscriber missed."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from api import sse
from twin.devices.events import Event, EventBus


def run_apart(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``main`` in an event loop of its own thread: the browser tests' Playwright
    keeps a loop running in this one for the whole session."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def reading(n: int, building: str = "B1") -> Event:
    return Event("reading", building, {"n": n})


async def first(subscription, count):  # type: ignore[no-untyped-def]
    got = []
    async for batch in subscription.batches(heartbeat_s=0.05):
        got.extend(batch)
        if len(got) >= count or not batch:
            return got
    return got


def test_events_get_consecutive_ids_of_the_bus_epoch():
    bus = EventBus()
    events = [reading(n) for n in range(3)]
    bus.publish(events)
    assert [e.id for e in events] == [f"{bus.epoch}-{n}" for n in (1, 2, 3)]
    assert sse.message(events[0]).startswith(f"id: {bus.epoch}-1\nevent: reading\n")


def test_a_subscriber_gets_what_it_missed_then_live_events_with_no_repeat():
    async def run() -> None:
        bus = EventBus()
        bus.publish([reading(0)])
        seen = bus.subscribe().last_id  # a client saw event 1, then left
        bus.publish([reading(n) for n in range(1, 6)])
        bus.publish([reading(9, "B2")])  # filtered out
        back = bus.subscribe(buildings={"B1"}, last_event_id=seen)
        bus.publish([reading(6)])
        got = await first(back, 6)
        assert [e.data["n"] for e in got] == [1, 2, 3, 4, 5, 6]
        assert not back.reset

    run_apart(run)


def test_a_subscriber_whose_events_left_the_buffer_is_told_to_reset():
    async def run() -> None:
        bus = EventBus(replay_events=10)
        seen = bus.subscribe().last_id
        bus.publish([reading(n) for n in range(20)])
        assert bus.subscribe(last_event_id=seen).reset
        assert bus.subscribe(last_event_id="other-1").reset
        assert bus.subscribe(last_event_id=f"{bus.epoch}-999").reset
        assert not bus.subscribe(last_event_id=f"{bus.epoch}-15").reset

    run_apart(run)
