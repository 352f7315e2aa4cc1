"""``brainhub secrets …`` and ``brainhub run``: the credential store on the command line."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from brainhub.audit import AuditLog, Change
from brainhub.environments import environments, load_project
from brainhub.errors import BrainhubError
from brainhub.redaction import control_characters, hidden
from brainhub.secrets.errors import SecretStoreError
from brainhub.secrets.keys import load_keyring, new_key
from brainhub.secrets.store import (
    Secret,
    SecretStore,
    check_secret_name,
    data_dir,
    now,
    store_path,
)


@contextlib.contextmanager
def _one_line_errors() -> Iterator[None]:
    """A configuration or audit-log problem ends the command with its one-line message, exit 1."""
    try:
        yield
    except BrainhubError as exc:
        raise click.ClickException(str(exc)) from None


def _where(command: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--project`` and ``--environment`` options every store command takes."""

    @click.option(
        "--project",
        "project_root",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        default=".",
        envvar="MELTANO_PROJECT_ROOT",
        show_default=True,
        help="The Meltano project directory.",
    )
    @click.option(
        "--environment",
        "-e",
        help="The Meltano environment whose store to use "
        "[$MELTANO_ENVIRONMENT, else meltano.yml's default_environment].",
    )
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _one_line_errors():
            kwargs["environment"] = resolve_environment(
                kwargs["project_root"], kwargs["environment"]
            )
            return command(*args, **kwargs)

    return wrapper


def resolve_environment(project_root: Path, name: str | None) -> str:
    """The environment to act in; the error lists the project's environments."""
    project = load_project(project_root)
    chosen = name or os.environ.get("MELTANO_ENVIRONMENT") or project.get("default_environment")
    known = [str(e.get("name")) for e in environments(project)]
    if chosen not in known:
        raise SecretStoreError(
            f"{project_root / 'meltano.yml'}: no environment {chosen!r}; valid environments "
            f"are {', '.join(known) or '(none)'}"
        )
    return str(chosen)


def _secret_change(environment: str, name: str, before: Secret | None, after: str | None) -> Change:
    """The audit entry of a secret changed: its name and fingerprints, never its value."""
    action = "secret.deleted" if after is None else "secret.rotated" if before else "secret.created"
    return Change(
        action,
        name,
        before=hidden(before.value) if before else None,
        after=hidden(after) if after is not None else None,
        detail={"environment": environment},
    )


def open_store(project_root: Path, environment: str, *, create_key: bool = False) -> SecretStore:
    """The store of ``environment``, opened with the user's master key."""
    keyring = load_keyring(data_dir(project_root), create=create_key)
    return SecretStore(project_root, environment, keyring)


@click.group()
def secrets() -> None:
    """The encrypted credential store: one per environment, injected by `brainhub run`.

    Secrets are named as Meltano's environment variables (TAP_CLICKUP_API_TOKEN) and
    encrypted with AES-256-GCM under the master key ($BRAINHUB_MASTER_KEY, else the key file
    $BRAINHUB_MASTER_KEY_FILE, default ~/.config/brainhub/master.key).
    """


def _read_value(name: str, value: str | None, option: str = "--value") -> str:
    if value is not None:
        click.echo(
            f"warning: {option} puts the secret in your shell history and the process list; "
            "prefer the prompt or stdin (… | brainhub secrets set NAME)",
            err=True,
        )
    elif sys.stdin.isatty():
        value = click.prompt(
            f"Value of {name}", hide_input=True, confirmation_prompt=True, err=True
        )
    else:
        value = sys.stdin.read()
        value = value.removesuffix("\n").removesuffix("\r")
    assert value is not None
    if not value:
        raise SecretStoreError(
            f"{name}: the value is empty; give the secret on stdin or at the prompt"
        )
    bad = control_characters(value)
    if bad:
        raise SecretStoreError(
            f"{name}: the value holds control characters ({', '.join(bad)}); a credential is "
            "one line of printable text (pipe it without extra lines)"
        )
    return value


