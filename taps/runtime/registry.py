"""Where connector specs live: ``taps/<service>/spec.yaml``, shipped inside the package."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from brainhub.errors import ConfigError
from brainhub.spec.loader import load_spec
from brainhub.spec.model import ConnectorSpec

TAPS_DIR = Path(__file__).resolve().parent.parent
SPEC_FILE = "spec.yaml"


def services() -> list[str]:
    """Every service with a connector spec, sorted, as executables and the sandbox name it
    (``taps/google_workspace`` is ``google-workspace``)."""
    return sorted(p.parent.name.replace("_", "-") for p in TAPS_DIR.glob(f"*/{SPEC_FILE}"))


def spec_path(service: str) -> Path:
    """The spec file of ``service`` (``google-workspace`` names ``taps/google_workspace``);
    a ConfigError lists the valid services if there is none."""
    path = TAPS_DIR / service.replace("-", "_") / SPEC_FILE
    if not path.is_file():
        raise ConfigError(f"no connector named {service!r} (connectors: {', '.join(services())})")
    return path


@cache
def load_connector(service: str) -> ConnectorSpec:
    """The loaded, checked spec of ``service``."""
    return load_spec(spec_path(service))


def service_for_executable(executable: str) -> str:
    """``tap-clickup`` → ``clickup``."""
    name = executable.removesuffix(".exe")
    if not name.startswith("tap-"):
        raise ConfigError(
            f"cannot tell the connector from the executable name {executable!r}; "
            "run it as tap-<service>"
        )
    return name.removeprefix("tap-").replace("-", "_")
