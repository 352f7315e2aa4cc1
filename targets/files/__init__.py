"""target-files: Singer streams written as partitioned JSONL, Parquet or CSV files.

``settings`` (the settings), ``layout`` (where a batch's files go: stream, date partition,
part name), ``writing`` (a batch as a local file in the chosen format), ``sink`` (a batch
written, then published into place atomically), ``target`` and ``cli`` (the executable,
errors as one line).
"""