@secrets.command("set")
@click.argument("name")
@click.option(
    "--value",
    help="The value itself. It lands in shell history and the process list: prefer stdin "
    "or the prompt.",
)
@_where
def set_secret(name: str, value: str | None, project_root: Path, environment: str) -> None:
    """Store the secret NAME, read from stdin or a prompt that does not echo."""
    check_secret_name(name)
    value = _read_value(name, value)
    store = open_store(project_root, environment, create_key=True)
    with store.editing() as stored:  # recorded first: no change without its audit entry
        AuditLog.of_project(project_root).record_all(
            [_secret_change(environment, name, stored.get(name), value)]
        )
        stored[name] = Secret(name, value, now())
    click.echo(f"stored {name} {hidden(value)} in the {environment} store")


@secrets.command("get")
@click.argument("name")
@click.option("--reveal", is_flag=True, help="Print the value itself, not its fingerprint.")
@_where
def get_secret(name: str, reveal: bool, project_root: Path, environment: str) -> None:
    """Print the fingerprint of NAME (as the request log shows it), or with --reveal its value."""
    secret = open_store(project_root, environment).get(check_secret_name(name))
    click.echo(secret.value if reveal else f"{name} {hidden(secret.value)}")


@secrets.command("list")
@_where
def list_secrets(project_root: Path, environment: str) -> None:
    """Every secret of the environment's store: name, fingerprint, when it was set."""
    stored = {}
    if store_path(project_root, environment).exists():  # no store needs no key
        stored = open_store(project_root, environment).read()
    if not stored:
        click.echo(f"no secrets in the {environment} store")
    for secret in sorted(stored.values(), key=lambda s: s.name):
        pending = ""
        if secret.previous is not None:
            pending = f"  (rotated; previous {hidden(secret.previous)} kept until a run succeeds)"
        click.echo(f"{secret.name}  {hidden(secret.value)}  set {secret.updated}{pending}")


@secrets.command("rotate")
@click.argument("name")
@click.option(
    "--new-value",
    help="The new value itself (shell history and the process list see it: prefer stdin "
    "or the prompt).",
)
@_where
def rotate_secret(name: str, new_value: str | None, project_root: Path, environment: str) -> None:
    """Replace NAME with a new value, keeping the old one until a run with the new one succeeds.

    The next `brainhub run` uses the new value; if it succeeds the old value is deleted
    (audited), if it fails the run is retried once with the old value, with a warning.
    """
    from brainhub.secrets.overlap import rotate

    check_secret_name(name)
    value = _read_value(name, new_value, "--new-value")
    rotated = rotate(open_store(project_root, environment), project_root, name, value)
    assert rotated.previous is not None
    click.echo(
        f"rotated {name} to {hidden(value)} in the {environment} store; the previous "
        f"{hidden(rotated.previous)} is kept until a run with the new one succeeds"
    )


@secrets.command("delete")
@click.argument("name")
@_where
def delete_secret(name: str, project_root: Path, environment: str) -> None:
    """Remove the secret NAME from the environment's store."""
    check_secret_name(name)
    store = open_store(project_root, environment)
    with store.editing() as stored:
        if name not in stored:
            raise SecretStoreError(
                f"no secret {name!r} in the {environment} store; it holds: "
                f"{', '.join(sorted(stored)) or 'none'}"
            )
        AuditLog.of_project(project_root).record_all(
            [_secret_change(environment, name, stored[name], None)]
        )
        del stored[name]
    click.echo(f"deleted {name} from the {environment} store")


@secrets.command("import-env")
@click.argument(
    "env_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=".env"
)
@click.option("--remove", is_flag=True, help="Then take the imported lines out of the file.")
@_where
def import_env(env_file: Path, remove: bool, project_root: Path, environment: str) -> None:
    """Store every secret setting a .env file holds (settings marked sensitive or secret)."""
    from brainhub.secrets.envfile import read_env_file, remove_assignments
    from brainhub.secrets.names import secret_variables

    known = secret_variables(project_root)
    found = {a.name: a for a in read_env_file(env_file) if a.name in known and a.value}
    if not found:
        click.echo(f"{env_file}: no secret settings to import (none of {len(known)} known names)")
        return
    store = open_store(project_root, environment, create_key=True)
    with store.editing() as stored:
        AuditLog.of_project(project_root).record_all(
            _secret_change(environment, name, stored.get(name), assignment.value)
            for name, assignment in sorted(found.items())
        )
        for name, assignment in found.items():
            stored[name] = Secret(name, assignment.value, now())
    for name, assignment in sorted(found.items()):
        click.echo(f"stored {name} ({known[name]}) {hidden(assignment.value)}")
    if remove:
        note = f"in brainhub's {environment} secret store (brainhub secrets list -e {environment})"
        removed = remove_assignments(env_file, set(found), note)
        click.echo(f"{env_file}: took out {removed} line(s)")


