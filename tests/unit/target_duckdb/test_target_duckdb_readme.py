"""The README's "A tap on its own" and "Reading the warehouse while syncs run" sections work
as shown: their config files, commands and Python snippets are run against the sandbox."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

README = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def section(title: str) -> str:
    start = README.index(f"### {title}\n")
    end = README.find("\n### ", start + 1)
    return README[start : end if end >= 0 else None]


def blocks(text: str, language: str) -> list[str]:
    return [
        re.sub(r"^ {2}", "", block, flags=re.MULTILINE)
        for block in re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)
    ]


@pytest.mark.slow
def test_the_tap_on_its_own_section_runs_as_shown(tmp_path: Path) -> None:
    text = section("A tap on its own")
    config, target = (json.loads(block) for block in blocks(text, "json"))
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "target.json").write_text(json.dumps(target))
    assert "filepath" in text
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    (commands,) = blocks(text, "sh")
    for command in commands.splitlines():
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, (command, done.stderr[-2000:])
    state = json.loads((tmp_path / "state.json").read_text())
    assert "tasks" in state["bookmarks"]
    assert target["path"] == "data/sandbox.duckdb", "sandbox data never goes to the prod file"
    warehouse = tmp_path / target["path"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (tasks,) = con.execute("SELECT count(*) FROM raw_clickup.tasks").fetchone() or (0,)
    assert tasks > 0

    reading = section("Reading the warehouse while syncs run")
    for snippet in blocks(reading, "python"):
        # the snippets read the prod warehouse; here it is the sandbox file loaded above
        code = f"import duckdb\n{snippet.replace('data/warehouse.duckdb', target['path'])}"
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (snippet, done.stderr[-2000:])
    with duckdb.connect(str(tmp_path / "analysis.duckdb"), read_only=True) as con:
        copied = con.execute("SELECT count(*) FROM raw_clickup.tasks").fetchone()
    assert copied == (tasks,)
