"""Every console script of the project answers a broken ``--config`` with one clear line and a
non-zero exit, never a traceback: a missing file, invalid JSON, a required setting left out
and a setting of the wrong type.

The scripts come from ``pyproject.toml``'s ``[project.scripts]``, so a new one is tested as
soon as it is declared. Each runs in this process, as its console script would (its name in
``sys.argv[0]``, its arguments after it): an exception escaping the entry point is what the
console script would print as a traceback. The settings of the last two cases come from the
script's own ``--about --format json``; the queue scripts, which have no ``--about``, name
theirs in :data:`QUEUE_SETTINGS`.
"""

from __future__ import annotations

import copy
import importlib
import json
import os
import signal
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
    "project"
]["scripts"]
#: Scripts without a ``--config`` option, and why.
NO_CONFIG = {
    "brainhub": "the command line reads meltano.yml and its own files; "
    "tests/unit/test_cli_conventions.py checks a broken meltano.yml",
    "transform-duckdb": "takes no --config: it reads meltano.yml and the mapping files, whose "
    "errors tests/unit/transforms check",
}
#: For the scripts without ``--about``: (a config lacking a required setting, that setting)
#: (None when every setting has a default) and (a config with a wrong type, that setting).
QUEUE_SETTINGS: dict[str, tuple[tuple[dict[str, Any], str] | None, tuple[dict[str, Any], str]]] = {
    "tap-redis": (({}, "keys"), ({"keys": "users"}, "keys")),
    "target-redis": (None, ({"port": "six"}, "port")),
    "tap-rabbitmq": (({}, "queues"), ({"queues": "orders"}, "queues")),
    "target-rabbitmq": (None, ({"port": "six"}, "port")),
    "tap-sqs": (({}, "queues"), ({"queues": "orders"}, "queues")),
    "target-sqs": (None, ({"queue": 5}, "queue")),
    "tap-kafka": (({}, "topics"), ({"topics": "orders"}, "topics")),
    "target-kafka": (({}, "bootstrap_servers"), ({"bootstrap_servers": 5}, "bootstrap_servers")),
}
#: Settings a script requires by its own check, beyond its schema's ``required`` (a list
#: that must not be empty, a sender address).
REQUIRED_BY_CHECK = {
    "tap-files": "tables",
    "tap-warehouse": "streams",
    "target-ses": "from_address",
    "mapper-duckdb": "mapping_files",
}
#: A value of the wrong type for a setting of each JSON type.
WRONG_VALUE = {"integer": "many", "number": "many", "boolean": "perhaps", "string": 12345}
KINDS = ("missing file", "invalid JSON", "required setting left out", "wrong type")


@pytest.fixture(autouse=True)
def _keep_signal_handlers() -> Iterator[None]:
    """Taps install their stop-signal handlers; give the test process its own back."""
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)


@contextmanager
def declared_schemas_kept() -> Iterator[None]:
    """``--about`` and a run add the SDK's built-in settings to a plugin class's own config
    schema in place; give every loaded plugin class its schema back afterwards, so later
    tests reading a class's schema see what it declares."""
    from singer_sdk.plugin_base import PluginBase

    classes, pending = [], list(PluginBase.__subclasses__())
    while pending:
        cls = pending.pop()
        classes.append(cls)
        pending.extend(cls.__subclasses__())
    kept = {
        cls: copy.deepcopy(cls.__dict__["config_jsonschema"])
        for cls in classes
        if "config_jsonschema" in cls.__dict__
    }
    try:
        yield
    finally:
        for cls, schema in kept.items():
            cls.config_jsonschema = schema  # type: ignore[attr-defined]


def entry_point(script: str) -> Callable[[], Any]:
    """What the console script calls (``module:attribute.attribute``)."""
    module, _, attribute = SCRIPTS[script].partition(":")
    found: Any = importlib.import_module(module)
    for name in attribute.split("."):
        found = getattr(found, name)
    return found  # type: ignore[no-any-return]


def run_script(
    script: str, args: list[str], capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """Run ``script ARGS`` as its console script would; (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", [script, *args])
    call = entry_point(script)
    capfd.readouterr()
    try:
        with declared_schemas_kept():
            call()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1 if exc.code else 0
    except BaseException as exc:  # the console script would print a traceback
        pytest.fail(f"{script} raised {type(exc).__name__}: {exc} (a traceback, not one line)")
    out, err = capfd.readouterr()
    return code, out, err


def settings_schema(
    script: str, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """The settings the script declares in ``--about --format json``."""
    code, out, _ = run_script(script, ["--about", "--format", "json"], capfd, monkeypatch)
    assert code == 0, f"{script} --about failed"
    return dict(json.loads(out)["settings"])


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    return [kind] if isinstance(kind, str) else list(kind or [])


def broken_settings(
    script: str, kind: str, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], str]:
    """A config with ``kind`` of problem, and the setting its error line must name."""
    if script in QUEUE_SETTINGS:
        required, wrong = QUEUE_SETTINGS[script]
        if kind == "wrong type":
            return wrong
        if required is None:
            pytest.skip(f"{script}: every setting has a default, none can be left out")
        return required
    schema = settings_schema(script, capfd, monkeypatch)
    required = list(schema.get("required") or [])
    properties: dict[str, Any] = schema.get("properties") or {}
    if kind == "required setting left out":
        if not required and script in REQUIRED_BY_CHECK:
            return {}, REQUIRED_BY_CHECK[script]
        if not required:
            pytest.skip(f"{script}: declares no required setting (every one has a default)")
        return {}, required[0]
    filled = dict.fromkeys(required, "x")
    for wanted in ("integer", "boolean", "number", "string"):
        for name, prop in properties.items():
            if name not in filled and _types(prop) and _types(prop)[0] == wanted:
                return {**filled, name: WRONG_VALUE[wanted]}, name
    raise AssertionError(f"{script}: no setting of a simple type to get wrong")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("script", sorted(set(SCRIPTS) - set(NO_CONFIG)))
def test_a_broken_config_is_one_line_and_a_non_zero_exit(
    script: str,
    kind: str,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in list(os.environ):
        if name.startswith(script.upper().replace("-", "_") + "_"):
            monkeypatch.delenv(name)  # a setting from the environment would fill the gap
    config = tmp_path / "config.json"
    if kind == "missing file":
        config = tmp_path / "absent.json"
        named = str(config)
    elif kind == "invalid JSON":
        config.write_text('{"port": 5432,\n', encoding="utf-8")
        named = str(config)
    else:
        settings, named = broken_settings(script, kind, capfd, monkeypatch)
        config.write_text(json.dumps(settings), encoding="utf-8")
    code, _, err = run_script(script, ["--config", str(config)], capfd, monkeypatch)
    assert code not in (0, None), f"{script} accepted a config with a {kind}: {err[-500:]}"
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert lines, f"{script} said nothing about the {kind}"
    last = lines[-1]
    assert last.startswith(f"{script}: "), f"not one line of {script}'s own: {err[-800:]}"
    assert named in last, f"the line does not name {named!r}: {last}"
