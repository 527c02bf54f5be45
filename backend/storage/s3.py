"""Artifact store in an S3 bucket (AWS S3 or an S3-compatible server), through boto3.

Endpoint, region and credentials come from boto3's standard sources: AWS_ENDPOINT_URL_S3 or
AWS_ENDPOINT_URL, AWS_REGION or AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
AWS_PROFILE and the shared configuration files, or an instance or pod role.
"""

from __future__ import annotations

import base64
import contextlib
import email.utils
import hashlib
import io
import logging
import os
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

import boto3
import botocore.exceptions
from botocore.config import Config

from backend.storage.artifacts import (
    CHUNK_SIZE,
    ArtifactStore,
    BlobInfo,
    BlobNotFound,
    StorageError,
    StoreUnavailable,
    iter_chunks,
    validate_digest,
    validate_holder,
)
from backend.storage.s3_location import MAX_PART_SIZE, S3Location

log = logging.getLogger(__name__)

MAX_PARTS = 10_000
"""S3's limit on the number of parts of one multipart upload."""
MAX_KEY_BYTES = 1024
"""S3's limit on the length of an object key, in UTF-8 bytes."""
CONNECT_TIMEOUT_SECONDS = 10
READ_TIMEOUT_SECONDS = 60
LOCK_TIMEOUT_SECONDS = 30.0
"""How long a reference change waits for another process to release the digest's lock."""
LOCK_STALE_SECONDS = 60
"""Age, by the server's clock, after which a lock object is taken to be left by a crashed process and removed."""
CONFLICT_RETRIES = 5

# One lock per stripe of digests, so threads of this process queue here instead of polling the lock object.
_LOCAL_LOCKS = [threading.Lock() for _ in range(64)]


