"""Start calls at the same instant, as two workers racing for one room."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def race(*calls: Callable[[], Any], errors: tuple[type[Exception], ...] = ()) -> list[Any]:
    """Run ``calls`` in threads released together; their results (or the ``errors``
    they raised) in finishing order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = []

    def run(call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            outcomes.append(call())
        except errors as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes
