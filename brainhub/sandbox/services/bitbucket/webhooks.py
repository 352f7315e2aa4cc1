"""Bitbucket Cloud's repository webhooks: ``POST /repositories/{workspace}/{repo_slug}/hooks``
``{"url", "description", "active", "events": [...], "secret"?}`` answers the subscription
(``secret_set``, never the secret); each pull request, pull-request comment or issue change
of that repository is delivered as ``{"actor", "repository", "pullrequest"|"issue",
"comment"?, "changes"?}`` with ``X-Event-Key`` (``pullrequest:created``,
``pullrequest:comment_created``, ``issue:updated``…), ``X-Hook-UUID``, ``X-Request-UUID``,
``X-Attempt-Number`` and, when the hook has a secret, ``X-Hub-Signature: sha256=<hex>``
(HMAC-SHA256 of the body)."""

from __future__ import annotations

import uuid
from typing import Any

from werkzeug.routing import Rule

from brainhub.sandbox.kit.journal import Change
from brainhub.sandbox.kit.webhooks import Subscription, WebhookEvent
from brainhub.sandbox.services.bitbucket import dataset as seeded
from brainhub.sandbox.services.bitbucket.links import linked

R = "/repositories/<workspace>/<repo_slug>/hooks"
RULES = (
    Rule(R, endpoint="create_hook", methods=["POST"]),
    Rule(R + "/<uid>", endpoint="delete_hook", methods=["DELETE"]),
)
API = "https://api.bitbucket.org/2.0"
#: The repository events Bitbucket documents (what ``events`` may name).
KNOWN_EVENTS = frozenset(
    {
        "repo:push",
        "repo:fork",
        "repo:updated",
        "repo:commit_comment_created",
        "repo:commit_status_created",
        "repo:commit_status_updated",
        "issue:created",
        "issue:updated",
        "issue:comment_created",
        "pullrequest:created",
        "pullrequest:updated",
        "pullrequest:approved",
        "pullrequest:unapproved",
        "pullrequest:fulfilled",
        "pullrequest:rejected",
        "pullrequest:comment_created",
        "pullrequest:comment_updated",
        "pullrequest:comment_deleted",
        "pullrequest:changes_request_created",
        "pullrequest:changes_request_removed",
    }
)
#: A pull request's new state → the event its update is.
_PULL_STATES = {"MERGED": "pullrequest:fulfilled", "DECLINED": "pullrequest:rejected"}
#: Values of a change that are bookkeeping, not fields a user changed.
_BOOKKEEPING = frozenset({"workspace", "repo_slug", "id", "updated_on", "pull_request_id"})


def hook_answer(subscription: Subscription, repository: dict[str, Any], at: str) -> dict[str, Any]:
    """What ``POST …/hooks`` answers: the subscription, ``secret_set`` but no secret."""
    return {
        "type": "webhook_subscription",
        "uuid": subscription.id,
        "url": subscription.url,
        "description": str(subscription.scope.get("description", "")),
        "subject_type": "repository",
        "subject": linked(_brief(repository), API),
        "active": True,
        "created_at": at,
        "events": sorted(subscription.events),
        "secret_set": bool(subscription.secret),
    }


def _brief(repository: dict[str, Any]) -> dict[str, Any]:
    keys = ("type", "full_name", "name", "uuid", "workspace")
    return {k: repository[k] for k in keys if k in repository}


def events_of(change: Change, data: seeded.Dataset) -> list[WebhookEvent]:
    """The Bitbucket events of one journalled change (none for an object gone)."""
    repo = data.repository(str(change.data.get("workspace")), str(change.data.get("repo_slug")))
    if repo is None:
        return []
    actor = data.users[0]
    body: dict[str, Any] = {"actor": actor, "repository": _brief(repo.record)}
    if change.object == "pullrequest_comment":
        number = int(change.data["pull_request_id"])
        pull = next((p for p in repo.pull_requests if p["id"] == number), None)
        comment = change.data.get("comment")
        if pull is None or not isinstance(comment, dict):
            return []
        key = {"create": "comment_created", "update": "comment_updated"}.get(
            change.op, "comment_deleted"
        )
        name = f"pullrequest:{key}"
        body.update(pullrequest=pull, comment=comment)
    elif change.object in ("pullrequest", "issue"):
        items = repo.pull_requests if change.object == "pullrequest" else repo.issues
        item = next((i for i in items if str(i["id"]) == str(change.data.get("id"))), None)
        if item is None or change.op == "delete":
            return []  # Bitbucket sends no event for a pull request or issue that is gone
        if change.object == "pullrequest":
            name = "pullrequest:created" if change.op == "create" else "pullrequest:updated"
            if change.op == "update" and "state" in change.data:
                name = _PULL_STATES.get(str(item["state"]), name)
            body["pullrequest"] = item
        else:
            name = "issue:created" if change.op == "create" else "issue:updated"
            body["issue"] = item
            if change.op == "update":
                changed = sorted(k for k in change.data if k not in _BOOKKEEPING)
                body["changes"] = {k: {"old": None, "new": item.get(k)} for k in changed}
    else:
        return []
    return [WebhookEvent(name, linked(body, API, repo.full_name), {"X-Event-Key": name})]


def addressed(item: WebhookEvent, subscription: Subscription) -> WebhookEvent | None:
    """The event for one hook: only its repository's (a hook of no repository — one added
    with ``brainhub sandbox webhooks add``, like a workspace hook — takes every one's), with
    Bitbucket's hook headers."""
    wanted = subscription.scope.get("full_name")
    if wanted is not None and wanted != item.body["repository"].get("full_name"):
        return None
    headers = {
        **item.headers,
        "X-Hook-UUID": subscription.id.strip("{}"),
        "X-Request-UUID": str(uuid.uuid4()),
        "X-Attempt-Number": "1",
        "User-Agent": "Bitbucket-Webhooks/2.0",
    }
    return WebhookEvent(item.name, item.body, headers)
