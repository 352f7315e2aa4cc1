"""How much of a vendor's documented read surface an emulator serves, from its own routing.

For an emulator on the kit with a derived surface, every documented GET operation is

- *served* when the table declares it and the emulator's URL map routes a request for it
  to that declaration's handler (a method the class has, or the shaped answer);
- *left out* when the table says so, with the reason;
- *missing* otherwise.

``unrouted`` lists operations the table claims served that the routing does not deliver,
and ``undocumented`` operations the table serves that the document does not have: both
should stay empty (a test holds ClickUp to that). Emulators not yet on the kit are reported
as not described, with the GET routes they do serve.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Submount

from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.kit.emulator import KitEmulator
from brainhub.sandbox.kit.operations import SHAPED_PREFIX, sample_path
from brainhub.sandbox.kit.surface import normalised


@dataclass
class Coverage:
    """The coverage report of one service (see the module doc)."""

    service: str
    described: bool
    documented: int = 0
    served: dict[str, str] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    unrouted: list[str] = field(default_factory=list)
    undocumented: list[str] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        """A report for people."""
        if not self.described:
            lines = [
                f"{self.service}: not yet described (no operation table derived from the "
                f"vendor's document); it serves {len(self.routes)} GET routes:"
            ]
            return "\n".join([*lines, *(f"  {route}" for route in self.routes)])
        lines = [
            f"{self.service}: {len(self.served)} of {self.documented} documented GET "
            f"operations served, {len(self.left_out)} left out, {len(self.missing)} missing"
        ]
        sections = (
            ("served", [f"{key}  ({how})" for key, how in self.served.items()]),
            ("left out", [f"{key}: {why}" for key, why in self.left_out.items()]),
            ("missing", self.missing),
            ("claimed served but not routed", self.unrouted),
            ("served but not in the document", self.undocumented),
        )
        for title, rows in sections:
            if rows:
                lines.append(f"{title} ({len(rows)}):")
                lines.extend(f"  {row}" for row in rows)
        return "\n".join(lines)


def coverage(service: str, cls: type[Emulator]) -> Coverage:
    """The coverage of ``cls`` (the emulator of ``service``)."""
    url_map = Map(
        [Submount(cls.base_path, [rule.empty() for rule in cls.routes])],
        strict_slashes=False,
        merge_slashes=False,
    )
    adapter = url_map.bind("localhost")
    surface = cls.surface() if issubclass(cls, KitEmulator) else {}
    if not surface or not issubclass(cls, KitEmulator):
        routes = sorted(
            f"GET {cls.base_path}{rule.rule}"
            for rule in cls.routes
            if "GET" in (rule.methods or ())
        )
        return Coverage(service, described=False, routes=routes)
    table = cls.operations
    served = {f"{op.method} {normalised(op.path)}": op for op in table.served}
    left_out = {f"{item.method} {normalised(item.path)}": item for item in table.left_out}
    report = Coverage(service, described=True, documented=len(surface))
    for key, documented in sorted(surface.items(), key=lambda item: item[1].path):
        operation = served.get(key)
        if operation is not None:
            if _routed(
                adapter,
                cls,
                operation.method,
                cls.base_path + sample_path(operation.path),
                operation.endpoint,
            ):
                report.served[documented.key] = "shaped" if operation.shaped else operation.handler
            else:
                report.unrouted.append(documented.key)
        elif key in left_out:
            report.left_out[documented.key] = left_out[key].reason
        else:
            report.missing.append(documented.key)
    report.undocumented = sorted(op.key for key, op in served.items() if key not in surface)
    return report


def _routed(adapter: Any, cls: type[Emulator], method: str, path: str, endpoint: str) -> bool:
    try:
        matched, _values = adapter.match(path, method=method)
    except HTTPException:
        return False
    if matched != endpoint:
        return False
    return matched.startswith(SHAPED_PREFIX) or callable(getattr(cls, matched, None))
