"""The fitn7 hooks of fitn7-zrr: two functions, two `extra` fields and an enricher.

Vocabulary only: `zrr(code)` and `zrr_classement(code)` say what the table
says; whether ZRR earns points or eligibility is written in the policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
from fitn7 import types as t
from fitn7.dossier import Collectivite, Dossier
from fitn7.functions import FunctionDecl
from fitn7.hookspecs import Enrichment, FieldDecl, Provenance, hookimpl

from fitn7_zrr.table import Classement, ZrrTable, current_table

# Read the table when fitn7 loads the plugin: a missing or malformed table is
# then said once, with the plugin's name (fitn7 leaves the plugin out, and a
# policy that `uses` it is refused saying why), not once per dossier. The
# functions still read FITN7_ZRR_TABLE at each call.
current_table()


def zrr(code: str | None) -> bool | None:
    """Whether the commune is classified in ZRR; None when the code is unknown or partial."""
    if code is None:
        return None
    entry = current_table().lookup(code)
    return None if entry is None else entry.classement.zrr


def zrr_classement(code: str | None) -> str | None:
    """The classement of the commune as the table words it; None when the table lacks it."""
    if code is None:
        return None
    entry = current_table().lookup(code)
    return None if entry is None else entry.classement.value


FUNCTIONS = (
    FunctionDecl(
        "zrr",
        (("code", t.STRING),),
        t.BOOL,
        "Whether the commune of this code INSEE is classified in ZRR (`classée`) in the "
        "prefecture's table: false when `non classée`, unknown when `partiellement classée` "
        "or not in the table.",
        zrr,
    ),
    FunctionDecl(
        "zrr_classement",
        (("code", t.STRING),),
        t.STRING,
        "The ZRR classement of the commune of this code INSEE: `classée`, "
        "`partiellement classée` or `non classée`; unknown when not in the table.",
        zrr_classement,
    ),
)

FIELDS = (
    FieldDecl(
        "collectivite",
        "zrr_classement",
        t.STRING,
        "The ZRR classement of the commune: `classée`, `partiellement classée` or `non classée`.",
    ),
    FieldDecl(
        "collectivite",
        "zrr_arrete",
        t.DATE,
        "The date of the arrêté the ZRR classement of the commune comes from.",
    ),
)


@hookimpl
def fitn7_register_functions() -> Sequence[FunctionDecl]:
    """`zrr(code)` and `zrr_classement(code)`."""
    return FUNCTIONS


@hookimpl
def fitn7_register_fields() -> Sequence[FieldDecl]:
    """`extra.zrr_classement` and `extra.zrr_arrete` on the applicant and members."""
    return FIELDS


@hookimpl
def fitn7_enrich_dossier(dossier: Dossier) -> Enrichment | None:
    """Fill `zrr`, `extra.zrr_classement` and `extra.zrr_arrete` of the applicant and members
    from the table, where absent; report a disagreement with the table as a warning."""
    coded = [c for c in (dossier.applicant, *dossier.members) if c is not None and c.code]
    if not coded:
        return None  # nothing to look up: do not read (or fail on) the table
    table = current_table()
    provenance: list[Provenance] = []
    warnings: list[str] = []
    applicant = dossier.applicant
    if applicant is not None:
        applicant = _enrich(applicant, "applicant", table, provenance, warnings)
    members = tuple(
        _enrich(member, f"members[{i}]", table, provenance, warnings)
        for i, member in enumerate(dossier.members)
    )
    if not provenance and not warnings:
        return None
    return Enrichment(
        attrs.evolve(dossier, applicant=applicant, members=members),
        tuple(provenance),
        tuple(warnings),
    )


def _enrich(
    who: Collectivite,
    path: str,
    table: ZrrTable,
    provenance: list[Provenance],
    warnings: list[str],
) -> Collectivite:
    """One collectivité with what the table says filled in (appends to the two lists)."""
    if who.code is None:
        return who
    entry = table.lookup(who.code)
    if entry is None:
        # The table lists communes only: a SIREN (an intercommunalité, a
        # syndicat) is not expected there, and saying so would be noise.
        if who.zrr is None and len(who.code) == 5:
            warnings.append(
                f"code `{who.code}` is not in the ZRR table {table.file}: "
                f"`{path}.zrr` left absent"
            )
        return who
    source = table.source(entry)
    changes: dict[str, Any] = {}
    value = entry.classement.zrr
    if who.zrr is None and value is not None:
        changes["zrr"] = value
        provenance.append(Provenance(f"{path}.zrr", value, source))
    elif who.zrr is None:
        warnings.append(
            f"`{who.code}` is {Classement.PARTIELLE.value} in the ZRR table {table.file}: "
            f"`{path}.zrr` left absent; the policy may test `zrr_classement(...)` or "
            f"`{path}.extra.zrr_classement`"
        )
    elif value is not None and who.zrr != value:
        warnings.append(
            f"`{path}.zrr` is {_bool(who.zrr)} in the dossier, {_bool(value)} in "
            f"{source}: the dossier's value is kept"
        )
    extra = dict(who.extra)
    for name, field_value in (
        ("zrr_classement", entry.classement.value),
        ("zrr_arrete", entry.arrete),
    ):
        if name not in extra:
            extra[name] = field_value
            provenance.append(Provenance(f"{path}.extra.{name}", field_value, source))
    if extra != who.extra:
        changes["extra"] = extra
    return attrs.evolve(who, **changes) if changes else who


def _bool(value: bool) -> str:
    """A boolean as a policy writes it."""
    return "true" if value else "false"
