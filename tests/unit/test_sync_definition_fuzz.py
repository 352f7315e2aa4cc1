"""A bounded fuzz of the sync-definition parser: whatever the text, it returns a definition or
raises one SyncDefinitionError whose single line starts with the file (and line), and it
finishes — alias bombs and deep nesting included.

Inputs: random bytes, the shipped ``syncs/*.yaml`` with random edits (lines dropped,
duplicated, swapped, indented, text spliced in), deep nesting and alias bombs of random
shape. ``benchmarks/fuzz_parsers.py --only sync`` runs the same kinds of input 100,000 times.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brainhub.sync.definition import SyncDefinition, SyncDefinitionError, parse_definition

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted((REPO / "syncs").glob("*.yaml"))
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPLICES = ["&a [*a]", "*nope", ": :", "- ", "\t", "[[[", "{{", "'", "\x1f", "\ufeff", "<<: 1",
           "{op: nope}", "map_values: 1", "left: ''", "!!python/object/apply:os.system ['true']"]  # fmt: skip


def assert_parses_or_explains(text: str, name: str = "syncs/fuzzed.yaml") -> None:
    try:
        found = parse_definition(text, name, expected_name="fuzzed")
    except SyncDefinitionError as exc:
        message = str(exc)
        assert message.startswith(name), message
        assert "\n" not in message.strip(), message
        assert "Traceback" not in message, message
        return
    assert isinstance(found, SyncDefinition)


def test_the_shipped_sync_definitions_parse() -> None:
    assert SHIPPED
    for path in SHIPPED:
        assert parse_definition(path.read_text(encoding="utf-8"), path.name, path.stem)


@FUZZ
@given(data=st.binary(max_size=1200))
def test_random_bytes(data: bytes) -> None:
    assert_parses_or_explains(data.decode("utf-8", "replace"))


@st.composite
def edited(draw: st.DrawFn) -> str:
    source = draw(st.sampled_from(SHIPPED))
    text = source.read_text(encoding="utf-8").replace(f"name: {source.stem}", "name: fuzzed")
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["drop", "duplicate", "swap", "indent", "splice", "text"]))
        if kind == "drop" and len(lines) > 1:
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap" and at + 1 < len(lines):
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
        elif kind == "indent":
            lines[at] = " " * draw(st.integers(1, 4)) + lines[at]
        else:
            piece = (
                draw(st.sampled_from(SPLICES)) if kind == "splice" else draw(st.text(max_size=10))
            )
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + piece + lines[at][cut:]
    return "".join(lines)


@FUZZ
@given(text=edited())
def test_edited_shipped_definitions(text: str) -> None:
    assert_parses_or_explains(text)


@st.composite
def hostile(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(["flow-list", "flow-map", "bomb"]))
    depth = draw(st.integers(1, 2000))
    if shape == "flow-list":
        return "name: fuzzed\nfields: " + "[" * depth + "1" + "]" * depth + "\n"
    if shape == "flow-map":
        return "name: fuzzed\nfields: " + "{a: " * depth + "1" + "}" * depth + "\n"
    levels, width = draw(st.integers(1, 12)), draw(st.integers(1, 10))
    lines = ["l0: &l0 [" + ", ".join(["x"] * width) + "]"]
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * width) + "]" for n in range(1, levels)]
    return "\n".join(lines) + f"\nname: fuzzed\nfields: *l{levels - 1}\n"


@FUZZ
@given(text=hostile())
def test_nesting_and_alias_bombs(text: str) -> None:
    assert_parses_or_explains(text)
