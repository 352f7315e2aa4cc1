"""Every GET operation of Jira Cloud's platform and agile documents, served or left out.

Paths are the documented templates, with their API prefix (``/rest/api/3``,
``/rest/agile/1.0``; ``surface.json`` holds the table derived from both documents, and a
test compares this one with them). Handlers are methods of :class:`~.app.JiraEmulator`;
``SHAPED`` ones answer from the documented response shape with ids of this site, because
the seeded store does not model those objects (groups, filters, dashboards, components,
versions, roles…).

Every ``/rest/api/3`` operation is served at ``/rest/api/2`` too (:data:`V2_OPERATIONS`),
where rich-text fields are wiki-markup strings instead of Atlassian Document Format.

The families left out are the site's administration and configuration schemes, the app
platform (Connect/Forge app data), Premium plans and the provider APIs apps push
development information through: none of them holds a customer's issues, projects or
people, and a read of them needs a site administrator or an app's own credentials.
"""

from __future__ import annotations

from brainhub.sandbox.kit import SHAPED, LeftOut, Operation, OperationTable

API = "/rest/api/3"
API_V2 = "/rest/api/2"
AGILE = "/rest/agile/1.0"

ADMIN = "site administration (needs the Administer Jira global permission)"
SCHEMES = "configuration schemes a site administrator edits, not a customer's data"
APPS = "the app platform: data Connect and Forge apps keep for themselves"
PROVIDER = "provider API apps push development information through, not a read of user data"
PREMIUM = "Jira Premium plans (Advanced Roadmaps), not on the seeded site's Standard plan"
BINARY = "returns the file's bytes (or a redirect to them), not JSON; metadata is served"
ASYNC = "reports on an asynchronous job a write started; the emulator starts none"


def _get(path: str, handler: str = SHAPED) -> Operation:
    # handlers model their objects whole: the kit's completion would add fields Jira sends
    # only when expanded (a user's groups, an issue's changelog) or only for other kinds
    # of object (a status's team-managed scope, a comment's restricted visibility)
    return Operation("GET", path, handler, complete=False)


def _api(path: str, handler: str = SHAPED) -> Operation:
    return _get(API + path, handler)


def _agile(path: str, handler: str = SHAPED) -> Operation:
    return _get(AGILE + path, handler)


def _out(path: str, reason: str) -> LeftOut:
    return LeftOut("GET", path, reason)


