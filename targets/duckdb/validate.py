"""Record checks: a msgspec decoder compiled once per schema, run in C.

Every staged record is decoded once by :meth:`RecordValidator.inspect`, which returns its
key and whether it is marked deleted (``_sdc_deleted_at``). With validation on, the same
decoder checks what the schema says (see :mod:`targets.duckdb.decoding` for the keywords);
with it off, it still checks JSON types, 64-bit integers and ``multipleOf``, so that no
value is ever converted on its way into a column, but not ``required``, ``enum``, lengths,
patterns or bounds. A schema msgspec cannot check (``allOf``, ``$ref``, odd property
names…) is checked record by record with :mod:`jsonschema` instead: slower, equally strict.

Only when a record is rejected does :meth:`explain` run the full JSON Schema validator to
word the error the way people expect, e.g.
``record violates schema: 'priority' is not of type 'integer' (got "high")``.
String formats (``date-time``, ``date``, ``time``) are checked by DuckDB's typed reader when
the batch is loaded (see :mod:`targets.duckdb.locate`).
"""

from __future__ import annotations

import gzip
import json
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from jsonschema import validators
from jsonschema.exceptions import ValidationError, best_match
from referencing.exceptions import Unresolvable

from targets.duckdb.decoding import (
    INT64_MAX,
    INT64_MIN,
    CompiledRecord,
    Unsupported,
    compile_record,
    fits_decimal,
    is_multiple,
)
from targets.duckdb.errors import InputError, InvalidRecordError, MissingKeyError


@dataclass(frozen=True)
class Violation:
    """Why a record is invalid; ``missing_key`` when a key property is absent or null."""

    reason: str
    missing_key: bool = False


@dataclass(frozen=True)
class Inspection:
    """What staging needs to know about a valid record."""

    key: Any
    """The key property value (a tuple when the key has several properties)."""
    deleted: bool
    """Whether the record carries a non-null ``_sdc_deleted_at``."""


