"""Password hashing: Argon2id with the cost the settings name, and hashes that verify whatever cost made them."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from backend.runtime import password_hasher
from backend.settings import SettingsError, load_settings

PRODUCTION_VARIABLES = (
    "MODELCLOUD_PASSWORD_HASH_TIME_COST",
    "MODELCLOUD_PASSWORD_HASH_MEMORY_KIB",
    "MODELCLOUD_PASSWORD_HASH_PARALLELISM",
)


def test_default_cost_is_rfc_9106_low_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in PRODUCTION_VARIABLES:
        monkeypatch.delenv(variable, raising=False)

    encoded = password_hasher(load_settings()).hash("correct horse")

    assert encoded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_settings_choose_the_cost() -> None:
    settings = load_settings(password_hash_time_cost=2, password_hash_memory_kib=2048, password_hash_parallelism=2)

    encoded = password_hasher(settings).hash("correct horse")

    assert encoded.startswith("$argon2id$v=19$m=2048,t=2,p=2$")


def test_hash_of_other_cost_verifies() -> None:
    strong = PasswordHasher().hash("correct horse")
    cheap = password_hasher(load_settings(password_hash_time_cost=1, password_hash_memory_kib=1024, password_hash_parallelism=1))

    assert cheap.verify(strong, "correct horse")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MODELCLOUD_PASSWORD_HASH_TIME_COST", "0"),
        ("MODELCLOUD_PASSWORD_HASH_MEMORY_KIB", "512"),
        ("MODELCLOUD_PASSWORD_HASH_PARALLELISM", "17"),
    ],
)
def test_cost_out_of_range_is_rejected(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(SettingsError) as raised:
        load_settings()

    assert variable in str(raised.value)
    assert value in str(raised.value)
