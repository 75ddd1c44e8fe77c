"""`fitn7 ds pull` against a local HTTP server that speaks the GraphQL API; never the network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fitn7.cli import main
from fitn7.loading import Loaded
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from fake_ds import api_dossier, snapshot
from fitn7_demarches_simplifiees import load_demarche
from fitn7_demarches_simplifiees.api import ApiError, Client
from fitn7_demarches_simplifiees.command import pull
from gers_demarche import GERS, many

TOKEN = "s3cr3t-t0ken-of-an-instructeur"
PATH = "/api/v2/graphql"


class Api:
    """A fake GraphQL endpoint: pages of dossier nodes, deleted dossiers, canned failures."""

    def __init__(self, nodes: list[dict[str, Any]], *, failures: list[int] | None = None,
                 deleted: list[int] | None = None, errors: list[str] | None = None) -> None:
        self.nodes = nodes
        self.failures = list(failures or [])
        self.deleted = deleted or []
        self.errors = errors
        self.requests: list[dict[str, Any]] = []
        self.headers: list[str] = []

    def __call__(self, request: Request) -> Response:
        body = json.loads(request.get_data(as_text=True))
        self.requests.append(body)
        self.headers.append(request.headers.get("Authorization", ""))
        if self.failures:
            status = self.failures.pop(0)
            return Response("busy", status=status, headers={"Retry-After": "0"})
        if self.errors:
            return _json({"data": None, "errors": [{"message": m} for m in self.errors]})
        variables = body["variables"]
        start = int(variables["after"] or 0)
        first = variables["first"]
        if body["operationName"] == "getDeletedDossiers":
            nodes: list[Any] = [{"number": n, "id": "x", "dateSupression": "2021-07-02",
                                 "state": "en_construction", "reason": "user_request"}
                                for n in self.deleted]
            conn = "deletedDossiers"
        else:
            nodes, conn = self.nodes, "dossiers"
        page = nodes[start:start + first]
        more = start + first < len(nodes)
        return _json({"data": {"demarche": {
            "id": "RGVt", "number": variables["demarcheNumber"], "title": GERS.title,
            conn: {"pageInfo": {"hasNextPage": more, "endCursor": str(start + first)},
                   "nodes": page}}}})


def _json(payload: Any) -> Response:
    return Response(json.dumps(payload), content_type="application/json")


def _serve(httpserver: HTTPServer, api: Api) -> Client:
    httpserver.expect_request(PATH, method="POST").respond_with_handler(api)
    return Client(httpserver.url_for("/"), TOKEN, sleep=lambda s: None, timeout=5)


def test_every_page_is_fetched_100_at_a_time(httpserver: HTTPServer, tmp_path: Path) -> None:
    nodes = [api_dossier(GERS, d) for d in many(250).dossiers]
    api = Api(nodes)
    out = tmp_path / "snap.json"
    assert pull(_serve(httpserver, api), 41234, out) == 250
    assert [r["variables"]["after"] for r in api.requests] == [None, "100", "200"]
    assert {r["variables"]["first"] for r in api.requests} == {100}
    assert api.headers == [f"Bearer {TOKEN}"] * 3
    query = api.requests[0]["query"]
    assert "... on CommuneChamp" in query and "... on YesNoChamp" in query
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == "fitn7-demarches-simplifiees/snapshot"
    assert len(document["dossiers"]) == 250
    assert TOKEN not in out.read_text(encoding="utf-8")


def test_a_pulled_snapshot_reads_through_the_mapping(httpserver: HTTPServer,
                                                     folder: Path) -> None:
    api = Api([api_dossier(GERS, d) for d in GERS.dossiers])
    pull(_serve(httpserver, api), 41234, folder / "gers.json", base_url="http://x")
    ids = [r.dossier.id for r in load_demarche(folder / "gers.json") if isinstance(r, Loaded)]
    assert ids == ["4821337", "4821402", "4822019", "4822315", "4822790"]


def test_since_merges_updates_and_drops_deleted_dossiers(httpserver: HTTPServer,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    out.write_text(json.dumps(snapshot(GERS)), encoding="utf-8")
    changed = api_dossier(GERS, GERS.dossiers[0])
    changed["state"] = "accepte"
    added = api_dossier(many(1), many(1).dossiers[0])
    api = Api([changed, added], deleted=[4822019])
    count = pull(_serve(httpserver, api), 41234, out, since="last")
    assert count == 5
    sent = api.requests[0]["variables"]
    assert sent["updatedSince"] == "2021-07-01T09:00:00+00:00"
    assert api.requests[-1]["operationName"] == "getDeletedDossiers"
    document = json.loads(out.read_text(encoding="utf-8"))
    by_number = {d["number"]: d for d in document["dossiers"]}
    assert sorted(by_number) == [4821337, 4821402, 4822315, 4822790, 5000000]
    assert by_number[4821337]["state"] == "accepte"


def test_a_429_then_success(httpserver: HTTPServer, tmp_path: Path) -> None:
    api = Api([api_dossier(GERS, d) for d in GERS.dossiers], failures=[429])
    waits: list[float] = []
    client = Client(httpserver.url_for("/"), TOKEN, sleep=waits.append, timeout=5)
    httpserver.expect_request(PATH, method="POST").respond_with_handler(api)
    assert pull(client, 41234, tmp_path / "s.json") == 5
    assert len(api.requests) == 2 and waits == [2.0]


def test_a_500_three_times_fails_and_keeps_the_previous_snapshot(httpserver: HTTPServer,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    out.write_text(json.dumps(snapshot(GERS)), encoding="utf-8")
    before = out.read_bytes()
    api = Api([api_dossier(GERS, d) for d in many(150).dossiers], failures=[])
    client = _serve(httpserver, api)
    # The first page arrives, the second fails three times: nothing is written.
    original = api.__call__

    def failing_second_page(request: Request) -> Response:
        body = json.loads(request.get_data(as_text=True))
        if body["variables"]["after"] == "100":
            api.requests.append(body)
            return Response("oops", status=500)
        return original(request)

    httpserver.clear()
    httpserver.expect_request(PATH, method="POST").respond_with_handler(failing_second_page)
    with pytest.raises(ApiError, match=r"page 2 failed 3 times \(HTTP 500\)"):
        pull(client, 41234, out)
    assert len(api.requests) == 4
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["snap.json"]


def test_a_401_says_the_token_was_refused_without_showing_it(httpserver: HTTPServer,
                                                             tmp_path: Path) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_data("no", status=401)
    client = Client(httpserver.url_for("/"), TOKEN, sleep=lambda s: None)
    with pytest.raises(ApiError) as caught:
        pull(client, 41234, tmp_path / "s.json")
    assert "refused the token (401)" in str(caught.value)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(client)
    assert not (tmp_path / "s.json").exists()


def test_a_graphql_error_is_reported(httpserver: HTTPServer, tmp_path: Path) -> None:
    api = Api([], errors=["Demarche not found"])
    with pytest.raises(ApiError, match="the API answered with an error: Demarche not found"):
        pull(_serve(httpserver, api), 41234, tmp_path / "s.json")


def test_a_timeout_is_tried_again() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, json={"data": {"demarche": {
            "title": "t", "dossiers": {"pageInfo": {"hasNextPage": False}, "nodes": []}}}})

    client = Client("http://platform.test", TOKEN, sleep=lambda s: None,
                    http=httpx.Client(transport=httpx.MockTransport(handler)))
    pages = list(client.dossiers(41234))
    assert len(calls) == 2 and pages[0][1] == []


def test_the_command_line(httpserver: HTTPServer, tmp_path: Path,
                          monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    api = Api([api_dossier(GERS, d) for d in GERS.dossiers])
    httpserver.expect_request(PATH, method="POST").respond_with_handler(api)
    out = tmp_path / "gers.json"
    monkeypatch.delenv("FITN7_DS_TOKEN", raising=False)
    assert main(["ds", "pull", "41234", "--out", str(out),
                 "--base-url", httpserver.url_for("/")]) == 2
    assert "no API token: set the environment variable FITN7_DS_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("FITN7_DS_TOKEN", TOKEN)
    assert main(["ds", "pull", "41234", "--out", str(out), "--state", "en_instruction",
                 "--base-url", httpserver.url_for("/")]) == 0
    captured = capsys.readouterr()
    assert f"{out}: 5 dossiers of démarche 41234" in captured.out
    assert TOKEN not in captured.out + captured.err + out.read_text(encoding="utf-8")
    assert api.requests[0]["variables"]["state"] == "en_instruction"
