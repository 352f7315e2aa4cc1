"""Handlers for the site's catalogue: server info, people, projects, fields, issue types,
priorities, resolutions, statuses and labels (the objects issues refer to)."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from brainhub.sandbox.services.jira import errors, render
from brainhub.sandbox.services.jira.core import JiraCore
from brainhub.sandbox.services.jira.dataset import ISSUE_TYPES, PRIORITIES, STATUSES, User
from brainhub.sandbox.services.jira.fields import FIELDS
from brainhub.sandbox.services.jira.sizes import BASE_S, jira_time

RESOLUTIONS = (("10000", "Done", "Work has been done on this issue."),)
CATEGORIES = ("new", "indeterminate", "done")
#: The caller's preferences, by the keys Jira documents for ``GET /mypreferences``; values
#: are strings, as Jira answers them.
MY_PREFERENCES = {
    "user.notifications.mimetype": "html",
    "user.notify.own.changes": "false",
    "user.default.share.private": "true",
    "user.keyboard.shortcuts.disabled": "false",
    "user.autowatch.disabled": "false",
    "jira.user.locale": "en_US",
    "jira.user.timezone": "UTC",
}
USER_NOT_FOUND = "Specified user does not exist or you do not have required permissions"


class CatalogHandlers(JiraCore):
    """The catalogue handlers of :class:`~.app.JiraEmulator`."""

    # ------------------------------------------------------------------ site and caller

    def server_info(self, request: Request) -> dict[str, Any]:
        return {
            "baseUrl": render.SITE,
            "displayUrl": render.SITE,
            "version": "1001.0.0-SNAPSHOT",
            "versionNumbers": [1001, 0, 0],
            "deploymentType": "Cloud",
            "buildNumber": 100295,
            "buildDate": jira_time(BASE_S - 86_400),
            "serverTime": jira_time(BASE_S + 600 * self.generation),
            "scmInfo": "57a0ca5b06c1d5f0d9d1c5a7e8a1b2c3d4e5f607",
            "serverTitle": "Jira",
            "serverTimeZone": "Etc/UTC",
        }

    def myself(self, request: Request) -> dict[str, Any]:
        return render.user(self.data.users[0], full=True)

    def my_preference(self, request: Request) -> Any:
        key = request.args.get("key", "")
        if key not in MY_PREFERENCES:
            return self.error(404, f"Preference with key '{key}' does not exist.")
        return MY_PREFERENCES[key]

    def my_locale(self, request: Request) -> dict[str, Any]:
        return {"locale": "en_US"}

    # ------------------------------------------------------------------ people

    def _user_by_account(self, account_id: str) -> User:
        for person in self.data.users:
            if person.account_id == account_id:
                return person
        raise errors.failure(404, USER_NOT_FOUND)

    def get_user(self, request: Request) -> dict[str, Any]:
        return render.user(self._user_by_account(request.args.get("accountId", "")), full=True)

    def users_bulk(self, request: Request) -> Any:
        wanted = request.args.getlist("accountId")
        if not wanted:
            return self.missing_query_response("accountId")
        found = [p for p in self.data.users if p.account_id in wanted]
        return self.page_bean(
            request, found, lambda p: render.user(p, full=True), default=10, cap=200
        )

    def all_users(self, request: Request) -> list[Any]:
        start, size = self.window(request, 50, 1000)
        return [render.user(p, full=True) for p in self.data.users[start : start + size]]

    def search_users(self, request: Request) -> list[Any]:
        return self.all_users(request)

    def find_users(self, request: Request) -> list[Any]:
        query = (request.args.get("query") or "").lower()
        account = request.args.get("accountId")
        found = [
            p
            for p in self.data.users
            if (not query or query in p.display_name.lower() or query in p.email.lower())
            and (not account or p.account_id == account)
        ]
        start, size = self.window(request, 50, 1000)
        return [render.user(p, full=True) for p in found[start : start + size]]

    def user_property_keys(self, request: Request) -> dict[str, Any]:
        self._user_by_account(request.args.get("accountId") or self.data.users[0].account_id)
        return {"keys": []}

    def user_property(self, request: Request, propertyKey: str) -> Any:  # noqa: N803
        self._user_by_account(request.args.get("accountId") or self.data.users[0].account_id)
        raise errors.property_not_found(propertyKey)

    # ------------------------------------------------------------------ projects

    def _project_full(self, index: int) -> dict[str, Any]:
        project = self.data.projects[index]
        body = render.project(project)
        body.update(
            description=f"{project.name} work, planned on the {project.key} board.",
            lead=render.user(self.data.users[project.lead]),
            issueTypes=[self._issue_type(i) for i in range(len(ISSUE_TYPES))],
            components=[],
            versions=[],
            roles={},
            assigneeType="UNASSIGNED",
            url=f"{render.SITE}/browse/{project.key}",
            email="",
            archived=False,
            deleted=False,
            isPrivate=False,
        )
        return body

    def all_projects(self, request: Request) -> list[Any]:
        return [self._project_full(i) for i in range(len(self.data.projects))]

    def recent_projects(self, request: Request) -> list[Any]:
        return self.all_projects(request)[:20]

    def search_projects(self, request: Request) -> dict[str, Any]:
        keys = {k.strip().upper() for k in request.args.get("keys", "").split(",") if k.strip()}
        query = (request.args.get("query") or "").lower()
        projects = sorted(
            (
                p
                for p in self.data.projects
                if (not keys or p.key in keys)
                and (not query or query in p.key.lower() or query in p.name.lower())
            ),
            key=lambda p: p.key,
        )
        page = self.page_bean(request, projects, render.project, default=50, cap=100)
        base = f"{render.API}/project/search"
        page["self"] = f"{base}?startAt={page['startAt']}&maxResults={page['maxResults']}"
        if not page["isLast"]:
            following = page["startAt"] + page["maxResults"]
            page["nextPage"] = f"{base}?startAt={following}&maxResults={page['maxResults']}"
        return page

    def get_project(self, request: Request, projectIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        project = self.find_project(projectIdOrKey)
        return self._project_full(self.data.projects.index(project))

    def project_statuses(self, request: Request, projectIdOrKey: str) -> list[Any]:  # noqa: N803
        self.find_project(projectIdOrKey)
        return [
            {
                "self": f"{render.API}/issuetype/{type_id}",
                "id": type_id,
                "name": name,
                "subtask": False,
                "statuses": [render.status(i) for i in range(len(STATUSES))],
            }
            for type_id, name in ISSUE_TYPES
        ]

    def project_property_keys(self, request: Request, projectIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        self.find_project(projectIdOrKey)
        return {"keys": []}

    def project_property(self, request: Request, projectIdOrKey: str, propertyKey: str) -> Any:  # noqa: N803
        self.find_project(projectIdOrKey)
        raise errors.property_not_found(propertyKey)

    # ------------------------------------------------------------------ fields and types

    def all_fields(self, request: Request) -> list[Any]:
        return [field.bean() for field in FIELDS]

    def _issue_type(self, index: int) -> dict[str, Any]:
        type_id, name = ISSUE_TYPES[index]
        return {
            "self": f"{render.API}/issuetype/{type_id}",
            "id": type_id,
            "description": f"A {name.lower()} to work on.",
            "iconUrl": f"{render.SITE}/images/icons/issuetypes/{name.lower()}.svg",
            "name": name,
            "subtask": False,
            "avatarId": 10300 + index,
            "hierarchyLevel": 0,
        }

    def _find_issue_type(self, type_id: str) -> int:
        for index, (known, _) in enumerate(ISSUE_TYPES):
            if known == type_id:
                return index
        raise errors.failure(404, "The issue type with id '" + type_id + "' does not exist.")

    def all_issue_types(self, request: Request) -> list[Any]:
        return [self._issue_type(i) for i in range(len(ISSUE_TYPES))]

    def project_issue_types(self, request: Request) -> Any:
        project_id = request.args.get("projectId")
        if not project_id:
            return self.missing_query_response("projectId")
        self.find_project(project_id)
        return self.all_issue_types(request)

    def get_issue_type(self, request: Request, id: str) -> dict[str, Any]:
        return self._issue_type(self._find_issue_type(id))

    def issue_type_alternatives(self, request: Request, id: str) -> list[Any]:
        index = self._find_issue_type(id)
        return [self._issue_type(i) for i in range(len(ISSUE_TYPES)) if i != index]

    def issue_type_property_keys(self, request: Request, issueTypeId: str) -> dict[str, Any]:  # noqa: N803
        self._find_issue_type(issueTypeId)
        return {"keys": []}

    def issue_type_property(self, request: Request, issueTypeId: str, propertyKey: str) -> Any:  # noqa: N803
        self._find_issue_type(issueTypeId)
        raise errors.property_not_found(propertyKey)

    # ------------------------------------------------------------------ priorities

    def _priority(self, index: int) -> dict[str, Any]:
        priority_id, name = PRIORITIES[index]
        return {
            "self": f"{render.API}/priority/{priority_id}",
            "statusColor": ("#d04437", "#f15C75", "#f79232", "#707070")[index % 4],
            "description": f"{name} priority.",
            "iconUrl": f"{render.SITE}/images/icons/priorities/{name.lower()}.svg",
            "name": name,
            "id": priority_id,
            "isDefault": name == "Medium",
        }

    def all_priorities(self, request: Request) -> list[Any]:
        return [self._priority(i) for i in range(len(PRIORITIES))]

    def search_priorities(self, request: Request) -> dict[str, Any]:
        ids = set(request.args.getlist("id"))
        chosen = [i for i, (pid, _) in enumerate(PRIORITIES) if not ids or pid in ids]
        return self.page_bean(request, chosen, self._priority, default=50, cap=50, lenient=True)

    def get_priority(self, request: Request, id: str) -> dict[str, Any]:
        for index, (known, _) in enumerate(PRIORITIES):
            if known == id:
                return self._priority(index)
        raise errors.failure(404, f"The priority with id '{id}' does not exist.")

    # ------------------------------------------------------------------ resolutions

    def _resolution(self, index: int) -> dict[str, Any]:
        resolution_id, name, description = RESOLUTIONS[index]
        return {
            "self": f"{render.API}/resolution/{resolution_id}",
            "id": resolution_id,
            "name": name,
            "description": description,
        }

    def all_resolutions(self, request: Request) -> list[Any]:
        return [self._resolution(i) for i in range(len(RESOLUTIONS))]

    def search_resolutions(self, request: Request) -> dict[str, Any]:
        chosen = list(range(len(RESOLUTIONS)))
        return self.page_bean(request, chosen, self._resolution, default=50, cap=50, lenient=True)

    def get_resolution(self, request: Request, id: str) -> dict[str, Any]:
        for index, (known, _, _) in enumerate(RESOLUTIONS):
            if known == id:
                return self._resolution(index)
        raise errors.failure(404, f"The resolution with id '{id}' does not exist.")

    # ------------------------------------------------------------------ statuses

    def all_statuses(self, request: Request) -> list[Any]:
        return [render.status(i) for i in range(len(STATUSES))]

    def get_status(self, request: Request, idOrName: str) -> dict[str, Any]:  # noqa: N803
        for index, (status_id, name, _) in enumerate(STATUSES):
            if idOrName in (status_id, name) or idOrName.lower() == name.lower():
                return render.status(index)
        raise errors.failure(404, f"The status with id '{idOrName}' does not exist.")

    def _category(self, key: str) -> dict[str, Any]:
        return render.status_category(key)

    def all_status_categories(self, request: Request) -> list[Any]:
        return [self._category(key) for key in ("undefined", *CATEGORIES)]

    def get_status_category(self, request: Request, idOrKey: str) -> dict[str, Any]:  # noqa: N803
        for key in ("undefined", *CATEGORIES):
            category = self._category(key)
            if idOrKey in (str(category["id"]), key):
                return category
        raise errors.failure(404, f"The status category with id '{idOrKey}' does not exist.")

    # ------------------------------------------------------------------ labels

    def all_labels(self, request: Request) -> dict[str, Any]:
        labels = sorted({label for issue in self.data.issues() for label in issue.labels})
        return self.page_bean(request, labels, lambda label: label, default=1000, cap=1000)
