"""S3 through the facade: the artifacts bucket's objects, every call translated.

Every request names the bucket's expected owner (the caller's account), so a bucket of the
same name in another account is never read or written. Keys are content-addressed
(core.template.artifacts.artifact_key): an object that exists holds the same bytes, so an
upload happens only when the key is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from boto3.exceptions import S3UploadFailedError
from botocore.exceptions import ClientError

from ddbwizard.core.aws.errors import aws_errors, error_code

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

ErrorsFn = Callable[..., AbstractContextManager[None]]
Progress = Callable[[int, int], None]  # (bytes sent so far, total bytes)
_ABSENT = frozenset({"404", "NoSuchKey", "NotFound"})


class S3:
    """The S3 calls ddbwizard makes; `owner` gives the account expected to own the bucket."""

    def __init__(
        self, client: S3Client, owner: Callable[[], str], errors: ErrorsFn | None = None
    ) -> None:
        self.client = client
        self._owner = owner
        self._errors: ErrorsFn = errors or aws_errors

    def object_exists(self, bucket: str, key: str) -> bool:
        """HeadObject: True when the object exists, False on a 404."""
        owner = self._owner()
        with self._errors("s3:GetObject (HeadObject)", resource=f"s3://{bucket}/{key}"):
            try:
                self.client.head_object(Bucket=bucket, Key=key, ExpectedBucketOwner=owner)
            except ClientError as exc:
                if error_code(exc) in _ABSENT:
                    return False
                raise
        return True

    def upload(self, bucket: str, key: str, path: Path, progress: Progress) -> None:
        """Upload `path` to s3://bucket/key (multipart when large); `progress` sees each part."""
        total, sent = path.stat().st_size, 0

        def advanced(count: int) -> None:
            nonlocal sent
            sent += count
            progress(sent, total)

        owner = self._owner()
        with self._errors("s3:PutObject", resource=f"s3://{bucket}/{key}"):
            try:
                self.client.upload_file(
                    str(path),
                    bucket,
                    key,
                    ExtraArgs={"ExpectedBucketOwner": owner},
                    Callback=advanced,
                )
            except S3UploadFailedError as exc:  # boto3 wraps the ClientError: translate that
                cause = exc.__cause__ or exc.__context__
                if isinstance(cause, ClientError):
                    raise cause from None
                raise

    def upload_if_absent(self, bucket: str, key: str, path: Path, progress: Progress) -> bool:
        """Upload unless the (content-addressed) key exists; True when it was uploaded."""
        if self.object_exists(bucket, key):
            return False
        self.upload(bucket, key, path, progress)
        return True
