"""The Singer SDK's standard suites run against the sandbox emulators, started in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def sandbox_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Emulators keep their data generation in a directory of the session's own."""
    path = tmp_path_factory.mktemp("sandbox")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRAINHUB_SANDBOX_DIR", str(path))
        yield path