SERVED = [
    # Server info, myself, permissions
    _api("/serverInfo", "server_info"),
    _api("/myself", "myself"),
    _api("/mypreferences", "my_preference"),
    _api("/mypreferences/locale", "my_locale"),
    _api("/mypermissions"),
    _api("/permissions"),
    _api("/configuration"),
    # Issue search and JQL
    _api("/search/jql", "search_issues"),
    _api("/search", "search_issues_paged"),
    _api("/issue/picker"),
    _api("/jql/autocompletedata"),
    _api("/jql/autocompletedata/suggestions"),
    # Issues
    _api("/issue/{issueIdOrKey}", "get_issue"),
    _api("/issue/{issueIdOrKey}/changelog", "issue_changelog"),
    _api("/issue/{issueIdOrKey}/editmeta", "issue_editmeta"),
    _api("/issue/{issueIdOrKey}/transitions", "issue_transitions"),
    _api("/issue/createmeta"),
    _api("/issue/createmeta/{projectIdOrKey}/issuetypes"),
    _api("/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}"),
    _api("/issue/{issueIdOrKey}/comment", "issue_comments"),
    _api("/issue/{issueIdOrKey}/comment/{id}", "issue_comment"),
    _api("/issue/{issueIdOrKey}/worklog", "issue_worklogs"),
    _api("/issue/{issueIdOrKey}/worklog/{id}", "issue_worklog"),
    _api("/worklog/updated", "worklogs_updated"),
    _api("/worklog/deleted", "worklogs_deleted"),
    _api("/issue/{issueIdOrKey}/watchers", "issue_watchers"),
    _api("/issue/{issueIdOrKey}/votes", "issue_votes"),
    _api("/issue/{issueIdOrKey}/remotelink", "issue_remote_links"),
    _api("/issue/{issueIdOrKey}/remotelink/{linkId}", "issue_remote_link"),
    _api("/issue/{issueIdOrKey}/properties", "issue_property_keys"),
    _api("/issue/{issueIdOrKey}/properties/{propertyKey}", "issue_property"),
    _api("/comment/{commentId}/properties", "comment_property_keys"),
    _api("/comment/{commentId}/properties/{propertyKey}", "comment_property"),
    _api("/issue/{issueIdOrKey}/worklog/{worklogId}/properties", "worklog_property_keys"),
    _api("/issue/{issueIdOrKey}/worklog/{worklogId}/properties/{propertyKey}", "worklog_property"),
    _api("/issueLink/{linkId}"),
    _api("/issueLinkType"),
    _api("/issueLinkType/{issueLinkTypeId}"),
    # Attachments (metadata)
    _api("/attachment/meta"),
    _api("/attachment/{id}"),
    _api("/attachment/{id}/expand/human"),
    _api("/attachment/{id}/expand/raw"),
    # Projects
    _api("/project", "all_projects"),
    _api("/project/recent", "recent_projects"),
    _api("/project/search", "search_projects"),
    _api("/project/{projectIdOrKey}", "get_project"),
    _api("/project/{projectIdOrKey}/statuses", "project_statuses"),
    _api("/project/{projectId}/hierarchy"),
    _api("/project/{projectIdOrKey}/avatars"),
    _api("/project/{projectIdOrKey}/features"),
    _api("/project/{projectIdOrKey}/properties", "project_property_keys"),
    _api("/project/{projectIdOrKey}/properties/{propertyKey}", "project_property"),
    _api("/project/type"),
    _api("/project/type/accessible"),
    _api("/project/type/{projectTypeKey}"),
    _api("/project/type/{projectTypeKey}/accessible"),
    _api("/projectCategory"),
    _api("/projectCategory/{id}"),
    # Project components and versions
    _api("/component"),
    _api("/component/{id}"),
    _api("/component/{id}/relatedIssueCounts"),
    _api("/project/{projectIdOrKey}/component"),
    _api("/project/{projectIdOrKey}/components"),
    _api("/project/{projectIdOrKey}/version"),
    _api("/project/{projectIdOrKey}/versions"),
    _api("/version/{id}"),
    _api("/version/{id}/relatedIssueCounts"),
    _api("/version/{id}/relatedwork"),
    _api("/version/{id}/unresolvedIssueCount"),
    # Project roles
    _api("/project/{projectIdOrKey}/role"),
    _api("/project/{projectIdOrKey}/role/{id}"),
    _api("/project/{projectIdOrKey}/roledetails"),
    _api("/role"),
    _api("/role/{id}"),
    _api("/role/{id}/actors"),
    # Users and groups
    _api("/user", "get_user"),
    _api("/user/bulk", "users_bulk"),
    _api("/users", "all_users"),
    _api("/users/search", "search_users"),
    _api("/user/search", "find_users"),
    _api("/user/search/query"),
    _api("/user/search/query/key"),
    _api("/user/assignable/search", "find_users"),
    _api("/user/assignable/multiProjectSearch", "find_users"),
    _api("/user/permission/search", "find_users"),
    _api("/user/viewissue/search", "find_users"),
    _api("/user/picker"),
    _api("/user/groups"),
    _api("/user/columns"),
    _api("/user/properties", "user_property_keys"),
    _api("/user/properties/{propertyKey}", "user_property"),
    _api("/group"),
    _api("/group/bulk"),
    _api("/group/member"),
    _api("/groups/picker"),
    _api("/groupuserpicker"),
    _api("/avatar/{type}/system"),
    _api("/universal_avatar/type/{type}/owner/{entityId}"),
    # Fields, issue types, priorities, resolutions, statuses, labels
    _api("/field", "all_fields"),
    _api("/field/search"),
    _api("/field/{fieldId}/contexts"),
    _api("/projects/fields"),
    _api("/issuetype", "all_issue_types"),
    _api("/issuetype/project", "project_issue_types"),
    _api("/issuetype/{id}", "get_issue_type"),
    _api("/issuetype/{id}/alternatives", "issue_type_alternatives"),
    _api("/issuetype/{issueTypeId}/properties", "issue_type_property_keys"),
    _api("/issuetype/{issueTypeId}/properties/{propertyKey}", "issue_type_property"),
    _api("/priority", "all_priorities"),
    _api("/priority/search", "search_priorities"),
    _api("/priority/{id}", "get_priority"),
    _api("/resolution", "all_resolutions"),
    _api("/resolution/search", "search_resolutions"),
    _api("/resolution/{id}", "get_resolution"),
    _api("/status", "all_statuses"),
    _api("/status/{idOrName}", "get_status"),
    _api("/statuscategory", "all_status_categories"),
    _api("/statuscategory/{idOrKey}", "get_status_category"),
    _api("/statuses"),
    _api("/statuses/byNames"),
    _api("/statuses/search"),
    _api("/statuses/{statusId}/project/{projectId}/issueTypeUsages"),
    _api("/statuses/{statusId}/projectUsages"),
    _api("/statuses/{statusId}/workflowUsages"),
    _api("/label", "all_labels"),
    # Filters and dashboards
    _api("/filter/favourite"),
    _api("/filter/my"),
    _api("/filter/search"),
    _api("/filter/{id}"),
    _api("/filter/{id}/columns"),
    _api("/filter/defaultShareScope"),
    _api("/filter/{id}/permission"),
    _api("/filter/{id}/permission/{permissionId}"),
    _api("/dashboard"),
    _api("/dashboard/search"),
    _api("/dashboard/gadgets"),
    _api("/dashboard/{id}"),
    _api("/dashboard/{dashboardId}/gadget"),
    _api("/dashboard/{dashboardId}/items/{itemId}/properties"),
    _api("/dashboard/{dashboardId}/items/{itemId}/properties/{propertyKey}"),
    # Agile: boards
    _agile("/board", "list_boards"),
    _agile("/board/filter/{filterId}"),
    _agile("/board/{boardId}", "get_board"),
    _agile("/board/{boardId}/backlog", "board_backlog"),
    _agile("/board/{boardId}/configuration"),
    _agile("/board/{boardId}/epic", "board_epics"),
    _agile("/board/{boardId}/epic/none/issue", "board_issues_without_epic"),
    _agile("/board/{boardId}/epic/{epicId}/issue", "board_epic_issues"),
    _agile("/board/{boardId}/features"),
    _agile("/board/{boardId}/issue", "board_issues"),
    _agile("/board/{boardId}/project", "board_projects"),
    _agile("/board/{boardId}/project/full"),
    _agile("/board/{boardId}/properties", "board_property_keys"),
    _agile("/board/{boardId}/properties/{propertyKey}", "board_property"),
    _agile("/board/{boardId}/quickfilter"),
    _agile("/board/{boardId}/quickfilter/{quickFilterId}"),
    _agile("/board/{boardId}/reports"),
    _agile("/board/{boardId}/sprint", "board_sprints"),
    _agile("/board/{boardId}/sprint/{sprintId}/issue", "board_sprint_issues"),
    _agile("/board/{boardId}/version"),
    # Agile: sprints, epics, issues
    _agile("/sprint/{sprintId}", "get_sprint"),
    _agile("/sprint/{sprintId}/issue", "sprint_issues"),
    _agile("/sprint/{sprintId}/properties", "sprint_property_keys"),
    _agile("/sprint/{sprintId}/properties/{propertyKey}", "sprint_property"),
    _agile("/epic/none/issue", "issues_without_epic"),
    _agile("/epic/{epicIdOrKey}", "get_epic"),
    _agile("/epic/{epicIdOrKey}/issue", "epic_issues"),
    _agile("/issue/{issueIdOrKey}", "agile_issue"),
    _agile("/issue/{issueIdOrKey}/estimation", "agile_issue_estimation"),
]

