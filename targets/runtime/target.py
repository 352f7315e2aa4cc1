"""The Singer SDK target built from a spec's ``writes:``: one sink per stream.

Each stream is written as one object type (the ``object_types`` setting, default the
stream's name) by an :class:`~targets.runtime.writer.ObjectWriter`. Records are written as they
are read (the creates of an object type with a ``batch`` endpoint wait for a full batch, a
STATE, the end of the stream or a record that needs them), so a STATE message is emitted
as soon as it arrives: every write before it has been acknowledged (or rejected) and its
id map row written.
"""

from __future__ import annotations

import copy
import sys
import weakref
from functools import cached_property
from types import FrameType
from typing import IO, Any

from singer_sdk import RecordSink, Target
from singer_sdk.exceptions import ConfigValidationError, SingerSDKError
from singer_sdk.singerlib.exceptions import SingerReadError

from brainhub.connect import Connection, StartedService, guard_secrets, open_base_url
from brainhub.errors import BrainhubError, ConfigError, SettingsError, SyncInterrupted
from brainhub.operate.record import RunRecorder
from brainhub.operate.record.logs import quiet_metrics
from brainhub.spec.model import ConnectorSpec
from targets.runtime.calls import Sender
from targets.runtime.idmap import IdMap
from targets.runtime.plan import Plan
from targets.runtime.reading import CountedLines, QuietSingerReader
from targets.runtime.settings import check_modes, config_schema, references_setting, setting
from targets.runtime.value_maps import load_value_maps
from targets.runtime.writer import ObjectWriter

#: What bad input raises inside the Singer SDK's reading (not our own errors).
INPUT_ERRORS = (SingerReadError, SingerSDKError)


class InputError(BrainhubError):
    """The Singer input is not what a target can read; the message names the line."""


class WriteSink(RecordSink):
    """Writes one stream's records through its object type's writer."""

    target: SpecTarget

    def __init__(self, target: SpecTarget, *args: Any, **kwargs: Any) -> None:
        super().__init__(target, *args, **kwargs)
        self.target = target
        self.writer = target.writer_for(self.stream_name, list(self.key_properties or []))

    @property
    def include_sdc_metadata_properties(self) -> bool:
        """Always: ``_sdc_deleted_at`` says a source row is gone (the writer drops the rest)."""
        return True

    def process_record(self, record: dict, context: dict) -> None:
        self.writer.write(record)

    def activate_version(self, new_version: int) -> None:
        """End of a full-table version: ``mirror`` deletes objects of rows not in it."""
        self.target.settle()
        if self.writer.tally.seen:
            self.writer.delete_missing()
            self.writer.tally.seen.clear()


