"""A follow-up call's ``lookup``: a value found by a GET before the call, checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest

from brainhub.errors import SpecError
from brainhub.spec.loader import load_spec
from brainhub.spec.writes import ValueLookup
from targets.runtime.records import written_field_names
from tests.unit.spec.test_writes import BASE, ID, _object, write_spec

STATUS_UPDATE = (
    'update: {method: PUT, path: "/issue/{record.id}", body: {name: "{record.name}"}, then: '
    '[{method: POST, path: "/issue/{record.id}/transitions", '
    'lookup: {path: "/issue/{record.id}/transitions", records: "%s", '
    'match: {to.name: "{record.status}"}, into: transition_id%s}, '
    'body: {transition: {id: "{record.transition_id}"}}}]}'
)


def _spec(records: str = "$.transitions[*]", extra: str = "") -> str:
    return BASE + _object("update", [STATUS_UPDATE % (records, extra)], ID)


def test_a_lookup_is_typed_and_its_match_fields_are_written_fields(tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path, _spec()))
    obj = spec.writes["tasks"]
    assert obj.operations.update is not None
    (call,) = obj.operations.update.then

    assert call.lookup == ValueLookup(
        path="/issue/{record.id}/transitions",
        records="$.transitions[*]",
        match={"to.name": "{record.status}"},
        into="transition_id",
    )
    # the status decides whether the record changed; the looked-up id is no record field
    assert written_field_names(obj) == ("name", "status")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_spec(records="$.transitions[*"), "lookup.records"),
        (_spec(extra=", value: 'a..b'"), "lookup.value: 'a..b' is not a dotted path"),
        (_spec(extra=", params: {q: '{config.nope}'}"), "{config.nope} names no setting"),
        (_spec(extra=", method: POST"), "method"),
    ],
)
def test_a_bad_lookup_says_what_and_where(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(write_spec(tmp_path, text))
    assert expected in str(caught.value)
    assert "then" in str(caught.value)
