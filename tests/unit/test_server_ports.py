"""Every long-running server the project starts has a default port of its own, and no example
in the docs starts one server on another's default, so any two can run at once as shown.

The servers: every ``brainhub`` command with a ``--port`` option (``ui``, ``webhooks serve``,
``sandbox serve``, ``services up``…, found from the command tree, so a new one is checked
too), the private database and queue servers of ``brainhub services`` and moto's server of
``make demo-s3``. A default of 0 (a free port, chosen at start) collides with nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click

from brainhub.cli import main
from brainhub.services.table import SERVICES

ROOT = Path(__file__).resolve().parents[2]
#: Where commands are shown: the README, the docs and the connectors' generated READMEs.
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DOCS += sorted((ROOT / "taps").glob("*/README.md"))
DOCS += sorted((ROOT / "targets").glob("*/README.md"))


def _port_commands(
    group: click.Group, prefix: str = "brainhub"
) -> Iterator[tuple[str, click.Option]]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _port_commands(command, f"{prefix} {name}")
            continue
        for param in command.params:
            if isinstance(param, click.Option) and "--port" in param.opts:
                yield f"{prefix} {name}", param


def default_ports() -> dict[str, int]:
    """Server → its default port (0: a free one)."""
    found = {
        name: option.default if isinstance(option.default, int) else 0  # none: per service
        for name, option in _port_commands(main)
    }
    for name, kind in SERVICES.items():
        found[f"brainhub services up {name}"] = kind.default_port
    moto = re.search(r"^PORT = (\d+)$", (ROOT / "scripts" / "demo_s3.py").read_text(), re.M)
    assert moto is not None, "scripts/demo_s3.py names moto's port as PORT = N"
    found["make demo-s3 (moto)"] = int(moto.group(1))
    return found


def test_the_server_commands_are_found() -> None:
    names = set(default_ports())
    assert {"brainhub ui", "brainhub webhooks serve", "brainhub sandbox serve"} <= names
    assert "brainhub services up postgres" in names


def test_every_server_has_a_default_port_of_its_own() -> None:
    by_port: dict[int, list[str]] = {}
    for name, port in default_ports().items():
        if port:
            by_port.setdefault(port, []).append(name)
    shared = {port: names for port, names in by_port.items() if len(names) > 1}
    assert not shared, f"servers sharing a default port: {shared}"


def _server_command(words: str, commands: set[str]) -> str | None:
    """The server command ``brainhub WORDS`` runs (the longest one it starts with)."""
    found = [c for c in commands if f"brainhub {words} ".startswith(c + " ")]
    return max(found, key=len) if found else None


def _shown_ports(commands: set[str]) -> Iterator[tuple[str, str, int]]:
    """(where, server command, port) for every ``brainhub … --port N`` a doc shows."""
    pattern = re.compile(r"brainhub ([a-z0-9 _-]*?)--port[ =](\d+)")
    for path in DOCS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in pattern.finditer(line):
                command = _server_command(match.group(1).strip(), commands)
                if command is not None:
                    where = f"{path.relative_to(ROOT)}:{number}"
                    yield where, command, int(match.group(2))


def test_no_example_starts_a_server_on_another_servers_default_port() -> None:
    defaults = default_ports()
    commands = {name for name, _ in _port_commands(main)}
    shown = list(_shown_ports(commands))
    assert {"brainhub webhooks serve", "brainhub ui"} <= {command for _, command, _ in shown}
    clashes = [
        f"{where}: {command} --port {port} is the default port of {owner}"
        for where, command, port in shown
        for owner, default in defaults.items()
        if port and default == port and not owner.startswith(command)
    ]
    assert not clashes, "\n".join(clashes)
