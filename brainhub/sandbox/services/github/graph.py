"""GitHub's GraphQL API (``POST /graphql``) over the same seeded store as the REST side.

A subset of GitHub's schema, with its names: ``viewer``, ``organization(login)``,
``repository(owner, name)`` with ``issues``, ``pullRequests``, ``labels`` and
``milestones`` (and ``issue(number)``, ``pullRequest(number)``), issue ``comments``,
``labels`` and ``assignees``, ``node(id)``/``nodes(ids)`` and ``rateLimit``. Ids are the
REST objects' ``node_id``s, so an id read from either side resolves on the other.

Connections page as GitHub's do: ``first``/``after`` or ``last``/``before`` (one of
``first``/``last`` required, at most 100), ``totalCount``, ``pageInfo { hasNextPage
hasPreviousPage startCursor endCursor }``, ``nodes`` and ``edges { cursor node }``.
Errors are GitHub's: ``{"errors": [{"message", "locations", "path", "type"…}]}``, with
status 200, ``"data"`` beside them when execution began; a parse error names the
token, an unknown field is ``Field 'x' doesn't exist on type 'T'`` (``undefinedField``),
an unknown repository ``NOT_FOUND`` with ``Could not resolve to a Repository…``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLSchema,
    build_schema,
    execute_sync,
    parse,
    validate,
)

from brainhub.sandbox.services.github.dataset import (
    ORG_ID,
    ORG_LOGIN,
    Comment,
    GitHubDataset,
    Issue,
    Label,
    Milestone,
    Repository,
    User,
)
from brainhub.sandbox.services.github.render import WEB, node_id
from brainhub.sandbox.services.github.sizes import iso

MAX_PAGE = 100

SDL = """
scalar DateTime
scalar URI

interface Node { id: ID! }

enum IssueState { OPEN CLOSED }
enum PullRequestState { OPEN CLOSED MERGED }
enum MilestoneState { OPEN CLOSED }

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type RateLimit { limit: Int! cost: Int! remaining: Int! used: Int! resetAt: DateTime! }

type User implements Node {
  id: ID!
  databaseId: Int
  login: String!
  name: String
  email: String!
  url: URI!
  avatarUrl(size: Int): URI!
  createdAt: DateTime!
}

type Organization implements Node {
  id: ID!
  databaseId: Int
  login: String!
  name: String
  url: URI!
  avatarUrl(size: Int): URI!
  repositories(first: Int, after: String, last: Int, before: String): RepositoryConnection!
  membersWithRole(first: Int, after: String, last: Int, before: String): UserConnection!
}

type Repository implements Node {
  id: ID!
  databaseId: Int
  name: String!
  nameWithOwner: String!
  description: String
  isPrivate: Boolean!
  url: URI!
  owner: Organization!
  createdAt: DateTime!
  updatedAt: DateTime!
  pushedAt: DateTime
  issues(first: Int, after: String, last: Int, before: String, states: [IssueState!],
         labels: [String!]): IssueConnection!
  pullRequests(first: Int, after: String, last: Int, before: String,
               states: [PullRequestState!]): PullRequestConnection!
  labels(first: Int, after: String, last: Int, before: String): LabelConnection
  milestones(first: Int, after: String, last: Int, before: String,
             states: [MilestoneState!]): MilestoneConnection
  issue(number: Int!): Issue
  pullRequest(number: Int!): PullRequest
}

type Issue implements Node {
  id: ID!
  databaseId: Int
  number: Int!
  title: String!
  body: String!
  state: IssueState!
  url: URI!
  createdAt: DateTime!
  updatedAt: DateTime!
  closedAt: DateTime
  author: User
  milestone: Milestone
  repository: Repository!
  labels(first: Int, after: String, last: Int, before: String): LabelConnection
  comments(first: Int, after: String, last: Int, before: String): IssueCommentConnection!
  assignees(first: Int, after: String, last: Int, before: String): UserConnection!
}

type PullRequest implements Node {
  id: ID!
  databaseId: Int
  number: Int!
  title: String!
  body: String!
  state: PullRequestState!
  merged: Boolean!
  mergedAt: DateTime
  url: URI!
  createdAt: DateTime!
  updatedAt: DateTime!
  closedAt: DateTime
  headRefName: String!
  baseRefName: String!
  author: User
  milestone: Milestone
  repository: Repository!
  labels(first: Int, after: String, last: Int, before: String): LabelConnection
  comments(first: Int, after: String, last: Int, before: String): IssueCommentConnection!
  assignees(first: Int, after: String, last: Int, before: String): UserConnection!
}

