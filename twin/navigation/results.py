"""What the navigator answers: small frozen records, shaped like their JSON.

:class:`~twin.navigation.navigator.Navigator` returns them; ``api/schemas``
reads their attributes to shape the HTTP answer, and the command line prints
them (``to_dict`` is the shape of ``twin route --json`` and ``twin round
--json``, the same as the API's). Lengths are metres rounded to the
millimetre, times seconds rounded to 10 ms, polylines world metres rounded to
the millimetre, so that answers are stable across runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spatial.rounds import Round
from spatial.routing import Place, Route, Step

#: Decimal places of lengths and coordinates (m) and of times (s) in answers.
LENGTH_DIGITS = 3
TIME_DIGITS = 2


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """A place a route or round starts, ends or stops at."""

    kind: str
    global_id: str
    name: str

    @classmethod
    def of(cls, place: Place) -> PlaceRef:
        return cls(place.kind, place.global_id, place.name)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "global_id": self.global_id, "name": self.name}


@dataclass(frozen=True, slots=True)
class Leg:
    """A route: ordered steps, length (m), time (s) and a 3D polyline (world metres)."""

    origin: PlaceRef
    destination: PlaceRef
    length_m: float
    time_s: float
    steps: tuple[Step, ...]
    polyline: tuple[tuple[float, float, float], ...]

    @staticmethod
    def fields_of(route: Route) -> dict[str, Any]:
        """The rounded fields of a router's route."""
        return {
            "origin": PlaceRef.of(route.origin),
            "destination": PlaceRef.of(route.destination),
            "length_m": round(route.length_m, LENGTH_DIGITS),
            "time_s": round(route.time_s, TIME_DIGITS),
            "steps": route.steps,
            "polyline": tuple(
                (round(x, LENGTH_DIGITS), round(y, LENGTH_DIGITS), round(z, LENGTH_DIGITS))
                for x, y, z in route.polyline
            ),
        }

    @classmethod
    def of(cls, route: Route) -> Leg:
        return cls(**cls.fields_of(route))

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.origin.to_dict(),
            "to": self.destination.to_dict(),
            "length_m": self.length_m,
            "time_s": self.time_s,
            "steps": [
                {"kind": s.kind, "global_id": s.global_id, "name": s.name, "storey": s.storey}
                for s in self.steps
            ],
            "polyline": [list(p) for p in self.polyline],
        }


@dataclass(frozen=True, slots=True)
class RouteAnswer(Leg):
    """A route and the lifts it could not use because their devices report a fault."""

    lifts_out_of_service: tuple[str, ...]

    @classmethod
    def answer(cls, route: Route, lifts_out_of_service: tuple[str, ...]) -> RouteAnswer:
        return cls(**Leg.fields_of(route), lifts_out_of_service=lifts_out_of_service)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``twin route --json`` and ``GET .../route``."""
        return {**Leg.to_dict(self), "lifts_out_of_service": list(self.lifts_out_of_service)}


@dataclass(frozen=True, slots=True)
class RoundAnswer:
    """A round: the visiting order, its legs and totals, the naive order's totals, and
    the lifts it could not use because their devices report a fault."""

    start: PlaceRef
    order: tuple[PlaceRef, ...]
    length_m: float
    time_s: float
    naive_length_m: float
    naive_time_s: float
    legs: tuple[Leg, ...]
    lifts_out_of_service: tuple[str, ...]

    @classmethod
    def answer(cls, planned: Round, lifts_out_of_service: tuple[str, ...]) -> RoundAnswer:
        return cls(
            start=PlaceRef.of(planned.start),
            order=tuple(PlaceRef.of(p) for p in planned.order),
            length_m=round(planned.length_m, LENGTH_DIGITS),
            time_s=round(planned.time_s, TIME_DIGITS),
            naive_length_m=round(planned.naive_length_m, LENGTH_DIGITS),
            naive_time_s=round(planned.naive_time_s, TIME_DIGITS),
            legs=tuple(Leg.of(leg) for leg in planned.legs),
            lifts_out_of_service=lifts_out_of_service,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``twin round --json`` and ``GET .../rounds``."""
        return {
            "start": self.start.to_dict(),
            "order": [p.to_dict() for p in self.order],
            "length_m": self.length_m,
            "time_s": self.time_s,
            "naive_length_m": self.naive_length_m,
            "naive_time_s": self.naive_time_s,
            "legs": [leg.to_dict() for leg in self.legs],
            "lifts_out_of_service": list(self.lifts_out_of_service),
        }
