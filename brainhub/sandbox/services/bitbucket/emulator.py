"""The Bitbucket Cloud emulator (REST 2.0): the read surface of workspaces, repositories,
branches, commits, pull requests, issues and pipelines, and pull-request comments.

Bitbucket's manners: every list is a page ``{"pagelen", "page", "size", "values",
"next"}`` whose ``next`` is the absolute URL of the following page (``pagelen`` up to
100, default 10); lists of pull requests, issues and repositories filter with BBQL
(``q``) and order with ``sort``; pull requests are only ``OPEN`` unless ``state`` is
repeated for the others. Auth is ``Authorization: Bearer <access token>`` (workspace or
repository access token) or basic with a username and an app password. Errors are
``{"type": "error", "error": {"message": …}}``; over 1,000 requests an hour the answer
is 429 with ``Retry-After``.

Webhooks (:mod:`.webhooks`): ``POST /repositories/{workspace}/{repo_slug}/hooks`` subscribes
a URL (with an optional ``secret``) to the repository's events; pull-request comments
written through the API and ``brainhub sandbox mutate bitbucket`` deliver them.
"""

from __future__ import annotations

import base64
import hashlib
import math
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from werkzeug.exceptions import abort
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import Change, Draft, HttpManners, KitEmulator, Replay
from brainhub.sandbox.kit.generations import Snapshot
from brainhub.sandbox.kit.operations import path_parameters
from brainhub.sandbox.kit.webhooks import Subscription, WebhookEvent
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.bitbucket import content, webhooks
from brainhub.sandbox.services.bitbucket import dataset as seeded
from brainhub.sandbox.services.bitbucket.bbql import QueryError, parse_query, sort_key
from brainhub.sandbox.services.bitbucket.errors import ERRORS, error_body
from brainhub.sandbox.services.bitbucket.links import linked
from brainhub.sandbox.services.bitbucket.operations import OPERATIONS

DEFAULT_PAGELEN = 10
MAX_PAGELEN = 100
#: The sandbox account of basic auth (app passwords belong to a user).
USERNAME = "sandbox-dev"


