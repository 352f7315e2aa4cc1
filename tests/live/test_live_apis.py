"""Against the real vendor APIs: opt in with BRAINHUB_LIVE=1 and the service's credentials.

Each test checks the connection the way `tap-<service> --test` does and reads one record of
the first stream. Without opting in, they are skipped with the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from taps.runtime.registry import load_connector, services

BIN = Path(sys.executable).parent

pytestmark = pytest.mark.live


def _credentials(service: str) -> dict[str, str]:
    spec = load_connector(service)
    prefix = f"TAP_{service.upper()}_"
    return {
        name: os.environ[prefix + name.upper()]
        for name in spec.secret_settings
        if prefix + name.upper() in os.environ
    }


@pytest.mark.parametrize("service", services())
def test_connection_to_the_real_api(service: str) -> None:
    if os.environ.get("BRAINHUB_LIVE") != "1":
        pytest.skip("live API tests are opt-in: set BRAINHUB_LIVE=1 and the service's credentials")
    spec = load_connector(service)
    missing = [n for n in spec.secret_settings if n not in _credentials(service)]
    if missing:
        pytest.skip(
            f"no credentials for {service}: set "
            + ", ".join(f"TAP_{service.upper()}_{n.upper()}" for n in missing)
        )
    result = subprocess.run(
        [str(BIN / f"tap-{service}"), "--config", "ENV", "--test"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, f"TAP_{service.upper()}_START_DATE": "2024-01-01T00:00:00Z"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