LEFT_OUT = [
    _out(API + "/announcementBanner", ADMIN),
    _out(API + "/data-policy", APPS),
    _out(API + "/data-policy/project", APPS),
    _out("/rest/atlassian-connect/1/addons/{addonKey}/properties", APPS),
    _out("/rest/atlassian-connect/1/addons/{addonKey}/properties/{propertyKey}", APPS),
    _out("/rest/forge/1/app/properties", APPS),
    _out("/rest/forge/1/app/properties/{propertyKey}", APPS),
    _out("/rest/atlassian-connect/1/app/module/dynamic", APPS),
    _out("/rest/atlassian-connect/1/service-registry", APPS),
    _out("/rest/atlassian-connect/1/migration/{connectKey}/{jiraIssueFieldsKey}/task", APPS),
    _out(API + "/app/field/{fieldIdOrKey}/context/configuration", APPS),
    _out(API + "/field/{fieldKey}/option", APPS),
    _out(API + "/field/{fieldKey}/option/suggestions/edit", APPS),
    _out(API + "/field/{fieldKey}/option/suggestions/search", APPS),
    _out(API + "/field/{fieldKey}/option/{optionId}", APPS),
    _out(API + "/jql/function/computation", APPS),
    _out(API + "/uiModifications", APPS),
    _out(API + "/webhook", APPS + " (webhooks an app registered)"),
    _out(API + "/webhook/failed", APPS + " (webhooks an app registered)"),
    _out(API + "/applicationrole", ADMIN),
    _out(API + "/applicationrole/{key}", ADMIN),
    _out(API + "/auditing/record", ADMIN),
    _out(API + "/classification-levels", ADMIN + "; data classification is an Enterprise add-on"),
    _out(
        API + "/project/{projectIdOrKey}/classification-level/default",
        ADMIN + "; data classification is an Enterprise add-on",
    ),
    _out(API + "/application-properties", ADMIN),
    _out(API + "/application-properties/advanced-settings", ADMIN),
    _out(API + "/configuration/timetracking", ADMIN),
    _out(API + "/configuration/timetracking/list", ADMIN),
    _out(API + "/configuration/timetracking/options", ADMIN),
    _out(API + "/instance/license", ADMIN),
    _out(API + "/license/approximateLicenseCount", ADMIN),
    _out(API + "/license/approximateLicenseCount/product/{applicationKey}", ADMIN),
    _out(API + "/events", ADMIN),
    _out(API + "/issue/limit/report", ADMIN),
    _out(API + "/settings/columns", ADMIN),
    _out(API + "/field/search/trashed", ADMIN),
    _out(API + "/project/{projectId}/email", ADMIN),
    _out(API + "/project-template/live-template", ADMIN),
    _out(API + "/projectvalidate/key", ADMIN + " (validates a key before creating a project)"),
    _out(API + "/projectvalidate/validProjectKey", ADMIN + " (before creating a project)"),
    _out(API + "/projectvalidate/validProjectName", ADMIN + " (before creating a project)"),
    _out(API + "/redact/status/{jobId}", ASYNC),
    _out(API + "/task/{taskId}", ASYNC),
    _out(API + "/bulk/queue/{taskId}", ASYNC),
    _out(API + "/bulk/issues/fields", ADMIN + " (bulk edit screens)"),
    _out(API + "/bulk/issues/transition", ADMIN + " (bulk transition screens)"),
    _out(API + "/user/email", APPS + " (Connect apps only)"),
    _out(API + "/user/email/bulk", APPS + " (Connect apps only)"),
    _out(API + "/user/bulk/migration", "username-to-account-id migration of 2019, not data"),
    _out(API + "/attachment/content/{id}", BINARY),
    _out(API + "/attachment/thumbnail/{id}", BINARY),
    _out(API + "/universal_avatar/view/type/{type}", BINARY),
    _out(API + "/universal_avatar/view/type/{type}/avatar/{id}", BINARY),
    _out(API + "/universal_avatar/view/type/{type}/owner/{entityId}", BINARY),
    # configuration schemes
    *(
        _out(API + path, SCHEMES)
        for path in (
            "/config/fieldschemes",
            "/config/fieldschemes/projects",
            "/config/fieldschemes/{id}",
            "/config/fieldschemes/{id}/fields",
            "/config/fieldschemes/{id}/fields/{fieldId}/parameters",
            "/config/fieldschemes/{id}/projects",
            "/customFieldOption/{id}",
            "/field/{fieldId}/context",
            "/field/{fieldId}/context/defaultValue",
            "/field/{fieldId}/context/issuetypemapping",
            "/field/{fieldId}/context/projectmapping",
            "/field/{fieldId}/context/{contextId}/option",
            "/field/{fieldId}/screens",
            "/fieldconfiguration",
            "/fieldconfiguration/{id}/fields",
            "/fieldconfigurationscheme",
            "/fieldconfigurationscheme/mapping",
            "/fieldconfigurationscheme/project",
            "/notificationscheme",
            "/notificationscheme/project",
            "/notificationscheme/{id}",
            "/project/{projectKeyOrId}/notificationscheme",
            "/issuesecurityschemes",
            "/issuesecurityschemes/level",
            "/issuesecurityschemes/level/member",
            "/issuesecurityschemes/project",
            "/issuesecurityschemes/search",
            "/issuesecurityschemes/{id}",
            "/issuesecurityschemes/{issueSecuritySchemeId}/members",
            "/securitylevel/{id}",
            "/project/{projectKeyOrId}/issuesecuritylevelscheme",
            "/project/{projectKeyOrId}/permissionscheme",
            "/project/{projectKeyOrId}/securitylevel",
            "/issuetypescheme",
            "/issuetypescheme/mapping",
            "/issuetypescheme/project",
            "/issuetypescreenscheme",
            "/issuetypescreenscheme/mapping",
            "/issuetypescreenscheme/project",
            "/issuetypescreenscheme/{issueTypeScreenSchemeId}/project",
            "/permissionscheme",
            "/permissionscheme/{schemeId}",
            "/permissionscheme/{schemeId}/permission",
            "/permissionscheme/{schemeId}/permission/{permissionId}",
            "/priorityscheme",
            "/priorityscheme/priorities/available",
            "/priorityscheme/{schemeId}/priorities",
            "/priorityscheme/{schemeId}/projects",
            "/screenscheme",
            "/screens",
            "/screens/tabs",
            "/screens/{screenId}/availableFields",
            "/screens/{screenId}/tabs",
            "/screens/{screenId}/tabs/{tabId}/fields",
            "/workflow",
            "/workflow/search",
            "/workflow/rule/config",
            "/workflow/transitions/{transitionId}/properties",
            "/workflow/{workflowId}/project/{projectId}/issueTypeUsages",
            "/workflow/{workflowId}/projectUsages",
            "/workflow/{workflowId}/workflowSchemes",
            "/workflows/capabilities",
            "/workflows/defaultEditor",
            "/workflows/search",
            "/workflowscheme",
            "/workflowscheme/project",
            "/workflowscheme/{id}",
            "/workflowscheme/{id}/default",
            "/workflowscheme/{id}/issuetype/{issueType}",
            "/workflowscheme/{id}/workflow",
            "/workflowscheme/{id}/draft",
            "/workflowscheme/{id}/draft/default",
            "/workflowscheme/{id}/draft/issuetype/{issueType}",
            "/workflowscheme/{id}/draft/workflow",
            "/workflowscheme/{workflowSchemeId}/projectUsages",
        )
    ),
    # Premium plans
    _out(API + "/plans/plan", PREMIUM),
    _out(API + "/plans/plan/{planId}", PREMIUM),
    _out(API + "/plans/plan/{planId}/team", PREMIUM),
    _out(API + "/plans/plan/{planId}/team/atlassian/{atlassianTeamId}", PREMIUM),
    _out(API + "/plans/plan/{planId}/team/planonly/{planOnlyTeamId}", PREMIUM),
    # Jira Software provider APIs (apps push builds, deployments… with their own tokens)
    _out("/builds/0.1/pipelines/{pipelineId}/builds/{buildNumber}", PROVIDER),
    _out(
        "/deployments/0.1/pipelines/{pipelineId}/environments/{environmentId}/deployments/"
        "{deploymentSequenceNumber}",
        PROVIDER,
    ),
    _out(
        "/deployments/0.1/pipelines/{pipelineId}/environments/{environmentId}/deployments/"
        "{deploymentSequenceNumber}/gating-status",
        PROVIDER,
    ),
    _out("/devinfo/0.10/repository/{repositoryId}", PROVIDER),
    _out("/devinfo/0.10/existsByProperties", PROVIDER),
    _out("/featureflags/0.1/flag/{featureFlagId}", PROVIDER),
    _out("/remotelinks/1.0/remotelink/{remoteLinkId}", PROVIDER),
]


