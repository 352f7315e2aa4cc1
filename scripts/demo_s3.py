"""``make demo-s3``: ClickUp (sandbox) → Parquet objects in S3, served by moto on loopback.

Starts moto's server on 127.0.0.1:5010 (where the sandbox environment's target-files--s3
and target-ses point), creates the sandbox bucket, runs the ``clickup-to-s3`` job, lists
what landed and stops the server. moto keeps its objects in memory only, so every demo runs
the job with ``--full-refresh``.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

PORT = 5010
BUCKET = "brainhub-sandbox"
BIN = Path(sys.executable).parent


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # not a line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=PORT, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{PORT}"
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",  # noqa: S106 - moto accepts anything
        )
        s3.create_bucket(Bucket=BUCKET)
        done = subprocess.run(
            [
                str(BIN / "meltano"),
                "--environment=sandbox",
                "run",
                "--full-refresh",
                "clickup-to-s3",
            ],
            env={**os.environ, "TARGET_FILES__S3_ENDPOINT_URL": endpoint},
            check=False,
        )
        if done.returncode != 0:
            return done.returncode
        print(f"\ns3://{BUCKET}/ (moto on {endpoint}):")
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            for item in page.get("Contents", []):
                print(f"  {item['Size']:>9}  {item['Key']}")
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