class RecordValidator:
    """Validates raw JSON records of one stream against its schema and reads their keys."""

    decode_messages: Callable[[bytes], list[Any]] | None
    """Decode and check newline-delimited RECORD messages in one call (``None`` when
    records are checked by jsonschema)."""

    def __init__(
        self, schema: dict[str, Any], key_properties: Sequence[str] = (), *, validate: bool = True
    ) -> None:
        self.schema = schema
        self.key_properties = list(key_properties)
        _check_schema(schema)
        checked = self._checked = schema if validate else types_only(schema)
        self._explainer: Any = None
        self._checker: Any = None
        try:
            compiled = compile_record(checked, self.key_properties)
        except Unsupported:
            compiled = None
        if compiled is not None:
            self._init_compiled(compiled)
        else:
            self._init_checked(checked)

    def _init_compiled(self, compiled: CompiledRecord) -> None:
        decoder = msgspec.json.Decoder(compiled.type)
        message_type = msgspec.defstruct(
            "RecordMessage", [("type", str), ("stream", str), ("record", compiled.type)]
        )
        message_decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(message_type)
        steps = compiled.steps
        if steps:

            def decode(raw: bytes | msgspec.Raw) -> Any:
                return _check_steps(decoder.decode(raw), steps)

            def decode_message(line: bytes) -> Any:
                message = message_decoder.decode(line)
                _check_steps(message.record, steps)
                return message

            self.decode: Callable[[bytes | msgspec.Raw], Any] = decode
            self.decode_message: Callable[[bytes], Any] = decode_message
        else:
            self.decode = decoder.decode
            self.decode_message = message_decoder.decode
        lines_decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(message_type)

        def decode_messages(lines: bytes) -> list[Any]:
            messages = lines_decoder.decode_lines(lines)
            if steps:
                for message in messages:
                    _check_steps(message.record, steps)
            return messages

        self.decode_messages = decode_messages
        attributes = [compiled.attributes[k] for k in self.key_properties]
        self.key_of: Callable[[Any], Any] = (
            operator.attrgetter(*attributes) if attributes else _no_key
        )
        self.deleted_of: Callable[[Any], Any] = operator.attrgetter(
            compiled.attributes["_sdc_deleted_at"]
        )

    def _init_checked(self, schema: dict[str, Any]) -> None:
        """A schema msgspec cannot check: decode untyped, then validate with jsonschema."""
        checker = self._checker = strict_validator(schema)
        decoder = msgspec.json.Decoder()

        def decode(raw: bytes | msgspec.Raw) -> Any:
            record = decoder.decode(raw)
            if not isinstance(record, dict):
                raise msgspec.ValidationError("record is not an object")
            error = first_error(checker, record)
            if error is not None:
                raise msgspec.ValidationError(error.message)
            return record

        message_type = msgspec.defstruct(
            "RecordMessage", [("type", str), ("stream", str), ("record", msgspec.Raw)]
        )
        message_decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(message_type)

        def decode_message(line: bytes) -> Any:
            message = message_decoder.decode(line)
            return msgspec.structs.replace(message, record=decode(message.record))

        self.decode = decode
        self.decode_message = decode_message
        self.decode_messages = None
        keys = list(self.key_properties)
        if not keys:
            self.key_of = _no_key
        elif len(keys) == 1:
            self.key_of = lambda record: record.get(keys[0])
        else:
            self.key_of = lambda record: tuple(record.get(k) for k in keys)
        self.deleted_of = lambda record: record.get("_sdc_deleted_at")

    def inspect(self, raw: bytes | msgspec.Raw) -> Inspection | Violation:
        """Decode ``raw`` once: its key and deletion mark, or why it is invalid."""
        try:
            decoded = self.decode(raw)
        except msgspec.ValidationError as exc:
            return self.explain(raw, str(exc))
        key = self.key_of(decoded)
        if key is None or (isinstance(key, tuple) and None in key):
            return self.explain(raw, "key property is null")
        return Inspection(key, self.deleted_of(decoded) is not None)

    def check(self, raw: bytes | msgspec.Raw) -> Violation | None:
        """Return ``None`` if ``raw`` is a valid record, else why it is not."""
        result = self.inspect(raw)
        return result if isinstance(result, Violation) else None

    def explain(self, raw: bytes | msgspec.Raw, fallback: str) -> Violation:
        """Word why the raw record violates the schema (``fallback`` if no rule explains it)."""
        try:
            record = msgspec.json.decode(raw)
        except msgspec.DecodeError as exc:
            if "out of range" in str(exc):
                return Violation(
                    "record violates schema: a number is beyond the range of a double "
                    "(±1.8e308); JSON numbers must be finite"
                )
            return Violation(f"record violates schema: {exc}")
        if not isinstance(record, dict):
            return Violation(
                f"record violates schema: record is not an object (got {show(record)})"
            )
        for key in self.key_properties:
            if record.get(key) is None:
                state = "is null" if key in record else "is missing"
                return Violation(f"key property {key!r} {state}", missing_key=True)
        if self._explainer is None:
            self._explainer = strict_validator(self._checked)
        try:
            errors = sorted(self._explainer.iter_errors(record), key=lambda e: list(e.path))
        except Unresolvable as exc:
            raise _unresolvable(exc) from None
        if not errors:
            return Violation(f"record violates schema: {fallback}")
        error = errors[0]
        where = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "type":
            expected = error.validator_value
            names = [expected] if isinstance(expected, str) else list(expected)
            wanted = " or ".join(repr(n) for n in names)
            return Violation(
                f"record violates schema: {where!r} is not of type {wanted} "
                f"(got {show(error.instance)})"
            )
        prefix = f"{where!r}: " if where else ""
        return Violation(f"record violates schema: {prefix}{error.message}")


def check_jsonl_file(path: str, validator: RecordValidator) -> None:
    """Check every record of a BATCH message's JSONL file (plain or gzipped) as a RECORD
    message's would be checked; raise on the first invalid one, naming its row."""
    opener: Any = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        for row, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"BATCH file {path!r}, row {row}"
            try:
                found = validator.inspect(line)
            except (msgspec.DecodeError, UnicodeDecodeError) as exc:
                reason = str(exc).splitlines()[0]
                raise InputError(f"{where}: malformed JSON ({reason})") from None
            except RecursionError:
                raise InputError(f"{where}: JSON nested too deeply to load") from None
            if isinstance(found, Violation):
                error = MissingKeyError if found.missing_key else InvalidRecordError
                raise error(f"{where}: {found.reason}")


