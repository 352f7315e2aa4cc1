"""The ``target-<service>`` section of a connector README, generated from the spec's ``writes:``."""

from __future__ import annotations

from brainhub.spec.model import ConnectorSpec
from brainhub.spec.writes import (
    IdFieldIdentity,
    LookupIdentity,
    UpsertKeyIdentity,
    WriteObject,
)
from targets.runtime.records import written_field_names
from targets.runtime.settings import runtime_settings, target_settings


def render_write_section(spec: ConnectorSpec) -> str:
    """Markdown for the target built from ``spec``; empty when the spec declares no writes."""
    if not spec.writes:
        return ""
    name = f"target-{spec.service}"
    out = [
        f"\n## Writing: {name}\n\n",
        f"`{name}` writes Singer streams to {spec.title or spec.name}: each stream is one "
        "object type (the `object_types` setting maps them; by default a stream writes the "
        "object type of its own name), each record one object.\n\n",
        "```sh\n",
        f"meltano run tap-warehouse {name}                # offline: the sandbox emulator\n",
        f"{name} --config config.json < records.singer\n",
        "```\n\n",
        "| object type | mode | identity | operations | record fields |\n",
        "|---|---|---|---|---|\n",
    ]
    for object_type, obj in spec.writes.items():
        out.append(_object_row(object_type, obj))
    for object_type, obj in spec.writes.items():
        if obj.description:
            out.append(f"\n**{object_type}**: {' '.join(obj.description.split())}\n")
        out += _extras(object_type, obj)
    own = ", ".join(f"`{s}`" for s in target_settings(spec)) or "none"
    settings = ", ".join(f"`{s}`" for s in runtime_settings(spec) if s not in spec.settings)
    out.append(
        f"\nOf the settings above it takes {own}, and besides {settings}; "
        f"`{name} --about` describes them.\n\n"
        "The id map (`<schema>._id_map` in the `warehouse` file) keeps each record's object "
        "by source stream and key with the hash of the fields last written: a rerun updates "
        "instead of creating, and an unchanged record makes no call. A record the service "
        "refuses (400, 404, 409, 422) goes to `<schema>._write_rejects` with the call, the "
        "status and the service's error, and the run ends with exit status 1 and one line "
        "saying how many. STATE is passed on once every write before it is acknowledged. "
        "A create whose answer was lost (the process was killed) is looked up with the "
        "identity's request before it is sent again. `dry_run: true` prints the plan and "
        "calls nothing.\n"
    )
    return "".join(out)


def _extras(object_type: str, obj: WriteObject) -> list[str]:
    """Lines on an object type's budget, batch and references, if it has them."""
    out = []
    if obj.budget is not None:
        out.append(
            f"\n`{object_type}` calls are spaced to at most {obj.budget.rate} per "
            f"`{obj.budget.per}`, so the service's own limit answers no 429.\n"
        )
    if obj.batch is not None:
        out.append(
            f"\nNew `{object_type}` are created up to {obj.batch.size} a request through "
            f"`{obj.batch.method} {obj.batch.path}`, each made or rejected on its own "
            "(`batch_size` lowers it; 1 sends each create alone).\n"
        )
    for name, reference in obj.references.items():
        source = (
            f"the value map `{reference.map}` (setting `value_maps`) gives it"
            if reference.map is not None
            else "of the object written for that source key of "
            + (f"stream `{reference.stream}`" if reference.stream else "the same stream")
        )
        missing = {
            "reject": "a value not known yet rejects the record",
            "empty": "values not known are left out",
            "defer": "a record whose value is not known yet waits for the end of the stream",
        }[reference.missing]
        out.append(
            f"\n`{name}` of a `{object_type}` record whose `{reference.key}` is set is the id "
            f"{source}; {missing}.\n"
        )
    return out


def _object_row(object_type: str, obj: WriteObject) -> str:
    operations = []
    for op_name in obj.operations.declared():
        op = getattr(obj.operations, op_name)
        follow = f" (+{len(op.then)} follow-up)" if op.then else ""
        operations.append(f"{op_name} `{op.method} {op.path}`{follow}")
    names = set(written_field_names(obj)) | {r.key for r in obj.references.values()}
    fields = ", ".join(f"`{f}`" for f in sorted(names))
    return (
        f"| `{object_type}` | {obj.mode} | {_identity(obj)} | {'<br>'.join(operations)} | "
        f"{fields} |\n"
    )


def _identity(obj: WriteObject) -> str:
    identity = obj.identity
    if isinstance(identity, LookupIdentity):
        matched = ", ".join(f"`{k}`" for k in identity.match)
        return f"lookup `{identity.method} {identity.path}` by {matched}"
    if isinstance(identity, IdFieldIdentity):
        return f"id in `{identity.field}`"
    if isinstance(identity, UpsertKeyIdentity):
        return "upsert key " + ", ".join(f"`{f}`" for f in identity.fields)
    return "none"