class BitbucketEmulator(KitEmulator):
    """Bitbucket Cloud REST 2.0 on the kit; see the module doc."""

    service = "bitbucket"
    base_path = "/2.0"
    operations = OPERATIONS
    surface_file = Path(__file__).with_name("surface.json")
    manners = HttpManners("application/json; charset=utf-8", gzip_when_asked=True)
    shape_host = "bitbucket.org"
    default_rate_limit = 1000
    rate_limit_window_s = 3600.0
    data: seeded.Dataset
    webhook_rules = webhooks.RULES
    snapshot_keys = {
        "pullrequest": ("workspace", "repo_slug", "id"),
        "issue": ("workspace", "repo_slug", "id"),
        "pullrequest_comment": ("workspace", "repo_slug", "pull_request_id", "comment"),
    }

    def load(self) -> None:
        self.data = seeded.build(self.seed, self.size, self.generation)
        self.replay_changes()

    # ---------------------------------------------------------------- settings and counts

    @property
    def credentials(self) -> dict[str, str]:
        return {"access_token": f"bbat_sandbox{self.seed:04d}WorkspaceAccessToken"}

    @property
    def app_password(self) -> str:
        """The app password basic auth takes with :data:`USERNAME`."""
        return f"ATBBsandbox{self.seed:04d}AppPassword"

    def counts(self) -> dict[str, int]:
        repos = list(self.data.repositories.values())
        return {
            "workspaces": len(self.data.workspaces),
            "repositories": len(repos),
            "pull_requests": sum(len(r.pull_requests) for r in repos),
            "commits": sum(len(r.commits) for r in repos),
            "issues": sum(len(r.issues) for r in repos if r.record["has_issues"]),
            "pipelines": sum(len(r.pipelines) for r in repos),
        }

    def changes(self, since_generation: int) -> dict[str, int]:
        before = BitbucketEmulator(seed=self.seed, size=self.size, generation=since_generation)
        now, then = self._stream_ids(), before._stream_ids()
        return {
            **{f"{name}_created": len(now[name] - then[name]) for name in now},
            **{f"{name}_deleted": len(then[name] - now[name]) for name in then},
        }

    def _stream_ids(self) -> dict[str, set[str]]:
        """The keys of what a default sync reads, per stream."""
        repos = list(self.data.repositories.values())
        keyed = {
            "pull_requests": lambda r: [f"{r.full_name}#{p['id']}" for p in r.pull_requests],
            "commits": lambda r: [f"{r.full_name}@{c['hash']}" for c in r.commits],
            "issues": lambda r: [f"{r.full_name}#{i['id']}" for i in r.issues],
            "pipelines": lambda r: [p["uuid"] for p in r.pipelines],
        }
        return {
            "workspaces": {w["uuid"] for w in self.data.workspaces},
            "repositories": {r.record["uuid"] for r in repos},
            **{name: {key for r in repos for key in keys(r)} for name, keys in keyed.items()},
        }

    # ---------------------------------------------------------------- pipeline hooks

    def authenticate(self, request: Request) -> Response | None:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and value == self.credentials["access_token"]:
            return None
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(value).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                user = password = ""
            if user == USERNAME and password == self.app_password:
                return None
        return ERRORS.response("UNAUTHENTICATED")

    def rate_limit_headers(self, decision: RateLimitDecision) -> dict[str, str]:
        near = decision.remaining < max(1, decision.limit // 20)
        return {
            "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Resource": "api/repositories",
            "X-RateLimit-NearLimit": "true" if near else "false",
        }

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        response = ERRORS.response("RATE_LIMITED")
        response.headers["Retry-After"] = str(max(1, math.ceil(decision.retry_after_s)))
        return response

    def not_found_response(self, request: Request) -> Response:
        return self.json_response(error_body(f"Resource not found: {request.path}"), 404)

    def server_error_response(self, status: int) -> Response:
        if status >= 502:
            return super().server_error_response(status)
        return self.json_response(error_body("Something went wrong"), status)

    def missing_query_response(self, name: str) -> Response:
        return self.json_response(error_body(f"Missing required parameter: {name}"), 400)

    def shape_base_ms(self) -> int:
        return int(seeded.BASE.timestamp() * 1000)

    def shape_context(self, request: Request, values: Mapping[str, Any]) -> dict[str, Any]:
        """Path values, and a repository's name and newest commit: shaped commits and
        repositories are the path's own (or, outside a repository, the first seeded one)."""
        context = {key: value for key, value in values.items() if key != "workspace"}
        repo = None
        if "repo_slug" in values:
            repo = self.data.repository(str(values["workspace"]), str(values["repo_slug"]))
        repo = repo or next(iter(self.data.repositories.values()))
        context.update(full_name=repo.full_name, hash=repo.commits[-1]["hash"])
        return context

    def check_path_ids(self, values: Mapping[str, Any]) -> None:
        """Unknown workspaces, repositories, and the objects the store keeps (pull requests,
        issues, commits, pipelines, users, projects) answer Bitbucket's 404."""
        if "selected_user" in values:
            self._user(str(values["selected_user"]))
        workspace = values.get("workspace")
        if workspace is None:
            return
        self._workspace(str(workspace))
        if "project_key" in values:
            self._project(str(workspace), str(values["project_key"]))
        if "repo_slug" not in values:
            return
        slug = str(values["repo_slug"])
        self._repo(str(workspace), slug)
        if "pull_request_id" in values:
            self._pull(str(workspace), slug, str(values["pull_request_id"]))
        if "issue_id" in values:
            self._issue(str(workspace), slug, str(values["issue_id"]))
        if "commit" in values:
            self._commit(str(workspace), slug, str(values["commit"]))
        if "pipeline_uuid" in values:
            self._pipeline(str(workspace), slug, str(values["pipeline_uuid"]))

    def dispatch(self, endpoint: str, request: Request, values: Mapping[str, Any]) -> Any:
        """Answers carry Bitbucket's ``links``, rooted at the host that asked."""
        result = super().dispatch(endpoint, request, values)
        if isinstance(result, Response):
            return result
        repo = f"{values['workspace']}/{values['repo_slug']}" if "repo_slug" in values else None
        return linked(result, f"{request.host_url}2.0", repo)

    def shaped(self, request: Request, key: str, values: Mapping[str, Any]) -> Any:
        """A documented shape filled in; a shaped page is the only page (its ``next`` and
        ``previous`` would lead nowhere real)."""
        answer = super().shaped(request, key, values)
        names = path_parameters(key)
        last = names[-1] if names else ""
        if isinstance(answer, dict) and last.endswith(("_id", "_uuid")):
            # the object the path names is that object: its own id is the path's
            field = "uuid" if last.endswith("_uuid") else "id"
            own = str(values[last])
            if isinstance(answer.get(field), int) and _number(own):
                answer[field] = int(own)
            elif isinstance(answer.get(field), str):
                answer[field] = own
        if isinstance(answer, dict) and "values" in answer:
            answer = {k: v for k, v in answer.items() if k not in ("next", "previous")}
            pagelen = request.args.get("pagelen", "")
            answer.update(
                page=1,
                size=len(answer["values"]),
                pagelen=int(pagelen) if _number(pagelen) and int(pagelen) > 0 else DEFAULT_PAGELEN,
            )
        return answer

    # ---------------------------------------------------------------- writes

    def change_replay(self) -> Replay:
        return Replay({("pullrequest_comment", "create"): self._apply_comment})

    def _apply_comment(self, change: Change) -> None:
        repo = self.data.repository(change.data["workspace"], change.data["repo_slug"])
        if repo is None:
            return
        comment = dict(change.data["comment"])
        repo.pr_comments.setdefault(int(change.data["pull_request_id"]), []).append(comment)
        for pull in repo.pull_requests:
            if pull["id"] == int(change.data["pull_request_id"]):
                pull["comment_count"] += 1

    def create_pull_request_comment(
        self, request: Request, workspace: str, repo_slug: str, pull_request_id: str
    ) -> Response:
        body = request.get_json(silent=True)
        raw = (body or {}).get("content", {}).get("raw") if isinstance(body, dict) else None
        if not isinstance(raw, str) or not raw.strip():
            return self.json_response(
                error_body("Bad request", "content.raw: This field is required."), 400
            )
        self._pull(workspace, repo_slug, pull_request_id)
        repo = self._repo(workspace, repo_slug)

        def build() -> Draft:
            now = seeded.stamp(datetime.fromtimestamp(self.clock(), UTC))
            comment = {
                "type": "pullrequest_comment",
                "id": repo.next_comment_id("pullrequest"),
                "content": {"raw": raw, "markup": "markdown", "html": f"<p>{raw}</p>"},
                "user": self.data.users[0],
                "deleted": False,
                "created_on": now,
                "updated_on": now,
                "pullrequest": {"type": "pullrequest", "id": int(pull_request_id)},
            }
            return Draft(
                "create",
                "pullrequest_comment",
                str(comment["id"]),
                {
                    "workspace": workspace,
                    "repo_slug": repo_slug,
                    "pull_request_id": int(pull_request_id),
                    "comment": comment,
                },
            )

        change = self.record_change(build)
        comment = linked(change.data["comment"], f"{request.host_url}2.0", repo.full_name)
        return self.json_response(comment, 201)

    # ---------------------------------------------------------------- webhooks

    def create_hook(self, request: Request, workspace: str, repo_slug: str) -> Response:
        repo = self._repo(workspace, repo_slug)
        body = request.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        url = body.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return self.json_response(
                error_body("Bad request", "url: Enter a valid URL."), status=400
            )
        events = body.get("events")
        if (
            not isinstance(events, list)
            or not events
            or not all(isinstance(e, str) for e in events)
        ):
            return self.json_response(
                error_body("Bad request", "events: This field is required."), status=400
            )
        unknown = sorted(set(events) - webhooks.KNOWN_EVENTS)
        if unknown:
            return self.json_response(
                error_body("Bad request", f"events: unknown event {unknown[0]!r}."), status=400
            )
        secret = body.get("secret")
        subscription = self.webhooks.add(
            url,
            secret=secret if isinstance(secret, str) else "",
            events=events,
            scope={
                "full_name": repo.full_name,
                "description": str(body.get("description") or ""),
            },
            subscription_id="{" + str(uuid.uuid4()) + "}",
        )
        at = seeded.stamp(datetime.fromtimestamp(self.clock(), UTC))
        return self.json_response(webhooks.hook_answer(subscription, repo.record, at), 201)

    def delete_hook(self, request: Request, workspace: str, repo_slug: str, uid: str) -> Response:
        repo = self._repo(workspace, repo_slug)
        wanted = "{" + uid.strip("{}") + "}"
        mine = [s for s in self.webhooks.all() if s.scope.get("full_name") == repo.full_name]
        if not any(s.id == wanted for s in mine) or not self.webhooks.remove(wanted):
            return self.json_response(error_body(f"No webhook with identifier '{uid}'."), 404)
        return Response(status=204)

    def journal_snapshot(self) -> Snapshot:
        """Pull requests, issues and pull-request comments, by repository."""
        pulls: dict[str, dict[str, Any]] = {}
        issues: dict[str, dict[str, Any]] = {}
        comments: dict[str, dict[str, Any]] = {}
        for repo in self.data.repositories.values():
            where = {"workspace": repo.workspace, "repo_slug": repo.slug}
            for items, into in ((repo.pull_requests, pulls), (repo.issues, issues)):
                for item in items:
                    into[f"{repo.full_name}#{item['id']}"] = {
                        **where,
                        "id": item["id"],
                        **{k: item.get(k) for k in ("title", "state", "updated_on")},
                    }
            for number, found in repo.pr_comments.items():
                for comment in found:
                    comments[f"{repo.full_name}#{number}/{comment['id']}"] = {
                        **where,
                        "pull_request_id": number,
                        "comment": comment,
                    }
        return {"pullrequest": pulls, "issue": issues, "pullrequest_comment": comments}

    def webhook_events(self, change: Change) -> list[WebhookEvent]:
        return webhooks.events_of(change, self.data)

    def address_event(self, event: WebhookEvent, subscription: Subscription) -> WebhookEvent | None:
        return webhooks.addressed(event, subscription)

    # ---------------------------------------------------------------- lookups

    def _workspace(self, slug: str) -> dict[str, Any]:
        for workspace in self.data.workspaces:
            if slug in (workspace["slug"], workspace["uuid"]):
                return workspace
        return abort(self.json_response(error_body(f"No workspace with identifier '{slug}'."), 404))

    def _repo(self, workspace: str, slug: str) -> seeded.Repository:
        self._workspace(workspace)
        repo = self.data.repository(workspace, slug)
        if repo is None:
            ERRORS.fail("NO_REPOSITORY")
        return repo

    def _pull(self, workspace: str, slug: str, number: str) -> dict[str, Any]:
        repo = self._repo(workspace, slug)
        for pull in repo.pull_requests:
            if str(pull["id"]) == number:
                return pull
        return ERRORS.fail("NO_PULL_REQUEST")

    def _issue(self, workspace: str, slug: str, number: str) -> dict[str, Any]:
        repo = self._tracked(workspace, slug)
        for issue in repo.issues:
            if str(issue["id"]) == number:
                return issue
        return ERRORS.fail("NO_ISSUE")

    def _tracked(self, workspace: str, slug: str) -> seeded.Repository:
        repo = self._repo(workspace, slug)
        if not repo.record["has_issues"]:
            ERRORS.fail("NO_TRACKER")
        return repo

    # ---------------------------------------------------------------- paging

    def page(
        self, request: Request, items: list[dict[str, Any]], filterable: bool = True
    ) -> dict[str, Any]:
        """One Bitbucket page of ``items`` after ``q`` and ``sort`` (when ``filterable``)."""
        if filterable and items:
            fields = set().union(*(item.keys() for item in items))
            try:
                if request.args.get("q"):
                    items = [i for i in items if parse_query(request.args["q"], fields)(i)]
                if request.args.get("sort"):
                    key, descending = sort_key(request.args["sort"], fields)
                    items = sorted(items, key=key, reverse=descending)
            except QueryError as exc:
                abort(self.json_response(error_body(str(exc)), 400))
        try:
            pagelen = int(request.args.get("pagelen", DEFAULT_PAGELEN))
            number = int(request.args.get("page", 1))
        except ValueError:
            abort(self.json_response(error_body("Invalid page or pagelen: give numbers"), 400))
        if pagelen < 1 or number < 1:
            abort(self.json_response(error_body("page and pagelen must be positive"), 400))
        pagelen = min(pagelen, MAX_PAGELEN)
        start = (number - 1) * pagelen
        body: dict[str, Any] = {
            "pagelen": pagelen,
            "size": len(items),
            "page": number,
            "values": items[start : start + pagelen],
        }
        if start + pagelen < len(items):
            body["next"] = self._page_url(request, number + 1)
        if number > 1:
            body["previous"] = self._page_url(request, number - 1)
        return body

    @staticmethod
    def _page_url(request: Request, number: int) -> str:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
        # Bitbucket writes the braces of a UUID in a URL percent-encoded
        base = request.base_url.replace("{", "%7B").replace("}", "%7D")
        return f"{base}?{urlencode([*args, ('page', str(number))])}"

    # ---------------------------------------------------------------- users, workspaces

    def get_current_user(self, request: Request) -> dict[str, Any]:
        return self.data.users[0]

    def get_user(self, request: Request, selected_user: str) -> dict[str, Any]:
        return self._user(selected_user)

    def _user(self, selected_user: str) -> dict[str, Any]:
        for user in self.data.users:
            if selected_user in (user["uuid"], user["account_id"], user["nickname"]):
                return user
        return ERRORS.fail("NO_USER")

    def list_workspaces(self, request: Request) -> dict[str, Any]:
        return self.page(request, list(self.data.workspaces))

    def list_user_workspaces(self, request: Request) -> dict[str, Any]:
        """The caller's workspace access (``/user/workspaces``, newer than the document)."""
        access = [
            {
                "type": "workspace_access",
                "administrator": index == 0,
                "workspace": {k: w[k] for k in ("type", "uuid", "slug", "name")},
            }
            for index, w in enumerate(self.data.workspaces)
        ]
        return self.page(request, access, filterable=False)

    def get_workspace(self, request: Request, workspace: str) -> dict[str, Any]:
        return self._workspace(workspace)

    def list_workspace_members(self, request: Request, workspace: str) -> dict[str, Any]:
        found = self._workspace(workspace)
        members = [
            {"type": "workspace_membership", "user": user, "workspace": found}
            for user in self.data.members[found["slug"]]
        ]
        return self.page(request, members, filterable=False)

    def get_workspace_member(self, request: Request, workspace: str, member: str) -> Any:
        found = self._workspace(workspace)
        for user in self.data.members[found["slug"]]:
            if member in (user["uuid"], user["account_id"]):
                return {"type": "workspace_membership", "user": user, "workspace": found}
        return ERRORS.fail("NO_USER")

    # ---------------------------------------------------------------- repositories

    def list_all_repositories(self, request: Request) -> dict[str, Any]:
        return self.page(request, [r.record for r in self.data.repositories.values()])

    def list_repositories(self, request: Request, workspace: str) -> dict[str, Any]:
        found = self._workspace(workspace)
        return self.page(request, [r.record for r in self.data.of_workspace(found["slug"])])

    def get_repository(self, request: Request, workspace: str, repo_slug: str) -> Any:
        return self._repo(workspace, repo_slug).record

    def _branch(self, repo: seeded.Repository) -> dict[str, Any]:
        return {
            "type": "branch",
            "name": "main",
            "target": repo.commits[-1],
            "merge_strategies": ["merge_commit", "squash", "fast_forward"],
            "default_merge_strategy": "merge_commit",
        }

    def list_refs(self, request: Request, workspace: str, repo_slug: str) -> dict[str, Any]:
        return self.page(request, [self._branch(self._repo(workspace, repo_slug))])

    def list_branches(self, request: Request, workspace: str, repo_slug: str) -> Any:
        return self.page(request, [self._branch(self._repo(workspace, repo_slug))])

    def get_branch(self, request: Request, workspace: str, repo_slug: str, name: str) -> Any:
        branch = self._branch(self._repo(workspace, repo_slug))
        return branch if name == branch["name"] else ERRORS.fail("NO_BRANCH")

    def list_commits(self, request: Request, workspace: str, repo_slug: str) -> Any:
        repo = self._repo(workspace, repo_slug)
        return self.page(request, list(reversed(repo.commits)), filterable=False)

    def list_commits_from(
        self, request: Request, workspace: str, repo_slug: str, revision: str
    ) -> Any:
        repo = self._repo(workspace, repo_slug)
        newest_first = list(reversed(repo.commits))
        for index, commit in enumerate(newest_first):
            if commit["hash"].startswith(revision) or revision == "main":
                return self.page(request, newest_first[index:], filterable=False)
        return ERRORS.fail("NO_COMMIT")

    def get_commit(self, request: Request, workspace: str, repo_slug: str, commit: str) -> Any:
        return self._commit(workspace, repo_slug, commit)

    def _commit(self, workspace: str, repo_slug: str, revision: str) -> dict[str, Any]:
        """The commit a hash (seven characters or more) or the branch ``main`` names."""
        commits = self._repo(workspace, repo_slug).commits
        if revision == "main":
            return commits[-1]
        for found in commits:
            if len(revision) >= 7 and found["hash"].startswith(revision):
                return found
        return ERRORS.fail("NO_COMMIT")

    def list_commit_pull_requests(
        self, request: Request, workspace: str, repo_slug: str, commit: str
    ) -> Any:
        """The pull requests whose source is ``commit``."""
        found = self._commit(workspace, repo_slug, commit)
        pulls = self._repo(workspace, repo_slug).pull_requests
        mine = [p for p in pulls if found["hash"].startswith(p["source"]["commit"]["hash"])]
        return self.page(request, mine, filterable=False)

    def get_merge_base(self, request: Request, workspace: str, repo_slug: str, revspec: str) -> Any:
        """The older of the two commits of ``revspec`` (``a..b``): history is linear."""
        commits = self._repo(workspace, repo_slug).commits
        found = [self._commit(workspace, repo_slug, part) for part in revspec.split("..")]
        if len(found) != 2:
            return abort(self.json_response(error_body("Give two commits: a..b"), 400))
        return min(found, key=lambda c: commits.index(c))

    # ---------------------------------------------------------------- source and diffs

    def list_source_root(self, request: Request, workspace: str, repo_slug: str) -> Any:
        return self.get_source(request, workspace, repo_slug, "main", "")

    def get_source(
        self, request: Request, workspace: str, repo_slug: str, commit: str, path: str
    ) -> Any:
        """A file's raw text, or a page of a directory's entries."""
        repo = self._repo(workspace, repo_slug)
        found = self._commit(workspace, repo_slug, commit)
        text = content.files(repo.slug).get(path.strip("/"))
        if text is not None:
            return Response(text, content_type="text/plain; charset=utf-8")
        entries = content.directory(repo.slug, path)
        if not entries:
            return abort(self.json_response(error_body(f"No such file or directory: {path}"), 404))
        tree = content.files(repo.slug)
        values = [
            {
                "type": "commit_directory" if is_directory else "commit_file",
                "path": name,
                "commit": {"type": "commit", "hash": found["hash"]},
                **({} if is_directory else {"size": len(tree[name].encode()), "mimetype": None}),
            }
            for name, is_directory in entries
        ]
        return self.page(request, values, filterable=False)

    def list_file_history(
        self, request: Request, workspace: str, repo_slug: str, commit: str, path: str
    ) -> Any:
        """The commits that changed ``path``, newest first, up to ``commit``."""
        repo = self._repo(workspace, repo_slug)
        found = self._commit(workspace, repo_slug, commit)
        tree = content.files(repo.slug)
        if path.strip("/") not in tree:
            return abort(self.json_response(error_body(f"No such file: {path}"), 404))
        newest_first = list(reversed(repo.commits[: repo.commits.index(found) + 1]))
        values = [
            {
                "type": "commit_file",
                "path": path.strip("/"),
                "size": len(tree[path.strip("/")].encode()),
                "commit": {"type": "commit", "hash": c["hash"], "date": c["date"]},
            }
            for c in newest_first
        ]
        return self.page(request, values, filterable=False)

    def _spec(self, workspace: str, repo_slug: str, spec: str) -> str:
        """``spec`` (``a..b``, or one commit against its parent) checked against the store."""
        parts = [self._commit(workspace, repo_slug, part)["hash"] for part in spec.split("..")]
        if len(parts) == 1:
            commits = self._repo(workspace, repo_slug).commits
            index = max(0, [c["hash"] for c in commits].index(parts[0]) - 1)
            parts = [parts[0], commits[index]["hash"]]
        return f"{parts[0][:12]}..{parts[1][:12]}"

    def get_diff(self, request: Request, workspace: str, repo_slug: str, spec: str) -> Response:
        self._spec(workspace, repo_slug, spec)
        text = content.diff(repo_slug, spec)
        return Response(text, content_type="text/plain; charset=utf-8")

    def get_patch(self, request: Request, workspace: str, repo_slug: str, spec: str) -> Response:
        self._spec(workspace, repo_slug, spec)
        head = self._commit(workspace, repo_slug, spec.split("..")[0])
        author = head["author"]["raw"]
        text = content.patch(repo_slug, spec, author, head["date"], head["message"])
        return Response(text, content_type="text/plain; charset=utf-8")

    def redirect_pull_request_diff(
        self, request: Request, workspace: str, repo_slug: str, pull_request_id: str
    ) -> Response:
        """Bitbucket answers 302 to the repository's diff of the two commits."""
        return self._pull_redirect(request, workspace, repo_slug, pull_request_id, "diff")

    def redirect_pull_request_patch(
        self, request: Request, workspace: str, repo_slug: str, pull_request_id: str
    ) -> Response:
        """Bitbucket answers 302 to the repository's patch of the two commits."""
        return self._pull_redirect(request, workspace, repo_slug, pull_request_id, "patch")

    def _pull_redirect(
        self, request: Request, workspace: str, repo_slug: str, pull_request_id: str, kind: str
    ) -> Response:
        pull = self._pull(workspace, repo_slug, pull_request_id)
        source, target = pull["source"]["commit"]["hash"], pull["destination"]["commit"]["hash"]
        location = f"{request.host_url}2.0/repositories/{workspace}/{repo_slug}/{kind}/"
        return Response(
            status=302,
            content_type="application/json",
            headers={"Location": f"{location}{source}..{target}?from_pullrequest_id={pull['id']}"},
        )

    # ---------------------------------------------------------------- pull requests

    def list_pull_requests(self, request: Request, workspace: str, repo_slug: str) -> Any:
        repo = self._repo(workspace, repo_slug)
        states = {s.upper() for s in request.args.getlist("state")} or {"OPEN"}
        unknown = states - set(seeded.PR_STATES)
        if unknown:
            valid = ", ".join(seeded.PR_STATES)
            message = f"Invalid state {sorted(unknown)[0]!r}; valid states are {valid}"
            return self.json_response(error_body(message), 400)
        pulls = [p for p in repo.pull_requests if p["state"] in states]
        return self.page(request, pulls)

    def get_pull_request(
        self, request: Request, workspace: str, repo_slug: str, pull_request_id: str
    ) -> Any:
        return self._pull(workspace, repo_slug, pull_request_id)

    def list_pull_request_comments(
        self, request: Request, workspace: str, repo_slug: str, pull_request_id: str
    ) -> Any:
        pull = self._pull(workspace, repo_slug, pull_request_id)
        comments = self._repo(workspace, repo_slug).pr_comments.get(pull["id"], [])
        return self.page(request, list(comments))

    def get_pull_request_comment(
        self,
        request: Request,
        workspace: str,
        repo_slug: str,
        pull_request_id: str,
        comment_id: str,
    ) -> Any:
        pull = self._pull(workspace, repo_slug, pull_request_id)
        for comment in self._repo(workspace, repo_slug).pr_comments.get(pull["id"], []):
            if str(comment["id"]) == comment_id:
                return comment
        return abort(self.json_response(error_body("Comment not found."), 404))

    def list_pull_request_commits(
        self, request: Request, workspace: str, repo_slug: str, pull_request_id: str
    ) -> Any:
        self._pull(workspace, repo_slug, pull_request_id)
        commits = list(reversed(self._repo(workspace, repo_slug).commits))[:2]
        return self.page(request, commits, filterable=False)

    def list_pull_request_activity(
        self, request: Request, workspace: str, repo_slug: str, pull_request_id: str
    ) -> Any:
        pull = self._pull(workspace, repo_slug, pull_request_id)
        comments = self._repo(workspace, repo_slug).pr_comments.get(pull["id"], [])
        activity = [{"comment": c, "pull_request": _pull_ref(pull)} for c in comments]
        activity.append(
            {
                "update": {
                    "state": pull["state"],
                    "title": pull["title"],
                    "author": pull["author"],
                    "date": pull["updated_on"],
                },
                "pull_request": _pull_ref(pull),
            }
        )
        return self.page(request, activity, filterable=False)

    def list_repository_activity(self, request: Request, workspace: str, repo_slug: str) -> Any:
        repo = self._repo(workspace, repo_slug)
        activity = [
            {"comment": comment, "pull_request": _pull_ref(pull)}
            for pull in repo.pull_requests
            for comment in repo.pr_comments.get(pull["id"], [])
        ]
        return self.page(request, activity, filterable=False)

    def redirect_pull_request_diffstat(
        self, request: Request, workspace: str, repo_slug: str, pull_request_id: str
    ) -> Response:
        """Bitbucket answers 302 to the repository's diffstat of the two commits."""
        pull = self._pull(workspace, repo_slug, pull_request_id)
        source, target = pull["source"]["commit"]["hash"], pull["destination"]["commit"]["hash"]
        spec = f"{source}..{target}"
        location = f"{request.host_url}2.0/repositories/{workspace}/{repo_slug}/diffstat/{spec}"
        return Response(
            status=302,
            content_type="application/json",
            headers={"Location": f"{location}?from_pullrequest_id={pull['id']}"},
        )

    def get_diffstat(self, request: Request, workspace: str, repo_slug: str, spec: str) -> Any:
        """Files changed between the two commits of ``spec`` (``a..b``), by their names."""
        repo = self._repo(workspace, repo_slug)
        hashes = {c["hash"][:12] for c in repo.commits} | {c["hash"] for c in repo.commits}
        if any(part not in hashes for part in spec.split("..")):
            return ERRORS.fail("NO_COMMIT")
        files = [
            {
                "type": "diffstat",
                "status": "modified",
                "lines_added": change.added,
                "lines_removed": change.removed,
                "old": {"type": "commit_file", "path": change.path},
                "new": {"type": "commit_file", "path": change.path},
            }
            for change in content.changes(repo.slug, spec)
        ]
        return self.page(request, files, filterable=False)

    # ---------------------------------------------------------------- issues

    def list_issues(self, request: Request, workspace: str, repo_slug: str) -> Any:
        return self.page(request, list(self._tracked(workspace, repo_slug).issues))

    def get_issue(self, request: Request, workspace: str, repo_slug: str, issue_id: str) -> Any:
        return self._issue(workspace, repo_slug, issue_id)

    def list_issue_comments(
        self, request: Request, workspace: str, repo_slug: str, issue_id: str
    ) -> Any:
        issue = self._issue(workspace, repo_slug, issue_id)
        comments = self._repo(workspace, repo_slug).issue_comments.get(issue["id"], [])
        return self.page(request, list(comments))

    def get_issue_comment(
        self, request: Request, workspace: str, repo_slug: str, issue_id: str, comment_id: str
    ) -> Any:
        issue = self._issue(workspace, repo_slug, issue_id)
        for comment in self._repo(workspace, repo_slug).issue_comments.get(issue["id"], []):
            if str(comment["id"]) == comment_id:
                return comment
        return abort(self.json_response(error_body("Comment not found."), 404))

    # ---------------------------------------------------------------- pipelines

    def list_pipelines(self, request: Request, workspace: str, repo_slug: str) -> Any:
        return self.page(request, list(self._repo(workspace, repo_slug).pipelines))

    def _pipeline(self, workspace: str, repo_slug: str, pipeline_uuid: str) -> dict[str, Any]:
        for pipeline in self._repo(workspace, repo_slug).pipelines:
            if pipeline_uuid in (pipeline["uuid"], str(pipeline["build_number"])):
                return pipeline
        return ERRORS.fail("NO_PIPELINE")

    def get_pipeline(
        self, request: Request, workspace: str, repo_slug: str, pipeline_uuid: str
    ) -> Any:
        return self._pipeline(workspace, repo_slug, pipeline_uuid)

    def list_pipeline_steps(
        self, request: Request, workspace: str, repo_slug: str, pipeline_uuid: str
    ) -> Any:
        pipeline = self._pipeline(workspace, repo_slug, pipeline_uuid)
        return self.page(request, [_step(pipeline)], filterable=False)

    def get_pipeline_step(
        self, request: Request, workspace: str, repo_slug: str, pipeline_uuid: str, step_uuid: str
    ) -> Any:
        step = _step(self._pipeline(workspace, repo_slug, pipeline_uuid))
        if step_uuid != step["uuid"]:
            abort(self.json_response(error_body("Step not found."), 404))
        return step

    def get_step_log(
        self, request: Request, workspace: str, repo_slug: str, pipeline_uuid: str, step_uuid: str
    ) -> Response:
        """The step's log: plain bytes (Bitbucket sends ``application/octet-stream``)."""
        step = self.get_pipeline_step(request, workspace, repo_slug, pipeline_uuid, step_uuid)
        text = (
            f"+ make test\nRunning {step['name']} of pipeline {pipeline_uuid}\n"
            f"Step finished: {step['state'].get('name', 'COMPLETED')}\n"
        )
        return Response(text, content_type="application/octet-stream")

    def get_step_container_log(
        self,
        request: Request,
        workspace: str,
        repo_slug: str,
        pipeline_uuid: str,
        step_uuid: str,
        log_uuid: str,
    ) -> Response:
        """The log of one of the step's containers: the step's own (its uuid) is the only one."""
        if log_uuid != step_uuid:
            return abort(self.json_response(error_body("Log not found."), 404))
        return self.get_step_log(request, workspace, repo_slug, pipeline_uuid, step_uuid)

    # ---------------------------------------------------------------- people and access

    def list_user_pull_requests(self, request: Request, selected_user: str) -> Any:
        """The pull requests ``selected_user`` authored, in every repository."""
        user = self._user(selected_user)
        pulls = [
            {**pull, "destination": {**pull["destination"], "repository": repo.record}}
            for repo in self.data.repositories.values()
            for pull in repo.pull_requests
            if pull["author"].get("uuid") == user["uuid"]
        ]
        states = {s.upper() for s in request.args.getlist("state")} or {"OPEN"}
        return self.page(request, [p for p in pulls if p["state"] in states])

    def list_my_workspace_permissions(self, request: Request) -> Any:
        """The caller's role in each workspace (the first one it owns)."""
        me = self.data.users[0]
        access = [
            {
                "type": "workspace_membership",
                "permission": "owner" if index == 0 else "member",
                "user": me,
                "workspace": workspace,
            }
            for index, workspace in enumerate(self.data.workspaces)
        ]
        return self.page(request, access)

    def list_my_repository_permissions(self, request: Request) -> Any:
        """The caller's permission on each repository."""
        me = self.data.users[0]
        access = [
            {
                "type": "repository_permission",
                "permission": "admin",
                "user": me,
                "repository": {k: repo.record[k] for k in ("type", "uuid", "full_name", "name")},
            }
            for repo in self.data.repositories.values()
        ]
        return self.page(request, access, filterable=False)

    def list_watchers(self, request: Request, workspace: str, repo_slug: str) -> Any:
        """The repository's watchers: its workspace's members."""
        repo = self._repo(workspace, repo_slug)
        return self.page(request, list(self.data.members[repo.workspace]), filterable=False)

    def list_downloads(self, request: Request, workspace: str, repo_slug: str) -> Any:
        """The repository's download artifacts: none are uploaded in the sandbox."""
        self._repo(workspace, repo_slug)
        return self.page(request, [], filterable=False)

    # ---------------------------------------------------------------- projects

    def _projects(self, workspace: str) -> list[dict[str, Any]]:
        found = self._workspace(workspace)
        projects: dict[str, dict[str, Any]] = {}
        for repo in self.data.of_workspace(found["slug"]):
            project = repo.record["project"]
            projects.setdefault(
                project["key"],
                {
                    **project,
                    "owner": repo.record["owner"],
                    "workspace": repo.record["workspace"],
                    "is_private": repo.record.get("is_private", True),
                    "created_on": repo.record["created_on"],
                    "updated_on": repo.record["updated_on"],
                },
            )
        return list(projects.values())

    def list_projects(self, request: Request, workspace: str) -> Any:
        return self.page(request, self._projects(workspace))

    def get_project(self, request: Request, workspace: str, project_key: str) -> Any:
        return self._project(workspace, project_key)

    def _project(self, workspace: str, project_key: str) -> dict[str, Any]:
        for project in self._projects(workspace):
            if project_key in (project["key"], project["uuid"]):
                return project
        return abort(self.json_response(error_body(f"Project {project_key} not found"), 404))

    # ---------------------------------------------------------------- snippet contents

    def redirect_snippet_file(
        self, request: Request, workspace: str, encoded_id: str, path: str
    ) -> Response:
        """Bitbucket answers 302 to the file at the snippet's latest revision."""
        self._workspace(workspace)
        node = _snippet_node(encoded_id)
        location = f"{request.host_url}2.0/snippets/{workspace}/{encoded_id}/{node}/files/{path}"
        return Response(status=302, content_type="application/json", headers={"Location": location})

    def get_snippet_file(
        self, request: Request, workspace: str, encoded_id: str, node_id: str, path: str
    ) -> Response:
        """A snippet file's raw text."""
        self._workspace(workspace)
        text = f"# {path} of snippet {encoded_id} at {node_id}\nprint('{encoded_id}')\n"
        return Response(text, content_type="text/plain; charset=utf-8")

    def get_snippet_diff(
        self, request: Request, workspace: str, encoded_id: str, revision: str
    ) -> Response:
        self._workspace(workspace)
        return Response(_snippet_diff(encoded_id), content_type="text/plain; charset=utf-8")

    def get_snippet_patch(
        self, request: Request, workspace: str, encoded_id: str, revision: str
    ) -> Response:
        self._workspace(workspace)
        me = self.data.users[0]
        head = (
            f"From {revision} Mon Sep 17 00:00:00 2001\nFrom: {me['display_name']}\n"
            f"Subject: [PATCH] Update snippet {encoded_id}\n\n---\n"
        )
        return Response(head + _snippet_diff(encoded_id), content_type="text/plain; charset=utf-8")

    def get_snippet_watch(self, request: Request, workspace: str, encoded_id: str) -> Response:
        """204: the caller watches the snippets it reads (a status, no body)."""
        self._workspace(workspace)
        return Response(status=204, content_type="application/json")

    # ---------------------------------------------------------------- issue status, search

    def get_issue_watch(
        self, request: Request, workspace: str, repo_slug: str, issue_id: str
    ) -> Response:
        """204: the caller watches every issue of its repositories."""
        self._issue(workspace, repo_slug, issue_id)
        return Response(status=204, content_type="application/json")

    def search_workspace_code(self, request: Request, workspace: str) -> Any:
        """Lines of the workspace's seeded files containing ``search_query``."""
        found = self._workspace(workspace)
        return self._search(request, self.data.of_workspace(found["slug"]))

    def search_team_code(self, request: Request, username: str) -> Any:
        found = self._workspace(username)
        return self._search(request, self.data.of_workspace(found["slug"]))

    def search_user_code(self, request: Request, selected_user: str) -> Any:
        user = self._user(selected_user)
        slugs = [slug for slug, members in self.data.members.items() if user in members]
        return self._search(request, [r for s in slugs for r in self.data.of_workspace(s)])

    def _search(self, request: Request, repos: list[seeded.Repository]) -> Any:
        query = request.args.get("search_query", "")
        if not query.strip():
            return self.missing_query_response("search_query")
        results = []
        for repo in repos:
            head = repo.commits[-1]["hash"]
            for path, text in content.files(repo.slug).items():
                lines = [
                    {"line": n, "segments": _segments(line, query)}
                    for n, line in enumerate(text.splitlines(), start=1)
                    if query.lower() in line.lower()
                ]
                if not lines:
                    continue
                results.append(
                    {
                        "type": "code_search_result",
                        "content_match_count": len(lines),
                        "content_matches": [{"lines": lines}],
                        "path_matches": [{"text": path, "match": False}],
                        "file": {
                            "type": "commit_file",
                            "path": path,
                            "commit": {"type": "commit", "hash": head},
                        },
                    }
                )
        page = self.page(request, results, filterable=False)
        return {**page, "query_substituted": False}


def _snippet_node(encoded_id: str) -> str:
    return hashlib.sha1(encoded_id.encode(), usedforsecurity=False).hexdigest()[:12]


def _snippet_diff(encoded_id: str) -> str:
    name = "snippet.py"
    return (
        f"diff --git a/{name} b/{name}\n--- a/{name}\n+++ b/{name}\n"
        f"@@ -1 +1 @@\n-print('draft')\n+print('{encoded_id}')\n"
    )


def _pull_ref(pull: dict[str, Any]) -> dict[str, Any]:
    return {"type": "pullrequest", "id": pull["id"], "title": pull["title"]}


def _step(pipeline: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "pipeline_step",
        "uuid": "{5" + pipeline["uuid"][2:],
        "name": "Build and test",
        "pipeline": {"type": "pipeline", "uuid": pipeline["uuid"]},
        "state": pipeline["state"],
        "started_on": pipeline["created_on"],
        "completed_on": pipeline["completed_on"],
        "duration_in_seconds": 180,
    }


def _number(text: str) -> bool:
    """Whether ``text`` is written in ASCII digits (``int`` reads it)."""
    return text.isascii() and text.isdigit()


def _segments(line: str, query: str) -> list[dict[str, Any]]:
    """``line`` cut into the parts that match ``query`` (any case) and the parts between."""
    out: list[dict[str, Any]] = []
    lowered, wanted, at = line.lower(), query.lower(), 0
    while (found := lowered.find(wanted, at)) != -1:
        if found > at:
            out.append({"text": line[at:found], "match": False})
        out.append({"text": line[found : found + len(query)], "match": True})
        at = found + len(query)
    if at < len(line):
        out.append({"text": line[at:], "match": False})
    return out
