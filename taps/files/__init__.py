"""tap-files: CSV, JSONL and Parquet files in a directory or an object store as Singer streams.

``settings`` (the settings and the checked ``tables``), ``reading`` (DuckDB reads a file: the
columns inferred, the rows cast to the stream's types), ``types`` (DuckDB types as JSON
Schema, values as JSON), ``tap`` (the streams: incremental by file, the files seen in state),
``cli`` (the executable, errors as one line).
"""