class SpecTarget(Target):
    """Base of every spec-built target; subclasses only set ``connector``."""

    connector: ConnectorSpec
    default_sink_class = WriteSink
    message_reader_class = QuietSingerReader

    def __init__(self, *, config: dict[str, Any] | None = None, **kwargs: Any) -> None:
        # A served base URL (sandbox://) is started first: its credentials fill in the
        # settings not given, before the SDK checks the required ones.
        self._served: StartedService | None
        config, self._served = open_base_url(dict(config or {}))
        if self._served is not None:
            weakref.finalize(self, self._served.stop)
        super().__init__(config=config, **kwargs)
        self.final_config: dict[str, Any] = dict(self.config)
        guard_secrets(self.connector, self.final_config, self.name)
        self._emitted_state: dict | None = None
        self.writers: list[ObjectWriter] = []
        check_modes(self.connector, dict(self.config.get("modes") or {}))
        self.references = references_setting(self.connector, self.config.get("references"))
        self.value_maps = load_value_maps(self.config.get("value_maps"), self.name)

        self.plan = Plan() if self.config.get("dry_run") else None

    # ---- what the sinks share ------------------------------------------------------------

    @cached_property
    def sender(self) -> Sender:
        return Sender(Connection(self.connector, self.final_config))

    @cached_property
    def id_map(self) -> IdMap:
        config = self.final_config
        return IdMap(
            str(setting(config, self.connector, "warehouse")),
            str(setting(config, self.connector, "schema")),
            lock_timeout=float(setting(config, self.connector, "lock_timeout")),
        )

    def writer_for(self, stream: str, key_properties: list[str]) -> ObjectWriter:
        """The writer of ``stream``: its object type and mode from the spec and settings."""
        spec = self.connector
        object_type = dict(self.config.get("object_types") or {}).get(stream, stream)
        obj = spec.writes.get(object_type)
        if obj is None:
            raise ConfigError(
                f"{self.name}: stream {stream!r} is written as object type {object_type!r}, "
                f"which {spec.name}'s writes do not declare (object types: "
                f"{', '.join(spec.writes) or 'none'}); map it with the object_types setting, "
                f'e.g. {{"{stream}": "{next(iter(spec.writes), "tasks")}"}}'
            )
        mode = dict(self.config.get("modes") or {}).get(object_type, obj.mode)
        writer = ObjectWriter(
            service=spec.name,
            stream=stream,
            object_type=object_type,
            obj=obj,
            mode=mode,
            key_properties=key_properties,
            config=self.final_config,
            sender=None if self.plan is not None else self.sender,
            id_map=self.id_map,
            plan=self.plan,
            batch_size=self.config.get("batch_size"),
            flush_all=self.flush_writes,
            references={**obj.references, **self.references.get(object_type, {})},
            value_maps=self.value_maps,
        )
        self.writers.append(writer)
        return writer

    def flush_writes(self) -> None:
        """Send the creates waiting for a batch, in every stream."""
        for writer in self.writers:
            writer.flush()

    def settle(self, *, final: bool = False) -> None:
        """Send what waits for a batch, then retry the records deferred for a reference
        (``final``: the end of the input, where those still missing are rejected)."""
        self.flush_writes()
        for _ in range(len(self.writers) + 1):  # a retry may make another's parent
            for writer in self.writers:
                writer.retry_deferred(final=False)
            self.flush_writes()
        if final:
            for writer in self.writers:
                writer.retry_deferred(final=True)
            self.flush_writes()

    # ---- state: emitted once everything before it is written ----------------------------

    def _process_state_message(self, message_dict: dict) -> None:
        self.settle()  # a STATE covers only acknowledged writes
        super()._process_state_message(message_dict)
        if self._latest_state:
            self._write_state_message(copy.deepcopy(self._latest_state))

    def process_endofpipe(self) -> None:
        """The end of the input: send what waits for a batch, then finish as the SDK does."""
        self.settle(final=True)
        super().process_endofpipe()

    def _write_state_message(self, state: dict) -> None:
        if self.plan is not None or state == self._emitted_state:
            return  # a dry run wrote nothing, so it moves no bookmark
        if any(writer.deferred for writer in self.writers):
            return  # records before it wait for a reference: a later STATE covers them
        self._emitted_state = state
        super()._write_state_message(state)

    def _handle_termination(self, signum: int, frame: FrameType | None) -> None:
        """SIGINT/SIGTERM stop the run where it is (the SDK would exit 0 as if it finished).

        A create whose answer was not yet recorded keeps its intent row, so the next run
        looks the object up before creating it again.
        """
        raise SyncInterrupted(signum)

    # ---- the run ---------------------------------------------------------------------------

    @classmethod
    def invoke(  # type: ignore[override]
        cls,
        *,
        about: bool = False,
        about_format: str | None = None,
        config: Any = None,
        file_input: IO[str] | None = None,
    ) -> None:
        """Write the input; exit 1 with one line when the service rejected records."""
        super(Target, cls).invoke(about=about, about_format=about_format)
        cls.print_version(print_fn=cls.logger.info)
        quiet_metrics(cls.name)
        try:
            target = cls(
                config=config.config if config else {},
                validate_config=True,
                parse_env_config=bool(config and config.parse_env),
            )
        except ConfigValidationError as exc:
            raise SettingsError(f"{cls.name}: invalid settings: {'; '.join(exc.errors)}") from None
        lines = CountedLines(file_input or sys.stdin)
        recorder = RunRecorder("target", target.progress_sample, cls.logger, noun="writes")
        recorder.start()
        try:
            try:
                target.listen(lines)  # type: ignore[arg-type]
            except SyncInterrupted as stop:
                recorder.finish(stop)
                sys.stdout.flush()
                print(
                    f"{cls.name}: {stop}; every STATE emitted covers only acknowledged writes, "
                    "and the next run resumes from the last one without duplicates",
                    file=sys.stderr,
                )
                sys.exit(stop.exit_code)
            except BrainhubError as exc:
                recorder.finish(exc)
                raise
            except INPUT_ERRORS as exc:
                problem = (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                )
                error = InputError(f"{cls.name}: input line {lines.number}: {problem}")
                recorder.finish(error)
                raise error from None
            except BaseException as exc:
                recorder.finish(exc)
                raise
            refused = target.rejected() if target.plan is None else 0
            recorder.finish(target.rejects_line(refused) if refused else None)
            target.print_plan()
            print(target.report(), file=sys.stderr)
        finally:
            target.close()
        if target.plan is None and (count := target.rejected()):
            print(target.rejects_line(count), file=sys.stderr)
            sys.exit(1)

    def progress_sample(self) -> dict[str, dict[str, int]]:
        """Per stream written so far: objects created, updated, and refused by the service."""
        sample: dict[str, dict[str, int]] = {}
        for writer in list(self.writers):
            t = writer.tally
            counts = sample.setdefault(writer.stream, {"inserted": 0, "updated": 0, "failed": 0})
            counts["inserted"] += t.created
            counts["updated"] += t.updated
            counts["failed"] += t.rejected
        return sample

    def rejects_line(self, count: int) -> str:
        """The one line saying how many records were rejected and where to look."""
        plural = "s" if count != 1 else ""
        return (
            f"{self.name}: {count} record{plural} rejected by the service; each is in "
            f"{self.id_map.schema}._write_rejects of {self.id_map.path} with the call, the "
            "status and the service's error"
        )

    # ---- the end ----------------------------------------------------------------------------

    def rejected(self) -> int:
        """Records refused in this run."""
        return sum(writer.tally.rejected for writer in self.writers)

    def report(self) -> str:
        """One line per object type: what was created, updated, deleted, left, rejected."""
        lines = []
        for w in self.writers:
            t = w.tally
            lines.append(
                f"{self.name}: {w.stream} → {w.object_type} ({w.mode}): {t.created} created, "
                f"{t.updated} updated, {t.deleted} deleted, {t.unchanged} unchanged, "
                f"{t.rejected} rejected"
            )
        return "\n".join(lines)

    def print_plan(self) -> None:
        if self.plan is None:
            return
        for writer in self.writers:
            self.plan.unchanged(writer.object_type, writer.tally.unchanged)
        print(self.plan.render(self.name), file=sys.stderr)

    def close(self) -> None:
        """Close the warehouse, the session and a served emulator."""
        if "id_map" in self.__dict__:
            self.id_map.release()
        if "sender" in self.__dict__:
            self.sender.close()
        if self._served is not None:
            self._served.stop()
            self._served = None


def target_class(connector: ConnectorSpec) -> type[SpecTarget]:
    """A new target class for a connector spec."""
    name = "".join(part.title() for part in connector.name.split("_"))
    return type(
        f"Target{name}",
        (SpecTarget,),
        {
            "__doc__": f"Writes {connector.title or connector.name} objects "
            f"({', '.join(connector.writes)}) from Singer streams.",
            "name": f"target-{connector.service}",
            "package_name": "brainhub",
            "connector": connector,
            "config_jsonschema": config_schema(connector),
            "__module__": __name__,
        },
    )
