"""The README documents every `brainhub` command and every connector (a test, so it stays true)."""

from __future__ import annotations

import itertools
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


def _section(heading: str) -> str:
    start = README.index(heading)
    end = README.find("\n#", start + len(heading))
    return README[start : end if end != -1 else None]


def test_the_command_table_lists_every_command_in_one_place() -> None:
    table = _section("### The `brainhub` command")
    missing = [f"brainhub {name}" for name in main.commands if f"`brainhub {name}" not in table]
    assert not missing, f"the table under 'The brainhub command' lacks: {missing}"


def test_the_table_of_contents_links_every_section() -> None:
    headings = [line[3:] for line in README.splitlines() if line.startswith("## ")]
    contents = _section("## Contents")
    missing = [h for h in headings if h != "Contents" and f"[{h}](#" not in contents]
    assert not missing, f"the table of contents lacks: {missing}"


def test_headings_stand_apart() -> None:
    lines = README.splitlines()
    crowded = [
        line
        for before, line in itertools.pairwise(lines)
        if line.startswith(("## ", "### ")) and before.strip()
    ]
    assert not crowded, f"headings without a blank line before them: {crowded}"
