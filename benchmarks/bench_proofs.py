"""Benchmark: the proof commands on each shipped policy, each within 10 s on one core.

For every shipped policy, in a new process each run (`taskset -c 0` when
available, so one core), median of several runs, wall clock and CPU time:

- `fitn7 check --prove POLICY` (every invariant and every static finding);
- `fitn7 diff --symbolic POLICY POLICY'` where POLICY' has its first money
  literal of the amount block lowered by a sixth (a real difference to find,
  regions, optimisation and witness included), and `POLICY POLICY` (the
  equivalence proof);
- `fitn7 test --coverage POLICY`.

The verdict is on the CPU time unless `--wall` is given: on a machine shared
with others, the wall clock also counts the wait for a core. Not a test: it
prints.

    python benchmarks/bench_proofs.py [--runs N] [--wall]
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"
TARGET = 10.0


def _prefix() -> list[str]:
    return ["taskset", "-c", "0"] if shutil.which("taskset") else []


def _run(args: list[str], cwd: Path) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([*_prefix(), sys.executable, "-m", "fitn7", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def _lowered(policy: Path, into: Path) -> Path | None:
    """A copy of `policy` with one amount-step money literal lowered, or None."""
    text = policy.read_text(encoding="utf-8")
    block = text.find("\namount")
    if block < 0:
        return None
    found = re.compile(r"(\d[\d_]*) €").search(text, block)
    if found is None:
        return None
    value = int(found.group(1).replace("_", ""))
    changed = text[:found.start(1)] + str(value - value // 6) + text[found.end(1):]
    out = into / policy.name
    out.write_text(changed, encoding="utf-8")
    return out


def main() -> int:
    """Run every command on every shipped policy; exit 1 if one misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--wall", action="store_true", help="judge the wall clock")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for policy in sorted(POLICIES.glob("*.fitn7")):
            path = ["--policy-path", str(POLICIES)]
            commands = {
                "check --prove": ["check", "--prove", *path, "--witness-dir", tmp,
                                  str(policy)],
                "diff --symbolic (same)": ["diff", "--symbolic", *path, "--witness-dir", tmp,
                                           str(policy), str(policy)],
                "test --coverage": ["test", "--coverage", *path, str(policy)],
            }
            lowered = _lowered(policy, work)
            if lowered is not None:
                commands["diff --symbolic (changed)"] = [
                    "diff", "--symbolic", *path, "--witness-dir", tmp, str(policy),
                    str(lowered)]
            for name, command in commands.items():
                runs = [_run(command, work) for _ in range(args.runs)]
                wall = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[1] for r in runs)
                codes = sorted({r[2] for r in runs})
                judged = wall if args.wall else cpu
                ok = judged <= TARGET and all(c in (0, 1) for c in codes)
                failed = failed or not ok
                print(f"{'PASS' if ok else 'FAIL'}  {policy.name:<22} {name:<26} "
                      f"wall {wall:6.2f} s  cpu {cpu:6.2f} s  exit {codes}  "
                      f"(target {TARGET:g} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
