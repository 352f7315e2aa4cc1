"""Load a connector spec: read → validate against the format's JSON Schema → build → check.

Every error is a :class:`~brainhub.errors.SpecError` that names the file, the line, the path
inside the spec, the bad value and what would be valid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import yaml

from brainhub.errors import SpecError
from brainhub.http.policy import HttpPolicy
from brainhub.spec.blocks import decode_auth, decode_paginator
from brainhub.spec.jsonpaths import jsonpath_problem, path_problem
from brainhub.spec.model import (
    ENGINE_SETTINGS,
    CheckRequest,
    ConnectorSpec,
    DeltaLink,
    Incremental,
    ParentLink,
    Resync,
    Setting,
    StreamSpec,
    SyncToken,
    SyncTokenStart,
    Variant,
)
from brainhub.spec.placeholders import placeholder_problems, placeholders_in
from brainhub.spec.schemas import load_stream_schema, schema_fields
from brainhub.spec.validation import dotted_path, spec_problems
from brainhub.spec.writes import decode_writes, write_problems
from brainhub.yaml_lines import line_at, load_yaml_with_lines

MAX_LISTED_PROBLEMS = 10


def load_spec(path: str | Path) -> ConnectorSpec:
    """Load and fully check the spec at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"cannot read spec: {exc.strerror}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raw = path.read_bytes()
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SpecError(
            f"line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the spec as UTF-8",
            file=str(path),
        ) from None
    return parse_spec(text, path)


def parse_spec(text: str, source: Path) -> ConnectorSpec:
    """Build a spec from YAML text; ``source`` locates schema files and names the file in errors."""
    where = str(source)
    try:
        data = load_yaml_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(f"{line}invalid YAML: {problem}", file=where) from None
    if not isinstance(data, dict):
        raise SpecError("a spec is a mapping with name, base_url and streams", file=where)
    problems = spec_problems(data)
    if problems:
        raise SpecError(_listing(problems), file=where)
    try:
        spec = _build(data, source)
    except _BlockError as exc:
        raise SpecError(
            _listing([(line_at(data, exc.path), dotted_path(exc.path), exc.message)]), file=where
        ) from None
    _check(spec, data)
    return spec


