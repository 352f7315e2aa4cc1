"""Every command the README and docs/ show in a shell block still exists as shown.

Each ``brainhub …`` line is parsed by the command line itself (groups, subcommands,
options, their values and required arguments) without running anything; so is each line of
a connector's executable (``tap-clickup --config … --discover``), ``target-duckdb``,
``mapper-duckdb`` and ``transform-duckdb``. A ``meltano run``, ``meltano config``,
``meltano install`` or ``meltano schedule run`` must name jobs, plugins, mappings, plugin
commands and schedules that ``meltano.yml`` declares. A file named on a line need not
exist here (``.env``, ``costs.yaml``): the shape of the command is what is checked, and a
JSON file a Singer executable reads as it parses (``config.json``) is given as ``{}``.
Synopsis lines (``serve <service> [--port N] [--size tiny|demo|large]``) are read with each
placeholder as a value and each bracketed option given.
"""

from __future__ import annotations

import importlib
import re
import shlex
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from brainhub.cli import main
from brainhub.environments import load_project
from taps.runtime.registry import load_connector, services
from taps.runtime.tap import tap_class
from targets.runtime.cli import load_writer_spec, writer_services
from targets.runtime.target import target_class

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_BLOCKS = ("sh", "bash", "console", "shell")
#: An example value for each placeholder a synopsis line writes as ``<name>``.
PLACEHOLDERS = {"service": "clickup"}
SCRIPTS: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
    "project"
]["scripts"]


def _synopsis_to_example(line: str) -> str:
    """``<service>`` → ``service``; ``[--size tiny|demo|large]`` → ``--size tiny``; a
    number written ``N`` → ``1``."""
    line = re.sub(r"<([A-Za-z_][\w-]*)>", lambda m: PLACEHOLDERS.get(m.group(1), m.group(1)), line)
    line = re.sub(r"(?<=\s)N(?=[\s\]]|$)", "1", line)

    def optional(match: re.Match[str]) -> str:
        return re.sub(r"(\S+?)(?:\\?\|\S+)+", r"\1", match.group(1))

    return re.sub(r"\[(--[^\]]*)\]", optional, line)


def shown_commands() -> Iterator[tuple[str, list[str]]]:
    """(``file:line``, the words of one command) for every command of every shell block."""
    for path in DOCS:
        lines = path.read_text(encoding="utf-8").splitlines()
        inside = False
        pending = ""
        for number, line in enumerate(lines, 1):
            if line.lstrip().startswith("```"):
                inside = not inside and line.strip()[3:] in SHELL_BLOCKS
                continue
            if not inside:
                continue
            if line.rstrip().endswith("\\"):  # continued on the next line
                pending += line.rstrip()[:-1] + " "
                continue
            code = _synopsis_to_example(pending + line)
            pending = ""
            code = re.split(r"\s#", " " + code, maxsplit=1)[0]
            for part in re.split(r"&&|\|\||[|;&]", code):
                try:
                    words = shlex.split(part)
                except ValueError:
                    continue
                while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
                    words.pop(0)  # VARIABLE=value before the command
                redirect = [i for i, w in enumerate(words) if re.match(r"^\d?[<>]", w)]
                if redirect:
                    words = words[: redirect[0]]
                if words:
                    words[0] = words[0].removeprefix(".venv/bin/")
                    yield f"{path.relative_to(ROOT)}:{number}", words


def parse(command: click.Command, name: str, args: list[str]) -> None:
    """Parse ``args`` as ``name`` would, down the subcommands, running nothing."""
    parent = None
    while True:
        try:
            context = command.make_context(name, list(args), parent=parent)
        except click.exceptions.Exit as done:  # --about, --help: parsed, answered, done
            if done.exit_code != 0:
                raise click.UsageError(f"{name} exited {done.exit_code} while parsing") from None
            return
        except click.BadParameter as exc:
            if isinstance(getattr(exc.param, "type", None), click.Path | click.File):
                return  # a file that exists where the command really runs
            raise
        if not isinstance(command, click.Group):
            return
        rest = [*context._protected_args, *context.args]
        if not rest:
            return
        name, found, args = command.resolve_command(context, rest)
        assert found is not None
        assert name is not None
        command, parent = found, context


