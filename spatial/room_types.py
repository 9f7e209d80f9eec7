"""Room types from the model's own names and types, with a documented mapping.

A room's type decides how it is counted (office area, circulation, plant) and
whether it is judged against the office-space standard at all: only
``office`` rooms are. The type is found from, in order, the space's
``ObjectType``, its room name (``LongName``) and its number (``Name``), by the
first rule whose keyword occurs in the text (case-folded). Keywords cover
English, Chinese and German, the languages of our sample models; a facility
can replace or extend the rules with its own mapping (:func:`load_rules`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from spatial.records import Space

#: The room types the twin knows, in report order.
ROOM_TYPES = (
    "office",
    "meeting",
    "reception",
    "circulation",
    "stair",
    "lift",
    "toilet",
    "tea",
    "storage",
    "it",
    "plant",
    "other",
)

#: Keyword rules, checked in order; the first match wins. More specific words
#: come before general ones ("lift lobby" is circulation before "lift").
DEFAULT_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "circulation",
        (
            "lift_lobby",
            "lift lobby",
            "电梯厅",
            "corridor",
            "走廊",
            "走道",
            "hall",
            "lobby",
            "foyer",
            "门厅",
            "大厅",
            "entry",
            "vestibule",
            "vest",
            "flur",
            "diele",
            "circulation",
            "passage",
            "过道",
            "landing",
            "galerie",
            "hallway",
        ),
    ),
    ("stair", ("stair", "楼梯", "treppe", "疏散")),
    (
        "plant",
        (
            "plant",
            "mech",
            "mechanical",
            "空调",
            "设备",
            "boiler",
            "pump",
            "hvac",
            "technik",
            "heizung",
            "utility",
            "配电",
            "eq rm",
            "equipment",
            "ups",
            "batt",
        ),
    ),
    ("lift", ("lift", "elevator", "elev", "电梯", "aufzug", "shaft", "井")),
    (
        "toilet",
        (
            "toilet",
            "卫生间",
            "厕所",
            "wc",
            "rr",
            "restroom",
            "bath",
            "bathroom",
            "bad",
            "washroom",
            "shower",
            "jan",
            "janitor",
            "洗手间",
        ),
    ),
    (
        "meeting",
        ("meeting", "会议", "conference", "board", "training", "seminar", "besprechung", "报告厅"),
    ),
    ("reception", ("reception", "接待", "waiting", "empfang")),
    (
        "tea",
        (
            "tea",
            "茶水",
            "pantry",
            "kitchen",
            "küche",
            "kueche",
            "break",
            "canteen",
            "食堂",
            "dining",
        ),
    ),
    (
        "it",
        (
            "weak-current",
            "弱电",
            "server",
            "it",
            "it_room",
            "data",
            "telecom",
            "tele",
            "comm",
            "elec",
            "electrical",
            "机房",
            "network",
        ),
    ),
    (
        "storage",
        (
            "archive",
            "档案",
            "storage",
            "stor",
            "store",
            "库",
            "abstell",
            "lager",
            "closet",
            "files",
            "copy",
            "print",
        ),
    ),
    (
        "office",
        (
            "office",
            "办公",
            "büro",
            "buero",
            "open_office",
            "workroom",
            "team",
            "study",
            "off",
            "ofc",
            "ofcr",
        ),
    ),
)

#: ASCII keywords this short match whole words only ("rr" is not in "corridor").
WHOLE_WORD_MAX_LEN = 4


@dataclass(frozen=True)
class RoomTypeRules:
    """An ordered list of ``(room_type, keywords)`` rules."""

    rules: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_RULES

    def classify(self, space: Space) -> str:
        """The room type of ``space``; ``"other"`` when no rule matches."""
        for text in (space.object_type, space.long_name, space.name):
            folded = (text or "").casefold()
            if not folded:
                continue
            words = set(re.split(r"[^0-9a-zäöüß_]+", folded))
            for room_type, keywords in self.rules:
                if room_type == folded or any(
                    keyword in words if _whole_word(keyword) else keyword in folded
                    for keyword in keywords
                ):
                    return room_type
        return "other"

    def classify_all(self, spaces: Iterable[Space]) -> dict[str, str]:
        """``{space GlobalId: room type}`` for every space."""
        return {space.global_id: self.classify(space) for space in spaces}


def load_rules(mapping: Mapping[str, Sequence[str]], *, extend: bool = True) -> RoomTypeRules:
    """Rules from a ``{room_type: [keyword, ...]}`` mapping (e.g. a JSON file's content).

    With ``extend`` the given rules are tried first and the defaults after them;
    without it they replace the defaults.
    """
    given = tuple(
        (room_type, tuple(str(k).casefold() for k in keywords))
        for room_type, keywords in mapping.items()
    )
    return RoomTypeRules(given + DEFAULT_RULES if extend else given)


def _whole_word(keyword: str) -> bool:
    return keyword.isascii() and len(keyword) <= WHOLE_WORD_MAX_LEN
