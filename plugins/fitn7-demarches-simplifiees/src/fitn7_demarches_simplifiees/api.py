"""A client of the GraphQL API (v2) of Démarches Simplifiées: every dossier of a démarche.

Relay cursor paging at 100 a page; a request that times out or gets a 429
or a 5xx is tried again with a growing pause (a 429's `Retry-After` is
followed), three tries in all; a 401 or 403, a GraphQL error, or a page that
still fails is an `ApiError` saying what to do. The token goes in the
`Authorization` header and nowhere else: no message, log or file holds it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from typing import Any

import httpx
from fitn7.errors import Fitn7Error

#: The current national instance (the platform's new name and address).
DEFAULT_BASE_URL = "https://demarche.numerique.gouv.fr"
#: The API's largest page.
PAGE_SIZE = 100
#: Tries per request before giving up.
TRIES = 3
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class ApiError(Fitn7Error):
    """The API refused or failed a request; the message says what to do."""


def query_text() -> str:
    """The GraphQL document shipped with the plugin (dossiers.graphql)."""
    return resources.files(__package__).joinpath("dossiers.graphql").read_text(encoding="utf-8")


class Client:
    """Requests to one instance with one token; give `http` (an `httpx.Client`) in tests."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 60.0,
        backoff: float = 2.0,
    ) -> None:
        self.endpoint = base_url.rstrip("/") + "/api/v2/graphql"
        self._headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self._http = http or httpx.Client(timeout=timeout)
        self._sleep = sleep
        self._backoff = backoff
        self._query = query_text()

    def __repr__(self) -> str:  # never show the token
        return f"Client({self.endpoint!r})"

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def dossiers(
        self,
        demarche: int,
        *,
        state: str | None = None,
        updated_since: str | None = None,
    ) -> Iterator[tuple[Mapping[str, Any], list[Any]]]:
        """(the démarche, a page of dossier nodes) for every page, in order."""
        variables: dict[str, Any] = {"demarcheNumber": demarche, "first": PAGE_SIZE}
        if state:
            variables["state"] = state
        if updated_since:
            variables["updatedSince"] = updated_since
        yield from self._pages("getDemarche", variables, "dossiers", demarche)

    def deleted(self, demarche: int, since: str) -> Iterator[list[Any]]:
        """Pages of the dossiers deleted since `since`."""
        variables = {"demarcheNumber": demarche, "first": PAGE_SIZE, "deletedSince": since}
        for _, nodes in self._pages("getDeletedDossiers", variables, "deletedDossiers",
                                    demarche):
            yield nodes

    def _pages(
        self, operation: str, variables: dict[str, Any], connection: str, demarche: int
    ) -> Iterator[tuple[Mapping[str, Any], list[Any]]]:
        after: str | None = None
        page = 1
        while True:
            data = self._post(operation, {**variables, "after": after}, page)
            found = data.get("demarche")
            if not isinstance(found, Mapping):
                raise ApiError(f"no démarche {demarche} on {self.endpoint}, or the token "
                               "cannot see it (it must be an instructor's on that démarche)")
            conn = found.get(connection)
            if not isinstance(conn, Mapping) or not isinstance(conn.get("nodes"), list):
                raise ApiError(f"page {page}: the answer has no `{connection}` list")
            yield found, conn["nodes"]
            info = conn.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            after = info.get("endCursor")
            if not after:
                raise ApiError(f"page {page}: the API says more pages follow but gives no cursor")
            page += 1

    def _post(self, operation: str, variables: Mapping[str, Any], page: int) -> Mapping[str, Any]:
        body = {"query": self._query, "variables": dict(variables), "operationName": operation}
        problem = ""
        for attempt in range(1, TRIES + 1):
            try:
                response = self._http.post(self.endpoint, json=body, headers=self._headers)
            except httpx.TimeoutException:
                problem = "timed out"
                wait = self._backoff * 2 ** (attempt - 1)
            except httpx.TransportError as exc:
                problem = f"could not reach {self.endpoint} ({type(exc).__name__})"
                wait = self._backoff * 2 ** (attempt - 1)
            else:
                if response.status_code in (401, 403):
                    raise ApiError(
                        f"the API refused the token ({response.status_code}): check that the "
                        "token variable holds a valid API token of an instructor of this "
                        "démarche (Profil → Jetons d'API)"
                    )
                if response.status_code not in _RETRY_STATUSES:
                    return self._data(response, page)
                problem = f"HTTP {response.status_code}"
                wait = self._backoff * 2 ** (attempt - 1)
                if response.status_code == 429:
                    wait = max(wait, _retry_after(response.headers.get("Retry-After")))
            if attempt < TRIES:
                self._sleep(min(wait, 120.0))
        raise ApiError(f"page {page} failed {TRIES} times ({problem}): the platform may be "
                       "busy or down; try again later (nothing was written)")

    def _data(self, response: httpx.Response, page: int) -> Mapping[str, Any]:
        if response.status_code >= 400:
            raise ApiError(f"page {page}: HTTP {response.status_code} from {self.endpoint}")
        try:
            payload = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ApiError(f"page {page}: the answer is not JSON (is the base URL the "
                           "platform's?)") from None
        if not isinstance(payload, Mapping):
            raise ApiError(f"page {page}: unexpected answer")
        errors = payload.get("errors")
        if errors:
            messages = "; ".join(
                str(e.get("message", e)) if isinstance(e, Mapping) else str(e)
                for e in (errors if isinstance(errors, list) else [errors])
            )
            raise ApiError(f"page {page}: the API answered with an error: {messages}")
        data = payload.get("data")
        if not isinstance(data, Mapping):
            raise ApiError(f"page {page}: the answer has no data")
        return data


def _retry_after(value: str | None) -> float:
    """Seconds from a `Retry-After` header given in seconds; 0 for a date or nothing."""
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0
