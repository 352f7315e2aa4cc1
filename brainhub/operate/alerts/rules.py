"""``alerts.yaml``: the alert rules and channels of a project, checked on load.

::

    channels:
      ops: {type: slack, channel: "#alerts"}
      pager: {type: webhook, url: "https://hooks.example.com/brainhub"}
    rules:
      - run_failed: true
      - consecutive_failures: 3
        integrations: [clickup-to-duckdb]
      - error_rate_above: 50%
        window: 24h
      - stale_stream: 2h
      - api_budget_above: 80%
      - rejects_above: 10
        notify: [pager]
      - run_interrupted: true    # runs stopped by Ctrl-C or SIGTERM (by default no alert)

Every problem is one line ``alerts.yaml:<line>: <where>: <what> (<what is valid>)``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from brainhub.errors import ConfigError
from brainhub.spec.validation import schema_problems
from brainhub.yaml_lines import LineDict, load_yaml_with_lines

ALERTS_FILE = "alerts.yaml"
SCHEMA_FILE = Path(__file__).with_name("alerts.schema.json")
#: The conditions a rule may have (exactly one each).
CONDITIONS = (
    "run_failed",
    "consecutive_failures",
    "error_rate_above",
    "stale_stream",
    "api_budget_above",
    "rejects_above",
    "run_interrupted",
)
CHANNEL_NEEDS = {"slack": ("channel",), "webhook": ("url",), "log": ()}
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class AlertsFileError(ConfigError):
    """``alerts.yaml`` is invalid; the message starts with ``alerts.yaml:<line>:``."""


@dataclass(frozen=True)
class Channel:
    """A named place alerts go: ``type`` is ``slack``, ``webhook`` or ``log``."""

    name: str
    type: str
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """One condition, the integrations it watches (empty: all) and the channels it notifies."""

    name: str
    condition: str
    threshold: float
    """N, X (a percentage) or a freshness limit in seconds; 1 for ``run_failed``."""
    window_s: float = 86400.0
    integrations: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()

    def watches(self, integration: str) -> bool:
        """Whether the rule applies to ``integration``."""
        return not self.integrations or integration in self.integrations


@dataclass(frozen=True)
class AlertConfig:
    """The rules and channels of ``alerts.yaml`` (none of either when there is no file)."""

    rules: tuple[Rule, ...] = ()
    channels: dict[str, Channel] = field(default_factory=dict)

    def channels_of(self, rule: Rule) -> list[Channel]:
        """The channels ``rule`` notifies (every channel by default; the log without any)."""
        if rule.notify:
            return [self.channels[name] for name in rule.notify]
        return list(self.channels.values()) or [Channel("log", "log")]


@cache
def alerts_schema() -> dict[str, Any]:
    """The JSON Schema of ``alerts.yaml``."""
    return dict(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def load_alerts(project_root: Path) -> AlertConfig:
    """The project's ``alerts.yaml``; an empty configuration when there is none.

    Raises :class:`AlertsFileError` naming the first problem.
    """
    path = project_root / ALERTS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return AlertConfig()
    except (OSError, UnicodeDecodeError) as exc:
        raise AlertsFileError(f"{ALERTS_FILE}: cannot read it ({exc})") from None
    return parse_alerts(text)


def parse_alerts(text: str) -> AlertConfig:
    """Parse and check the text of an ``alerts.yaml``."""
    try:
        data = load_yaml_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}:" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise AlertsFileError(f"{ALERTS_FILE}:{where} not valid YAML: {problem}") from None
    if data is None:
        return AlertConfig()
    problems = schema_problems(Draft202012Validator(alerts_schema()), data)
    if problems:
        line, where, message = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise AlertsFileError(
            f"{ALERTS_FILE}:{line or 1}: {where or '(top level)'}: {message}{more}"
        )
    channels = {
        name: Channel(name, raw["type"], {k: v for k, v in raw.items() if k != "type"})
        for name, raw in (data.get("channels") or {}).items()
    }
    for name, channel in channels.items():
        raw = data["channels"][name]
        for key in CHANNEL_NEEDS[channel.type]:
            if key not in raw:
                raise AlertsFileError(
                    f"{ALERTS_FILE}:{raw.line}: channels.{name}: a {channel.type} channel needs "
                    f"{key!r}"
                )
    rules = []
    names: set[str] = set()
    for index, raw in enumerate(data.get("rules") or []):
        rule = _rule(raw, index, channels)
        if rule.name in names:
            raise AlertsFileError(
                f"{ALERTS_FILE}:{raw.line}: rules[{index}]: a second rule named {rule.name!r}; "
                "give one a `name:`"
            )
        names.add(rule.name)
        rules.append(rule)
    return AlertConfig(tuple(rules), channels)


def _rule(raw: LineDict, index: int, channels: dict[str, Channel]) -> Rule:
    where = f"{ALERTS_FILE}:{raw.line}: rules[{index}]"
    found = [key for key in CONDITIONS if key in raw]
    if len(found) != 1:
        said = f"has {', '.join(found)}" if found else "has no condition"
        raise AlertsFileError(f"{where}: {said}; give exactly one of {', '.join(CONDITIONS)}")
    condition = found[0]
    value = raw[condition]
    if "window" in raw and condition != "error_rate_above":
        raise AlertsFileError(
            f"{ALERTS_FILE}:{raw.line_of('window')}: rules[{index}].window: only "
            "error_rate_above takes a window"
        )
    for name in raw.get("notify") or []:
        if name not in channels:
            raise AlertsFileError(
                f"{ALERTS_FILE}:{raw.line_of('notify')}: rules[{index}].notify: no channel "
                f"{name!r} (channels: {', '.join(channels) or 'none declared'})"
            )
    if condition in ("error_rate_above", "api_budget_above"):
        threshold = float(str(value).rstrip("%"))
    elif condition == "stale_stream":
        threshold = duration_s(str(value))
    else:
        threshold = float(value)
    return Rule(
        name=str(raw.get("name") or condition.replace("_", "-")),
        condition=condition,
        threshold=threshold,
        window_s=duration_s(str(raw.get("window") or "24h")),
        integrations=tuple(raw.get("integrations") or ()),
        notify=tuple(raw.get("notify") or ()),
    )


def duration_s(text: str) -> float:
    """``90s``, ``30m``, ``2h``, ``7d`` → seconds."""
    return float(text[:-1]) * UNITS[text[-1]]
