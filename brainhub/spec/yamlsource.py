"""YAML that remembers where each value came from, so errors can name a line.

``load_with_lines(text)`` returns plain Python data plus a ``LineMap``: the 1-based line of
every mapping key and sequence item, addressed by its path (a tuple of keys and indexes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass
class LineMap:
    """The source line of each path in a YAML document."""

    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


def load_with_lines(text: str) -> tuple[Any, LineMap]:
    """Parse one YAML document; raise ``yaml.YAMLError`` on bad syntax."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    line_map = LineMap()
    if node is None:
        return None, line_map
    constructor = yaml.SafeLoader("")
    return _build(node, (), line_map, constructor), line_map


def _build(node: yaml.Node, path: Path, line_map: LineMap, constructor: yaml.SafeLoader) -> Any:
    line_map.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            child = (*path, key)
            line_map.lines[child] = key_node.start_mark.line + 1
            result[key] = _build(value_node, child, line_map, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*path, index), line_map, constructor)
            for index, item in enumerate(node.value)
        ]
    return constructor.construct_object(node, deep=True)
