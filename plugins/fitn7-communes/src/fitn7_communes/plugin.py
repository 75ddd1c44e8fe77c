"""The fitn7 hooks of fitn7-communes: three `extra` fields and the register enricher.

Vocabulary only: the enricher fills what the official register says (name,
kind, population, département, région, intercommunalité) where the dossier
is silent, and says so in the trace; the rules that use them are the policy's.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from fitn7 import types as t
from fitn7.dossier import Dossier
from fitn7.hookspecs import Enrichment, FieldDecl, hookimpl

from fitn7_communes.enrich import fill_all
from fitn7_communes.register import load_register

FIELDS = (
    FieldDecl(
        "collectivite",
        "epci",
        t.STRING,
        "For a commune: the SIREN of the intercommunalité à fiscalité propre it belongs to.",
    ),
    FieldDecl(
        "collectivite",
        "epci_nom",
        t.STRING,
        "For a commune: the name of its intercommunalité (`CC du Pays des Abers`).",
    ),
    FieldDecl(
        "collectivite",
        "nb_communes",
        t.INT,
        "For an intercommunalité: the number of its member communes.",
    ),
)


@hookimpl
def fitn7_register_fields() -> Sequence[FieldDecl]:
    """`extra.epci`, `extra.epci_nom` and `extra.nb_communes` on the applicant and members."""
    return FIELDS


@hookimpl
def fitn7_enrich_dossier(dossier: Dossier) -> Enrichment | None:
    """Fill the applicant and members from the register by their `code` (INSEE or SIREN).

    Raises `UnknownCodeError` (the dossier fails, with the closest codes) for
    a code the register does not know.
    """
    applicant, members, provenance, warnings = fill_all(
        dossier.applicant, dossier.members, load_register()
    )
    if not provenance and not warnings:
        return None
    return Enrichment(
        attrs.evolve(dossier, applicant=applicant, members=members),
        tuple(provenance),
        tuple(warnings),
    )