@secrets.command("rotate-key")
@click.option(
    "--project",
    "project_root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    envvar="MELTANO_PROJECT_ROOT",
    show_default=True,
    help="The Meltano project directory.",
)
def rotate_key_command(project_root: Path) -> None:
    """Re-encrypt every environment's store under a new master key, then switch to it.

    Safe to interrupt: a rerun completes an interrupted rotation with the same new key.
    """
    from brainhub.secrets.rotation import rotate_key

    with _one_line_errors():
        keyring = load_keyring(data_dir(project_root))
        rotation = rotate_key(project_root, keyring)
        AuditLog.of_project(project_root).record(
            "secrets.key_rotated",
            "master key",
            before=rotation.old_key_id,
            after=rotation.new_key_id,
            detail={"stores": sorted(rotation.rewritten + rotation.already_done)},
        )
    stores = ", ".join(rotation.rewritten + rotation.already_done) or "no stores"
    click.echo(f"master key {rotation.old_key_id} → {rotation.new_key_id}: {stores}")
    if rotation.key_file is None:
        click.echo(
            "now put the new key in $BRAINHUB_MASTER_KEY and unset $BRAINHUB_NEW_MASTER_KEY",
            err=True,
        )


@secrets.command("generate-key")
def generate_key() -> None:
    """Print a new random master key (for $BRAINHUB_MASTER_KEY in a secret manager)."""
    click.echo(new_key().encoded())


#: Exit codes of a run stopped by SIGINT or SIGTERM (128 + the signal).
_STOPPED = (128 + signal.SIGINT, 128 + signal.SIGTERM)


@click.command(
    "run",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("meltano_args", nargs=-1, type=click.UNPROCESSED, required=True)
@_where
def run(meltano_args: tuple[str, ...], project_root: Path, environment: str) -> None:
    """`meltano run MELTANO_ARGS…` with the environment's secrets in its environment.

    Options of brainhub run come first: brainhub run -e prod tap-clickup target-duckdb.
    The run is recorded (trigger manual) with its id; a terminal shows a progress bar per
    stream, anything else gets plain lines; a summary table per pipeline ends the run.
    """
    from brainhub.audit.config_files import record_config_changes
    from brainhub.operate.launch import launch

    for entry in record_config_changes(project_root):
        if entry.action != "config.tracked":
            click.echo(f"audit: {entry.subject}: {entry.action} since the last run", err=True)
    from brainhub.secrets.overlap import pending, settle, values_for_run

    stored: dict[str, Secret] = {}
    if store_path(project_root, environment).exists():
        store = open_store(project_root, environment)
        stored = store.read()
    rotated = pending(stored)
    code = launch(project_root.resolve(), environment, meltano_args, values_for_run(stored))
    if not rotated or code in _STOPPED:
        sys.exit(code)  # a run stopped by Ctrl-C or SIGTERM proves nothing about the new value
    if code == 0:
        with _one_line_errors():
            settle(store, project_root, rotated, new_value_worked=True)
        click.echo(
            f"secrets: the new value of {', '.join(rotated)} worked; the previous one is deleted",
            err=True,
        )
        sys.exit(code)
    click.echo(
        f"warning: the run failed with the new value of {', '.join(rotated)}; retrying once "
        "with the previous value",
        err=True,
    )
    code = launch(
        project_root.resolve(), environment, meltano_args, values_for_run(stored, previous=True)
    )
    if code == 0:
        with _one_line_errors():
            settle(store, project_root, rotated, new_value_worked=False)
        click.echo(
            f"warning: the previous value of {', '.join(rotated)} worked and the new one did "
            "not; both are kept — check the new value (brainhub secrets rotate NAME)",
            err=True,
        )
    sys.exit(code)
