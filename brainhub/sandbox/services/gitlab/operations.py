"""The GitLab emulator's operation table against GitLab's REST description (``surface.json``).

In scope is every family a customer's data lives in: projects and groups, issues, merge
requests and their notes, discussions, approvals, changes, versions and commits, the
repository (commits, branches, tags, tree, files, blobs, compare), releases, pipelines and
jobs, milestones, labels, members, users, snippets, wikis, events, topics and namespaces.
Each in-scope documented GET is served: by a handler on the seeded store where GitLab's
behaviour matters (filters, paging, ids), otherwise ``SHAPED`` from GitLab's documented
answer with the path's ids (a list is paged like every other list). A shaped answer's
parents that the store models (project, group, user, issue, merge request, pipeline,
commit, tag) must exist, else GitLab's 404; objects it does not model (snippets, wikis,
jobs, award emoji, deployments…) are answered for any id. In-scope operations not served
would be named in :data:`IN_SCOPE_LEFT_OUT` with their reason (none today).

Everything else is left out with the reason of its family (:data:`OUT_OF_SCOPE`):
instance administration, package and container registries, CI runners and secrets,
credentials, Kubernetes, binary downloads and exports.

GitLab's description does not document the issue, note, label and milestone lists (nor
``GET /user``); they are served as ``extra`` operations, modelled on GitLab's REST pages,
beside the writes.
"""

from __future__ import annotations

import json
from pathlib import Path

from brainhub.sandbox.kit import SHAPED, LeftOut, Operation, OperationTable

#: Documented operations answered by a handler on the seeded store.
HANDLED = [
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
    Operation("GET", "/groups", "list_groups"),
    Operation("GET", "/groups/{id}", "get_group"),
    Operation("GET", "/groups/{id}/subgroups", "group_subgroups"),
    Operation("GET", "/groups/{id}/descendant_groups", "group_subgroups"),
    Operation("GET", "/groups/{id}/projects", "group_projects"),
    Operation("GET", "/groups/{id}/members", "group_members"),
    Operation("GET", "/groups/{id}/members/all", "group_members"),
    Operation("GET", "/groups/{id}/members/{user_id}", "group_member"),
    Operation("GET", "/groups/{id}/members/all/{user_id}", "group_member"),
    Operation("GET", "/groups/{id}/users", "group_users"),
    Operation("GET", "/groups/{id}/merge_requests", "group_merge_requests"),
    Operation("GET", "/groups/{id}/releases", "group_releases"),
    Operation("GET", "/merge_requests", "all_merge_requests"),
    Operation("GET", "/projects/{id}/repository/tree", "repository_tree"),
    Operation("GET", "/projects/{id}/repository/files/{file_path}", "repository_file"),
    Operation("GET", "/projects/{id}/repository/files/{file_path}/raw", "repository_file_raw"),
    Operation("GET", "/projects/{id}/repository/files/{file_path}/blame", "repository_blame"),
    Operation("GET", "/projects/{id}/repository/blobs/{sha}", "repository_blob"),
    Operation("GET", "/projects/{id}/repository/blobs/{sha}/raw", "repository_blob_raw"),
    Operation("GET", "/projects/{id}/releases/permalink/latest(/)(*suffix_path)", "latest_release"),
    Operation("GET", "/projects/{id}/jobs/{job_id}/trace", "plain_text"),
    Operation("GET", "/projects/{id}/merge_requests/{merge_request_iid}/raw_diffs", "plain_text"),
    Operation("GET", "/projects/{id}/snippets/{snippet_id}/raw", "plain_text"),
    Operation(
        "GET", "/projects/{id}/snippets/{snippet_id}/files/{ref}/{file_path}/raw", "plain_text"
    ),
    Operation("GET", "/snippets/{id}/raw", "plain_text"),
    Operation("GET", "/snippets/{id}/files/{ref}/{file_path}/raw", "plain_text"),
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
    # the documented templates as clients call them: a file path with its slashes
    # (GitLab asks for them URL-encoded; servers decode ``%2F`` before routing) and the
    # latest-release permalink without the optional suffix
    Operation("GET", "/projects/{id}/repository/files/{path:file_path}", "repository_file"),
    Operation("GET", "/projects/{id}/repository/files/{path:file_path}/raw", "repository_file_raw"),
    Operation("GET", "/projects/{id}/repository/files/{path:file_path}/blame", "repository_blame"),
    Operation("GET", "/projects/{id}/releases/permalink/latest", "latest_release"),
    Operation("POST", "/projects/{id}/issues", "create_issue"),
    Operation("PUT", "/projects/{id}/issues/{issue_iid}", "update_issue"),
    Operation("POST", "/projects/{id}/issues/{issue_iid}/notes", "create_issue_note"),
]


