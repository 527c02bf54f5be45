"""MODELCLOUD_ENCRYPTION_KEY: decoding, error messages without the key, fingerprints, and the hand-over to Ray workers."""

from __future__ import annotations

import base64

import pytest

from backend.application.encryption import key_fingerprint
from backend.application.eventstore import store_environment
from backend.settings import SettingsError, decode_encryption_key, load_settings
from workers.ray_runtime import worker_encryption_key, worker_environment

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("size", [16, 24, 32])
def test_key_of_each_aes_size_accepted(size: int) -> None:
    key = bytes(range(size))

    assert load_settings(encryption_key=base64.b64encode(key).decode()).encryption_key_bytes == key


def test_key_surrounding_whitespace_ignored() -> None:
    key = bytes(range(32))

    assert decode_encryption_key(f"  {base64.b64encode(key).decode()}\n") == key


def test_empty_key_means_unencrypted() -> None:
    assert load_settings(encryption_key="").encryption_key_bytes is None
    assert load_settings().encryption_key_bytes is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("not base64!", "MODELCLOUD_ENCRYPTION_KEY is invalid: its value is not valid base64"),
        (base64.urlsafe_b64encode(b"\xfb" * 32).decode(), "MODELCLOUD_ENCRYPTION_KEY is invalid: its value is not valid base64"),
        (base64.b64encode(b"k" * 20).decode(), "its value decodes to 20 bytes, but an AES key has 16, 24 or 32 bytes"),
    ],
    ids=["not-base64", "url-safe-alphabet", "20-bytes"],
)
def test_invalid_key_message_omits_value(value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(encryption_key=value)

    assert expected in str(raised.value)
    assert value not in str(raised.value)
    assert "openssl rand -base64 32" in str(raised.value)


def test_settings_repr_hides_key() -> None:
    encoded = base64.b64encode(bytes(range(32))).decode()

    settings = load_settings(encryption_key=encoded)

    assert encoded not in repr(settings)
    assert encoded not in str(settings.model_dump())


def test_fingerprint_is_sha256_prefix() -> None:
    # printf %s AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= | base64 -d | sha256sum | cut -c1-16
    assert key_fingerprint(bytes(range(32))) == "630dcd2966c43366"


def test_store_environment_sets_cipher_only_with_key() -> None:
    key = bytes(range(16))

    encrypted = store_environment("sqlite:///:memory:", key)
    plain = store_environment("sqlite:///:memory:")

    assert encrypted["MODELCLOUD_CIPHER_TOPIC"] == "eventsourcing.cryptography:AESCipher"
    assert base64.b64decode(encrypted["MODELCLOUD_CIPHER_KEY"]) == key
    assert plain["MODELCLOUD_CIPHER_TOPIC"] == ""
    assert plain["MODELCLOUD_CIPHER_KEY"] == ""


def test_worker_environment_forwards_key(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    encoded = base64.b64encode(bytes(range(32))).decode()

    forwarded = worker_environment(load_settings(artifacts=str(tmp_path), encryption_key=encoded))
    monkeypatch.setenv("MODELCLOUD_ENCRYPTION_KEY", forwarded["MODELCLOUD_ENCRYPTION_KEY"])

    assert forwarded == {"MODELCLOUD_ENCRYPTION_KEY": encoded}
    assert worker_encryption_key() == bytes(range(32))


def test_worker_without_key_reads_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODELCLOUD_ENCRYPTION_KEY", raising=False)

    assert worker_encryption_key() is None
