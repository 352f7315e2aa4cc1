"""Asana's batch API: ``POST /batch`` runs up to 10 actions, each answered on its own.

The body is ``{"data": {"actions": [{"relative_path", "method", "data", "options"}]}}``;
each action is routed as the request it stands for (``relative_path`` under ``/api/1.0``,
``data`` as that request's ``{"data": …}`` body, ``options.fields`` as ``opt_fields`` and
the other options as query parameters) and answered in order as ``{"status_code",
"headers", "body"}``, so one refused action leaves the others as they are. The batch is
answered 200 whatever its actions answered. Each action counts against the rate limit as a
request of its own (the batch itself being the first); an action over it is answered 429
inside the batch. More than 10 actions, or none, is a 400 for the whole batch (the wording
of that message is the emulator's own; Asana documents the limit, not the message).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.services.asana import errors

if TYPE_CHECKING:
    from brainhub.sandbox.services.asana.app import AsanaEmulator

#: The most actions one batch takes.
BATCH_LIMIT = 10
METHODS = ("get", "post", "put", "delete")


def run_batch(emulator: AsanaEmulator, request: Request) -> dict[str, Any]:
    """The answer of ``POST /batch``: one result per action, in order."""
    body = request.get_json(silent=True, force=True)
    data = body.get("data") if isinstance(body, dict) else None
    actions = data.get("actions") if isinstance(data, dict) else None
    if not isinstance(actions, list) or not actions:
        errors.fail("MISSING_INPUT", parameter="actions")
    if len(actions) > BATCH_LIMIT:
        errors.fail("BATCH_TOO_LARGE", limit=BATCH_LIMIT, value=len(actions))
    results = []
    for number, action in enumerate(actions):
        if number and not emulator.rate_limiter.hit(emulator.credential_key(request)).allowed:
            results.append(_result(errors.response("RATE_LIMITED")))
            continue
        results.append(_result(_run(emulator, request, action, number)))
    return {"data": results}


def _run(emulator: AsanaEmulator, batch: Request, action: Any, number: int) -> Response:
    where = f"actions[{number}]"
    if not isinstance(action, dict):
        return errors.response("MISSING_INPUT", parameter=where)
    path, method = action.get("relative_path"), str(action.get("method", "")).lower()
    if not isinstance(path, str) or not path.startswith("/"):
        return errors.response("MISSING_INPUT", parameter=f"{where}.relative_path")
    if method not in METHODS:
        return errors.response("BAD_ENUM", parameter=f"{where}.method", value=method)
    options = action.get("options")
    options = options if isinstance(options, dict) else {}
    query = {("opt_fields" if k == "fields" else k): _query(v) for k, v in options.items()}
    builder = EnvironBuilder(
        path=emulator.base_path + path.split("?")[0],
        method=method.upper(),
        query_string=path.partition("?")[2] or None,
        headers=[("Authorization", batch.headers.get("Authorization", ""))],
        data=None if action.get("data") is None else json.dumps({"data": action["data"]}),
        content_type="application/json",
    )
    if query:
        builder.args.update(query)
    environ = builder.get_environ()
    try:
        endpoint, values = emulator.url_adapter(environ).match()
    except HTTPException:
        return errors.response("NO_ROUTE")
    inner = Request(environ)
    try:
        result = emulator.dispatch(endpoint, inner, values)
    except HTTPException as exc:
        return exc.get_response(environ)
    return result if isinstance(result, Response) else emulator.json_response(result)


def _query(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def _result(response: Response) -> dict[str, Any]:
    raw = response.get_data()
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        body = raw.decode(errors="replace")
    headers = {k.lower(): v for k, v in response.headers.items() if k.lower() == "location"}
    return {"status_code": response.status_code, "headers": headers, "body": body}