class S3ArtifactStore(ArtifactStore):
    """Artifact store that keeps blobs, references and lock objects under one key prefix of a bucket.

    Layout under the prefix: `blobs/<first 2 hex>/<digest>` (stored with its SHA-256 checksum, which
    S3 verifies on upload), `refs/<digest>/<holder as URL-safe base64>` (one empty object per holder),
    `locks/<digest>` while a reference change runs, and `uploads/<uuid>` for multipart uploads in progress.
    Reference changes and deletions of one digest hold the lock object, created with a conditional
    write (If-None-Match), which excludes other processes and hosts on servers that honour it.
    """

    def __init__(self, location: S3Location, *, client: Any = None) -> None:
        self.location = location
        self.client = client if client is not None else _create_client(location)
        self.lock_timeout_seconds = LOCK_TIMEOUT_SECONDS
        self.lock_stale_seconds = LOCK_STALE_SECONDS

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.location)!r})"

    @property
    def endpoint_url(self) -> str:
        return str(self.client.meta.endpoint_url)

    def check(self) -> None:
        """Raise StoreUnavailable unless the bucket exists and accepts writes. Log a warning if the server ignores conditional writes."""
        try:
            self.client.head_bucket(Bucket=self.location.bucket)
            honoured = self._conditional_writes_honoured()
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
            raise self._unavailable(error) from None

        if not honoured:
            log.warning(
                "the S3 server ignores conditional writes, so reference changes from several processes can race",
                extra={"location": str(self.location), "endpoint": self.endpoint_url},
            )

    def write(self, stream: BinaryIO | Iterable[bytes], *, max_size: int | None = None) -> BlobInfo:
        with self._failed_requests_unavailable():
            return self._write(stream, max_size)

    def _write(self, stream: BinaryIO | Iterable[bytes], max_size: int | None) -> BlobInfo:
        digest = hashlib.sha256()
        size = 0
        buffer = bytearray()
        upload: _MultipartUpload | None = None

        try:
            for chunk in iter_chunks(stream, max_size=max_size):
                digest.update(chunk)
                size += len(chunk)
                buffer += chunk
                if upload is None and len(buffer) > self.location.multipart_threshold:
                    upload = self._start_upload()
                if upload is not None:
                    self._send_full_parts(upload, buffer)

            info = BlobInfo(sha256=digest.hexdigest(), size=size)
            if upload is None:
                self._put_blob(bytes(buffer), info.sha256)
                return info

            upload.send(bytes(buffer))
            upload.complete()
        except BaseException:
            if upload is not None:
                upload.abort()
            raise

        self._move_into_place(upload.key, info)
        return info

    def open(self, sha256: str) -> BinaryIO:
        blob_key = self._blob_key(sha256)
        with self._failed_requests_unavailable():
            reader = _ObjectReader(self.client, self.location.bucket, blob_key, sha256, self._unavailable)
        return io.BufferedReader(reader, buffer_size=CHUNK_SIZE)  # type: ignore[return-value]

    def exists(self, sha256: str) -> bool:
        blob_key = self._blob_key(sha256)
        with self._failed_requests_unavailable():
            if self._head(blob_key) is not None:
                return True
            self._check_bucket_exists()
            return False

    def size(self, sha256: str) -> int:
        blob_key = self._blob_key(sha256)
        with self._failed_requests_unavailable():
            head = self._head(blob_key)
            if head is None:
                raise self._blob_not_found(sha256)
            return int(head["ContentLength"])

    def add_reference(self, sha256: str, holder: str) -> int:
        reference_key = self._reference_key(sha256, holder)

        with self._failed_requests_unavailable(), self._locked(sha256):
            if self._head(self._blob_key(sha256)) is None:
                raise self._blob_not_found(sha256)
            self.client.put_object(Bucket=self.location.bucket, Key=reference_key, Body=b"")
            return len(self._reference_keys(sha256))

    def release_reference(self, sha256: str, holder: str) -> int:
        reference_key = self._reference_key(sha256, holder)

        with self._failed_requests_unavailable(), self._locked(sha256):
            if self._head(reference_key) is None:
                return len(self._reference_keys(sha256))

            self.client.delete_object(Bucket=self.location.bucket, Key=reference_key)
            remaining = len(self._reference_keys(sha256))
            if remaining == 0:
                self.client.delete_object(Bucket=self.location.bucket, Key=self._blob_key(sha256))
            return remaining

    def references(self, sha256: str) -> frozenset[str]:
        blob_key = self._blob_key(sha256)
        with self._failed_requests_unavailable():
            if self._head(blob_key) is None:
                raise self._blob_not_found(sha256)
            return frozenset(_decode_holder(key.rsplit("/", 1)[1]) for key in self._reference_keys(sha256))

    def delete_unreferenced(self, sha256: str) -> bool:
        blob_key = self._blob_key(sha256)

        with self._failed_requests_unavailable(), self._locked(sha256):
            if self._head(blob_key) is None:
                self._check_bucket_exists()
                return False
            if self._reference_keys(sha256):
                return False
            self.client.delete_object(Bucket=self.location.bucket, Key=blob_key)
            return True

    @contextlib.contextmanager
    def _failed_requests_unavailable(self) -> Iterator[None]:
        """Raise StoreUnavailable, which names the location and the cause, for a request that failed in the block."""
        try:
            yield
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
            raise self._unavailable(error) from error

    def _blob_not_found(self, sha256: str) -> BlobNotFound:
        """Return BlobNotFound for a blob whose HEAD request found nothing, once the bucket is known to exist."""
        self._check_bucket_exists()
        return BlobNotFound(sha256)

    def _check_bucket_exists(self) -> None:
        """Raise StoreUnavailable when the bucket is gone.

        A HEAD request answers 404 for a missing bucket as for a missing key, and a blob reported
        missing makes the integrity check mark its model version broken, so a miss is confirmed here.
        """
        self.client.head_bucket(Bucket=self.location.bucket)

    def _start_upload(self) -> _MultipartUpload:
        key = self.location.key("uploads", str(uuid.uuid4()))
        return _MultipartUpload(self.client, self.location.bucket, key, self.location.part_size)

    def _send_full_parts(self, upload: _MultipartUpload, buffer: bytearray) -> None:
        part_size = self.location.part_size
        while len(buffer) >= part_size:
            upload.send(bytes(buffer[:part_size]))
            del buffer[:part_size]

    def _put_blob(self, data: bytes, sha256: str) -> None:
        """Upload a blob whose digest is known, unless it exists. S3 rejects the request if the bytes do not match the digest."""
        for attempt in range(CONFLICT_RETRIES):
            if attempt:
                time.sleep(0.05 * attempt)
            try:
                self.client.put_object(
                    Bucket=self.location.bucket, Key=self._blob_key(sha256), Body=data,
                    ChecksumAlgorithm="SHA256", ChecksumSHA256=_base64_digest(sha256), IfNoneMatch="*",
                )
                return
            except botocore.exceptions.ClientError as error:
                status = _status(error)
                if status == 412:
                    return
                if status != 409:
                    raise _checked_upload_error(error, sha256) from None
        raise StorageError(f"Blob {sha256} could not be stored: S3 reported {CONFLICT_RETRIES} conflicting writes in a row. Try again.")

    def _move_into_place(self, upload_key: str, info: BlobInfo) -> None:
        """Copy a completed multipart upload to the blob's key unless the blob exists, then delete the upload's object.

        The copy requests a SHA-256 checksum of the whole object from S3. When the server returns one, it must match the digest.
        """
        blob_key = self._blob_key(info.sha256)
        source = {"Bucket": self.location.bucket, "Key": upload_key}
        try:
            if self._head(blob_key) is not None:
                return
            if info.size <= MAX_PART_SIZE:
                response = self.client.copy_object(
                    Bucket=self.location.bucket, Key=blob_key, CopySource=source, ChecksumAlgorithm="SHA256"
                )
                self._check_copy_checksum(response.get("CopyObjectResult", {}), info.sha256)
            else:
                # NOTE: CopyObject accepts at most 5 GiB, so larger blobs are copied in parts. The tests never
                # reach this branch, and S3 returns only a composite checksum of the parts, which is not compared.
                self.client.copy(source, self.location.bucket, blob_key, ExtraArgs={"ChecksumAlgorithm": "SHA256"})
        finally:
            self.client.delete_object(Bucket=self.location.bucket, Key=upload_key)

    def _check_copy_checksum(self, result: dict[str, Any], sha256: str) -> None:
        checksum = result.get("ChecksumSHA256")
        if checksum is None or checksum == _base64_digest(sha256):
            return
        self.client.delete_object(Bucket=self.location.bucket, Key=self._blob_key(sha256))
        raise StorageError(
            f"Blob {sha256} was not stored: S3 computed the SHA-256 checksum {checksum} for the copied object, "
            f"but the uploaded bytes hash to {_base64_digest(sha256)}. Upload the file again."
        )

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            return self.client.head_object(Bucket=self.location.bucket, Key=key)  # type: ignore[no-any-return]
        except botocore.exceptions.ClientError as error:
            if _status(error) == 404:
                return None
            raise

    def _reference_keys(self, sha256: str) -> list[str]:
        folder = self.location.key("refs", sha256) + "/"
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.location.bucket, Prefix=folder):
            keys += [entry["Key"] for entry in page.get("Contents", [])]
        return keys

    @contextlib.contextmanager
    def _locked(self, sha256: str) -> Iterator[None]:
        """Hold the digest's lock object for the duration of the block."""
        lock_key = self.location.key("locks", sha256)
        with _LOCAL_LOCKS[int(sha256[:2], 16) % len(_LOCAL_LOCKS)]:
            etag = self._acquire_lock(lock_key)
            try:
                yield
            finally:
                self._delete_if_unchanged(lock_key, etag)

    def _acquire_lock(self, lock_key: str) -> str:
        """Create the lock object and return its ETag, waiting while another process holds it."""
        deadline = time.monotonic() + self.lock_timeout_seconds
        delay = 0.01
        while True:
            try:
                # A unique body gives each lock its own ETag, so a release never deletes another holder's lock.
                response = self.client.put_object(
                    Bucket=self.location.bucket, Key=lock_key, Body=uuid.uuid4().bytes, IfNoneMatch="*"
                )
                return str(response["ETag"])
            except botocore.exceptions.ClientError as error:
                if _status(error) not in (409, 412):
                    raise

            self._remove_stale_lock(lock_key)
            if time.monotonic() > deadline:
                raise StoreUnavailable(
                    f"Timed out after {self.lock_timeout_seconds:g} s waiting for the lock object {lock_key!r} in bucket "
                    f"{self.location.bucket!r}, which another process holds. Try again; it is removed as stale after "
                    f"{self.lock_stale_seconds:g} s."
                )
            time.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 0.5)

    def _remove_stale_lock(self, lock_key: str) -> None:
        head = self._head(lock_key)
        if head is None:
            return
        date = head["ResponseMetadata"]["HTTPHeaders"].get("date")
        if date is None:
            return
        server_time = email.utils.parsedate_to_datetime(date)
        age = (server_time - head["LastModified"]).total_seconds()
        if age < self.lock_stale_seconds:
            return
        if self._delete_if_unchanged(lock_key, head["ETag"]):
            log.warning("removed a stale lock object", extra={"key": lock_key, "age_seconds": round(age)})

    def _delete_if_unchanged(self, key: str, etag: str) -> bool:
        """Delete `key` if its ETag is still `etag`, and return whether it did. Another process may have replaced or removed it.

        NOTE: a server that ignores If-Match on DELETE deletes the object whatever its ETag, so a lock
        removed as stale can then also remove the lock of the process that took it over.
        """
        try:
            self.client.delete_object(Bucket=self.location.bucket, Key=key, IfMatch=etag)
        except botocore.exceptions.ClientError as error:
            # 409: a concurrent request on the same key won, so the object is no longer the one read.
            if _status(error) in (404, 409, 412):
                return False
            raise
        return True

    def _conditional_writes_honoured(self) -> bool:
        probe_key = self.location.key("locks", f"probe-{uuid.uuid4()}")
        self.client.put_object(Bucket=self.location.bucket, Key=probe_key, Body=b"", IfNoneMatch="*")
        try:
            self.client.put_object(Bucket=self.location.bucket, Key=probe_key, Body=b"", IfNoneMatch="*")
        except botocore.exceptions.ClientError as error:
            if _status(error) == 412:
                return True
            raise
        finally:
            self.client.delete_object(Bucket=self.location.bucket, Key=probe_key)
        return False

    def _unavailable(self, error: Exception) -> StoreUnavailable:
        location = str(self.location)
        if isinstance(error, (botocore.exceptions.NoCredentialsError, botocore.exceptions.PartialCredentialsError)):
            return StoreUnavailable(
                f"No AWS credentials were found for the artifact store {location}. Set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an instance or pod role."
            )
        if isinstance(error, (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError)):
            return StoreUnavailable(
                f"The S3 endpoint {self.endpoint_url} of the artifact store {location} could not be reached ({error}). "
                "Check AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, and that the server is running."
            )
        if isinstance(error, botocore.exceptions.ClientError):
            return StoreUnavailable(self._client_error_message(error))
        return StoreUnavailable(f"The artifact store {location} at {self.endpoint_url} cannot be used: {error}")

    def _client_error_message(self, error: botocore.exceptions.ClientError) -> str:
        location = str(self.location)
        bucket = self.location.bucket
        status = _status(error)
        if status == 404:
            return (
                f"Bucket {bucket!r} of the artifact store {location} was not found at {self.endpoint_url}. "
                "Create the bucket, or correct the bucket name or AWS_ENDPOINT_URL_S3."
            )
        if status == 403:
            return (
                f"Access to bucket {bucket!r} of the artifact store {location} was denied at {self.endpoint_url}. "
                "Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that they may list, read, write and delete "
                "objects in the bucket."
            )
        if status == 301:
            return (
                f"Bucket {bucket!r} of the artifact store {location} is in another region than "
                f"{self.client.meta.region_name!r}. Set AWS_REGION to the bucket's region."
            )
        code = error.response.get("Error", {}).get("Code", status)
        return f"The S3 request for the artifact store {location} at {self.endpoint_url} failed with {code}: {error}"

    def _blob_key(self, sha256: str) -> str:
        validate_digest(sha256)
        return self.location.key("blobs", sha256[:2], sha256)

    def _reference_key(self, sha256: str, holder: str) -> str:
        validate_holder(holder)
        key = self.location.key("refs", validate_digest(sha256), _encode_holder(holder))
        if len(key.encode("utf-8")) > MAX_KEY_BYTES:
            raise ValueError(
                f"Invalid reference holder {holder[:40]!r}…: its object key would exceed S3's limit of "
                f"{MAX_KEY_BYTES} bytes. Use a shorter holder."
            )
        return key