class _BlockError(Exception):
    """A typed block the schema let through but its model refused (path inside the spec)."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _typed(path: tuple[str | int, ...], decode: Any, raw: Any) -> Any:
    try:
        return decode(raw)
    except msgspec.ValidationError as exc:
        raise _BlockError(path, str(exc)) from None


def _http_policy(data: dict[str, Any]) -> HttpPolicy:
    try:
        return HttpPolicy.from_spec(data.get("http"), data.get("errors"))
    except SpecError as exc:
        path = _split_path(exc.path or "http")
        message = str(exc).removeprefix(f"{exc.path}: ") if exc.path else str(exc)
        raise _BlockError(path, message) from None


def _split_path(dotted: str) -> tuple[str | int, ...]:
    """``errors[0].when.body`` → ``("errors", 0, "when", "body")``."""
    parts: list[str | int] = []
    for piece in dotted.split("."):
        name, *indexes = piece.replace("]", "").split("[")
        if name:
            parts.append(name)
        parts += [int(i) for i in indexes]
    return tuple(parts)


def _listing(problems: list[tuple[int | None, str, str]]) -> str:
    shown = [
        f"line {line}: {path}: {message}" if path else f"line {line}: {message}"
        for line, path, message in problems[:MAX_LISTED_PROBLEMS]
    ]
    more = len(problems) - MAX_LISTED_PROBLEMS
    if more > 0:
        shown.append(f"… and {more} more")
    return "\n  ".join(shown) if len(shown) == 1 else "\n  " + "\n  ".join(shown)


def _build(data: dict[str, Any], source: Path) -> ConnectorSpec:
    defaults = data.get("defaults", {})
    streams = {
        name: _build_stream(name, {**defaults, **raw}, source.parent)
        for name, raw in data["streams"].items()
    }
    settings = {
        name: Setting(
            name=name,
            type=raw["type"],
            required=raw.get("required", False),
            secret=raw.get("secret", False),
            description=raw.get("description", ""),
            default=raw.get("default"),
            enum=tuple(raw["enum"]) if "enum" in raw else None,
            items=raw.get("items"),
        )
        for name, raw in data.get("settings", {}).items()
    }
    return ConnectorSpec(
        name=data["name"],
        title=data.get("title", data["name"]),
        description=data.get("description", ""),
        docs_url=data.get("docs_url", ""),
        base_url=data["base_url"],
        settings=settings,
        auth=_typed(("auth",), decode_auth, data.get("auth", "none")),
        headers=dict(data.get("headers", {})),
        http=_http_policy(data),
        streams=streams,
        writes=_typed(("writes",), decode_writes, data.get("writes")),
        check=_check_request(data.get("check")),
        hosts=dict(data.get("hosts", {})),
        link_hosts=tuple(data.get("link_hosts", ())),
        source=source,
    )


def _check_request(raw: dict[str, Any] | None) -> CheckRequest | None:
    if raw is None:
        return None
    headers = raw.get("rate_limit_headers", {})
    return CheckRequest(
        path=raw["path"],
        method=raw.get("method", "GET"),
        remaining_header=headers.get("remaining"),
        limit_header=headers.get("limit"),
    )


def _build_stream(name: str, raw: dict[str, Any], spec_dir: Path) -> StreamSpec:
    parent = raw.get("parent")
    if isinstance(parent, list):
        parents = tuple(ParentLink(p["stream"], p["path"]) for p in parent)
        path = raw.get("path", parents[0].path)
    else:
        path = raw["path"]
        parents = (ParentLink(parent, path),) if parent else ()
    key = raw.get("primary_key", ())
    incremental = raw.get("incremental")
    sync_token = None
    if incremental and incremental.get("type") == "sync_token":
        sync_token, incremental = _sync_token(incremental), None
    return StreamSpec(
        name=name,
        path=path,
        schema_file=spec_dir / raw.get("schema", f"schemas/{name}.json"),
        description=raw.get("description", ""),
        method=raw.get("method", "GET"),
        params=dict(raw.get("params", {})),
        body=raw.get("body"),
        records=raw.get("records", "$[*]"),
        primary_key=(key,) if isinstance(key, str) else tuple(key),
        paginator=_typed(
            ("streams", name, "paginator"), decode_paginator, raw.get("paginator", "none")
        ),
        incremental=_cursor_incremental(incremental),
        delta=_delta_link(incremental),
        parents=parents,
        add_fields=dict(raw.get("add_fields", {})),
        filter=raw.get("filter"),
        variants=tuple(Variant(**v) for v in raw.get("variants", ())),
        selected_by_default=raw.get("selected_by_default", True),
        skip_on=tuple(raw.get("skip_on", ())),
        parent_filter=raw.get("parent_filter"),
        only_changed_parents=_changed_parents(raw.get("only_changed_parents", False)),
        conditional_requests=raw.get("conditional_requests", False),
        deleted=_conditions(raw.get("deleted")),
        host=raw.get("host"),
        sync_token=sync_token,
    )


def _sync_token(raw: dict[str, Any]) -> SyncToken:
    start = raw.get("start")
    return SyncToken(
        param=raw["param"],
        token_from=raw["token_from"],
        start=SyncTokenStart(
            path=start["path"], token_from=start["token_from"], params=dict(start.get("params", {}))
        )
        if start
        else None,
        path=raw.get("path"),
        params=dict(raw["params"]) if "params" in raw else None,
        records=raw.get("records"),
        deleted_records=raw.get("deleted_records"),
        unwrap=raw.get("unwrap"),
        add_fields=dict(raw.get("add_fields", {})),
        expired=tuple(raw.get("expired", (410,))),
    )


def _check_delta_link(spec: ConnectorSpec, stream: StreamSpec, base: Any, problem: Any) -> None:
    """A delta-link stream names a readable link and has no children (they would be read
    only for the records that changed)."""
    if stream.delta is None:
        return
    message = path_problem(stream.delta.from_body)
    if message:
        problem((*base, "incremental", "from_body"), message)
    children = sorted(s.name for s in spec.streams.values() if stream.name in s.parent_names)
    if children:
        problem(
            (*base, "incremental"),
            f"a stream read through delta links cannot be a parent ({', '.join(children)} "
            "would be read only for changed records); give them a full-table parent",
        )


def _cursor_incremental(raw: Any) -> Incremental | None:
    """The ``incremental:`` block of kind ``cursor`` (the default), else None."""
    if not raw or raw.get("type", "cursor") != "cursor":
        return None
    return Incremental(**{k: v for k, v in raw.items() if k != "type"})


def _delta_link(raw: Any) -> DeltaLink | None:
    """The ``incremental:`` block of kind ``delta_link``, else None."""
    if not raw or raw.get("type") != "delta_link":
        return None
    resync = raw.get("resync")
    return DeltaLink(
        from_body=raw["from_body"],
        resync=Resync(
            statuses=tuple(resync["status"]),
            code_at=resync.get("code_at"),
            codes=tuple(resync.get("codes", ())),
        )
        if resync
        else None,
    )


def _changed_parents(raw: Any) -> bool | str:
    """``true``/``false``, or the field named by ``{field: x}``."""
    return str(raw["field"]) if isinstance(raw, dict) else bool(raw)


def _conditions(raw: Any) -> tuple[dict[str, Any], ...]:
    if raw is None:
        return ()
    return tuple(dict(c) for c in raw) if isinstance(raw, list) else (dict(raw),)


def _check(spec: ConnectorSpec, document: Any) -> None:
    """Checks the JSON Schema cannot express: references between parts of the spec."""
    problems: list[tuple[int | None, str, str]] = []

    def problem(path: tuple[str | int, ...], message: str) -> None:
        problems.append((line_at(document, path), dotted_path(path), message))

    known_settings = set(spec.settings) | set(ENGINE_SETTINGS)
    auth = spec.auth.placeholders()
    for key, part in (("auth", auth), ("headers", spec.headers), ("base_url", spec.base_url)):
        for message in placeholder_problems(part):
            problem((key,), message)
    for scope, name in placeholders_in([auth, spec.headers, spec.base_url]):
        if scope != "config":
            problem(("auth",), f"{{{scope}}} is only valid inside streams")  # or writes
        elif (name or "").split(".")[0] not in known_settings:
            problem(("auth",), _unknown_setting(name, known_settings))
    if spec.check is not None:
        for message in placeholder_problems(spec.check.path):
            problem(("check", "path"), message)
        for scope, name in placeholders_in(spec.check.path):
            if scope != "config":
                problem(("check", "path"), f"{{{scope}}} is only valid inside streams")
            elif (name or "").split(".")[0] not in known_settings:
                problem(("check", "path"), _unknown_setting(name, known_settings))
    _check_hosts(spec, problem)
    for stream in spec.streams.values():
        base = ("streams", stream.name)
        if stream.parent_filter is not None and not stream.parents:
            problem((*base, "parent_filter"), "parent_filter needs a parent stream")
        _check_changed_parents(spec, stream, problem)
        if stream.conditional_requests:
            children = sorted(
                s.name for s in spec.streams.values() if stream.name in s.parent_names
            )
            if children:
                problem(
                    (*base, "conditional_requests"),
                    "conditional_requests is only for streams without children: a 304 has no "
                    f"records to read {', '.join(children)} for",
                )
        for parent in stream.parent_names:
            if parent not in spec.streams:
                problem(
                    (*base, "parent"),
                    f"unknown parent stream {parent!r} "
                    f"(streams: {', '.join(sorted(spec.streams))})",
                )
        sync = stream.sync_token
        parts = [
            stream.path,
            [sync.path, sync.start.path if sync.start else None] if sync else None,
            [p.path for p in stream.parents],
            stream.filter,
            [v.when for v in stream.variants],
            stream.incremental.param_template if stream.incremental else None,
            stream.request_parts(),
        ]
        for message in placeholder_problems(parts):
            problem(base, message)
        for scope, name in placeholders_in(parts):
            if scope == "config" and (name or "").split(".")[0] not in known_settings:
                problem(base, _unknown_setting(name, known_settings))
            elif scope == "parent" and not stream.parents:
                problem(base, f"{{parent.{name}}} used but the stream has no parent")
            elif scope == "cursor" and stream.incremental is None:
                problem(base, "{cursor} used but the stream has no incremental block")
            elif scope == "call":
                problem(base, f"{{call.{name}}} is only valid in a write batch's item")
        outside_add_fields = [stream.path, stream.params, stream.body, stream.filter]
        for scope, name in placeholders_in(outside_add_fields):
            if scope == "record":
                problem(base, f"{{record.{name}}} is only valid in add_fields")
        _check_paths(stream, problem)
        if stream.filter is not None and ("in" in stream.filter) == ("exists" in stream.filter):
            problem((*base, "filter"), "a filter needs exactly one of in or exists")
        incremental = stream.incremental
        if incremental and incremental.param_template and not incremental.param:
            problem((*base, "incremental"), "param_template needs param (the parameter it fills)")
        if incremental:
            for message in _id_cursor_problems(incremental):
                problem((*base, "incremental"), message)
        _check_delta_link(spec, stream, base, problem)
        _check_schema(spec, stream, problem)
    _check_cycles(spec, problem)
    _check_parent_fields(spec, problem)
    for path, message in write_problems(spec.writes, known_settings):
        problem(path, message)
    if problems:
        raise SpecError(_listing(problems), file=str(spec.source))


def _id_cursor_problems(incremental: Incremental) -> list[str]:
    """What an incremental block asks of an id cursor that the block does not give."""
    problems = []
    if incremental.id_epoch_ms is not None and not incremental.by_id:
        problems.append("id_epoch_ms is only valid with format: id")
    if incremental.by_id and incremental.lookback and incremental.id_epoch_ms is None:
        problems.append(
            "lookback with format: id needs id_epoch_ms (how ids tell time), or no lookback"
        )
    if incremental.by_id and incremental.param_format:
        problems.append("param_format is not valid with format: id (an id is sent as it is)")
    return problems


def _check_hosts(spec: ConnectorSpec, problem: Any) -> None:
    """Streams and writes name declared hosts; host URLs use only settings."""
    declared = ", ".join(sorted(spec.hosts)) or "none declared under hosts:"
    known_settings = set(spec.settings) | set(ENGINE_SETTINGS)
    for name, url in spec.hosts.items():
        for message in placeholder_problems(url):
            problem(("hosts", name), message)
        for scope, setting in placeholders_in(url):
            if scope != "config":
                problem(("hosts", name), f"{{{scope}}} is not valid in a host (only {{config.x}})")
            elif (setting or "").split(".")[0] not in known_settings:
                problem(("hosts", name), _unknown_setting(setting, known_settings))
    named: list[tuple[tuple[str | int, ...], str | None]] = [
        (("streams", s.name, "host"), s.host) for s in spec.streams.values()
    ]
    for object_name, write in spec.writes.items():
        for operation in write.operations.declared():
            call = getattr(write.operations, operation)
            where: tuple[str | int, ...] = ("writes", object_name, "operations", operation)
            named.append(((*where, "host"), call.host))
            named += [((*where, "then", n, "host"), then.host) for n, then in enumerate(call.then)]
    for where, host in named:
        if host is not None and host not in spec.hosts:
            problem(where, f"unknown host {host!r} (hosts: {declared})")


def _check_schema(spec: ConnectorSpec, stream: StreamSpec, problem: Any) -> None:
    base = ("streams", stream.name)
    if not stream.schema_file.is_file():
        relative = stream.schema_file.relative_to(spec.source.parent)
        problem((*base, "schema"), f"schema file {str(relative)!r} does not exist")
        return
    try:
        fields = schema_fields(load_stream_schema(stream.schema_file))
    except SpecError as exc:
        problem((*base, "schema"), str(exc))
        return
    named = [("primary_key", k) for k in stream.primary_key]
    if stream.incremental:
        named.append(("incremental", stream.incremental.cursor))
    named += [("add_fields", k) for k in stream.add_fields]
    named += [("deleted", c["field"].split(".")[0]) for c in stream.deleted]
    for key, field in named:
        if field not in fields:
            problem(
                (*base, key),
                f"field {field!r} is not in the stream's schema "
                f"(fields: {', '.join(sorted(fields))})",
            )


def _check_paths(stream: StreamSpec, problem: Any) -> None:
    """The records JSONPath and the paginator's body paths must parse."""
    base = ("streams", stream.name)
    records_problem = jsonpath_problem(stream.records)
    if records_problem:
        problem((*base, "records"), records_problem)
    sync = stream.sync_token
    if sync is not None:
        for key in ("records", "deleted_records"):
            path = getattr(sync, key)
            message = jsonpath_problem(path) if path else None
            if message:
                problem((*base, "incremental", key), message)
        for key, path in (("token_from", sync.token_from), ("unwrap", sync.unwrap)):
            message = path_problem(path) if path else None
            if message:
                problem((*base, "incremental", key), message)
    paginator = stream.paginator
    body_paths = [("from_body", paginator.option("from_body"))]
    stop = paginator.option("stop")
    body_paths += [(key, getattr(stop, key, None)) for key in ("when_true", "when_false", "total")]
    for key, path in body_paths:
        message = path_problem(path) if isinstance(path, str) else None
        if message:
            where = ("paginator", key) if key == "from_body" else ("paginator", "stop", key)
            problem((*base, *where), message)


