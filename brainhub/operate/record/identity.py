"""Which run a plugin process belongs to, worked out from what Meltano gives it.

Meltano starts every plugin of one ``meltano run`` (or ``meltano schedule run``) with the
same ``MELTANO_PARENT_CONTEXT_UUID`` (one per Meltano process, set for every plugin it
invokes), ``MELTANO_EXTRACTOR_NAME`` in the tap and, passed down the block, in the target
reading it, and ``MELTANO_LOADER_NAME`` in the target. The tap and the target of one
pipeline therefore agree on a run id without talking to each other: a name-based UUID of the
invocation and the extractor's name.

The rest comes from, in order: brainhub's variables (``BRAINHUB_RUN_ID`` for the invocation,
``BRAINHUB_INTEGRATION``, ``BRAINHUB_TRIGGER``: set by ``brainhub run``, the scheduler, the
webhook receiver, the Python API), the Meltano command line of the parent process (the job
or schedule named there, ``--environment``), ``MELTANO_JOB_TRIGGER``, and the project's
``meltano.yml``. A plugin run outside Meltano with none of these records no run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from brainhub.yaml_lines import load_yaml

#: Namespace of the run ids derived from an invocation and an extractor.
RUN_NAMESPACE = uuid.UUID("5f0c7a38-8d51-4b7e-9a3f-2a7c4b1d9e60")


@dataclass(frozen=True)
class RunIdentity:
    """The run a plugin records into."""

    run_id: str
    invocation: str
    integration: str
    trigger: str
    environment: str | None
    project_root: Path
    extractor: str | None
    loader: str | None


def run_id_for(invocation: str, extractor: str | None) -> str:
    """The id of the pipeline of ``extractor`` within one invocation of Meltano."""
    return str(uuid.uuid5(RUN_NAMESPACE, f"{invocation}/{extractor or ''}"))


def current_run(
    environ: Mapping[str, str] | None = None, parent_args: Sequence[str] | None = None
) -> RunIdentity | None:
    """The run this process belongs to, or None when it runs outside Meltano and brainhub."""
    env = os.environ if environ is None else environ
    invocation = env.get("BRAINHUB_RUN_ID") or env.get("MELTANO_PARENT_CONTEXT_UUID")
    if not invocation:
        return None
    root = Path(env.get("MELTANO_PROJECT_ROOT") or os.getcwd())
    project = _project(root)
    args = list(parent_args if parent_args is not None else _parent_args())
    command = _meltano_command(args)
    extractor = env.get("MELTANO_EXTRACTOR_NAME")
    job = _job_of(project, command, extractor)
    # A tap is not told its loader; it reads it from the command line or the job's tasks.
    loader = env.get("MELTANO_LOADER_NAME") or _loader_after(
        project, _job_words(project, job) if job else command, extractor
    )
    integration = env.get("BRAINHUB_INTEGRATION") or job or f"{extractor or '?'}→{loader or '?'}"
    return RunIdentity(
        run_id=run_id_for(invocation, extractor),
        invocation=invocation,
        integration=integration,
        trigger=_trigger(env, command),
        environment=env.get("MELTANO_ENVIRONMENT")
        or _option(args, "--environment", "-e")
        or project.get("default_environment"),
        project_root=root,
        extractor=extractor,
        loader=loader,
    )


def _trigger(env: Mapping[str, str], command: list[str]) -> str:
    named = env.get("BRAINHUB_TRIGGER")
    if named:
        return named
    if command[:2] == ["schedule", "run"]:
        return "schedule"
    meltano = (env.get("MELTANO_JOB_TRIGGER") or "").lower()
    for trigger in ("schedule", "webhook", "api"):
        if trigger in meltano:
            return trigger
    return "manual"


def _parent_args() -> list[str]:
    """The command line of the parent process (Meltano), where the system shows it."""
    try:
        raw = Path(f"/proc/{os.getppid()}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


def _meltano_command(args: list[str]) -> list[str]:
    """What follows Meltano's own options: ``["run", "job-a"]``, ``["schedule", "run", "x"]``."""
    for index, arg in enumerate(args):
        if arg in ("run", "schedule", "el", "elt"):
            return [a for a in args[index:] if not a.startswith("-")]
    return []


def _option(args: list[str], long: str, short: str) -> str | None:
    for index, arg in enumerate(args):
        if arg.startswith(long + "="):
            return arg.split("=", 1)[1]
        if arg in (long, short) and index + 1 < len(args):
            return args[index + 1]
    return None


def _project(root: Path) -> dict[str, Any]:
    try:
        data = load_yaml((root / "meltano.yml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _jobs(project: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(j.get("name")): j for j in project.get("jobs") or [] if isinstance(j, dict)}


def _job_words(project: dict[str, Any], name: str) -> list[str]:
    """The plugin names of a job's tasks, in order."""
    tasks = _jobs(project).get(name, {}).get("tasks") or []
    return " ".join(" ".join(t) if isinstance(t, list) else str(t) for t in tasks).split()


def _job_of(project: dict[str, Any], command: list[str], extractor: str | None) -> str | None:
    """The job named on the command line that runs ``extractor`` (or a schedule's job)."""
    names = command[1:]
    if command[:2] == ["schedule", "run"]:
        schedules = {
            str(s.get("name")): s for s in project.get("schedules") or [] if isinstance(s, dict)
        }
        names = [str(schedules[n].get("job")) for n in command[2:] if n in schedules]
    jobs = _jobs(project)
    for name in names:
        if name in jobs and (extractor is None or extractor in _job_words(project, name)):
            return name
    return None


def _loader_after(project: dict[str, Any], words: list[str], extractor: str | None) -> str | None:
    """The first loader after ``extractor`` among a pipeline's plugin names."""
    if extractor not in words:
        return None
    loaders = {
        str(p.get("name"))
        for p in (project.get("plugins") or {}).get("loaders") or []
        if isinstance(p, dict)
    }
    after = words[words.index(str(extractor)) + 1 :]
    return next((w for w in after if w in loaders or w.startswith("target-")), None)
