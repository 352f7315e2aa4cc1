"""A bounded fuzz of the mapping-file parser: whatever the bytes, it returns outputs or raises
one MappingError whose single line starts with the file (and line), and it finishes.

Inputs: random bytes, the shipped mapping files with random edits (lines dropped, duplicated,
swapped, indented, text spliced in), deep nesting and alias bombs of random shape.
``benchmarks/fuzz_parsers.py`` runs the same kinds of input 100,000 times.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.engine.errors import MappingError
from transforms.engine.loader import load_mapping_file, load_mapping_text
from transforms.engine.model import Output

REPO = Path(__file__).resolve().parents[3]
SHIPPED = sorted((REPO / "transforms").glob("*/*.yaml"))
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SPLICES = ["&a [*a]", "*nope", ": :", "- ", "\t", "[[[", "{{", "'", "\x1f", "\ufeff", "<<: 1"]


def outcome(load: Callable[[], list[Output]]) -> list[Output] | str:
    """The outputs, or the MappingError's message; any other exception fails the test."""
    try:
        return load()
    except MappingError as exc:
        return str(exc)


def assert_explained(result: list[Output] | str, name: str) -> None:
    if isinstance(result, str):
        assert result.startswith(name), result
        assert "\n" not in result, result
        assert "Traceback" not in result
    else:
        assert isinstance(result, list)


def assert_parses_or_explains(text: str, name: str) -> None:
    assert_explained(outcome(lambda: load_mapping_text(text, name)), name)


def test_the_shipped_mapping_files_parse() -> None:
    assert SHIPPED
    for path in SHIPPED:
        assert load_mapping_file(path)


@FUZZ
@given(data=st.binary(max_size=1500))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_bytes(data)
    assert_explained(outcome(lambda: load_mapping_file(path)), str(path))


@st.composite
def edited(draw: st.DrawFn) -> tuple[str, str]:
    source = draw(st.sampled_from(SHIPPED))
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
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
        elif kind in ("splice", "text"):
            piece = (
                draw(st.sampled_from(SPLICES)) if kind == "splice" else draw(st.text(max_size=10))
            )
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + piece + lines[at][cut:]
    return "".join(lines), source.relative_to(REPO).as_posix()


@FUZZ
@given(edited())
def test_edited_shipped_mapping_files(value: tuple[str, str]) -> None:
    assert_parses_or_explains(*value)


@FUZZ
@given(opener=st.sampled_from(["[", "{a: ", "k:\n"]), depth=st.integers(1, 3000))
def test_deep_nesting(opener: str, depth: int) -> None:
    if opener == "k:\n":
        text = "version: 1\noutputs:\n" + "".join(" " * i + "k:\n" for i in range(1, depth + 1))
    else:
        closer = "]" if opener == "[" else "}"
        text = "version: 1\noutputs: " + opener * depth + "1" + closer * depth
    assert_parses_or_explains(text, "fuzz/mapping.yaml")


@FUZZ
@given(levels=st.integers(1, 14), width=st.integers(1, 12))
def test_alias_bombs(levels: int, width: int) -> None:
    lines = ["l0: &l0 [" + ", ".join(["x"] * width) + "]"]
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * width) + "]" for n in range(1, levels)]
    text = "version: 1\n" + "\n".join(lines) + f"\noutputs: *l{levels - 1}\n"
    assert_parses_or_explains(text, "fuzz/mapping.yaml")
