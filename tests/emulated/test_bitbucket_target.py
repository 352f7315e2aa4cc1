"""target-bitbucket against the Bitbucket emulator: pull-request comments posted once, an
interrupted post found again by its text, a refused token in one line without showing it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from brainhub.sandbox import serve
from brainhub.sandbox.services.bitbucket import BitbucketEmulator
from tests.support.targets import run_target, run_target_process, schema, table_rows

COMMENTS_SCHEMA = schema(
    "pull_request_comments",
    {
        "key": {"type": "string"},
        "workspace": {"type": "string"},
        "repo_slug": {"type": "string"},
        "pull_request_id": {"type": "integer"},
        "text": {"type": "string"},
    },
)
PATH = "/2.0/repositories/sandbox-team-1/service-1/pullrequests/2/comments"


@dataclass
class Bitbucket:
    emulator: BitbucketEmulator
    config: dict[str, Any]
    warehouse: Path

    def remote_id(self, key: str) -> str:
        sql = "SELECT source_key, remote_id FROM writes_bitbucket._id_map"
        return str(dict(table_rows(self.warehouse, sql))[key])

    def comments(self) -> list[str]:
        repo = self.emulator.data.repository("sandbox-team-1", "service-1")
        assert repo is not None
        return [c["content"]["raw"] for c in repo.pr_comments.get(2, [])]


@pytest.fixture
def bitbucket(tmp_path: Path) -> Iterator[Bitbucket]:
    emulator = BitbucketEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit=100_000)
    with serve(emulator) as running:
        warehouse = tmp_path / "warehouse.duckdb"
        config = {**running.credentials, "base_url": running.base_url, "warehouse": str(warehouse)}
        yield Bitbucket(emulator, config, warehouse)


def comment(key: str, text: str) -> dict[str, Any]:
    record = {
        "key": key,
        "workspace": "sandbox-team-1",
        "repo_slug": "service-1",
        "pull_request_id": 2,
        "text": text,
    }
    return {"type": "RECORD", "stream": "pull_request_comments", "record": record}


def test_comments_are_posted_once_and_an_interrupted_one_is_found_by_its_text(
    bitbucket: Bitbucket, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from targets.runtime.idmap import IdMap

    before = bitbucket.comments()
    messages = [COMMENTS_SCHEMA, comment("c1", "Ship it")]

    first = run_target("bitbucket", bitbucket.config, messages, tmp_path, capsys)

    assert first.code == 0, first.stderr
    writes = [
        (e.method, e.path, e.body) for e in bitbucket.emulator.request_log if e.method != "GET"
    ]
    assert writes == [("POST", PATH, {"content": {"raw": "Ship it"}})]
    assert bitbucket.comments() == [*before, "Ship it"]
    comment_id = bitbucket.remote_id("c1")
    # the id is lost, as if the process had died before recording it
    id_map = IdMap(str(bitbucket.warehouse), "writes_bitbucket", lock_timeout=5)
    id_map.forget("pull_request_comments", "c1")
    id_map.intend("pull_request_comments", "c1", "pull_request_comments")
    id_map.release()
    bitbucket.emulator.clear_request_log()

    again = run_target("bitbucket", bitbucket.config, messages, tmp_path, capsys)

    assert again.code == 0, again.stderr
    assert [(e.method, e.path) for e in bitbucket.emulator.request_log] == [("GET", PATH)]
    assert bitbucket.remote_id("c1") == comment_id
    assert bitbucket.comments() == [*before, "Ship it"]


def test_a_refused_token_stops_the_run_in_one_line_without_showing_it(
    bitbucket: Bitbucket, tmp_path: Path
) -> None:
    wrong = "bbat_WRONGTOKENVALUE000000000000"
    config = {**bitbucket.config, "access_token": wrong}

    run = run_target_process("bitbucket", config, [COMMENTS_SCHEMA, comment("c", "x")], tmp_path)

    assert run.code == 1
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("target-bitbucket: bitbucket: Bitbucket rejected the access token"), last
    assert wrong not in run.stderr + run.stdout
