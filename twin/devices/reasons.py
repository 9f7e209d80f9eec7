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
=================  ==========================================  =======================

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
CODES = ("above", "below", "state", "offline", "patrol")

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan"
_THRESHOLD = re.compile(
    rf"^(?P<point>\S+) (?P<value>{_NUMBER})(?: (?P<unit>\S+))?"
    rf" (?P<side>above|below) (?P<limit>{_NUMBER})$"
)
_STATE = re.compile(r"^(?P<point>\S+) is (?P<state>true|false)$")
_OFFLINE = re.compile(rf"^no reading for more than (?P<seconds>{_NUMBER}) s$")
_PATROL_HELD = re.compile(r"^.* \((?P<held>[^()]*)\)$")


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
    raise ValueError(f"unknown reason code {code!r}")


def reason_of(kind: str, point: str, text: str) -> tuple[str, dict[str, Any]] | None:
    """The code and parameters of an alarm's reason, ``None`` for a text no code
    describes (energy anomalies, reasons given by other systems).

    ``kind`` and ``point`` are the alarm's (``point`` is ``patrol:<rule>`` for patrol rules).
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
    return None


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