class _MultipartUpload:
    """One multipart upload to a temporary key; each part carries its SHA-256 checksum, which S3 verifies."""

    def __init__(self, client: Any, bucket: str, key: str, part_size: int) -> None:
        self.client = client
        self.bucket = bucket
        self.key = key
        self.part_size = part_size
        self.parts: list[dict[str, Any]] = []
        response = client.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="SHA256")
        self.upload_id = response["UploadId"]

    def send(self, data: bytes) -> None:
        """Upload `data` as the next part. Only the last part may be smaller than S3's minimum of 5 MiB."""
        if not data and self.parts:
            return
        number = len(self.parts) + 1
        if number > MAX_PARTS:
            raise StorageError(
                f"The blob needs more than {MAX_PARTS} parts of {self.part_size} bytes, the maximum for one S3 multipart "
                "upload, so nothing was stored. Raise part_size in the s3:// location, such as ?part_size=67108864 for 64 MiB parts."
            )
        checksum = base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")
        response = self.client.upload_part(
            Bucket=self.bucket, Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=data,
            ChecksumAlgorithm="SHA256", ChecksumSHA256=checksum,
        )
        self.parts.append({"PartNumber": number, "ETag": response["ETag"], "ChecksumSHA256": checksum})

    def complete(self) -> None:
        self.client.complete_multipart_upload(
            Bucket=self.bucket, Key=self.key, UploadId=self.upload_id, MultipartUpload={"Parts": self.parts}
        )

    def abort(self) -> None:
        """Discard the uploaded parts; a failure is logged, because the caller is already handling another error."""
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self.upload_id)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
            # A bucket lifecycle rule that aborts incomplete multipart uploads removes the parts later.
            log.warning("could not abort a multipart upload", extra={"key": self.key, "upload_id": self.upload_id, "error": str(error)})


