"""tap-warehouse: DuckDB warehouse tables and SQL queries as Singer streams (reverse ETL).

``meltano run tap-warehouse target-x`` pushes marts out of the warehouse. Each configured
stream names a ``table`` or a ``query``; its schema comes from DuckDB's column types
(:mod:`.types`). A sync copies every selected stream into a private snapshot in one short
read-only visit to the warehouse (:mod:`.snapshot`), then emits the rows from the snapshot
in batches, so the warehouse lock is never held while records are written out. See
``taps/warehouse/README.md``.
"""
