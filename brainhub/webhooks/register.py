"""``brainhub webhooks register``: create a subscription through the vendor's own API.

The connection is the connector's (:class:`brainhub.connect.Connection`, spec and config of
``tap-<service>`` in the chosen Meltano environment; secret settings from the environment
or the credential store; ``sandbox://`` starts the emulator). The secret the vendor returns
(ClickUp) or the one generated here and handed to the vendor (GitHub, Jira) is stored in
the credential store as ``BRAINHUB_WEBHOOK_SECRET_<SERVICE>``; Asana's is learnt by the
running receiver from the handshake, Trello signs with the app secret you store yourself.

=======  ==========================================  =========================================
service  request                                     scope (``--scope key=value``)
=======  ==========================================  =========================================
clickup  ``POST /team/{team_id}/webhook``            ``team_id`` (default: the first team)
github   ``POST /repos/{owner}/{repo}/hooks``         ``repo`` (required), ``owner`` (setting)
jira     ``POST /rest/webhooks/1.0/webhook``          ``jql`` (optional filter)
asana    ``POST /webhooks``                           ``resource`` (required: a project gid…)
trello   ``POST /webhooks``                           ``idModel`` (default: first board id)
gitlab   ``POST /projects/{id}/hooks``                ``project`` (required: id or path)
bitbucket ``POST /repositories/{ws}/{repo}/hooks``    ``workspace`` and ``repo_slug`` (required)
confluence Connect ``POST …/app/module/dynamic``      (none: every page, blog and comment event)
=======  ==========================================  =========================================

GitLab's token and Bitbucket's secret are generated here and handed to the vendor. A
Confluence app signs with the shared secret Connect gave it at installation: store it as
``BRAINHUB_WEBHOOK_SECRET_CONFLUENCE`` first; each event gets its own module, whose URL
names it (``?event=page_updated``).

Slack's Events API and Notion's webhooks are configured in the app's settings page (the
sandbox: ``brainhub sandbox webhooks add``), so they cannot be registered here.
"""

from __future__ import annotations

import os
import secrets as token_source
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from brainhub.connect import Connection, open_base_url
from brainhub.environments import environments, load_project
from brainhub.errors import ConfigError
from brainhub.http import RequestStats
from brainhub.sandbox.kit.webhooks import flush_outboxes
from brainhub.spec.loader import load_spec
from brainhub.webhooks.secrets import SecretSource
from taps.runtime.registry import spec_path

#: Services whose subscription this command can create.
REGISTRABLE = ("asana", "bitbucket", "clickup", "confluence", "github", "gitlab", "jira", "trello")
#: Connect's dynamic modules endpoint on a Confluence site.
CONFLUENCE_MODULES = "/wiki/rest/atlassian-connect/1/app/module/dynamic"
#: The Confluence events a registration subscribes to.
CONFLUENCE_EVENTS = (
    "page_created",
    "page_updated",
    "page_removed",
    "blog_created",
    "blog_updated",
    "comment_created",
    "comment_updated",
    "comment_removed",
)


@dataclass(frozen=True)
class Registered:
    """What the vendor answered: the subscription's id and whether a secret was stored."""

    service: str
    subscription_id: str
    secret_stored: bool


def tap_config(project_root: Path, service: str, environment: str) -> dict[str, Any]:
    """``tap-<service>``'s config in ``environment``, secret settings from the environment
    (Meltano's ``TAP_<SERVICE>_<SETTING>``) or the credential store."""
    project = load_project(project_root)
    known = [str(e.get("name")) for e in environments(project)]
    if environment not in known:
        raise ConfigError(
            f"meltano.yml: no environment {environment!r}; valid environments are "
            f"{', '.join(known)}"
        )
    config: dict[str, Any] = {}
    for plugin in project.get("plugins", {}).get("extractors") or []:
        if isinstance(plugin, dict) and plugin.get("name") == f"tap-{service}":
            config.update(plugin.get("config") or {})
    for env in environments(project):
        if env.get("name") != environment:
            continue
        for plugin in ((env.get("config") or {}).get("plugins") or {}).get("extractors") or []:
            if isinstance(plugin, dict) and plugin.get("name") == f"tap-{service}":
                config.update(plugin.get("config") or {})
    spec = load_spec(spec_path(service))
    stored = _stored_values(project_root, environment)
    for name in {*spec.settings, *config, "base_url"}:
        variable = f"TAP_{service.upper()}_{name.upper()}"
        value = os.environ.get(variable) or stored.get(variable)
        if value:
            config[name] = value
    return config


