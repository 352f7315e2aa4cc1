"""A readable default log: per-request and per-batch METRIC lines only when asked for.

The Singer SDK logs a ``METRIC:`` line for every request and every batch of records, and the
HTTP layer one per request; at the default INFO level they drown the progress lines. A plugin
calls :func:`quiet_metrics` once it is set up: those lines then appear only when
``$BRAINHUB_LOG_METRICS`` is true or the plugin logs at DEBUG (``LOGLEVEL=debug``, or
``<PLUGIN>_LOGLEVEL``). The end-of-stream summary lines are kept.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

#: The loggers whose ``METRIC:`` lines are held back by default.
METRIC_LOGGERS = ("singer_sdk.metrics", "brainhub.metrics")

_TRUE = {"1", "true", "yes", "on"}


def metrics_wanted(plugin_name: str, environ: Mapping[str, str] | None = None) -> bool:
    """True when METRIC lines were asked for (see the module docstring)."""
    env = os.environ if environ is None else environ
    if (env.get("BRAINHUB_LOG_METRICS") or "").strip().lower() in _TRUE:
        return True
    prefix = plugin_name.upper().replace("-", "_")
    level = env.get(f"{prefix}_LOGLEVEL") or env.get("LOGLEVEL") or ""
    return level.strip().upper() == "DEBUG"


class _HoldMetrics(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(METRIC_LOGGERS):
            return True
        message = record.msg if isinstance(record.msg, str) else ""
        return not message.startswith("METRIC")


_FILTER = _HoldMetrics()


def quiet_metrics(plugin_name: str, environ: Mapping[str, str] | None = None) -> bool:
    """Hold back METRIC lines from the console unless they were asked for; True when they
    are held.

    The filter goes on the console handlers the plugin's command line set up (the root
    logger's stream handlers), not on the loggers: whatever else listens to the loggers
    still gets every line.
    """
    if metrics_wanted(plugin_name, environ):
        return False
    for handler in logging.getLogger().handlers:
        # exactly the console handler the Singer SDK adds (not pytest's or an app's)
        if type(handler) is logging.StreamHandler and _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    return True
