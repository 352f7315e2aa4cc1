"""Bitbucket Cloud's documented GET operations: served, or left out with a reason.

Paths are the document's templates under ``/2.0``; ``R`` is the repository prefix.
The read surface the connector uses (workspaces, repositories, refs, commits, pull
requests with their activity, comments, commits and diffstat, issues with their comments,
pipelines and steps, users) answers from the seeded data; so do projects, permissions of
the caller, watchers, repository files, diffs, patches and step logs (text, as Bitbucket
sends them). Neighbours the store does not keep (tags, statuses, tasks, milestones,
snippets, deployments…) answer their documented shapes. Administration, secrets, add-ons,
third-party reports, binary downloads and issue import/export are left out, each group
with its reason below.
"""

from __future__ import annotations

from brainhub.sandbox.kit import SHAPED, LeftOut, Operation, OperationTable

R = "/repositories/{workspace}/{repo_slug}"

#: Why each group of documented operations is left out.
REASONS = {
    "ADDON": "Connect add-on (linker) administration: needs an installed app, not a user's data",
    "WEBHOOKS": "webhook subscriptions and event catalogue are administration, not data a tap reads",
    "PIPELINE_ADMIN": "pipeline configuration (variables, schedules, SSH keys, caches, OIDC) is administration and holds secrets",
    "ADMIN": "permissions, keys, e-mails, branch restrictions and reviewer settings are workspace administration",
    "APP_PROPERTIES": "application properties belong to installed apps, not to a workspace's data",
    "DOWNLOADS": "binary downloads (repository artifacts, issue attachments) are raw bytes, not JSON or text",
    "ISSUE_TRANSFER": "issue import and export follow a job a write starts, which this emulator does not make",
    "REPORTS": "code-insight and test reports are produced by third-party tools the sandbox does not run",
    "VOTE": "whether the caller voted for an issue is a bare status, and no seeded issue has votes",
    "MERGE_TASK": "follows an asynchronous merge, a write this emulator does not make",
}

#: Neighbours of the streams' objects, snippets, deployments and environments: the
#: documented shapes filled in (ids of the path resolve to the store, or answer 404).
SHAPED_READS = [
    R + "/refs/tags",
    R + "/refs/tags/{name}",
    R + "/commit/{commit}/statuses",
    R + "/commit/{commit}/statuses/build/{key}",
    R + "/commit/{commit}/comments",
    R + "/commit/{commit}/comments/{comment_id}",
    R + "/pullrequests/{pull_request_id}/statuses",
    R + "/pullrequests/{pull_request_id}/tasks",
    R + "/pullrequests/{pull_request_id}/tasks/{task_id}",
    R + "/issues/{issue_id}/changes",
    R + "/issues/{issue_id}/changes/{change_id}",
    R + "/issues/{issue_id}/attachments",
    R + "/components",
    R + "/components/{component_id}",
    R + "/milestones",
    R + "/milestones/{milestone_id}",
    R + "/versions",
    R + "/versions/{version_id}",
    R + "/forks",
    R + "/deployments",
    R + "/deployments/{deployment_uuid}",
    R + "/environments",
    R + "/environments/{environment_uuid}",
    "/snippets",
    "/snippets/{workspace}",
    "/snippets/{workspace}/{encoded_id}",
    "/snippets/{workspace}/{encoded_id}/comments",
    "/snippets/{workspace}/{encoded_id}/comments/{comment_id}",
    "/snippets/{workspace}/{encoded_id}/commits",
    "/snippets/{workspace}/{encoded_id}/commits/{revision}",
    "/snippets/{workspace}/{encoded_id}/watchers",
    "/snippets/{workspace}/{encoded_id}/{node_id}",
]