type IssueComment implements Node {
  id: ID!
  databaseId: Int
  body: String!
  url: URI!
  createdAt: DateTime!
  updatedAt: DateTime!
  author: User
}

type Label implements Node {
  id: ID!
  name: String!
  color: String!
  description: String
  isDefault: Boolean!
  url: URI!
}

type Milestone implements Node {
  id: ID!
  number: Int!
  title: String!
  description: String
  state: MilestoneState!
  dueOn: DateTime
  createdAt: DateTime!
  closedAt: DateTime
  url: URI!
}

type RepositoryEdge { cursor: String! node: Repository }
type RepositoryConnection {
  totalCount: Int! pageInfo: PageInfo! nodes: [Repository] edges: [RepositoryEdge]
}
type UserEdge { cursor: String! node: User }
type UserConnection { totalCount: Int! pageInfo: PageInfo! nodes: [User] edges: [UserEdge] }
type IssueEdge { cursor: String! node: Issue }
type IssueConnection { totalCount: Int! pageInfo: PageInfo! nodes: [Issue] edges: [IssueEdge] }
type PullRequestEdge { cursor: String! node: PullRequest }
type PullRequestConnection {
  totalCount: Int! pageInfo: PageInfo! nodes: [PullRequest] edges: [PullRequestEdge]
}
type IssueCommentEdge { cursor: String! node: IssueComment }
type IssueCommentConnection {
  totalCount: Int! pageInfo: PageInfo! nodes: [IssueComment] edges: [IssueCommentEdge]
}
type LabelEdge { cursor: String! node: Label }
type LabelConnection { totalCount: Int! pageInfo: PageInfo! nodes: [Label] edges: [LabelEdge] }
type MilestoneEdge { cursor: String! node: Milestone }
type MilestoneConnection {
  totalCount: Int! pageInfo: PageInfo! nodes: [Milestone] edges: [MilestoneEdge]
}

type Query {
  viewer: User!
  organization(login: String!): Organization
  repository(owner: String!, name: String!): Repository
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  rateLimit: RateLimit
}
"""


@cache
def schema() -> GraphQLSchema:
    """The schema (built once)."""
    return build_schema(SDL)


def run(
    data: GitHubDataset,
    body: Any,
    rate: dict[str, Any],
) -> dict[str, Any]:
    """The answer to one GraphQL request ``body`` (``{"query", "variables",
    "operationName"}``) over ``data``; ``rate`` fills ``rateLimit``."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return {
            "errors": [{"message": "A query attribute must be specified and must be a string."}]
        }
    variables = body.get("variables") or {}
    if not isinstance(variables, dict):
        return {"errors": [{"message": "Variables are invalid JSON."}]}
    try:
        document = parse(body["query"])
    except GraphQLError as error:
        return {"errors": [_parse_error(error)]}
    problems = validate(schema(), document)
    if problems:
        return {"errors": [_validation_error(problem) for problem in problems]}
    result = execute_sync(
        schema(),
        document,
        root_value=_Root(data, rate),
        variable_values=variables,
        operation_name=body.get("operationName"),
        field_resolver=_field,
        type_resolver=lambda value, _info, _type: value.typename,
    )
    answer: dict[str, Any] = {}
    if result.errors:
        answer["errors"] = [_execution_error(error) for error in result.errors]
    answer["data"] = result.data
    return answer


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _field(source: Any, info: Any, **args: Any) -> Any:
    """GitHub's camelCase field names read from our snake_case attributes (connection
    and rate-limit dicts are keyed by the GraphQL names themselves)."""
    if isinstance(source, dict):
        return source.get(info.field_name)
    value = getattr(source, _CAMEL.sub("_", info.field_name).lower(), None)
    return value(info, **args) if callable(value) else value


# ---------------------------------------------------------------------------- errors


def _locations(error: GraphQLError) -> list[dict[str, int]]:
    return [{"line": loc.line, "column": loc.column} for loc in error.locations or []]


def _parse_error(error: GraphQLError) -> dict[str, Any]:
    detail = error.message.removeprefix("Syntax Error: ")
    where = error.locations[0] if error.locations else None
    at = f" at [{where.line}, {where.column}]" if where else ""
    return {"message": f"Parse error: {detail}{at}", "locations": _locations(error)}


