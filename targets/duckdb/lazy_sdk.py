"""Start-up: import only the parts of the Singer SDK a target uses.

``singer_sdk/__init__.py`` imports the whole SDK for its top-level names: taps, REST and
GraphQL streams, and with them ``requests``, JSONPath parsers and more, about a third of a
target's start-up, although a target needs none of them. :func:`defer_package_init`
registers the ``singer_sdk`` package without running that file, so that importing
``singer_sdk.target_base`` (or any other submodule) loads just that submodule and what it
imports. The first use of a name the file defines (``singer_sdk.Stream``, ``from
singer_sdk import Tap``…) runs it then, in the same module object; names of submodules
load the submodule. Either way, every name resolves to the same object as with an eager
import. Nothing is deferred when the SDK was imported before.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

PACKAGE = "singer_sdk"


def defer_package_init(package: str = PACKAGE) -> None:
    """Register ``package`` with its ``__init__`` deferred until a name of it is used."""
    if package in sys.modules:
        return
    spec = importlib.util.find_spec(package)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    module = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def load_init() -> None:
        del module.__getattr__
        loader.exec_module(module)

    def __getattr__(name: str) -> Any:  # noqa: N807 - a module's attribute hook
        if name.startswith("__"):
            raise AttributeError(name)
        if importlib.util.find_spec(f"{package}.{name}") is not None:
            return importlib.import_module(f"{package}.{name}")
        load_init()
        return getattr(module, name)

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[package] = module
