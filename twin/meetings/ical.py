"""iCalendar (RFC 5545) export of bookings: bytes, never files.

One ``VEVENT`` per booking, times in UTC (``DTSTART:20250303T010000Z``), the
room as ``LOCATION``, pending bookings ``TENTATIVE``. Lines end in CRLF and
are folded at 75 octets without splitting a UTF-8 character (section 3.1);
text values escape backslash, semicolon, comma and newlines (section 3.3.11).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from twin.meetings.records import Booking

PRODID = "-//bim-facility-twin//meetings//ZH"
#: Longest content line, octets without the CRLF (RFC 5545 section 3.1).
LINE_OCTETS = 75
STATUS = {"booked": "CONFIRMED", "pending": "TENTATIVE"}


def escape_text(value: str) -> str:
    """A TEXT value escaped per RFC 5545 section 3.3.11."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded into CRLF-separated pieces of at most 75 octets."""
    pieces: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1  # continuation starts with a space
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces) + "\r\n"


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(
    bookings: Iterable[Booking],
    room_labels: Mapping[str, str],
    *,
    name: str = "",
    stamp: datetime | None = None,
) -> bytes:
    """A VCALENDAR with one VEVENT per booking (cancelled ones as ``CANCELLED``).

    Examples
    --------
    >>> calendar([], {}, name="A205").startswith(b"BEGIN:VCALENDAR\\r\\n")
    True
    """
    now = _utc(stamp or datetime.now(UTC))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines.append("METHOD:PUBLISH")
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for b in bookings:
        description = "\n".join(
            part
            for part in (
                f"组织者 Organiser: {b.organiser}" if b.organiser else "",
                f"单位 Organisation: {b.organisation}" if b.organisation else "",
                f"人数 Attendees: {b.attendees}",
                f"访客 Visitors: {len(b.visitors)}" if b.visitors else "",
            )
            if part
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{b.id}@{b.building_id}.bim-facility-twin",
            f"DTSTAMP:{now}",
            f"DTSTART:{_utc(b.start)}",
            f"DTEND:{_utc(b.end)}",
            f"SUMMARY:{escape_text(b.title or '会议 Meeting')}",
            f"LOCATION:{escape_text(room_labels.get(b.room, b.room))}",
            f"DESCRIPTION:{escape_text(description)}",
            f"STATUS:{STATUS.get(b.state, 'CANCELLED')}",
        ]
        if b.series_id:
            lines.append(f"X-TWIN-SERIES:{b.series_id}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines).encode("utf-8")
