"""tap-postgres-bulk: PostgreSQL tables read whole (or from a bookmark) by ``COPY``, handed to
the target as Singer BATCH files.

PostgreSQL turns every row into a JSON line (``row_to_json``) and streams the lines into a
local file; the tap never looks at a row. ``discovery`` builds the catalog from
``information_schema``, ``extract`` copies one stream, ``cli`` is the command line.
"""
