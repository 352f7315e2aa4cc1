"""One encrypted file of secrets per Meltano environment: ``data/secrets/<environment>.enc``.

The file is JSON with a public header and one AES-256-GCM ciphertext::

    {"format": "brainhub-secrets/1", "environment": "prod", "key_id": "…",
     "nonce": "<base64>", "ciphertext": "<base64>"}

The ciphertext holds every secret (names included) as ``{"NAME": {"value": …, "updated": …}}``
(plus ``"previous": …`` while a rotation with overlap is pending);
the header is authenticated with it, so a store moved to another environment, or any byte
changed, fails to open instead of yielding garbage. ``key_id`` names the master key the
store was written under (a rotation may leave stores under the old key and the new one).
Writes replace the file atomically (mode 0600, folder 0700) under a lock, so concurrent
``secrets set`` never lose each other's changes.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from brainhub.private_files import locked, write_atomically
from brainhub.secrets.errors import SecretStoreError
from brainhub.secrets.keys import Keyring, MasterKey

FORMAT = "brainhub-secrets/1"
STORE_SUFFIX = ".enc"
NONCE_BYTES = 12
_ENVIRONMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
#: Secret names are environment variable names, as Meltano reads settings from them.
SECRET_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


def data_dir(project_root: Path) -> Path:
    """The project's data folder (warehouses, the sandbox's data, the secret stores)."""
    return project_root / "data"


def stores_dir(project_root: Path) -> Path:
    """Where every environment's store lives."""
    return data_dir(project_root) / "secrets"


def store_path(project_root: Path, environment: str) -> Path:
    """The store of one environment (environments never share one)."""
    if not _ENVIRONMENT_NAME.fullmatch(environment):
        raise SecretStoreError(
            f"{environment!r} cannot name a secret store; environment names are letters, "
            "digits, '_', '.' and '-'"
        )
    return stores_dir(project_root) / f"{environment}{STORE_SUFFIX}"


def check_secret_name(name: str) -> str:
    """``name`` if it is a valid environment variable name (``TAP_CLICKUP_API_TOKEN``)."""
    if not SECRET_NAME.fullmatch(name):
        raise SecretStoreError(
            f"{name!r} is not a secret name; secrets are named as Meltano's environment "
            "variables: upper-case letters, digits and '_' (e.g. TAP_CLICKUP_API_TOKEN)"
        )
    return name


@dataclass(frozen=True)
class Secret:
    """One stored secret (its value never appears in its repr)."""

    name: str
    value: str
    updated: str
    #: The value before ``secrets rotate``, kept until a run with the new one succeeds.
    previous: str | None = None

    def __repr__(self) -> str:
        pending = ", previous pending" if self.previous is not None else ""
        return f"Secret(name={self.name!r}, updated={self.updated!r}{pending})"


def now() -> str:
    """The current UTC time as ISO 8601, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _header(environment: str, key_id: str) -> dict[str, str]:
    return {"format": FORMAT, "environment": environment, "key_id": key_id}


def _associated_data(header: dict[str, str]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def encrypt(secrets: dict[str, Secret], key: MasterKey, environment: str) -> bytes:
    """The store file's bytes for ``secrets`` under ``key``."""
    header = _header(environment, key.key_id)
    plain = json.dumps({s.name: _stored(s) for s in secrets.values()}, sort_keys=True).encode(
        "utf-8"
    )
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(key.material).encrypt(nonce, plain, _associated_data(header))
    document = {
        **header,
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "ciphertext": base64.b64encode(ciphertext).decode("ascii"),
    }
    return json.dumps(document, indent=1).encode("utf-8") + b"\n"


def _stored(secret: Secret) -> dict[str, str]:
    entry = {"value": secret.value, "updated": secret.updated}
    if secret.previous is not None:
        entry["previous"] = secret.previous
    return entry


