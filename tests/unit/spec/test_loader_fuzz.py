"""A bounded fuzz of the spec loader: whatever the bytes, it returns a spec or raises one
SpecError that names the file, and it finishes.

Inputs: random bytes, shipped specs with random edits (lines dropped, duplicated, swapped,
text spliced in), deep nesting and alias bombs of random shape. Example counts are small so
the whole module runs in seconds; hypothesis's database keeps any failure it finds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brainhub.errors import SpecError
from brainhub.spec.loader import load_spec, parse_spec
from brainhub.spec.model import ConnectorSpec

REPO = Path(__file__).resolve().parents[3]
SHIPPED = sorted((REPO / "taps").glob("*/spec.yaml"))
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def outcome(load: Callable[[], ConnectorSpec]) -> ConnectorSpec | str:
    """The spec, or the SpecError's message; any other exception fails the test."""
    try:
        return load()
    except SpecError as exc:
        return str(exc)


def assert_loads_or_explains(text: str, source: Path) -> None:
    result = outcome(lambda: parse_spec(text, source))
    if isinstance(result, str):
        assert result.startswith(f"{source}: "), result
        assert "Traceback" not in result
    else:
        assert isinstance(result, ConnectorSpec)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(data)
    result = outcome(lambda: load_spec(path))
    assert isinstance(result, ConnectorSpec) or result.startswith(f"{path}: "), result


EDIT = st.one_of(
    st.tuples(st.just("drop"), st.integers(0, 200)),
    st.tuples(st.just("duplicate"), st.integers(0, 200)),
    st.tuples(st.just("swap"), st.integers(0, 200)),
    st.tuples(
        st.just("splice"),
        st.integers(0, 200),
        st.sampled_from(
            [
                "{parent.nope}",
                "{config}",
                "$[",
                "&a [*a]",
                ": :",
                "- ",
                "  ",
                "\t",
                "[[[",
                "{{",
                "'",
                "!!python/object:os.system",
                "{sync.now|bogus}",
                "\x00",
                "null",
                "*undefined",
            ]
        ),
    ),
    st.tuples(st.just("text"), st.integers(0, 200), st.text(max_size=20)),
)


def mutate(text: str, edits: list[tuple]) -> str:
    lines = text.splitlines(keepends=True)
    for edit in edits:
        kind, at = edit[0], edit[1] % max(len(lines), 1)
        if not lines:
            break
        if kind == "drop":
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap" and at + 1 < len(lines):
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
        elif kind in ("splice", "text"):
            line = lines[at]
            cut = len(line) // 2
            lines[at] = line[:cut] + edit[2] + line[cut:]
    return "".join(lines)


@FUZZ
@given(
    spec_path=st.sampled_from(SHIPPED),
    edits=st.lists(EDIT, min_size=1, max_size=4),
)
def test_mutated_shipped_specs(spec_path: Path, edits: list[tuple]) -> None:
    text = spec_path.read_text(encoding="utf-8")
    assert_loads_or_explains(mutate(text, edits), spec_path)


@FUZZ
@given(
    opener=st.sampled_from(["[", "{a: ", "- ", "k:\n"]),
    depth=st.integers(1, 3000),
)
def test_deep_nesting(opener: str, depth: int) -> None:
    if opener == "k:\n":
        body = "".join(" " * i + "k:\n" for i in range(1, depth + 1))
        text = "name: demo\nstreams:\n" + body
    elif opener == "- ":
        text = "name: demo\nstreams:\n" + "".join(" " * (2 * i) + "-\n" for i in range(depth))
    else:
        closer = "]" if opener == "[" else "}"
        text = "name: demo\nstreams: " + opener * depth + "1" + closer * depth
    assert_loads_or_explains(text, Path("fuzz/spec.yaml"))


@FUZZ
@given(
    levels=st.integers(1, 14),
    width=st.integers(1, 12),
    mapping=st.booleans(),
)
def test_alias_bombs(levels: int, width: int, mapping: bool) -> None:
    lines = ["l0: &l0 [" + ", ".join(["x"] * width) + "]"]
    for level in range(1, levels):
        if mapping:
            refs = ", ".join(f"k{i}: *l{level - 1}" for i in range(width))
            lines.append(f"l{level}: &l{level} {{{refs}}}")
        else:
            lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    text = (
        "name: demo\nbase_url: https://x\n" + "\n".join(lines) + "\nstreams: *l" + str(levels - 1)
    )
    assert_loads_or_explains(text, Path("fuzz/spec.yaml"))
