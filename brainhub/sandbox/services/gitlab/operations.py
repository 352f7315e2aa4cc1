"""The GitLab emulator's operation table against GitLab's REST description (``surface.json``).

In scope: projects, issues, merge requests, notes, commits, pipelines, releases and users,
and their documented neighbours (branches, members, labels, milestones). Every other
documented GET is left out with the reason of its family (administration, packages, CI
runners and secrets, …) or, inside the scope, of the operation itself.

GitLab's description does not document the issue, note, label and milestone lists (nor
``GET /user``); they are served as ``extra`` operations, modelled on GitLab's REST pages,
beside the writes.
"""

from __future__ import annotations

import json
from pathlib import Path

from brainhub.sandbox.kit import LeftOut, Operation, OperationTable

SERVED = [
    Operation("GET", "/projects", "list_projects"),
    Operation("GET", "/projects/{id}", "get_project"),
    Operation("GET", "/projects/{id}/users", "project_users"),
    Operation("GET", "/projects/{id}/members", "project_members"),
    Operation("GET", "/projects/{id}/members/all", "project_members"),
    Operation("GET", "/projects/{id}/members/{user_id}", "project_member"),
    Operation("GET", "/projects/{id}/members/all/{user_id}", "project_member"),
    Operation("GET", "/projects/{id}/merge_requests", "list_merge_requests"),
    Operation("GET", "/projects/{id}/merge_requests/{merge_request_iid}", "get_merge_request"),
    Operation(
        "GET", "/projects/{id}/merge_requests/{merge_request_iid}/participants", "mr_participants"
    ),
    Operation("GET", "/projects/{id}/merge_requests/{merge_request_iid}/reviewers", "mr_reviewers"),
    Operation("GET", "/projects/{id}/merge_requests/{merge_request_iid}/commits", "mr_commits"),
    Operation("GET", "/projects/{id}/repository/commits", "list_commits"),
    Operation("GET", "/projects/{id}/repository/commits/{sha}", "get_commit"),
    Operation("GET", "/projects/{id}/repository/branches", "list_branches"),
    Operation("GET", "/projects/{id}/repository/branches/{branch}", "get_branch"),
    Operation("GET", "/projects/{id}/pipelines", "list_pipelines"),
    Operation("GET", "/projects/{id}/pipelines/latest", "latest_pipeline"),
    Operation("GET", "/projects/{id}/pipelines/{pipeline_id}", "get_pipeline"),
    Operation("GET", "/projects/{id}/releases", "list_releases"),
    Operation("GET", "/projects/{id}/releases/{tag_name}", "get_release"),
    Operation("GET", "/projects/{id}/repository/tags", "list_tags"),
    Operation("GET", "/projects/{id}/repository/tags/{tag_name}", "get_tag"),
    Operation("GET", "/projects/{id}/repository/contributors", "list_contributors"),
    Operation("GET", "/projects/{id}/repository/commits/{sha}/refs", "commit_refs"),
    Operation(
        "GET", "/projects/{id}/repository/commits/{sha}/merge_requests", "commit_merge_requests"
    ),
    Operation("GET", "/projects/{id}/merge_requests/{merge_request_iid}/pipelines", "mr_pipelines"),
    Operation(
        "GET", "/projects/{id}/merge_requests/{merge_request_iid}/closes_issues", "mr_issues"
    ),
    Operation(
        "GET", "/projects/{id}/merge_requests/{merge_request_iid}/related_issues", "mr_issues"
    ),
    Operation(
        "GET", "/projects/{id}/merge_requests/{merge_request_iid}/time_stats", "mr_time_stats"
    ),
    Operation("GET", "/users", "list_users"),
    Operation("GET", "/users/{user_id}/status", "user_status"),
    Operation("GET", "/users/{user_id}/contributed_projects", "user_projects"),
    Operation("GET", "/users/{user_id}/starred_projects", "user_starred_projects"),
    Operation("GET", "/users/{id}/followers", "user_follows"),
    Operation("GET", "/users/{id}/following", "user_follows"),
    Operation("GET", "/users/{id}", "get_user"),
    Operation("GET", "/users/{user_id}/projects", "user_projects"),
]

