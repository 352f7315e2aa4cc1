"""The floors of the design hold: every import points down (or stays in its own room).

Floor 0 is the core, which imports nothing of ours above it; floor 1 the engines, which import
the core only and never each other; floor 2 the operating rooms; floor 3 the surfaces. Each of
our modules is placed by the longest prefix in :data:`FLOORS` (the bare packages of
:data:`PACKAGES` place only themselves); a module of ours that no prefix places fails the test,
so a new package has to be given its floor.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("brainhub", "taps", "targets", "transforms")

#: Module prefix → (floor, room). Rooms on floor 1 (engines) may not import each other.
FLOORS: dict[str, tuple[int, str]] = {
    # floor 0: core
    # the package itself (brainhub/__init__.py), not what is in it: a surface, because its
    # top level offers the Python API (brainhub.hub), loaded on first use
    "brainhub": (3, "surfaces"),
    "brainhub.errors": (0, "core"),
    "brainhub.spec": (0, "core"),
    "brainhub.http": (0, "core"),
    "brainhub.connect": (0, "core"),
    "brainhub.redaction": (0, "core"),
    "brainhub.signals": (0, "core"),
    "brainhub.singer_messages": (0, "core"),
    "brainhub.plugin_cli": (0, "core"),
    "brainhub.sql": (0, "core"),
    "brainhub.yaml_lines": (0, "core"),
    "brainhub.warehouse_lock": (0, "core"),
    "brainhub.environments": (0, "core"),
    "brainhub.private_files": (0, "core"),
    "brainhub.objectstore": (0, "core"),
    "brainhub.operate.record": (0, "core"),  # what the plugins of a run record
    "brainhub.webhooks.schemes": (0, "core"),  # pure signing rules shared with the sandbox
    "taps": (0, "core"),  # the bare packages only (empty __init__ files)
    "targets": (0, "core"),
    "transforms": (0, "core"),
    # floor 1: engines
    "taps.runtime": (1, "taps.runtime"),
    "taps.warehouse": (1, "taps.warehouse"),
    "taps.files": (1, "taps.files"),
    "taps.postgres_bulk": (1, "taps.postgres_bulk"),
    "targets.files": (1, "targets.files"),
    "targets.ses": (1, "targets.ses"),
    "taps.queues": (1, "queues"),
    "targets.queues": (1, "queues"),
    "targets.runtime": (1, "targets.runtime"),
    "targets.duckdb": (1, "targets.duckdb"),
    "targets.mysql": (1, "targets.mysql"),
    "transforms.engine": (1, "transforms.engine"),
    "brainhub.sandbox": (1, "brainhub.sandbox"),
    # floor 2: operating rooms
    "brainhub.runs": (2, "brainhub.runs"),
    "brainhub.catalog": (2, "brainhub.catalog"),
    "brainhub.secrets": (2, "brainhub.secrets"),
    "brainhub.audit": (2, "brainhub.audit"),
    "brainhub.health": (2, "brainhub.health"),
    "brainhub.access": (2, "brainhub.access"),
    "brainhub.operate": (2, "brainhub.operate"),
    "brainhub.webhooks": (2, "brainhub.webhooks"),
    "brainhub.sync": (2, "brainhub.sync"),
    "brainhub.services": (2, "brainhub.services"),
    # floor 3: surfaces
    "brainhub.cli": (3, "surfaces"),
    "brainhub.docs": (3, "surfaces"),
    "brainhub.api": (3, "surfaces"),
    "brainhub.hub": (3, "surfaces"),
    "brainhub.ui": (3, "surfaces"),
}

FLOOR_NAMES = {0: "core", 1: "engines", 2: "operating rooms", 3: "surfaces"}

#: (importing module prefix, imported module prefix) → why the arrow is allowed for now.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _place(module: str) -> tuple[str, int, str] | None:
    """The longest FLOORS prefix of ``module`` with its floor and room, or None."""
    best = None
    for prefix, (floor, room) in FLOORS.items():
        inside = module.startswith(prefix + ".") and prefix not in PACKAGES
        if (module == prefix or inside) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, floor, room)
    return best


def _our_modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    """``(line, imported module)`` for every import of ours, at any depth (lazy ones too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from brainhub.sandbox import server`` imports brainhub.sandbox.server.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] in PACKAGES]


