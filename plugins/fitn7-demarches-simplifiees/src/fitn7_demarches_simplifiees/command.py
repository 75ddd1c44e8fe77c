"""`fitn7 ds pull DEMARCHE --out snapshot.json`: a démarche's dossiers from the API, to a file.

The token comes from an environment variable (`FITN7_DS_TOKEN`, or the one
`--token-env` names), never from the command line where the shell history
and the process list would show it. `--since` pulls only the dossiers changed
since a date (or since the last pull, `--since last`) and merges them into the
existing snapshot, dropping the dossiers deleted meanwhile. The snapshot is
written only once every page has arrived, atomically: a pull that fails
halfway leaves the previous snapshot as it was.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fitn7.errors import DossierError, Fitn7Error

from fitn7_demarches_simplifiees.platform import STATES

TOKEN_ENV = "FITN7_DS_TOKEN"
BASE_URL_ENV = "FITN7_DS_BASE_URL"


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of `fitn7 ds` and its subcommand `pull`."""
    parser.set_defaults(run=lambda args: _usage(parser))
    sub = parser.add_subparsers(dest="ds_command", metavar="SUBCOMMAND")
    pull = sub.add_parser(
        "pull", help="fetch every dossier of a démarche through the GraphQL API",
        description="Fetch every dossier of a démarche through the GraphQL API into a "
        "snapshot that `fitn7 eval`, `allocate` and `diff --impact` read through the "
        f"démarche's mapping. The API token is read from ${TOKEN_ENV} (see --token-env).",
    )
    pull.add_argument("demarche", metavar="DEMARCHE", type=int,
                      help="the démarche's number (in its address: …/procedures/41234)")
    pull.add_argument("--out", required=True, metavar="FILE",
                      help="the snapshot to write (.json); with --since, merged into")
    pull.add_argument("--since", metavar="DATETIME",
                      help="only dossiers changed since this ISO date-time "
                      "(2021-06-01T00:00:00+02:00), or `last` for the previous pull's time; "
                      "merged into the existing --out snapshot")
    pull.add_argument("--state", choices=STATES,
                      help="only the dossiers in this state (e.g. en_instruction)")
    pull.add_argument("--base-url", default=None, metavar="URL",
                      help=f"the platform's address (also ${BASE_URL_ENV}); default: the "
                      "national instance")
    pull.add_argument("--token-env", default=TOKEN_ENV, metavar="VAR",
                      help=f"the environment variable holding the API token (default {TOKEN_ENV})")
    pull.set_defaults(run=run_pull)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    print("fitn7 ds: name a subcommand: pull", file=sys.stderr)
    return 2


def run_pull(args: argparse.Namespace) -> int:
    """Pull, merge if asked, write; 0 ok, 1 the API or the snapshot is wrong, 2 usage."""
    from fitn7_demarches_simplifiees.api import DEFAULT_BASE_URL, Client

    token = os.environ.get(args.token_env, "").strip()
    if not token:
        print(f"fitn7 ds pull: no API token: set the environment variable {args.token_env} "
              "(an instructor's token, Profil → Jetons d'API)", file=sys.stderr)
        return 2
    base_url = args.base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    client = Client(base_url, token)
    try:
        count = pull(client, args.demarche, Path(args.out), since=args.since, state=args.state,
                     base_url=base_url, progress=_progress())
    except (Fitn7Error, DossierError) as exc:
        print(f"\nfitn7 ds pull: {exc}" if sys.stderr.isatty() else f"fitn7 ds pull: {exc}",
              file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"fitn7 ds pull: cannot write {args.out}: {exc.strerror or exc} (nothing was "
              "written)", file=sys.stderr)
        return 1
    finally:
        client.close()
    print(f"{args.out}: {count} dossiers of démarche {args.demarche}")
    return 0


def pull(
    client: Any,
    demarche: int,
    out: Path,
    *,
    since: str | None = None,
    state: str | None = None,
    base_url: str = "",
    progress: Callable[[int], None] | None = None,
    now: Callable[[], datetime.datetime] | None = None,
) -> int:
    """Fetch, merge into `out` when `since` is given, write atomically; the dossier count."""
    from fitn7_demarches_simplifiees.api import ApiError
    from fitn7_demarches_simplifiees.snapshot import read_document, write_document

    started = (now or _utcnow)()
    previous: dict[str, Any] | None = None
    if since is not None:
        if not out.is_file():
            raise ApiError(f"--since merges into {out}, which does not exist: pull the whole "
                           "démarche first (without --since)")
        previous = read_document(out, exact=False)
        found = (previous.get("demarche") or {}).get("number")
        if found != demarche:
            raise ApiError(f"{out} is a snapshot of démarche {found}, not {demarche}")
        if since == "last":
            since = str(previous.get("pulled_at") or "")
            if not since:
                raise ApiError(f"{out} does not say when it was pulled: give --since DATETIME")
        _check_datetime(since)
    info: Mapping[str, Any] = {}
    nodes: list[Any] = []
    for found_demarche, page in client.dossiers(demarche, state=state, updated_since=since):
        info = found_demarche
        nodes.extend(page)
        if progress is not None:
            progress(len(nodes))
    deleted: set[Any] = set()
    if previous is not None and since is not None:
        for page in client.deleted(demarche, since):
            deleted.update(d.get("number") for d in page if isinstance(d, Mapping))
    if previous is not None:
        fresh = {n.get("number") for n in nodes if isinstance(n, Mapping)}
        kept = [d for d in previous.get("dossiers", [])
                if isinstance(d, Mapping) and d.get("number") not in fresh | deleted]
        nodes = kept + nodes
    nodes.sort(key=lambda n: n.get("number", 0) if isinstance(n, Mapping) else 0)
    title = info.get("title") or ((previous or {}).get("demarche") or {}).get("title")
    write_document(out, {
        "demarche": {"number": demarche, "title": title},
        "instance": base_url,
        "pulled_at": started.isoformat(timespec="seconds"),
        "state": state,
        "dossiers": nodes,
    })
    return len(nodes)


def _check_datetime(text: str) -> None:
    from fitn7_demarches_simplifiees.api import ApiError

    try:
        datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ApiError(f"--since `{text}` is not an ISO date-time: write e.g. "
                       "2021-06-01T00:00:00+02:00, or `last`") from None


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _progress() -> Callable[[int], None] | None:
    """A counter redrawn on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(count: int) -> None:
        print(f"\rfitn7 ds pull: {count} dossiers…", end="", file=sys.stderr, flush=True)

    return show
