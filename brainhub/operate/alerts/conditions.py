"""Whether each rule's condition holds for an integration, from what the run store records.

Each function returns a message when the condition holds, else None. "Last run" means the
integration's newest finished run (``success`` or ``failed``); a running run is not judged,
and neither is an interrupted one (stopped by SIGINT or SIGTERM: no failure, no recovery),
except by ``run_interrupted``, which a project adds to be told of them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import taps
from brainhub.errors import BrainhubError
from brainhub.operate.alerts.rules import Rule
from brainhub.operate.record.store import FINISHED_STATUSES, Run
from brainhub.spec.loader import load_spec


@cache
def _declared_limit(service: str) -> tuple[int, float] | None:
    """(requests, per seconds) the connector spec of ``service`` declares, or None."""
    path = Path(taps.__file__).parent / service / "spec.yaml"
    if not path.exists():
        return None
    try:
        limit = load_spec(path).http.rate_limit
    except BrainhubError:
        return None
    return (limit.requests, limit.per) if limit is not None else None


def tap_service(project: dict[str, Any], integration: str) -> str | None:
    """The connector an integration reads (``clickup`` for a job running ``tap-clickup``)."""
    tap = None
    if "→" in integration:
        tap = integration.split("→")[0]
    else:
        for job in project.get("jobs") or []:
            if isinstance(job, dict) and job.get("name") == integration:
                words = " ".join(str(t) for t in job.get("tasks") or []).split()
                tap = next((w for w in words if w.startswith("tap-")), None)
    if tap is None:
        return None
    for plugin in (project.get("plugins") or {}).get("extractors") or []:
        if isinstance(plugin, dict) and plugin.get("name") == tap and plugin.get("inherit_from"):
            tap = str(plugin["inherit_from"])
    return tap.removeprefix("tap-").split("--")[0].replace("-", "_")


def evaluate(
    rule: Rule,
    runs: list[Run],
    failures: int,
    now: datetime,
    service: str | None,
) -> str | None:
    """The alert message when ``rule`` holds for the integration whose ``runs`` (newest first)
    and failure streak are given; None when it does not."""
    finished = [r for r in runs if r.status in ("success", "failed")]
    last = finished[0] if finished else None
    if rule.condition == "run_interrupted":
        ended = next((r for r in runs if r.status in FINISHED_STATUSES), None)
        if ended is not None and ended.status == "interrupted":
            why = (ended.error or "stopped by a signal").splitlines()[0][:300]
            return f"run {ended.id[:8]} was interrupted: {why}"
        return None
    if rule.condition == "run_failed":
        if last is not None and last.status == "failed":
            error = (last.error or "no error recorded").splitlines()[0][:300]
            return f"run {last.id[:8]} failed: {error}"
        return None
    if rule.condition == "consecutive_failures":
        if failures >= rule.threshold:
            return f"{failures} failed runs in a row (rule: {rule.threshold:g} or more)"
        return None
    if rule.condition == "error_rate_above":
        since = (now - timedelta(seconds=rule.window_s)).isoformat()
        window = [r for r in finished if r.started_at >= since]
        if not window:
            return None
        failed = sum(r.status == "failed" for r in window)
        rate = 100 * failed / len(window)
        if rate > rule.threshold:
            return (
                f"{rate:.0f}% of its runs failed in the last {_span(rule.window_s)} "
                f"({failed} of {len(window)}; rule: above {rule.threshold:g}%)"
            )
        return None
    if rule.condition == "stale_stream":
        return _stale(rule, finished, now)
    if rule.condition == "api_budget_above":
        return _budget(rule, last, service)
    if rule.condition == "rejects_above":
        if last is None:
            return None
        rejected = int(last.total("rejected") + last.total("failed"))
        if rejected > rule.threshold:
            return (
                f"run {last.id[:8]} rejected or had refused {rejected} records "
                f"(rule: above {rule.threshold:g})"
            )
        return None
    raise ValueError(f"unknown condition {rule.condition!r}")


def _stale(rule: Rule, finished: list[Run], now: datetime) -> str | None:
    fresh: dict[str, str] = {}
    for run in finished:  # newest first: the first success that loaded a stream wins
        if run.status == "success" and run.finished_at:
            for stream in run.streams:
                fresh.setdefault(stream, run.finished_at)
    limit = now - timedelta(seconds=rule.threshold)
    stale = sorted(s for s, when in fresh.items() if datetime.fromisoformat(when) < limit)
    if not stale:
        return None
    ages = ", ".join(
        f"{s} ({_span((now - datetime.fromisoformat(fresh[s])).total_seconds())} old)"
        for s in stale[:10]
    )
    return f"stale streams: {ages} (freshness limit {_span(rule.threshold)})"


def _budget(rule: Rule, last: Run | None, service: str | None) -> str | None:
    if last is None or service is None or last.finished_at is None:
        return None
    limit = _declared_limit(service)
    if limit is None:
        return None
    requests, per = limit
    seconds = max(
        1.0,
        (
            datetime.fromisoformat(last.finished_at) - datetime.fromisoformat(last.started_at)
        ).total_seconds(),
    )
    used = 100 * last.total("requests") / (requests * max(1.0, seconds / per))
    throttled = int(last.total("throttled"))
    if throttled:
        used = max(used, 100.0)
    if used <= rule.threshold:
        return None
    why = f", {throttled} answers throttled" if throttled else ""
    return (
        f"run {last.id[:8]} used {used:.0f}% of {service}'s declared rate limit "
        f"({int(last.total('requests'))} requests in {seconds:.0f} s against {requests} per "
        f"{per:g} s{why}; rule: above {rule.threshold:g}%)"
    )


def _span(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return (
                f"{seconds / size:.0f}{unit}"
                if seconds % size == 0
                else f"{seconds / size:.1f}{unit}"
            )
    return f"{seconds:.0f}s"
