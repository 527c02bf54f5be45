"""Settings read from the environment, validated once at start-up."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings import SettingsError as PydanticSettingsError

from backend.database import redacted_url
from backend.storage.s3_location import is_s3_location, parse_s3_location

DEFAULT_HOME = Path(".modelcloud")
DEFAULT_WEB_DIST = Path(__file__).resolve().parent.parent / "frontend" / "dist"
# AES-128, AES-192 and AES-256.
ENCRYPTION_KEY_BYTES = (16, 24, 32)
ENCRYPTION_KEY_VARIABLE = "MODELCLOUD_ENCRYPTION_KEY"
# Settings whose value never appears in an error message.
SECRET_SETTINGS = frozenset({"encryption_key"})
# Upper bound of the interval settings: a year. A timer thread cannot wait past what the platform's time_t
# holds, and `inf` would end the thread that runs the policy.
MAX_INTERVAL_SECONDS = 365 * 24 * 3600


class SettingsError(Exception):
    """Raised when an environment variable has a value that cannot be used."""


class Settings(BaseSettings):
    """Every setting of a ModelCloud process; each maps to one environment variable."""

    model_config = SettingsConfigDict(env_prefix="MODELCLOUD_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_HOME / 'modelcloud.db'}",
        description="sqlite:///PATH for the embedded default, postgresql://USER@HOST:PORT/DB for a team.",
    )
    encryption_key: SecretStr = Field(
        default=SecretStr(""),
        description=(
            "Base64 of a 16, 24 or 32-byte AES key that encrypts event payloads with AES-GCM, or empty to "
            "store them unencrypted. Chosen when the installation is created: turning it on later or changing it needs "
            "`modelcloud events copy`."
        ),
    )
    artifacts: str = Field(
        default=str(DEFAULT_HOME / "artifacts"),
        description=(
            "Folder or file:// URL of the content-addressed artifact store, or s3://BUCKET/PREFIX for an S3 bucket, "
            "optionally with ?multipart_threshold=BYTES&part_size=BYTES&addressing_style=path."
        ),
    )
    ray_address: str = Field(
        default="",
        validation_alias="RAY_ADDRESS",
        description="Address of a Ray cluster; empty starts a local Ray head on first need.",
    )
    host: str = Field(default="127.0.0.1", description="Interface the API listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="TCP port the API listens on.")
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Browser origins allowed to use session cookies, besides the server's own.",
    )
    max_upload_bytes: int = Field(
        default=2 * 1024**3, ge=1, description="Largest file /v1/uploads accepts, in bytes."
    )
    max_request_bytes: int = Field(
        default=4 * 1024**2, ge=1024, description="Largest GraphQL request body, in bytes."
    )
    graphql_max_depth: int = Field(default=12, ge=2, description="Deepest GraphQL selection.")
    graphql_max_tokens: int = Field(default=2000, ge=50, description="Maximum number of tokens in one GraphQL document.")
    graphql_max_aliases: int = Field(default=30, ge=1, description="Maximum number of aliases in one GraphQL document.")
    session_ttl_hours: int = Field(default=24 * 7, ge=1, description="Lifetime of a sign-in session, in hours.")
    # The defaults are argon2-cffi's, the low-memory profile of RFC 9106; the test suite lowers them.
    password_hash_time_cost: int = Field(default=3, ge=1, le=20, description="Argon2id passes over memory per password hash.")
    password_hash_memory_kib: int = Field(
        default=65536, ge=1024, le=4 * 1024**2, description="Argon2id memory per password hash, in KiB."
    )
    password_hash_parallelism: int = Field(default=4, ge=1, le=16, description="Argon2id lanes per password hash.")
    cookie_secure: bool = Field(default=False, description="Mark the session cookie Secure; turn on behind HTTPS.")
    workers: bool = Field(
        default=True,
        description=(
            "Run the reconciler that starts background Ray work (model inspection, dataset profiling) in "
            "`modelcloud serve`. Dataset uploads and derivations run on Ray either way."
        ),
    )
    retention_interval_seconds: float = Field(
        default=3600, gt=0, le=MAX_INTERVAL_SECONDS, description="Seconds between runs of the retention policy in `modelcloud serve`."
    )
    integrity_interval_seconds: float = Field(
        default=86400, gt=0, le=MAX_INTERVAL_SECONDS, description="Seconds between integrity checks of stored model files in `modelcloud serve`."
    )
    inference_window_seconds: float = Field(
        default=60, gt=0, le=MAX_INTERVAL_SECONDS, description="Seconds each inference window event of a deployment covers in `modelcloud serve`."
    )
    request_log_flush_seconds: float = Field(
        default=2, gt=0, le=MAX_INTERVAL_SECONDS,
        description="Seconds between writes of sampled calls to the request log in `modelcloud serve`.",
    )
    projections_in_process: bool = Field(
        default=True, description="Run the projections inside the API process."
    )
    monitoring_interval_seconds: float = Field(
        default=30, gt=0, le=MAX_INTERVAL_SECONDS, description="Seconds between rounds of deployment measurement and alert evaluation in `modelcloud serve`."
    )
    webhook_interval_seconds: float = Field(
        default=1, gt=0, le=MAX_INTERVAL_SECONDS, description="Seconds between checks for webhook deliveries that are due in `modelcloud serve`."
    )
    webhook_timeout_seconds: float = Field(
        default=5, gt=0, le=60, description="Seconds a webhook receiver has to respond to one attempt."
    )
    webhook_retry_seconds: float = Field(
        default=10, gt=0, le=3600, description="Delay before the second attempt of a webhook; each later one waits three times longer."
    )
    webhook_max_attempts: int = Field(default=5, ge=1, le=20, description="Attempts per webhook delivery before it is failed.")
    webhook_allowed_hosts: list[str] = Field(
        default_factory=list,
        description=(
            "Addresses, networks (CIDR) or host names that webhooks may reach although they are loopback, link-local or "
            "metadata addresses; a JSON list in the environment, such as [\"127.0.0.1\"]."
        ),
    )
    readiness_max_lag: int = Field(
        default=1000, ge=0, description="Most events the projections may trail for /readyz to pass."
    )
    log_level: str = Field(default="INFO", description="Python logging level name.")
    web_dist: Path = Field(
        default=DEFAULT_WEB_DIST,
        description="Folder of the built web app (`npm run build` in frontend/) served at /; until it has an index.html, / explains how to build it.",
    )
    demo: bool = Field(
        default=True,
        description="Let `modelcloud serve --demo` (what `make up` runs) run `modelcloud demo` on the first start; 0 turns it off.",
    )

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        return check_database_url(value)

    @field_validator("artifacts")
    @classmethod
    def _check_artifacts(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must name a folder, a file:// URL or an s3://BUCKET/PREFIX URL")
        if is_s3_location(value):
            parse_s3_location(value)
        elif "://" in value and urlsplit(value).scheme.lower() != "file":
            raise ValueError(
                f"scheme {urlsplit(value).scheme!r} is not supported; use a folder, file:///PATH or s3://BUCKET/PREFIX"
            )
        return value

    @field_validator("webhook_allowed_hosts")
    @classmethod
    def _check_webhook_allowed_hosts(cls, value: list[str]) -> list[str]:
        for entry in value:
            if "/" in entry:
                try:
                    ipaddress.ip_network(entry, strict=False)
                except ValueError:
                    raise ValueError(f"{entry!r} is not a network; write one as an address and a prefix, such as 10.0.0.0/8") from None
        return value

    @field_validator("encryption_key")
    @classmethod
    def _check_encryption_key(cls, value: SecretStr) -> SecretStr:
        decode_encryption_key(value.get_secret_value())
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        levels = ("DEBUG", "INFO", "WARNING", "ERROR")
        if value.upper() not in levels:
            raise ValueError(f"must be one of {', '.join(levels)}")
        return value.upper()

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def encryption_key_bytes(self) -> bytes | None:
        """The AES key of the event store, or None when event payloads are stored unencrypted."""
        return decode_encryption_key(self.encryption_key.get_secret_value())

    @property
    def own_origins(self) -> list[str]:
        """Origins of this server, which are always allowed to use cookies."""
        hosts = {self.host, "127.0.0.1", "localhost"} if self.host in ("127.0.0.1", "localhost") else {self.host}
        return sorted(f"http://{host}:{self.port}" for host in hosts)


def check_database_url(value: str) -> str:
    """Return a database URL that ModelCloud can open, or raise ValueError saying which forms are accepted."""
    scheme = urlsplit(value).scheme
    if scheme not in ("sqlite", "postgresql", "postgres"):
        raise ValueError(
            f"scheme {scheme!r} is not supported; use sqlite:///PATH or postgresql://USER@HOST:PORT/DB"
        )
    if scheme == "sqlite" and not value.startswith("sqlite:///"):
        raise ValueError("a SQLite URL needs three slashes: sqlite:///PATH")
    options = [name for name, _ in parse_qsl(urlsplit(value).query, keep_blank_values=True)]
    if scheme != "sqlite" and options:
        # The event store's connections take only the host, port, user, password and database of the URL.
        raise ValueError(
            f"options in the URL ({', '.join(options)}) are not supported, because the event store's connections "
            "would ignore them. Remove them and set libpq's environment variables instead, such as "
            "PGSSLMODE=verify-full and PGSSLROOTCERT=/path/to/ca.pem"
        )
    return value


def decode_encryption_key(text: str) -> bytes | None:
    """Decode a base64 AES key, or return None for an empty text.

    Raises ValueError when the key is unusable, with a message that leaves the key out.
    """
    text = text.strip()
    if not text:
        return None
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(
            "is not valid base64. Generate a key with `openssl rand -base64 32` (16, 24 or 32 bytes are accepted)."
        ) from None
    if len(key) not in ENCRYPTION_KEY_BYTES:
        raise ValueError(
            f"decodes to {len(key)} bytes, but an AES key has 16, 24 or 32 bytes. "
            "Generate one with `openssl rand -base64 32`."
        )
    return key


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise SettingsError with one line naming the first bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except PydanticSettingsError as error:
        # Raised before validation, for a list or object setting whose value is not JSON.
        named = re.search(r'field "(\w+)"', str(error))
        variable = f"MODELCLOUD_{named.group(1).upper()}" if named else "a MODELCLOUD_ variable"
        raise SettingsError(
            f"{variable} is invalid: a list setting takes JSON, such as '[\"http://example.org\"]'."
        ) from None
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        variable = "RAY_ADDRESS" if field in ("ray_address", "RAY_ADDRESS") else f"MODELCLOUD_{field.upper()}"
        reason = first["msg"].removeprefix("Value error, ")
        if field in SECRET_SETTINGS:
            raise SettingsError(f"{variable} is invalid: its value {reason}") from None
        value = first.get("input")
        if field == "database_url" and isinstance(value, str):
            value = redacted_url(value)
        raise SettingsError(f"{variable}={value!r} is invalid: {reason}") from None