def _check_changed_parents(spec: ConnectorSpec, stream: StreamSpec, problem: Any) -> None:
    """``only_changed_parents: true`` needs parents with an incremental cursor to compare."""
    if stream.only_changed_parents is False:
        return
    where = ("streams", stream.name, "only_changed_parents")
    if not stream.parents:
        problem(where, "only_changed_parents needs a parent stream")
    if stream.only_changed_parents is not True:
        return
    for name in stream.parent_names:
        parent = spec.streams.get(name)
        if parent is not None and parent.incremental is None:
            problem(
                where,
                f"the {name} stream has no incremental cursor to compare; name the parent "
                "field that grows on every change instead: {field: <field>}",
            )


def _check_parent_fields(spec: ConnectorSpec, problem: Any) -> None:
    """Every ``{parent.x}`` names a field of the parent stream's schema."""
    for stream in spec.streams.values():
        for link in stream.parents:
            parent = spec.streams.get(link.stream)
            if parent is None or not parent.schema_file.is_file():
                continue  # reported already
            try:
                fields = schema_fields(load_stream_schema(parent.schema_file))
            except SpecError:
                continue  # reported already
            for field in stream.parent_fields(link):
                if field.split(".")[0] not in fields:
                    problem(
                        ("streams", stream.name, "parent"),
                        f"{{parent.{field}}}: the {link.stream} stream has no field "
                        f"{field.split('.')[0]!r} (fields: {', '.join(sorted(fields))})",
                    )


def _check_cycles(spec: ConnectorSpec, problem: Any) -> None:
    for start in spec.streams:
        seen = [start]
        frontier = list(spec.streams[start].parent_names)
        while frontier:
            current = frontier.pop()
            if current == start:
                problem(
                    ("streams", start, "parent"), f"parent cycle: {' -> '.join([*seen, start])}"
                )
                break
            if current in seen or current not in spec.streams:
                continue
            seen.append(current)
            frontier.extend(spec.streams[current].parent_names)


def _unknown_setting(name: str | None, known: set[str]) -> str:
    return f"{{config.{name}}} names no setting (settings: {', '.join(sorted(known))})"
