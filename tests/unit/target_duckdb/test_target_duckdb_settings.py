"""Settings a Singer user brings from other targets: ``filepath`` is ``path``; unknown
settings are reported, never silently ignored."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from targets.duckdb.target import TargetDuckDB

from .conftest import encode, record, schema

MESSAGES = [schema("tasks", {"id": {"type": "string"}}), record("tasks", {"id": "a"})]


def test_filepath_is_an_alias_of_path(run, config, db_path, query):
    settings = {k: v for k, v in config.items() if k != "path"}
    target = TargetDuckDB(config={**settings, "filepath": str(db_path)})
    assert target.config["path"] == str(db_path)
    run(MESSAGES, path=None, filepath=str(db_path))
    assert query("SELECT id FROM raw_test.tasks") == [("a",)]


def test_filepath_and_path_that_disagree_fail_in_one_line(config, tmp_path):
    config_file = tmp_path / "target.json"
    config_file.write_text(json.dumps({**config, "filepath": str(tmp_path / "other.duckdb")}))
    done = subprocess.run(
        [str(Path(sys.executable).with_name("target-duckdb")), "--config", str(config_file)],
        input=encode(MESSAGES),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    stderr = done.stderr.decode()
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("target-duckdb: settings 'path' ("), stderr
    assert not (tmp_path / "other.duckdb").exists()


def test_unknown_settings_are_warned_about_with_a_suggestion(config, caplog):
    with caplog.at_level(logging.WARNING):
        TargetDuckDB(config={**config, "hard_delet": True, "colour": "blue"})
    assert "Unknown setting 'hard_delet' is ignored (did you mean 'hard_delete'?)" in caplog.text
    assert "Unknown setting 'colour' is ignored (valid: " in caplog.text


@pytest.mark.parametrize("name", ["stream_maps", "flattening_enabled", "batch_config"])
def test_the_sdk_built_in_settings_are_known(config, caplog, name):
    with caplog.at_level(logging.WARNING):
        TargetDuckDB(config={**config, name: {} if name != "flattening_enabled" else False})
    assert "Unknown setting" not in caplog.text


def test_batches_are_staged_on_disk_by_default_not_in_shared_memory(config, tmp_path, monkeypatch):
    # A default batch stages up to batch_size_bytes (192 MiB): in /dev/shm that would be
    # memory, on top of what the memory_limit setting bounds.
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    settings = {k: v for k, v in config.items() if k != "staging_dir"}
    target = TargetDuckDB(config=settings)
    try:
        assert Path(target.staging_dir).parent == tmp_path
    finally:
        target.close()
