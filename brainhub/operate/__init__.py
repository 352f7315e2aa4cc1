"""Operating the hub: the run store, integrations and their status, live progress, the run
display.

The Python API others build on:

- :mod:`brainhub.operate.record` (core; the plugins use it): :class:`RunStore`,
  :class:`Run`, :class:`StreamCounts`, :class:`RunRecorder`, :func:`current_run`.
- :mod:`brainhub.operate.status`: :func:`integrations`, :func:`integration_status`,
  :func:`set_status`, :class:`IntegrationStatus`.

Nothing is imported here, so a plugin importing :mod:`brainhub.operate.record` loads no more
than it needs.
"""
