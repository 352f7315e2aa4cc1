"""The part of JQL the emulator understands, and Jira's answers to what it does not.

Clauses joined by ``AND``, then an optional ``ORDER BY``::

    project = ENG AND updated >= "2026-02-27 13:45" ORDER BY updated ASC

- ``project = KEY``, ``project in (A, B)``, ``project IS NOT EMPTY``
- ``updated|created`` with ``>=``, ``>``, ``<=``, ``<`` and a date (``"yyyy-MM-dd HH:mm"``
  or ``"yyyy-MM-dd"``, quoted or not); times are in the user's zone (UTC here) to the minute
- ``ORDER BY updated|created|key [ASC|DESC]``

A query without any clause is *unbounded*, which ``/search/jql`` refuses, as Jira does.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

UNBOUNDED = (
    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
)
_ORDER = re.compile(r"\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?\s*$", re.IGNORECASE)
_DATE_CLAUSE = re.compile(
    r"^(updated|created)\s*(>=|<=|>|<)\s*(?:\"([^\"]*)\"|'([^']*)'|(\S+))$", re.IGNORECASE
)
_PROJECT_EQ = re.compile(r"^project\s*=\s*\"?([A-Za-z0-9]+)\"?$", re.IGNORECASE)
_PROJECT_IN = re.compile(r"^project\s+in\s*\(([^)]*)\)$", re.IGNORECASE)
_PROJECT_SET = re.compile(r"^project\s+is\s+not\s+empty$", re.IGNORECASE)
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


class JqlError(ValueError):
    """A query Jira would reject; the message is the one Jira sends."""


@dataclass
class Query:
    """A parsed query: record tests and the order of results."""

    tests: list[Callable[[dict[str, Any]], bool]] = field(default_factory=list)
    order_field: str = "key"
    descending: bool = False

    def matches(self, facts: dict[str, Any]) -> bool:
        """``facts`` holds ``project`` (key), ``updated``/``created`` (epoch s) and ``key``."""
        return all(test(facts) for test in self.tests)


def parse(text: str) -> Query:
    """Parse a query; raise :class:`JqlError` with Jira's message when it cannot be run."""
    query = Query()
    body = " " + text.strip()
    order = _ORDER.search(body)
    if order:
        query.order_field = order.group(1).lower()
        query.descending = (order.group(2) or "ASC").upper() == "DESC"
        if query.order_field not in ("updated", "created", "key"):
            raise JqlError(f"Not able to sort using field '{order.group(1)}'.")
        body = body[: order.start()]
    clauses = [c.strip() for c in re.split(r"\s+AND\s+", body.strip(), flags=re.IGNORECASE)]
    for clause in filter(None, clauses):
        query.tests.append(_clause(clause))
    if not query.tests:
        raise JqlError(UNBOUNDED)
    return query


def _clause(clause: str) -> Callable[[dict[str, Any]], bool]:
    if _PROJECT_SET.match(clause):
        return lambda facts: bool(facts["project"])
    match = _PROJECT_EQ.match(clause)
    if match:
        key = match.group(1).upper()
        return lambda facts: facts["project"] == key
    match = _PROJECT_IN.match(clause)
    if match:
        keys = {k.strip().strip("\"'").upper() for k in match.group(1).split(",")}
        return lambda facts: facts["project"] in keys
    match = _DATE_CLAUSE.match(clause)
    if match:
        name, op = match.group(1).lower(), match.group(2)
        raw = next(g for g in match.groups()[2:] if g is not None)
        moment = _jql_time(raw, name)
        compare = _COMPARE[op]
        return lambda facts: compare(facts[name], moment)
    raise JqlError(f"Error in the JQL Query: the clause '{clause}' is not supported here.")


def _jql_time(raw: str, name: str) -> int:
    for pattern in ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return int(datetime.strptime(raw, pattern).replace(tzinfo=UTC).timestamp())
        except ValueError:
            continue
    raise JqlError(
        f"Date value '{raw}' for field '{name}' is invalid. Valid formats include: "
        "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
        "format e.g. '-5d', '4w 2d'."
    )
