"""Housing staff's work on a registered building: allocations and compliance.

Allocations are kept per building (:class:`twin.housing.allocations.AllocationStore`
with the building id). Imports are one transaction (every row or none) and
audited with the actor; exports and histories drop names and person ids
unless the caller may see personal data (``personal``); the compliance
report then keeps counts and departments only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import Literal
from urllib.parse import quote

from twin import today_utc
from twin.buildings.queries import BuildingQueries
from twin.housing.allocations.errors import AllocationFileError
from twin.housing.allocations.export import to_csv_bytes, to_json_bytes, to_xlsx_bytes
from twin.housing.allocations.parse import RawRow, rows_from_csv, rows_from_json, rows_from_xlsx
from twin.housing.allocations.records import Allocation
from twin.housing.allocations.store import ImportResult
from twin.housing.compliance import (
    ComplianceReport,
    ComplianceResult,
    check_compliance,
    compliance_report,
    redact_report,
)
from twin.housing.compliance import to_xlsx_bytes as compliance_xlsx
from twin.housing.standards import default_standard

ExportFormat = Literal["csv", "xlsx", "json"]


def rows_from_upload(content: bytes) -> list[RawRow]:
    """Rows of an uploaded allocation file, recognised by content: XLSX (a zip),
    JSON (``[`` or ``{``) or CSV.

    Raises
    ------
    AllocationFileError
    """
    if not content.strip():
        raise AllocationFileError("the allocation file is empty")
    if content.startswith(b"PK"):
        return rows_from_xlsx(content)
    if content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return rows_from_json(content)
    return rows_from_csv(content)


def redact(records: Iterable[Allocation]) -> list[Allocation]:
    """Records without what identifies a person: name, person id and posts (a post
    with its room names a leader in a single office). Organisation, department,
    rank and room are kept for space planning."""
    return [dataclasses.replace(a, name="", person_id="", posts=()) for a in records]


class Housing:
    """Allocations and compliance of registered buildings."""

    def __init__(self, queries: BuildingQueries) -> None:
        self.queries = queries

    def import_allocations(
        self,
        building_id: str,
        content: bytes,
        *,
        actor: str,
        level: str | None = None,
        dry_run: bool = False,
    ) -> ImportResult:
        """Import an allocation file into the building's store, all rows or none.

        Raises
        ------
        AllocationFileError, AllocationImportError
        """
        view = self.queries.view(building_id)
        return self.queries.allocations(building_id).import_rows(
            rows_from_upload(content),
            spaces=view.building.spaces,
            standard=default_standard(),
            default_level=level,
            actor=actor,
            dry_run=dry_run,
        )

    def records(
        self, building_id: str, *, on_date: date | None, personal: bool
    ) -> list[Allocation]:
        self.queries.twin.buildings.entry(building_id)
        store = self.queries.allocations(building_id)
        found = store.all() if on_date is None else store.valid_on(on_date)
        return found if personal else redact(found)

    def export(
        self, building_id: str, fmt: ExportFormat, *, on_date: date | None, personal: bool
    ) -> bytes:
        records = self.records(building_id, on_date=on_date, personal=personal)
        writer = {"csv": to_csv_bytes, "xlsx": to_xlsx_bytes, "json": to_json_bytes}[fmt]
        return writer(records)

    def history(
        self,
        building_id: str,
        *,
        person_id: str | None,
        room: str | None,
        personal: bool,
    ) -> list[Allocation]:
        """Records of a person and/or a room (GlobalId or room number), oldest first."""
        self.queries.twin.buildings.entry(building_id)
        room_id = None
        if room:
            view = self.queries.view(building_id)
            matches = [s.global_id for s in view.building.spaces if room in (s.global_id, s.name)]
            room_id = matches[0] if matches else room
        found = self.queries.allocations(building_id).history(
            person_id=person_id if personal else None, room_global_id=room_id
        )
        if person_id and not personal:
            return []
        found = sorted(found, key=lambda a: (a.valid_from, a.person_id, a.room_global_id))
        return found if personal else redact(found)

    def compliance(
        self, building_id: str, *, on_date: date | None, personal: bool
    ) -> ComplianceReport:
        """The compliance report (``twin compliance --json``) on the date; without
        ``personal``, counts and departments instead of persons."""
        report = compliance_report(self.check(building_id, on_date=on_date))
        return report if personal else redact_report(report)

    def compliance_xlsx(
        self, building_id: str, *, on_date: date | None, plan_url: str | None = None
    ) -> bytes:
        """The XLSX report; with ``plan_url`` (the service's ``.../plans`` address of
        the building) each room row links to its storey's plan in compliance colours."""
        links = None
        if plan_url is not None:
            view = self.queries.view(building_id)
            links = {
                storey.name: f"{plan_url}/{quote(storey.global_id)}.pdf?colour=compliance"
                for storey in view.building.storeys
            }
        return compliance_xlsx(self.check(building_id, on_date=on_date), plan_links=links)

    def check(self, building_id: str, *, on_date: date | None) -> ComplianceResult:
        """The compliance check of the building's stored allocations on the date (today)."""
        view = self.queries.view(building_id)
        records = self.queries.allocations(building_id).all()
        return check_compliance(
            view.building,
            records,
            default_standard(),
            on_date=on_date or today_utc(),
            room_types=view.room_types,
        )
