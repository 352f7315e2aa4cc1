"""target-duckdb: loads Singer streams into brainhub's embedded DuckDB warehouse.

Modules: ``target`` (settings and wiring), ``reader`` (line-numbered message reading),
``sink`` (staging and batches), ``loader`` (DuckDB transactions), ``pipeline`` (background
loads), ``layout`` / ``types`` / ``naming`` (tables, columns, types), ``validate`` /
``locate`` (bad records), ``evolution`` (which schema changes a loaded table takes),
``errors``.
"""