_UNKNOWN_FIELD = re.compile(r"Cannot query field '([^']+)' on type '([^']+)'")


def _validation_error(error: GraphQLError) -> dict[str, Any]:
    unknown = _UNKNOWN_FIELD.match(error.message)
    if unknown:
        field, type_name = unknown.groups()
        return {
            "extensions": {"code": "undefinedField", "typeName": type_name, "fieldName": field},
            "locations": _locations(error),
            "message": f"Field '{field}' doesn't exist on type '{type_name}'",
        }
    return {"message": error.message, "locations": _locations(error)}


def _execution_error(error: GraphQLError) -> dict[str, Any]:
    out: dict[str, Any] = {}
    kind = (error.extensions or {}).get("type")
    if kind:
        out["type"] = kind
    out["path"] = list(error.path or [])
    out["locations"] = _locations(error)
    out["message"] = error.message
    return out


def _fail(kind: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"type": kind})


# ---------------------------------------------------------------------------- paging


def _cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _index(cursor: str) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        text = ""
    prefix, _, number = text.rpartition(":")
    if prefix != "cursor:v2" or not number.isdigit():
        raise _fail("INVALID_CURSOR_ARGUMENTS", f"`{cursor}` does not appear to be a valid cursor.")
    return int(number)


def connection(
    name: str,
    items: Sequence[Any],
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> dict[str, Any]:
    """A GitHub connection of ``items`` (the field is called ``name`` in messages)."""
    if first is None and last is None:
        raise _fail(
            "MISSING_PAGINATION_BOUNDARIES",
            f"You must provide a `first` or `last` value to properly paginate the `{name}` "
            "connection.",
        )
    for argument, value in (("first", first), ("last", last)):
        if value is not None and value > MAX_PAGE:
            raise _fail(
                "EXCESSIVE_PAGINATION",
                f"Requesting {value} records on the `{name}` connection exceeds the "
                f"`{argument}` limit of {MAX_PAGE} records.",
            )
        if value is not None and value < 0:
            raise _fail(
                "INVALID_ARGUMENTS", f"`{argument}` on a connection cannot be less than zero."
            )
    start = _index(after) + 1 if after else 0
    end = min(_index(before), len(items)) if before else len(items)
    start = min(start, end)
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    window = list(range(start, end))
    return {
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": end < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": _cursor(window[0]) if window else None,
            "endCursor": _cursor(window[-1]) if window else None,
        },
        "nodes": [items[i] for i in window],
        "edges": [{"cursor": _cursor(i), "node": items[i]} for i in window],
    }


def _paged(name: str, source: str = "") -> Callable[..., Any]:
    """A resolver method answering connection ``name`` over ``self.<source>(args)``
    (``source`` defaults to ``_<name>``)."""

    def resolve(self: Any, _info: Any, **args: Any) -> dict[str, Any]:
        items = getattr(self, source or f"_{name}")(args)
        paging = {k: args.get(k) for k in ("first", "after", "last", "before")}
        return connection(name, items, **paging)

    return resolve


# ---------------------------------------------------------------------------- objects


class _Person:
    typename = "User"

    def __init__(self, person: User) -> None:
        self.id = node_id("User", person.id)
        self.database_id = person.id
        self.login = person.login
        self.name = person.login.title()
        self.email = f"{person.login}@example.com"
        self.url = f"{WEB}/{person.login}"
        self.created_at = "2025-01-01T00:00:00Z"

    def avatar_url(self, _info: Any, size: int | None = None) -> str:
        suffix = f"&s={size}" if size else ""
        return f"https://avatars.githubusercontent.com/u/{self.database_id}?v=4{suffix}"


class _Label:
    typename = "Label"

    def __init__(self, repo: Repository, label: Label) -> None:
        self.id = node_id("Label", label.id)
        self.name = label.name
        self.color = label.color
        self.description = label.description
        self.is_default = label.default
        self.url = f"{WEB}/{repo.full_name}/labels/{label.name.replace(' ', '%20')}"


class _Milestone:
    typename = "Milestone"

    def __init__(self, repo: Repository, milestone: Milestone) -> None:
        self.id = node_id("Milestone", milestone.id)
        self.number = milestone.number
        self.title = milestone.title
        self.description = milestone.description
        self.state = milestone.state.upper()
        self.due_on = iso(milestone.due_on)
        self.created_at = iso(milestone.created_at)
        self.closed_at = iso(milestone.closed_at) if milestone.closed_at else None
        self.url = f"{WEB}/{repo.full_name}/milestone/{milestone.number}"


