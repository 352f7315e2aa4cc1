"""Health checks of connectors: credentials accepted, API reachable, latency, rate-limit budget.

- :mod:`~brainhub.health.config` — a connector's settings as a Meltano run would get them
  (``meltano.yml``, the environment's variables, the credential store);
- :mod:`~brainhub.health.checks` — the spec's ``check:`` request, sent once and judged;
- :mod:`~brainhub.health.cli` — ``brainhub check``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Public name → the module defining it (loaded on first use: ``brainhub --help`` stays quick).
_EXPORTS = {
    "CheckResult": "brainhub.health.checks",
    "check_connector": "brainhub.health.checks",
    "connector_config": "brainhub.health.config",
    "services_named": "brainhub.health.config",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'brainhub.health' has no attribute {name!r}")
