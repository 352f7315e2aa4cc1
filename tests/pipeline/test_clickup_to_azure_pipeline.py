"""The shipped ``clickup-to-azure`` job in a real Meltano run: the ClickUp emulator (tiny)
through tap-clickup into target-files--azure, Parquet blobs in Azurite on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow.parquet as pq
import pytest
from adlfs import AzureBlobFileSystem

from brainhub.services.azurite import SANDBOX_CONTAINER as CONTAINER
from brainhub.services.azurite import AzuriteServer
from tests.databases.conftest import running_server
from tests.pipeline.conftest import MeltanoProject

pytestmark = [pytest.mark.pipeline, pytest.mark.services]

TINY = "sandbox://clickup?size=tiny&seed=1"


@pytest.fixture
def azurite() -> Iterator[AzuriteServer]:
    for server in running_server(AzuriteServer):
        assert isinstance(server, AzuriteServer)
        yield server


def test_clickup_to_azure_writes_parquet_partitions_and_state(
    meltano_project: MeltanoProject, azurite: AzuriteServer
) -> None:
    blobs = AzureBlobFileSystem(
        connection_string=azurite.connection_string(), skip_instance_cache=True
    )
    assert blobs.exists(CONTAINER)  # `services up` creates the sandbox's container
    meltano_project.run(
        "run",
        "clickup-to-azure",
        TAP_CLICKUP_BASE_URL=TINY,
        TARGET_FILES__AZURE_AZURE_CONNECTION_STRING=azurite.connection_string(),
    )
    names = blobs.find(f"{CONTAINER}/clickup")
    tasks = [n for n in names if n.startswith(f"{CONTAINER}/clickup/tasks/date=")]
    assert tasks, names
    assert all(n.endswith(".parquet") for n in names), names
    assert not [n for n in names if n.rsplit("/", 1)[1].startswith(".")], names
    rows = 0
    for name in tasks:
        with blobs.open(name, "rb") as blob:
            rows += pq.read_table(blob).num_rows
    assert rows > 0
    state = meltano_project.run("state", "get", "sandbox:tap-clickup-to-target-files--azure")
    assert '"bookmarks"' in state.stdout
