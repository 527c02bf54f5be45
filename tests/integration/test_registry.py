"""The registry on SQLite and PostgreSQL, with Keras models trained on scikit-learn's breast cancer data."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from backend.domain.access import SESSION, Principal
from backend.domain.base import Cause, Conflict, Forbidden, InvalidInput, NotFound, iso
from backend.domain.identity import EDITOR
from backend.http.app import create_app
from backend.projections.registry import ModelFilter
from backend.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.test_event_store import admin_of

pytestmark = pytest.mark.integration


class Registry:
    """A team with an admin and an editor, and helpers to upload files and register models as they would."""

    def __init__(self, runtime: Runtime, clock: FrozenClock) -> None:
        self.runtime = runtime
        self.clock = clock
        self.admin = admin_of(runtime)
        self.team_id, _ = runtime.identity.create_team(self.admin, self.cause(self.admin), name=f"ml-{uuid.uuid4().hex[:6]}")
        editor_id, _ = runtime.identity.create_user(self.admin, self.cause(self.admin), username=f"ed{uuid.uuid4().hex[:6]}", password="editor-password")
        runtime.identity.add_member(self.admin, self.cause(self.admin), team_id=self.team_id, user_id=editor_id, role=EDITOR)
        self.editor = Principal(user_id=editor_id, username="editor", is_admin=False, via=SESSION)

    def cause(self, principal: Principal) -> Cause:
        return Cause.new(principal.actor, None, at=self.clock())

    def upload(self, path: Path, principal: Principal | None = None, filename: str | None = None) -> uuid.UUID:
        return self.upload_bytes(path.read_bytes(), filename or path.name, principal)

    def upload_bytes(self, content: bytes, filename: str, principal: Principal | None = None) -> uuid.UUID:
        principal = principal or self.editor
        received = self.runtime.uploads.receive(
            principal, self.cause(principal), team_id=self.team_id, body=io.BytesIO(content), max_size=10**8,
            filename=filename, content_type="application/octet-stream",
        )
        assert self.runtime.projections.wait_for(received.outcome.position)
        return received.upload_id

    def register(self, name: str = "cancer", **fields: object) -> uuid.UUID:
        model_id, outcome = self.runtime.registry.register_model(
            self.editor, self.cause(self.editor), team_id=self.team_id, name=name, task="classification", **fields
        )
        assert self.runtime.projections.wait_for(outcome.position)
        return model_id

    def add_version(self, model_id: uuid.UUID, upload_id: uuid.UUID, **options: object) -> int:
        added = self.runtime.registry.upload_version(self.editor, self.cause(self.editor), model_id=model_id, upload_id=upload_id, **options)
        assert self.runtime.projections.wait_for(added.outcome.position)
        return added.number


@pytest.fixture
def registry(runtime: Runtime, clock: FrozenClock) -> Registry:
    return Registry(runtime, clock)


def test_upload_becomes_version_one(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()

    number = registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))

    row = registry.runtime.readers.registry.version_by_number(str(model_id), 1)
    assert number == 1
    assert row["format"] == "keras"
    assert row["size"] == (model_files / "cancer_a.keras").stat().st_size
    assert row["status"] == "pending"
    assert registry.runtime.readers.registry.model(str(model_id))["version_count"] == 1


def test_savedmodel_archives_are_accepted(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()

    zipped = registry.add_version(model_id, registry.upload(model_files / "cancer_a_savedmodel.zip"))
    tarred = registry.add_version(model_id, registry.upload(model_files / "cancer_a_savedmodel.tar.gz"))

    reader = registry.runtime.readers.registry
    assert (zipped, tarred) == (1, 2)
    assert reader.version_by_number(str(model_id), 1)["format"] == "savedmodel"
    assert reader.version_by_number(str(model_id), 2)["format"] == "savedmodel"


def test_twenty_concurrent_uploads_get_numbers_once(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()
    uploads = [registry.upload(model_files / "cancer_b.keras") for _ in range(20)]

    def add(upload_id: uuid.UUID) -> int:
        return registry.runtime.registry.upload_version(
            registry.editor, registry.cause(registry.editor), model_id=model_id, upload_id=upload_id, allow_duplicate=True
        ).number

    with ThreadPoolExecutor(max_workers=20) as pool:
        numbers = list(pool.map(add, uploads))

    assert sorted(numbers) == list(range(1, 21))
    assert registry.runtime.projections.wait_for(registry.runtime.store.head())
    rows = registry.runtime.readers.registry.versions(str(model_id), None, 100)
    assert [row["number"] for row in rows] == list(range(1, 21))
    originals = [row for row in rows if row["duplicate_of"] is None]
    assert len(originals) == 1


def test_same_bytes_are_a_duplicate(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()
    registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))
    second = registry.upload(model_files / "cancer_a.keras")

    with pytest.raises(Conflict) as raised:
        registry.add_version(model_id, second)

    assert "already version 1 of model 'cancer'" in raised.value.message
    assert raised.value.field == "uploadId"
    assert registry.runtime.readers.registry.model(str(model_id))["version_count"] == 1


def test_duplicate_allowed_shares_the_blob(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()
    registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))

    number = registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"), allow_duplicate=True)

    reader = registry.runtime.readers.registry
    first, second = reader.version_by_number(str(model_id), 1), reader.version_by_number(str(model_id), 2)
    assert number == 2
    assert second["duplicate_of"] == first["version_id"]
    blobs = [path for path in (Path(registry.runtime.settings.artifacts) / "blobs").rglob("*") if path.is_file()]
    assert len(blobs) == 1


def test_duplicate_found_across_models(registry: Registry, model_files: Path) -> None:
    first_model = registry.register("first")
    registry.add_version(first_model, registry.upload(model_files / "cancer_a.keras"))
    other_model = registry.register("other")

    with pytest.raises(Conflict, match="already version 1 of model 'first'"):
        registry.add_version(other_model, registry.upload(model_files / "cancer_a.keras"))


def test_concurrent_same_bytes_pass_once(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()
    uploads = [registry.upload(model_files / "cancer_a.keras") for _ in range(6)]

    def add(upload_id: uuid.UUID) -> str:
        try:
            registry.runtime.registry.upload_version(registry.editor, registry.cause(registry.editor), model_id=model_id, upload_id=upload_id)
        except Conflict:
            return "duplicate"
        return "added"

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(add, uploads))

    assert results.count("added") == 1
    assert results.count("duplicate") == 5


def test_different_training_is_not_a_duplicate(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()
    registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))

    assert registry.add_version(model_id, registry.upload(model_files / "cancer_b.keras")) == 2


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("notes.txt", b"just text", "does not say what kind of model it is"),
        ("model.keras", b"this is a text file, not a model", "is not a readable zip archive"),
        ("model.zip", b"PK\x03\x04 broken", "is not a readable zip archive"),
        ("model.tar.gz", b"\x1f\x8b broken", "is not a readable .tar.gz archive"),
    ],
)
def test_bad_model_files_store_nothing(registry: Registry, filename: str, content: bytes, message: str) -> None:
    model_id = registry.register()
    upload_id = registry.upload_bytes(content, filename)

    with pytest.raises(InvalidInput, match=message):
        registry.add_version(model_id, upload_id)

    assert registry.runtime.readers.registry.model(str(model_id))["version_count"] == 0
    assert registry.runtime.readers.uploads.upload(str(upload_id))["consumed_by"] is None


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_escaping_its_folder_is_rejected(registry: Registry) -> None:
    model_id = registry.register()
    upload_id = registry.upload_bytes(zip_of({"saved_model.pb": b"x", "../../etc/cron.d/evil": b"x"}), "escape.zip")

    with pytest.raises(InvalidInput, match="escapes the archive's folder"):
        registry.add_version(model_id, upload_id)


def test_zip_bomb_is_rejected(registry: Registry) -> None:
    model_id = registry.register()
    upload_id = registry.upload_bytes(zip_of({"saved_model.pb": b"x", "variables/huge": bytes(50 * 1024 * 1024)}), "bomb.zip")

    with pytest.raises(InvalidInput, match="possible zip bomb"):
        registry.add_version(model_id, upload_id)


def test_archive_without_savedmodel_is_rejected(registry: Registry) -> None:
    model_id = registry.register()
    upload_id = registry.upload_bytes(zip_of({"README.md": b"no model here"}), "empty.zip")

    with pytest.raises(InvalidInput, match="contains no saved_model.pb"):
        registry.add_version(model_id, upload_id)


def test_zip_renamed_keras_without_weights_is_rejected(registry: Registry) -> None:
    model_id = registry.register()
    upload_id = registry.upload_bytes(zip_of({"config.json": b"{}"}), "model.keras")

    with pytest.raises(InvalidInput, match="lacks model.weights.h5"):
        registry.add_version(model_id, upload_id)


def test_upload_used_twice_conflicts(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()
    upload_id = registry.upload(model_files / "cancer_a.keras")
    registry.add_version(model_id, upload_id)

    with pytest.raises(Conflict, match="already used"):
        registry.add_version(model_id, upload_id, allow_duplicate=True)


def test_model_names_are_unique_per_team(registry: Registry) -> None:
    registry.register("Churn")

    with pytest.raises(Conflict, match="already has a model named 'churn'"):
        registry.register("churn")


def test_huge_model_name_is_rejected_briefly(registry: Registry) -> None:
    with pytest.raises(InvalidInput) as raised:
        registry.register("m" * 10_000)

    assert raised.value.field == "name"
    assert len(raised.value.message) < 200


def test_protected_alias_needs_admin(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()
    registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))
    service = registry.runtime.registry

    with pytest.raises(Forbidden, match="'production' of model 'cancer' is protected"):
        service.move_alias(registry.editor, registry.cause(registry.editor), model_id=model_id, alias="production", number=1)
    service.move_alias(registry.editor, registry.cause(registry.editor), model_id=model_id, alias="staging", number=1)
    outcome = service.move_alias(registry.admin, registry.cause(registry.admin), model_id=model_id, alias="production", number=1)

    assert registry.runtime.projections.wait_for(outcome.position)
    aliases = registry.runtime.readers.registry.aliases([str(model_id)])[str(model_id)]
    assert {row["alias"]: row["number"] for row in aliases} == {"production": 1, "staging": 1}


def test_alias_to_missing_version_is_not_found(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()
    registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))

    with pytest.raises(NotFound, match="has no version 7"):
        registry.runtime.registry.move_alias(registry.admin, registry.cause(registry.admin), model_id=model_id, alias="staging", number=7)


def test_other_team_cannot_move_alias(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()
    registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))
    stranger_id, _ = registry.runtime.identity.create_user(registry.admin, registry.cause(registry.admin), username="stranger", password="stranger-password")
    stranger = Principal(user_id=stranger_id, username="stranger", is_admin=False, via=SESSION)

    with pytest.raises(NotFound, match=f"Model {model_id} was not found"):
        registry.runtime.registry.move_alias(stranger, registry.cause(stranger), model_id=model_id, alias="staging", number=1)


def test_time_travel_follows_alias_moves(registry: Registry, model_files: Path, clock: FrozenClock) -> None:
    model_id = registry.register()
    registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))
    registry.add_version(model_id, registry.upload(model_files / "cancer_b.keras"))
    service, reader = registry.runtime.registry, registry.runtime.readers.registry
    moves = [("production", 1), ("staging", 2), ("production", 2), ("staging", 1)]
    moments = []
    for alias, number in moves:
        clock.advance(days=1)
        outcome = service.move_alias(registry.admin, registry.cause(registry.admin), model_id=model_id, alias=alias, number=number)
        moments.append(clock())
    assert registry.runtime.projections.wait_for(outcome.position)

    seen = []
    for moment in moments:
        state = json.loads(reader.state_as_of(str(model_id), iso(moment))["state"])
        seen.append(dict(state["aliases"]))

    assert seen == [
        {"production": 1},
        {"production": 1, "staging": 2},
        {"production": 2, "staging": 2},
        {"production": 2, "staging": 1},
    ]
    before_registration = reader.state_as_of(str(model_id), "2000-01-01T00:00:00.000000+00:00")
    assert before_registration is None


def test_archived_model_takes_no_versions(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()
    registry.runtime.registry.archive_model(registry.editor, registry.cause(registry.editor), model_id=model_id)

    with pytest.raises(Conflict, match="is archived; restore it"):
        registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))

    registry.runtime.registry.restore_model(registry.editor, registry.cause(registry.editor), model_id=model_id)
    assert registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras")) == 1


def test_search_pages_never_lose_or_repeat(registry: Registry) -> None:
    names = [f"model-{index:02d}" for index in range(30)]
    for index, name in enumerate(names):
        registry.register(name, tags={"family": "mlp" if index % 2 else "cnn"})
    assert registry.runtime.projections.wait_for(registry.runtime.store.head())
    reader, teams = registry.runtime.readers.registry, [str(registry.team_id)]

    for order in ("name", "created", "updated"):
        for descending in (False, True):
            seen, after = [], None
            while True:
                rows = reader.search(teams, ModelFilter(), order, descending, after, 8)
                seen.extend(row["name"] for row in rows)
                if len(rows) < 8:
                    break
                column = {"name": "name_key", "created": "created_at", "updated": "updated_at"}[order]
                after = (rows[-1][column], rows[-1]["model_id"])
            assert sorted(seen) == names, (order, descending)


def test_search_filters(registry: Registry, model_files: Path) -> None:
    first = registry.register("Breast-Cancer-MLP", tags={"family": "mlp"})
    registry.register("digits-cnn", tags={"family": "cnn"})
    archived = registry.register("old-cancer")
    registry.add_version(first, registry.upload(model_files / "cancer_a.keras"))
    registry.runtime.registry.move_alias(registry.editor, registry.cause(registry.editor), model_id=first, alias="champion", number=1)
    outcome = registry.runtime.registry.archive_model(registry.editor, registry.cause(registry.editor), model_id=archived)
    assert registry.runtime.projections.wait_for(outcome.position)
    reader, teams = registry.runtime.readers.registry, [str(registry.team_id)]

    def names(**conditions: object) -> list[str]:
        return [row["name"] for row in reader.search(teams, ModelFilter(**conditions), "name", False, None, 50)]

    assert names(name_contains="CANCER", archived=False) == ["Breast-Cancer-MLP"]
    assert names(name_contains="cancer", archived=None) == ["Breast-Cancer-MLP", "old-cancer"]
    assert names(tag_key="family", tag_value="cnn") == ["digits-cnn"]
    assert names(alias="champion") == ["Breast-Cancer-MLP"]
    assert names(name_contains="%") == []
    assert names(archived=True) == ["old-cancer"]


def test_editor_cannot_change_protected_aliases(registry: Registry) -> None:
    model_id = registry.register()

    with pytest.raises(Forbidden):
        registry.runtime.registry.update_model(
            registry.editor, registry.cause(registry.editor), model_id=model_id, protected_aliases=["production", "staging"]
        )
    outcome = registry.runtime.registry.update_model(
        registry.admin, registry.cause(registry.admin), model_id=model_id, protected_aliases=["production", "staging"]
    )

    assert registry.runtime.projections.wait_for(outcome.position)
    assert json.loads(registry.runtime.readers.registry.model(str(model_id))["protected_aliases"]) == ["production", "staging"]


def test_retention_expires_unused_unaliased_versions(registry: Registry, model_files: Path, clock: FrozenClock) -> None:
    from backend.processes.retention import apply_retention

    model_id = registry.register()
    registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))
    registry.add_version(model_id, registry.upload(model_files / "cancer_b.keras"))
    service, reader = registry.runtime.registry, registry.runtime.readers.registry
    service.move_alias(registry.admin, registry.cause(registry.admin), model_id=model_id, alias="production", number=2)
    outcome = service.set_retention_policy(registry.admin, registry.cause(registry.admin), model_id=model_id, unused_days=30)
    assert registry.runtime.projections.wait_for(outcome.position)

    clock.advance(days=29)
    assert apply_retention(registry.runtime) == 0
    clock.advance(days=2)
    assert apply_retention(registry.runtime) == 1
    assert registry.runtime.projections.wait_for(registry.runtime.store.head())

    first, second = reader.version_by_number(str(model_id), 1), reader.version_by_number(str(model_id), 2)
    assert first["status"] == "expired"
    assert first["status_reason"] == "unused for 30 days with no alias"
    assert second["status"] == "pending"


def test_download_keeps_a_version_alive(registry: Registry, model_files: Path, clock: FrozenClock) -> None:
    from backend.processes.retention import apply_retention

    model_id = registry.register()
    registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))
    service = registry.runtime.registry
    policy = service.set_retention_policy(registry.admin, registry.cause(registry.admin), model_id=model_id, unused_days=10)
    assert registry.runtime.projections.wait_for(policy.position)
    version_id = uuid.UUID(registry.runtime.readers.registry.version_by_number(str(model_id), 1)["version_id"])
    clock.advance(days=8)
    outcome = service.record_download(registry.editor, registry.cause(registry.editor), version_id=version_id)
    assert registry.runtime.projections.wait_for(outcome.position)

    clock.advance(days=8)

    assert apply_retention(registry.runtime) == 0


def test_expired_version_restores(registry: Registry, model_files: Path, clock: FrozenClock) -> None:
    from backend.processes.retention import apply_retention

    model_id = registry.register()
    registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))
    service = registry.runtime.registry
    policy = service.set_retention_policy(registry.admin, registry.cause(registry.admin), model_id=model_id, unused_days=1)
    assert registry.runtime.projections.wait_for(policy.position)
    clock.advance(days=2)
    assert apply_retention(registry.runtime) == 1
    version_id = uuid.UUID(registry.runtime.readers.registry.version_by_number(str(model_id), 1)["version_id"])

    outcome = service.restore_version(registry.editor, registry.cause(registry.editor), version_id=version_id)

    assert registry.runtime.projections.wait_for(outcome.position)
    assert registry.runtime.readers.registry.version(str(version_id))["status"] == "pending"


def test_integrity_check_marks_altered_file(registry: Registry, model_files: Path) -> None:
    from backend.processes.integrity import check_integrity

    model_id = registry.register()
    registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))
    row = registry.runtime.readers.registry.version_by_number(str(model_id), 1)
    assert check_integrity(registry.runtime) == 0
    blob = next(path for path in (Path(registry.runtime.settings.artifacts) / "blobs").rglob(row["sha256"]))
    blob.write_bytes(blob.read_bytes()[:-10] + b"0123456789")

    assert check_integrity(registry.runtime) == 1
    assert registry.runtime.projections.wait_for(registry.runtime.store.head())
    broken = registry.runtime.readers.registry.version(row["version_id"])
    assert broken["status"] == "broken"
    assert broken["status_reason"] == "its stored file no longer matches its SHA-256"
    with pytest.raises(Conflict, match="stored file is missing or altered"):
        registry.runtime.registry.restore_version(registry.editor, registry.cause(registry.editor), version_id=uuid.UUID(row["version_id"]))


def test_integrity_check_marks_missing_file(registry: Registry, model_files: Path) -> None:
    from backend.processes.integrity import check_integrity

    model_id = registry.register()
    registry.add_version(model_id, registry.upload(model_files / "cancer_b.keras"))
    row = registry.runtime.readers.registry.version_by_number(str(model_id), 1)
    next(path for path in (Path(registry.runtime.settings.artifacts) / "blobs").rglob(row["sha256"])).unlink()

    assert check_integrity(registry.runtime) == 1
    assert registry.runtime.projections.wait_for(registry.runtime.store.head())
    assert registry.runtime.readers.registry.version(row["version_id"])["status_reason"] == "its stored file is missing"


def test_retention_days_out_of_range(registry: Registry) -> None:
    model_id = registry.register()

    with pytest.raises(InvalidInput, match="expected 1 to 36500 days"):
        registry.runtime.registry.set_retention_policy(registry.admin, registry.cause(registry.admin), model_id=model_id, unused_days=0)


def test_editor_cannot_set_retention(registry: Registry) -> None:
    model_id = registry.register()

    with pytest.raises(Forbidden):
        registry.runtime.registry.set_retention_policy(registry.editor, registry.cause(registry.editor), model_id=model_id, unused_days=5)


def tar_of(members: dict[str, bytes]) -> bytes:
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def test_tar_bomb_is_rejected(registry: Registry) -> None:
    model_id = registry.register()
    upload_id = registry.upload_bytes(tar_of({"sm/saved_model.pb": b"x", "sm/variables/huge": bytes(40 * 1024 * 1024)}), "bomb.tar.gz")

    with pytest.raises(InvalidInput, match="expands more than 200 times"):
        registry.add_version(model_id, upload_id)


def test_zip_with_link_is_rejected(registry: Registry) -> None:
    model_id = registry.register()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("saved_model.pb", b"x")
        link = zipfile.ZipInfo("variables")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
    upload_id = registry.upload_bytes(buffer.getvalue(), "link.zip")

    with pytest.raises(InvalidInput, match="which is a link"):
        registry.add_version(model_id, upload_id)


def test_lineage_follows_tag_rules(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()
    upload_id = registry.upload(model_files / "cancer_a.keras")

    with pytest.raises(InvalidInput) as raised:
        registry.add_version(model_id, upload_id, lineage={"a\ud800": "x"})

    assert raised.value.field == "lineage.key"
    with pytest.raises(InvalidInput, match="lineage has 51 entries"):
        registry.add_version(model_id, upload_id, lineage={f"k{index}": "v" for index in range(51)})


def test_remove_alias_checks_the_name(registry: Registry) -> None:
    model_id = registry.register()

    with pytest.raises(InvalidInput) as raised:
        registry.runtime.registry.remove_alias(registry.admin, registry.cause(registry.admin), model_id=model_id, alias="a" * 10_000)

    assert raised.value.field == "alias"
    assert len(raised.value.message) < 200


def test_restore_of_other_team_version_reveals_nothing(registry: Registry, model_files: Path) -> None:
    model_id = registry.register()
    registry.add_version(model_id, registry.upload(model_files / "cancer_a.keras"))
    version_id = uuid.UUID(registry.runtime.readers.registry.version_by_number(str(model_id), 1)["version_id"])
    stranger_id, _ = registry.runtime.identity.create_user(registry.admin, registry.cause(registry.admin), username="outsider", password="outsider-password")
    stranger = Principal(user_id=stranger_id, username="outsider", is_admin=False, via=SESSION)

    with pytest.raises(NotFound) as raised:
        registry.runtime.registry.restore_version(stranger, registry.cause(stranger), version_id=version_id)

    assert raised.value.message == f"Model version {version_id} was not found."
    assert raised.value.field == "id"


def test_model_counts_leave_out_archived(registry: Registry) -> None:
    registry.register("churn")
    registry.register("fraud")
    archived = registry.register("old-churn")
    outcome = registry.runtime.registry.archive_model(registry.editor, registry.cause(registry.editor), model_id=archived)
    assert registry.runtime.projections.wait_for(outcome.position)
    empty_team, created = registry.runtime.identity.create_team(
        registry.admin, registry.cause(registry.admin), name=f"empty-{uuid.uuid4().hex[:6]}"
    )
    assert registry.runtime.projections.wait_for(created.position)

    counts = registry.runtime.readers.registry.model_counts([str(registry.team_id), str(empty_team)])

    assert counts == {str(registry.team_id): 2}


def test_team_model_count_over_graphql(registry: Registry) -> None:
    registry.register("churn")
    archived = registry.register("old-churn")
    outcome = registry.runtime.registry.archive_model(registry.editor, registry.cause(registry.editor), model_id=archived)
    assert registry.runtime.projections.wait_for(outcome.position)
    issued = registry.runtime.identity.issue_token(
        registry.editor, registry.cause(registry.editor), team_id=registry.team_id, name="reader", scopes=["read"]
    )
    assert registry.runtime.projections.wait_for(issued.outcome.position)
    app = create_app(registry.runtime, manage_runtime=False)

    async def teams() -> dict[str, object]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as client:
            response = await client.post(
                "/graphql", json={"query": "{ teams(first: 10) { nodes { id modelCount } } }"},
                headers={"Authorization": f"Bearer {issued.secret}"},
            )
            assert response.status_code == 200
            return response.json()

    body = asyncio.run(teams())

    assert "errors" not in body
    assert body["data"] == {"teams": {"nodes": [{"id": str(registry.team_id), "modelCount": 1}]}}
