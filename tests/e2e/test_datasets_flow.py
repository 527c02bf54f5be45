"""Datasets over the public API with Ray workers: upload, live profiling, split, clean, preview, download, lineage."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

from tests.e2e.conftest import CREATE_TEAM, unique
from tests.e2e.test_training_flow import wait_for
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

CREATE = "mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id name versionCount } }"
UPLOAD_VERSION = (
    "mutation($i: UploadDatasetVersionInput!) { uploadDatasetVersion(input: $i) "
    "{ id number rows status label format columns { name type isLabel } } }"
)
DERIVE = (
    "mutation($i: DeriveDatasetVersionInput!) { deriveDatasetVersion(input: $i) "
    "{ id number rows parentNumber splits { name rows } operations { op description fitted } } }"
)
UPDATED = (
    "subscription($id: ID!) { datasetUpdated(id: $id) { dataset { versionCount } "
    "version { number status profilingProgress { rowsDone rowsTotal } } change { action summary } } }"
)
PROFILE = (
    "query($id: ID!) { datasetVersion(id: $id) { status profile { rows "
    "columns { name type missing distinct mean std min max quantiles { q value } histogram { counts } } "
    "label { column distribution { value count } } splits { name rows label { distribution { value count } } } } } }"
)
PREVIEW = (
    "query($id: ID!, $offset: Int!, $limit: Int!, $columns: [String!]) { datasetVersion(id: $id) "
    "{ preview(offset: $offset, limit: $limit, columns: $columns) { columns { name type } rows total offset } } }"
)
LINEAGE = (
    "query($id: ID!) { datasetVersion(id: $id) { downloadPath lineage { ancestors { number source operations { op } } "
    "children { number } } dataset { name versionCount } } }"
)
STRATIFIED = {"op": "split", "strategy": "stratified", "ratios": {"train": 0.7, "validation": 0.15, "test": 0.15}, "seed": 42}


def upload(server: Server, content: bytes, filename: str, team_id: str) -> str:
    response = httpx.post(
        f"{server.url}/v1/uploads", params={"team": team_id}, content=content,
        headers={"Authorization": f"Bearer {server.admin_token}", "X-Filename": filename},
    )
    assert response.status_code == 201, response.text
    return response.json()["uploadId"]


def test_breast_cancer_from_upload_to_cleaned_split(server: Server, admin_token: Client, dataset_files: Path) -> None:
    team_id = admin_token.data(CREATE_TEAM, {"i": {"name": unique("datasets")}})["createTeam"]["id"]
    dataset = admin_token.data(CREATE, {"i": {"teamId": team_id, "name": "breast-cancer"}})["createDataset"]
    source = dataset_files / "breast_cancer.csv"
    expected = pd.read_csv(source)

    async def upload_and_watch() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": server.admin_token})
        operation = await socket.subscribe(UPDATED, {"id": dataset["id"]})
        initial = (await socket.next_data(operation))["datasetUpdated"]
        assert initial["change"] is None
        upload_id = await asyncio.to_thread(upload, server, source.read_bytes(), source.name, team_id)
        created = await asyncio.to_thread(
            admin_token.data, UPLOAD_VERSION, {"i": {"datasetId": dataset["id"], "uploadId": upload_id, "label": "target"}}
        )
        updates = []
        while True:
            update = (await socket.next_data(operation, timeout=90))["datasetUpdated"]
            updates.append(update)
            if update["version"] and update["version"]["status"] != "PROFILING":
                break
        await socket.close()
        return created["uploadDatasetVersion"], updates

    version, updates = asyncio.run(asyncio.wait_for(upload_and_watch(), timeout=180))

    assert version["number"] == 1
    assert version["rows"] == 569
    assert version["format"] == "CSV"
    assert version["columns"][-1] == {"name": "target", "type": "INTEGER", "isLabel": True}
    actions = [update["change"]["action"] for update in updates if update["change"]]
    assert "DatasetVersion.ProfilingProgressed" in actions
    assert actions[-1] == "DatasetVersion.Profiled"
    assert updates[-1]["version"]["status"] == "READY"
    assert updates[-1]["version"]["profilingProgress"] == {"rowsDone": 569, "rowsTotal": 569}

    profile = admin_token.data(PROFILE, {"id": version["id"]})["datasetVersion"]["profile"]
    area = next(column for column in profile["columns"] if column["name"] == "mean area")
    assert profile["rows"] == 569
    assert area["type"] == "FLOAT"
    assert area["mean"] == pytest.approx(expected["mean area"].mean())
    assert area["std"] == pytest.approx(expected["mean area"].std())
    assert area["min"] == pytest.approx(expected["mean area"].min())
    assert {round(item["q"], 2): item["value"] for item in area["quantiles"]}[0.5] == pytest.approx(expected["mean area"].median())
    assert profile["label"]["distribution"] == [{"value": 1, "count": 357}, {"value": 0, "count": 212}]

    split = admin_token.data(DERIVE, {"i": {"parentId": version["id"], "operations": [STRATIFIED]}})["deriveDatasetVersion"]
    sizes = {part["name"]: part["rows"] for part in split["splits"]}
    assert split["number"] == 2
    assert split["parentNumber"] == 1
    assert sum(sizes.values()) == 569
    assert sizes == {"train": 398, "validation": 86, "test": 85}

    feature_columns = [name for name in expected.columns if name != "target"]
    cleaned = admin_token.data(
        DERIVE,
        {"i": {"parentId": split["id"], "operations": [
            {"op": "dropMissing"},
            {"op": "dropDuplicates"},
            {"op": "standardize", "columns": feature_columns},
        ]}},
    )["deriveDatasetVersion"]
    standardize = cleaned["operations"][2]
    assert cleaned["number"] == 3
    assert standardize["fitted"]["fittedOn"] == "train"
    assert standardize["description"].startswith("standardize mean radius, mean texture")

    page = admin_token.data(PREVIEW, {"id": cleaned["id"], "offset": 560, "limit": 20, "columns": ["mean radius", "split", "target"]})
    preview = page["datasetVersion"]["preview"]
    assert preview["total"] == 569
    assert preview["offset"] == 560
    assert [column["name"] for column in preview["columns"]] == ["mean radius", "split", "target"]
    assert len(preview["rows"]) == 9
    assert [row[2] for row in preview["rows"]] == expected["target"].tolist()[560:]

    downloaded = httpx.get(f"{server.url}/v1/dataset-versions/{cleaned['id']}/data", params={"format": "csv"},
                           headers={"Authorization": f"Bearer {server.admin_token}"})
    assert downloaded.status_code == 200
    assert downloaded.headers["content-disposition"] == 'attachment; filename="breast-cancer-v3.csv"'
    as_csv = pd.read_csv(io.BytesIO(downloaded.content))
    train = as_csv[as_csv["split"] == "train"]
    assert train["mean radius"].mean() == pytest.approx(0, abs=1e-9)
    assert train["mean radius"].std(ddof=0) == pytest.approx(1)
    as_parquet = httpx.get(f"{server.url}/v1/dataset-versions/{cleaned['id']}/data", headers={"Authorization": f"Bearer {server.admin_token}"})
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(as_parquet.content)), as_csv, check_exact=False)

    lineage = admin_token.data(LINEAGE, {"id": cleaned["id"]})["datasetVersion"]
    assert [(step["number"], step["source"]) for step in lineage["lineage"]["ancestors"]] == [(1, "UPLOAD"), (2, "DERIVED")]
    assert lineage["lineage"]["ancestors"][1]["operations"] == [{"op": "split"}]
    assert lineage["lineage"]["children"] == []
    assert lineage["dataset"] == {"name": "breast-cancer", "versionCount": 3}

    def audit_actions() -> list[str]:
        nodes = admin_token.data(
            'query($t: ID) { auditLog(filter: {teamId: $t}, first: 500) { nodes { action summary } } }', {"t": team_id}
        )["auditLog"]["nodes"]
        return [entry["action"] for entry in nodes]

    # The downloads were just recorded, and the audit log is a projection that may trail them by a moment.
    actions = wait_for(lambda: (found := audit_actions()).count("DatasetVersion.Downloaded") >= 2 and found, 30,
                       "both downloads in the audit log")
    for action in ("Dataset.Created", "DatasetVersion.Uploaded", "DatasetVersion.Profiled", "DatasetVersion.Derived"):
        assert action in actions
    assert actions.count("DatasetVersion.Derived") == 2
    assert actions.count("DatasetVersion.Downloaded") == 2


def test_bad_upload_and_bad_operations_are_clear(server: Server, admin_token: Client) -> None:
    team_id = admin_token.data(CREATE_TEAM, {"i": {"name": unique("bad-data")}})["createTeam"]["id"]
    dataset = admin_token.data(CREATE, {"i": {"teamId": team_id, "name": "ragged"}})["createDataset"]

    ragged = admin_token.error(
        UPLOAD_VERSION,
        {"i": {"datasetId": dataset["id"], "uploadId": upload(server, b"a;b\n1;2\n3;4;5\n", "ragged.csv", team_id)}},
    )
    good = admin_token.data(
        UPLOAD_VERSION, {"i": {"datasetId": dataset["id"], "uploadId": upload(server, b"a;b\n1;2\n3;4\n", "fine.csv", team_id)}}
    )["uploadDatasetVersion"]
    unknown = admin_token.error(DERIVE, {"i": {"parentId": good["id"], "operations": [{"op": "shuffle"}]}})
    missing = admin_token.error(DERIVE, {"i": {"parentId": good["id"], "operations": [{"op": "dropColumns", "columns": ["c"]}]}})
    preview = admin_token.error(PREVIEW, {"id": good["id"], "offset": 0, "limit": 1000, "columns": None})

    assert ragged["extensions"]["code"] == "BAD_USER_INPUT"
    assert ragged["extensions"]["field"] == "file"
    assert ragged["message"].startswith("Line 3 has 3 fields")
    assert good["number"] == 1
    assert good["columns"] == [{"name": "a", "type": "INTEGER", "isLabel": False}, {"name": "b", "type": "INTEGER", "isLabel": False}]
    assert unknown["extensions"]["field"] == "operations[0].op"
    assert missing["extensions"]["field"] == "operations[0].columns[0]"
    assert missing["extensions"]["value"] == "c"
    assert preview["extensions"]["field"] == "limit"
    versions = admin_token.data("query($id: ID!) { dataset(id: $id) { versionCount } }", {"id": dataset["id"]})["dataset"]
    assert versions["versionCount"] == 1


def test_other_teams_dataset_is_not_found(server: Server, admin_token: Client, team) -> None:
    team_id = admin_token.data(CREATE_TEAM, {"i": {"name": unique("private-data")}})["createTeam"]["id"]
    dataset = admin_token.data(CREATE, {"i": {"teamId": team_id, "name": "secret"}})["createDataset"]
    version = admin_token.data(
        UPLOAD_VERSION, {"i": {"datasetId": dataset["id"], "uploadId": upload(server, b"x\n1\n", "x.csv", team_id)}}
    )["uploadDatasetVersion"]
    outsider = team.members["viewer"].client

    hidden = outsider.error("query($id: ID!) { datasetVersion(id: $id) { number } }", {"id": version["id"]})
    download = outsider.http.get(f"/v1/dataset-versions/{version['id']}/data")

    assert hidden["extensions"]["code"] == "NOT_FOUND"
    assert download.status_code == 404
