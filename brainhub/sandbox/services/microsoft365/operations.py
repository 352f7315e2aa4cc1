"""Microsoft Graph's documented GET operations for users, Teams, Outlook and OneDrive.

In scope, by path family: ``/users`` (and each user's mail folders, messages, calendars,
events, calendar view, joined teams, chats and drives), ``/teams`` (channels, members,
messages, replies), ``/chats``, ``/drives`` and ``/groups/{id}/drive``. The reference
document is the v1.0 subset for those families; Graph's administration, security, Intune,
reports and the other workloads are not part of it (and not of this connector).

Handlers serve the objects the connector reads with Graph's paging, query options and delta
links; ``SHAPED`` operations answer from the documented response shape.
"""

from __future__ import annotations

from brainhub.sandbox.kit import SHAPED, LeftOut, Operation, OperationTable

_SERVED = [
    # directory
    ("/users", "list_users"),
    ("/users/{user_id}", "get_user"),
    ("/users/delta", "users_delta"),
    # Teams
    ("/teams", "list_teams"),
    ("/teams/{team_id}", "get_team"),
    ("/users/{user_id}/joinedTeams", "joined_teams"),
    ("/teams/{team_id}/channels", "list_channels"),
    ("/teams/{team_id}/allChannels", "list_channels"),
    ("/teams/{team_id}/primaryChannel", "primary_channel"),
    ("/teams/{team_id}/channels/{channel_id}", "get_channel"),
    ("/teams/{team_id}/channels/{channel_id}/messages", "list_channel_messages"),
    ("/teams/{team_id}/channels/{channel_id}/messages/delta", "channel_messages_delta"),
    ("/teams/{team_id}/channels/{channel_id}/messages/{chat_message_id}", "get_channel_message"),
    ("/teams/{team_id}/channels/{channel_id}/messages/{chat_message_id}/replies", "list_replies"),
    (
        "/teams/{team_id}/channels/{channel_id}/messages/{chat_message_id}/replies/delta",
        "replies_delta",
    ),
    ("/teams/{team_id}/channels/getAllMessages", "team_all_messages"),
    ("/teams/getAllMessages", "all_team_messages"),
    # Outlook mail
    ("/users/{user_id}/mailFolders", "list_mail_folders"),
    ("/users/{user_id}/mailFolders/delta", "mail_folders_delta"),
    ("/users/{user_id}/mailFolders/{folder_id}", "get_mail_folder"),
    ("/users/{user_id}/mailFolders/{folder_id}/childFolders", "child_folders"),
    ("/users/{user_id}/mailFolders/{folder_id}/messages", "list_folder_messages"),
    ("/users/{user_id}/mailFolders/{folder_id}/messages/delta", "folder_messages_delta"),
    ("/users/{user_id}/mailFolders/{folder_id}/messages/{message_id}", "get_folder_message"),
    ("/users/{user_id}/messages", "list_user_messages"),
    ("/users/{user_id}/messages/delta", "user_messages_delta"),
    ("/users/{user_id}/messages/{message_id}", "get_user_message"),
    # Outlook calendar
    ("/users/{user_id}/calendar", "get_calendar"),
    ("/users/{user_id}/calendars", "list_calendars"),
    ("/users/{user_id}/calendars/{calendar_id}", "get_calendar_by_id"),
    ("/users/{user_id}/calendar/events", "list_events"),
    ("/users/{user_id}/calendars/{calendar_id}/events", "list_calendar_events"),
    ("/users/{user_id}/calendars/{calendar_id}/events/{event_id}", "get_calendar_event"),
    ("/users/{user_id}/calendars/{calendar_id}/events/delta", "calendar_events_delta"),
    ("/users/{user_id}/calendars/{calendar_id}/calendarView", "calendar_view_of"),
    ("/users/{user_id}/calendars/{calendar_id}/calendarView/delta", "calendar_view_delta_of"),
    ("/users/{user_id}/events", "list_events"),
    ("/users/{user_id}/events/delta", "events_delta"),
    ("/users/{user_id}/events/{event_id}", "get_event"),
    ("/users/{user_id}/events/{event_id}/instances", "event_instances"),
    ("/users/{user_id}/calendarView", "calendar_view"),
    ("/users/{user_id}/calendarView/delta", "calendar_view_delta"),
    ("/users/{user_id}/calendarView/{event_id}", "get_event"),
    # OneDrive / SharePoint files
    ("/drives", "list_drives"),
    ("/users/{user_id}/drive", "user_drive"),
    ("/users/{user_id}/drives", "user_drives"),
    ("/drives/{drive_id}", "get_drive"),
    ("/drives/{drive_id}/root", "drive_root"),
    ("/drives/{drive_id}/root/children", "drive_children"),
    ("/drives/{drive_id}/root/delta", "drive_delta"),
    ("/drives/{drive_id}/items", "drive_children"),
    ("/drives/{drive_id}/items/{item_id}", "get_drive_item"),
    ("/drives/{drive_id}/items/{item_id}/children", "item_children"),
    ("/drives/{drive_id}/items/{item_id}/delta", "item_delta"),
]

