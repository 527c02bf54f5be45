"""Configuration profiles on SQLite and PostgreSQL: revisions, race-free numbering, conflicts and rights."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from backend.domain.access import SESSION, Principal
from backend.domain.base import Cause, Conflict, Forbidden, InvalidInput
from backend.domain.identity import EDITOR, VIEWER
from backend.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.test_event_store import admin_of

pytestmark = pytest.mark.integration

MLP = {"model": {"template": "tabular_mlp"}, "epochs": 5}


class Configs:
    def __init__(self, runtime: Runtime, clock: FrozenClock) -> None:
        self.runtime = runtime
        self.clock = clock
        admin = admin_of(runtime)
        self.team_id, _ = runtime.identity.create_team(admin, self.cause(admin), name=f"cfg-{uuid.uuid4().hex[:6]}")
        self.editor = self._member(admin, EDITOR)
        self.viewer = self._member(admin, VIEWER)

    def _member(self, admin: Principal, role: str) -> Principal:
        user_id, _ = self.runtime.identity.create_user(admin, self.cause(admin), username=f"{role}{uuid.uuid4().hex[:6]}", password="a-long-password")
        self.runtime.identity.add_member(admin, self.cause(admin), team_id=self.team_id, user_id=user_id, role=role)
        return Principal(user_id=user_id, username=role, is_admin=False, via=SESSION)

    def cause(self, principal: Principal) -> Cause:
        return Cause.new(principal.actor, None, at=self.clock())

    def create(self, name: str = "mlp", document: Any = None) -> uuid.UUID:
        profile_id, outcome = self.runtime.configs.create_profile(
            self.editor, self.cause(self.editor), team_id=self.team_id, name=name, description="", document=document or MLP
        )
        assert self.runtime.projections.wait_for(outcome.position)
        return profile_id

    def revise(self, profile_id: uuid.UUID, document: Any, **options: Any) -> int:
        revision, outcome = self.runtime.configs.revise_profile(self.editor, self.cause(self.editor), profile_id=profile_id, document=document, **options)
        assert self.runtime.projections.wait_for(outcome.position)
        return revision


@pytest.fixture
def configs(runtime: Runtime, clock: FrozenClock) -> Configs:
    return Configs(runtime, clock)


def test_revisions_keep_every_document(configs: Configs) -> None:
    profile_id = configs.create()

    second = configs.revise(profile_id, {**MLP, "epochs": 20}, comment="longer")
    unchanged = configs.revise(profile_id, {**MLP, "epochs": 20})

    reader = configs.runtime.readers.configs
    rows = reader.revisions(str(profile_id), None, 10)
    assert (second, unchanged) == (2, 2)
    assert [row["revision"] for row in rows] == [2, 1]
    assert json.loads(rows[0]["document"])["epochs"] == 20
    assert json.loads(rows[1]["document"])["epochs"] == 5
    assert rows[0]["comment"] == "longer"
    assert reader.profile(str(profile_id))["latest_revision"] == 2


def test_expected_revision_detects_a_lost_update(configs: Configs) -> None:
    profile_id = configs.create()
    configs.revise(profile_id, {**MLP, "epochs": 6}, expected_revision=1)

    with pytest.raises(Conflict) as raised:
        configs.revise(profile_id, {**MLP, "epochs": 7}, expected_revision=1)

    assert raised.value.field == "expectedRevision"
    assert "at revision 2, not 1" in raised.value.message
    assert configs.runtime.readers.configs.profile(str(profile_id))["latest_revision"] == 2


def test_concurrent_revisions_get_numbers_once(configs: Configs) -> None:
    profile_id = configs.create()

    def revise(epochs: int) -> int:
        revision, _ = configs.runtime.configs.revise_profile(
            configs.editor, configs.cause(configs.editor), profile_id=profile_id, document={**MLP, "epochs": epochs}
        )
        return revision

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(revise, range(100, 108)))

    assert sorted(numbers) == list(range(2, 10))


def test_invalid_document_records_nothing(configs: Configs) -> None:
    profile_id = configs.create()

    with pytest.raises(InvalidInput) as raised:
        configs.revise(profile_id, {**MLP, "optimizer": {"name": "adagrad", "learningRate": -1}})

    assert raised.value.field == "document.optimizer.name"
    assert "document.optimizer.learningRate" in raised.value.message
    assert configs.runtime.readers.configs.profile(str(profile_id))["latest_revision"] == 1


def test_names_are_unique_per_team(configs: Configs) -> None:
    configs.create("mlp")

    with pytest.raises(Conflict) as raised:
        configs.create("mlp")

    assert raised.value.field == "name"


def test_viewer_may_not_create(configs: Configs) -> None:
    with pytest.raises(Forbidden):
        configs.runtime.configs.create_profile(
            configs.viewer, configs.cause(configs.viewer), team_id=configs.team_id, name="mine", description="", document=MLP
        )


def test_archived_profile_takes_no_revision(configs: Configs) -> None:
    profile_id = configs.create()
    outcome = configs.runtime.configs.archive_profile(configs.editor, configs.cause(configs.editor), profile_id=profile_id)
    assert configs.runtime.projections.wait_for(outcome.position)

    with pytest.raises(Conflict) as raised:
        configs.revise(profile_id, {**MLP, "epochs": 9})

    assert "archived" in raised.value.message


def test_rebuild_equals_live(configs: Configs) -> None:
    from tests.integration.test_projections import dump_read_models

    profile_id = configs.create()
    configs.revise(profile_id, {**MLP, "epochs": 8}, comment="more")
    runtime = configs.runtime
    assert runtime.projections.wait_for(runtime.store.head())
    live = dump_read_models(runtime)

    runtime.projections.rebuild(["configs", "audit"])

    assert dump_read_models(runtime) == live