#: Lists GitLab's description types as one object (its REST reference and every real
#: answer are arrays): their shaped answer is a list of that object.
LISTS_DOCUMENTED_AS_ONE_OBJECT = frozenset(
    {
        "/projects/{id}/events",
        "/projects/{id}/merge_requests/{merge_request_iid}/context_commits",
        "/projects/{id}/merge_requests/{merge_request_iid}/diffs",
        "/topics",
        "/user/emails",
        "/user/gpg_keys",
        "/user/keys",
        "/users/{id}/gpg_keys",
        "/users/{user_id}/keys",
    }
)

#: Reasons for whole families of documented operations outside the scope, by the first
#: path segment (``projects/<segment>`` and ``groups/<segment>`` for sub-resources).
OUT_OF_SCOPE = {
    "admin": "instance administration (admin-only)",
    "application": "instance settings (admin-only)",
    "applications": "OAuth applications of the instance (admin-only)",
    "broadcast_messages": "instance broadcast messages (admin-only)",
    "bulk_imports": "group and project migration between instances",
    "deploy_keys": "instance deploy keys (admin-only)",
    "deploy_tokens": "instance deploy tokens (admin-only)",
    "discover-cert-based-clusters": "Kubernetes cluster integration",
    "feature_flags": "instance feature flags (admin-only)",
    "features": "instance feature flags (admin-only)",
    "geo": "Geo replication (self-managed Premium, admin-only)",
    "group": "group-level CI and package endpoints",
    "hooks": "system hooks (admin-only)",
    "job": "CI job token endpoints (called from inside a running job)",
    "jobs": "CI job token endpoints (called from inside a running job)",
    "keys": "SSH key lookup by fingerprint (admin-only)",
    "metadata": "instance metadata, not customer data",
    "packages": "package registries",
    "pages": "GitLab Pages domains (admin-only)",
    "personal_access_tokens": "access tokens: credentials",
    "project_repository_storage_moves": "repository storage (admin-only)",
    "registry": "container registry",
    "runners": "CI runners",
    "snippet_repository_storage_moves": "repository storage (admin-only)",
    "usage_data": "usage ping (admin-only)",
    "version": "instance version, not customer data",
    "web_commits": "web commit signing key of the instance",
    "groups/-": "package registries",
    "groups/access_requests": "pending requests to join, visible to owners only",
    "groups/access_tokens": "access tokens: credentials",
    "groups/audit_events": "audit events (Premium, owners only)",
    "groups/avatar": "group avatar image (binary)",
    "groups/badges": "badges: presentation settings",
    "groups/billable_members": "billing (Premium, owners only)",
    "groups/clusters": "Kubernetes clusters",
    "groups/custom_attributes": "custom attributes (admin-only)",
    "groups/deploy_tokens": "deploy tokens: credentials",
    "groups/epics": "epics (Premium)",
    "groups/export": "group export and import (binary archives)",
    "groups/export_relations": "group export and import (binary archives)",
    "groups/integrations": "integrations: they hold third-party secrets",
    "groups/invitations": "pending invitations of people outside the group",
    "groups/packages": "package registries",
    "groups/pending_members": "members awaiting approval (Premium, owners only)",
    "groups/provisioned_users": "enterprise users provisioned by SAML/SCIM (Premium)",
    "groups/registry": "container registry",
    "groups/runners": "CI runners",
    "groups/ssh_certificates": "SSH certificates (Enterprise)",
    "groups/transfer_locations": "targets of a group transfer (an owner's action)",
    "groups/uploads": "uploaded files (binary)",
    "groups/variables": "CI variables: secrets",
    "projects/access_requests": "pending requests to join, visible to maintainers only",
    "projects/access_tokens": "access tokens: credentials",
    "projects/alert_management_alerts": "incident management",
    "projects/audit_events": "audit events (Premium, maintainers only)",
    "projects/avatar": "project avatar image (binary)",
    "projects/badges": "badges: presentation settings",
    "projects/ci": "CI lint and configuration",
    "projects/cluster_agents": "Kubernetes agents",
    "projects/clusters": "Kubernetes clusters",
    "projects/custom_attributes": "custom attributes (admin-only)",
    "projects/debian_distributions": "package registries",
    "projects/deploy_keys": "deploy keys: credentials",
    "projects/deploy_tokens": "deploy tokens: credentials",
    "projects/error_tracking": "error tracking (Sentry integration settings)",
    "projects/export": "project export and import (binary archives)",
    "projects/export_relations": "project export and import (binary archives)",
    "projects/feature_flags": "feature flags: release configuration",
    "projects/feature_flags_user_lists": "feature flags: release configuration",
    "projects/freeze_periods": "deploy freeze periods: release configuration",
    "projects/hooks": "project webhooks (their URLs carry tokens)",
    "projects/import": "project export and import (binary archives)",
    "projects/integrations": "integrations: they hold third-party secrets",
    "projects/invitations": "pending invitations of people outside the project",
    "projects/job_token_scope": "CI job token settings",
    "projects/packages": "package registries",
    "projects/pages": "GitLab Pages",
    "projects/pages_access": "GitLab Pages",
    "projects/registry": "container registry",
    "projects/relation-imports": "project export and import (binary archives)",
    "projects/remote_mirrors": "repository mirrors (credentials)",
    "projects/repository_storage_moves": "repository storage (admin-only)",
    "projects/resource_groups": "CI concurrency settings",
    "projects/runners": "CI runners",
    "projects/secure_files": "CI secure files: secrets",
    "projects/services": "integrations: they hold third-party secrets",
    "projects/share_locations": "targets of a project share (a maintainer's action)",
    "projects/snapshot": "repository snapshot (admin-only)",
    "projects/storage": "repository storage (admin-only)",
    "projects/templates": "file templates of the instance",
    "projects/terraform": "Terraform state",
    "projects/transfer_locations": "targets of a project transfer (an owner's action)",
    "projects/triggers": "CI trigger tokens: secrets",
    "projects/uploads": "uploaded files (binary)",
    "projects/variables": "CI variables: secrets",
}

