"""The monitoring web page (``brainhub ui``): a small server-rendered Flask app over the run
store and the warehouse, with charts drawn as SVG on the server.

- :mod:`~brainhub.ui.app` — :func:`create_app`, the pages, their JSON under ``/api/`` and the
  token-protected actions;
- :mod:`~brainhub.ui.monitor` — what each page shows, as data;
- :mod:`~brainhub.ui.history` — aggregates of the run store (SQL, read-only);
- :mod:`~brainhub.ui.warehouse` — brief read-only warehouse reads that never wait for a loader,
  and :mod:`~brainhub.ui.readings`, what is read there;
- :mod:`~brainhub.ui.project` — connectors of integrations, rate limits, the price table;
- :mod:`~brainhub.ui.lineage` and :mod:`~brainhub.ui.charts` — the SVG.
"""
