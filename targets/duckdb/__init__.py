"""target-duckdb: loads Singer streams into brainhub's embedded DuckDB warehouse.

Modules: ``target`` (settings and wiring), ``config_files`` (``--config`` and directory
settings), ``reader`` / ``messages`` (line-numbered message reading, message shapes),
``sink`` (staging and batches), ``loader`` (DuckDB transactions), ``pipeline`` (background
loads), ``layout`` / ``types`` / ``naming`` / ``streams`` (tables, columns, types, recorded
names), ``validate`` / ``decoding`` / ``locate`` (record checks, bad records),
``evolution`` (which schema changes a loaded table takes), ``errors``. README.md describes
names, values and errors for users.
"""