class _Comment:
    typename = "IssueComment"

    def __init__(self, repo: Repository, comment: Comment, users: list[User]) -> None:
        self.id = node_id("IssueComment", comment.id)
        self.database_id = comment.id
        self.body = comment.body
        self.url = f"{WEB}/{repo.full_name}/issues/{comment.issue_number}#issuecomment-{comment.id}"
        self.created_at = iso(comment.created_at)
        self.updated_at = iso(comment.updated_at)
        self.author = _Person(users[comment.user])


class _Issue:
    """An issue, or (``typename`` ``PullRequest``) a pull request."""

    def __init__(self, owner: _Repository, issue: Issue) -> None:
        repo = owner.repo
        self._owner = owner
        self._issue = issue
        pull = issue.is_pull
        self.typename = "PullRequest" if pull else "Issue"
        self.id = node_id("PullRequest", issue.pull_id) if pull else node_id("Issue", issue.id)
        self.database_id = issue.pull_id if pull else issue.id
        self.number = issue.number
        self.title = issue.title
        self.body = issue.body
        merged = issue.merged_at is not None
        self.merged = merged
        self.merged_at = iso(issue.merged_at) if issue.merged_at else None
        self.state = "MERGED" if pull and merged else issue.state.upper()
        self.url = f"{WEB}/{repo.full_name}/{'pull' if pull else 'issues'}/{issue.number}"
        self.created_at = iso(issue.created_at)
        self.updated_at = iso(issue.updated_at)
        self.closed_at = iso(issue.closed_at) if issue.closed_at else None
        self.head_ref_name = f"topic-{issue.number}"
        self.base_ref_name = "main"
        self.author = _Person(owner.users[issue.user])
        marker = repo.milestones[issue.milestone - 1] if issue.milestone else None
        self.milestone = _Milestone(repo, marker) if marker else None
        self.repository = owner

    def _labels(self, _args: dict[str, Any]) -> list[_Label]:
        by_name = {label.name: label for label in self._owner.repo.labels}
        return [_Label(self._owner.repo, by_name[name]) for name in self._issue.labels]

    def _comments(self, _args: dict[str, Any]) -> list[_Comment]:
        repo = self._owner.repo
        users = self._owner.users
        return [
            _Comment(repo, c, users) for c in repo.comments if c.issue_number == self._issue.number
        ]

    def _assignees(self, _args: dict[str, Any]) -> list[_Person]:
        users = self._owner.users
        return [_Person(users[index]) for index in self._issue.assignee_indices]

    labels = _paged("labels")
    comments = _paged("comments")
    assignees = _paged("assignees")


class _Organization:
    typename = "Organization"

    def __init__(self, data: GitHubDataset) -> None:
        self._data = data
        self.id = node_id("Organization", ORG_ID)
        self.database_id = ORG_ID
        self.login = ORG_LOGIN
        self.name = "Octo Sandbox"
        self.url = f"{WEB}/{ORG_LOGIN}"

    def avatar_url(self, _info: Any, size: int | None = None) -> str:
        suffix = f"&s={size}" if size else ""
        return f"https://avatars.githubusercontent.com/u/{ORG_ID}?v=4{suffix}"

    def _repositories(self, _args: dict[str, Any]) -> list[_Repository]:
        return [_Repository(self._data, r) for r in self._data.repos]

    def _members_with_role(self, _args: dict[str, Any]) -> list[_Person]:
        return [_Person(u) for u in self._data.users]

    repositories = _paged("repositories")
    members_with_role = _paged("membersWithRole", "_members_with_role")


