"""``FilesSink``: each batch of a stream written as one file per date partition, published
into place atomically before the SDK emits the STATE that follows the batch's records."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from singer_sdk.sinks import BatchSink

from targets.files.layout import part_path, partition_date
from targets.files.writing import write_jsonl, write_table

if TYPE_CHECKING:
    from targets.files.target import TargetFiles


class FilesSink(BatchSink):
    """Writes one stream's batches (see the module doc)."""

    def __init__(self, target: TargetFiles, *args: Any, **kwargs: Any) -> None:
        super().__init__(target, *args, **kwargs)
        self.files_target = target

    def process_batch(self, context: dict) -> None:
        records: list[dict[str, Any]] = context.get("records") or []
        if not records:
            return
        target = self.files_target
        file_format = str(self.config.get("format") or "jsonl")
        date_property = self.config.get("partition_date_property") or None
        by_day: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
        for record in records:
            by_day[partition_date(record, date_property, target.run_date)].append(record)
        directory = Path(tempfile.mkdtemp(prefix="target-files-"))
        try:
            for day in sorted(by_day):
                relative = part_path(
                    self.stream_name,
                    day,
                    target.run,
                    target.next_part(self.stream_name),
                    file_format,
                )
                local = directory / f"part.{file_format}"
                if file_format == "jsonl":
                    write_jsonl(by_day[day], local)
                else:
                    write_table(
                        by_day[day], self.schema, file_format, local, f"stream {self.stream_name!r}"
                    )
                target.store().publish(local, relative)
                self.logger.info("wrote %d records to %s", len(by_day[day]), relative)
                local.unlink(missing_ok=True)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
