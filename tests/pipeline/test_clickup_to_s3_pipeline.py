"""The shipped ``clickup-to-s3`` job in a real Meltano run: the ClickUp emulator (tiny) through
tap-clickup into target-files--s3, Parquet objects in moto's S3 on loopback."""

from __future__ import annotations

import io

import pyarrow.parquet as pq
import pytest

from tests.pipeline.conftest import MeltanoProject
from tests.support.moto_server import moto_server

pytestmark = [pytest.mark.pipeline]

TINY = "sandbox://clickup?size=tiny&seed=1"
BUCKET = "brainhub-sandbox"


def test_clickup_to_s3_writes_parquet_partitions_and_state(meltano_project: MeltanoProject) -> None:
    with moto_server() as s3:
        client = s3.client("s3")
        client.create_bucket(Bucket=BUCKET)
        meltano_project.run(
            "run",
            "clickup-to-s3",
            TAP_CLICKUP_BASE_URL=TINY,
            TARGET_FILES__S3_ENDPOINT_URL=s3.endpoint_url,
        )
        listed = client.list_objects_v2(Bucket=BUCKET, Prefix="clickup/")["Contents"]
        keys = [o["Key"] for o in listed]
        tasks = [k for k in keys if k.startswith("clickup/tasks/date=")]
        assert tasks, keys
        assert all(k.endswith(".parquet") for k in keys), keys
        assert not [k for k in keys if k.rsplit("/", 1)[1].startswith(".")], keys
        rows = sum(
            pq.read_table(
                io.BytesIO(client.get_object(Bucket=BUCKET, Key=key)["Body"].read())
            ).num_rows
            for key in tasks
        )
        assert rows > 0
        state = meltano_project.run("state", "get", "sandbox:tap-clickup-to-target-files--s3")
        assert '"bookmarks"' in state.stdout