OPERATIONS = OperationTable(
    served=[
        Operation("GET", "/user", "get_current_user", complete=False),
        Operation("GET", "/users/{selected_user}", "get_user", complete=False),
        Operation("GET", "/workspaces", "list_workspaces", complete=False),
        Operation("GET", "/workspaces/{workspace}", "get_workspace", complete=False),
        Operation(
            "GET", "/workspaces/{workspace}/members", "list_workspace_members", complete=False
        ),
        Operation(
            "GET",
            "/workspaces/{workspace}/members/{member}",
            "get_workspace_member",
            complete=False,
        ),
        Operation("GET", "/repositories", "list_all_repositories", complete=False),
        Operation("GET", "/repositories/{workspace}", "list_repositories", complete=False),
        Operation("GET", R, "get_repository", complete=False),
        Operation("GET", R + "/refs", "list_refs", complete=False),
        Operation("GET", R + "/refs/branches", "list_branches", complete=False),
        Operation("GET", R + "/refs/branches/{name}", "get_branch", complete=False),
        Operation("GET", R + "/commits", "list_commits", complete=False),
        Operation("GET", R + "/commits/{revision}", "list_commits_from", complete=False),
        Operation("GET", R + "/commit/{commit}", "get_commit", complete=False),
        Operation("GET", R + "/pullrequests", "list_pull_requests", complete=False),
        Operation("GET", R + "/pullrequests/activity", "list_repository_activity", complete=False),
        Operation("GET", R + "/pullrequests/{pull_request_id}", "get_pull_request", complete=False),
        Operation(
            "GET",
            R + "/pullrequests/{pull_request_id}/activity",
            "list_pull_request_activity",
            complete=False,
        ),
        Operation(
            "GET",
            R + "/pullrequests/{pull_request_id}/comments",
            "list_pull_request_comments",
            complete=False,
        ),
        Operation(
            "GET",
            R + "/pullrequests/{pull_request_id}/comments/{comment_id}",
            "get_pull_request_comment",
            complete=False,
        ),
        Operation(
            "GET",
            R + "/pullrequests/{pull_request_id}/commits",
            "list_pull_request_commits",
            complete=False,
        ),
        Operation(
            "GET",
            R + "/pullrequests/{pull_request_id}/diffstat",
            "redirect_pull_request_diffstat",
            complete=False,
        ),
        Operation("GET", R + "/diffstat/{spec}", "get_diffstat", complete=False),
        Operation("GET", R + "/issues", "list_issues", complete=False),
        Operation("GET", R + "/issues/{issue_id}", "get_issue", complete=False),
        Operation("GET", R + "/issues/{issue_id}/comments", "list_issue_comments", complete=False),
        Operation(
            "GET",
            R + "/issues/{issue_id}/comments/{comment_id}",
            "get_issue_comment",
            complete=False,
        ),
        Operation("GET", R + "/pipelines", "list_pipelines", complete=False),
        Operation("GET", R + "/pipelines/{pipeline_uuid}", "get_pipeline", complete=False),
        Operation(
            "GET", R + "/pipelines/{pipeline_uuid}/steps", "list_pipeline_steps", complete=False
        ),
        Operation(
            "GET",
            R + "/pipelines/{pipeline_uuid}/steps/{step_uuid}",
            "get_pipeline_step",
            complete=False,
        ),
        *(Operation("GET", path, SHAPED) for path in SHAPED_READS),
        Operation(
            "GET", R + "/commit/{commit}/pullrequests", "list_commit_pull_requests", complete=False
        ),
        Operation(
            "GET", "/pullrequests/{selected_user}", "list_user_pull_requests", complete=False
        ),
        Operation("GET", "/user/permissions/workspaces", "list_my_workspace_permissions"),
        Operation("GET", "/user/permissions/repositories", "list_my_repository_permissions"),
        Operation("GET", R + "/watchers", "list_watchers"),
        Operation("GET", R + "/downloads", "list_downloads", complete=False),
        Operation("GET", "/workspaces/{workspace}/projects", "list_projects"),
        Operation("GET", "/workspaces/{workspace}/projects/{project_key}", "get_project"),
        Operation("GET", R + "/merge-base/{revspec}", "get_merge_base", complete=False),
        Operation("GET", R + "/src", "list_source_root", complete=False),
        Operation("GET", R + "/src/{commit}/{path}", "get_source", greedy="path", complete=False),
        Operation(
            "GET",
            R + "/filehistory/{commit}/{path}",
            "list_file_history",
            greedy="path",
            complete=False,
        ),
        Operation("GET", R + "/diff/{spec}", "get_diff"),
        Operation("GET", R + "/patch/{spec}", "get_patch"),
        Operation("GET", R + "/pullrequests/{pull_request_id}/diff", "redirect_pull_request_diff"),
        Operation(
            "GET", R + "/pullrequests/{pull_request_id}/patch", "redirect_pull_request_patch"
        ),
        Operation("GET", R + "/pipelines/{pipeline_uuid}/steps/{step_uuid}/log", "get_step_log"),
        Operation(
            "GET",
            R + "/pipelines/{pipeline_uuid}/steps/{step_uuid}/logs/{log_uuid}",
            "get_step_container_log",
        ),
        Operation(
            "GET",
            "/snippets/{workspace}/{encoded_id}/files/{path}",
            "redirect_snippet_file",
            greedy="path",
        ),
        Operation(
            "GET",
            "/snippets/{workspace}/{encoded_id}/{node_id}/files/{path}",
            "get_snippet_file",
            greedy="path",
        ),
        Operation("GET", "/snippets/{workspace}/{encoded_id}/{revision}/diff", "get_snippet_diff"),
        Operation(
            "GET", "/snippets/{workspace}/{encoded_id}/{revision}/patch", "get_snippet_patch"
        ),
        Operation("GET", "/snippets/{workspace}/{encoded_id}/watch", "get_snippet_watch"),
        Operation("GET", R + "/issues/{issue_id}/watch", "get_issue_watch"),
        Operation("GET", "/workspaces/{workspace}/search/code", "search_workspace_code"),
        Operation("GET", "/teams/{username}/search/code", "search_team_code"),
        Operation("GET", "/users/{selected_user}/search/code", "search_user_code"),
    ],
    left_out=[
        LeftOut("GET", "/addon/linkers", REASONS["ADDON"]),
        LeftOut("GET", "/addon/linkers/{linker_key}", REASONS["ADDON"]),
        LeftOut("GET", "/addon/linkers/{linker_key}/values", REASONS["ADDON"]),
        LeftOut("GET", "/addon/linkers/{linker_key}/values/{value_id}", REASONS["ADDON"]),
        LeftOut("GET", "/hook_events", REASONS["WEBHOOKS"]),
        LeftOut("GET", "/hook_events/{subject_type}", REASONS["WEBHOOKS"]),
        LeftOut("GET", R + "/branch-restrictions", REASONS["ADMIN"]),
        LeftOut("GET", R + "/branch-restrictions/{id}", REASONS["ADMIN"]),
        LeftOut("GET", R + "/branching-model", REASONS["ADMIN"]),
        LeftOut("GET", R + "/branching-model/settings", REASONS["ADMIN"]),
        LeftOut(
            "GET",
            R + "/commit/{commit}/properties/{app_key}/{property_name}",
            REASONS["APP_PROPERTIES"],
        ),
        LeftOut("GET", R + "/commit/{commit}/reports", REASONS["REPORTS"]),
        LeftOut("GET", R + "/commit/{commit}/reports/{reportId}", REASONS["REPORTS"]),
        LeftOut("GET", R + "/commit/{commit}/reports/{reportId}/annotations", REASONS["REPORTS"]),
        LeftOut(
            "GET",
            R + "/commit/{commit}/reports/{reportId}/annotations/{annotationId}",
            REASONS["REPORTS"],
        ),
        LeftOut("GET", R + "/default-reviewers", REASONS["ADMIN"]),
        LeftOut("GET", R + "/default-reviewers/{target_username}", REASONS["ADMIN"]),
        LeftOut("GET", R + "/deploy-keys", REASONS["ADMIN"]),
        LeftOut("GET", R + "/deploy-keys/{key_id}", REASONS["ADMIN"]),
        LeftOut(
            "GET",
            R + "/deployments_config/environments/{environment_uuid}/variables",
            REASONS["PIPELINE_ADMIN"],
        ),
        LeftOut("GET", R + "/downloads/{filename}", REASONS["DOWNLOADS"]),
        LeftOut("GET", R + "/effective-branching-model", REASONS["ADMIN"]),
        LeftOut("GET", R + "/effective-default-reviewers", REASONS["ADMIN"]),
        LeftOut("GET", R + "/hooks", REASONS["WEBHOOKS"]),
        LeftOut("GET", R + "/hooks/{uid}", REASONS["WEBHOOKS"]),
        LeftOut(
            "GET", R + "/issues/export/{repo_name}-issues-{task_id}.zip", REASONS["ISSUE_TRANSFER"]
        ),
        LeftOut("GET", R + "/issues/import", REASONS["ISSUE_TRANSFER"]),
        LeftOut("GET", R + "/issues/{issue_id}/attachments/{path}", REASONS["DOWNLOADS"]),
        LeftOut("GET", R + "/issues/{issue_id}/vote", REASONS["VOTE"]),
        LeftOut("GET", R + "/override-settings", REASONS["ADMIN"]),
        LeftOut("GET", R + "/permissions-config/groups", REASONS["ADMIN"]),
        LeftOut("GET", R + "/permissions-config/groups/{group_slug}", REASONS["ADMIN"]),
        LeftOut("GET", R + "/permissions-config/users", REASONS["ADMIN"]),
        LeftOut("GET", R + "/permissions-config/users/{selected_user_id}", REASONS["ADMIN"]),
        LeftOut("GET", R + "/pipelines-config/caches", REASONS["PIPELINE_ADMIN"]),
        LeftOut(
            "GET",
            R + "/pipelines-config/caches/{cache_uuid}/content-uri",
            REASONS["PIPELINE_ADMIN"],
        ),
        LeftOut(
            "GET",
            R + "/pipelines/{pipeline_uuid}/steps/{step_uuid}/test_reports",
            REASONS["REPORTS"],
        ),
        LeftOut(
            "GET",
            R + "/pipelines/{pipeline_uuid}/steps/{step_uuid}/test_reports/test_cases",
            REASONS["REPORTS"],
        ),
        LeftOut(
            "GET",
            R
            + "/pipelines/{pipeline_uuid}/steps/{step_uuid}/test_reports/test_cases/{test_case_uuid}/test_case_reasons",
            REASONS["REPORTS"],
        ),
        LeftOut("GET", R + "/pipelines_config", REASONS["PIPELINE_ADMIN"]),
        LeftOut("GET", R + "/pipelines_config/schedules", REASONS["PIPELINE_ADMIN"]),
        LeftOut(
            "GET", R + "/pipelines_config/schedules/{schedule_uuid}", REASONS["PIPELINE_ADMIN"]
        ),
        LeftOut(
            "GET",
            R + "/pipelines_config/schedules/{schedule_uuid}/executions",
            REASONS["PIPELINE_ADMIN"],
        ),
        LeftOut("GET", R + "/pipelines_config/ssh/key_pair", REASONS["PIPELINE_ADMIN"]),
        LeftOut("GET", R + "/pipelines_config/ssh/known_hosts", REASONS["PIPELINE_ADMIN"]),
        LeftOut(
            "GET",
            R + "/pipelines_config/ssh/known_hosts/{known_host_uuid}",
            REASONS["PIPELINE_ADMIN"],
        ),
        LeftOut("GET", R + "/pipelines_config/variables", REASONS["PIPELINE_ADMIN"]),
        LeftOut(
            "GET", R + "/pipelines_config/variables/{variable_uuid}", REASONS["PIPELINE_ADMIN"]
        ),
        LeftOut("GET", R + "/properties/{app_key}/{property_name}", REASONS["APP_PROPERTIES"]),
        LeftOut(
            "GET",
            R + "/pullrequests/{pull_request_id}/merge/task-status/{task_id}",
            REASONS["MERGE_TASK"],
        ),
        LeftOut(
            "GET",
            R + "/pullrequests/{pullrequest_id}/properties/{app_key}/{property_name}",
            REASONS["APP_PROPERTIES"],
        ),
        LeftOut("GET", "/teams/{username}/pipelines_config/variables", REASONS["PIPELINE_ADMIN"]),
        LeftOut(
            "GET",
            "/teams/{username}/pipelines_config/variables/{variable_uuid}",
            REASONS["PIPELINE_ADMIN"],
        ),
        LeftOut("GET", "/user/emails", REASONS["ADMIN"]),
        LeftOut("GET", "/user/emails/{email}", REASONS["ADMIN"]),
        LeftOut(
            "GET", "/users/{selected_user}/pipelines_config/variables", REASONS["PIPELINE_ADMIN"]
        ),
        LeftOut(
            "GET",
            "/users/{selected_user}/pipelines_config/variables/{variable_uuid}",
            REASONS["PIPELINE_ADMIN"],
        ),
        LeftOut(
            "GET",
            "/users/{selected_user}/properties/{app_key}/{property_name}",
            REASONS["APP_PROPERTIES"],
        ),
        LeftOut("GET", "/users/{selected_user}/ssh-keys", REASONS["ADMIN"]),
        LeftOut("GET", "/users/{selected_user}/ssh-keys/{key_id}", REASONS["ADMIN"]),
        LeftOut("GET", "/workspaces/{workspace}/hooks", REASONS["WEBHOOKS"]),
        LeftOut("GET", "/workspaces/{workspace}/hooks/{uid}", REASONS["WEBHOOKS"]),
        LeftOut("GET", "/workspaces/{workspace}/permissions", REASONS["ADMIN"]),
        LeftOut("GET", "/workspaces/{workspace}/permissions/repositories", REASONS["ADMIN"]),
        LeftOut(
            "GET", "/workspaces/{workspace}/permissions/repositories/{repo_slug}", REASONS["ADMIN"]
        ),
        LeftOut(
            "GET",
            "/workspaces/{workspace}/pipelines-config/identity/oidc/.well-known/openid-configuration",
            REASONS["PIPELINE_ADMIN"],
        ),
        LeftOut(
            "GET",
            "/workspaces/{workspace}/pipelines-config/identity/oidc/keys.json",
            REASONS["PIPELINE_ADMIN"],
        ),
        LeftOut(
            "GET", "/workspaces/{workspace}/pipelines-config/variables", REASONS["PIPELINE_ADMIN"]
        ),
        LeftOut(
            "GET",
            "/workspaces/{workspace}/pipelines-config/variables/{variable_uuid}",
            REASONS["PIPELINE_ADMIN"],
        ),
        LeftOut(
            "GET",
            "/workspaces/{workspace}/projects/{project_key}/branching-model",
            REASONS["ADMIN"],
        ),
        LeftOut(
            "GET",
            "/workspaces/{workspace}/projects/{project_key}/branching-model/settings",
            REASONS["ADMIN"],
        ),
        LeftOut(
            "GET",
            "/workspaces/{workspace}/projects/{project_key}/default-reviewers",
            REASONS["ADMIN"],
        ),
        LeftOut(
            "GET",
            "/workspaces/{workspace}/projects/{project_key}/default-reviewers/{selected_user}",
            REASONS["ADMIN"],
        ),
        LeftOut(
            "GET", "/workspaces/{workspace}/projects/{project_key}/deploy-keys", REASONS["ADMIN"]
        ),
        LeftOut(
            "GET",
            "/workspaces/{workspace}/projects/{project_key}/deploy-keys/{key_id}",
            REASONS["ADMIN"],
        ),
        LeftOut(
            "GET",
            "/workspaces/{workspace}/projects/{project_key}/permissions-config/groups",
            REASONS["ADMIN"],
        ),
        LeftOut(
            "GET",
            "/workspaces/{workspace}/projects/{project_key}/permissions-config/groups/{group_slug}",
            REASONS["ADMIN"],
        ),
        LeftOut(
            "GET",
            "/workspaces/{workspace}/projects/{project_key}/permissions-config/users",
            REASONS["ADMIN"],
        ),
        LeftOut(
            "GET",
            "/workspaces/{workspace}/projects/{project_key}/permissions-config/users/{selected_user_id}",
            REASONS["ADMIN"],
        ),
    ],
    extra=[
        # newer than the document: the replacement of the deprecated GET /workspaces,
        # which atlassian-python-api lists workspaces with
        Operation("GET", "/user/workspaces", "list_user_workspaces", complete=False),
        Operation(
            "POST",
            R + "/pullrequests/{pull_request_id}/comments",
            "create_pull_request_comment",
            complete=False,
        ),
    ],
)
