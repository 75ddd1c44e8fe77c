"""What share of a budget goes to providers of a region: `local_share` and `local_amount`.

A line counts as local when its provider's `region` (INSEE code) is the one
asked. A line whose provider, or provider's region, is not given counts as
*not* local: the share is what the dossier shows to be local, a lower bound
that never guesses in the applicant's favour. An amount that is not given
makes the result unknown, since it could change it either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from fitn7.dossier import Expense

# INSEE region codes: two digits (`53` Bretagne, `76` Occitanie, `01` Guadeloupe).
_REGION = re.compile(r"[0-9]{2}")
_ZERO = Decimal(0)


def is_local(line: Expense, region: str) -> bool:
    """Whether the line's provider is known to be in `region`."""
    return line.provider is not None and line.provider.region == region


def local_amount(lines: Sequence[Expense] | None, region: str | None) -> Decimal | None:
    """The amount of the lines paid to providers of `region`; None when an amount is unknown."""
    if lines is None or region is None:
        return None
    _check_region(region)
    total = _ZERO
    for line in lines:
        if line.amount is None:
            return None
        if is_local(line, region):
            total += line.amount
    return total


def local_share(lines: Sequence[Expense] | None, region: str | None) -> Decimal | None:
    """The share (0 to 1) of the lines' amount paid to providers of `region`.

    0 for no lines (or lines of 0 €), None (unknown) when the lines or an
    amount are unknown. Exact: 1 line of 3 is `1/3` to 28 digits, so a
    comparison with `50%` is never decided by rounding.
    """
    if lines is None or region is None:
        return None
    _check_region(region)
    local = total = _ZERO
    for line in lines:
        if line.amount is None:
            return None
        total += line.amount
        if is_local(line, region):
            local += line.amount
    if total == _ZERO:
        return _ZERO
    return local / total


def _check_region(region: str) -> None:
    """Refuse a region that is not an INSEE code: `"Bretagne"` would make every share 0."""
    if not _REGION.fullmatch(region):
        raise ValueError(
            f"`{region}` is not an INSEE region code: write two digits, e.g. \"53\" for Bretagne"
        )
