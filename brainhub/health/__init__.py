"""Health checks of connectors: credentials accepted, API reachable, latency, rate-limit budget.

- :mod:`~brainhub.health.config` — a connector's settings as a Meltano run would get them
  (``meltano.yml``, the environment's variables, the credential store);
- :mod:`~brainhub.health.checks` — the spec's ``check:`` request, sent once and judged;
- :mod:`~brainhub.health.cli` — ``brainhub check``.
"""

from brainhub.health.checks import CheckResult, check_connector
from brainhub.health.config import connector_config, services_named

__all__ = ["CheckResult", "check_connector", "connector_config", "services_named"]