def _stored_values(project_root: Path, environment: str) -> dict[str, str]:
    from brainhub.secrets.errors import SecretStoreError
    from brainhub.secrets.keys import load_keyring
    from brainhub.secrets.store import SecretStore, data_dir

    try:
        keyring = load_keyring(data_dir(project_root))
        return {
            n: s.value for n, s in SecretStore(project_root, environment, keyring).read().items()
        }
    except SecretStoreError:
        return {}


def register(
    project_root: Path,
    service: str,
    url: str,
    environment: str,
    secrets: SecretSource,
    scope: Mapping[str, str],
) -> Registered:
    """Create ``service``'s subscription for ``url``; store its secret (see the module doc)."""
    if service not in REGISTRABLE:
        raise ConfigError(
            f"{service} webhooks are configured in the app's settings, not through its API; "
            f"services registered here: {', '.join(REGISTRABLE)}"
        )
    config, started = open_base_url(tap_config(project_root, service, environment))
    try:
        connection = Connection(load_spec(spec_path(service)), config)
        client = _Client(connection)
        try:
            return _REGISTRARS[service](client, url, secrets, dict(scope))
        except requests.RequestException as exc:
            raise ConfigError(f"{service}: cannot reach {connection.base_url}: {exc}") from None
        except (KeyError, IndexError, TypeError) as exc:
            raise ConfigError(
                f"{service}: the answer lacks {exc}; is {connection.base_url} the vendor's API?"
            ) from None
    finally:
        if started is not None:
            flush_outboxes()  # GitHub's ping to the new hook, sent by the emulator
            started.stop()


class _Client:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.session = connection.session(RequestStats())

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """``method`` on the API's ``path`` (or on an absolute URL)."""
        url = path if path.startswith(("http://", "https://")) else self.connection.base_url + path
        response = self.session.request(
            method,
            url,
            headers=self.connection.headers(),
            auth=self.connection.authenticator,
            timeout=30,
            **kwargs,
        )
        if response.status_code >= 300:
            raise ConfigError(
                f"{self.connection.spec.name}: {method} {path} answered {response.status_code}: "
                f"{response.text[:200]}"
            )
        return response.json() if response.content else None


def _need(scope: Mapping[str, str], key: str, service: str) -> str:
    if not scope.get(key):
        raise ConfigError(f"{service}: give --scope {key}=<value> (which {key} to watch)")
    return scope[key]


def _clickup(client: _Client, url: str, secrets: SecretSource, scope: dict[str, str]) -> Registered:
    team_id = scope.get("team_id") or str(client.call("GET", "/team")["teams"][0]["id"])
    answer = client.call(
        "POST", f"/team/{team_id}/webhook", json={"endpoint": url, "events": ["*"]}
    )
    secrets.remember("clickup", answer["webhook"]["secret"])
    return Registered("clickup", str(answer["id"]), True)


def _github(client: _Client, url: str, secrets: SecretSource, scope: dict[str, str]) -> Registered:
    owner = scope.get("owner") or str(client.connection.config.get("owner") or "")
    repo = _need(scope, "repo", "github")
    secret = token_source.token_hex(32)
    body = {
        "name": "web",
        "active": True,
        "events": ["issues", "issue_comment"],
        "config": {"url": url, "content_type": "json", "secret": secret},
    }
    secrets.remember("github", secret)
    answer = client.call("POST", f"/repos/{owner}/{repo}/hooks", json=body)
    return Registered("github", str(answer["id"]), True)


