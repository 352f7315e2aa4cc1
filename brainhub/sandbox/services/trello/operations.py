"""Every GET operation of Trello's REST API (``/1``), served or left out.

Paths are the documented templates (``surface.json`` holds the derived table; a test
compares this one with Trello's document); path parameters carry our own names, which the
coverage report and the routing ignore. Handlers are methods of
:class:`~.emulator.TrelloEmulator`. Every answer is built from the seeded store, whose
objects already carry every documented field (see :mod:`.store`), so answers are not
completed again per request: that would undo ``fields=``.

Left out, with the reason: enterprise administration (the seeded account belongs to no
Enterprise), tokens and webhooks (administration of credentials, not data), workspace
exports and billable-guest checks (paid-workspace administration), application and Power-Up
compliance reports (for Power-Up vendors, not members).

Writes (:data:`WRITES`, routed as extra operations; Trello's document lists them, outside
the read surface): cards created, updated and deleted, comments on cards, check items
created and their state changed (see :mod:`.writes`). Their answers are Trello's: the
whole card, ``{"limits": {}}`` for a deletion, the ``commentCard`` action, the check item.
"""

from __future__ import annotations

from brainhub.sandbox.kit import LeftOut, Operation, OperationTable

ENTERPRISE = "Enterprise administration: the seeded account belongs to no Enterprise"
CREDENTIALS = "token and webhook administration concerns credentials, not board data"
PAID_ADMIN = "paid-workspace administration (exports, billing); the seeded workspaces are Standard"
COMPLIANCE = "compliance reports are for Power-Up and application vendors, not members"


def _get(path: str, handler: str) -> Operation:
    return Operation("GET", path, handler, complete=False)


def _write(method: str, path: str, handler: str) -> Operation:
    return Operation(method, path, handler, complete=False)


WRITES = [
    _write("POST", "/cards", "create_card"),
    _write("PUT", "/cards/{card_id}", "update_card"),
    _write("DELETE", "/cards/{card_id}", "delete_card"),
    _write("POST", "/cards/{card_id}/actions/comments", "add_comment"),
    _write("POST", "/checklists/{checklist_id}/checkItems", "create_check_item"),
    _write("PUT", "/cards/{card_id}/checkItem/{check_item_id}", "update_check_item"),
]


def _out(path: str, reason: str) -> LeftOut:
    return LeftOut("GET", path, reason)


