"""Rotating an API key with overlap: the old value stays until the new one has worked.

``brainhub secrets rotate NAME`` stores the new value and keeps the old one as ``previous``
(:func:`rotate`). The next use settles it (:func:`settle`):

- a run (or check) with the new value **succeeds** → the previous value is deleted and the
  audit log records ``secret.previous_deleted`` (fingerprints only);
- it **fails** → the caller retries once with :func:`values_for_run` ``(…, previous=True)``
  and warns; when the old value works, ``secret.fallback_used`` is recorded and both values
  stay until a run with the new one succeeds (a service that has not yet accepted the new key,
  a key pasted wrong: ``secrets rotate`` again with the right one).

A second ``rotate`` before the first has settled keeps the first ``previous``: the value
last known to work.
"""

from __future__ import annotations

from pathlib import Path

from brainhub.audit import AuditLog, Change
from brainhub.redaction import hidden
from brainhub.secrets.errors import SecretStoreError
from brainhub.secrets.store import Secret, SecretStore, now


def rotate(store: SecretStore, project_root: Path, name: str, new_value: str) -> Secret:
    """Store ``new_value`` for ``name`` and keep the current value as ``previous``; audited."""
    with store.editing() as stored:
        current = stored.get(name)
        if current is None:
            raise SecretStoreError(
                f"no secret {name!r} in the {store.environment} store to rotate; store it "
                f"first with `brainhub secrets set {name}` (it holds: "
                f"{', '.join(sorted(stored)) or 'none'})"
            )
        if new_value == current.value:
            raise SecretStoreError(
                f"{name}: the new value is the one already stored; give the new key"
            )
        previous = current.previous if current.previous is not None else current.value
        AuditLog.of_project(project_root).record(
            "secret.rotated",
            name,
            before=hidden(current.value),
            after=hidden(new_value),
            detail={"environment": store.environment, "previous_kept": hidden(previous)},
        )
        rotated = Secret(name, new_value, now(), previous)
        stored[name] = rotated
    return rotated


def pending(secrets: dict[str, Secret]) -> list[str]:
    """The names whose rotation has not yet been confirmed by a successful use."""
    return sorted(name for name, secret in secrets.items() if secret.previous is not None)


def values_for_run(secrets: dict[str, Secret], *, previous: bool = False) -> dict[str, str]:
    """Name → value to inject; with ``previous``, rotated secrets give their old value."""
    return {
        name: (secret.previous if previous and secret.previous is not None else secret.value)
        for name, secret in secrets.items()
    }


def settle(
    store: SecretStore, project_root: Path, names: list[str], *, new_value_worked: bool
) -> list[str]:
    """After a use of the new values of ``names``: drop the previous ones if they worked
    (``secret.previous_deleted``), else record that the old ones were used
    (``secret.fallback_used``). The names whose state changed."""
    if not names:
        return []
    with store.editing() as stored:
        settled = [n for n in names if n in stored and stored[n].previous is not None]
        action = "secret.previous_deleted" if new_value_worked else "secret.fallback_used"
        AuditLog.of_project(project_root).record_all(
            Change(
                action,
                name,
                before=hidden(str(stored[name].previous)),
                after=hidden(stored[name].value) if new_value_worked else None,
                detail={"environment": store.environment},
            )
            for name in settled
        )
        if new_value_worked:
            for name in settled:
                current = stored[name]
                stored[name] = Secret(name, current.value, current.updated)
    return settled
