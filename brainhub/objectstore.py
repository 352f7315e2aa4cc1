"""Files in a directory or an object store, the same way for tap-files and target-files.

A location is a local directory (``data/files``, ``file:///srv/drop``) or an object store URL
(``s3://bucket/prefix``, ``gs://bucket/prefix``, ``az://container/prefix``),
reached through ``fsspec``. :func:`open_store` checks the location and the connection settings
and returns a :class:`Store`: listing with each file's size, modification time and version
tag, download to a local file, and an atomic publish (a temporary name, then a rename or a
server-side copy into place, so that a reader never sees a partial file).
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import fsspec
from singer_sdk import typing as th

from brainhub.errors import BrainhubError, SettingsError

#: URL schemes a location may use, and the package that serves each.
SCHEMES = {
    "file": "fsspec",
    "s3": "s3fs",
    "gs": "gcsfs",
    "gcs": "gcsfs",
    "az": "adlfs",
    "abfs": "adlfs",
}
#: Connection settings, passed to the object store's filesystem when set (``endpoint_url``
#: also serves GCS, with ``google_credentials`` and ``google_project``; Azure Blob takes
#: the ``azure_*`` settings, see :data:`AZURE_SETTINGS`).
S3_SETTINGS = (
    "endpoint_url",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "region_name",
)
#: Names (of the file or of any folder below the location) that mark a file being written or
#: a file that is not data: hidden and underscore names, partial downloads and copies.
#: Azure Blob settings → adlfs's argument names.
AZURE_SETTINGS = {
    "azure_connection_string": "connection_string",
    "azure_account_name": "account_name",
    "azure_account_key": "account_key",
    "azure_sas_token": "sas_token",
}
PARTIAL_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".inprogress")
PARTIAL_MARKERS = ("_COPYING_",)


class StorageError(BrainhubError):
    """The store could not be listed, read or written; the message names the location."""


@dataclass(frozen=True)
class StoredFile:
    """One file: its path relative to the location, size, modification time and version."""

    path: str
    size: int
    modified: dt.datetime
    version: str

    @property
    def fingerprint(self) -> dict[str, Any]:
        """What changes when the file is rewritten (kept in state to recognise a file seen)."""
        return {"modified": self.modified.isoformat(), "size": self.size, "version": self.version}


def is_partial_name(relative_path: str) -> bool:
    """Whether a path names a file still being written or not meant as data (see above)."""
    parts = [p for p in relative_path.split("/") if p]
    if any(p.startswith((".", "_")) for p in parts):
        return True
    name = parts[-1] if parts else ""
    return name.lower().endswith(PARTIAL_SUFFIXES) or any(m in name for m in PARTIAL_MARKERS)


class Store:
    """One location opened through fsspec (see the module doc)."""

    def __init__(self, url: str, fs: fsspec.AbstractFileSystem, root: str) -> None:
        self.url = url
        self.fs = fs
        self.root = root.rstrip("/")
        self.is_local = fs.protocol in ("file", ("file", "local")) or "file" in fs.protocol

    def full_path(self, relative_path: str) -> str:
        """The filesystem path of a path relative to the location."""
        return f"{self.root}/{relative_path.lstrip('/')}" if self.root else relative_path

    def relative(self, full_path: str) -> str:
        """A filesystem path made relative to the location."""
        full_path = full_path.removeprefix("file://")
        root = self.root.removeprefix("file://")
        return full_path[len(root) :].lstrip("/") if full_path.startswith(root) else full_path

    def require_folder(self) -> None:
        """Fail with one line naming ``path`` when the location is not a directory, or its
        bucket does not exist (an object store lists a missing bucket as empty)."""
        if self.is_local:
            if not os.path.isdir(self.root.removeprefix("file://")):
                raise SettingsError(f"setting 'path': {self.url!r} is not a directory")
            return
        bucket = self.root.split("/", 1)[0]
        with self._failing_as("list", ""):
            found = self.fs.exists(bucket)
        if not found:
            raise SettingsError(
                f"setting 'path': the bucket {bucket!r} of {self.url!r} does not exist, or "
                "these credentials cannot see it"
            )

    def glob(self, pattern: str) -> Iterator[StoredFile]:
        """The files matching a glob relative to the location (``**`` crosses folders)."""
        with self._failing_as("list", pattern):
            self.fs.invalidate_cache()
            found = self.fs.glob(self.full_path(pattern), detail=True)
        for full_path, info in sorted(found.items()):
            if info.get("type", "file") != "file":
                continue
            yield self._stored(self.relative(full_path), info)

    def stat(self, relative_path: str) -> StoredFile:
        """The file as it is now (the cache of listings is bypassed)."""
        with self._failing_as("read", relative_path):
            self.fs.invalidate_cache()
            return self._stored(relative_path, self.fs.info(self.full_path(relative_path)))

    def download(self, relative_path: str, local_path: Path) -> None:
        """Copy a file of the store to a local file."""
        with self._failing_as("read", relative_path):
            self.fs.get_file(self.full_path(relative_path), str(local_path))

    def publish(self, local_path: Path, relative_path: str) -> None:
        """Put a local file at ``relative_path`` so that it appears whole or not at all.

        It is first written under a temporary name next to its place (a hidden name, which
        tap-files and most readers skip), then renamed into place: an atomic rename on a
        local disk, a server-side copy on an object store (where an object appears only once
        it is complete).
        """
        final = self.full_path(relative_path)
        folder, name = posixpath.split(final)
        temporary = posixpath.join(folder, f".{name}.{uuid.uuid4().hex}.tmp")
        with self._failing_as("write", relative_path):
            self._publish(local_path, folder, temporary, final)

    def _publish(self, local_path: Path, folder: str, temporary: str, final: str) -> None:
        if self.is_local:
            os.makedirs(folder.removeprefix("file://"), exist_ok=True)
        try:
            self.fs.put_file(str(local_path), temporary)
            if self.is_local:
                os.replace(temporary.removeprefix("file://"), final.removeprefix("file://"))
            else:  # a server-side copy: every store (and emulator) has one
                self.fs.copy(temporary, final)
                self.fs.rm_file(temporary)
        except BaseException:
            _remove_quietly(self.fs, temporary)
            raise

    @contextmanager
    def _failing_as(self, action: str, relative_path: str) -> Iterator[None]:
        """Any failure of the filesystem (its exceptions differ by store) as one
        :class:`StorageError` line naming the location and the file."""
        try:
            yield
        except BrainhubError:
            raise
        except Exception as exc:
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise StorageError(
                f"{self.url}: cannot {action} {relative_path!r}: {type(exc).__name__}"
                + (f": {text}" if text else "")
            ) from None

    def _stored(self, relative_path: str, info: Mapping[str, Any]) -> StoredFile:
        return StoredFile(
            relative_path, int(info.get("size") or 0), _modified(info), _version(info)
        )


def open_store(
    url: str, options: Mapping[str, Any] | None = None, *, setting: str = "path"
) -> Store:
    """Open a location; a :class:`SettingsError` names the setting and what would be valid."""
    if not isinstance(url, str) or not url.strip():
        raise SettingsError(
            f"setting {setting!r}: give a directory or a URL such as s3://bucket/prefix"
        )
    url = url.strip()
    scheme = urlsplit(url).scheme if "://" in url else "file"
    if scheme not in SCHEMES:
        raise SettingsError(
            f"setting {setting!r}: {scheme}:// is not a storage this reads or writes ({url!r}); "
            f"valid: a local directory or {', '.join(s + '://' for s in SCHEMES if s != 'file')}"
        )
    kwargs = _filesystem_options(scheme, options or {})
    try:
        fs = _gcs(kwargs) if scheme in ("gs", "gcs") else fsspec.filesystem(scheme, **kwargs)
    except ImportError as exc:
        raise SettingsError(
            f"setting {setting!r}: {scheme}:// needs the package {SCHEMES[scheme]}, which is not "
            f"installed ({exc})"
        ) from None
    except (ValueError, TypeError) as exc:  # malformed credentials (a connection string)
        raise SettingsError(
            f"setting {setting!r}: cannot open {url!r} with the connection settings given: "
            f"{_without_secrets(str(exc), options or {})}"
        ) from None
    if scheme == "file":
        root = str(Path(url.removeprefix("file://")).absolute())
    else:
        root = url.split("://", 1)[1].rstrip("/")
    return Store(url, fs, root)


def _without_secrets(text: str, options: Mapping[str, Any]) -> str:
    """The first line of ``text`` with the value of every secret setting blanked out."""
    line = text.strip().splitlines()[0] if text.strip() else "refused"
    for prop in STORE_SETTINGS:
        value = options.get(prop.name)
        if prop.to_dict()[prop.name].get("secret") and isinstance(value, str) and value:
            line = line.replace(value, "***")
    return line


def _gcs(kwargs: dict[str, Any]) -> fsspec.AbstractFileSystem:
    """gcsfs's own filesystem (not its experimental subclass, which probes every bucket over
    gRPC first)."""
    from gcsfs.core import GCSFileSystem

    return GCSFileSystem(**kwargs)


def _filesystem_options(scheme: str, options: Mapping[str, Any]) -> dict[str, Any]:
    if scheme in ("gs", "gcs"):
        gcs: dict[str, Any] = {"skip_instance_cache": True}
        if options.get("endpoint_url"):
            gcs["endpoint_url"] = options["endpoint_url"]
        if options.get("google_credentials"):
            gcs["token"] = options["google_credentials"]
        if options.get("google_project"):
            gcs["project"] = options["google_project"]
        return gcs
    if scheme in ("az", "abfs"):
        azure = {name: options[key] for key, name in AZURE_SETTINGS.items() if options.get(key)}
        return {**azure, "skip_instance_cache": True}
    if scheme != "s3":
        return {}
    chosen = {k: options[k] for k in S3_SETTINGS if options.get(k)}
    kwargs: dict[str, Any] = {}
    if "aws_access_key_id" in chosen:
        kwargs["key"] = chosen["aws_access_key_id"]
    if "aws_secret_access_key" in chosen:
        kwargs["secret"] = chosen["aws_secret_access_key"]
    if "aws_session_token" in chosen:
        kwargs["token"] = chosen["aws_session_token"]
    client: dict[str, Any] = {}
    if "endpoint_url" in chosen:
        client["endpoint_url"] = chosen["endpoint_url"]
    if "region_name" in chosen:
        client["region_name"] = chosen["region_name"]
    if client:
        kwargs["client_kwargs"] = client
    # a fresh filesystem each time: fsspec caches instances, listings and credentials
    kwargs["skip_instance_cache"] = True
    return kwargs


def _modified(info: Mapping[str, Any]) -> dt.datetime:
    """A file's modification time, from whichever field its filesystem reports, in UTC."""
    for key in ("mtime", "LastModified", "last_modified", "updated", "mtime_ns"):
        value = info.get(key)
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
        if isinstance(value, int | float):
            seconds = value / 1e9 if key == "mtime_ns" else value
            return dt.datetime.fromtimestamp(seconds, dt.UTC)
        if isinstance(value, str):
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return dt.datetime.fromtimestamp(0, dt.UTC)


