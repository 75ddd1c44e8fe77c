"""Filling a collectivité from its code: what the register says, where the dossier is silent.

A value the dossier gives is kept, always; when the register says otherwise
the enricher adds a warning naming both values and the register's version.
An unknown code is an error with the closest known codes: a typo in a code
must not become a dossier quietly evaluated without population.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import attrs
from fitn7.dossier import Collectivite, Kind
from fitn7.hookspecs import Provenance

from fitn7_communes.register import (
    COVERED_KINDS,
    SHORT_SOURCE,
    SOURCE,
    Commune,
    Epci,
    Register,
    UnknownCodeError,
)

#: The `extra` fields this plugin fills (declared in `plugin.py`).
EXTRA_FIELDS = ("epci", "epci_nom", "nb_communes")


@attrs.frozen
class Filled:
    """One collectivité after enrichment, what was set and what disagreed."""

    collectivite: Collectivite
    provenance: tuple[Provenance, ...] = ()
    warnings: tuple[str, ...] = ()


def facts(found: Commune | Epci, register: Register) -> list[tuple[str, Any]]:
    """What the register says about a commune or an intercommunalité, field by field.

    Fields are dossier names (`population`) or `extra.NAME`; a value the
    register does not have is left out rather than given as None.
    """
    out: list[tuple[str, Any]] = [("name", found.nom)]
    if isinstance(found, Commune):
        out.append(("kind", Kind.COMMUNE))
        if found.population is not None:
            out.append(("population", found.population))
        out += [("departement", found.departement), ("region", found.region)]
        if found.epci is not None:
            out.append(("extra.epci", found.epci))
            epci = register.epci.get(found.epci)
            if epci is not None:
                out.append(("extra.epci_nom", epci.nom))
        return out
    out += [("kind", found.kind), ("population", found.population),
            ("departement", found.departement)]
    region = register.region_of(found.departement)
    if region is not None:
        out.append(("region", region))
    out.append(("extra.nb_communes", found.communes))
    return out


def fill(who: Collectivite, path: str, register: Register) -> Filled:
    """`who` completed from the register by its `code`; raises `UnknownCodeError`.

    A collectivité without code is left alone, and so is one whose `kind` the
    register does not describe (a syndicat, a département) when its code is
    not in the register.
    """
    if who.code is None:
        return Filled(who)
    found = register.find(who.code)
    if found is None:
        if who.kind is not None and who.kind not in COVERED_KINDS:
            return Filled(who)
        raise UnknownCodeError(unknown_code_message(who.code, path, register))
    changes: dict[str, Any] = {}
    extra = dict(who.extra)
    provenance: list[Provenance] = []
    warnings: list[str] = []
    for field, value in facts(found, register):
        current = extra.get(field[6:]) if field.startswith("extra.") else getattr(who, field)
        if current is None:
            if field.startswith("extra."):
                extra[field[6:]] = value
            else:
                changes[field] = value
            provenance.append(Provenance(f"{path}.{field}", value, SOURCE))
        elif not _agree(field, current, value, found):
            warnings.append(
                f"`{path}.{field}` is {_shown(current)} in the dossier, {_shown(value)} in the "
                f"{SHORT_SOURCE}: the dossier's value is kept"
            )
    if extra != who.extra:
        changes["extra"] = extra
    return Filled(attrs.evolve(who, **changes), tuple(provenance), tuple(warnings))


def unknown_code_message(code: str, path: str, register: Register) -> str:
    """Why a code is unknown, with the closest known codes and what to do."""
    if len(code) == 5:
        what = (f"unknown code INSEE `{code}` at `{path}.code`: no current commune has it "
                f"in the {SHORT_SOURCE}")
        advice = "a commune merged into a commune nouvelle takes the code of the new commune"
    elif len(code) == 9 and code.isdigit():
        what = (f"unknown SIREN `{code}` at `{path}.code`: neither a commune nor an "
                f"intercommunalité à fiscalité propre in the {SHORT_SOURCE}")
        advice = "for a syndicat, a département or a région, give its `kind`"
    else:
        return (f"`{code}` at `{path}.code` is neither a code INSEE (5 characters) nor a "
                "SIREN (9 digits); for a département or a région, give its `kind`")
    close = register.closest(code)
    if close:
        names = ", ".join(register.describe(c) for c in close)
        return f"{what}; closest: {names}; {advice}"
    return f"{what}; {advice}"


def _agree(field: str, dossier: Any, register: Any, found: Commune | Epci) -> bool:
    """Whether the dossier's value says the same as the register's."""
    if field == "name":
        return same_name(str(dossier), str(register))
    if field == "kind" and isinstance(found, Epci) and found.type == "MET69":
        return dossier in (Kind.METROPOLE, Kind.COLLECTIVITE_STATUT_PARTICULIER)
    return bool(dossier == register)


# What a dossier writes around or instead of the register's name.
_PREFIXES = ("commune de ", "commune d ", "ville de ", "ville d ", "mairie de ", "mairie d ")
_WORDS = (
    (re.compile(r"\bcommunaute de communes\b"), "cc"),
    (re.compile(r"\bcommunaute d agglomeration\b"), "ca"),
    (re.compile(r"\bcommunaute urbaine\b"), "cu"),
    (re.compile(r"\bst\b"), "saint"),
    (re.compile(r"\bste\b"), "sainte"),
)


def normalized_name(name: str) -> str:
    """A name reduced to what identifies it: no accents, case, punctuation or `Commune de`."""
    text = unicodedata.normalize("NFKD", name.replace("œ", "oe").replace("Œ", "Oe"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    for pattern, short in _WORDS:
        text = pattern.sub(short, text)
    return text


def same_name(a: str, b: str) -> bool:
    """Whether two names denote one collectivité (`Commune de Plouguerneau`, `Plouguerneau`)."""
    return normalized_name(a) == normalized_name(b)


def _shown(value: Any) -> str:
    """A value as a dossier writes it, for a warning."""
    if isinstance(value, Kind):
        return f"`{value.value}`"
    if isinstance(value, str):
        return f"`{value}`"
    return str(value)


def fill_all(
    applicant: Collectivite | None, members: Sequence[Collectivite], register: Register
) -> tuple[Collectivite | None, tuple[Collectivite, ...], list[Provenance], list[str]]:
    """The applicant and members completed, with everything set and every disagreement."""
    provenance: list[Provenance] = []
    warnings: list[str] = []
    if applicant is not None:
        done = fill(applicant, "applicant", register)
        applicant = done.collectivite
        provenance += done.provenance
        warnings += done.warnings
    filled_members = []
    for i, member in enumerate(members):
        done = fill(member, f"members[{i}]", register)
        filled_members.append(done.collectivite)
        provenance += done.provenance
        warnings += done.warnings
    return applicant, tuple(filled_members), provenance, warnings