OPERATIONS = OperationTable(
    served=[
        # Actions
        _get("/actions/{action_id}", "get_action"),
        _get("/actions/{action_id}/{field}", "action_field"),
        _get("/actions/{action_id}/board", "action_board"),
        _get("/actions/{action_id}/card", "action_card"),
        _get("/actions/{action_id}/list", "action_list"),
        _get("/actions/{member_action_id}/member", "action_member"),
        _get("/actions/{action_id}/memberCreator", "action_member_creator"),
        _get("/actions/{action_id}/organization", "action_organization"),
        _get("/actions/{comment_id}/reactions", "action_reactions"),
        _get("/actions/{comment_id}/reactions/{reaction_id}", "action_reaction"),
        _get("/actions/{comment_id}/reactionsSummary", "action_reactions_summary"),
        # Batch and emoji
        _get("/batch", "batch"),
        _get("/emoji", "emoji"),
        # Boards
        _get("/boards/{board_id}", "get_board"),
        _get("/boards/{board_id}/{field}", "board_field"),
        _get("/boards/{board_id}/actions", "board_actions"),
        _get("/boards/{board_id}/boardStars", "board_stars"),
        _get("/boards/{board_id}/checklists", "board_checklists"),
        _get("/boards/{board_id}/cards", "board_cards"),
        _get("/boards/{board_id}/cards/{card_filter}", "board_cards"),
        _get("/boards/{board_id}/customFields", "board_custom_fields"),
        _get("/boards/{board_id}/labels", "board_labels"),
        _get("/boards/{board_id}/lists", "board_lists"),
        _get("/boards/{board_id}/lists/{list_filter}", "board_lists"),
        _get("/boards/{board_id}/members", "board_members"),
        _get("/boards/{board_id}/memberships", "board_memberships"),
        _get("/boards/{board_id}/boardPlugins", "board_plugins"),
        _get("/boards/{board_id}/plugins", "board_plugin_list"),
        # Cards
        _get("/cards/{card_id}", "get_card"),
        _get("/cards/{card_id}/{field}", "card_field"),
        _get("/cards/{card_id}/actions", "card_actions"),
        _get("/cards/{card_id}/attachments", "card_attachments"),
        _get("/cards/{card_id}/attachments/{attachment_id}", "card_attachment"),
        _get("/cards/{card_id}/board", "card_board"),
        _get("/cards/{card_id}/checkItemStates", "card_check_item_states"),
        _get("/cards/{card_id}/checklists", "card_checklists"),
        _get("/cards/{card_id}/checkItem/{check_item_id}", "card_check_item"),
        _get("/cards/{card_id}/list", "card_list"),
        _get("/cards/{card_id}/members", "card_members"),
        _get("/cards/{card_id}/membersVoted", "card_members_voted"),
        _get("/cards/{card_id}/pluginData", "card_plugin_data"),
        _get("/cards/{card_id}/stickers", "card_stickers"),
        _get("/cards/{card_id}/stickers/{sticker_id}", "card_sticker"),
        _get("/cards/{card_id}/customFieldItems", "card_custom_field_items"),
        # Checklists
        _get("/checklists/{checklist_id}", "get_checklist"),
        _get("/checklists/{checklist_id}/{field}", "checklist_field"),
        _get("/checklists/{checklist_id}/board", "checklist_board"),
        _get("/checklists/{checklist_id}/cards", "checklist_cards"),
        _get("/checklists/{checklist_id}/checkItems", "checklist_check_items"),
        _get("/checklists/{checklist_id}/checkItems/{check_item_id}", "checklist_check_item"),
        # Custom fields
        _get("/customFields/{custom_field_id}", "get_custom_field"),
        _get("/customFields/{custom_field_id}/options", "custom_field_options"),
        _get("/customFields/{custom_field_id}/options/{option_id}", "custom_field_option"),
        # Labels and lists
        _get("/labels/{label_id}", "get_label"),
        _get("/lists/{list_id}", "get_list"),
        _get("/lists/{list_id}/actions", "list_actions"),
        _get("/lists/{list_id}/board", "list_board"),
        _get("/lists/{list_id}/cards", "list_cards"),
        # Members
        _get("/members/{member}", "get_member"),
        _get("/members/{member}/{field}", "member_field"),
        _get("/members/{member}/actions", "member_actions"),
        _get("/members/{member}/boardBackgrounds", "member_board_backgrounds"),
        _get("/members/{member}/boardBackgrounds/{thing_id}", "member_board_background"),
        _get("/members/{member}/boardStars", "member_board_stars"),
        _get("/members/{member}/boardStars/{thing_id}", "member_board_star"),
        _get("/members/{member}/boards", "member_boards"),
        _get("/members/{member}/boardsInvited", "member_boards_invited"),
        _get("/members/{member}/cards", "member_cards"),
        _get("/members/{member}/customBoardBackgrounds", "member_custom_backgrounds"),
        _get("/members/{member}/customBoardBackgrounds/{thing_id}", "member_custom_background"),
        _get("/members/{member}/customEmoji", "member_custom_emoji"),
        _get("/members/{member}/customEmoji/{thing_id}", "member_custom_emoji_one"),
        _get("/members/{member}/customStickers", "member_custom_stickers"),
        _get("/members/{member}/customStickers/{thing_id}", "member_custom_sticker"),
        _get("/members/{member}/notifications", "member_notifications"),
        _get("/members/{member}/organizations", "member_organizations"),
        _get("/members/{member}/organizationsInvited", "member_organizations_invited"),
        _get("/members/{member}/savedSearches", "member_saved_searches"),
        _get("/members/{member}/savedSearches/{thing_id}", "member_saved_search"),
        _get("/members/{member}/notificationsChannelSettings", "member_channel_settings"),
        _get("/members/{member}/notificationsChannelSettings/{channel}", "member_channel_setting"),
        # Notifications
        _get("/notifications/{notification_id}", "get_notification"),
        _get("/notifications/{notification_id}/{field}", "notification_field"),
        _get("/notifications/{notification_id}/board", "notification_board"),
        _get("/notifications/{notification_id}/card", "notification_card"),
        _get("/notifications/{notification_id}/list", "notification_list"),
        _get("/notifications/{notification_id}/member", "notification_member"),
        _get("/notifications/{notification_id}/memberCreator", "notification_member_creator"),
        _get("/notifications/{notification_id}/organization", "notification_organization"),
        # Organizations (workspaces)
        _get("/organizations/{org_id}", "get_organization"),
        _get("/organizations/{org_id}/{field}", "organization_field"),
        _get("/organizations/{org_id}/actions", "organization_actions"),
        _get("/organizations/{org_id}/boards", "organization_boards"),
        _get("/organizations/{org_id}/members", "organization_members"),
        _get("/organizations/{org_id}/memberships", "organization_memberships"),
        _get("/organizations/{org_id}/memberships/{membership_id}", "organization_membership"),
        _get("/organizations/{org_id}/pluginData", "organization_plugin_data"),
        _get("/organizations/{org_id}/tags", "organization_tags"),
        # Power-Ups and search
        _get("/plugins/{plugin_id}/", "get_plugin"),
        _get("/search", "search"),
        _get("/search/members/", "search_members"),
    ],
    left_out=[
        _out("/applications/{key}/compliance", COMPLIANCE),
        _out("/plugins/{id}/compliance/memberPrivacy", COMPLIANCE),
        _out("/organizations/{id}/exports", PAID_ADMIN),
        _out("/organizations/{id}/newBillableGuests/{idBoard}", PAID_ADMIN),
        _out("/members/{id}/tokens", CREDENTIALS),
        _out("/tokens/{token}", CREDENTIALS),
        _out("/tokens/{token}/member", CREDENTIALS),
        _out("/tokens/{token}/webhooks", CREDENTIALS),
        _out("/tokens/{token}/webhooks/{idWebhook}", CREDENTIALS),
        _out("/webhooks/{id}", CREDENTIALS),
        _out("/webhooks/{id}/{field}", CREDENTIALS),
        *(
            _out(path, ENTERPRISE)
            for path in (
                "/enterprises/{id}",
                "/enterprises/{id}/auditlog",
                "/enterprises/{id}/admins",
                "/enterprises/{id}/signupUrl",
                "/enterprises/{id}/members/query",
                "/enterprises/{id}/members",
                "/enterprises/{id}/members/{idMember}",
                "/enterprises/{id}/transferrable/organization/{idOrganization}",
                "/enterprises/{id}/transferrable/bulk/{idOrganizations}",
                "/enterprises/{id}/claimableOrganizations",
                "/enterprises/{id}/pendingOrganizations",
                "/enterprises/{id}/organizations",
                "/enterprises/{id}/organizations/bulk/{idOrganizations}",
            )
        ),
    ],
    extra=WRITES,
)
