"""One alert check: evaluate every rule for every integration it watches, open and close
incidents, send the notices (see :mod:`.store` for "once per incident").

::

    result = check_alerts(Path("."), environment="prod")
    for alert in result.opened: ...
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from brainhub.environments import load_project
from brainhub.errors import BrainhubError
from brainhub.operate.alerts.channels import DeliveryError, notice, send
from brainhub.operate.alerts.conditions import evaluate, tap_service
from brainhub.operate.alerts.rules import AlertConfig, AlertsFileError, load_alerts
from brainhub.operate.alerts.store import Alert, AlertStore
from brainhub.operate.record.store import RunStore
from brainhub.operate.status import integrations as project_integrations

LOG = logging.getLogger("brainhub.alerts")
#: How long after closing an incident a recovery notice that failed is still tried again.
RETRY_RECOVERY_FOR = timedelta(hours=24)


@dataclass
class CheckResult:
    """What one check did."""

    opened: list[Alert] = field(default_factory=list)
    closed: list[Alert] = field(default_factory=list)
    failed_deliveries: list[str] = field(default_factory=list)


def check_alerts(
    project_root: Path,
    *,
    environment: str | None = None,
    only: str | None = None,
    config: AlertConfig | None = None,
    secrets: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> CheckResult:
    """Evaluate the rules of ``alerts.yaml`` (or ``config``) for every integration (or only
    ``only``) and notify. Raises :class:`~brainhub.operate.alerts.rules.AlertsFileError`
    for a bad ``alerts.yaml``."""
    config = config if config is not None else load_alerts(project_root)
    now = now or datetime.now(tz=UTC)
    result = CheckResult()
    if not config.rules:
        return result
    runs = RunStore.of_project(project_root)
    alerts = AlertStore(runs.path)
    secrets = secrets if secrets is not None else _secrets(project_root, environment)
    project = load_project(project_root)
    states = runs.integration_states()
    names = [i.name for i in project_integrations(project_root, runs)]
    open_now = {(a.rule, a.integration) for a in alerts.open_alerts()}
    if only is not None:
        names = [n for n in names if n == only] or [only]
    for name in names:
        if states.get(name, ("active", 0))[0] == "disabled":
            continue  # switched off on purpose: its open incidents wait for it to be enabled
        recent = runs.runs(integration=name, environment=environment, limit=200)
        failures = states.get(name, ("active", 0))[1]
        service = tap_service(project, name)
        for rule in config.rules:
            if not rule.watches(name):
                continue
            message = evaluate(rule, recent, failures, now, service)
            if message is not None:
                opened = alerts.open_alert(rule.name, rule.condition, name, message)
                if opened is not None:
                    result.opened.append(opened)
            elif (rule.name, name) in open_now:
                closed = alerts.close_alert(rule.name, name)
                if closed is not None:
                    result.closed.append(closed)
    _deliver(project_root, environment, config, alerts, secrets, now, result)
    return result


def _deliver(
    project_root: Path,
    environment: str | None,
    config: AlertConfig,
    alerts: AlertStore,
    secrets: Mapping[str, str],
    now: datetime,
    result: CheckResult,
) -> None:
    rules = {rule.name: rule for rule in config.rules}
    since = (now - RETRY_RECOVERY_FOR).isoformat()
    for alert in alerts.alerts(since=since, limit=500):
        rule = rules.get(alert.rule)
        if rule is None:
            continue  # a rule since removed from alerts.yaml notifies no more
        channels = config.channels_of(rule)
        if alert.is_open:
            pending = [c for c in channels if c.name not in alert.notified]
        else:  # recovery goes to the channels that were told of the incident
            pending = [
                c
                for c in channels
                if c.name in alert.notified and c.name not in alert.recovery_notified
            ]
        note = notice(alert, recovered=not alert.is_open, environment=environment)
        for channel in pending:
            try:
                send(
                    channel,
                    note,
                    project_root=project_root,
                    environment=environment,
                    secrets=secrets,
                )
            except DeliveryError as exc:
                LOG.error(
                    "alert %d not delivered (tried again at the next check): %s", alert.id, exc
                )
                result.failed_deliveries.append(str(exc))
                continue
            alerts.mark_notified(alert.id, channel.name, recovery=not alert.is_open)


def _secrets(project_root: Path, environment: str | None) -> dict[str, str]:
    """The environment's stored secrets (for the Slack token), or none."""
    if environment is None:
        return {}
    try:
        from brainhub.secrets.cli import open_store
        from brainhub.secrets.store import store_path

        if not store_path(project_root, environment).exists():
            return {}
        return {name: s.value for name, s in open_store(project_root, environment).read().items()}
    except BrainhubError as exc:
        LOG.warning(
            "secrets of %s not read (%s); Slack needs $TARGET_SLACK_API_TOKEN", environment, exc
        )
        return {}


def checker_after_runs(project_root: Path, environment: str | None) -> Callable[[str], None]:
    """What the scheduler calls when a run it started ended: check that integration's alerts.

    A bad ``alerts.yaml`` is logged once per problem (the schedules go on)."""
    reported: set[str] = set()

    def after_run(integration: str) -> None:
        try:
            check_alerts(project_root, environment=environment, only=integration)
        except AlertsFileError as exc:
            if str(exc) not in reported:
                reported.add(str(exc))
                LOG.error("alerts not checked: %s", exc)

    return after_run
