"""HTTP manners a vendor's servers have, applied to every emulator response.

- ``Content-Type`` of JSON bodies exactly as the vendor sends it
  (ClickUp: ``application/json; charset=utf-8``);
- gzip when the client asks (``Accept-Encoding: gzip``) and the body is worth it, with
  ``Content-Encoding`` and ``Vary: Accept-Encoding`` as CDNs send them;
- ``HEAD`` on every ``GET`` route: the same status and headers, no body (werkzeug adds
  ``HEAD`` to ``GET`` rules and drops the body).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

from werkzeug.wrappers import Request, Response


@dataclass(frozen=True)
class HttpManners:
    """How one vendor's servers dress their responses."""

    json_content_type: str = "application/json"
    gzip_when_asked: bool = False
    gzip_min_bytes: int = 1024
    gzip_level: int = 1

    def apply(self, request: Request, response: Response) -> Response:
        """``response`` dressed the vendor's way (changed in place and returned)."""
        if response.mimetype == "application/json":
            response.headers["Content-Type"] = self.json_content_type
        if self.gzip_when_asked and _wants_gzip(request):
            _compress(response, self.gzip_min_bytes, self.gzip_level)
        return response


def _wants_gzip(request: Request) -> bool:
    accepted = request.headers.get("Accept-Encoding", "")
    for part in accepted.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _compress(response: Response, min_bytes: int, level: int) -> None:
    if response.direct_passthrough or "Content-Encoding" in response.headers:
        return
    if response.status_code < 200 or response.status_code in (204, 304):
        return
    body = response.get_data()
    response.vary.add("Accept-Encoding")
    if len(body) < min_bytes:
        return
    response.set_data(gzip.compress(body, compresslevel=level, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
