"""Valid sample requests for every emulator: credentials, a real id for every URL variable,
and the query parameters a route needs to answer 200 (shared by the emulator-wide tests)."""

from __future__ import annotations

import base64
from typing import Any

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from brainhub.sandbox.services.asana.app import sync_token
from brainhub.sandbox.services.notion.render import data_source_id as notion_data_source_id
from tests.support.asana_conformance import real_ids as asana_real_ids
from tests.support.jira_conformance import real_ids as jira_real_ids
from tests.support.microsoft365_reference import microsoft365_token


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def auth(emulator: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(headers, query) that authenticate with ``emulator``."""
    creds = emulator.credentials
    service = emulator.service
    if service == "clickup":
        return {"Authorization": creds["api_token"]}, {}
    if service in ("jira", "confluence"):
        return {"Authorization": _basic(creds["email"], creds["api_token"])}, {}
    if service == "trello":
        return {}, {"key": creds["api_key"], "token": creds["api_token"]}
    if service == "discord":
        return {"Authorization": f"Bot {creds['bot_token']}"}, {}
    if service == "google-workspace":
        return {"Authorization": f"Bearer {emulator.access_token()}"}, {}
    if service == "microsoft365":
        return {"Authorization": f"Bearer {microsoft365_token(emulator)}"}, {}
    token = creds.get("api_token") or creds["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    if service == "notion":
        headers["Notion-Version"] = "2022-06-28"
    return headers, {}


#: The ids of webhook subscriptions (the seeded data has none: deleting one answers 404).
WEBHOOK_IDS = {"webhook_id": "1", "hook_id": "1", "webhook_gid": "1"}


def path_values(emulator: Any) -> dict[str, Any]:
    """A valid value for every URL variable (by name, or by name and the segment before)."""
    return {**WEBHOOK_IDS, **_seeded_path_values(emulator)}


def _seeded_path_values(emulator: Any) -> dict[str, Any]:
    service = emulator.service
    if service == "clickup":
        tree = emulator.data.tree
        space = next(s for s in tree.spaces if not s.archived and s.folders)
        task_list = space.folders[0].lists[0]
        task = emulator.data.list_tasks(task_list).tasks[0]
        commented = next(t for t in emulator.data.list_tasks(task_list).tasks if t.comments)
        return {
            "team_id": tree.team_id,
            "space_id": space.id,
            "folder_id": space.folders[0].id,
            "list_id": task_list.id,
            "task_id": task.id,
            "user_id": tree.users[0].id,
            "goal_id": tree.goals[0]["id"],
            "timer_id": tree.time_entries[0].id,
            "view_id": "3c-1",
            "comment_id": commented.comments[0].id,
            "field_id": task_list.fields[0].id,
            "tag_name": space.tags[0]["name"],
        }
    if service == "github":
        repo = next(r for r in emulator.data.repos if r.releases and r.comments)
        return {
            "org": "octo-sandbox",
            "username": "octo-sandbox",
            "owner": "octo-sandbox",
            "repo": repo.name,
            "issue_number": 1,
            "pull_number": next(i.number for i in repo.issues if i.is_pull),
            "comment_id": repo.comments[0].id,
            "release_id": repo.releases[0].id,
            "team_slug": "core",
            "ref": "main",
            "run_id": 1,
            "name": "bug",
        }
    if service == "gitlab":
        project = emulator.data.projects[0]
        noted = next(i for i in project.issues if i["user_notes_count"])
        readme = emulator.data.files(project).file("README.md")
        unseeded = ("award_id", "deployment_id", "draft_note_id", "email_id", "environment_id")
        unseeded += ("event_id", "issue_link_id", "job_id", "key_id", "link_id", "version_id")
        return {
            # objects the store does not model: any id is answered from GitLab's shapes
            **dict.fromkeys((*unseeded, "pipeline_schedule_id", "snippet_id"), 1),
            "id": {
                "projects": project.id,
                "users": emulator.data.users[0]["id"],
                "groups": emulator.data.group()["id"],
                "snippets": 1,
                "topics": 1,
                "namespaces": 1,
            },
            "user_id": emulator.data.users[0]["id"],
            "issue_iid": noted["iid"],
            "eventable_id": {
                "issues": noted["iid"],
                "merge_requests": project.merge_requests[0]["iid"],
            },
            "note_id": project.notes[("issues", noted["iid"])][0]["id"],
            "merge_request_iid": project.merge_requests[0]["iid"],
            "sha": {"commits": project.commits[0]["id"], "blobs": readme.sha},
            "branch": "main",
            "name": "main",
            "ref": "main",
            "slug": "home",
            "file_path": "README.md",
            "pipeline_id": project.pipelines[0]["id"],
            "tag_name": project.releases[0]["tag_name"],
            "milestone_id": project.milestones[0]["id"],
            "hook_id": 1001,
        }
    if service == "bitbucket":
        repo = next(r for r in emulator.data.repositories.values() if r.record["has_issues"])
        # comment ids count per repository and kind: both first comments are number 1
        pull = next(p for p in repo.pull_requests if repo.pr_comments.get(p["id"]))
        issue = next(i for i in repo.issues if repo.issue_comments.get(i["id"]))
        pipeline = repo.pipelines[0]
        return {
            "workspace": repo.workspace,
            "repo_slug": repo.slug,
            "pull_request_id": pull["id"],
            "issue_id": issue["id"],
            "comment_id": 1,
            "commit": repo.commits[0]["hash"],
            "revision": repo.commits[-1]["hash"],
            "spec": f"{repo.commits[-1]['hash']}..{repo.commits[0]['hash']}",
            "name": "main",
            "pipeline_uuid": pipeline["uuid"],
            "step_uuid": "{5" + pipeline["uuid"][2:],
            "selected_user": emulator.data.users[0]["uuid"],
            "member": emulator.data.members[repo.workspace][0]["uuid"],
            "uid": "{00000000-0000-4000-8000-000000000001}",
            **dict.fromkeys(
                ("key", "component_id", "milestone_id", "version_id", "change_id", "task_id"), "1"
            ),
            "revspec": f"{repo.commits[-1]['hash']}..{repo.commits[0]['hash']}",
            "log_uuid": "{5" + pipeline["uuid"][2:],
            "project_key": repo.record["project"]["key"],
            "path": "README.md",
            "encoded_id": "kypj",
            "username": repo.workspace,
            "node_id": "a1b2c3d4e5f6",
            "deployment_uuid": "{00000000-0000-4000-8000-000000000002}",
            "environment_uuid": "{00000000-0000-4000-8000-000000000003}",
        }
    if service == "jira":
        real = jira_real_ids(emulator)
        by_segment = {"comment": real["commentId"], "worklog": real["worklogId"]}
        return {
            **real,
            # ``{id}`` names a different object after each segment (Jira's own naming)
            "id": {"issuetype": "10001", "priority": "1", "resolution": "10000", **by_segment}
            | dict.fromkeys(("attachment", "component", "dashboard", "filter"), "10000")
            | {"projectCategory": "10000", "role": "10002", "version": "10000"},
            "dashboardId": "10000",
            "entityId": real["projectIdOrKey"],
            "epicId": real["issueIdOrKey"],
            "epicIdOrKey": real["issueIdOrKey"],
            "fieldId": "summary",
            "filterId": "10000",
            "issueLinkTypeId": "10000",
            "itemId": "10000",
            "linkId": "10000",
            "permissionId": "10000",
            "projectTypeKey": "software",
            "propertyKey": "sample",
            "quickFilterId": "1",
            "statusId": "10000",
            "type": {"avatar": "project", "type": "project"},
        }
    if service == "asana":
        return asana_real_ids(emulator)
    if service == "discord":
        data = emulator.data
        guild_id = min(data.guilds, key=int)
        channel = data.text_channels(guild_id)[0]
        thread = data.threads(guild_id, archived=False)[0]
        hook = min(data.webhooks.values(), key=lambda h: int(h["id"]))
        written = next(
            (m for m in data.messages[hook["channel_id"]].values() if m.get("webhook_id")), None
        )
        member = next(m for m in data.members[guild_id].values() if not m["user"]["bot"])
        return {
            "guild_id": guild_id,
            "channel_id": {"channels": channel["id"], "stage-instances": channel["id"]},
            "thread_id": thread["id"],
            "user_id": member["user"]["id"],
            "message_id": (written or {}).get("id") or min(data.messages[channel["id"]], key=int),
            "role_id": data.roles[guild_id][1]["id"],
            "emoji_id": data.emojis[guild_id][0]["id"],
            "emoji_name": "shipit",
            "code": next(iter(data.invites)),
            "webhook_id": hook["id"],
            "webhook_token": hook["token"],
            **dict.fromkeys(
                (
                    "rule_id",
                    "guild_scheduled_event_id",
                    "guild_scheduled_event_exception_id",
                    "sticker_id",
                    "sound_id",
                    "answer_id",
                ),
                "1",
            ),
        }
    if service == "confluence":
        wiki = emulator.wiki
        page = next(iter(wiki.pages.values()))
        post = next(iter(wiki.blogposts.values()))
        comment = next(iter(wiki.comments))
        attachment = next(a for group in wiki.attachments.values() for a in group)["id"]
        # ``{id}`` names a different object after each segment
        return {
            "id": {
                "spaces": page["spaceId"],
                "pages": page["id"],
                "blogposts": post["id"],
                "footer-comments": comment,
                "labels": wiki.all_labels()[0]["id"],
                "attachments": attachment,
                # content the seeded site does not hold: any id is answered from v2's shapes
                **dict.fromkeys(
                    ("inline-comments", "tasks", "databases", "embeds", "folders", "whiteboards"),
                    "7",
                ),
            },
            "attachment_id": attachment,
            **dict.fromkeys(("database_id", "embed_id", "folder_id", "whiteboard_id"), "7"),
            "space_id": page["spaceId"],
            "page_id": page["id"],
            "blogpost_id": post["id"],
            "comment_id": comment,
            "version_number": "1",
            "property_id": wiki.properties[page["id"]][0]["id"],
        }
    if service == "notion":
        page = emulator.workspace.live_pages()[0]
        database_id = emulator.workspace.live_databases()[0].id
        return {
            "user_id": emulator.workspace.users[0]["id"],
            "database_id": database_id,
            "data_source_id": notion_data_source_id(database_id),
            "page_id": page["id"],
            "block_id": page["id"],
            "property_id": "title",
        }
    if service == "microsoft365":
        tenant = emulator.tenant
        uid = next(iter(tenant.collection("users")))
        folder = next(iter(tenant.collection("mail_folders", uid)))
        team = next(iter(tenant.collection("teams")))
        channel = next(iter(tenant.collection("channels", team)))
        return {
            "user_id": uid,
            "team_id": team,
            "channel_id": channel,
            "chat_message_id": next(iter(tenant.collection("channel_messages", team, channel))),
            "folder_id": folder,
            "message_id": next(iter(tenant.collection("messages", uid, folder))),
            "calendar_id": emulator.get_calendar(None, uid)["id"],
            "event_id": next(iter(tenant.collection("events", uid))),
            "drive_id": "b!" + uid.replace("-", ""),
            "item_id": next(iter(tenant.collection("drive_items", uid))),
            "chat_id": "19:chat@unq.gbl.spaces",
            "reply_id": "1",
            "attachment_id": "1",
            "group_id": team,
            "subscription_id": "1",
        }
    if service == "trello":
        store = emulator.store
        board = emulator.account.open_boards()[0]
        checklist = next(c for c in board.checklists if store.attachments[c["idCard"]])
        card = store.cards[checklist["idCard"]]
        reacted = next(iter(store.reactions))
        priority = store.board_fields[board.id][0]
        org_id = board.json["idOrganization"]
        mine = store.mine
        return {
            "member": "me",
            "board_id": board.id,
            "card_filter": "all",
            "list_filter": "all",
            "card_id": checklist["idCard"],
            "list_id": board.lists[0]["id"],
            "label_id": board.labels[0]["id"],
            "checklist_id": checklist["id"],
            "check_item_id": checklist["checkItems"][0]["id"],
            "action_id": reacted,
            "comment_id": reacted,
            "member_action_id": next(a["id"] for a in board.actions if "idMember" in a["data"]),
            "reaction_id": store.reactions[reacted][0]["id"],
            "attachment_id": store.attachments[card["id"]][0]["id"],
            "sticker_id": store.stickers[card["id"]][0]["id"],
            "custom_field_id": priority["id"],
            "option_id": priority["options"][0]["id"],
            "notification_id": next(n["id"] for n in mine["notifications"] if n["idMemberCreator"]),
            "org_id": org_id,
            "membership_id": store.org_memberships[org_id][0]["id"],
            "plugin_id": next(iter(store.plugins)),
            "channel": "email",
            "field": "id",
            "thing_id": {
                "boardBackgrounds": mine["boardBackgrounds"][0]["id"],
                "boardStars": mine["boardStars"][0]["id"],
                "customBoardBackgrounds": mine["customBoardBackgrounds"][0]["id"],
                "customEmoji": mine["customEmoji"][0]["id"],
                "customStickers": mine["customStickers"][0]["id"],
                "savedSearches": mine["savedSearches"][0]["id"],
            },
        }
    if service == "google-workspace":
        return _google_workspace_values(emulator)
    return {}


def _google_workspace_values(emulator: Any) -> dict[str, Any]:
    space = emulator.space
    calendar_id = space.calendars[0]["id"]
    message_id = space.live_messages()[0]["id"]
    document_id = next(iter(space.documents))

    def listed(listing: str, field: str) -> str:
        """The first id of a shaped listing (asked directly: faults may be on)."""
        request = Request(EnvironBuilder(path=listing.replace("{userId}", "me")).get_environ())
        values = {"userId": "me"} if "{userId}" in listing else {}
        return str(emulator.shaped(request, f"GET {listing}", values)[field][0]["id"])

    return {
        "calendarId": calendar_id,
        "eventId": space.live_events(calendar_id)[0]["id"],
        "userId": "me",
        "id": {"messages": message_id, "labels": "INBOX", "threads": message_id,
               "drafts": listed("/gmail/v1/users/{userId}/drafts", "drafts"), "attachments": "a1", "smimeInfo": "s1", "filters": "f1"},
        "messageId": message_id,
        "fileId": document_id,
        "documentId": document_id,
        "driveId": listed("/drive/v3/drives", "drives"),
        **dict.fromkeys(("ruleId", "permissionId", "commentId", "replyId", "revisionId", "proposalId", "approvalId", "name"), "1"),
    }  # fmt: skip


def required_query(emulator: Any) -> dict[str, dict[str, str]]:
    """Query parameters some routes need to answer 200 at all (by rule)."""
    service = emulator.service
    if service == "asana":
        workspace = emulator.org.workspace["gid"]
        project = emulator.org.projects[0]["gid"]
        return {
            "/users": {"workspace": workspace},
            "/projects": {"workspace": workspace},
            "/tasks": {"project": project},
            "/webhooks": {"workspace": workspace},
            "/events": {"resource": project, "sync": sync_token(project, emulator.now())},
        }
    if service == "clickup":
        tree = emulator.data.tree
        task = emulator.data.list_tasks(tree.lists[0]).tasks[0]
        return {
            "/task/bulk_time_in_status/task_ids": {"task_ids": task.id},
            "/group": {"team_id": tree.team_id},
            "/team/<team_id>/taskTemplate": {"page": "0"},
        }
    if service == "bitbucket":
        return {
            f"/{owner}/search/code": {"search_query": "main"}
            for owner in ("workspaces/<workspace>", "teams/<username>", "users/<selected_user>")
        }
    if service == "github":
        return {
            "/search/issues": {"q": "is:issue"},
            "/search/repositories": {"q": "org:octo-sandbox"},
        }
    if service == "gitlab":
        project = "/projects/<id>/repository"
        files = [f"{project}/files/<{kind}file_path>" for kind in ("", "path:")]
        return {
            "/avatar": {"email": "ada1@example.com"},
            f"{project}/changelog": {"version": "1.0.0"},
            f"{project}/merge_base": {"refs": "main"},
            f"{project}/compare": {"from": "main", "to": "develop"},
            **{f"{path}{end}": {"ref": "main"} for path in files for end in ("", "/raw", "/blame")},
        }
    if service == "notion":
        return {"/comments": {"block_id": emulator.workspace.live_pages()[0]["id"]}}
    if service == "discord":
        return {"/guilds/<guild_id>/members/search": {"query": "a"}}
    if service == "trello":
        board = emulator.account.open_boards()[0]
        return {
            "/search": {"query": "review"},
            "/search/members/": {"query": "a"},
            "/batch": {"urls": f"/boards/{board.id},/members/me"},
        }
    if service == "jira":
        real = jira_real_ids(emulator)
        bounded = {"jql": "project IS NOT EMPTY ORDER BY key"}
        account = {"accountId": real["accountId"]}
        needs = {
            "/search/jql": bounded,
            "/search": bounded,
            "/mypreferences": {"key": "jira.user.locale"},
            "/user": account,
            "/user/bulk": account,
            "/user/groups": account,
            "/user/search/query": {"query": "is assignee of " + real["projectIdOrKey"]},
            "/user/search/query/key": {"query": "is assignee of " + real["projectIdOrKey"]},
            "/user/picker": {"query": "a"},
            "/groupuserpicker": {"query": "a"},
            "/projects/fields": {"projectId": real["projectId"], "workTypeId": "10001"},
            "/issuetype/project": {"projectId": real["projectId"]},
            "/statuses": {"id": "10000"},
            "/statuses/byNames": {"name": "To Do", "projectId": real["projectId"]},
        }
        return {f"/rest/api/{v}{path}": query for v in (2, 3) for path, query in needs.items()}
    if service == "google-workspace":
        history = str(emulator.space.history_id)
        return {
            "/gmail/v1/users/<userId>/history": {"startHistoryId": history},
            "/drive/v3/changes": {"pageToken": "1"},
        }
    if service == "microsoft365":
        window = {"startDateTime": "2020-01-01T00:00:00Z", "endDateTime": "2030-01-01T00:00:00Z"}
        return dict.fromkeys(
            (
                "/users/<user_id>/calendarView",
                "/users/<user_id>/calendarView/delta",
                "/users/<user_id>/calendars/<calendar_id>/calendarView",
                "/users/<user_id>/calendars/<calendar_id>/calendarView/delta",
                "/users/<user_id>/events/<event_id>/instances",
            ),
            window,
        )
    if service == "slack":
        channel = next(c for c in emulator.workspace.channels if c.readable and c.replies)
        thread = next(iter(channel.replies))
        return {
            "/conversations.history": {"channel": channel.id},
            "/conversations.replies": {"channel": channel.id, "ts": thread},
        }
    return {}


def fill(rule: str, values: dict[str, Any], odd: tuple[str, str] | None = None) -> str:
    """``/team/<team_id>/space`` with each variable replaced (``odd``: one name, one value)."""
    parts = []
    previous = ""
    for segment in rule.split("/"):
        if segment.startswith("<") and segment.endswith(">"):
            name = segment[1:-1].split(":")[-1]
            value = values[name]
            if isinstance(value, dict):
                value = value[previous]
            if odd is not None and odd[0] == name:
                value = odd[1]
            segment = str(value)
        parts.append(segment)
        previous = segment
    return "/".join(parts)


#: Routes no request can answer with success on the seeded data, by service, with why. The
#: fuzz test still sends them every odd input; their sample answer must be a 4xx.
NO_SAMPLE: dict[str, dict[str, str]] = {
    "discord": {
        "/bans/<user_id>": "nobody is banned from the seeded guilds",
        "/thread-members": "the sample channel is a text channel, not a thread",
        "/thread-members/<user_id>": "the sample channel is a text channel, not a thread",
        "/messages/<message_id>": "the sample message was not sent through the webhook",
        "/messages/@original": "only interaction webhooks have an original message",
    },
    "confluence": {
        "/blogposts/<blogpost_id>/properties/<property_id>": "content property ids are unique "
        "site-wide and the sample names a page's property",
    },
    "gitlab": {
        "/merge_requests/<merge_request_iid>/notes/<note_id>": (
            "the sample note id belongs to an issue (note ids are instance-wide)"
        ),
    },
    "google-workspace": {
        "/operations/<name>": "the sandbox starts no long-running operations",
    },
    "jira": {
        "/properties/<propertyKey>": "entity properties are app data; the seeded site has none",
        "/epic/<epicId>/issue": "the seeded site has no epics (Task, Bug and Story only)",
        "/epic/<epicIdOrKey>": "the seeded site has no epics (Task, Bug and Story only)",
        "/epic/<epicIdOrKey>/issue": "the seeded site has no epics (Task, Bug and Story only)",
        "/items/<itemId>/properties": "dashboard gadgets are not seeded",
        "/remotelink/<linkId>": "no issue of the seeded site has remote links",
    },
}


def without_sample(service: str, rule: str) -> str | None:
    """Why ``rule`` has no successful sample request (``None``: it has one)."""
    for ending, reason in NO_SAMPLE.get(service, {}).items():
        if rule.endswith(ending):
            return reason
    return None
