"""A vendor's operations as one declared table: what is served, how, and what is left out.

Each vendor keeps one table::

    OPERATIONS = OperationTable(
        served=[
            Operation("GET", "/team", "get_teams"),
            Operation("GET", "/team/{team_id}/task", "get_team_tasks", paging=PageNumbers(100)),
            Operation("GET", "/team/{team_id}/webhook", SHAPED),
        ],
        left_out=[LeftOut("GET", "/team/{team_id}/guest/{guest_id}", "Enterprise plan only")],
    )

Paths are the vendor's documented templates (``{name}`` parameters, without the API
prefix). ``handler`` names an emulator method ``(request, **path_values)``, or is
``SHAPED``: the kit answers from the vendor's documented response shape (see
:mod:`.shapes`). ``rules()`` turns the table into werkzeug rules; a test compares
``documented()`` with the vendor's OpenAPI paths, and ``brainhub sandbox coverage`` reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from werkzeug.routing import Rule

from brainhub.sandbox.kit.links import LinkHeaderPages
from brainhub.sandbox.kit.paging import Paginator

#: The ``handler`` of an operation answered from its documented response shape.
SHAPED = "shaped"
#: Endpoint names of shaped operations start with this (then the operation key).
SHAPED_PREFIX = "shaped:"

_PARAMETER = re.compile(r"\{([^{}/]+)\}")


@dataclass(frozen=True)
class Operation:
    """One served operation: method, documented path template, handler, paging kind."""

    method: str
    path: str
    handler: str
    paging: Paginator | LinkHeaderPages | None = None
    #: Add documented fields a hand-modelled answer lacks (see ``KitEmulator``).
    complete: bool = True
    #: A parameter whose value spans segments (a file path ``a/b/c``): routed greedily.
    greedy: str | None = None

    @property
    def key(self) -> str:
        """``"GET /team/{team_id}/space"``: how tables, coverage and tests name it."""
        return f"{self.method} {self.path}"

    @property
    def endpoint(self) -> str:
        """The werkzeug endpoint: the handler name, or ``shaped:<key>``."""
        return SHAPED_PREFIX + self.key if self.handler == SHAPED else self.handler

    @property
    def shaped(self) -> bool:
        return self.handler == SHAPED

    def rule(self) -> Rule:
        """A werkzeug rule for this operation (``{x}`` becomes ``<x>``)."""
        path = self.path
        if self.greedy is not None:
            path = path.replace(f"{{{self.greedy}}}", f"<path:{self.greedy}>")
        return Rule(_PARAMETER.sub(r"<\1>", path), endpoint=self.endpoint, methods=[self.method])


@dataclass(frozen=True)
class LeftOut:
    """A documented operation deliberately not served, and why."""

    method: str
    path: str
    reason: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class OperationTable:
    """Every documented operation of one vendor: served or left out with a reason."""

    served: Sequence[Operation]
    left_out: Sequence[LeftOut] = ()
    #: Extra routes that are not documented operations (writes the taps' tests use).
    extra: Sequence[Operation] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        items: list[Operation | LeftOut] = [*self.served, *self.left_out, *self.extra]
        keys = [item.key for item in items]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"operations declared twice: {', '.join(duplicates)}")

    def rules(self) -> list[Rule]:
        """The werkzeug rules of every served and extra operation."""
        return [operation.rule() for operation in (*self.served, *self.extra)]

    def documented(self) -> list[str]:
        """Keys of every documented operation this table accounts for."""
        items: list[Operation | LeftOut] = [*self.served, *self.left_out]
        return sorted(item.key for item in items)

    def by_key(self) -> dict[str, Operation]:
        """Served and extra operations by key."""
        return {operation.key: operation for operation in (*self.served, *self.extra)}

    def methods(self, method: str) -> Iterable[Operation]:
        return (operation for operation in self.served if operation.method == method)


def sample_path(template: str, value: str = "1") -> str:
    """``template`` with every ``{parameter}`` replaced by ``value`` (for route checks)."""
    return _PARAMETER.sub(value, template)


def path_parameters(template: str) -> list[str]:
    """The ``{parameter}`` names of a path template, in order."""
    return _PARAMETER.findall(template)
