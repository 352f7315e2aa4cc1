"""Hostile spec files fail at load time with one clear SpecError naming file and line.

Non-UTF-8 bytes, nesting deep enough to exhaust a recursive parser, YAML alias bombs, a
``records:`` JSONPath that does not parse, and placeholders that are not placeholders.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from brainhub.errors import SpecError
from brainhub.spec.loader import load_spec
from brainhub.yaml_lines import MAX_DEPTH, MAX_NODES
from taps.runtime import cli, registry
from tests.unit.spec.test_loader import VALID_BASE, write_spec


def _error(path: Path) -> str:
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert "Traceback" not in message
    return message


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """A small YAML text whose aliases expand to width**levels nodes."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_non_utf8_spec_names_the_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(b"name: demo\ndescription: caf\xe9\n")
    message = _error(path)
    assert "line 2: not UTF-8 text (byte 0xe9" in message


@pytest.mark.parametrize(
    "nested",
    [
        "[" * 5000 + "]" * 5000,
        "{a: " * 3000 + "1" + "}" * 3000,
        "\n" + "".join(f"{' ' * i}k:\n" for i in range(1, 2000)),
    ],
    ids=["lists", "flow mappings", "block mappings"],
)
def test_deep_nesting_is_a_clear_error(tmp_path: Path, nested: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("name: demo\nstreams: " + nested)
    message = _error(path)
    assert f"nesting deeper than {MAX_DEPTH} levels" in message
    assert "line " in message


def test_alias_bomb_is_refused_before_anything_walks_it(tmp_path: Path) -> None:
    text = alias_bomb()
    assert len(text) < 1200
    path = tmp_path / "spec.yaml"
    path.write_text(VALID_BASE + text)
    message = _error(path)
    assert f"the document holds more than {MAX_NODES} nodes once aliases are expanded" in message
    assert "line 1" in message  # the first level past the limit


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(VALID_BASE + "loop: &loop [*loop]\n")
    assert "an alias refers to its own anchor" in _error(path)


def test_modest_aliases_still_load(tmp_path: Path) -> None:
    text = VALID_BASE.replace("    records: $.items[*]\n", "    records: &r $.items[*]\n")
    text += "  others: {path: /others, records: *r, schema: schemas/items.json}\n"
    spec = load_spec(write_spec(tmp_path, text))
    assert spec.streams["others"].records == "$.items[*]"


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ("$.items[", "line 12: streams.items.records: '$.items[' is not a valid JSONPath"),
        ("items[*]", "line 12: streams.items.records: 'items[*]' is not a JSONPath"),
    ],
)
def test_invalid_records_jsonpath_fails_at_load(
    tmp_path: Path, records: str, expected: str
) -> None:
    text = VALID_BASE.replace("records: $.items[*]", f"records: '{records}'")
    assert expected in _error(write_spec(tmp_path, text))


def test_invalid_paginator_body_path_fails_at_load(tmp_path: Path) -> None:
    text = VALID_BASE + "    paginator: {type: next_url, from_body: \"$['@odata.nextLink'\"}\n"
    message = _error(write_spec(tmp_path, text))
    assert "streams.items.paginator.from_body" in message
    assert "is not a valid JSONPath" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("path: /items", "path: /items/{parnet.id}"), "{parnet.id} is not a placeholder"),
        (("path: /items", "path: /items\n    params: {q: '{config}'}"), "{config} names no field"),
        (
            ("path: /items", "path: /items\n    params: {since: '{sync.now|epoch_micros}'}"),
            "unknown format 'epoch_micros'",
        ),
        (("path: /items", "path: /items\n    params: {at: '{sync.then}'}"), "unknown sync value"),
        (
            ('token: "{config.api_token}"', 'token: "Bearer {confg.api_token}"'),
            "line 6: auth: {confg.api_token} is not a placeholder",
        ),
    ],
    ids=["misspelt scope", "scope without field", "unknown format", "unknown sync", "in auth"],
)
def test_unknown_placeholders_fail_at_load(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    assert expected in _error(write_spec(tmp_path, VALID_BASE.replace(*change)))


@pytest.mark.parametrize(
    "child",
    [
        "  children: {parent: items, path: '/items/{parent.uuid}/children'}\n",
        "  children: {parent: items, path: /children, params: {item: '{parent.uuid}'}}\n",
        "  children: {parent: items, path: /children, add_fields: {item: '{parent.uuid}'}}\n",
    ],
    ids=["path", "params", "add_fields"],
)
def test_parent_placeholder_must_name_a_parent_field(tmp_path: Path, child: str) -> None:
    message = _error(write_spec(tmp_path, VALID_BASE + child))
    assert "{parent.uuid}: the items stream has no field 'uuid' (fields: id, name, updated_at)" in (
        message
    )


def test_about_on_an_alias_bomb_spec_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "aliasbomb").mkdir()
    (tmp_path / "aliasbomb" / "spec.yaml").write_text(VALID_BASE + alias_bomb())
    monkeypatch.setattr(registry, "TAPS_DIR", tmp_path)
    monkeypatch.setattr(sys, "argv", ["tap-aliasbomb", "--about"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("tap-aliasbomb: ")
    assert "nodes once aliases are expanded" in lines[0]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"properties": {"id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}", "nested deeper than"),
        (
            ('{"properties": {"id": ' + '{"items": ' * 300 + "{}" + "}" * 300 + "}}").encode(),
            "nested deeper than",
        ),
        (b'{"properties": {"id": {"description": "caf\xe9"}}}', "not UTF-8 text"),
    ],
    ids=["deep lists", "deep objects", "not utf-8"],
)
def test_hostile_schema_files_are_one_clear_error(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = write_spec(tmp_path, VALID_BASE)
    (tmp_path / "schemas" / "items.json").write_bytes(content)
    message = _error(path)
    assert "items.json" in message
    assert expected in message
