"""Base URLs served for the run by a provider chosen by URL scheme (``sandbox://clickup``).

A provider is named, not imported: :data:`PROVIDERS` maps a scheme to ``module:function``,
and the ``brainhub.base_url_schemes`` entry points add more. The function takes the whole URL
and returns a :class:`StartedService`; the connection uses its ``base_url`` and fills in the
``credentials`` it accepts. ``http``/``https`` URLs need no provider.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from importlib.metadata import entry_points
from typing import Protocol
from urllib.parse import urlsplit

from brainhub.errors import ConfigError

ENTRY_POINT_GROUP = "brainhub.base_url_schemes"
#: Schemes served by packages of this distribution.
PROVIDERS: dict[str, str] = {"sandbox": "brainhub.sandbox.server:start_for_url"}
PLAIN_SCHEMES = ("http", "https")


class StartedService(Protocol):
    """What a provider started: where it listens, what it accepts, how to stop it."""

    @property
    def base_url(self) -> str: ...

    @property
    def credentials(self) -> dict[str, str]: ...

    def stop(self) -> None: ...


Starter = Callable[[str], StartedService]
_registered: dict[str, Starter] = {}


def register_scheme(scheme: str, starter: Starter) -> None:
    """Serve ``<scheme>://…`` base URLs with ``starter`` (replaces a provider of that name)."""
    _registered[scheme] = starter


def known_schemes() -> list[str]:
    """Every scheme a base URL may use, sorted."""
    named = {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return sorted({*PLAIN_SCHEMES, *PROVIDERS, *named, *_registered})


def served_scheme(url: str) -> str | None:
    """The scheme of ``url`` if a provider serves it, None for a plain (or no) scheme."""
    scheme = urlsplit(url).scheme if "://" in url else ""
    return None if scheme in ("", *PLAIN_SCHEMES) else scheme


def start_service(url: str) -> StartedService:
    """Start what serves ``url``; a ConfigError names the schemes there are if none does."""
    scheme = served_scheme(url) or ""
    return _starter(scheme, url)(url)


def _starter(scheme: str, url: str) -> Starter:
    if scheme in _registered:
        return _registered[scheme]
    target = PROVIDERS.get(scheme)
    if target is None:
        for ep in entry_points(group=ENTRY_POINT_GROUP, name=scheme):
            target = ep.value
    if target is None:
        raise ConfigError(
            f"setting 'base_url': no provider serves {scheme}:// URLs ({url!r}); "
            f"valid schemes: {', '.join(known_schemes())}"
        )
    module, _, function = target.partition(":")
    starter: Starter = getattr(import_module(module), function)
    return starter
