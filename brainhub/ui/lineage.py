"""Lineage: for each warehouse table, the connector stream that loads it, the models built
from it (``transforms/``) and the outbound pipelines (jobs running tap-warehouse) reading it;
laid out as an SVG graph in columns, sources on the left."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from brainhub.errors import BrainhubError
from brainhub.ui.project import ProjectView
from transforms.engine.model import Model
from transforms.engine.project import Project, discover

_QUALIFIED = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\b")


@dataclass
class Lineage:
    """Nodes (``id`` → kind, label) and edges (source id, target id)."""

    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)
    edges: set[tuple[str, str]] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def add(self, node: str, kind: str, label: str | None = None) -> str:
        self.nodes.setdefault(node, (kind, label or node))
        return node

    def link(self, source: str, target: str) -> None:
        self.edges.add((source, target))

    def tables(self) -> list[dict[str, Any]]:
        """One entry per table: what loads it, what is built from it, what reads it."""
        rows = []
        for node, (kind, label) in sorted(self.nodes.items()):
            if kind not in ("table", "model"):
                continue
            into = [t for s, t in self.edges if s == node]
            rows.append(
                {
                    "table": label,
                    "kind": kind,
                    "loaded_by": sorted(
                        self.nodes[s][1]
                        for s, t in self.edges
                        if t == node
                        if self.nodes[s][0] == "stream"
                    ),
                    "built_from": sorted(
                        self.nodes[s][1]
                        for s, t in self.edges
                        if t == node
                        if self.nodes[s][0] in ("table", "model")
                    ),
                    "models": sorted(self.nodes[t][1] for t in into if self.nodes[t][0] == "model"),
                    "pipelines": sorted(
                        self.nodes[t][1] for t in into if self.nodes[t][0] == "pipeline"
                    ),
                }
            )
        return rows


def load_models(transforms: Path) -> list[Model]:
    """The models of ``transforms/`` that build warehouse tables (``schema.table``).

    Read again only when a file under it changes (the key is every file's mtime).
    """
    files = tuple((str(f), f.stat().st_mtime_ns) for f in discover([transforms]))
    return list(_models(files, transforms))


@functools.lru_cache(maxsize=4)
def _models(files: tuple[tuple[str, int], ...], transforms: Path) -> tuple[Model, ...]:
    del files  # the cache key
    return tuple(m for m in Project.load([transforms]).models if "." in m.name)


def build_lineage(
    view: ProjectView, stream_tables: Iterable[tuple[str, str, str]], tables: Iterable[str]
) -> Lineage:
    """The graph from the warehouse's ``(schema, stream, table)`` registrations, its table
    names, the project's models and its tap-warehouse jobs."""
    graph = Lineage()
    known = set(tables)
    for schema, stream, table in stream_tables:
        name = f"{schema}.{table}"
        known.add(name)
        source = graph.add(f"stream:{schema}:{stream}", "stream", f"{_tap(schema)} {stream}")
        graph.link(source, graph.add(name, "table"))
    try:
        models = load_models(view.root / "transforms")
    except (BrainhubError, OSError) as exc:
        models = []
        graph.notes.append(f"the models of transforms/ could not be read: {exc}")
    built = {m.name for m in models}
    for model in models:
        graph.add(model.name, "model")
        for source in model.depends_on:
            if "." not in source:
                continue
            if source not in built and source not in graph.nodes:
                graph.add(source, "table")
                schema, table = source.split(".", 1)
                if schema.startswith("raw_"):
                    stream = graph.add(
                        f"stream:{schema}:{table}", "stream", f"{_tap(schema)} {table}"
                    )
                    graph.link(stream, source)
            graph.link(source, model.name)
    known |= set(built)
    for job, readers in view.warehouse_readers().items():
        pipeline = graph.add(f"job:{job}", "pipeline", job)
        for _plugin, reader in readers:
            text = str(reader.get("table") or reader.get("query") or "")
            for schema, table in _QUALIFIED.findall(text):
                name = f"{schema}.{table}"
                if name in known:
                    graph.add(name, "model" if name in built else "table")
                    graph.link(name, pipeline)
    for name in known:
        graph.add(name, "model" if name in built else "table")
        if name.endswith("__rejected") and name.removesuffix("__rejected") in built:
            graph.link(name.removesuffix("__rejected"), name)  # a model's rejected rows
    return graph


def _tap(schema: str) -> str:
    return "tap-" + schema.removeprefix("raw_") if schema.startswith("raw_") else schema


KIND_COLOURS = {"stream": "#e7f0ff", "table": "#f1f3f5", "model": "#ebfbee", "pipeline": "#fff4e6"}
BOX_W, BOX_H, COL_GAP, ROW_GAP = 200, 22, 250, 30


def lineage_svg(graph: Lineage) -> Markup:
    """The graph in columns: streams, then tables and models by depth, then pipelines."""
    if not graph.nodes:
        return Markup(
            '<svg class="chart empty" width="300" height="30"><text x="4" y="18">'
            "nothing to show yet</text></svg>"
        )
    depth = _depths(graph)
    columns: dict[int, list[str]] = {}
    for node in sorted(graph.nodes, key=lambda n: (depth[n], graph.nodes[n][1])):
        columns.setdefault(depth[node], []).append(node)
    where = {
        node: (20 + col * COL_GAP, 20 + row * ROW_GAP)
        for col, nodes in columns.items()
        for row, node in enumerate(nodes)
    }
    width = 40 + max(columns) * COL_GAP + BOX_W
    height = 40 + max(len(n) for n in columns.values()) * ROW_GAP
    parts = [
        f'<svg class="chart lineage" width="{width}" height="{height}" role="img" '
        'aria-label="lineage">'
    ]
    for source, target in sorted(graph.edges):
        (x1, y1), (x2, y2) = where[source], where[target]
        start, top, bottom = x1 + BOX_W, y1 + BOX_H / 2, y2 + BOX_H / 2
        mid = (start + x2) / 2
        parts.append(
            f'<path class="mark edge" d="M{start},{top} C{mid},{top} {mid},{bottom} {x2},{bottom}" '
            'fill="none" stroke="#868e96"/>'
        )
    for node, (kind, label) in graph.nodes.items():
        x, y = where[node]
        parts.append(
            f'<g class="mark node {kind}" data-node="{escape(label)}"><rect x="{x}" y="{y}" '
            f'width="{BOX_W}" height="{BOX_H}" rx="4" fill="{KIND_COLOURS[kind]}" '
            f'stroke="#495057"/><text x="{x + 6}" y="{y + 15}">{escape(label[:30])}</text>'
            f"<title>{kind}: {escape(label)}</title></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it is escaped


def _depths(graph: Lineage) -> dict[str, int]:
    inputs: dict[str, list[str]] = {}
    for source, target in graph.edges:
        inputs.setdefault(target, []).append(source)
    depth: dict[str, int] = {}

    def of(node: str, trail: frozenset[str]) -> int:
        if node in depth:
            return depth[node]
        kind = graph.nodes[node][0]
        if kind == "stream":
            found = 0
        else:
            found = 1 + max(
                (of(s, trail | {node}) for s in inputs.get(node, []) if s not in trail),
                default=0,
            )
        depth[node] = found
        return found

    for node in graph.nodes:
        of(node, frozenset())
    last = max(depth.values(), default=0)
    for node, (kind, _) in graph.nodes.items():
        if kind == "pipeline":
            depth[node] = last
    return depth
