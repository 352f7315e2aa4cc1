"""The monitoring web app: server-rendered pages, each also as JSON under ``/api/…``, and
token-protected actions (pause, resume, run now, resolve a conflict) recorded in the audit log.

::

    app = create_app(Path("."), environment="sandbox")
    app.run(host="127.0.0.1", port=8765)     # or: brainhub ui
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, jsonify, redirect, render_template, request, url_for

from brainhub.access import AccessDenied, Principal, check_request
from brainhub.audit import AuditLog
from brainhub.errors import BrainhubError
from brainhub.operate.record.store import COUNTS
from brainhub.operate.status import set_status
from brainhub.ui import charts
from brainhub.ui.lineage import lineage_svg
from brainhub.ui.monitor import Monitor

#: Action of the page → (access action, integration command or None).
ACTIONS = {
    "pause": ("runs.pause", "pause"),
    "resume": ("runs.resume", "resume"),
    "run": ("runs.start", None),
}


#: Host names a loopback page answers to: a page another site's name resolves to 127.0.0.1
#: (DNS rebinding) is refused with 400 instead of being read from the visitor's browser.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
#: Caller addresses on this machine.
LOCAL_ADDRESSES = ("127.0.0.1", "::1")


def create_app(
    project_root: Path,
    environment: str | None = None,
    prices: Path | None = None,
    *,
    trusted_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS,
) -> Flask:
    """The app for the project at ``project_root`` and one environment's warehouse.

    ``trusted_hosts``: the ``Host`` names it answers (any when None, behind a proxy).
    """
    monitor = Monitor(project_root, environment, prices)
    app = Flask(__name__)
    app.config["TRUSTED_HOSTS"] = list(trusted_hosts) if trusted_hosts is not None else None
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["monitor"] = monitor

    @app.context_processor
    def _common() -> dict[str, Any]:
        return {"environment": monitor.environment, "charts": charts}

    def wants_json() -> bool:
        return request.path.startswith("/api/")

    @app.before_request
    def _remote_readers_need_a_token() -> None:
        """A browser or script on this machine reads freely (the command line acts as admin);
        a remote caller needs a token of at least ``viewer`` for every page and answer."""
        if request.remote_addr in LOCAL_ADDRESSES or request.path == "/health":
            return
        if request.method in ("GET", "HEAD"):
            authorize("pages.read")

    # -- pages and their JSON ----------------------------------------------------------

    @app.get("/")
    def overview() -> str:
        data = monitor.overview()
        return render_template("overview.html", data=data)

    @app.get("/api/overview")
    def api_overview() -> Response:
        return jsonify(monitor.overview())

    @app.get("/api/status")
    def api_status() -> Response:
        return jsonify(monitor.status())

    @app.get("/api/runs")
    def api_runs() -> Response:
        limit = request.args.get("limit", default=20, type=int) or 20
        return jsonify(monitor.runs(request.args.get("integration"), max(1, min(limit, 1000))))

    @app.get("/integrations/<name>")
    def integration(name: str) -> str:
        data = monitor.integration(name) or abort(404, f"no integration {name!r}")
        series = data["runs"]
        duration = charts.line_chart(
            {
                "duration (s)": [
                    (r["started_at"][:16], r["duration_s"])
                    for r in series
                    if r["duration_s"] is not None
                ]
            },
            title="duration per run (s)",
        )
        records = charts.bar_chart(
            [(r["started_at"][:16], r["records"], r["status"]) for r in series],
            title="records per run (red: failed, orange: interrupted)",
        )
        failures = charts.bar_chart(
            [(r["started_at"][:16], r["failed_records"], "failed") for r in series],
            title="rejected or refused records per run",
        )
        return render_template(
            "integration.html",
            data=data,
            duration=duration,
            records=records,
            failures=failures,
            message=request.args.get("done"),
        )

    @app.get("/api/integrations/<name>")
    def api_integration(name: str) -> Response:
        return jsonify(monitor.integration(name) or abort(404, f"no integration {name!r}"))

    @app.get("/runs/<run_id>")
    def run(run_id: str) -> str:
        data = monitor.run(run_id) or abort(404, f"no run {run_id!r}")
        return render_template("run.html", run=data, columns=COUNTS)

    @app.get("/api/runs/<run_id>")
    def api_run(run_id: str) -> Response:
        return jsonify(monitor.run(run_id) or abort(404, f"no run {run_id!r}"))

    @app.get("/usage")
    def usage() -> str:
        data = _hours(monitor.usage)
        slots = _hour_slots(data["since"])
        bars = {
            c["connector"]: charts.bar_chart(
                [(hour, per_hour.get(hour, 0), "requests") for hour in slots],
                title=f"{c['connector']}: requests per hour",
                limit=c["limit_per_hour"],
            )
            for c in data["connectors"]
            for per_hour in [{h["hour"]: h["requests"] for h in c["hours"]}]
        }
        return render_template("usage.html", data=data, bars=bars)

    @app.get("/api/usage")
    def api_usage() -> Response:
        return jsonify(_hours(monitor.usage))

    @app.get("/errors")
    def errors() -> str:
        data = _hours(monitor.errors)
        chart = charts.line_chart(
            {
                c["connector"]: [
                    (h["hour"], h["error_rate"] * 100)
                    for h in c["hours"]
                    if h["error_rate"] is not None
                ]
                for c in data["connectors"]
            },
            title="failed runs per hour (%)",
            unit="%",
        )
        return render_template("errors.html", data=data, chart=chart)

    @app.get("/api/errors")
    def api_errors() -> Response:
        return jsonify(_hours(monitor.errors))

    @app.get("/quality")
    def quality() -> str:
        data = monitor.quality()
        per_table: dict[str, int] = {}
        for reject in data["rejects"]:
            key = f"{reject['schema']}.{reject['stream']}"
            per_table[key] = per_table.get(key, 0) + reject["records"]
        chart = charts.bar_chart(
            [(name, count, "rejected") for name, count in sorted(per_table.items())],
            title="rejected records per table",
        )
        return render_template("quality.html", data=data, chart=chart)

    @app.get("/api/quality")
    def api_quality() -> Response:
        return jsonify(monitor.quality())

    @app.get("/conflicts")
    def conflicts() -> str:
        return render_template(
            "conflicts.html", data=monitor.conflicts(), message=request.args.get("done")
        )

    @app.get("/api/conflicts")
    def api_conflicts() -> Response:
        return jsonify(monitor.conflicts())

    @app.get("/lineage")
    def lineage() -> str:
        graph, data = monitor.lineage()
        return render_template("lineage.html", data=data, svg=lineage_svg(graph))

    @app.get("/api/lineage")
    def api_lineage() -> Response:
        return jsonify(monitor.lineage()[1])

    @app.get("/health")
    def health() -> str:
        return render_template("health.html")

    # -- actions -----------------------------------------------------------------------

    def authorize(action: str) -> Principal:
        header = request.headers.get("Authorization")
        if not header and request.form.get("token"):
            header = f"Bearer {request.form['token'].strip()}"
        return check_request(project_root, header, action, source=request.remote_addr or "")

    @app.post("/integrations/<name>/<action>", endpoint="act")
    @app.post("/api/integrations/<name>/<action>", endpoint="api_act")
    def act(name: str, action: str) -> Any:
        if action not in ACTIONS:
            abort(404, f"no action {action!r}; valid: {', '.join(ACTIONS)}")
        access, command = ACTIONS[action]
        principal = authorize(access)
        audit = AuditLog.of_project(project_root)
        if command is not None:
            before, after = set_status(project_root, name, command, monitor.store)
            audit.record(
                f"ui.{action}", name, before=before, after=after, detail={"by": principal.name}
            )
            result: dict[str, Any] = {"integration": name, "before": before, "after": after}
        else:
            known = [s["name"] for s in monitor.status()]
            if name not in known:
                abort(404, f"no integration {name!r}")
            audit.record("ui.run", name, detail={"by": principal.name})
            _start_run(project_root, monitor.environment, name)
            result = {"integration": name, "started": True}
        if wants_json():
            return jsonify(result), 202 if command is None else 200
        done = f"{action}: {result.get('before', '')} → {result.get('after', 'started')}"
        return redirect(url_for("integration", name=name, done=done), code=303)

    @app.post("/conflicts/<sync>/<conflict_id>/resolve", endpoint="resolve")
    @app.post("/api/conflicts/<sync>/<conflict_id>/resolve", endpoint="api_resolve")
    def resolve(sync: str, conflict_id: str) -> Any:
        principal = authorize("conflicts.resolve")
        take = request.form.get("take") or (request.get_json(silent=True) or {}).get("take")
        if take not in ("left", "right"):
            abort(400, "take must be left or right")
        data = monitor.conflicts()
        if not data["can_resolve"]:
            abort(409, data["resolve_note"])
        AuditLog.of_project(project_root).record(
            "ui.resolve", f"{sync}/{conflict_id}", after=take, detail={"by": principal.name}
        )
        done = subprocess.run(
            [
                _brainhub(),
                "sync",
                "resolve",
                sync,
                conflict_id,
                "--take",
                take,
                "-e",
                monitor.environment,
            ],
            cwd=project_root,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        outcome = {
            "sync": sync,
            "conflict": conflict_id,
            "take": take,
            "ok": done.returncode == 0,
            "message": (done.stdout if done.returncode == 0 else done.stderr).strip()[-500:],
        }
        if wants_json():
            return jsonify(outcome), 200 if outcome["ok"] else 422
        return redirect(url_for("conflicts", done=outcome["message"]), code=303)

    # -- errors ------------------------------------------------------------------------

    @app.errorhandler(AccessDenied)
    def denied(error: AccessDenied) -> Any:
        return _error(error.status, error.public_message, dict(error.headers))

    @app.errorhandler(BrainhubError)
    def config_error(error: BrainhubError) -> Any:
        return _error(400, str(error))

    @app.errorhandler(400)
    @app.errorhandler(404)
    @app.errorhandler(409)
    def http_error(error: Any) -> Any:
        return _error(error.code, error.description)

    def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Any:
        if wants_json():
            return jsonify({"error": message}), status, headers or {}
        return render_template("error.html", status=status, message=message), status, headers or {}

    return app


def _hours(page: Any) -> dict[str, Any]:
    hours = request.args.get("hours", default=24, type=int) or 24
    result: dict[str, Any] = page(max(1, min(hours, 24 * 31)))
    return result


def _hour_slots(since: str) -> list[str]:
    """Every hour (``YYYY-MM-DDTHH``, UTC) from ``since`` to now, for a chart's x axis."""
    hour = datetime.fromisoformat(since).replace(minute=0, second=0, microsecond=0)
    now = datetime.now(tz=UTC)
    slots = []
    while hour <= now:
        slots.append(hour.strftime("%Y-%m-%dT%H"))
        hour += timedelta(hours=1)
    return slots


def _brainhub() -> str:
    return str(Path(sys.executable).parent / "brainhub")


def _start_run(project_root: Path, environment: str, integration: str) -> None:
    """``brainhub run`` of the integration in the background (trigger ``api``); a thread
    collects its exit status when it ends. Its output goes to ``data/logs/ui-runs.log``."""
    args = integration.split("→") if "→" in integration else [integration]
    logs = project_root / "data" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / "ui-runs.log", "ab") as log:
        child = subprocess.Popen(
            [_brainhub(), "run", "-e", environment, *args],
            cwd=project_root,
            env={**os.environ, "BRAINHUB_TRIGGER": "api", "BRAINHUB_INTEGRATION": integration},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    threading.Thread(target=child.wait, name=f"run {integration}", daemon=True).start()


__all__ = ["create_app"]