#: Documented operations answered from their response shape (the connector reads none).
_SHAPED = [
    "/chats",
    "/chats/{chat_id}",
    "/chats/{chat_id}/members",
    "/chats/{chat_id}/messages",
    "/chats/{chat_id}/messages/{chat_message_id}",
    "/chats/{chat_id}/messages/delta",
    "/chats/getAllMessages",
    "/users/{user_id}/chats",
    "/teams/{team_id}/members",
    "/teams/{team_id}/channels/{channel_id}/members",
    "/teams/{team_id}/channels/{channel_id}/messages/{chat_message_id}/replies/{reply_id}",
    "/users/{user_id}/messages/{message_id}/attachments",
    "/users/{user_id}/messages/{message_id}/attachments/{attachment_id}",
    "/drives/{drive_id}/items/{item_id}/permissions",
    "/groups/{group_id}/drive",
    "/subscriptions",
    "/subscriptions/{subscription_id}",
]

OPERATIONS = OperationTable(
    served=[
        # hand-modelled answers are Graph's objects as the seed made them: $select and delta
        # pages must not be completed with documented fields the request did not ask for
        *(Operation("GET", path, handler, complete=False) for path, handler in _SERVED),
        *(Operation("GET", path, SHAPED) for path in _SHAPED),
    ],
    left_out=[
        LeftOut(
            "GET",
            "/users/{user_id}/messages/{message_id}/$value",
            "a message's MIME source (RFC 822 text), not JSON; the connector reads messages",
        ),
        LeftOut(
            "GET",
            "/drives/{drive_id}/root/content",
            "file content downloads (a 302 to a pre-authenticated URL); metadata only here",
        ),
        LeftOut(
            "GET",
            "/drives/{drive_id}/items/{item_id}/content",
            "file content downloads (a 302 to a pre-authenticated URL); metadata only here",
        ),
        LeftOut(
            "GET",
            "/drives/{drive_id}/root/delta(token='{token}')",
            "the same delta function with the token in the path; this emulator's delta "
            "links carry it as $deltatoken, which Graph accepts too",
        ),
        LeftOut(
            "GET",
            "/drives/{drive_id}/items/{item_id}/delta(token='{token}')",
            "the same delta function with the token in the path; this emulator's delta "
            "links carry it as $deltatoken, which Graph accepts too",
        ),
    ],
    extra=[
        Operation(
            "POST", "/teams/{team_id}/channels/{channel_id}/messages", "post_channel_message"
        ),
        Operation("POST", "/users/{user_id}/events", "post_event"),
        Operation("POST", "/users/{user_id}/sendMail", "send_mail"),
    ],
)