#: Single operations outside the scope inside a family otherwise in it (path → reason).
OUT_OF_SCOPE_PATHS = {
    "/namespaces/storage/limit_exclusions": "storage limit exclusions (admin-only)",
    "/namespaces/{id}/gitlab_subscription": "billing (GitLab.com subscriptions)",
    "/projects/{id}/jobs/artifacts/{ref_name}/download": "CI artifact archives (binary zip)",
    "/projects/{id}/jobs/artifacts/{ref_name}/raw/*artifact_path": "CI artifact files (binary)",
    "/projects/{id}/jobs/{job_id}/artifacts": "CI artifact archives (binary zip)",
    "/projects/{id}/jobs/{job_id}/artifacts/*artifact_path": "CI artifact files (binary)",
    "/projects/{id}/pipelines/{pipeline_id}/variables": "CI variables: secrets",
    "/projects/{id}/repository/archive": "repository archives (binary tar.gz or zip)",
    "/projects/{id}/releases/{tag_name}/downloads/*direct_asset_path": (
        "release asset downloads (binary files)"
    ),
    "/projects/{id}/snippets/{snippet_id}/user_agent_detail": "spam-check details (admin-only)",
    "/snippets/{id}/user_agent_detail": "spam-check details (admin-only)",
    "/snippets/{id}/repository_storage_moves": "repository storage (admin-only)",
    "/snippets/{id}/repository_storage_moves/{repository_storage_move_id}": (
        "repository storage (admin-only)"
    ),
    "/user/activities": "last activity of every user (admin-only)",
    "/user/support_pin": "support PIN: a secret shared with GitLab support",
    "/users/{id}/associations_count": "association counts (admin or the user only)",
    "/users/{id}/custom_attributes": "custom attributes (admin-only)",
    "/users/{id}/custom_attributes/{key}": "custom attributes (admin-only)",
    "/users/{id}/emails": "another user's e-mail addresses (admin-only)",
    "/users/{id}/support_pin": "support PIN (admin-only)",
    "/users/{user_id}/impersonation_tokens": "impersonation tokens (admin-only credentials)",
    "/users/{user_id}/impersonation_tokens/{impersonation_token_id}": (
        "impersonation tokens (admin-only credentials)"
    ),
    "/users/{user_id}/memberships": "another user's memberships (admin-only)",
    "/users/{user_id}/project_deploy_keys": "deploy keys: credentials",
}

#: In-scope documented operations not served, and why.
IN_SCOPE_LEFT_OUT: dict[str, str] = {}


def _out_of_scope(path: str) -> str | None:
    if path in OUT_OF_SCOPE_PATHS:
        return OUT_OF_SCOPE_PATHS[path]
    parts = path.split("/")
    nested = parts[1] in ("projects", "groups") and len(parts) >= 4
    family = f"{parts[1]}/{parts[3]}" if nested else parts[1]
    return OUT_OF_SCOPE.get(family)


def _documented_gets() -> list[str]:
    surface = json.loads(Path(__file__).with_name("surface.json").read_text(encoding="utf-8"))
    return [op["path"] for op in surface["operations"] if op["method"] == "GET"]


def _classify() -> tuple[list[Operation], list[LeftOut]]:
    handled = {op.path: op for op in HANDLED}
    served: list[Operation] = []
    left_out: list[LeftOut] = []
    for path in _documented_gets():
        reason = _out_of_scope(path)
        if reason is not None:
            left_out.append(LeftOut("GET", path, f"out of scope: {reason}"))
        elif path in IN_SCOPE_LEFT_OUT:
            left_out.append(LeftOut("GET", path, IN_SCOPE_LEFT_OUT[path]))
        else:
            served.append(handled.get(path) or Operation("GET", path, SHAPED))
    return served, left_out


SERVED, LEFT_OUT = _classify()
OPERATIONS = OperationTable(served=SERVED, left_out=LEFT_OUT, extra=EXTRA)
