"""Palettes of the floor plans: one per colour mode, with bilingual legend labels.

Fills are light enough for black room labels to stay readable when printed
in colour, and distinct in hue so a legend is unambiguous. Every palette has
a ``no_data`` swatch for rooms the inputs say nothing about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

ColourMode = Literal["type", "compliance", "occupancy", "live"]
#: The colour modes, in the order the CLI lists them.
COLOUR_MODES: tuple[str, ...] = get_args(ColourMode)

#: Key of the swatch for rooms the inputs do not cover.
NO_DATA = "no_data"


@dataclass(frozen=True, slots=True)
class Swatch:
    """One legend entry: a key (status, room type or class), a fill and its labels."""

    key: str
    fill: str
    label_en: str
    label_zh: str

    @property
    def label(self) -> str:
        """``"超标 over standard"``: Chinese first, as on the printed report."""
        return f"{self.label_zh} {self.label_en}"


_NO_DATA = Swatch(NO_DATA, "#ffffff", "no data", "无数据")

COMPLIANCE_PALETTE: tuple[Swatch, ...] = (
    Swatch("within", "#a8dba8", "within standard", "达标"),
    Swatch("over", "#f4978e", "over standard", "超标"),
    Swatch("vacant", "#fbd872", "vacant", "空置"),
    Swatch("not_office", "#e3e3e3", "not an office", "非办公用房"),
    _NO_DATA,
)

TYPE_PALETTE: tuple[Swatch, ...] = (
    Swatch("office", "#a9c9ef", "office", "办公室"),
    Swatch("meeting", "#c9b3e6", "meeting", "会议室"),
    Swatch("reception", "#f3c6a5", "reception", "接待室"),
    Swatch("circulation", "#eeeeea", "circulation", "交通空间"),
    Swatch("stair", "#d2d2cc", "stair", "楼梯间"),
    Swatch("lift", "#bcbcb6", "lift", "电梯"),
    Swatch("toilet", "#ace3e1", "toilet", "卫生间"),
    Swatch("tea", "#f6e3a1", "tea room", "茶水间"),
    Swatch("storage", "#dccaa8", "storage", "库房"),
    Swatch("it", "#b3ddb9", "IT / weak current", "弱电机房"),
    Swatch("plant", "#cfcf9f", "plant", "设备用房"),
    Swatch("other", "#f6f1f8", "other", "其他"),
    _NO_DATA,
)

OCCUPANCY_PALETTE: tuple[Swatch, ...] = (
    Swatch("0", "#f1f1f1", "no occupant", "0 人"),
    Swatch("1", "#cfe1f2", "1 person", "1 人"),
    Swatch("2", "#93c4e2", "2 persons", "2 人"),
    Swatch("3+", "#5c9fd1", "3 or more", "3 人及以上"),
    _NO_DATA,
)

LIVE_PALETTE: tuple[Swatch, ...] = (
    Swatch("normal", "#a8dba8", "normal", "正常"),
    Swatch("warning", "#fbd872", "warning", "预警"),
    Swatch("alarm", "#f4978e", "alarm", "报警"),
    Swatch("offline", "#c4c4c4", "offline", "离线"),
    _NO_DATA,
)

PALETTES: Mapping[str, tuple[Swatch, ...]] = {
    "type": TYPE_PALETTE,
    "compliance": COMPLIANCE_PALETTE,
    "occupancy": OCCUPANCY_PALETTE,
    "live": LIVE_PALETTE,
}

#: Legend titles of the colour modes.
MODE_TITLES: Mapping[str, str] = {
    "type": "房间类型 Room type",
    "compliance": "办公用房标准 Office-space standard",
    "occupancy": "使用人数 Occupants",
    "live": "实时状态 Live status",
}

#: Occupancy classes: persons at or above this count share the last class.
OCCUPANCY_TOP_CLASS = 3


def swatch(mode: str, key: str | None) -> Swatch:
    """The swatch of ``key`` in the palette of ``mode``; ``no_data`` for unknown keys.

    Raises
    ------
    KeyError
        When ``mode`` is not a colour mode.

    Examples
    --------
    >>> swatch("compliance", "over").label_zh
    '超标'
    """
    for entry in PALETTES[mode]:
        if entry.key == key:
            return entry
    return _NO_DATA


def occupancy_class(persons: int) -> str:
    """The occupancy class of a room with ``persons`` occupants.

    One of ``"0"``, ``"1"``, ``"2"``, ``"3+"``.
    """
    return f"{OCCUPANCY_TOP_CLASS}+" if persons >= OCCUPANCY_TOP_CLASS else str(max(persons, 0))
