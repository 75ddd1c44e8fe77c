"""How many examples a property test runs under the loaded hypothesis profile.

A test writes the count it runs under `ci` and `dev` (the profiles' standard
100 examples, see the root conftest.py); `explore` multiplies every count by
ten. A count written as a bare `max_examples=150` would not scale.
"""

from __future__ import annotations

from hypothesis import settings

#: The max_examples of the `ci` and `dev` profiles (the root conftest.py's
#: STANDARD_EXAMPLES): the count every `examples(n)` is written for.
STANDARD_EXAMPLES = 100


def examples(count: int) -> int:
    """`count` under the `ci` and `dev` profiles, scaled with the loaded profile's
    max_examples under any other (`explore`: ten times as many)."""
    return max(1, count * settings.default.max_examples // STANDARD_EXAMPLES)
