"""Every YAML file the project reads is refused quickly, with one line naming the file and
line, when it is an alias bomb ("billion laughs") or longer than the document limit: the
connector spec, a mapping file, a sync definition, ``meltano.yml``, ``webhooks.yaml`` and
the sync definitions the webhook receiver scans."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from brainhub import yaml_lines
from brainhub.environments import load_project
from brainhub.errors import BrainhubError
from brainhub.secrets.names import _spec_secrets
from brainhub.spec.loader import load_spec
from brainhub.sync.definition import load_definition
from brainhub.webhooks.dispatch import targets_of
from tests.unit.spec.test_hostile_specs import alias_bomb
from transforms.engine.loader import load_mapping_file

REPO = Path(__file__).resolve().parents[2]


def _one_line(caught: pytest.ExceptionInfo[BaseException], path: Path) -> str:
    message = str(caught.value)
    assert "\n" not in message, message
    assert "Traceback" not in message, message
    assert str(path.name) in message, message
    return message


def test_plain_yaml_loading_refuses_an_alias_bomb_with_its_line() -> None:
    text = "name: x\n" + alias_bomb()
    with pytest.raises(yaml.YAMLError) as caught:
        yaml_lines.load_yaml(text)
    line, problem = yaml_lines.yaml_error_line(caught.value)
    assert "more than 100000 nodes once aliases are expanded" in problem
    assert line is not None
    assert line > 1


def test_meltano_yml_alias_bomb_is_a_one_line_config_error(tmp_path: Path) -> None:
    (tmp_path / "meltano.yml").write_text("version: 1\n" + alias_bomb())
    with pytest.raises(BrainhubError) as caught:
        load_project(tmp_path)
    message = _one_line(caught, tmp_path / "meltano.yml")
    assert "aliases are expanded" in message
    assert "meltano.yml:" in message


@pytest.mark.parametrize("name", ["webhooks.yaml", "syncs/bomb.yaml"])
def test_the_receivers_files_refuse_an_alias_bomb(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("clickup:\n  jobs: [a]\nleft: {connector: clickup}\n" + alias_bomb())
    with pytest.raises(BrainhubError) as caught:
        targets_of(tmp_path, "clickup")
    assert "aliases are expanded" in _one_line(caught, path)


def test_a_spec_alias_bomb_adds_no_secret_names_instead_of_expanding(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("name: demo\nsettings: &s {token: {secret: true}}\n" + alias_bomb())
    assert _spec_secrets(path) == {}  # the spec loader is what reports it


def test_every_loader_refuses_a_document_over_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yaml_lines, "MAX_DOCUMENT_CHARS", 2_000)
    padding = "# " + "x" * 3_000 + "\n"
    spec = tmp_path / "spec.yaml"
    spec.write_text(padding + "name: demo\n")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(padding + "target: t\n")
    sync = tmp_path / "big.yaml"
    sync.write_text(padding + "name: big\n")
    shutil.copy(REPO / "meltano.yml", tmp_path / "meltano.yml")  # > 2,000 characters
    for path, load in (
        (spec, lambda: load_spec(spec)),
        (mapping, lambda: load_mapping_file(mapping)),
        (sync, lambda: load_definition(sync)),
        (tmp_path / "meltano.yml", lambda: load_project(tmp_path)),
    ):
        with pytest.raises(BrainhubError) as caught:
            load()
        assert "longer than 2000 characters" in _one_line(caught, path)


def test_a_project_read_again_is_the_same_until_its_text_changes(tmp_path: Path) -> None:
    """load_project remembers parsed texts (the capped loader is slow on a large project):
    a caller changing what it got back, or the file changing, is never served stale."""
    (tmp_path / "meltano.yml").write_text("project_id: a\nplugins: {}\n")
    first = load_project(tmp_path)
    first["project_id"] = "changed by a caller"
    assert load_project(tmp_path)["project_id"] == "a"
    (tmp_path / "meltano.yml").write_text("project_id: b\nplugins: {}\n")
    assert load_project(tmp_path)["project_id"] == "b"
