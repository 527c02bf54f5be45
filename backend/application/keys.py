"""Per-user encryption keys, kept outside the event store so that erasing a user's key erases their personal data.

Events hold only ciphertext of names, e-mail addresses and password hashes. The keys live in
their own table; deleting a row leaves the events intact but unreadable.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backend.database import Database

NONCE_BYTES = 12


class KeyErased(Exception):
    """The user's key was deleted, so their personal data can no longer be read."""


class KeyStore:
    """AES-256-GCM keys by user id; `seal` and `open` bind ciphertext to its user id."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def create_table(self) -> None:
        self.database.execute("CREATE TABLE IF NOT EXISTS user_keys (user_id TEXT PRIMARY KEY, key_b64 TEXT NOT NULL)")

    def create_key(self, user_id: uuid.UUID) -> None:
        key = base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
        self.database.execute(
            "INSERT INTO user_keys (user_id, key_b64) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING",
            (str(user_id), key),
        )

    def delete_key(self, user_id: uuid.UUID) -> None:
        self.database.execute("DELETE FROM user_keys WHERE user_id = ?", (str(user_id),))

    def seal(self, user_id: uuid.UUID, data: Any) -> str:
        nonce = os.urandom(NONCE_BYTES)
        plaintext = json.dumps(data, separators=(",", ":")).encode()
        ciphertext = AESGCM(self._key(user_id)).encrypt(nonce, plaintext, str(user_id).encode())
        return base64.b64encode(nonce + ciphertext).decode()

    def open(self, user_id: uuid.UUID, sealed: str) -> Any:
        raw = base64.b64decode(sealed)
        try:
            plaintext = AESGCM(self._key(user_id)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], str(user_id).encode())
        except InvalidTag as error:
            raise KeyErased(f"The data of user {user_id} does not match their key.") from error
        return json.loads(plaintext)

    def _key(self, user_id: uuid.UUID) -> bytes:
        row = self.database.fetchone("SELECT key_b64 FROM user_keys WHERE user_id = ?", (str(user_id),))
        if row is None:
            raise KeyErased(f"The key of user {user_id} has been erased.")
        return base64.b64decode(row["key_b64"])
