"""Office-space standards as data: per-rank usable-area limits.

The default is 《党政机关办公用房建设标准》(2014), shipped as
``twin/data/standards/cn-2014.json``; any other standard (a province's own,
a company policy) is a JSON file of the same shape, loaded with
:func:`load_standard`.
"""

from twin.housing.standards.errors import (
    StandardError,
    StandardFileError,
    UnknownLevelError,
    UnknownRankError,
)
from twin.housing.standards.load import (
    DEFAULT_STANDARD,
    default_standard,
    load_standard,
    standard_from_dict,
)
from twin.housing.standards.model import RankLimit, Standard

__all__ = [
    "DEFAULT_STANDARD",
    "RankLimit",
    "Standard",
    "StandardError",
    "StandardFileError",
    "UnknownLevelError",
    "UnknownRankError",
    "default_standard",
    "load_standard",
    "standard_from_dict",
]
