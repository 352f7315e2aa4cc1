"""rotate-key re-encrypts every store under a new key; a SIGKILL anywhere loses nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support.secret_project import SECRET, Project

VALUES = {"sandbox": SECRET, "prod": SECRET + "-prod"}
#: rotate_key under a replaced os.replace that SIGKILLs the process before or after its Nth call.
KILLED_ROTATION = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from brainhub.secrets.keys import load_keyring
    from brainhub.secrets.rotation import rotate_key

    root, kill_at, when = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    real_replace, calls = os.replace, []

    def replace(source, target):
        calls.append(target)
        if len(calls) == kill_at and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(source, target)
        if len(calls) == kill_at and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace
    rotate_key(root, load_keyring(root / "data"))
    """
)
#: The renames of a rotation of two stores: next key, store prod, store sandbox, key switch.
RENAMES = 4


def key_ids(project: Project) -> set[str]:
    return {json.loads(project.store(env).read_text())["key_id"] for env in VALUES}


def fill(project: Project) -> None:
    for environment, value in VALUES.items():
        result = project.brainhub(
            "secrets", "set", "TAP_CLICKUP_API_TOKEN", "-e", environment, input=value
        )
        assert result.exit_code == 0, result.output


def assert_all_readable(project: Project) -> None:
    for environment, value in VALUES.items():
        shown = project.brainhub(
            "secrets", "get", "TAP_CLICKUP_API_TOKEN", "--reveal", "-e", environment
        )
        assert shown.exit_code == 0, shown.output
        assert shown.stdout == value + "\n"


def test_rotation_re_encrypts_every_store_and_retires_the_old_key(project: Project) -> None:
    fill(project)
    old_key = project.key_file.read_text()
    (old_id,) = key_ids(project)
    result = project.brainhub("secrets", "rotate-key")
    assert result.exit_code == 0, result.output
    assert "prod, sandbox" in result.output
    assert project.key_file.read_text() != old_key
    (new_id,) = key_ids(project)
    assert new_id != old_id
    assert_all_readable(project)
    stale = project.brainhub("secrets", "list", BRAINHUB_MASTER_KEY=old_key.strip())
    assert stale.exit_code == 1
    assert f"written under master key {new_id}" in stale.output


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("kill_at", range(1, RENAMES + 1))
def test_a_rotation_killed_at_any_rename_loses_nothing_and_a_rerun_completes(
    project: Project, kill_at: int, when: str
) -> None:
    fill(project)
    (old_id,) = key_ids(project)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_ROTATION, str(project.root), str(kill_at), when],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr
    assert_all_readable(project)  # mid-rotation, every store still opens
    rerun = project.brainhub("secrets", "rotate-key")
    assert rerun.exit_code == 0, rerun.output
    assert_all_readable(project)
    (final_id,) = key_ids(project)  # every store under one key: the key file's
    assert final_id != old_id
    assert not project.key_file.with_name("master.key.new").exists()


def test_changing_a_secret_waits_for_an_interrupted_rotation(project: Project) -> None:
    fill(project)
    subprocess.run(
        [sys.executable, "-c", KILLED_ROTATION, str(project.root), "2", "before"],
        env=os.environ.copy(),
        check=False,
    )
    blocked = project.brainhub("secrets", "set", "X_TOKEN", input=SECRET)
    assert blocked.exit_code == 1
    assert "rotation was interrupted; finish it first" in blocked.output
    assert project.brainhub("secrets", "rotate-key").exit_code == 0
    assert project.brainhub("secrets", "set", "X_TOKEN", input=SECRET).exit_code == 0


def test_with_the_key_in_the_environment_the_next_key_comes_from_the_environment(
    project: Project,
) -> None:
    old = project.brainhub("secrets", "generate-key").stdout.strip()
    new = project.brainhub("secrets", "generate-key").stdout.strip()
    project.brainhub("secrets", "set", "X_TOKEN", input=SECRET, BRAINHUB_MASTER_KEY=old)
    asked = project.brainhub("secrets", "rotate-key", BRAINHUB_MASTER_KEY=old)
    assert asked.exit_code == 1
    assert "BRAINHUB_NEW_MASTER_KEY" in asked.output
    rotated = project.brainhub(
        "secrets", "rotate-key", BRAINHUB_MASTER_KEY=old, BRAINHUB_NEW_MASTER_KEY=new
    )
    assert rotated.exit_code == 0, rotated.output
    shown = project.brainhub("secrets", "get", "X_TOKEN", "--reveal", BRAINHUB_MASTER_KEY=new)
    assert shown.stdout == SECRET + "\n"
    assert not project.key_file.exists()


def test_rotation_leaves_no_plaintext_beside_the_stores(project: Project) -> None:
    fill(project)
    project.brainhub("secrets", "rotate-key")
    for path in Path(project.root, "data").rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
