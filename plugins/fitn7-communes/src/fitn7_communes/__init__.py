"""fitn7-communes: the commune register, to complete a dossier from codes INSEE and SIRENs.

Install it and a dossier that gives only `applicant.code = "29195"` is
evaluated with Plouguerneau's name, population, département, région and
intercommunalité, from INSEE's Code officiel géographique and populations
légales (`@etalab/decoupage-administratif` 6.0.0, Licence Ouverte), shipped
in the package. A value the dossier gives is kept; a disagreement is a
warning; an unknown code is an error naming the closest codes.
"""

from __future__ import annotations

from fitn7_communes.enrich import Filled, fill, normalized_name, same_name
from fitn7_communes.register import (
    DATA_PACKAGE,
    DATA_VERSION,
    SOURCE,
    Commune,
    Departement,
    Epci,
    Register,
    UnknownCodeError,
    load_register,
)

__version__ = "0.1.0"

__all__ = [
    "DATA_PACKAGE",
    "DATA_VERSION",
    "SOURCE",
    "Commune",
    "Departement",
    "Epci",
    "Filled",
    "Register",
    "UnknownCodeError",
    "__version__",
    "fill",
    "load_register",
    "normalized_name",
    "same_name",
]
