"""A stream whose keys and column types change (here: the tap's stream maps re-key ClickUp
tasks and turn their ``tags`` list into text) is refused by target-duckdb with one clear line,
and a full-refresh run with ``load_method: overwrite`` rebuilds the table, through Meltano."""

from __future__ import annotations

import pytest

from tests.pipeline.conftest import MeltanoProject

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]

TINY = "sandbox://clickup?size=tiny&seed=1"
#: Stream maps that change the key of ``tasks`` and the type family of its ``tags`` column.
REKEYED = '{"tasks": {"__key_properties__": ["custom_id_text"], "custom_id_text": "str(id)", "tags": "str(tags)"}}'


def test_changed_keys_are_refused_then_rebuilt_with_overwrite(
    meltano_project: MeltanoProject,
) -> None:
    meltano_project.run("run", "tap-clickup", "target-duckdb", TAP_CLICKUP_BASE_URL=TINY)
    raw_tasks = meltano_project.query("SELECT count(*) FROM raw_clickup.tasks")

    mapped = meltano_project.run(
        "run", "--full-refresh", "tap-clickup", "target-duckdb",
        check=False, TAP_CLICKUP_BASE_URL=TINY, TAP_CLICKUP_STREAM_MAPS=REKEYED,
    )  # fmt: skip
    assert mapped.returncode != 0
    refusal = [line for line in mapped.stderr.splitlines() if "target-duckdb: stream " in line]
    assert refusal, mapped.stderr[-4000:]
    assert "holds rows loaded with key properties ['id']" in refusal[0]
    assert "TARGET_DUCKDB_LOAD_METHOD=overwrite meltano run --full-refresh" in refusal[0]
    assert "Traceback" not in "\n".join(
        line for line in mapped.stderr.splitlines() if "cmd_type=loader" in line
    )
    assert meltano_project.query("SELECT count(*) FROM raw_clickup.tasks") == raw_tasks
    assert meltano_project.query(
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw_clickup' AND table_name = 'tasks' AND column_name = 'tags'"
    ) != [("JSON",)]

    meltano_project.run(
        "run", "--full-refresh", "tap-clickup", "target-duckdb",
        TAP_CLICKUP_BASE_URL=TINY, TAP_CLICKUP_STREAM_MAPS=REKEYED,
        TARGET_DUCKDB_LOAD_METHOD="overwrite",
    )  # fmt: skip
    rebuilt = meltano_project.query(
        "SELECT count(*), count(DISTINCT custom_id_text) FROM raw_clickup.tasks"
    )
    ((tasks,),) = raw_tasks
    assert rebuilt == [(tasks, tasks)]  # every task again, keyed by its new key
    assert meltano_project.query(
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw_clickup' AND table_name = 'tasks' AND column_name = 'tags'"
    ) == [("VARCHAR",)]
