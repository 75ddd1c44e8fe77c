"""Proofs about policies with an SMT solver (z3): a symbolic model of a policy, proved
invariants, static findings and the symbolic diff of two versions.

`values` holds three-valued terms; `inputs` the dossier as solver variables;
`expressions` translates policy expressions; `model` the whole decision;
`witness` turns a solver model into a runnable TOML dossier; `prove`,
`findings` and `diff` answer the auditor's questions. z3 is an optional
dependency (`pip install 'fitn7[proofs]'`): import this package only when asked.
"""
