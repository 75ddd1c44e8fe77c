"""The pieces of the fuzz harness `benchmarks/fuzz.py` (see docs/fuzzing.md).

- `corpus`: the shipped policies and dossiers the mutants start from;
- `tokens`, `mutators`, `grammar`, `generate`: the inputs, reproducible from a seed;
- `targets`: every public entry point, run in process on one input;
- `outcomes`: ok / clean diagnostic / internal error, and how errors are grouped;
- `shrink`: delta debugging of a failing input;
- `reproducers`: the saved form of a minimised failing input, and replaying it;
- `engine`: the run loop and its summary table.

Not part of the fitn7 package: a tool of the repository, imported by
`benchmarks/fuzz.py` and by `tests/fuzz/`.
"""
