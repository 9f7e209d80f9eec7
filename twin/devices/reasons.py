"""Alarm reasons as a stable code with parameters, so a client shows them in its
user's language; the English text stays the stored and sent ``reason``.

Each code has one English pattern: :func:`reason_text` writes it and
:func:`reason_of` reads a stored text back into the code and its parameters
(alarms stored before codes existed included), so the two never drift apart.

=================  ==========================================  =======================
code               English text                                parameters
=================  ==========================================  =======================
``above``          ``temp 31 degC above 30``                   point, value, unit, limit
``below``          ``temp 12 degC below 14``                   point, value, unit, limit
``state``          ``leak is true``                            point, state (bool)
``offline``        ``no reading for more than 120 s``          seconds
``patrol``         the rule's description ``(cond, cond)``     rule, conditions (list)
``night``          ``electricity outside working hours on      medium, day, value, unit,
                   2026-10-21: 1.24 kWh/h, 2.4× the usual      baseline, rooms (list),
                   0.52; rooms: 101 办公室``                   more_rooms
``jump``           ``electricity on 2026-10-21: 49.00 kWh      medium, day, value, unit,
                   against 24.50 on the same weekday before;   baseline, rooms (list),
                   rooms: 201, 202``                           more_rooms
``submeters``      ``sub-meters L101, L201 counted 90.00 kWh   meters (list), value,
                   on 2026-10-21, more than their parent       unit, day, parent,
                   MAIN (81.00)``                              baseline
=================  ==========================================  =======================

The energy codes are the anomalies of :mod:`twin.energy.anomalies` (``night``: use
outside working hours, nights, weekends and holidays alike, per hour against the
meter's usual; ``jump``: a day against the same weekday before; ``submeters``:
sub-meters that counted more than their parent). Their values are in the medium's
unit (``night``: per hour), rounded to two decimals as the text shows them;
``rooms`` are the rooms' labels, the first :data:`ROOMS_NAMED` of them, and
``more_rooms`` counts the rest.

A work order made from an alarm is titled ``<device>: <reason>``
(:func:`alarm_title`); :func:`title_reason` reads the reason back from such a title.

Examples
--------
>>> reason_text("above", point="temp", value=31.0, unit="degC", limit=30.0)
'temp 31 degC above 30'
>>> reason_of("threshold", "temp", "temp 31 degC above 30")
('above', {'point': 'temp', 'value': 31.0, 'unit': 'degC', 'limit': 30.0})
"""

from __future__ import annotations

import re
from typing import Any

#: Codes of the reasons this module writes and reads.
CODES = ("above", "below", "state", "offline", "patrol", "night", "jump", "submeters")
#: Rooms an energy reason names; the rest are counted.
ROOMS_NAMED = 5

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan"
_THRESHOLD = re.compile(
    rf"^(?P<point>\S+) (?P<value>{_NUMBER})(?: (?P<unit>\S+))?"
    rf" (?P<side>above|below) (?P<limit>{_NUMBER})$"
)
_STATE = re.compile(r"^(?P<point>\S+) is (?P<state>true|false)$")
_OFFLINE = re.compile(rf"^no reading for more than (?P<seconds>{_NUMBER}) s$")
_PATROL_HELD = re.compile(r"^.* \((?P<held>[^()]*)\)$")
_DAY = r"\d{4}-\d{2}-\d{2}"
_ROOMS = r"; rooms: (?P<rooms>.*?)(?: and (?P<more>\d+) more)?$"
_NIGHT = re.compile(
    rf"^(?P<medium>\S+) outside working hours on (?P<day>{_DAY}): (?P<value>{_NUMBER})"
    rf" (?P<unit>\S+)/h, (?:{_NUMBER})× the usual (?P<baseline>{_NUMBER}){_ROOMS}"
)
_JUMP = re.compile(
    rf"^(?P<medium>\S+) on (?P<day>{_DAY}): (?P<value>{_NUMBER}) (?P<unit>\S+)"
    rf" against (?P<baseline>{_NUMBER}) on the same weekday before{_ROOMS}"
)
_SUBMETERS = re.compile(
    rf"^sub-meters (?P<meters>.+) counted (?P<value>{_NUMBER}) (?P<unit>\S+) on (?P<day>{_DAY}),"
    rf" more than their parent (?P<parent>\S+) \((?P<baseline>{_NUMBER})\)$"
)


