"""A control character in a spec or mapping file is one line naming the file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from brainhub.errors import ConfigError
from brainhub.spec.loader import parse_spec
from transforms.engine.loader import load_mapping_text

LOADERS: dict[str, Callable[[str], object]] = {
    "spec": lambda text: parse_spec(text, Path("taps/demo/spec.yaml")),
    "mapping": lambda text: load_mapping_text(text, "transforms/demo/staging.yaml"),
}


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("character", ["\x1f", "\x00", "\x7f", "\ufffe"])
def test_a_control_character_is_one_line_with_its_line(loader: str, character: str) -> None:
    text = f"name: demo\nbase_url: https://x\nstreams:\n  tasks: {character}\n"
    with pytest.raises(ConfigError) as raised:
        LOADERS[loader](text)
    message = str(raised.value)
    assert "\n" not in message, message
    assert "line 4" in message or ":4:" in message, message
    assert f"#x{ord(character):04x}" in message, message