#: Operations GitLab's description leaves out (modelled on its REST pages) and the writes.
EXTRA = [
    Operation("GET", "/user", "current_user"),
    Operation("GET", "/projects/{id}/issues", "list_issues"),
    Operation("GET", "/projects/{id}/issues/{issue_iid}", "get_issue"),
    Operation("GET", "/projects/{id}/issues/{issue_iid}/notes", "list_issue_notes"),
    Operation("GET", "/projects/{id}/issues/{issue_iid}/notes/{note_id}", "get_issue_note"),
    Operation("GET", "/projects/{id}/merge_requests/{merge_request_iid}/notes", "list_mr_notes"),
    Operation(
        "GET", "/projects/{id}/merge_requests/{merge_request_iid}/notes/{note_id}", "get_mr_note"
    ),
    Operation("GET", "/projects/{id}/labels", "list_labels"),
    Operation("GET", "/projects/{id}/milestones", "list_milestones"),
    Operation("GET", "/projects/{id}/milestones/{milestone_id}", "get_milestone"),
    Operation("POST", "/projects/{id}/issues", "create_issue"),
    Operation("PUT", "/projects/{id}/issues/{issue_iid}", "update_issue"),
    Operation("POST", "/projects/{id}/issues/{issue_iid}/notes", "create_issue_note"),
]

#: Reasons for whole families of documented operations outside the scope, by the first
#: path segment (``projects/<segment>`` for project sub-resources).
OUT_OF_SCOPE = {
    "admin": "instance administration (admin-only)",
    "application": "instance settings (admin-only)",
    "applications": "OAuth applications of the instance (admin-only)",
    "avatar": "avatar lookup by e-mail: no personal data of the instance is seeded",
    "broadcast_messages": "instance broadcast messages (admin-only)",
    "bulk_imports": "group and project migration between instances",
    "deploy_keys": "instance deploy keys (admin-only)",
    "deploy_tokens": "instance deploy tokens (admin-only)",
    "discover-cert-based-clusters": "Kubernetes cluster integration",
    "events": "activity feed of the token's user: events are not seeded",
    "feature_flags": "instance feature flags (admin-only)",
    "features": "instance feature flags (admin-only)",
    "geo": "Geo replication (self-managed Premium, admin-only)",
    "group": "group-level CI and package endpoints",
    "groups": "groups: the sandbox reads projects, not the group hierarchy",
    "hooks": "system hooks (admin-only)",
    "job": "CI job token endpoints (called from inside a running job)",
    "jobs": "CI job token endpoints (called from inside a running job)",
    "keys": "SSH key lookup (admin-only)",
    "merge_requests": "merge requests across the instance; the sandbox reads them per project",
    "metadata": "instance metadata",
    "namespaces": "namespaces (admin and billing)",
    "packages": "package registries",
    "pages": "GitLab Pages domains (admin-only)",
    "personal_access_tokens": "access tokens: secrets",
    "project_repository_storage_moves": "repository storage (admin-only)",
    "registry": "container registry",
    "runners": "CI runners",
    "snippet_repository_storage_moves": "repository storage (admin-only)",
    "snippets": "snippets",
    "topics": "project topics (instance-wide)",
    "usage_data": "usage ping (admin-only)",
    "user": "the token user's keys, e-mails and preferences: personal secrets",
    "user_counts": "to-do and review counts of the token's user",
    "version": "instance version",
    "web_commits": "web commit signing key of the instance",
    "projects/access_requests": "access requests",
    "projects/access_tokens": "access tokens: secrets",
    "projects/alert_management_alerts": "incident management",
    "projects/audit_events": "audit events (Premium)",
    "projects/avatar": "project avatar image",
    "projects/badges": "project badges",
    "projects/ci": "CI lint and configuration",
    "projects/cluster_agents": "Kubernetes agents",
    "projects/clusters": "Kubernetes clusters",
    "projects/custom_attributes": "custom attributes (admin-only)",
    "projects/debian_distributions": "package registries",
    "projects/deploy_keys": "deploy keys: secrets",
    "projects/deploy_tokens": "deploy tokens: secrets",
    "projects/deployments": "environments and deployments",
    "projects/environments": "environments and deployments",
    "projects/error_tracking": "error tracking",
    "projects/events": "activity feed: events are not seeded",
    "projects/export": "project export and import",
    "projects/export_relations": "project export and import",
    "projects/feature_flags": "feature flags",
    "projects/feature_flags_user_lists": "feature flags",
    "projects/forks": "forks: the seeded projects have none",
    "projects/freeze_periods": "deploy freeze periods",
    "projects/groups": "groups: the sandbox reads projects, not the group hierarchy",
    "projects/hooks": "project webhooks",
    "projects/import": "project export and import",
    "projects/integrations": "integrations: they hold third-party secrets",
    "projects/invitations": "invitations",
    "projects/invited_groups": "groups: the sandbox reads projects, not the group hierarchy",
    "projects/job_token_scope": "CI job token settings",
    "projects/jobs": "CI jobs and their logs and artifacts",
    "projects/languages": "repository languages: no file contents are seeded",
    "projects/packages": "package registries",
    "projects/pages": "GitLab Pages",
    "projects/pages_access": "GitLab Pages",
    "projects/pipeline_schedules": "CI schedules",
    "projects/protected_branches": "protection settings",
    "projects/protected_tags": "protection settings",
    "projects/registry": "container registry",
    "projects/relation-imports": "project export and import",
    "projects/remote_mirrors": "repository mirrors (credentials)",
    "projects/repository_storage_moves": "repository storage (admin-only)",
    "projects/resource_groups": "CI resource groups",
    "projects/runners": "CI runners",
    "projects/secure_files": "CI secure files: secrets",
    "projects/services": "integrations: they hold third-party secrets",
    "projects/share_locations": "groups: the sandbox reads projects, not the group hierarchy",
    "projects/snapshot": "repository snapshot (admin-only)",
    "projects/snippets": "snippets",
    "projects/starrers": "starrers are not seeded",
    "projects/statistics": "repository statistics",
    "projects/storage": "repository storage (admin-only)",
    "projects/templates": "file templates",
    "projects/terraform": "Terraform state",
    "projects/transfer_locations": "groups: the sandbox reads projects, not the group hierarchy",
    "projects/triggers": "CI trigger tokens: secrets",
    "projects/uploads": "uploaded files",
    "projects/variables": "CI variables: secrets",
    "projects/wikis": "wikis",
}

