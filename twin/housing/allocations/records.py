"""Allocation records: who is allocated which room, for which period.

A record is one person in one room from ``valid_from`` to ``valid_to``
(inclusive; ``None`` means open-ended), so history is kept and any past date
can be queried. Rooms can be shared; a person holds a second room at the same
time only when the record says ``approved_extra_office``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

#: Organ levels of the Chinese standard, in order.
ORGAN_LEVELS = ("central", "provincial", "municipal", "county", "township")


@dataclass(frozen=True, slots=True)
class Allocation:
    """One person allocated one room for a period.

    Parameters
    ----------
    organisation : str
        The organ (单位), e.g. ``"示例市机关事务管理局"``.
    organ_level : str
        ``central``, ``provincial``, ``municipal``, ``county`` or ``township``
        (or a level of a loaded standard).
    department : str
        部门 inside the organisation.
    person_id : str
        Staff number (工号), stable across records.
    name : str
        Person's name (personal data).
    rank_code : str
        Stable rank code of the standard, e.g. ``"municipal.bureau_head"``.
    rank : str
        The rank in Chinese as written in the standard, e.g. ``"正局(处)级"``.
    room_global_id : str
        GlobalId of the IfcSpace.
    room : str
        The room number (IfcSpace.Name) at the time of import.
    posts : tuple of str
        职务; several posts possible.
    valid_from, valid_to : date
        First and last day of the allocation (``valid_to`` ``None``: open).
    approved_extra_office : bool
        This room is an approved second office of the person (批准兼用).
    """

    organisation: str
    organ_level: str
    department: str
    person_id: str
    name: str
    rank_code: str
    rank: str
    room_global_id: str
    room: str
    posts: tuple[str, ...] = ()
    valid_from: date = date(1900, 1, 1)
    valid_to: date | None = None
    approved_extra_office: bool = False

    @property
    def key(self) -> tuple[str, str, date]:
        """Identity of a record: person, room and start date."""
        return (self.person_id, self.room_global_id, self.valid_from)

    def valid_on(self, day: date) -> bool:
        """Whether the allocation holds on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def overlaps(self, other: Allocation) -> bool:
        """Whether the two periods share at least one day."""
        self_end = self.valid_to or date.max
        other_end = other.valid_to or date.max
        return self.valid_from <= other_end and other.valid_from <= self_end

    def as_dict(self) -> dict[str, Any]:
        """JSON-able dict: dates as ISO text, posts as a list."""
        data = asdict(self)
        data["posts"] = list(self.posts)
        data["valid_from"] = self.valid_from.isoformat()
        data["valid_to"] = self.valid_to.isoformat() if self.valid_to else None
        return data


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong with one row of an allocation file.

    ``row`` is the row number as the user sees it: the spreadsheet row for CSV
    and XLSX (header is row 1), the 1-based position for JSON.
    """

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column} ({self.value!r}): {self.reason}"