def _jira(client: _Client, url: str, secrets: SecretSource, scope: dict[str, str]) -> Registered:
    secret = token_source.token_hex(32)
    body = {
        "name": "brainhub",
        "url": url,
        "events": ["jira:issue_created", "jira:issue_updated", "jira:issue_deleted"],
        "filters": {"issue-related-events-section": scope.get("jql", "")},
        "excludeBody": False,
        "secret": secret,
    }
    secrets.remember("jira", secret)
    answer = client.call("POST", "/rest/webhooks/1.0/webhook", json=body)
    return Registered("jira", str(answer["self"]).rsplit("/", 1)[-1], True)


def _asana(client: _Client, url: str, secrets: SecretSource, scope: dict[str, str]) -> Registered:
    resource = _need(scope, "resource", "asana")
    answer = client.call("POST", "/webhooks", json={"data": {"resource": resource, "target": url}})
    return Registered("asana", str(answer["data"]["gid"]), secrets.get("asana") is not None)


def _trello(client: _Client, url: str, secrets: SecretSource, scope: dict[str, str]) -> Registered:
    boards = client.connection.config.get("board_ids") or []
    model = scope.get("idModel") or (boards[0] if isinstance(boards, list) and boards else "")
    if not model:
        raise ConfigError("trello: give --scope idModel=<board id> (which board to watch)")
    answer = client.call("POST", "/webhooks", params={"callbackURL": url, "idModel": model})
    return Registered("trello", str(answer["id"]), secrets.get("trello") is not None)


def _gitlab(client: _Client, url: str, secrets: SecretSource, scope: dict[str, str]) -> Registered:
    project = quote(_need(scope, "project", "gitlab"), safe="")
    token = token_source.token_hex(32)
    body = {
        "url": url,
        "token": token,
        "issues_events": True,
        "note_events": True,
        "merge_requests_events": True,
        "push_events": False,
    }
    secrets.remember("gitlab", token)
    answer = client.call("POST", f"/projects/{project}/hooks", json=body)
    return Registered("gitlab", str(answer["id"]), True)


def _bitbucket(
    client: _Client, url: str, secrets: SecretSource, scope: dict[str, str]
) -> Registered:
    workspace = _need(scope, "workspace", "bitbucket")
    repo_slug = _need(scope, "repo_slug", "bitbucket")
    secret = token_source.token_hex(32)
    body = {
        "description": "brainhub",
        "url": url,
        "active": True,
        "events": [
            "issue:created",
            "issue:updated",
            "pullrequest:created",
            "pullrequest:updated",
            "pullrequest:fulfilled",
            "pullrequest:rejected",
            "pullrequest:comment_created",
        ],
        "secret": secret,
    }
    secrets.remember("bitbucket", secret)
    answer = client.call("POST", f"/repositories/{workspace}/{repo_slug}/hooks", json=body)
    return Registered("bitbucket", str(answer["uuid"]), True)


def _confluence(
    client: _Client, url: str, secrets: SecretSource, scope: dict[str, str]
) -> Registered:
    if not secrets.get("confluence"):
        raise ConfigError(
            "confluence: Connect signs with the app's shared secret; store it as "
            "BRAINHUB_WEBHOOK_SECRET_CONFLUENCE first (brainhub secrets set)"
        )
    site = client.connection.base_url.split("/wiki/", 1)[0]
    joiner = "&" if "?" in url else "?"
    modules = [
        {
            "key": f"brainhub-{event.replace('_', '-')}",
            "event": event,
            "url": f"{url}{joiner}event={event}",
        }
        for event in CONFLUENCE_EVENTS
    ]
    client.call("POST", site + CONFLUENCE_MODULES, json={"webhooks": modules})
    return Registered("confluence", ",".join(m["key"] for m in modules), True)


_REGISTRARS = {
    "asana": _asana,
    "bitbucket": _bitbucket,
    "confluence": _confluence,
    "gitlab": _gitlab,
    "clickup": _clickup,
    "github": _github,
    "jira": _jira,
    "trello": _trello,
}
