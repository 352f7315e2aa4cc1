"""Run order: every output after the outputs it reads, and cycles reported clearly."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence

from transforms.engine.errors import MappingCycleError, MappingError
from transforms.engine.model import Model


def upstream_names(model: Model, names: set[str]) -> list[str]:
    """The outputs among ``names`` that ``model`` reads (matching by full name)."""
    return [name for name in model.depends_on if name in names and name != model.name]


def order_models(models: Sequence[Model]) -> list[Model]:
    """Models in dependency order; stable (file order) among independent ones.

    Raises :class:`MappingError` for two outputs with one name and
    :class:`MappingCycleError` naming the cycle and where each step is declared.
    """
    by_name: dict[str, Model] = {}
    for model in models:
        if model.name in by_name:
            first = by_name[model.name].location
            raise MappingError(
                f"output {model.name!r} is declared twice (first at {first})", model.location
            )
        by_name[model.name] = model
    names = set(by_name)
    ordered: list[Model] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "active":
            cycle = [*trail[trail.index(name) :], name]
            steps = ", ".join(f"{n} at {by_name[n].location}" for n in cycle[:-1])
            raise MappingCycleError(
                f"outputs depend on each other in a cycle: {' → '.join(cycle)} ({steps})",
                by_name[name].location,
            )
        state[name] = "active"
        for dependency in upstream_names(by_name[name], names):
            visit(dependency, [*trail, name])
        state[name] = "done"
        ordered.append(by_name[name])

    for model in models:
        visit(model.name, [])
    return ordered


def select_models(models: Sequence[Model], selectors: Iterable[str]) -> list[Model]:
    """The ordered models matching dbt-style selectors.

    A selector is an output name or glob (``stg_clickup.*``); ``+name`` adds everything it
    reads, ``name+`` everything that reads it. Unknown selectors raise ``MappingError``.
    """
    ordered = order_models(models)
    names = {model.name for model in ordered}
    by_name = {model.name: model for model in ordered}
    readers = {n: [m.name for m in ordered if n in upstream_names(m, names)] for n in names}
    chosen: set[str] = set()
    for selector in selectors:
        up, down = selector.startswith("+"), selector.endswith("+")
        pattern = selector.strip("+")
        matched = {name for name in names if fnmatch.fnmatchcase(name, pattern)}
        if not matched:
            valid = ", ".join(sorted(names)) or "none"
            raise MappingError(f"--select {selector!r} matches no output (outputs: {valid})")
        if up:
            matched |= _closure(matched, lambda n: upstream_names(by_name[n], names))
        if down:
            matched |= _closure(matched, readers.__getitem__)
        chosen |= matched
    return [model for model in ordered if model.name in chosen]


def _closure(start: set[str], neighbours: Callable[[str], list[str]]) -> set[str]:
    seen = set(start)
    pending = list(start)
    while pending:
        for other in neighbours(pending.pop()):
            if other not in seen:
                seen.add(other)
                pending.append(other)
    return seen
