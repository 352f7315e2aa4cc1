"""The ClickUp emulator's declared surface against ClickUp's own document and recordings.

- the operation table accounts for exactly the document's GET operations;
- ``surface.json`` is what ``scripts/derive_surface.py`` derives from the document now;
- recorded real responses (``GET /team/{id}/task``) have the same keys, recursively, as
  the emulator's answer to that request; keys only the emulator has are fields ClickUp
  documents today (the recordings predate them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.kit.surface import derive_surface
from brainhub.sandbox.services.clickup import ClickUpEmulator
from brainhub.sandbox.services.clickup.operations import OPERATIONS
from tests.support.clickup_reference import ABSENT_REASON, DOCUMENT, FIXTURES
from tests.support.conformance import declared_operations, documented_gets

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

SURFACE = Path(ClickUpEmulator.surface_file or "")
RECORDINGS = ["task.json", "task_two.json", "archived_task.json", "archived_task_two.json"]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


def test_the_operation_table_accounts_for_every_documented_get_and_no_other(document):
    documented = documented_gets(document, "/v2")
    declared = declared_operations(OPERATIONS)
    assert len(documented) == 51
    assert declared == documented


def test_the_surface_file_is_derived_from_the_current_document(document):
    assert json.loads(SURFACE.read_text(encoding="utf-8")) == derive_surface(document, "/v2")


def _keys(value: Any, prefix: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            out.add(f"{prefix}.{key}")
            out |= _keys(item, f"{prefix}.{key}")
    elif isinstance(value, list):
        for item in value:
            out |= _keys(item, f"{prefix}[]")
    return out


def _shape_keys(shape: dict[str, Any], prefix: str = "") -> set[str]:
    out: set[str] = set()
    if "o" in shape:
        for key, item in shape["o"].items():
            out.add(f"{prefix}.{key}")
            out |= _shape_keys(item, f"{prefix}.{key}")
    elif "a" in shape:
        out |= _shape_keys(shape["a"], f"{prefix}[]")
    return out


@pytest.mark.parametrize("recording", RECORDINGS)
def test_recorded_responses_have_the_keys_of_the_emulators_answer(recording):
    recorded = json.loads((FIXTURES / recording).read_text(encoding="utf-8"))
    emulator = ClickUpEmulator(size="tiny", generation=1)
    headers = {"Authorization": emulator.credentials["api_token"]}
    url = f"/api/v2/team/{emulator.data.tree.team_id}/task?include_closed=true&subtasks=true"
    answer = Client(emulator).get(url, headers=headers).json
    surface = ClickUpEmulator.surface()
    # the team listing's schema omits last_page, which the list listing documents
    documented = (
        _shape_keys(surface["GET /team/{}/task"].shape)
        | _shape_keys(surface["GET /list/{}/task"].shape)
        | {".tasks[]" + key for key in _shape_keys(surface["GET /task/{}"].shape)}
    )
    recorded_keys, answered = _keys(recorded), _keys(answer)
    assert recorded_keys - answered == set()
    assert answered - recorded_keys <= documented
    assert ".tasks[].custom_fields[].type_config.options[].orderindex" in recorded_keys & answered
