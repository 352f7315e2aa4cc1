"""Which emulators exist: one package per service under ``brainhub.sandbox.services``.

A service package exposes its emulator class as ``EMULATOR`` in its ``__init__``; a
service whose name has a dash (``google-workspace``) lives in the package with an
underscore (``google_workspace``).
"""

from __future__ import annotations

import importlib
import pkgutil

from brainhub.errors import EmulatorError
from brainhub.sandbox import services as _services_package
from brainhub.sandbox.emulator import Emulator


def services() -> list[str]:
    """The names of every service with an emulator, sorted."""
    return sorted(
        info.name.replace("_", "-")
        for info in pkgutil.iter_modules(_services_package.__path__)
        if info.ispkg
    )


def emulator_class(service: str) -> type[Emulator]:
    """The emulator class of ``service``; the error lists the valid services."""
    known = services()
    if service not in known:
        raise EmulatorError(
            f"no sandbox emulator for service {service!r}; valid services are "
            f"{', '.join(known) or '(none)'}"
        )
    package = service.replace("-", "_")
    module = importlib.import_module(f"{_services_package.__name__}.{package}")
    cls = getattr(module, "EMULATOR", None)
    if not (isinstance(cls, type) and issubclass(cls, Emulator)):
        raise EmulatorError(
            f"{module.__name__} must define EMULATOR, a subclass of brainhub.sandbox.Emulator"
        )
    return cls