class _Repository:
    typename = "Repository"

    def __init__(self, data: GitHubDataset, repo: Repository) -> None:
        self._data = data
        self.repo = repo
        self.users = data.users
        self.id = node_id("Repository", repo.id)
        self.database_id = repo.id
        self.name = repo.name
        self.name_with_owner = repo.full_name
        self.description = repo.description
        self.is_private = repo.private
        self.url = f"{WEB}/{repo.full_name}"
        self.created_at = iso(repo.created_at)
        self.updated_at = iso(repo.updated_at)
        self.pushed_at = iso(repo.pushed_at)

    @property
    def owner(self) -> _Organization:
        return _Organization(self._data)

    def _issues(self, args: dict[str, Any]) -> list[_Issue]:
        states = set(args.get("states") or ())
        labels = set(args.get("labels") or ())
        return [
            _Issue(self, i)
            for i in self.repo.issues
            if not i.is_pull
            and (not states or i.state.upper() in states)
            and (not labels or labels & set(i.labels))
        ]

    def _pull_requests(self, args: dict[str, Any]) -> list[_Issue]:
        states = set(args.get("states") or ())
        pulls = [_Issue(self, i) for i in self.repo.issues if i.is_pull]
        return [p for p in pulls if not states or p.state in states]

    def _labels(self, _args: dict[str, Any]) -> list[_Label]:
        return [_Label(self.repo, label) for label in self.repo.labels]

    def _milestones(self, args: dict[str, Any]) -> list[_Milestone]:
        states = set(args.get("states") or ())
        found = [_Milestone(self.repo, m) for m in self.repo.milestones]
        return [m for m in found if not states or m.state in states]

    issues = _paged("issues")
    pull_requests = _paged("pullRequests", "_pull_requests")
    labels = _paged("labels")
    milestones = _paged("milestones")

    def issue(self, _info: Any, number: int) -> _Issue | None:
        found = self.repo.find_issue(number)
        if found is None or found.is_pull:
            raise _fail(
                "NOT_FOUND",
                f"Could not resolve to an Issue with the number of {number}.",
            )
        return _Issue(self, found)

    def pull_request(self, _info: Any, number: int) -> _Issue | None:
        found = self.repo.find_issue(number)
        if found is None or not found.is_pull:
            raise _fail(
                "NOT_FOUND",
                f"Could not resolve to a PullRequest with the number of {number}.",
            )
        return _Issue(self, found)


class _Root:
    def __init__(self, data: GitHubDataset, rate: dict[str, Any]) -> None:
        self._data = data
        self.rate_limit = rate
        self.viewer = _Person(data.users[0])

    def organization(self, _info: Any, login: str) -> _Organization:
        if login.lower() != ORG_LOGIN:
            raise _fail(
                "NOT_FOUND", f"Could not resolve to an Organization with the login of '{login}'."
            )
        return _Organization(self._data)

    def repository(self, _info: Any, owner: str, name: str) -> _Repository:
        found = next((r for r in self._data.repos if r.name == name), None)
        if owner.lower() != ORG_LOGIN or found is None:
            raise _fail(
                "NOT_FOUND", f"Could not resolve to a Repository with the name '{owner}/{name}'."
            )
        return _Repository(self._data, found)

    def node(self, _info: Any, id: str) -> Any:
        found = self._resolve(id)
        if found is None:
            raise _fail("NOT_FOUND", f"Could not resolve to a node with the global id of '{id}'")
        return found

    def nodes(self, info: Any, ids: list[str]) -> list[Any]:
        return [self.node(info, one) for one in ids]

    def _resolve(self, global_id: str) -> Any:
        """The object a legacy global id (``0<n>:<Kind><number>``, base64) names."""
        try:
            text = base64.b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        match = re.fullmatch(r"0\d+:([A-Za-z]+)(\d+)", text)
        if not match:
            return None
        kind, number = match.group(1), int(match.group(2))
        data = self._data
        if kind == "User":
            return next((_Person(u) for u in data.users if u.id == number), None)
        if kind == "Organization":
            return _Organization(data) if number == ORG_ID else None
        for repo in data.repos:
            found = self._in_repository(repo, kind, number)
            if found is not None:
                return found
        return None

    def _in_repository(self, repo: Repository, kind: str, number: int) -> Any:
        if kind == "Repository":
            return _Repository(self._data, repo) if repo.id == number else None
        owner = _Repository(self._data, repo)
        if kind in ("Issue", "PullRequest"):
            attribute = "pull_id" if kind == "PullRequest" else "id"
            issue = next((i for i in repo.issues if getattr(i, attribute) == number), None)
            if issue is None or issue.is_pull != (kind == "PullRequest"):
                return None
            return _Issue(owner, issue)
        if kind == "IssueComment":
            comment = next((c for c in repo.comments if c.id == number), None)
            return _Comment(repo, comment, self._data.users) if comment else None
        if kind == "Label":
            label = next((x for x in repo.labels if x.id == number), None)
            return _Label(repo, label) if label else None
        if kind == "Milestone":
            milestone = next((m for m in repo.milestones if m.id == number), None)
            return _Milestone(repo, milestone) if milestone else None
        return None
