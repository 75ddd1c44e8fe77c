"""Pass 3, bands: each `forfait … by` gives exactly one forfait to every value.

The bands are read in order and must tile the number line:

- the first band is `below A`, or starts `from 0` or lower (`by` counts
  inhabitants or communes, so there is nothing below 0), or is `otherwise`;
- each next band starts exactly where the previous one ends
  (`below 5_000` then `from 5_000 …`): starting earlier is an overlap,
  later a gap;
- the last band is `from X` or `otherwise`, so the top values have a forfait;
- `otherwise` takes what the bands above leave, so it comes last and is
  useless after a `from X`.

Bounds are numbers or `param` names (their default is used here), so that
the check is possible before any dossier is seen; `bands_with_params` runs
it again with the values a committee gives its params (`--param`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from fitn7.checker.context import CheckContext, unparse
from fitn7.diagnostics import Diagnostic
from fitn7.dsl import ast


def check_bands(policy: ast.Policy, ctx: CheckContext) -> list[Diagnostic]:
    """Every overlap, gap and misplaced band of every `forfait … by` (codes E301 to E307)."""
    return bands_with_params(policy, {})


def _every_band_list(policy: ast.Policy, params: Mapping[str, ast.Param]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for amount in policy.of_type(ast.Amount):
        for step in amount.steps:
            if isinstance(step, ast.ForfaitBands):
                out.extend(check_band_sequence(step.bands, params))
    return out


def bands_with_params(policy: ast.Policy, values: Mapping[str, object]) -> list[Diagnostic]:
    """The band problems once params take `values` (whole numbers or decimals): an
    override can make bands that tile with the defaults overlap or leave a gap."""
    params: dict[str, ast.Param] = {}
    for param in policy.of_type(ast.Param):
        value = values.get(param.name)
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            literal: ast.Expr = (ast.IntLit(value) if isinstance(value, int)
                                 else ast.DecimalLit(value))
            param = attrs.evolve(param, default=literal)
        params.setdefault(param.name, param)
    return _every_band_list(policy, params)


def bound_value(expr: ast.Expr, params: Mapping[str, ast.Param]) -> tuple[bool, Decimal | None]:
    """(allowed, value) of a band bound: a number, a signed number, or a `param`.

    The value is None when it cannot be known here (a param whose default is
    not a number: the declarations pass reports that).
    """
    match expr:
        case ast.IntLit(value=v) | ast.DecimalLit(value=v) | ast.MoneyLit(value=v):
            return True, Decimal(v)
        case ast.Unary(op=op, operand=ast.IntLit(value=v) | ast.DecimalLit(value=v)):
            return True, Decimal(v) if op == "+" else -Decimal(v)
        case ast.Name(name=name) if name in params:
            return True, bound_value(params[name].default, {})[1]
    return False, None


def _head(band: ast.Band) -> str:
    """How a band starts, as written: `below 5_000`, `from 5_000`, `otherwise`."""
    if band.kind == "below" and band.high is not None:
        return f"below {unparse(band.high)}"
    if band.low is not None:
        return f"from {unparse(band.low)}"
    return "otherwise"


def check_band_sequence(
    bands: tuple[ast.Band, ...], params: Mapping[str, ast.Param]
) -> list[Diagnostic]:
    """The diagnostics of one band list, in order (see the module docstring)."""
    out: list[Diagnostic] = []

    def value(bound: ast.Expr | None) -> Decimal | None:
        if bound is None:
            return None
        allowed, found = bound_value(bound, params)
        if not allowed:
            out.append(
                Diagnostic(
                    "E305",
                    f"a band bound is a number or a `param`, not `{unparse(bound)}`",
                    bound.span,
                    "move the computation into `by`, or declare the bound: "
                    "`param seuil = 5_000`",
                )
            )
        return found

    # What the bands read so far cover: nothing yet, up to `end`, or everything
    # above some point (`top` is then the `from` band that reaches the top).
    started = False
    end: ast.Expr | None = None
    end_value: Decimal | None = None
    top: ast.Band | None = None
    last = len(bands) - 1
    for index, band in enumerate(bands):
        if band.kind == "otherwise":
            if index != last:
                out.append(
                    Diagnostic(
                        "E303",
                        "`otherwise` must be the last band",
                        band.span,
                        "move it to the end: it takes the values the other bands leave",
                    )
                )
            elif top is not None:
                out.append(
                    Diagnostic(
                        "E307",
                        f"`otherwise` is never used: `{_head(top)}` already covers every "
                        "value above it",
                        band.span,
                        "remove `otherwise`, or end the previous band with `below …`",
                    )
                )
            else:
                started, top = True, band
            continue
        low = value(band.low)
        high = value(band.high)
        low_text = unparse(band.low) if band.low is not None else ""
        high_text = unparse(band.high) if band.high is not None else ""
        if band.kind == "between" and low is not None and high is not None and low >= high:
            out.append(
                Diagnostic(
                    "E306",
                    f"empty band: no value is `from {low_text}` and `below {high_text}`",
                    band.span,
                    f"the lower bound comes first: `from {high_text} below {low_text}`"
                    if low > high else
                    "the two bounds are equal: the band holds no value; give it a larger "
                    "upper bound, or remove it",
                )
            )
        if not started:
            if band.kind != "below" and low is not None and low > 0:
                out.append(
                    Diagnostic(
                        "E302",
                        f"gap below `{low_text}`: no forfait for these values",
                        band.span,
                        f"start with `below {low_text} : …`",
                    )
                )
        elif top is not None:
            out.append(
                Diagnostic(
                    "E301",
                    f"bands overlap: `{_head(band)}` is already covered by `{_head(top)}`",
                    band.span,
                    f"end the band `{_head(top)}` with `below …`, or remove this one",
                )
            )
        elif band.kind == "below":
            assert end is not None
            out.append(
                Diagnostic(
                    "E301",
                    f"bands overlap: `{_head(band)}` starts below the end of the previous "
                    f"band at `{unparse(end)}`",
                    band.span,
                    f"start this band where the previous one ends: `from {unparse(end)}`",
                )
            )
        elif low is not None and end_value is not None and end is not None:
            if low < end_value:
                out.append(
                    Diagnostic(
                        "E301",
                        f"bands overlap: `{_head(band)}` starts below the end of the previous "
                        f"band at `{unparse(end)}`",
                        band.span,
                        f"start this band where the previous one ends: `from {unparse(end)}`",
                    )
                )
            elif low > end_value:
                out.append(
                    Diagnostic(
                        "E302",
                        f"gap between `{unparse(end)}` and `{low_text}`: "
                        "no forfait for these values",
                        band.span,
                        f"start this band where the previous one ends: `from {unparse(end)}`",
                    )
                )
        started = True
        if band.kind == "from":
            top = top or band
        elif end_value is None or high is None or high > end_value:
            # After an overlap the covered range ends at the further of the two
            # ends, so one mistake is reported once and not again as a gap.
            end, end_value = band.high, high
    if bands and top is None and end is not None:
        out.append(
            Diagnostic(
                "E304",
                f"no forfait from `{unparse(end)}` up",
                bands[-1].span,
                f"end the bands with `from {unparse(end)} : …` or `otherwise : …`",
            )
        )
    return out