class _ObjectReader(io.RawIOBase):
    """Seekable reader of one object: it streams from the current position and starts a ranged GET after a seek."""

    def __init__(
        self, client: Any, bucket: str, key: str, sha256: str, unavailable: Callable[[Exception], StoreUnavailable]
    ) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        self._sha256 = sha256
        self._unavailable = unavailable
        self._body: Any = None
        self._body_position = 0
        self._position = 0
        response = self._get(None)
        self._size = int(response["ContentLength"])
        self._body = response["Body"]

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        origins = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}
        if whence not in origins:
            raise ValueError(f"Invalid whence {whence!r}. Expected io.SEEK_SET, io.SEEK_CUR or io.SEEK_END.")
        position = origins[whence] + offset
        if position < 0:
            raise ValueError(f"Invalid seek position {position}. Expected a position of 0 or more.")
        self._position = position
        return position

    def readinto(self, buffer: Any) -> int:
        if self._position >= self._size or len(buffer) == 0:
            return 0
        if self._body is None or self._body_position != self._position:
            self._reopen()

        requested = min(len(buffer), self._size - self._position)
        try:
            data = self._body.read(requested)
        except (botocore.exceptions.ResponseStreamingError, botocore.exceptions.ReadTimeoutError):
            # The server may close a response that its reader left idle, such as a download to a slow client.
            self._reopen()
            try:
                data = self._body.read(requested)
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
                raise self._unavailable(error) from error
        if not data:
            raise StorageError(f"Reading blob {self._sha256} ended at byte {self._position} of {self._size}. Try again.")
        count = len(data)
        buffer[:count] = data
        self._position += count
        self._body_position += count
        return count

    def readall(self) -> bytes:
        chunks = []
        while chunk := self.read(CHUNK_SIZE):
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None
        super().close()

    def _reopen(self) -> None:
        if self._body is not None:
            self._body.close()
        self._body = self._get(f"bytes={self._position}-")["Body"]
        self._body_position = self._position

    def _get(self, byte_range: str | None) -> dict[str, Any]:
        arguments = {"Bucket": self._bucket, "Key": self._key}
        if byte_range is not None:
            arguments["Range"] = byte_range
        try:
            return self._client.get_object(**arguments)  # type: ignore[no-any-return]
        except botocore.exceptions.ClientError as error:
            if _status(error) == 404 and error.response.get("Error", {}).get("Code") != "NoSuchBucket":
                raise BlobNotFound(self._sha256) from None
            raise self._unavailable(error) from error
        except botocore.exceptions.BotoCoreError as error:
            raise self._unavailable(error) from error


