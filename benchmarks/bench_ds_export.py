"""Benchmark: a 5 000-dossier Démarches Simplifiées xlsx export read and evaluated.

Writes (untimed, with openpyxl) an export of N dossiers shaped like the Gers
example's, three expense lines each, then times what `fitn7 eval
policies/gers.fitn7 export.xlsx` does after startup: read the workbook
through the démarche's mapping (fitn7-demarches-simplifiees) and decide every
dossier, as the command line does (plugins loaded, decisions stamped,
trace off). Prints, for each of three passes, the wall-clock and the CPU
time of this single-threaded process with its dossiers/s, then the medians,
and PASS when the median CPU time is under the target (5 s for 5 000
dossiers on one core): on a machine shared with other work the wall-clock
time also counts the time the core spent on others, so it is printed, not
judged.
Needs the plugin and its test extras (openpyxl, odfpy). Not a test.

    python benchmarks/bench_ds_export.py [N]
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "plugins" / "fitn7-demarches-simplifiees"
sys.path.insert(0, str(PLUGIN / "tests"))

from fake_ds import write_xlsx  # noqa: E402
from gers_demarche import many  # noqa: E402

from fitn7.api import load_policy  # noqa: E402
from fitn7.evaluation import compile_policy  # noqa: E402
from fitn7.loading import Loaded  # noqa: E402
from fitn7.plugins import PluginHost  # noqa: E402
from fitn7.runner import Runner  # noqa: E402
from fitn7_demarches_simplifiees import load_demarche  # noqa: E402

TARGET_SECONDS = 5.0
TARGET_DOSSIERS = 5_000


def run_once(export: Path, runner: Runner) -> tuple[float, float, int, dict[str, int]]:
    """Wall and CPU seconds to read and decide every dossier; the number decided; statuses."""
    start = time.perf_counter()
    cpu = time.process_time()
    statuses: dict[str, int] = {}
    decided = 0
    for result in load_demarche(export):
        if not isinstance(result, Loaded):
            raise SystemExit(f"unexpected failure: {result.error}")
        outcome = runner.decide(result.dossier, trace=False, read_by="fitn7_demarches_simplifiees")
        status = outcome.decision.status.value
        statuses[status] = statuses.get(status, 0) + 1
        decided += 1
    return time.perf_counter() - start, time.process_time() - cpu, decided, statuses


def main(count: int = TARGET_DOSSIERS) -> int:
    """Write the export, time three passes, print the rates and PASS or FAIL."""
    folder = Path(tempfile.mkdtemp(prefix="bench-ds-"))
    try:
        export = folder / "export.xlsx"
        demarche = many(count)
        write_xlsx(demarche, export)
        shutil.copy(PLUGIN / "examples" / "gers.mapping.toml", folder / "export.mapping.toml")
        host = PluginHost.load()
        policy = load_policy(ROOT / "policies" / "gers.fitn7", plugins=host)
        runner = Runner(compile_policy(policy, plugins=host), host)
        lines = sum(len(d.values[2380010]) for d in demarche.dossiers)
        print(f"{count} dossiers, {lines} expense lines, {export.stat().st_size // 1024} KiB xlsx")
        walls, cpus = [], []
        for attempt in range(1, 4):
            wall, cpu, decided, statuses = run_once(export, runner)
            assert decided == count, decided
            walls.append(wall)
            cpus.append(cpu)
            print(f"pass {attempt}: wall {wall:.2f} s ({decided / wall:,.0f} dossiers/s), "
                  f"cpu {cpu:.2f} s ({decided / cpu:,.0f} dossiers/s)  {statuses}")
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        budget = TARGET_SECONDS * count / TARGET_DOSSIERS
        verdict = "PASS" if cpu < budget else "FAIL"
        print(f"median: wall {wall:.2f} s, cpu {cpu:.2f} s ({count / cpu:,.0f} dossiers/s on one "
              f"core); target < {budget:.1f} s: {verdict}")
        return 0 if verdict == "PASS" else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else TARGET_DOSSIERS))
