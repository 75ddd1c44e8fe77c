"""The dossier strategies, shipped in the library as `fitn7.strategies`."""

from fitn7.strategies import *  # noqa: F403
from fitn7.strategies import (  # noqa: F401 - names the tests import explicitly
    COMMUNES,
    FIRST_DAY,
    LAST_DAY,
    TAGS,
    THEMES,
    collectivites,
    dossier_batches,
    dossiers,
    expenses,
    money,
    projects,
)