def _version(info: Mapping[str, Any]) -> str:
    """The store's version tag of a file (ETag, generation), or empty on a local disk."""
    for key in ("ETag", "etag", "generation", "VersionId", "version_id"):
        value = info.get(key)
        if value:
            return str(value).strip('"')
    return ""


def _remove_quietly(fs: fsspec.AbstractFileSystem, path: str) -> None:
    try:
        if fs.exists(path):
            fs.rm_file(path)
    except OSError:
        pass


#: The settings of where files are kept (endpoint and credentials for S3 and GCS), shared by
#: tap-files and target-files.
STORE_SETTINGS: tuple[th.Property, ...] = (
    th.Property(
        "endpoint_url",
        th.StringType,
        title="Endpoint URL",
        description=(
            "An S3- or GCS-compatible endpoint (a local emulator, MinIO); the cloud itself when unset."
        ),
    ),
    th.Property(
        "aws_access_key_id",
        th.StringType,
        secret=True,
        title="AWS access key id",
        description="S3 credentials; boto's own chain (environment, profile, role) when unset.",
    ),
    th.Property(
        "aws_secret_access_key",
        th.StringType,
        secret=True,
        title="AWS secret access key",
        description="The secret of `aws_access_key_id`.",
    ),
    th.Property(
        "aws_session_token",
        th.StringType,
        secret=True,
        title="AWS session token",
        description="For temporary credentials.",
    ),
    th.Property(
        "region_name", th.StringType, title="AWS region", description="The bucket's region."
    ),
    th.Property(
        "google_credentials",
        th.StringType,
        secret=True,
        title="Google credentials",
        description=(
            "For `gs://`: a service account key file, or `anon` (public buckets, emulators); "
            "Google's application default credentials when unset."
        ),
    ),
    th.Property(
        "google_project",
        th.StringType,
        title="Google project",
        description="For `gs://`: the project.",
    ),
    th.Property(
        "azure_connection_string",
        th.StringType,
        secret=True,
        title="Azure connection string",
        description=(
            "For `az://`: the storage account's connection string (an emulator's names its "
            "`BlobEndpoint`); or give `azure_account_name` with a key or SAS token."
        ),
    ),
    th.Property(
        "azure_account_name",
        th.StringType,
        title="Azure storage account",
        description="For `az://`: the storage account's name.",
    ),
    th.Property(
        "azure_account_key",
        th.StringType,
        secret=True,
        title="Azure account key",
        description="For `az://`: a key of `azure_account_name`.",
    ),
    th.Property(
        "azure_sas_token",
        th.StringType,
        secret=True,
        title="Azure SAS token",
        description="For `az://`: a shared access signature instead of the account key.",
    ),
)
