"""target-confluence against the Confluence emulator: pages created in a space and updated
with the next version number, a stale version rejected with Confluence's 409, footer
comments created once, a title already taken in the space rejected."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from brainhub.sandbox import serve
from brainhub.sandbox.services.confluence import ConfluenceEmulator
from tests.support.targets import run_target, schema, table_rows

API = "/wiki/api/v2"
PAGES = schema(
    "pages",
    {
        "key": {"type": "string"},
        "space_id": {"type": "string"},
        "title": {"type": "string"},
        "body": {"type": "string"},
        "parent_id": {"type": ["string", "null"]},
        "version": {"type": ["integer", "null"]},
    },
)
COMMENTS = schema(
    "footer_comments",
    {"key": {"type": "string"}, "page_id": {"type": "string"}, "body": {"type": "string"}},
)


@dataclass
class Site:
    emulator: ConfluenceEmulator
    config: dict[str, Any]
    warehouse: Path

    def writes(self) -> list[tuple[str, str, Any]]:
        return [(e.method, e.path, e.body) for e in self.emulator.request_log if e.method != "GET"]

    def remote_id(self, key: str) -> str:
        rows = table_rows(
            self.warehouse, "SELECT source_key, remote_id FROM writes_confluence._id_map"
        )
        return next(remote for source, remote in rows if key in source)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    emulator = ConfluenceEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit=100_000)
    with serve(emulator) as running:
        warehouse = tmp_path / "warehouse.duckdb"
        config = {"base_url": running.base_url, **running.credentials, "warehouse": str(warehouse)}
        yield Site(emulator, config, warehouse)


def page(key: str, title: str, body: str, version: int | None = None) -> dict[str, Any]:
    record = {"key": key, "space_id": "98300", "title": title, "body": body}
    if version is not None:
        record["version"] = version
    return {"type": "RECORD", "stream": "pages", "record": record}


def test_pages_are_created_then_updated_with_the_next_version(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run_target(
        "confluence", site.config, [PAGES, page("a", "Runbook", "<p>One</p>")], tmp_path, capsys
    )
    assert first.code == 0, first.stderr
    assert site.writes() == [
        (
            "POST",
            f"{API}/pages",
            {
                "spaceId": "98300",
                "status": "current",
                "title": "Runbook",
                "body": {"representation": "storage", "value": "<p>One</p>"},
            },
        )
    ]
    made = site.emulator.wiki.pages[site.remote_id("a")]
    assert made["version"]["number"] == 1
    site.emulator.clear_request_log()

    edited = page("a", "Runbook", "<p>Two</p>", version=2)
    second = run_target("confluence", site.config, [PAGES, edited], tmp_path, capsys)

    assert second.code == 0, second.stderr
    ((method, path, body),) = site.writes()
    assert (method, path) == ("PUT", f"{API}/pages/{made['id']}")
    assert body["version"] == {"number": 2}
    assert made["version"]["number"] == 2
    assert made["body"]["storage"]["value"] == "<p>Two</p>"


def test_a_stale_version_is_rejected_with_confluences_conflict(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run_target(
            "confluence", site.config, [PAGES, page("a", "T", "<p>1</p>")], tmp_path, capsys
        ).code
        == 0
    )
    stale = page("a", "T", "<p>2</p>", version=1)

    run = run_target("confluence", site.config, [PAGES, stale], tmp_path, capsys)

    assert run.code == 1
    rows = table_rows(site.warehouse, "SELECT status, error FROM writes_confluence._write_rejects")
    assert len(rows) == 1
    assert rows[0][0] == 409
    assert "Version must be incremented on update. Current version is: 1" in rows[0][1]


def test_a_taken_title_is_rejected_and_comments_are_made_once(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = next(iter(site.emulator.wiki.pages.values()))
    taken = page("old", existing["title"], "<p>Another page of the same title</p>")
    comment = {
        "type": "RECORD",
        "stream": "footer_comments",
        "record": {"key": "c1", "page_id": existing["id"], "body": "<p>Noted.</p>"},
    }
    messages = [PAGES, taken, COMMENTS, comment]
    run = run_target("confluence", site.config, messages, tmp_path, capsys)

    assert run.code == 1, "the page is rejected"
    rows = table_rows(site.warehouse, "SELECT status, error FROM writes_confluence._write_rejects")
    assert [row[0] for row in rows] == [400]
    assert "A page with this title already exists" in rows[0][1]
    comments = [w for w in site.writes() if w[1] == f"{API}/footer-comments"]
    assert comments == [
        (
            "POST",
            f"{API}/footer-comments",
            {
                "pageId": existing["id"],
                "body": {"representation": "storage", "value": "<p>Noted.</p>"},
            },
        )
    ]
    site.emulator.clear_request_log()
    again = run_target("confluence", site.config, [COMMENTS, comment], tmp_path, capsys)
    assert again.code == 0, again.stderr
    assert site.emulator.request_log == []
