"""Confluence Cloud's REST API v2 as an emulator, on the emulator kit.

Serves the v2 read surface around spaces, pages, blog posts, footer comments, labels,
attachments, versions, children, ancestors and content properties (``operations.py`` lists
every documented GET: served, or left out with the reason). Lists page with an opaque
``cursor``: the next page's relative URL is in ``_links.next`` (``/wiki/api/v2/…?cursor=…``,
carrying the request's other parameters) and in a ``Link: <…>; rel="next"`` header;
``limit`` defaults to 25 and is capped at 250. ``body-format=storage`` (or
``atlas_doc_format``) adds the body to pages, blog posts and comments; without it ``body``
is ``{}``. Pages and blog posts sort by ``id``, ``created-date``, ``modified-date`` (the
current version's ``createdAt``) or ``title``, ``-`` for descending.

Requests need HTTP basic auth (the account's email and API token). Errors are v2's
``{"errors": [{"status", "code", "title", "detail"}]}`` (:mod:`.errors`); over the rate
limit (100 requests a minute per account here) the answer is 429 with ``Retry-After``, and
every answer carries ``X-RateLimit-Limit``/``-Remaining``/``-Reset`` as Atlassian sends them.

Writes (journalled, so they outlive the process): ``POST /pages`` (a space's page; a title
already used in that space is refused as Confluence does), ``PUT /pages/{id}`` (the body's
``version.number`` must be the current one plus one, else 409) and ``POST /footer-comments``
on a page or blog post.

Webhooks (:mod:`.webhooks`): a Connect app registers ``webhooks`` modules through
``POST /wiki/rest/atlassian-connect/1/app/module/dynamic``; writes and ``brainhub sandbox
mutate confluence`` deliver ``page_created``, ``page_updated``, ``comment_created``… with a
Connect JWT signed with the app's shared secret.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import CursorTokens, HttpManners, KitEmulator, PagingError
from brainhub.sandbox.kit.generations import Snapshot
from brainhub.sandbox.kit.journal import Change, Draft, Replay
from brainhub.sandbox.kit.webhooks import WebhookEvent
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.confluence import errors, webhooks
from brainhub.sandbox.services.confluence.operations import OPERATIONS
from brainhub.sandbox.services.confluence.store import SIZES, Wiki, WikiChanges, build

#: The account the sandbox's credentials belong to (the author of written content).
ROBOT_ACCOUNT = "5b10ac8d82e05b22cc7d4e99"
PAGING = CursorTokens(default=25, maximum=250, key=lambda item: str(item["id"]))
CONTENT_SORTS = {
    "id": lambda item: (int(item["id"]),),
    "created-date": lambda item: (item["createdAt"], int(item["id"])),
    "modified-date": lambda item: (item["version"]["createdAt"], int(item["id"])),
    "title": lambda item: (item["title"], int(item["id"])),
}
BODY_FORMATS = ("storage", "atlas_doc_format")
#: The field naming the path's parent in shaped answers, by the path's first segment.
_PARENT_FIELDS = {
    "pages": "pageId",
    "blogposts": "blogPostId",
    "spaces": "spaceId",
    "attachments": "attachmentId",
    "footer-comments": "parentCommentId",
    "inline-comments": "parentCommentId",
}


class ConfluenceEmulator(KitEmulator):
    """Confluence Cloud REST v2 over one seeded site; see the module docstring."""

    service = "confluence"
    base_path = "/wiki/api/v2"
    size_names = tuple(SIZES)
    default_rate_limit = 100
    rate_limit_window_s = 60.0
    operations = OPERATIONS
    surface_file = Path(__file__).with_name("surface.json")
    manners = HttpManners("application/json;charset=UTF-8", gzip_when_asked=True)

    snapshot_keys = {"footer_comment": ("pageId",)}

    def load(self) -> None:
        self.wiki: Wiki = build(self.seed, self.size, self.generation)
        self._replay = WikiChanges(self.wiki).replay()
        self.replay_changes()

    def change_replay(self) -> Replay:
        return self._replay

    # ------------------------------------------------------------ settings and counts

    @property
    def credentials(self) -> dict[str, str]:
        digest = hashlib.sha256(f"confluence-sandbox-{self.seed}".encode()).hexdigest()[:40]
        return {
            "domain": "octo-sandbox.atlassian.net",
            "email": "robot@octo-sandbox.example",
            "api_token": f"ATATT3x{digest}",
        }

    def counts(self) -> dict[str, int]:
        pages = self._current(self.wiki.pages.values())
        return {
            "spaces": len(self.wiki.spaces),
            "pages": len(pages),
            "blog_posts": len(self._current(self.wiki.blogposts.values())),
            "footer_comments": sum(len(self._current(self._comments_of(p["id"]))) for p in pages),
            "page_labels": sum(len(self.wiki.labels.get(p["id"], [])) for p in pages),
        }

    def changes(self, since_generation: int) -> dict[str, int]:
        before = build(self.seed, self.size, since_generation)
        return {
            "pages_updated": self.wiki.pages_updated - before.pages_updated,
            "pages_created": self.wiki.pages_created - before.pages_created,
            "footer_comments_deleted": self.wiki.comments_deleted - before.comments_deleted,
        }

    # ------------------------------------------------------------------ webhooks

    def answer_outside_routes(self, request: Request) -> Response | None:
        if request.path != webhooks.DYNAMIC_MODULES:
            return super().answer_outside_routes(request)
        denied = self.authenticate(request)
        if denied is not None:
            return denied
        if request.method == "DELETE":
            keys = set(request.args.getlist("moduleKey"))
            for subscription in self.webhooks.all():
                if not keys or subscription.scope.get("key") in keys:
                    self.webhooks.remove(subscription.id)
            return Response(status=204)
        if request.method != "POST":
            return Response(status=405, headers={"Allow": "POST, DELETE"})
        modules = webhooks.modules_of(request.get_json(silent=True))
        if isinstance(modules, str):
            return errors.response("INVALID_REQUEST_PARAMETER", modules)
        for module in modules:
            self.webhooks.add(
                module["url"], events=[module["event"]], scope={"key": module["key"]}, app=True
            )
        return Response(status=200)

    def journal_snapshot(self) -> Snapshot:
        """Pages, blog posts and footer comments: their status, title and version."""

        def values(item: dict[str, Any]) -> dict[str, Any]:
            return {
                "title": item.get("title"),
                "status": item.get("status"),
                "version": item["version"]["number"],
            }

        comments = {
            cid: {"pageId": c.get("pageId") or c.get("blogPostId"), **values(c)}
            for cid, c in self.wiki.comments.items()
            if c.get("status") == "current"
        }
        return {
            "page": {pid: values(p) for pid, p in self.wiki.pages.items()},
            "blogpost": {bid: values(b) for bid, b in self.wiki.blogposts.items()},
            "footer_comment": comments,
        }

    def webhook_events(self, change: Change) -> list[WebhookEvent]:
        lookup = {
            "pages": self.wiki.pages,
            "blogposts": self.wiki.blogposts,
            "comments": self.wiki.comments,
        }
        spaces = {str(space["id"]): str(space.get("key", "")) for space in self.wiki.spaces}
        made = webhooks.event_of(change, lookup, spaces, ROBOT_ACCOUNT, int(self.clock() * 1000))
        return [made] if made is not None else []

    # ------------------------------------------------------------------ vendor hooks

    def authenticate(self, request: Request) -> Response | None:
        creds = self.credentials
        token = base64.b64encode(f"{creds['email']}:{creds['api_token']}".encode()).decode()
        if request.headers.get("Authorization") == f"Basic {token}":
            return None
        return errors.response("UNAUTHORIZED", "Current user not permitted to use Confluence")

    def rate_limit_headers(self, decision: RateLimitDecision) -> dict[str, str]:
        reset = datetime.fromtimestamp(decision.reset_epoch_s, tz=UTC)
        return {
            "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": str(decision.remaining),
            "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        response = errors.response("TOO_MANY_REQUESTS", "Rate limit exceeded.")
        response.headers["Retry-After"] = str(decision.retry_after_whole_s)
        return response

    def not_found_response(self, request: Request) -> Response:
        return errors.response("NOT_FOUND", f"No API operation at {request.method} {request.path}")

    def server_error_response(self, status: int) -> Response:
        if status == 500:
            return errors.response("INTERNAL_SERVER_ERROR")
        if status == 503:
            return errors.response("SERVICE_UNAVAILABLE")
        return super().server_error_response(status)

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _current(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return [item for item in items if item["status"] == "current"]

    def _comments_of(self, content_id: str) -> list[dict[str, Any]]:
        return [
            c
            for c in self.wiki.comments.values()
            if content_id in (c.get("pageId"), c.get("blogPostId"))
        ]

    def _listed(
        self,
        request: Request,
        items: list[dict[str, Any]],
        render: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> Response:
        """One page of ``items`` with v2's ``_links`` and ``Link`` header."""
        try:
            page = PAGING.page(items, request.args)
        except PagingError as exc:
            errors.fail("INVALID_REQUEST_PARAMETER", str(exc))
        base = request.host_url + "wiki"
        links: dict[str, str] = {"base": base}
        headers: dict[str, str] = {}
        if page.has_more and page.next_token:
            kept = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
            following = f"{request.path}?{urlencode([*kept, ('cursor', page.next_token)])}"
            links["next"] = following
            headers["Link"] = f'<{following}>; rel="next", <{base}>; rel="base"'
        results = [render(item) if render else item for item in page.items]
        return self.json_response({"results": results, "_links": links}, headers=headers)

    def _body_format(self, request: Request) -> str | None:
        wanted = request.args.get("body-format")
        if wanted is not None and wanted not in BODY_FORMATS:
            errors.fail(
                "INVALID_REQUEST_PARAMETER",
                f"body-format must be one of {', '.join(BODY_FORMATS)}, got {wanted!r}",
            )
        return wanted

    def _renderer(self, request: Request) -> Callable[[dict[str, Any]], dict[str, Any]]:
        wanted = self._body_format(request)

        def render(item: dict[str, Any]) -> dict[str, Any]:
            shown = dict(item)
            storage = item["body"]["storage"]["value"]
            if wanted == "storage":
                shown["body"] = {"storage": dict(item["body"]["storage"])}
            elif wanted == "atlas_doc_format":
                doc = {"type": "doc", "version": 1, "content": [_paragraph(storage)]}
                value = json.dumps(doc, separators=(",", ":"))
                shown["body"] = {
                    "atlas_doc_format": {"representation": "atlas_doc_format", "value": value}
                }
            else:
                shown["body"] = {}
            return shown

        return render

    def _sorted_content(
        self, request: Request, items: Iterable[dict[str, Any]], default: str = "id"
    ) -> list[dict[str, Any]]:
        """Content filtered by ``status``/``title``/``id``/``space-id`` and sorted."""
        statuses = set((request.args.get("status") or "current").split(","))
        chosen = [item for item in items if item["status"] in statuses]
        if ids := request.args.get("id"):
            wanted = set(ids.split(","))
            chosen = [item for item in chosen if item["id"] in wanted]
        if spaces := request.args.get("space-id"):
            in_spaces = set(spaces.split(","))
            chosen = [item for item in chosen if item.get("spaceId") in in_spaces]
        if (title := request.args.get("title")) is not None:
            chosen = [item for item in chosen if item["title"] == title]
        sort = request.args.get("sort") or default
        key = CONTENT_SORTS.get(sort.lstrip("-"))
        if key is None:
            valid = ", ".join(f"{name}, -{name}" for name in CONTENT_SORTS)
            errors.fail("INVALID_REQUEST_PARAMETER", f"sort must be one of {valid}")
        return sorted(chosen, key=key, reverse=sort.startswith("-"))

    def _space(self, space_id: str) -> dict[str, Any]:
        found = next((s for s in self.wiki.spaces if s["id"] == space_id), None)
        if found is None:
            errors.fail("NOT_FOUND", f"No space with id {space_id}")
        return found

    def _page(self, page_id: str) -> dict[str, Any]:
        page = self.wiki.pages.get(page_id)
        if page is None:
            errors.fail("NOT_FOUND", f"No page with id {page_id}")
        return page

    def _blogpost(self, blogpost_id: str) -> dict[str, Any]:
        post = self.wiki.blogposts.get(blogpost_id)
        if post is None:
            errors.fail("NOT_FOUND", f"No blog post with id {blogpost_id}")
        return post

    def _comment(self, comment_id: str) -> dict[str, Any]:
        comment = self.wiki.comments.get(comment_id)
        if comment is None:
            errors.fail("NOT_FOUND", f"No footer comment with id {comment_id}")
        return comment

    def _versions(self, request: Request, item: dict[str, Any], kind: str) -> Response:
        history = [
            {
                **version,
                "id": str(version["number"]),
                kind: {"id": item["id"], "title": item["title"]},
            }
            for version in reversed(self.wiki.versions[item["id"]])
        ]
        if request.args.get("sort") == "modified-date":
            history.reverse()
        return self._listed(request, history, _without_id)

    def _version(self, item: dict[str, Any], number: str, kind: str) -> dict[str, Any]:
        versions = self.wiki.versions[item["id"]]
        found = next((v for v in versions if str(v["number"]) == number), None)
        if found is None:
            errors.fail("NOT_FOUND", f"No version {number} of {kind} {item['id']}")
        return {**found, kind: {"id": item["id"], "title": item["title"]}}

    def _property(self, item: dict[str, Any], property_id: str) -> dict[str, Any]:
        properties = self.wiki.properties.get(item["id"], [])
        found = next((p for p in properties if p["id"] == property_id), None)
        if found is None:
            errors.fail("NOT_FOUND", f"No content property with id {property_id}")
        return found

    def _labelled(self, label_id: str, content: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        if not any(label["id"] == label_id for label in self.wiki.all_labels()):
            errors.fail("NOT_FOUND", f"No label with id {label_id}")
        return [
            item
            for item in content
            if any(label["id"] == label_id for label in self.wiki.labels.get(item["id"], []))
        ]

    # ------------------------------------------------------------------ spaces

    def list_spaces(self, request: Request) -> Response:
        spaces = list(self.wiki.spaces)
        if ids := request.args.get("ids"):
            spaces = [s for s in spaces if s["id"] in ids.split(",")]
        if keys := request.args.get("keys"):
            spaces = [s for s in spaces if s["key"] in keys.split(",")]
        return self._listed(request, spaces)

    def get_space(self, request: Request, id: str) -> dict[str, Any]:
        return self._space(id)

    def list_space_pages(self, request: Request, id: str) -> Response:
        self._space(id)
        pages = [p for p in self.wiki.pages.values() if p["spaceId"] == id]
        return self._listed(request, self._sorted_content(request, pages), self._renderer(request))

    def list_space_blogposts(self, request: Request, id: str) -> Response:
        self._space(id)
        posts = [p for p in self.wiki.blogposts.values() if p["spaceId"] == id]
        return self._listed(request, self._sorted_content(request, posts), self._renderer(request))

    def list_space_labels(self, request: Request, id: str) -> Response:
        self._space(id)
        return self._listed(request, [])

    def list_space_content_labels(self, request: Request, id: str) -> Response:
        self._space(id)
        content = [*self.wiki.pages.values(), *self.wiki.blogposts.values()]
        seen: dict[str, dict[str, Any]] = {}
        for item in content:
            if item["spaceId"] == id:
                for label in self.wiki.labels.get(item["id"], []):
                    seen.setdefault(label["id"], label)
        return self._listed(request, sorted(seen.values(), key=lambda label: int(label["id"])))

    def list_space_properties(self, request: Request, space_id: str) -> Response:
        self._space(space_id)
        return self._listed(request, [])

    # ------------------------------------------------------------------ pages

    def list_pages(self, request: Request) -> Response:
        pages = self._sorted_content(request, self.wiki.pages.values())
        return self._listed(request, pages, self._renderer(request))

    def get_page(self, request: Request, id: str) -> dict[str, Any]:
        return self._renderer(request)(self._page(id))

    def list_children(self, request: Request, id: str) -> Response:
        self._page(id)
        children = [
            {
                "id": p["id"],
                "status": p["status"],
                "title": p["title"],
                "spaceId": p["spaceId"],
                "childPosition": p["position"],
            }
            for p in self._current(self.wiki.pages.values())
            if p.get("parentId") == id
        ]
        return self._listed(request, sorted(children, key=lambda c: c["childPosition"]))

    def list_ancestors(self, request: Request, id: str) -> Response:
        page = self._page(id)
        chain: list[dict[str, Any]] = []
        while page.get("parentId"):
            page = self.wiki.pages[page["parentId"]]
            chain.insert(0, {"id": page["id"], "type": "page"})
        return self._listed(request, chain)

    def list_page_comments(self, request: Request, id: str) -> Response:
        self._page(id)
        comments = self._sorted_comments(request, self._comments_of(id))
        return self._listed(request, comments, self._renderer(request))

    def _sorted_comments(
        self, request: Request, comments: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        sort = request.args.get("sort") or "created-date"
        if sort.lstrip("-") not in ("created-date", "modified-date"):
            errors.fail(
                "INVALID_REQUEST_PARAMETER",
                "sort must be one of created-date, -created-date, modified-date, -modified-date",
            )
        return sorted(
            self._current(comments),
            key=CONTENT_SORTS[sort.lstrip("-")],
            reverse=sort.startswith("-"),
        )

    def list_page_labels(self, request: Request, id: str) -> Response:
        self._page(id)
        return self._listed(request, self.wiki.labels.get(id, []))

    def list_page_attachments(self, request: Request, id: str) -> Response:
        self._page(id)
        return self._listed(request, self.wiki.attachments.get(id, []))

    def list_page_versions(self, request: Request, id: str) -> Response:
        return self._versions(request, self._page(id), "page")

    def get_page_version(self, request: Request, page_id: str, version_number: str) -> Any:
        return self._version(self._page(page_id), version_number, "page")

    def list_page_properties(self, request: Request, page_id: str) -> Response:
        self._page(page_id)
        return self._listed(request, self.wiki.properties.get(page_id, []))

    def get_page_property(self, request: Request, page_id: str, property_id: str) -> Any:
        return self._property(self._page(page_id), property_id)

    # ------------------------------------------------------------------ blog posts

    def list_blogposts(self, request: Request) -> Response:
        posts = self._sorted_content(request, self.wiki.blogposts.values())
        return self._listed(request, posts, self._renderer(request))

    def get_blogpost(self, request: Request, id: str) -> dict[str, Any]:
        return self._renderer(request)(self._blogpost(id))

    def list_blogpost_comments(self, request: Request, id: str) -> Response:
        self._blogpost(id)
        comments = self._sorted_comments(request, self._comments_of(id))
        return self._listed(request, comments, self._renderer(request))

    def list_blogpost_labels(self, request: Request, id: str) -> Response:
        self._blogpost(id)
        return self._listed(request, self.wiki.labels.get(id, []))

    def list_blogpost_attachments(self, request: Request, id: str) -> Response:
        self._blogpost(id)
        return self._listed(request, self.wiki.attachments.get(id, []))

    def list_blogpost_versions(self, request: Request, id: str) -> Response:
        return self._versions(request, self._blogpost(id), "blogpost")

    def get_blogpost_version(self, request: Request, blogpost_id: str, version_number: str) -> Any:
        return self._version(self._blogpost(blogpost_id), version_number, "blogpost")

    def list_blogpost_properties(self, request: Request, blogpost_id: str) -> Response:
        self._blogpost(blogpost_id)
        return self._listed(request, self.wiki.properties.get(blogpost_id, []))

    def get_blogpost_property(self, request: Request, blogpost_id: str, property_id: str) -> Any:
        return self._property(self._blogpost(blogpost_id), property_id)

    # ------------------------------------------------------------------ comments

    def list_comments(self, request: Request) -> Response:
        comments = self._sorted_comments(request, list(self.wiki.comments.values()))
        return self._listed(request, comments, self._renderer(request))

    def get_comment(self, request: Request, comment_id: str) -> dict[str, Any]:
        return self._renderer(request)(self._comment(comment_id))

    def list_comment_children(self, request: Request, id: str) -> Response:
        self._comment(id)
        return self._listed(request, [])

    def list_comment_versions(self, request: Request, id: str) -> Response:
        return self._versions(request, self._comment(id), "comment")

    # ------------------------------------------------------------------ labels, attachments

    def list_labels(self, request: Request) -> Response:
        labels = self.wiki.all_labels()
        if ids := request.args.get("label-id"):
            labels = [label for label in labels if label["id"] in ids.split(",")]
        if prefixes := request.args.get("prefix"):
            labels = [label for label in labels if label["prefix"] in prefixes.split(",")]
        return self._listed(request, labels)

    def list_label_pages(self, request: Request, id: str) -> Response:
        pages = self._labelled(id, self._current(self.wiki.pages.values()))
        return self._listed(request, pages, self._renderer(request))

    def list_label_blogposts(self, request: Request, id: str) -> Response:
        posts = self._labelled(id, self._current(self.wiki.blogposts.values()))
        return self._listed(request, posts, self._renderer(request))

    def list_attachments(self, request: Request) -> Response:
        every = [a for attached in self.wiki.attachments.values() for a in attached]
        return self._listed(request, sorted(every, key=lambda a: a["id"]))

    def get_attachment(self, request: Request, id: str) -> dict[str, Any]:
        every = (a for attached in self.wiki.attachments.values() for a in attached)
        found = next((a for a in every if a["id"] == id), None)
        if found is None:
            errors.fail("NOT_FOUND", f"No attachment with id {id}")
        return found

    def list_attachment_versions(self, request: Request, id: str) -> Response:
        """Each seeded attachment has one version: the one it carries."""
        attachment = self.get_attachment(request, id)
        return self._listed(request, [self._attachment_version(attachment)], _without_id)

    def get_attachment_version(
        self, request: Request, attachment_id: str, version_number: str
    ) -> dict[str, Any]:
        attachment = self.get_attachment(request, attachment_id)
        if version_number != str(attachment["version"]["number"]):
            errors.fail("NOT_FOUND", f"No version {version_number} of attachment {attachment_id}")
        return _without_id(self._attachment_version(attachment))

    @staticmethod
    def _attachment_version(attachment: dict[str, Any]) -> dict[str, Any]:
        return {
            **attachment["version"],
            "id": str(attachment["version"]["number"]),
            "message": attachment["comment"],
            "authorId": ROBOT_ACCOUNT,
            "attachment": {"id": attachment["id"], "title": attachment["title"]},
        }

    def list_attachment_nothing(self, request: Request, id: str) -> Response:
        """Labels and footer comments of an attachment: the seeded ones carry none."""
        self.get_attachment(request, id)
        return self._listed(request, [])

    def list_label_attachments(self, request: Request, id: str) -> Response:
        """Attachments with a label: seeded labels are on pages and blog posts only."""
        self._labelled(id, [])
        return self._listed(request, [])

    # ------------------------------------------------------------------ shaped answers

    def shape_context(self, request: Request, values: Mapping[str, Any]) -> dict[str, Any]:
        """The path's parent by the field name v2 gives it (``pageId``, ``spaceId``…) and
        the sandbox's account as every author."""
        context: dict[str, Any] = {k: v for k, v in values.items() if not k.endswith("id")}
        owner = request.path[len(self.base_path) :].split("/")[1]
        ref = values.get("id") or values.get(f"{owner.rstrip('s')}_id")
        field = _PARENT_FIELDS.get(owner)
        if field and ref:
            context[field] = str(ref)
        context.update(authorId=ROBOT_ACCOUNT, ownerId=ROBOT_ACCOUNT, accountId=ROBOT_ACCOUNT)
        return context

    def shaped(self, request: Request, key: str, values: Mapping[str, Any]) -> Any:
        """The documented answer for a parent that exists (v2's 404 otherwise), carrying
        the id the path asked for; a list is one complete page: its ``_links`` name the site
        and no next page."""
        owner = request.path[len(self.base_path) :].split("/")[1]
        ref = str(values.get("id") or values.get(f"{owner.rstrip('s')}_id") or "")
        check = {
            "spaces": self._space,
            "pages": self._page,
            "blogposts": self._blogpost,
            "footer-comments": self._comment,
            "attachments": lambda ref: self.get_attachment(request, ref),
        }.get(owner)
        if check is not None and ref:
            item = check(ref)
            if owner == "footer-comments" and "version_number" in values:
                self._version(item, str(values["version_number"]), "comment")
        answer = super().shaped(request, key, values)
        last = key.rsplit("/", 1)[-1].strip("{}")
        if last.endswith("id") and isinstance(answer, dict) and "id" in answer:
            answer["id"] = str(values[last])  # the object the path asked for
        if isinstance(answer, dict) and isinstance(answer.get("_links"), dict):
            answer["_links"] = {k: v for k, v in answer["_links"].items() if k != "next"} | {
                "base": request.host_url + "wiki"
            }
        return answer

    # ------------------------------------------------------------------ writes

    def _json_body(self, request: Request) -> dict[str, Any]:
        try:
            body = json.loads(request.get_data() or b"{}")
        except ValueError:
            errors.fail("INVALID_REQUEST_PARAMETER", "The request body is not valid JSON")
        if not isinstance(body, dict):
            errors.fail("INVALID_REQUEST_PARAMETER", "The request body must be a JSON object")
        return body

    @staticmethod
    def _storage(body: dict[str, Any]) -> str | None:
        """The storage-format value of a write's ``body``: ``{"representation": "storage",
        "value"}`` or the nested ``{"storage": {"value"}}`` form; ``None`` when absent."""
        content = body.get("body")
        if content is None:
            return None
        nested = content.get("storage") if isinstance(content, dict) else None
        if isinstance(nested, dict):
            content = {"representation": "storage", **nested}
        if not isinstance(content, dict) or content.get("representation") != "storage":
            errors.fail(
                "INVALID_REQUEST_PARAMETER",
                'body must be {"representation": "storage", "value": "<p>…</p>"}',
            )
        return str(content.get("value") or "")

    def create_page(self, request: Request) -> Response:
        body = self._json_body(request)

        def draft() -> Draft:
            space_id = str(body.get("spaceId") or "")
            self._space(space_id) if space_id else errors.fail(
                "INVALID_REQUEST_PARAMETER", "spaceId is required"
            )
            title = str(body.get("title") or "")
            if not title:
                errors.fail("INVALID_REQUEST_PARAMETER", "title is required for a current page")
            if any(
                p["spaceId"] == space_id and p["title"] == title and p["status"] == "current"
                for p in self.wiki.pages.values()
            ):
                errors.fail(
                    "INVALID_REQUEST_PARAMETER",
                    "A page with this title already exists: A page already exists with the "
                    f"same TITLE in this space ({title!r})",
                )
            parent_id = body.get("parentId")
            if parent_id is not None and self._page(str(parent_id))["spaceId"] != space_id:
                errors.fail("INVALID_REQUEST_PARAMETER", "parentId must be a page of the space")
            data = {
                "spaceId": space_id,
                "title": title,
                "value": self._storage(body) or "",
                "authorId": ROBOT_ACCOUNT,
                "parentId": str(parent_id) if parent_id is not None else None,
            }
            return Draft("create", "page", str(self.wiki.next_id + 1), data)

        change = self.record_change(draft)
        page = self._renderer_for("storage")(self.wiki.pages[change.id])
        return self.json_response(page)

    def update_page(self, request: Request, id: str) -> Response:
        body = self._json_body(request)

        def draft() -> Draft:
            page = self._page(id)
            version = body.get("version")
            number = version.get("number") if isinstance(version, dict) else None
            if not isinstance(number, int) or isinstance(number, bool):
                errors.fail("INVALID_REQUEST_PARAMETER", "version.number is required")
            if number != page["version"]["number"] + 1:
                errors.fail(
                    "CONFLICT",
                    "Version must be incremented on update. Current version is: "
                    f"{page['version']['number']}",
                )
            title = body.get("title")
            if not title:
                errors.fail("INVALID_REQUEST_PARAMETER", "title is required")
            data = {
                "title": str(title),
                "value": self._storage(body),
                "status": body.get("status") or "current",
                "authorId": ROBOT_ACCOUNT,
            }
            return Draft("update", "page", id, data)

        self.record_change(draft)
        return self.json_response(self._renderer_for("storage")(self.wiki.pages[id]))

    def create_comment(self, request: Request) -> Response:
        body = self._json_body(request)

        def draft() -> Draft:
            parent = body.get("pageId") or body.get("blogPostId")
            if not parent:
                errors.fail("INVALID_REQUEST_PARAMETER", "pageId or blogPostId is required")
            if body.get("pageId"):
                self._page(str(parent))
            else:
                self._blogpost(str(parent))
            value = self._storage(body)
            if not value:
                errors.fail("INVALID_REQUEST_PARAMETER", "body.value is required")
            data = {"pageId": str(parent), "value": value, "authorId": ROBOT_ACCOUNT}
            return Draft("create", "footer_comment", str(self.wiki.next_id + 1), data)

        change = self.record_change(draft)
        return self.json_response(self._renderer_for("storage")(self.wiki.comments[change.id]))

    def _renderer_for(self, wanted: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def render(item: dict[str, Any]) -> dict[str, Any]:
            return {**item, "body": {wanted: dict(item["body"]["storage"])}}

        return render


def _paragraph(storage: str) -> dict[str, Any]:
    text = storage.removeprefix("<p>").removesuffix("</p>")
    return {"type": "paragraph", "content": [{"type": "text", "text": text}]}


def _without_id(version: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in version.items() if k != "id"}