def stored_key_id(blob: bytes, where: Path) -> str:
    """The id of the key a store file was written under."""
    return str(_document(blob, where)["key_id"])


def _document(blob: bytes, where: Path) -> dict[str, Any]:
    unreadable = f"{where}: not a brainhub secret store ({{}}); restore it from a backup"
    try:
        document = json.loads(blob)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SecretStoreError(unreadable.format("not JSON")) from None
    fields = ("format", "environment", "key_id", "nonce", "ciphertext")
    if not isinstance(document, dict) or not all(isinstance(document.get(f), str) for f in fields):
        raise SecretStoreError(unreadable.format(f"expected the fields {', '.join(fields)}"))
    if document["format"] != FORMAT:
        raise SecretStoreError(
            unreadable.format(f"format {document['format']!r}, this brainhub reads {FORMAT}")
        )
    return document


def decrypt(blob: bytes, keyring: Keyring, where: Path, environment: str) -> dict[str, Secret]:
    """The secrets in a store file; one clear error for a wrong key or altered bytes."""
    document = _document(blob, where)
    if document["environment"] != environment:
        raise SecretStoreError(
            f"{where}: holds the secrets of environment {document['environment']!r}, not "
            f"{environment!r}; environments never share a store"
        )
    key = keyring.by_id(document["key_id"])
    if key is None:
        raise SecretStoreError(
            f"{where}: written under master key {document['key_id']}, but the key given "
            f"({keyring.current.source}) is {keyring.current.key_id}; provide the key the "
            "store was written with"
        )
    try:
        nonce = base64.b64decode(document["nonce"], validate=True)
        ciphertext = base64.b64decode(document["ciphertext"], validate=True)
        plain = AESGCM(key.material).decrypt(
            nonce, ciphertext, _associated_data(_header(environment, key.key_id))
        )
        entries = json.loads(plain)
    except (InvalidTag, binascii.Error, ValueError):
        raise SecretStoreError(
            f"{where}: the store was altered or damaged (its authentication check failed); "
            "restore it from a backup"
        ) from None
    return {
        name: Secret(
            name,
            str(entry["value"]),
            str(entry["updated"]),
            str(entry["previous"]) if entry.get("previous") is not None else None,
        )
        for name, entry in entries.items()
    }


class SecretStore:
    """The secrets of one environment of a project, encrypted under the keyring's key."""

    def __init__(self, project_root: Path, environment: str, keyring: Keyring) -> None:
        self.project_root = project_root
        self.environment = environment
        self.keyring = keyring
        self.path = store_path(project_root, environment)

    def read(self) -> dict[str, Secret]:
        """Every secret of the store (none if the store does not exist yet)."""
        try:
            blob = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SecretStoreError(f"{self.path}: cannot read: {exc.strerror}") from None
        return decrypt(blob, self.keyring, self.path, self.environment)

    def get(self, name: str) -> Secret:
        """One secret; the error lists the names the store holds."""
        secrets = self.read()
        if name not in secrets:
            held = ", ".join(sorted(secrets)) or "none"
            raise SecretStoreError(
                f"no secret {name!r} in the {self.environment} store ({self.path}); "
                f"it holds: {held}"
            )
        return secrets[name]

    @contextmanager
    def editing(self) -> Iterator[dict[str, Secret]]:
        """Read, let the block change the secrets, write them back (under the store's lock)."""
        if self.keyring.rotation_pending:
            raise SecretStoreError(
                "a master key rotation was interrupted; finish it first "
                "(brainhub secrets rotate-key), then change secrets"
            )
        with locked(self.path.with_name(f".{self.path.name}.lock")):
            secrets = self.read()
            yield secrets
            self.write(secrets, self.keyring.current)

    def write(self, secrets: dict[str, Secret], key: MasterKey) -> None:
        """Replace the store file with ``secrets`` encrypted under ``key``, atomically."""
        write_atomically(self.path, encrypt(secrets, key, self.environment))
