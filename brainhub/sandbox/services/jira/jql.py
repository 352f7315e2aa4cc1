"""The part of JQL the emulator understands, and Jira's answers to what it does not.

Clauses joined by ``AND``, then an optional ``ORDER BY``::

    project = ENG AND updated >= "2026-02-27 13:45" ORDER BY updated ASC

- ``project = KEY``, ``project in (A, B)``, ``project IS NOT EMPTY``
- ``updated|created`` with ``>=``, ``>``, ``<=``, ``<`` and a date (``"yyyy-MM-dd HH:mm"``
  or ``"yyyy-MM-dd"``, quoted or not); times are in the user's zone (UTC here) to the minute
- ``status``, ``statusCategory``, ``issuetype`` (``type``), ``priority``, ``labels``,
  ``key`` (``issuekey``), ``assignee``, ``reporter`` with ``=``, ``!=``, ``in (…)``,
  ``not in (…)`` and ``is [not] EMPTY``; values are names or ids (account ids for people),
  compared without case; functions such as ``currentUser()`` are not understood here
- ``ORDER BY updated|created|key [ASC|DESC]``

A field Jira does not have is refused with Jira's "Field 'x' does not exist…" message.

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
_FIELD_CLAUSE = re.compile(r"^(\w+)\s*(=|!=|\s+not\s+in\s+|\s+in\s+)\s*(.+)$", re.IGNORECASE)
_FUNCTION = re.compile(r"\w+\s*\(")  # currentUser(), membersOf("x")…
_EMPTY_CLAUSE = re.compile(r"^(\w+)\s+is\s+(not\s+)?(?:empty|null)$", re.IGNORECASE)
#: JQL names of the fields matched by value, and the fact each reads.
FIELD_FACTS = {
    "status": "status",
    "statuscategory": "statusCategory",
    "issuetype": "issuetype",
    "type": "issuetype",
    "priority": "priority",
    "labels": "labels",
    "key": "key_values",
    "issuekey": "key_values",
    "assignee": "assignee",
    "reporter": "reporter",
}
#: Other fields every Jira site has (clauses on them are valid JQL this emulator does
#: not evaluate).
KNOWN_FIELDS = frozenset(
    (
        "summary",
        "description",
        "text",
        "comment",
        "resolution",
        "resolved",
        "resolutiondate",
        "duedate",
        "due",
        "sprint",
        "epic",
        "parent",
        "component",
        "fixversion",
        "affectedversion",
        "creator",
        "watcher",
        "voter",
        "worklogdate",
        "worklogauthor",
        "timespent",
        "environment",
        "filter",
        "level",
        "category",
        "attachments",
        "issue",
        "id",
        "lastviewed",
        "statuscategorychangeddate",
        "originalestimate",
        "remainingestimate",
        "votes",
        "watchers",
        "workratio",
        "labels",
        "project",
        "updated",
        "created",
    )
)
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
    by_value = _value_clause(clause)
    if by_value is not None:
        return by_value
    name = re.match(r"^\s*(\w+)", clause)
    field_name = name.group(1).lower() if name else ""
    if field_name and field_name not in FIELD_FACTS and field_name not in KNOWN_FIELDS:
        raise JqlError(
            f"Field '{name.group(1) if name else ''}' does not exist or you do not have "
            "permission to view it."
        )
    raise JqlError(f"Error in the JQL Query: the clause '{clause}' is not supported here.")


def _value_clause(clause: str) -> Callable[[dict[str, Any]], bool] | None:
    """A test for ``field = value`` (``!=``, ``in``, ``not in``, ``is [not] EMPTY``) on a
    field of :data:`FIELD_FACTS`, or ``None`` when the clause is not one."""
    empty = _EMPTY_CLAUSE.match(clause)
    if empty and empty.group(1).lower() in FIELD_FACTS:
        fact, negated = FIELD_FACTS[empty.group(1).lower()], bool(empty.group(2))
        return lambda facts: bool(facts[fact]) == negated
    match = _FIELD_CLAUSE.match(clause)
    if not match or match.group(1).lower() not in FIELD_FACTS or _FUNCTION.search(match.group(3)):
        return None
    fact = FIELD_FACTS[match.group(1).lower()]
    operator_text = " ".join(match.group(2).lower().split())
    raw = match.group(3).strip()
    if operator_text in ("in", "not in"):
        if not (raw.startswith("(") and raw.endswith(")")):
            return None
        items = raw[1:-1].split(",")
    else:
        items = [raw]
    wanted = {item.strip().strip("\"'").lower() for item in items if item.strip()}
    negated = operator_text in ("!=", "not in")
    return lambda facts: bool(wanted & facts[fact]) != negated


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