def _violation(module: str, imported: str) -> str | None:
    """Which rule ``module`` importing ``imported`` breaks, or None."""
    source, target = _place(module), _place(imported)
    if source is None or target is None:
        return None  # reported by test_every_module_has_a_floor
    _, floor, room = source
    _, target_floor, target_room = target
    if target_floor > floor:
        return (
            f"floor {floor} ({FLOOR_NAMES[floor]}) may not import floor {target_floor} "
            f"({FLOOR_NAMES[target_floor]}): arrows point inward"
        )
    if floor == target_floor == 1 and room != target_room:
        return f"engines never import each other ({room} → {target_room})"
    return None


def _excepted(module: str, imported: str) -> bool:
    return any(
        (module == a or module.startswith(a + "."))
        and (imported == b or imported.startswith(b + "."))
        for a, b in KNOWN_EXCEPTIONS
    )


def test_a_package_without_a_floor_is_not_placed_by_its_parent() -> None:
    assert _place("brainhub.newroom") is None
    assert _place("taps.newengine.tap") is None
    assert _place("brainhub.http.adapter") == ("brainhub.http", 0, "core")


def test_every_module_has_a_floor() -> None:
    unplaced = [_module_name(p) for p in _our_modules() if _place(_module_name(p)) is None]
    assert not unplaced, f"modules with no floor in FLOORS: {', '.join(unplaced)}"


def test_imports_point_inward() -> None:
    problems = []
    for path in _our_modules():
        module = _module_name(path)
        for line, imported in _imports(path, module):
            rule = _violation(module, imported)
            if rule and not _excepted(module, imported):
                where = path.relative_to(ROOT)
                problems.append(f"{where}:{line}: {module} imports {imported}: {rule}")
    assert not problems, "upward or sideways imports:\n" + "\n".join(problems)


def test_known_exceptions_are_still_needed() -> None:
    """An exception that no import uses any more is removed from the table."""
    used = set()
    for path in _our_modules():
        module = _module_name(path)
        for _, imported in _imports(path, module):
            for a, b in KNOWN_EXCEPTIONS:
                if (module == a or module.startswith(a + ".")) and (
                    imported == b or imported.startswith(b + ".")
                ):
                    used.add((a, b))
    assert set(KNOWN_EXCEPTIONS) <= used, f"unused: {set(KNOWN_EXCEPTIONS) - used}"


@pytest.mark.parametrize(
    ("module", "imported", "rule"),
    [
        ("brainhub.spec.loader", "taps.runtime.registry", "floor 0 (core) may not import floor 1"),
        ("brainhub.http.adapter", "brainhub.cli", "floor 0 (core) may not import floor 3"),
        ("brainhub.sandbox.server", "taps.runtime.tap", "engines never import each other"),
        ("taps.runtime.tap", "targets.duckdb.sink", "engines never import each other"),
        ("taps.runtime.tap", "brainhub.runs", "floor 1 (engines) may not import floor 2"),
        ("brainhub.runs", "brainhub.docs", "floor 2 (operating rooms) may not import floor 3"),
    ],
)
def test_rules_catch_upward_and_sideways_arrows(module: str, imported: str, rule: str) -> None:
    assert rule in (_violation(module, imported) or "")


@pytest.mark.parametrize(
    ("module", "imported"),
    [
        ("taps.runtime.tap", "brainhub.http"),
        ("taps.runtime.tap", "taps.runtime.stream"),
        ("brainhub.cli", "taps.runtime.registry"),
        ("brainhub.docs", "transforms.engine.docs"),
        ("brainhub.sandbox.server", "brainhub.errors"),
    ],
)
def test_rules_allow_downward_arrows(module: str, imported: str) -> None:
    assert _violation(module, imported) is None
