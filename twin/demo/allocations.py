"""Deterministic, obviously fictitious allocation records for any building.

Used by ``make demo``, ``twin demo-allocations`` and the tests. For a
building's office rooms (by room type and usable area) it makes one
organisation, 「示例市机关事务管理局（演示）」 by default, with:

- the head in the largest single office and deputies in the next ones, so a
  leader's room larger than the limit is over the standard (the common case);
- staff filling each shared office to the standard (about one in seven a desk short,
  so over it), large open offices filled to about their
  capacity, one of them deliberately under-filled (over the standard);
- some offices left vacant;
- one person who left (``valid_to`` in the past: their room is vacant now);
- one person who moved (a closed record in one room, a current one in another);
- one deputy with an approved second office (``approved_extra_office``);
- one person allocated to a room that is not an office (to be flagged).

Names are ``王某001`` style: a surname, 某 ("so-and-so") and a number, so no
one can mistake them for real people.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from spatial.areas import usable_area
from spatial.records import Building, Space
from spatial.room_types import RoomTypeRules
from twin.housing.allocations.records import Allocation
from twin.housing.standards import RankLimit, Standard, default_standard

DEMO_ORGANISATION = "示例市机关事务管理局（演示）"
LEADERS_DEPARTMENT = "局领导"
DEPARTMENTS = ("办公室", "综合科", "财务科", "资产管理科", "信息中心")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
#: Start of every demo allocation.
DEMO_START = date(2024, 1, 1)
#: Last day of the leaver's allocation and of the mover's first room.
DEMO_LEFT = date(2025, 6, 30)
#: First day of the mover's second room.
DEMO_MOVED = date(2025, 7, 1)
#: Offices of this usable area (m²) are single offices for leaders.
SINGLE_OFFICE_M2 = (10.0, 45.0)
#: Share of the remaining offices left vacant.
VACANT_SHARE = 0.15
#: Room types a demo person may wrongly be allocated to.
NOT_OFFICE_TARGETS = ("storage", "other", "meeting")


@dataclass(frozen=True, slots=True)
class DemoRanks:
    """Ranks the demo uses at one organ level: head, deputy, staff."""

    head: RankLimit
    deputy: RankLimit
    staff: RankLimit


#: Share of shared offices left one person short of their capacity (over the standard).
UNDERFILLED_SHARE = 0.15


def demo_ranks(standard: Standard, level: str) -> DemoRanks:
    """The head/deputy/staff ranks of a bureau at ``level``.

    With the ranks of the level sorted by limit (largest first), a bureau's
    head holds the third (municipal 正局(处)级, county 正科级, provincial
    正厅(局)级, central 正司(局)级), a deputy the fourth, staff the last.
    """
    ranks = sorted(standard.ranks_of(level), key=lambda r: -r.limit_m2)
    n = len(ranks)
    return DemoRanks(head=ranks[min(2, n - 1)], deputy=ranks[min(3, n - 1)], staff=ranks[-1])


def generate_allocations(
    building: Building,
    *,
    seed: int = 0,
    level: str = "municipal",
    standard: Standard | None = None,
    rules: RoomTypeRules | None = None,
    organisation: str = DEMO_ORGANISATION,
) -> list[Allocation]:
    """Fictitious allocation records for ``building`` (same inputs, same records).

    Parameters
    ----------
    building : Building
        Office rooms and their usable areas (m²) come from here.
    seed : int
        Seed of the choices (room fill, vacant rooms).
    level : str
        Organ level of the organisation.
    standard : Standard, optional
        Ranks and limits (default: the 2014 national standard).
    rules : RoomTypeRules, optional
        Room-type rules used to find offices.
    organisation : str
        Name of the organisation.
    """
    standard = standard or default_standard()
    rules = rules or RoomTypeRules()
    ranks = demo_ranks(standard, level)
    rng = random.Random(seed)
    typed = [(s, rules.classify(s), usable_area(s).area_m2) for s in building.spaces]
    offices = sorted(
        ((s, a) for s, t, a in typed if t == "office" and a), key=lambda x: (x[1], x[0].global_id)
    )
    if not offices:
        return []
    maker = _Maker(level, organisation)
    used: set[str] = set()
    leader_rooms = _leader_rooms(offices, ranks)
    for index, (space, rank, post) in enumerate(
        leader_rooms[:-1] if len(leader_rooms) > 2 else leader_rooms
    ):
        department = LEADERS_DEPARTMENT if post != "处长" else DEPARTMENTS[index % len(DEPARTMENTS)]
        maker.add(space, rank, department, (post,))
        used.add(space.global_id)
    # One deputy also heads a centre, with an approved second office (the last leader room).
    if len(leader_rooms) > 2:
        deputy = maker.records[1]
        second = leader_rooms[-1][0]
        maker.records[1] = _with_posts(deputy, (*deputy.posts, "信息中心主任"))
        maker.add_for(maker.records[1], second, approved=True)
        used.add(second.global_id)

    pool = [sa for sa in offices if sa[0].global_id not in used]
    n_vacant = max(1, round(VACANT_SHARE * len(pool))) if len(pool) > 3 else 0
    vacant = set(rng.sample([s.global_id for s, _ in pool], n_vacant)) if n_vacant else set()
    pool = [sa for sa in pool if sa[0].global_id not in vacant]

    # The leaver: alone in a room that is vacant now.
    if len(pool) > 2:
        space, _ = pool.pop(0)
        maker.add(space, ranks.staff, DEPARTMENTS[0], ("科员",), valid_to=DEMO_LEFT)

    # Staff in the shared offices, department by room.
    big_rooms = [sa for sa in pool if sa[1] / ranks.staff.limit_m2 > 4.5]
    underfilled = big_rooms[0][0].global_id if big_rooms else None
    staff_rooms: list[tuple[Space, list[Allocation]]] = []
    for index, (space, area) in enumerate(pool):
        department = DEPARTMENTS[index % len(DEPARTMENTS)]
        capacity = area / ranks.staff.limit_m2
        if capacity > 4.5:
            count = math.ceil(capacity)
            if space.global_id == underfilled:
                count = max(2, int(capacity * 0.7))
        else:
            # Housing staff fill a shared office up to the standard; now and
            # then one desk stays empty, which puts the room over it.
            count = max(1, math.ceil(capacity - 1e-9))
            if rng.random() < UNDERFILLED_SHARE:
                count = max(1, count - 1)
        members = []
        for member in range(count):
            post = ("科长",) if member == 0 else ("科员",)
            members.append(maker.add(space, ranks.staff, department, post))
        staff_rooms.append((space, members))

    # The mover: first in the second staff room, before that in the first one.
    if len(staff_rooms) >= 2:
        first_room = staff_rooms[0][0]
        mover = staff_rooms[1][1][-1]
        maker.replace(mover, _with_start(mover, DEMO_MOVED))
        maker.add_for(mover, first_room, valid_to=DEMO_LEFT)

    # Someone allocated to a room that is not an office (an archive, a meeting room).
    for wanted in NOT_OFFICE_TARGETS:
        target = next((s for s, t, a in typed if t == wanted and a), None)
        if target is not None:
            maker.add(target, ranks.staff, DEPARTMENTS[0], ("档案管理员",))
            break
    return sorted(maker.records, key=lambda a: (a.person_id, a.valid_from, a.room))


def _leader_rooms(
    offices: Sequence[tuple[Space, float]], ranks: DemoRanks
) -> list[tuple[Space, RankLimit, str]]:
    """Rooms for the leaders, with rank and post: by room name where the model says
    (局长办公室, 副局长办公室, 处长办公室), else the largest single offices."""
    named: dict[str, list[Space]] = {"head": [], "deputy": [], "division": []}
    for space, _area in reversed(offices):
        text = space.long_name
        if "副局长" in text:
            named["deputy"].append(space)
        elif "局长" in text:
            named["head"].append(space)
        elif "处长" in text:
            named["division"].append(space)
    if named["head"]:
        # 处长: 正局(处)级 covers the head of a 处; the standard's bracket says so.
        return (
            [(s, ranks.head, "局长") for s in named["head"][:1]]
            + [(s, ranks.deputy, "副局长") for s in named["deputy"]]
            + [(s, ranks.head, "处长") for s in named["division"]]
        )
    low, high = SINGLE_OFFICE_M2
    singles = [space for space, area in reversed(offices) if low <= area <= high]
    n_deputies = min(3, max(0, len(singles) - 2))
    rooms = [(singles[0], ranks.head, "局长")] if singles else []
    rooms += [(s, ranks.deputy, "副局长") for s in singles[1 : 1 + n_deputies]]
    if len(singles) > 1 + n_deputies and n_deputies:
        rooms.append((singles[-1], ranks.deputy, "副局长"))
    return rooms


class _Maker:
    def __init__(self, level: str, organisation: str) -> None:
        self.level = level
        self.organisation = organisation
        self.records: list[Allocation] = []
        self.count = 0

    def add(
        self,
        space: Space,
        rank: RankLimit,
        department: str,
        posts: tuple[str, ...],
        *,
        valid_to: date | None = None,
    ) -> Allocation:
        self.count += 1
        record = Allocation(
            organisation=self.organisation,
            organ_level=self.level,
            department=department,
            person_id=f"D{self.count:04d}",
            name=f"{SURNAMES[(self.count - 1) % len(SURNAMES)]}某{self.count:03d}",
            rank_code=rank.code,
            rank=rank.rank,
            room_global_id=space.global_id,
            room=space.name or space.global_id,
            posts=posts,
            valid_from=DEMO_START,
            valid_to=valid_to,
        )
        self.records.append(record)
        return record

    def add_for(
        self,
        person: Allocation,
        space: Space,
        *,
        approved: bool = False,
        valid_to: date | None = None,
    ) -> Allocation:
        record = Allocation(
            **{
                **_fields(person),
                "room_global_id": space.global_id,
                "room": space.name or space.global_id,
                "valid_from": DEMO_START,
                "valid_to": valid_to,
                "approved_extra_office": approved,
            }
        )
        self.records.append(record)
        return record

    def replace(self, old: Allocation, new: Allocation) -> None:
        self.records[self.records.index(old)] = new


def _fields(record: Allocation) -> dict[str, object]:
    return {name: getattr(record, name) for name in Allocation.__slots__}  # type: ignore[attr-defined]


def _with_posts(record: Allocation, posts: Sequence[str]) -> Allocation:
    return Allocation(**{**_fields(record), "posts": tuple(posts)})


def _with_start(record: Allocation, start: date) -> Allocation:
    return Allocation(**{**_fields(record), "valid_from": start})
