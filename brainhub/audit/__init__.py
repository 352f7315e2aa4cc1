"""The audit log of configuration changes: who changed what, when, chained by SHA-256.

Any room records a change with :func:`record`::

    from brainhub.audit import record
    record("schedule.paused", "clickup-hourly")
    record("webhook.signature_rejected", "github", detail={"delivery": "72d3162e"})

Entries carry names, hashes and fingerprints, never a secret value. The log, its chain and
what ``brainhub audit verify`` detects are described in :mod:`brainhub.audit.log`; files
changed by hand are found by :mod:`brainhub.audit.config_files`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from brainhub.audit.log import AuditEntry, AuditLog, AuditLogError, Change


def record(
    action: str,
    subject: str,
    *,
    before: str | None = None,
    after: str | None = None,
    detail: Mapping[str, Any] | None = None,
    project_root: Path | None = None,
) -> AuditEntry:
    """Append one change to the project's audit log (``$MELTANO_PROJECT_ROOT``, else the
    working directory): ``action`` as ``<thing>.<verb>``, its ``subject``, the hashes or
    fingerprints before and after, and any ``detail`` that is not a secret."""
    root = project_root or Path(os.environ.get("MELTANO_PROJECT_ROOT") or ".")
    return AuditLog.of_project(root).record(
        action, subject, before=before, after=after, detail=detail
    )


__all__ = ["AuditEntry", "AuditLog", "AuditLogError", "Change", "record"]
