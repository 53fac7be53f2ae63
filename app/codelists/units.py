"""Converting a quantity between UN/ECE units of the same kind (mass, volume, length), for the
export quotas: a quota in kilograms counts a line in grams. Only exact, fixed factors; a number
of specimens (NAR) and the square metre convert to nothing but themselves, and units of two
kinds (kilograms and litres) never convert (the checks then say that the units differ)."""

from __future__ import annotations

from decimal import ROUND_UP, Decimal

# the factor to the kind's base unit
_FACTORS: dict[str, tuple[str, Decimal]] = {
    "GRM": ("mass", Decimal("0.001")),
    "KGM": ("mass", Decimal(1)),
    "MLT": ("volume", Decimal("0.000001")),
    "CMQ": ("volume", Decimal("0.000001")),
    "LTR": ("volume", Decimal("0.001")),
    "MTQ": ("volume", Decimal(1)),
    "CMT": ("length", Decimal("0.01")),
    "MTR": ("length", Decimal(1)),
}
STORED = Decimal("0.001")  # the precision quantities are stored with (Numeric(18, 3))


def convert(quantity: Decimal, unit: str, to: str) -> Decimal | None:
    """``quantity`` of ``unit`` in ``to`` (exact), or None when they are not of one kind.
    Both codes are normalised UN/ECE codes (``lists.unit_code``)."""
    if unit == to:
        return quantity
    source, target = _FACTORS.get(unit), _FACTORS.get(to)
    if source is None or target is None or source[0] != target[0]:
        return None
    return quantity * source[1] / target[1]


def stored(quantity: Decimal) -> Decimal:
    """A converted quantity at the stored precision, rounded up: a quota is never
    under-counted (1 g against a quota in kilograms counts 0.001 kg, 1 ml in cubic metres
    0.001 m3)."""
    return quantity.quantize(STORED, rounding=ROUND_UP)