def _v2(operation: Operation) -> Operation:
    path = API_V2 + operation.path[len(API) :]
    return Operation(operation.method, path, operation.handler, complete=operation.complete)


#: The ``/rest/api/2`` twin of every served ``/rest/api/3`` operation.
V2_OPERATIONS = [_v2(op) for op in SERVED if op.path.startswith(API + "/")]

#: The writes served (see writes.py), in both versions: ``(method, path, handler)``.
WRITES = (
    ("POST", "/issue", "create_issue"),
    ("POST", "/issue/bulk", "create_issues"),
    ("PUT", "/issue/{issueIdOrKey}", "edit_issue"),
    ("DELETE", "/issue/{issueIdOrKey}", "delete_issue"),
    ("POST", "/issue/{issueIdOrKey}/transitions", "transition_issue"),
    ("POST", "/issue/{issueIdOrKey}/comment", "add_comment"),
    ("PUT", "/issue/{issueIdOrKey}/comment/{id}", "update_comment"),
    ("DELETE", "/issue/{issueIdOrKey}/comment/{id}", "delete_comment"),
    ("POST", "/issue/{issueIdOrKey}/worklog", "add_worklog"),
    ("PUT", "/issue/{issueIdOrKey}/worklog/{id}", "update_worklog"),
    ("DELETE", "/issue/{issueIdOrKey}/worklog/{id}", "delete_worklog"),
)

OPERATIONS = OperationTable(
    served=SERVED,
    left_out=LEFT_OUT,
    extra=[
        *V2_OPERATIONS,
        *(Operation("POST", prefix + "/search/jql", "search_issues") for prefix in (API, API_V2)),
        *(
            Operation(method, prefix + path, handler, complete=False)
            for method, path, handler in WRITES
            for prefix in (API, API_V2)
        ),
    ],
)


def v3_path(path: str) -> str:
    """The ``/rest/api/3`` template of a ``/rest/api/2`` one (others unchanged)."""
    return API + path[len(API_V2) :] if path.startswith(API_V2 + "/") else path