def reason_text(code: str, **params: Any) -> str:
    """The English text of a reason (what ``Alarm.reason`` stores)."""
    if code in ("above", "below"):
        unit = f" {params['unit']}" if params.get("unit") else ""
        return f"{params['point']} {params['value']:g}{unit} {code} {params['limit']:g}"
    if code == "state":
        return f"{params['point']} is {str(bool(params['state'])).lower()}"
    if code == "offline":
        return f"no reading for more than {params['seconds']:g} s"
    if code == "patrol":
        held = params.get("conditions") or []
        description = str(params["description"])
        return f"{description} ({', '.join(held)})" if held else description
    if code == "night":
        value, baseline = params["value"], params["baseline"]
        ratio = value / baseline if baseline else float("inf")
        return (
            f"{params['medium']} outside working hours on {params['day']}: {value:.2f}"
            f" {params['unit']}/h, {ratio:.1f}× the usual {baseline:.2f}{_rooms_text(params)}"
        )
    if code == "jump":
        return (
            f"{params['medium']} on {params['day']}: {params['value']:.2f} {params['unit']}"
            f" against {params['baseline']:.2f} on the same weekday before{_rooms_text(params)}"
        )
    if code == "submeters":
        return (
            f"sub-meters {', '.join(params['meters'])} counted {params['value']:.2f}"
            f" {params['unit']} on {params['day']}, more than their parent {params['parent']}"
            f" ({params['baseline']:.2f})"
        )
    raise ValueError(f"unknown reason code {code!r}")


def _rooms_text(params: dict[str, Any]) -> str:
    names = list(params["rooms"])
    more = f" and {params['more_rooms']} more" if params.get("more_rooms") else ""
    return f"; rooms: {', '.join(names) if names else 'no room'}{more}"


def energy_rooms(labels: list[str]) -> dict[str, Any]:
    """The ``rooms`` and ``more_rooms`` parameters of an energy reason naming ``labels``."""
    return {"rooms": labels[:ROOMS_NAMED], "more_rooms": max(0, len(labels) - ROOMS_NAMED)}


def reason_of(kind: str, point: str, text: str) -> tuple[str, dict[str, Any]] | None:
    """The code and parameters of an alarm's reason, ``None`` for a text no code
    describes (reasons given by other systems).

    ``kind`` and ``point`` are the alarm's (``point`` is ``patrol:<rule>`` for patrol
    rules, ``energy:<anomaly>`` for energy anomalies).
    """
    if kind == "threshold" and (m := _THRESHOLD.match(text)):
        params: dict[str, Any] = {
            "point": m["point"],
            "value": float(m["value"]),
            "unit": m["unit"] or "",
            "limit": float(m["limit"]),
        }
        return m["side"], params
    if kind == "boolean" and (m := _STATE.match(text)):
        return "state", {"point": m["point"], "state": m["state"] == "true"}
    if kind == "offline" and (m := _OFFLINE.match(text)):
        return "offline", {"seconds": float(m["seconds"])}
    if kind == "patrol" and point.startswith("patrol:"):
        m = _PATROL_HELD.match(text)
        conditions = [c for c in m["held"].split(", ") if c] if m else []
        return "patrol", {"rule": point.removeprefix("patrol:"), "conditions": conditions}
    if kind == "energy":
        return _energy_of(point.removeprefix("energy:"), text)
    return None


def _energy_of(anomaly: str, text: str) -> tuple[str, dict[str, Any]] | None:
    pattern = {"night": _NIGHT, "jump": _JUMP, "submeters": _SUBMETERS}.get(anomaly)
    m = pattern.match(text) if pattern is not None else None
    if m is None:
        return None
    params: dict[str, Any] = {
        "day": m["day"],
        "value": float(m["value"]),
        "unit": m["unit"],
        "baseline": float(m["baseline"]),
    }
    if anomaly == "submeters":
        params |= {"meters": m["meters"].split(", "), "parent": m["parent"]}
    else:
        rooms = m["rooms"]
        params |= {
            "medium": m["medium"],
            "rooms": [] if rooms == "no room" else rooms.split(", "),
            "more_rooms": int(m["more"] or 0),
        }
    return anomaly, params


def alarm_title(device_id: str, reason: str) -> str:
    """The title of a work order made from an alarm of ``device_id``."""
    return f"{device_id}: {reason}"


def title_reason(device_id: str | None, title: str) -> tuple[str, dict[str, Any]] | None:
    """The code and parameters of the alarm reason a work order's title was made
    from (:func:`alarm_title`), ``None`` for any other title.

    Examples
    --------
    >>> title_reason("TS-1", "TS-1: temp 33 degC above 32")[0]
    'above'
    >>> title_reason("TS-1", "Replace the filter") is None
    True
    """
    prefix = f"{device_id}: "
    if device_id is None or not title.startswith(prefix):
        return None
    reason = title.removeprefix(prefix)
    for kind in ("threshold", "boolean", "offline"):
        if found := reason_of(kind, "", reason):
            return found
    return None
