"""Every Web API method Slack documents as a GET: served, or left out with the reason.

Paths are the document's (``/conversations.list``; the base path is ``/api``);
``surface.json`` holds the derived table and a test compares this one with Slack's
document. Handlers are methods of :class:`~.app.SlackEmulator`; ``SHAPED`` methods answer
from the documented response shape, with the workspace's ids. Slack takes every method as
POST too (form-encoded or JSON body; its SDKs post most calls), so each served method is
also routed for POST (:data:`POSTED`).

Left out: what a bot token of one ordinary workspace cannot read. The ``admin.*`` methods
need an Enterprise Grid org and an admin's user token; ``apps.*`` manage app installs and
permissions; the OAuth and migration exchanges trade secrets; ``rtm.connect`` opens a
socket; ``dialog.open``, ``views.*``, ``workflows.*``, ``files.remote.share`` and
``auth.revoke`` are writes the document lists with GET.

Writes (:data:`WRITES`, routed as extra operations: Slack's document lists them as POST
methods, outside the read surface): ``chat.postMessage``, ``chat.update``,
``chat.delete``, ``reactions.add`` and ``reactions.remove``, as the document describes
their arguments, answers and errors (see :mod:`.messages`).
"""

from __future__ import annotations

from brainhub.sandbox.kit import SHAPED, LeftOut, Operation, OperationTable

_ADMIN = "admin.* needs an Enterprise Grid org and an org admin's user token"
_APPS = "apps.* manages app installations and permissions, not workspace data"
_WRITE = "a write (needs a trigger or changes state); the document lists it as GET"

_HANDLED = {
    "api.test": "api_test",
    "auth.test": "auth_test",
    "bots.info": "bots_info",
    "chat.getPermalink": "chat_get_permalink",
    "conversations.history": "conversations_history",
    "conversations.info": "conversations_info",
    "conversations.list": "conversations_list",
    "conversations.members": "conversations_members",
    "conversations.replies": "conversations_replies",
    "dnd.info": "dnd_info",
    "emoji.list": "emoji_list",
    "pins.list": "pins_list",
    "reactions.get": "reactions_get",
    "reactions.list": "reactions_list",
    "search.messages": "search_messages",
    "team.info": "team_info",
    "usergroups.list": "usergroups_list",
    "usergroups.users.list": "usergroups_users_list",
    "users.conversations": "users_conversations",
    "users.getPresence": "users_get_presence",
    "users.info": "users_info",
    "users.list": "users_list",
    "users.lookupByEmail": "users_lookup_by_email",
    "users.profile.get": "users_profile_get",
}
#: Answers sent as modelled: users and conversations are completed once when the workspace
#: is built (``completion.py``), so that every method answers the same object; a message's
#: thread fields are only present on thread parents and replies, so history and replies
#: are not completed at all; api.test and emoji.list have no documented fields to add.
_AS_MODELLED = {
    "conversations.history",
    "conversations.replies",
    "conversations.list",
    "conversations.info",
    "users.conversations",
    "users.list",
    "users.info",
    "users.lookupByEmail",
    "users.profile.get",
    "reactions.get",
    "reactions.list",
    "api.test",
    "emoji.list",
}
_SHAPED = (
    "calls.info",
    "chat.scheduledMessages.list",
    "dnd.teamInfo",
    "files.info",
    "files.list",
    "files.remote.info",
    "files.remote.list",
    "reminders.info",
    "reminders.list",
    "stars.list",
    "team.accessLogs",
    "team.billableInfo",
    "team.integrationLogs",
    "team.profile.get",
    # Sign in with Slack's identity of the token's user (identity.* user tokens)
    "users.identity",
)

_LEFT_OUT = {
    **dict.fromkeys(
        (
            "admin.apps.approved.list",
            "admin.apps.requests.list",
            "admin.apps.restricted.list",
            "admin.conversations.ekm.listOriginalConnectedChannelInfo",
            "admin.conversations.getConversationPrefs",
            "admin.conversations.getTeams",
            "admin.conversations.restrictAccess.listGroups",
            "admin.conversations.search",
            "admin.emoji.list",
            "admin.inviteRequests.approved.list",
            "admin.inviteRequests.denied.list",
            "admin.inviteRequests.list",
            "admin.teams.admins.list",
            "admin.teams.list",
            "admin.teams.owners.list",
            "admin.teams.settings.info",
            "admin.usergroups.listChannels",
            "admin.users.list",
        ),
        _ADMIN,
    ),
    **dict.fromkeys(
        (
            "apps.permissions.info",
            "apps.permissions.request",
            "apps.permissions.resources.list",
            "apps.permissions.scopes.list",
            "apps.permissions.users.list",
            "apps.permissions.users.request",
            "apps.uninstall",
        ),
        _APPS,
    ),
    "apps.event.authorizations.list": "needs an app-level token (xapp-), not a bot token",
    "auth.revoke": _WRITE,
    "dialog.open": _WRITE,
    "files.remote.share": _WRITE,
    "views.open": _WRITE,
    "views.publish": _WRITE,
    "views.push": _WRITE,
    "views.update": _WRITE,
    "workflows.stepCompleted": _WRITE,
    "workflows.stepFailed": _WRITE,
    "workflows.updateStep": _WRITE,
    "migration.exchange": "Enterprise Grid migration of user ids",
    "oauth.access": "OAuth code exchange: needs the app's client secret",
    "oauth.token": "OAuth code exchange: needs the app's client secret",
    "oauth.v2.access": "OAuth code exchange: needs the app's client secret",
    "rtm.connect": "opens a real-time messaging websocket, not a read of workspace data",
}


def _served(name: str, handler: str) -> Operation:
    return Operation("GET", f"/{name}", handler, complete=name not in _AS_MODELLED)


#: Every served method also answers POST, with the same handler.
SERVED = [
    *(_served(name, handler) for name, handler in _HANDLED.items()),
    *(_served(name, SHAPED) for name in _SHAPED),
]
POSTED = [Operation("POST", op.path, op.handler, complete=op.complete) for op in SERVED]

#: The write methods, answered as sent (their answers are not part of the read surface).
WRITES = [
    Operation("POST", f"/{name}", handler, complete=False)
    for name, handler in (
        ("chat.postMessage", "chat_post_message"),
        ("chat.update", "chat_update"),
        ("chat.delete", "chat_delete"),
        ("reactions.add", "reactions_add"),
        ("reactions.remove", "reactions_remove"),
    )
]

OPERATIONS = OperationTable(
    served=sorted(SERVED, key=lambda op: op.path),
    left_out=[LeftOut("GET", f"/{name}", reason) for name, reason in sorted(_LEFT_OUT.items())],
    extra=[*POSTED, *WRITES],
)
