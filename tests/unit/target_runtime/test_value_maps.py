"""Value maps from the ``value_maps`` setting: inline, CSV, YAML and JSON; bad ones in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from brainhub.errors import SettingsError
from targets.runtime.value_maps import load_value_maps


def test_maps_are_read_inline_and_from_csv_yaml_and_json_files(tmp_path: Path) -> None:
    (tmp_path / "users.csv").write_text("login,id\nada, 81 \n\nbruno,82\n")
    (tmp_path / "users.yaml").write_text("# people\nada: 81\nbruno: 82\n")
    (tmp_path / "users.json").write_text('{"ada": 81}')

    maps = load_value_maps(
        {
            "csv": str(tmp_path / "users.csv"),
            "yaml": str(tmp_path / "users.yaml"),
            "json": str(tmp_path / "users.json"),
            "inline": {"ada": 81, 7: "seven"},
        },
        "target-x",
    )

    assert maps == {
        "csv": {"ada": "81", "bruno": "82"},
        "yaml": {"ada": 81, "bruno": 82},
        "json": {"ada": 81},
        "inline": {"ada": 81, "7": "seven"},
    }
    assert load_value_maps(None, "target-x") == {}


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "users.csv",
            "login,id\nada\n",
            "users.csv line 2: expected two values (source, far-side value), got 1",
        ),
        ("users.yaml", "- ada\n- bruno\n", "must hold a mapping of source → value"),
        ("users.json", "{nope", "users.json line 1: not valid JSON: Expecting property name"),
        ("users.yaml", "ada: 1\nbruno: [\n", "users.yaml line 3: not valid YAML: expected the"),
        ("users.csv", "login\n", "users.csv line 1: the header needs two columns"),
    ],
    ids=["csv row of one value", "yaml list", "broken json", "broken yaml", "csv of one column"],
)
def test_a_bad_map_file_is_one_line_naming_the_setting_and_the_file(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(SettingsError) as caught:
        load_value_maps({"users": str(path)}, "target-x")
    message = str(caught.value)
    assert message.startswith("target-x: setting 'value_maps.users': ")
    assert expected in message
    assert "\n" not in message


def test_a_map_must_be_a_file_or_a_mapping() -> None:
    with pytest.raises(SettingsError, match="must be a file path or an object"):
        load_value_maps({"users": 3}, "target-x")
    with pytest.raises(SettingsError, match="must map each name to a file or an object"):
        load_value_maps(["users.csv"], "target-x")
