"""Where a stream may follow a link the API hands out, and delta-link bookmarks.

Next-page links (``@odata.nextLink``, ``Link`` headers) and delta links are absolute URLs
chosen by the service. Every request carries the connection's credentials, so a link is
followed only on the base URL's host, the host of one of the spec's API roots (``hosts:``)
or one the spec allows links to (``link_hosts:``); a link anywhere else stops the run with one line naming the host, and no request is sent.

A delta-link stream (``incremental: {type: delta_link}``) keeps, per partition, the link
the last page of its last read carried (``delta_link`` in the partition's state) and
starts the next run from it. A link under the base URL is kept relative to it
(``/users/delta?$deltatoken=…``), so the bookmark still holds when the base URL changes (a
``sandbox://`` emulator listens on a new port every run; a proxy is put in front).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from brainhub.errors import FatalAPIError
from brainhub.spec.model import ConnectorSpec

#: The partition state key of a delta-link stream's bookmark.
DELTA_LINK_KEY = "delta_link"


class LinkHosts:
    """The hosts a connector's links may point to."""

    def __init__(self, connector: ConnectorSpec, base_url: str) -> None:
        base = urlsplit(base_url)
        self.base_netloc = base.netloc.lower()
        roots = {urlsplit(url).netloc for url in connector.hosts.values() if "{" not in url}
        self.hosts = frozenset(h.lower() for h in (*connector.link_hosts, *roots) if h)
        self.connector = connector.name

    def allows(self, url: str) -> bool:
        """Whether ``url`` is on the base URL's host (and port) or a declared host."""
        parts = urlsplit(url)
        if not parts.netloc:
            return True  # relative: joined to the current page's URL
        netloc, host = parts.netloc.lower(), (parts.hostname or "").lower()
        return netloc == self.base_netloc or netloc in self.hosts or host in self.hosts

    def check(self, url: str, stream: str, what: str) -> str:
        """``url`` if it may be followed; else a :class:`FatalAPIError` naming its host."""
        if self.allows(url):
            return url
        host = urlsplit(url).netloc
        allowed = ", ".join(sorted({self.base_netloc, *self.hosts}))
        raise FatalAPIError(
            f"{self.connector}: stream {stream}: the {what} points to {host}, which is neither "
            f"the base URL's host nor one of the spec's hosts ({allowed}); it was not "
            "followed, so no credentials were sent there (declare the host under link_hosts: "
            "if the service really moved)"
        )


def relative_to_base(link: str, base_url: str) -> str:
    """``link`` without the base URL when it lies under it (``/users/delta?…``), else as is."""
    base = base_url.rstrip("/")
    if link.startswith((base + "/", base + "?")):
        return link[len(base) :]
    return link


def absolute_from_base(link: str, base_url: str) -> str | None:
    """A saved link made whole again: a relative one joins the current base URL."""
    if not link:
        return None
    return base_url.rstrip("/") + link if link.startswith(("/", "?")) else link
