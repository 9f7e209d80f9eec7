"""The energy domain's data: conversion factors, prices and quotas.

Factors (``twin/data/energy/factors.json``) convert each medium to standard
coal equivalent (kgce) and CO₂ (kg), each with its source. Quotas
(``twin/data/energy/quotas.example.json``, like the office-space standard a
data file a province replaces) give each organisation's annual limits, per
person or per m² of usable area, for a medium or for kgce, and the prices of
each medium for cost figures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from twin.devices.registry import MEDIA
from twin.energy.calendar import DATA_DIR
from twin.energy.errors import EnergyDataError

DEFAULT_FACTORS_PATH = DATA_DIR / "factors.json"
DEFAULT_QUOTAS_PATH = DATA_DIR / "quotas.example.json"
#: Measures a quota may limit: a medium (in its unit) or kgce.
MEASURES = (*MEDIA, "kgce")
Basis = Literal["per_person", "per_m2"]


@dataclass(frozen=True)
class Factor:
    """kgce and kg CO₂ per unit of one medium, with their sources."""

    unit: str
    kgce_per_unit: float
    co2_kg_per_unit: float
    kgce_source: str = ""
    co2_source: str = ""


@dataclass(frozen=True)
class Quota:
    """An annual limit of one measure, per person or per m² of usable area."""

    measure: str
    basis: Basis
    limit: float


@dataclass(frozen=True)
class EnergyData:
    """Factors per medium, prices per medium (``currency`` per unit) and quotas
    per organisation."""

    factors: Mapping[str, Factor]
    prices: Mapping[str, float] = field(default_factory=dict)
    currency: str = "CNY"
    quotas: Mapping[str, tuple[Quota, ...]] = field(default_factory=dict)
    quota_source: str = ""


def _read(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise EnergyDataError(f"{path}: {exc}") from exc


def load_energy_data(factors: Path | None = None, quotas: Path | None = None) -> EnergyData:
    """Read the factors and quotas files (defaults: the shipped ones).

    Raises
    ------
    EnergyDataError
        A file is unreadable, a medium or measure unknown, a number missing.
    """
    factors_path = factors or DEFAULT_FACTORS_PATH
    quotas_path = quotas or DEFAULT_QUOTAS_PATH
    try:
        table = {
            medium: Factor(
                unit=str(item["unit"]),
                kgce_per_unit=float(item["kgce_per_unit"]),
                co2_kg_per_unit=float(item["co2_kg_per_unit"]),
                kgce_source=str(item.get("kgce_source", "")),
                co2_source=str(item.get("co2_source", "")),
            )
            for medium, item in dict(_read(factors_path)["media"]).items()
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise EnergyDataError(f"{factors_path}: {exc}") from exc
    missing = [m for m in MEDIA if m not in table]
    if missing:
        raise EnergyDataError(f"{factors_path}: no factors for {', '.join(missing)}")
    data = _read(quotas_path)
    limits: dict[str, tuple[Quota, ...]] = {}
    try:
        prices = dict(data.get("prices", {}))
        currency = str(prices.pop("currency", "CNY"))
        price_table = {str(k): float(v) for k, v in prices.items()}
        for entry in data.get("organisations", ()):
            items = []
            for item in entry["quotas"]:
                quota = Quota(str(item["measure"]), item["basis"], float(item["limit"]))
                if quota.measure not in MEASURES or quota.basis not in ("per_person", "per_m2"):
                    raise ValueError(
                        f"quota {item}: measure in {MEASURES}, basis per_person|per_m2"
                    )
                if quota.limit <= 0:
                    raise ValueError(f"quota {item}: the limit must be positive")
                items.append(quota)
            limits[str(entry["organisation"])] = tuple(items)
    except (KeyError, TypeError, ValueError) as exc:
        raise EnergyDataError(f"{quotas_path}: {exc}") from exc
    unknown = [m for m in price_table if m not in MEDIA]
    if unknown:
        raise EnergyDataError(f"{quotas_path}: prices for unknown media {unknown}")
    return EnergyData(table, price_table, currency, limits, str(data.get("source", "")))