def types_only(schema: Any) -> Any:
    """The part of a schema that decides how values are stored: types, properties, items,
    ``anyOf`` / ``oneOf`` branches and ``multipleOf`` (which makes a DECIMAL column); every
    value may be null."""
    if not isinstance(schema, dict):
        return schema
    kept: dict[str, Any] = {}
    for word in ("format", "multipleOf"):
        if word in schema:
            kept[word] = schema[word]
    declared = schema.get("type")
    if isinstance(declared, str | list):
        kinds = [declared] if isinstance(declared, str) else list(declared)
        kept["type"] = kinds if "null" in kinds else [*kinds, "null"]
    if isinstance(schema.get("properties"), dict):
        kept["properties"] = {k: types_only(v) for k, v in schema["properties"].items()}
    if "items" in schema:
        items = schema["items"]
        kept["items"] = (
            [types_only(i) for i in items] if isinstance(items, list) else types_only(items)
        )
    for word in ("anyOf", "oneOf"):
        if isinstance(schema.get(word), list):
            branches = [types_only(b) for b in schema[word]]
            kept[word] = [b for b in branches if b.get("type") != ["null"]] + [{"type": "null"}]
    return kept


def strict_validator(schema: dict[str, Any]) -> Any:
    """A jsonschema validator for ``schema`` that agrees with the msgspec decoders: integers
    are written without a fraction and fit in 64 bits, ``multipleOf`` is exact in decimal."""
    base = validators.validator_for(schema, default=validators.Draft7Validator)
    checker = base.TYPE_CHECKER.redefine("integer", _is_int64)
    multiple = base.VALIDATORS.get("multipleOf")

    def multiple_of(validator: Any, step: Any, instance: Any, _schema: Any) -> Any:
        if not validator.is_type(instance, "number") or multiple is None:
            return
        if not is_multiple(instance, step):
            yield ValidationError(f"{instance!r} is not a multiple of {step!r}")

    cls = validators.extend(base, {"multipleOf": multiple_of}, type_checker=checker)
    return cls(schema)


def first_error(validator: Any, record: Any) -> Any:
    """The first way ``record`` violates the validator's schema, or ``None``."""
    try:
        return next(validator.iter_errors(record), None)
    except Unresolvable as exc:
        raise _unresolvable(exc) from None


def _unresolvable(exc: Unresolvable) -> InputError:
    return InputError(f"the schema refers to {exc.ref!r}, which it does not define")


def _check_schema(schema: dict[str, Any]) -> None:
    """Refuse a schema that is not valid JSON Schema (e.g. ``"type": "tring"``, a
    ``pattern`` that is not a regular expression)."""
    cls = validators.validator_for(schema, default=validators.Draft7Validator)
    meta = cls(cls.META_SCHEMA, format_checker=cls.FORMAT_CHECKER)
    error = best_match(meta.iter_errors(schema))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the top"
        raise InputError(f"the schema is not valid JSON Schema at {where}: {error.message}")


def _is_int64(_checker: Any, value: Any) -> bool:
    return (
        isinstance(value, int) and not isinstance(value, bool) and INT64_MIN <= value <= INT64_MAX
    )


def _check_steps(record: Any, steps: Sequence[Any]) -> Any:
    for step in steps:
        value = getattr(record, step.attribute)
        if value is None:
            continue
        if not is_multiple(value, step.step):
            raise msgspec.ValidationError(
                f"{value!r} is not a multiple of {step.step!r} - at `$.{step.name}`"
            )
        if step.scale is not None and not fits_decimal(value, step.scale):
            raise msgspec.ValidationError(
                f"{value!r} does not fit the column's DECIMAL(38, {step.scale}) - at `$.{step.name}`"
            )
    return record


def _no_key(_decoded: Any) -> tuple[()]:
    return ()


def show(value: Any, limit: int = 80) -> str:
    """Render a value as short JSON for an error message."""
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
