"""Every record every tap extracts from its emulator validates against the stream's schema.

The emulators are written from the vendors' references, so this is the check that our
schemas describe what the APIs send (a mismatch would make targets reject or mistype data).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from taps.runtime.registry import services

BIN = Path(sys.executable).parent


@pytest.mark.parametrize("service", services())
def test_extracted_records_validate(service: str, tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "base_url": f"sandbox://{service}?size=tiny&seed=1",
                "start_date": "2000-01-01T00:00:00Z",
            }
        )
    )
    env = {**os.environ, "BRAINHUB_SANDBOX_DIR": str(tmp_path / "sandbox")}
    result = subprocess.run(
        [str(BIN / f"tap-{service}"), "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    validators: dict[str, Draft202012Validator] = {}
    problems: dict[str, set[str]] = defaultdict(set)
    records = 0
    for line in result.stdout.splitlines():
        message = json.loads(line)
        if message["type"] == "SCHEMA":
            validators[message["stream"]] = Draft202012Validator(message["schema"])
        elif message["type"] == "RECORD":
            records += 1
            for error in validators[message["stream"]].iter_errors(message["record"]):
                path = ".".join(str(p) for p in error.absolute_path)
                problems[message["stream"]].add(f"{path}: {error.message[:120]}")
    assert records > 0
    assert not problems, {stream: sorted(found)[:5] for stream, found in problems.items()}
