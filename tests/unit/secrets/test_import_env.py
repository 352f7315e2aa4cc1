"""import-env stores the secret settings of a .env file, named as Meltano reads them."""

from __future__ import annotations

import shutil
import stat

import pytest

from brainhub.secrets.envfile import read_env_file
from brainhub.secrets.errors import SecretStoreError
from brainhub.secrets.names import secret_variables
from tests.support.secret_project import REPO, SECRET, Project


def test_secret_settings_are_named_as_meltano_reads_them(project: Project) -> None:
    shutil.copytree(REPO / "taps" / "trello", project.root / "taps" / "trello")
    names = secret_variables(project.root)
    assert names["TAP_CLICKUP_API_TOKEN"] == "tap-clickup's api_token"  # meltano.yml: sensitive
    assert names["TAP_TRELLO_API_KEY"] == "tap-trello's api_key"  # the spec: secret: true
    assert "TAP_JIRA_API_TOKEN" in names
    assert "TAP_CLICKUP_START_DATE" not in names
    assert "TAP_JIRA_EMAIL" not in names


def test_import_takes_only_secret_settings_and_remove_takes_them_out(project: Project) -> None:
    env_file = project.root / ".env"
    env_file.write_text(
        "# credentials\n"
        f"TAP_CLICKUP_API_TOKEN={SECRET}\n"
        f'export TAP_GITHUB_API_TOKEN="ghp_{SECRET}\\"x"  # the bot\'s\n'
        "TAP_GITHUB_OWNER=brainhub\n"
        "TAP_SLACK_API_TOKEN=\n"
    )
    env_file.chmod(0o640)
    result = project.brainhub("secrets", "import-env", "--remove", "-e", "prod")
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    revealed = project.brainhub("secrets", "get", "TAP_GITHUB_API_TOKEN", "-e", "prod", "--reveal")
    assert revealed.stdout == f'ghp_{SECRET}"x\n'
    listed = project.brainhub("secrets", "list", "-e", "prod").stdout
    assert [line.split()[0] for line in listed.splitlines()] == [
        "TAP_CLICKUP_API_TOKEN",
        "TAP_GITHUB_API_TOKEN",
    ]
    text = env_file.read_text()
    assert SECRET not in text
    assert "TAP_GITHUB_OWNER=brainhub\n" in text
    assert "# TAP_CLICKUP_API_TOKEN: in brainhub's prod secret store" in text
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o640


def test_without_remove_the_file_is_untouched(project: Project) -> None:
    env_file = project.root / ".env"
    env_file.write_text(f"TAP_CLICKUP_API_TOKEN={SECRET}\n")
    assert project.brainhub("secrets", "import-env").exit_code == 0
    assert env_file.read_text() == f"TAP_CLICKUP_API_TOKEN={SECRET}\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("TAP_CLICKUP_API_TOKEN", "line 2: expected NAME=value"),
        ("TAP_CLICKUP_API_TOKEN='abc", "line 2: the value's ' quote is not closed"),
    ],
)
def test_a_malformed_line_is_named_without_its_value(
    project: Project, line: str, message: str
) -> None:
    env_file = project.root / ".env"
    env_file.write_text(f"A=1\n{line}\n")
    with pytest.raises(SecretStoreError, match=message):
        read_env_file(env_file)
    result = project.brainhub("secrets", "import-env")
    assert result.exit_code == 1
    assert message in result.output
    assert "abc" not in result.output