def script_command(script: str) -> click.Command | None:
    """The click command of one of our executables, or None when it has none."""
    if script.startswith("tap-") and script.removeprefix("tap-").replace("-", "_") in services():
        return tap_class(load_connector(script.removeprefix("tap-").replace("-", "_"))).cli
    service = script.removeprefix("target-").replace("-", "_")
    if script.startswith("target-") and service in writer_services():
        return target_class(load_writer_spec(service)).cli
    module, _, attribute = SCRIPTS[script].partition(":")
    found: Any = importlib.import_module(module)
    for part in attribute.split("."):
        found = getattr(found, part)
    return found if isinstance(found, click.Command) else None


def meltano_names() -> dict[str, set[str]]:
    """What meltano.yml declares: ``runnable`` (jobs, plugins, mappings, plugin:command),
    ``plugins`` and ``schedules``."""
    project = load_project(ROOT)
    plugins: set[str] = set()
    runnable: set[str] = {str(job.get("name")) for job in project.get("jobs") or []}
    for entries in (project.get("plugins") or {}).values():
        for plugin in entries or []:
            name = str(plugin.get("name"))
            plugins.add(name)
            runnable.add(name)
            runnable.update(f"{name}:{command}" for command in plugin.get("commands") or {})
            runnable.update(str(m.get("name")) for m in plugin.get("mappings") or [])
    schedules = {str(s.get("name")) for s in project.get("schedules") or []}
    return {"runnable": runnable, "plugins": plugins, "schedules": schedules}


def meltano_problem(words: list[str], names: dict[str, set[str]]) -> str | None:
    """What a ``meltano …`` line names that meltano.yml does not declare, or None."""
    args = [w for w in words[1:] if not w.startswith("--environment")]
    verb, rest = (args[0], args[1:]) if args else ("", [])
    if verb == "run":
        unknown = [w for w in rest if not w.startswith("-") and w not in names["runnable"]]
        unknown = [w for w in unknown if rest[rest.index(w) - 1] != "--state-id-suffix"]
    elif verb == "config" and rest:
        unknown = [rest[0]] if rest[0] not in names["plugins"] else []
    elif verb == "install" and len(rest) == 2:
        unknown = [rest[1]] if rest[1] not in names["plugins"] else []
    elif verb == "schedule" and rest[:1] == ["run"]:
        unknown = [w for w in rest[1:2] if w not in names["schedules"]]
    else:
        return None
    return f"not declared in meltano.yml: {', '.join(unknown)}" if unknown else None


def _cases() -> list[Any]:
    return [
        pytest.param(words, id=f"{where} {' '.join(words)[:60]}")
        for where, words in shown_commands()
        if words[0] == "brainhub" or words[0] == "meltano" or words[0] in SCRIPTS
    ]


@pytest.fixture(scope="module")
def declared() -> dict[str, set[str]]:
    return meltano_names()


# The Singer SDK's --catalog option opens the file without closing it.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("words", _cases())
def test_a_documented_command_exists_as_shown(
    words: list[str],
    declared: dict[str, set[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if words[0] == "meltano":
        problem = meltano_problem(words, declared)
        assert problem is None, f"{' '.join(words)}: {problem}"
        return
    command = main if words[0] == "brainhub" else script_command(words[0])
    if command is None:
        pytest.skip(f"{words[0]} has no click command line to parse (its own argument loop)")
    monkeypatch.chdir(tmp_path)
    for word in words:
        if word.endswith(".json") and "/" not in word:
            (tmp_path / word).write_text("{}", encoding="utf-8")
    try:
        parse(command, words[0], words[1:])
    except click.ClickException as exc:
        pytest.fail(f"{' '.join(words)}: {exc.format_message()}")


def test_the_docs_show_commands_of_every_kind() -> None:
    kinds = {words[0] for _, words in shown_commands()}
    assert {"brainhub", "meltano", "tap-clickup", "target-duckdb", "transform-duckdb"} <= kinds


def test_a_command_that_drifted_is_caught() -> None:
    with pytest.raises(click.NoSuchOption):
        parse(main, "brainhub", ["runs", "--integraton", "x"])
    with pytest.raises(click.UsageError):
        parse(main, "brainhub", ["sandbox", "serv", "github"])
    assert meltano_problem(["meltano", "run", "clickup-to-duckdbb"], meltano_names())