def _create_client(location: S3Location) -> Any:
    s3_options = {"addressing_style": location.addressing_style} if location.addressing_style else None
    config = Config(connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=READ_TIMEOUT_SECONDS, s3=s3_options)
    try:
        # botocore reads AWS_DEFAULT_REGION but not AWS_REGION, which other AWS SDKs and the CLI also accept.
        return boto3.session.Session().client("s3", region_name=os.environ.get("AWS_REGION") or None, config=config)
    except (botocore.exceptions.BotoCoreError, ValueError) as error:
        raise StoreUnavailable(
            f"The S3 client for the artifact store {location} could not be created: {error}. "
            "Check AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS_REGION and AWS_PROFILE."
        ) from None


def _status(error: botocore.exceptions.ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def _checked_upload_error(error: botocore.exceptions.ClientError, sha256: str) -> Exception:
    code = error.response.get("Error", {}).get("Code", "")
    if code in ("BadDigest", "XAmzContentChecksumMismatch", "InvalidDigest"):
        return StorageError(
            f"S3 rejected blob {sha256} ({code}): the bytes it received do not match their SHA-256 digest, "
            "so they were altered on the way. Upload the file again."
        )
    return error


def _base64_digest(sha256: str) -> str:
    return base64.b64encode(bytes.fromhex(sha256)).decode("ascii")


def _encode_holder(holder: str) -> str:
    return base64.urlsafe_b64encode(holder.encode("utf-8")).decode("ascii")


def _decode_holder(name: str) -> str:
    return base64.urlsafe_b64decode(name.encode("ascii")).decode("utf-8")