#: Reasons for documented operations inside the scope that are not served.
IN_SCOPE_REASONS = (
    ("/award_emoji", "award emoji: reactions are not seeded"),
    ("/resource_milestone_events", "resource events are not seeded"),
    ("/issues/{issue_iid}/links", "issue links are not seeded"),
    ("/draft_notes", "draft notes are private to their author and not seeded"),
    ("/repository/", "repository contents (files, trees, diffs, tags, signatures) are not seeded"),
    ("/pipelines/", "CI jobs, bridges, variables and test reports are not seeded"),
    ("/releases/", "release assets and downloads are not seeded"),
    ("/merge_requests/", "merge-request diffs, versions and approvals are not seeded"),
    ("/users/", "a user's keys, e-mails, tokens, events and follows are not seeded"),
)


def _reason(path: str) -> str:
    parts = path.split("/")
    family = parts[1] if parts[1] != "projects" or len(parts) < 4 else f"projects/{parts[3]}"
    if family in OUT_OF_SCOPE:
        return f"out of scope: {OUT_OF_SCOPE[family]}"
    for marker, reason in IN_SCOPE_REASONS:
        if marker in path:
            return reason
    return "not modelled by the sandbox"


def _documented_gets() -> list[str]:
    surface = json.loads(Path(__file__).with_name("surface.json").read_text(encoding="utf-8"))
    return [op["path"] for op in surface["operations"] if op["method"] == "GET"]


_SERVED_PATHS = {op.path for op in SERVED}
LEFT_OUT = [
    LeftOut("GET", path, _reason(path)) for path in _documented_gets() if path not in _SERVED_PATHS
]

OPERATIONS = OperationTable(served=SERVED, left_out=LEFT_OUT, extra=EXTRA)
