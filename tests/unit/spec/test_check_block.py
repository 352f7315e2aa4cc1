"""The ``check:`` block: the one request ``brainhub check`` sends, checked like the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from brainhub.errors import SpecError
from brainhub.spec.loader import load_spec
from tests.unit.spec.test_loader import VALID_BASE, write_spec


def test_a_check_block_is_loaded(tmp_path: Path) -> None:
    text = VALID_BASE + "check:\n  path: /me\n  rate_limit_headers: {remaining: X-Left}\n"
    check = load_spec(write_spec(tmp_path, text)).check
    assert check is not None
    assert (check.method, check.path, check.remaining_header) == ("GET", "/me", "X-Left")
    assert check.limit_header is None


def test_a_spec_without_one_has_none(tmp_path: Path) -> None:
    assert load_spec(write_spec(tmp_path, VALID_BASE)).check is None


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("check: {path: '/me/{config.user}'}", "check.path: {config.user} names no setting"),
        (
            "check: {path: /me, method: DELETE}",
            "line 13: check.method: 'DELETE' is not valid here (valid: GET, POST)",
        ),
        ("check: {method: GET}", "line 13: check: missing required key 'path'"),
    ],
)
def test_a_bad_check_block_says_what_and_where(tmp_path: Path, block: str, expected: str) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(write_spec(tmp_path, VALID_BASE + block + "\n"))
    assert expected in str(caught.value)
