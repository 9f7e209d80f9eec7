"""Validation of allocation rows: every bad row, with its column and reason.

Two stages, both collecting all errors rather than stopping at the first:

1. :func:`resolve_rows` types each row (pydantic) and resolves its room (a
   space Name or GlobalId of the building) and rank (Chinese text or stable
   code of the standard, at the row's organ level);
2. :func:`check_consistency` checks the rows against each other and against
   the records already stored, as they would stand after the import: no
   duplicate rows, no period ending before it starts, no overlapping periods
   of a person in one room, no second concurrent room without approval, one
   name per staff number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from spatial.records import Space
from twin.housing.allocations.errors import AllocationImportError
from twin.housing.allocations.parse import RawRow, parse_row
from twin.housing.allocations.records import Allocation, RowError
from twin.housing.standards import Standard, UnknownLevelError, UnknownRankError

#: Start of an allocation whose file gives no ``valid_from``.
OPEN_START = date(1900, 1, 1)

NumberedAllocation = tuple[int, Allocation]


def room_lookup(spaces: Iterable[Space]) -> dict[str, list[Space]]:
    """``{GlobalId or Name: [spaces]}``; a Name used by several spaces maps to all."""
    lookup: dict[str, list[Space]] = defaultdict(list)
    for space in spaces:
        lookup[space.global_id].append(space)
        if space.name and space.name != space.global_id:
            lookup[space.name.strip()].append(space)
    return dict(lookup)


def resolve_rows(
    rows: Sequence[RawRow],
    *,
    spaces: Iterable[Space],
    standard: Standard,
    default_level: str | None,
) -> tuple[list[NumberedAllocation], list[RowError]]:
    """Typed allocations of the rows that are good, and the errors of the others.

    Parameters
    ----------
    rows : sequence of RawRow
        As read by :func:`twin.housing.allocations.parse.read_rows`.
    spaces : iterable of Space
        The rooms of the building (a row's room is looked up by Name or GlobalId).
    standard : Standard
        Ranks are resolved at the row's organ level in this standard.
    default_level : str or None
        Organ level of rows without an ``organ_level`` column.
    """
    lookup = room_lookup(spaces)
    good: list[NumberedAllocation] = []
    errors: list[RowError] = []
    for raw in rows:
        parsed, row_errors = parse_row(raw)
        if parsed is None:
            errors.extend(row_errors)
            continue
        level = parsed.organ_level or default_level
        level_ok = True
        if not level:
            errors.append(RowError(raw.row, "organ_level", "", "no organ level given"))
            level_ok = False
        else:
            try:
                standard.check_level(level)
            except UnknownLevelError as exc:
                errors.append(RowError(raw.row, "organ_level", level, str(exc)))
                level_ok = False
        rank = None
        if level_ok and level:
            try:
                rank = standard.rank(parsed.rank, level)
            except UnknownRankError:
                known = "、".join(r.rank for r in standard.ranks_of(level))
                errors.append(
                    RowError(
                        raw.row,
                        "rank",
                        parsed.rank,
                        f"unknown rank at level {level} (known: {known})",
                    )
                )
        matches = lookup.get(parsed.room, [])
        if not matches:
            errors.append(
                RowError(
                    raw.row,
                    "room",
                    parsed.room,
                    "unknown room (no space has this Name or GlobalId)",
                )
            )
        elif len(matches) > 1:
            ids = ", ".join(s.global_id for s in matches)
            errors.append(
                RowError(
                    raw.row, "room", parsed.room, f"ambiguous room number, use a GlobalId: {ids}"
                )
            )
        if rank is None or len(matches) != 1 or not level:
            continue
        space = matches[0]
        good.append(
            (
                raw.row,
                Allocation(
                    organisation=parsed.organisation,
                    organ_level=level,
                    department=parsed.department,
                    person_id=parsed.person_id,
                    name=parsed.name,
                    rank_code=rank.code,
                    rank=rank.rank,
                    room_global_id=space.global_id,
                    room=space.name or space.global_id,
                    posts=parsed.post,
                    valid_from=parsed.valid_from or OPEN_START,
                    valid_to=parsed.valid_to,
                    approved_extra_office=parsed.approved_extra_office,
                ),
            )
        )
    return good, errors


def check_consistency(
    rows: Sequence[NumberedAllocation], existing: Iterable[Allocation] = ()
) -> list[RowError]:
    """Errors of the rows against each other and the stored records.

    The state checked is the stored records with each row replacing the stored
    record of the same key (person, room, valid_from): a row that restates a
    stored record, or closes it with a ``valid_to``, is not a conflict.
    """
    errors: list[RowError] = []
    first_row: dict[tuple[str, str, date], int] = {}
    unique: list[NumberedAllocation] = []
    for number, record in rows:
        if record.valid_to is not None and record.valid_to < record.valid_from:
            errors.append(
                RowError(number, "valid_to", record.valid_to.isoformat(), "ends before valid_from")
            )
            continue
        if record.key in first_row:
            errors.append(
                RowError(
                    number,
                    "person_id",
                    record.person_id,
                    f"same person, room and valid_from as row {first_row[record.key]}",
                )
            )
            continue
        first_row[record.key] = number
        unique.append((number, record))

    # Where each record of the resulting state comes from: a row number or None (stored).
    state: dict[tuple[str, str, date], tuple[int | None, Allocation]] = {
        r.key: (None, r) for r in existing
    }
    for number, record in unique:
        state[record.key] = (number, record)
    by_person: dict[str, list[tuple[int | None, Allocation]]] = defaultdict(list)
    for entry in state.values():
        by_person[entry[1].person_id].append(entry)

    names: dict[str, tuple[int, str]] = {}
    for number, record in unique:
        seen = names.setdefault(record.person_id, (number, record.name))
        if seen[1] != record.name:
            errors.append(
                RowError(
                    number,
                    "name",
                    record.name,
                    f"person_id {record.person_id} is named {seen[1]!r} in row {seen[0]}",
                )
            )
        for other_number, other in by_person[record.person_id]:
            if other.key == record.key or not record.overlaps(other):
                continue
            where = f"row {other_number}" if other_number is not None else "a stored record"
            period = f"{other.valid_from.isoformat()}..{other.valid_to or 'open'}"
            if other.room_global_id == record.room_global_id:
                errors.append(
                    RowError(
                        number,
                        "valid_from",
                        record.valid_from.isoformat(),
                        f"date range overlaps {where} for the same person and room ({period})",
                    )
                )
            elif not (record.approved_extra_office or other.approved_extra_office):
                errors.append(
                    RowError(
                        number,
                        "room",
                        record.room,
                        f"person {record.person_id} is also in room {other.room} "
                        f"({where}, {period}); "
                        "a second office needs approved_extra_office",
                    )
                )
    return errors


def validate_rows(
    rows: Sequence[RawRow],
    *,
    spaces: Iterable[Space],
    standard: Standard,
    default_level: str | None,
    existing: Iterable[Allocation] = (),
) -> list[Allocation]:
    """Allocations of ``rows``, or :class:`AllocationImportError` listing every bad row."""
    good, errors = resolve_rows(rows, spaces=spaces, standard=standard, default_level=default_level)
    errors.extend(check_consistency(good, existing))
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise AllocationImportError(errors)
    return [record for _, record in good]
