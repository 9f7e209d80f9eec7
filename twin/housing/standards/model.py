"""Records of an office-space standard."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from twin.housing.standards.errors import UnknownLevelError, UnknownRankError


@dataclass(frozen=True, slots=True)
class RankLimit:
    """The usable-area limit of one rank at one organ level.

    Parameters
    ----------
    code : str
        Stable code, ``"<level>.<rank>"``, e.g. ``"municipal.bureau_head"``.
    level : str
        Organ level, e.g. ``"municipal"``.
    rank : str
        The rank as written in the standard, e.g. ``"正局(处)级"``.
    limit_m2 : float
        Upper limit of usable office area per person, m².
    note : str
        Caveat for this entry (empty when none).
    """

    code: str
    level: str
    rank: str
    limit_m2: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class Standard:
    """An office-space standard: its source and per-rank limits.

    ``levels`` maps each organ level code to its name in the standard;
    ``source`` quotes the document (name, number, caveats) so a report can cite it.
    """

    id: str
    title: str
    levels: Mapping[str, str]
    ranks: tuple[RankLimit, ...]
    source: Mapping[str, Any] = field(default_factory=dict)

    def check_level(self, level: str) -> str:
        """``level`` if the standard defines it, else :class:`UnknownLevelError`."""
        if level not in self.levels:
            known = ", ".join(self.levels)
            raise UnknownLevelError(f"unknown organ level {level!r} (known: {known})")
        return level

    def ranks_of(self, level: str) -> tuple[RankLimit, ...]:
        """The ranks of one organ level, in the standard's order."""
        self.check_level(level)
        return tuple(r for r in self.ranks if r.level == level)

    def rank(self, text: str, level: str) -> RankLimit:
        """The rank named ``text`` at ``level``.

        ``text`` is the Chinese rank as written in the standard (``"正局(处)级"``;
        full-width brackets ``（）`` are accepted) or a stable code
        (``"municipal.bureau_head"``). A code names its own level, so it is
        accepted whatever ``level`` says only when the levels agree.

        Raises
        ------
        UnknownRankError
            When no rank of ``level`` matches.
        """
        self.check_level(level)
        wanted = _normalise(text)
        for limit in self.ranks:
            if limit.level != level:
                continue
            if wanted in (limit.code.casefold(), _normalise(limit.rank)):
                return limit
        raise UnknownRankError(f"unknown rank {text!r} for organ level {level!r}")


def _normalise(text: str) -> str:
    return text.strip().replace("（", "(").replace("）", ")").replace(" ", "").casefold()
