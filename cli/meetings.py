"""``twin meetings``: meeting rooms and bookings of a registered building.

Works on the service's own data (``TWIN_DATA_DIR``, ``TWIN_DATABASE_URL``):
``rooms`` lists the bookable rooms, ``book`` books one, ``ics`` exports a
booking or a room's calendar as iCalendar (``.ics``) for Outlook, Apple
Calendar or any other calendar, ``demo-week`` books the demo's meetings for
this week (what ``twin demo`` does for its building). ``--json`` prints the API's shapes
(:mod:`api.schemas.meetings`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import TwinGroup, app
from cli.common import fail, print_json

if TYPE_CHECKING:
    from twin.meetings.operations import Meetings

meetings_app = typer.Typer(
    cls=TwinGroup, help="Meeting rooms: bookable rooms, bookings, calendars (.ics)."
)
app.add_typer(meetings_app, name="meetings")

Building = Annotated[str, typer.Argument(help="Registered building id.")]
JsonOutput = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@contextlib.contextmanager
def _meetings() -> Iterator[Meetings]:
    # Imported when a command runs: ``twin --help`` loads no database or model code.
    from twin.buildings.queries import BuildingQueries, QueryError
    from twin.buildings.registry import RegistryError
    from twin.meetings.errors import MeetingError
    from twin.meetings.operations import Meetings
    from twin.navigation.errors import RoutingError
    from twin.service import Twin
    from twin.settings import get_settings

    twin = Twin(get_settings())
    try:
        yield Meetings(BuildingQueries(twin))
    except (MeetingError, QueryError, RegistryError, RoutingError) as exc:
        fail(str(exc))
    finally:
        twin.engine.dispose()


@meetings_app.command("rooms")
def rooms_command(building: Building, json_output: JsonOutput = False) -> None:
    """Bookable rooms: seats, step-free access, equipment, status now."""
    with _meetings() as meetings:
        rows = meetings.room_listings(building)
    if json_output:
        from api.schemas.meetings import MeetingRoomOut

        print_json([MeetingRoomOut.model_validate(r).model_dump(mode="json") for r in rows])
        return
    for row in rows:
        access = "step-free" if row.step_free else "stairs only"
        typer.echo(
            f"{row.number:<8} {row.name[:20]:<20} {row.storey:<10} "
            f"{row.capacity:>4} seats  {access:<11} {row.status}"
        )


@meetings_app.command("book")
def book_command(
    building: Building,
    room: Annotated[str, typer.Option(help="Room GlobalId, number or name.")],
    start: Annotated[str, typer.Option(help="ISO 8601 with offset, e.g. 2030-01-07T09:00+08:00")],
    end: Annotated[str, typer.Option(help="ISO 8601 with offset.")],
    attendees: Annotated[int, typer.Option(min=1)],
    title: Annotated[str, typer.Option()] = "",
    organiser: Annotated[str, typer.Option()] = "cli",
    organisation: Annotated[str, typer.Option()] = "",
    json_output: JsonOutput = False,
) -> None:
    """Book a room (exit 2 with the reason on a clash, too many attendees, ...)."""
    try:
        times = datetime.fromisoformat(start), datetime.fromisoformat(end)
    except ValueError as exc:
        fail(f"bad time: {exc}")
    from twin.meetings.records import BookingRequest

    request = BookingRequest(
        room=room,
        start=times[0],
        end=times[1],
        attendees=attendees,
        title=title,
        organiser=organiser,
        organisation=organisation,
    )
    with _meetings() as meetings:
        (booking,) = meetings.book(building, request, actor="cli")
    if json_output:
        from api.schemas.meetings import BookingOut

        print_json(BookingOut.of(booking, personal=True).model_dump(mode="json"))
        return
    typer.echo(f"{booking.id} {booking.state} {booking.room} {booking.start.isoformat()}")


@meetings_app.command("ics")
def ics_command(
    building: Building,
    booking: Annotated[str | None, typer.Option(help="Export this booking.")] = None,
    room: Annotated[str | None, typer.Option(help="Export this room's calendar.")] = None,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="File (default stdout).")] = None,
) -> None:
    """Export a booking or a room's calendar as iCalendar (RFC 5545)."""
    if (booking is None) == (room is None):
        fail("give exactly one of --booking and --room")
    with _meetings() as meetings:
        body = (
            meetings.booking_ics(building, booking)
            if booking is not None
            else meetings.room_ics(building, room or "")
        )
    if out is None:
        typer.echo(body.decode("utf-8"), nl=False)
    else:
        out.write_bytes(body)
        typer.echo(f"wrote {out}", err=True)


@meetings_app.command("demo-week")
def demo_week_command(building: Building) -> None:
    """Book the rooms for this week with the demo's meetings (as ``twin demo`` does);
    those that clash with stored bookings are skipped."""
    from twin.demo.meetings import book_demo_week

    with _meetings() as meetings:
        added = book_demo_week(
            meetings.service.store,
            building,
            meetings.queries.view(building).building,
            rules=meetings.rules,
        )
    typer.echo(f"{added} demo bookings added for this week")
