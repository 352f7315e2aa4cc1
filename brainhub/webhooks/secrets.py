"""Where the receiver finds each vendor's webhook secret, and where it keeps one it learns.

A service's secret is read from, in order:

1. the environment variable ``BRAINHUB_WEBHOOK_SECRET_<SERVICE>`` (``…_CLICKUP``,
   ``…_GITHUB``, ``…_JIRA``, ``…_SLACK`` — the app's signing secret, ``…_ASANA``,
   ``…_TRELLO`` — the app secret, ``…_NOTION`` — the verification token, ``…_GITLAB`` —
   the hook's secret token, ``…_BITBUCKET``, ``…_CONFLUENCE`` — the Connect app's shared
   secret);
2. the credential store of the environment (``brainhub secrets``), under the same name.

Secrets learnt by a handshake (Asana's ``X-Hook-Secret``, Notion's ``verification_token``)
and those ``brainhub webhooks register`` receives are written to the credential store.
Values never leave this module except to sign or verify: not in logs, errors or the inbox.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from brainhub import audit
from brainhub.redaction import hidden
from brainhub.secrets.errors import SecretStoreError
from brainhub.secrets.keys import load_keyring
from brainhub.secrets.store import Secret, SecretStore, data_dir, now

ENV_PREFIX = "BRAINHUB_WEBHOOK_SECRET_"


def secret_name(service: str) -> str:
    """The environment variable (and store entry) holding ``service``'s webhook secret."""
    return ENV_PREFIX + service.upper()


class SecretSource(Protocol):
    """What the receiver asks for secrets."""

    def get(self, service: str) -> str | None:
        """The service's secret, or ``None`` when none is configured."""

    def remember(self, service: str, value: str) -> None:
        """Keep a secret learnt from a handshake or a registration."""


class MemorySecrets:
    """Secrets held in memory (tests, and emulated set-ups)."""

    def __init__(self, secrets: Mapping[str, str] | None = None) -> None:
        self._secrets = dict(secrets or {})
        self._lock = threading.Lock()

    def get(self, service: str) -> str | None:
        with self._lock:
            return self._secrets.get(service)

    def remember(self, service: str, value: str) -> None:
        with self._lock:
            self._secrets[service] = value


class StoredSecrets:
    """The environment variables, then the credential store of ``environment``."""

    def __init__(self, project_root: Path, environment: str) -> None:
        self.project_root = project_root
        self.environment = environment
        self._learnt: dict[str, str] = {}

    def _store(self, create: bool) -> SecretStore:
        keyring = load_keyring(data_dir(self.project_root), create=create)
        return SecretStore(self.project_root, self.environment, keyring)

    def get(self, service: str) -> str | None:
        name = secret_name(service)
        if os.environ.get(name):
            return os.environ[name]
        if service in self._learnt:
            return self._learnt[service]
        try:
            return self._store(create=False).read()[name].value
        except (SecretStoreError, KeyError):
            return None

    def remember(self, service: str, value: str) -> None:
        name = secret_name(service)
        self._learnt[service] = value
        with self._store(create=True).editing() as secrets:
            before = secrets.get(name)
            secrets[name] = Secret(name, value, now())
        audit.record(
            "secret.rotated" if before else "secret.created",
            name,
            before=hidden(before.value) if before else None,
            after=hidden(value),
            detail={"environment": self.environment},
            project_root=self.project_root,
        )
