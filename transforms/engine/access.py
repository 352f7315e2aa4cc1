"""What SQL models may reach beyond the warehouse.

A ``.sql`` model is free SQL, so left alone it could read any file the process can
(``read_csv('/etc/passwd')``, ``FROM 'secrets.json'``), write files (``COPY``), attach
other databases, fetch URLs or install extensions. Untrusted models therefore run on a
connection whose DuckDB setting ``enable_external_access`` is off: every one of those is
refused by DuckDB itself, and the setting cannot be switched back on while the database is
open, so no model can undo it.

Because that switch is one-way for the open database, the few models marked
``-- trusted: true`` (and every output they read) run first; then access is switched off
and everything else follows, mapping outputs included (they read warehouse tables only, so
they never need it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import duckdb

from transforms.engine.errors import MappingError
from transforms.engine.graph import upstream_names
from transforms.engine.model import Model, SqlModel


def in_access_order(
    connection: duckdb.DuckDBPyConnection, models: Sequence[Model]
) -> Iterator[Model]:
    """Yield ``models`` trusted part first, switching external access off before the rest."""
    trusted, rest = split_by_trust(models)
    yield from trusted
    restrict_external_access(connection)
    yield from rest


def is_untrusted_sql(model: Model) -> bool:
    """True for a ``.sql`` model not marked ``-- trusted: true``."""
    return isinstance(model, SqlModel) and not model.trusted


def split_by_trust(models: Sequence[Model]) -> tuple[list[Model], list[Model]]:
    """``models`` (in run order) split into what runs with external access on — trusted SQL
    models and what they read — and everything else, each part in run order.

    Raises :class:`MappingError` when a trusted model reads an untrusted SQL model, since
    that one would have to run, sandboxed, before the trusted one could.
    """
    by_name = {model.name: model for model in models}
    names = set(by_name)
    early: set[str] = set()
    for model in models:
        if not (isinstance(model, SqlModel) and model.trusted):
            continue
        pending, trail = [model.name], {model.name: model.name}
        while pending:
            name = pending.pop()
            early.add(name)
            for upstream in upstream_names(by_name[name], names):
                if upstream in early:
                    continue
                trail[upstream] = name
                if is_untrusted_sql(by_name[upstream]):
                    raise MappingError(
                        f"trusted SQL model {model.name!r} reads {upstream!r}"
                        f"{_via(trail, upstream, model.name)}, an untrusted SQL model; untrusted "
                        "models run with external access off, after the trusted ones. Mark "
                        f"{upstream!r} '-- trusted: true' too, or let {model.name!r} read only "
                        "mapping outputs and loaded tables",
                        model.location,
                    )
                pending.append(upstream)
    return [m for m in models if m.name in early], [m for m in models if m.name not in early]


def _via(trail: dict[str, str], name: str, start: str) -> str:
    steps = []
    node = trail[name]
    while node != start:
        steps.append(node)
        node = trail[node]
    return f" (through {', '.join(reversed(steps))})" if steps else ""


def restrict_external_access(connection: duckdb.DuckDBPyConnection) -> None:
    """Switch DuckDB's external access off for the open database, for good."""
    connection.execute("SET enable_external_access = false")
