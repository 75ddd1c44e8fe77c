"""The canonical hash of a policy, recorded in every decision.

It is the SHA-256 of the policy's canonical text without comments, so
reformatting a file or editing its comments keeps the hash, and any change
of meaning (a threshold, a message, a rule id, the order of rules) changes it.
"""

from __future__ import annotations

import hashlib

from fitn7.dsl import ast
from fitn7.dsl.formatter import format_policy


def policy_hash(policy: ast.Policy) -> str:
    """The SHA-256 (hex) of the UTF-8 canonical form of `policy`, comments left out."""
    canonical = format_policy(policy, comments=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
