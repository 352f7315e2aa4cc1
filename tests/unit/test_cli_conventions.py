"""Conventions every `brainhub` command keeps, so one learned spelling works everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from brainhub.cli import main


def _leaves(group: click.Group, prefix: str = "brainhub") -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _leaves(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}", command


def test_every_environment_option_is_also_spelled_e() -> None:
    lacking = [
        name
        for name, command in _leaves(main)
        for option in command.params
        if isinstance(option, click.Option)
        and "--environment" in option.opts
        and "-e" not in option.opts
    ]
    assert not lacking, f"--environment without -e: {lacking}"


@pytest.mark.parametrize(
    "args", [["status"], ["check"], ["pause", "x"], ["run", "clickup-to-duckdb"], ["scheduler"]]
)
def test_outside_a_project_the_hint_names_an_option_the_command_has(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MELTANO_PROJECT_ROOT", raising=False)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "no meltano.yml in" in result.output
    assert "--project" in result.output, result.output
    assert "--path" not in result.output, result.output
    assert "Traceback" not in result.output


def test_tables_outside_a_project_points_at_its_path_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["tables"])
    assert result.exit_code == 1
    assert "no meltano.yml in" in result.output
    assert "--path" in result.output, result.output
    assert "--project" not in result.output, result.output


def test_ctrl_c_in_any_command_is_one_line_and_exit_130() -> None:
    @click.command("stalls")
    def stalls() -> None:
        raise KeyboardInterrupt

    main.add_command(stalls)
    try:
        result = CliRunner().invoke(main, ["stalls"])
    finally:
        main.commands.pop("stalls")
    assert result.exit_code == 130
    assert result.output.strip() == (
        "brainhub stalls: interrupted (Ctrl-C); nothing more was started"
    )
    assert "Aborted" not in result.output


@pytest.mark.parametrize("args", [["status"], ["check"], ["pause", "x"], ["tables"]])
def test_a_broken_meltano_yml_is_one_line_with_its_line(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "meltano.yml").write_text("default_environment: sandbox\nplugins: [\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MELTANO_PROJECT_ROOT", raising=False)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "meltano.yml:3: not valid YAML: " in lines[0], lines[0]
