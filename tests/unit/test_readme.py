"""The README documents every `brainhub` command and every connector (a test, so it stays true)."""

from __future__ import annotations

from pathlib import Path

import click

from brainhub.cli import main
from taps.runtime.registry import services

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "brainhub") -> list[str]:
    names = []
    for name, command in group.commands.items():
        names.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            names.extend(_commands(command, f"{prefix} {name}"))
    return names


def test_every_command_is_documented() -> None:
    missing = [name for name in _commands(main) if f"`{name}" not in README]
    assert not missing, f"README does not document: {missing}"


def test_every_connector_is_listed() -> None:
    missing = [s for s in services() if f"`tap-{s}`" not in README]
    assert not missing


def test_quickstart_is_two_make_commands() -> None:
    assert "make demo" in README
    assert "make test" in README
