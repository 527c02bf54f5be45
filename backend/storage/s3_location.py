"""Parse and validate `s3://bucket/prefix?option=value` artifact store locations, with the standard library only.

Settings validation and the S3 store share this parser, so a bad location is rejected at start-up
without importing boto3.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

MIB = 1024 * 1024
MIN_PART_SIZE = 5 * MIB
"""S3's smallest part of a multipart upload (every part but the last)."""
MAX_PART_SIZE = 5 * 1024 * MIB
"""S3's largest part, which is also the largest object that one PutObject or CopyObject request handles."""
DEFAULT_PART_SIZE = 8 * MIB
DEFAULT_MULTIPART_THRESHOLD = 8 * MIB
ADDRESSING_STYLES = ("auto", "path", "virtual")

_BUCKET_PATTERN = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_EXAMPLE = "s3://my-bucket/modelcloud"
_OPTIONS = ("multipart_threshold", "part_size", "addressing_style")


@dataclass(frozen=True)
class S3Location:
    """Bucket, key prefix and upload options of an S3 artifact store.

    `prefix` has no leading or trailing slash and is empty for the bucket's root. Blobs larger than
    `multipart_threshold` bytes are uploaded in parts of `part_size` bytes. `addressing_style` is
    botocore's option of the same name, or None to keep the AWS configuration's choice.
    """

    bucket: str
    prefix: str = ""
    multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD
    part_size: int = DEFAULT_PART_SIZE
    addressing_style: str | None = None

    def key(self, *parts: str) -> str:
        """Join `parts` under the prefix into an object key."""
        return "/".join((self.prefix, *parts) if self.prefix else parts)

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"


def is_s3_location(location: str) -> bool:
    return urlsplit(location).scheme.lower() == "s3"


def parse_s3_location(location: str) -> S3Location:
    """Return the bucket, prefix and options of `location`, or raise ValueError naming the part that is invalid."""
    url = urlsplit(location)
    if url.scheme.lower() != "s3":
        raise ValueError(f"Artifact store location {location!r} is not an s3:// URL. Expected one such as {_EXAMPLE}.")
    if url.fragment:
        raise ValueError(f"Artifact store location {location!r} has a fragment ('#{url.fragment}'). Remove it.")

    bucket = url.netloc
    if not bucket:
        raise ValueError(f"Artifact store location {location!r} names no bucket. Expected s3://BUCKET/PREFIX, such as {_EXAMPLE}.")
    _check_bucket(bucket, location)
    prefix = _parse_prefix(url.path, location)
    options = _parse_options(url.query, location)
    return S3Location(bucket=bucket, prefix=prefix, **options)


def _check_bucket(bucket: str, location: str) -> None:
    """Apply S3's naming rules for general purpose buckets: 3 to 63 lowercase letters, digits, dots and hyphens."""
    problem = None
    if not 3 <= len(bucket) <= 63:
        problem = f"it has {len(bucket)} characters, but a bucket name has 3 to 63"
    elif _BUCKET_PATTERN.fullmatch(bucket) is None:
        problem = "a bucket name contains only lowercase letters, digits, dots and hyphens, and starts and ends with a letter or digit"
    elif ".." in bucket:
        problem = "a bucket name has no two adjacent dots"
    elif _is_ip_address(bucket):
        problem = "a bucket name is not formatted as an IP address"
    if problem is not None:
        raise ValueError(f"Invalid bucket name {bucket!r} in artifact store location {location!r}: {problem}.")


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _parse_prefix(path: str, location: str) -> str:
    prefix = path.strip("/")
    if not prefix:
        return ""
    segments = prefix.split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise ValueError(
            f"Invalid key prefix {prefix!r} in artifact store location {location!r}. "
            "Expected segments separated by single slashes, without '.' or '..' segments."
        )
    return prefix


def _parse_options(query: str, location: str) -> dict[str, object]:
    options: dict[str, object] = {}
    for name, value in parse_qsl(query, keep_blank_values=True, strict_parsing=False):
        if name not in _OPTIONS:
            raise ValueError(
                f"Unknown option {name!r} in artifact store location {location!r}. Expected {', '.join(_OPTIONS)}."
            )
        if name in options:
            raise ValueError(f"Option {name!r} appears twice in artifact store location {location!r}.")
        if name == "addressing_style":
            if value not in ADDRESSING_STYLES:
                raise ValueError(
                    f"Invalid addressing_style {value!r} in artifact store location {location!r}. "
                    f"Expected one of {', '.join(ADDRESSING_STYLES)}."
                )
            options[name] = value
        else:
            options[name] = _parse_size(name, value, location)
    return options


def _parse_size(name: str, value: str, location: str) -> int:
    if not value.isdigit() or not MIN_PART_SIZE <= int(value) <= MAX_PART_SIZE:
        raise ValueError(
            f"Invalid {name} {value!r} in artifact store location {location!r}. "
            f"Expected a number of bytes from {MIN_PART_SIZE} (5 MiB) to {MAX_PART_SIZE} (5 GiB)."
        )
    return int(value)
