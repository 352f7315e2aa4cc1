"""Signed vendor webhooks: receive, verify, keep durably, trigger the syncs they concern.

- :mod:`~brainhub.webhooks.schemes` — each vendor's signature (signing and checking; pure,
  shared with the sandbox emulators that send webhooks);
- :mod:`~brainhub.webhooks.receiver` — the WSGI receiver at ``/webhooks/<service>``;
- :mod:`~brainhub.webhooks.inbox` — the durable SQLite inbox (WAL);
- :mod:`~brainhub.webhooks.dispatch` — debounced triggers of syncs or Meltano jobs;
- :mod:`~brainhub.webhooks.secrets` — where secrets come from and where learnt ones go;
- :mod:`~brainhub.webhooks.service` — the running receiver (server, inbox, dispatcher);
- :mod:`~brainhub.webhooks.register` — subscriptions created through the vendor's API;
- :mod:`~brainhub.webhooks.cli` — ``brainhub webhooks serve|list|register``.

See docs/webhooks.md.
"""
