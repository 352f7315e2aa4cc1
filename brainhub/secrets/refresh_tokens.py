"""A refresh token the vendor rotated during a run, written back into the credential store.

Called by the connection's OAuth authenticator (:mod:`brainhub.connect.refresh_tokens`) in
the tap or target process that ``brainhub run`` started, with the store named by the
environment it set.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from brainhub.audit import AuditLog, Change
from brainhub.redaction import hidden
from brainhub.secrets.keys import load_keyring
from brainhub.secrets.store import Secret, SecretStore, data_dir, now, store_path

ACTION = "secret.refresh_token_rotated"


def save_rotated_refresh_token(
    project_root: Path, environment: str, old_values: Collection[str], new: str, owner: str
) -> list[str]:
    """Replace every stored secret holding one of ``old_values`` with ``new``; their names.

    The store is rewritten atomically under its lock, and each replaced secret gets an audit
    entry (its name and fingerprints, never a value). No secret holding an old value: ``[]``.
    """
    if not store_path(project_root, environment).exists():
        return []
    store = SecretStore(project_root, environment, load_keyring(data_dir(project_root)))
    with store.editing() as stored:
        names = sorted(name for name, secret in stored.items() if secret.value in old_values)
        if not names:
            return []
        AuditLog.of_project(project_root).record_all(
            Change(
                ACTION,
                name,
                before=hidden(stored[name].value),
                after=hidden(new),
                detail={"environment": environment, "by": owner},
            )
            for name in names
        )
        for name in names:
            stored[name] = Secret(name, new, now())
    return names
