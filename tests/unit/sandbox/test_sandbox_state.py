from __future__ import annotations

import pytest

from brainhub.errors import EmulatorError
from brainhub.sandbox import state


def test_generation_defaults_to_zero_and_round_trips(tmp_path):
    assert state.read_generation("clickup", tmp_path) == 0
    path = state.write_generation("clickup", 3, tmp_path)
    assert path == tmp_path / "clickup.json"
    assert state.read_generation("clickup", tmp_path) == 3
    assert state.read_generation("github", tmp_path) == 0


def test_env_var_moves_the_state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(state.STATE_DIR_ENV, str(tmp_path / "elsewhere"))
    state.write_generation("clickup", 2)
    assert (tmp_path / "elsewhere" / "clickup.json").exists()
    assert state.read_generation("clickup") == 2


def test_default_state_dir_is_relative_to_the_working_directory(monkeypatch):
    monkeypatch.delenv(state.STATE_DIR_ENV)
    assert str(state.state_dir()) == "data/sandbox"


@pytest.mark.parametrize("content", ["not json", '{"generation": -1}', '{"generation": "2"}'])
def test_a_broken_state_file_is_a_clear_error(tmp_path, content):
    (tmp_path / "clickup.json").write_text(content)
    with pytest.raises(EmulatorError, match=r"clickup\.json"):
        state.read_generation("clickup", tmp_path)
