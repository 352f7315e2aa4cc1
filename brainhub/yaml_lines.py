"""Load YAML while remembering the line of every mapping, list and key.

Mappings load as :class:`LineDict` and lists as :class:`LineList`: ordinary ``dict`` and
``list`` objects (so JSON Schema validation works on them unchanged) that also carry
``line`` (where the node starts) and ``key_lines`` / ``item_lines`` (where each entry
starts). Lines are 1-based.

Three limits keep hostile files cheap: a text longer than :data:`MAX_DOCUMENT_CHARS`,
nesting deeper than :data:`MAX_DEPTH` and aliases that would expand the document beyond
:data:`MAX_NODES` nodes (a "billion laughs" alias bomb) are YAML errors with the line where
they happen, found before anything walks the document. :func:`load_yaml` applies them to
plain YAML (``meltano.yml``, ``webhooks.yaml``…) as :func:`yaml.safe_load` would load it;
every YAML file the project reads goes through one of the two.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import ComposerError

#: Deepest nesting of mappings and lists accepted (a spec needs fewer than ten levels).
MAX_DEPTH = 64
#: Most nodes a document may hold once every alias is expanded.
MAX_NODES = 100_000
#: Longest YAML text accepted, in characters (the largest shipped file is under 100 KiB).
MAX_DOCUMENT_CHARS = 16 * 1024 * 1024


class LineDict(dict[str, Any]):
    """A YAML mapping with the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A YAML sequence with the line it starts on and the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        """The line of item ``index``, or of the sequence itself when out of range."""
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _CappedLoader(yaml.SafeLoader):
    """A safe loader refusing nesting deeper than MAX_DEPTH and alias bombs (MAX_NODES)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise ComposerError(
                    None,
                    None,
                    f"nesting deeper than {MAX_DEPTH} levels",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None:
            _check_expansion(node)
        return node


class _LineLoader(_CappedLoader):
    """A capped safe loader that builds :class:`LineDict` / :class:`LineList` nodes.

    Booleans follow YAML 1.2: only ``true`` / ``false``, so keys and values such as ``on``,
    ``yes`` and ``no`` stay text (a join's ``on:`` key, accepted values like ``no``).
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _check_expansion(root: yaml.Node) -> None:
    """Raise a ComposerError if aliases expand ``root`` beyond MAX_NODES or into a loop.

    Sizes are counted once per node (aliases share nodes), so this is linear in the file.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise ComposerError(None, None, "an alias refers to its own anchor", node.start_mark)
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        open_nodes.discard(key)
        if total > MAX_NODES:
            raise ComposerError(
                None,
                None,
                f"the document holds more than {MAX_NODES} nodes once aliases are expanded",
                node.start_mark,
            )
        sizes[key] = total
        return total

    size(root)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key) if not isinstance(key, bool) else str(key).lower()
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml_with_lines(text: str) -> Any:
    """Parse one YAML document; mappings and lists remember their lines.

    Raises ``yaml.YAMLError`` (with a ``problem_mark``) on malformed YAML, a character YAML
    does not allow (a control character) included, and on a text over the limits above.
    """
    return _load(text, _LineLoader)


def load_yaml(text: str) -> Any:
    """Parse one YAML document as :func:`yaml.safe_load` does (plain dicts and lists, YAML
    1.1 booleans), within the limits above; errors as :func:`load_yaml_with_lines`."""
    return _load(text, _CappedLoader)


def yaml_error_line(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """The 1-based line of a YAML error (None when unknown) and its problem, one line."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or ["malformed"])[0]
    return (mark.line + 1 if mark is not None else None), str(problem)


def _load(text: str, loader: type[_CappedLoader]) -> Any:
    if len(text) > MAX_DOCUMENT_CHARS:
        raise yaml.MarkedYAMLError(
            problem=f"the document is longer than {MAX_DOCUMENT_CHARS} characters "
            f"({len(text)}); a configuration file this large is refused",
            problem_mark=yaml.Mark("<text>", 0, 0, 0, None, 0),
        )
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.reader.ReaderError as exc:
        # PyYAML's own message spans two lines and counts characters; say line and column.
        line = text.count("\n", 0, exc.position)
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise yaml.MarkedYAMLError(
            problem=f"character #x{code:04x} at column {column + 1} is not allowed in YAML "
            "(neither control characters nor U+FFFE/U+FFFF are); remove it or write it escaped in "
            "double quotes",
            problem_mark=yaml.Mark("<text>", exc.position, line, column, text, exc.position),
        ) from None


def line_at(document: Any, path: tuple[str | int, ...]) -> int | None:
    """The line of the node at ``path`` (keys and indexes), or of its nearest ancestor."""
    node, line = document, getattr(document, "line", None)
    for part in path:
        step = _step(node, part)
        if step is None:
            break
        line, node = step
    return line


def _step(node: Any, part: str | int) -> tuple[int, Any] | None:
    if isinstance(node, LineDict) and isinstance(part, str) and part in node:
        return node.line_of(part), node[part]
    if isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
        return node.line_of(part), node[part]
    return None
