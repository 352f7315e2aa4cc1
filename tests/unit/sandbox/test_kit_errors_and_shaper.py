"""The kit's plain-text error table and a vendor's own :class:`Shaper` for shaped answers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.test import Client

from brainhub.sandbox.kit import SHAPED, KitEmulator, Operation, OperationTable, TextErrorTable
from brainhub.sandbox.kit.shapes import Shaper

TABLE = TextErrorTable(
    {"NOT_FOUND": (404, "The requested resource was not found.")},
    content_type="text/plain; charset=utf-8",
)


def test_a_text_error_answers_its_status_and_exact_body():
    response = TABLE.response("NOT_FOUND")
    assert response.status_code == 404
    assert response.get_data(as_text=True) == "The requested resource was not found."
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_failing_with_a_text_error_stops_with_that_answer():
    with pytest.raises(HTTPException) as stopped:
        TABLE.fail("NOT_FOUND")
    assert stopped.value.response is not None
    assert stopped.value.response.status_code == 404


def test_an_unknown_error_name_says_which_names_exist():
    with pytest.raises(KeyError, match="the table has NOT_FOUND"):
        TABLE.response("GONE")


class HexIds(Shaper):
    """Ids as 24 hex digits."""

    def _string(
        self, fmt: str | None, name: str, parent: str, number: int, context: Mapping[str, Any]
    ) -> str:
        if name == "id":
            return f"{number:024x}"[-24:]
        return super()._string(fmt, name, parent, number, context)


def test_shaped_answers_are_filled_by_the_vendors_shaper(tmp_path: Path):
    surface = tmp_path / "surface.json"
    shape = {"o": {"id": {"t": "string"}, "name": {"t": "string"}}}
    row = {"method": "GET", "path": "/things", "operation_id": "", "query": [], "shape": shape}
    surface.write_text(json.dumps({"prefix": "", "operations": [row]}), encoding="utf-8")

    class Things(KitEmulator):
        service = "things"
        operations: ClassVar[OperationTable] = OperationTable(
            served=[Operation("GET", "/things", SHAPED)]
        )
        surface_file = surface
        shaper_class = HexIds

    answer = Client(Things()).get("/things").json
    assert len(answer["id"]) == 24
    assert int(answer["id"], 16) >= 0
    assert answer["name"]
