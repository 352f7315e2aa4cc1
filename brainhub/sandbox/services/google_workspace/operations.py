"""Every documented GET of Calendar v3, Gmail v1, Drive v3 and Docs v1: served or left out.

Paths are written from the emulator's root, as each API's root URL plus service path puts
them (``/calendar/v3``, ``/gmail/v1``, ``/drive/v3``, ``/v1`` for Docs); the sandbox maps
every host of the connector onto that one root. Listings are not completed from the
documented shape (``complete=False``): a page without ``nextPageToken`` is the last one,
and Drive answers only the fields ``fields=`` asks for.
"""

from __future__ import annotations

from brainhub.sandbox.kit import SHAPED, LeftOut, Operation, OperationTable

CAL = "/calendar/v3"
GMAIL = "/gmail/v1/users/{userId}"
DRIVE = "/drive/v3"

_USER_SETTINGS = (
    "a user's mailbox settings (forwarding, IMAP/POP, vacation, filters, delegates, send-as, "
    "S/MIME, client-side encryption): administration, not workspace content"
)
_GMAIL_SETTINGS = [
    "/settings/autoForwarding",
    "/settings/cse/identities",
    "/settings/cse/identities/{cseEmailAddress}",
    "/settings/cse/keypairs",
    "/settings/cse/keypairs/{keyPairId}",
    "/settings/delegates",
    "/settings/delegates/{delegateEmail}",
    "/settings/filters",
    "/settings/filters/{id}",
    "/settings/forwardingAddresses",
    "/settings/forwardingAddresses/{forwardingEmail}",
    "/settings/imap",
    "/settings/language",
    "/settings/pop",
    "/settings/sendAs",
    "/settings/sendAs/{sendAsEmail}",
    "/settings/sendAs/{sendAsEmail}/smimeInfo",
    "/settings/sendAs/{sendAsEmail}/smimeInfo/{id}",
    "/settings/vacation",
]

OPERATIONS = OperationTable(
    served=[
        # Calendar
        Operation("GET", f"{CAL}/users/me/calendarList", "calendar_list", complete=False),
        Operation("GET", f"{CAL}/users/me/calendarList/{{calendarId}}", "calendar_list_entry"),
        Operation("GET", f"{CAL}/calendars/{{calendarId}}", "calendar"),
        Operation("GET", f"{CAL}/calendars/{{calendarId}}/events", "events", complete=False),
        Operation(
            "GET", f"{CAL}/calendars/{{calendarId}}/events/{{eventId}}", "event", complete=False
        ),
        Operation("GET", f"{CAL}/calendars/{{calendarId}}/events/{{eventId}}/instances", SHAPED),
        Operation("GET", f"{CAL}/calendars/{{calendarId}}/acl", SHAPED),
        Operation("GET", f"{CAL}/calendars/{{calendarId}}/acl/{{ruleId}}", SHAPED),
        Operation("GET", f"{CAL}/colors", SHAPED),
        # Gmail
        Operation("GET", f"{GMAIL}/profile", "profile"),
        Operation("GET", f"{GMAIL}/messages", "messages", complete=False),
        Operation("GET", f"{GMAIL}/messages/{{id}}", "message"),
        Operation("GET", f"{GMAIL}/messages/{{messageId}}/attachments/{{id}}", SHAPED),
        Operation("GET", f"{GMAIL}/history", "history", complete=False),
        Operation("GET", f"{GMAIL}/labels", "labels", complete=False),
        Operation("GET", f"{GMAIL}/labels/{{id}}", "label"),
        Operation("GET", f"{GMAIL}/threads", SHAPED),
        Operation("GET", f"{GMAIL}/threads/{{id}}", SHAPED),
        Operation("GET", f"{GMAIL}/drafts", SHAPED),
        Operation("GET", f"{GMAIL}/drafts/{{id}}", SHAPED),
        # Drive
        Operation("GET", f"{DRIVE}/about", SHAPED),
        Operation("GET", f"{DRIVE}/files", "files", complete=False),
        Operation("GET", f"{DRIVE}/files/{{fileId}}", "file"),
        Operation("GET", f"{DRIVE}/files/generateIds", SHAPED),
        Operation("GET", f"{DRIVE}/changes/startPageToken", "start_page_token", complete=False),
        Operation("GET", f"{DRIVE}/changes", "drive_changes", complete=False),
        Operation("GET", f"{DRIVE}/drives", SHAPED),
        Operation("GET", f"{DRIVE}/drives/{{driveId}}", SHAPED),
        Operation("GET", f"{DRIVE}/files/{{fileId}}/permissions", SHAPED),
        Operation("GET", f"{DRIVE}/files/{{fileId}}/permissions/{{permissionId}}", SHAPED),
        Operation("GET", f"{DRIVE}/files/{{fileId}}/comments", SHAPED),
        Operation("GET", f"{DRIVE}/files/{{fileId}}/comments/{{commentId}}", SHAPED),
        Operation("GET", f"{DRIVE}/files/{{fileId}}/comments/{{commentId}}/replies", SHAPED),
        Operation(
            "GET", f"{DRIVE}/files/{{fileId}}/comments/{{commentId}}/replies/{{replyId}}", SHAPED
        ),
        Operation("GET", f"{DRIVE}/files/{{fileId}}/revisions", SHAPED),
        Operation("GET", f"{DRIVE}/files/{{fileId}}/revisions/{{revisionId}}", SHAPED),
        Operation("GET", f"{DRIVE}/files/{{fileId}}/listLabels", SHAPED),
        Operation("GET", f"{DRIVE}/files/{{fileId}}/accessproposals", SHAPED),
        Operation("GET", f"{DRIVE}/files/{{fileId}}/accessproposals/{{proposalId}}", SHAPED),
        Operation("GET", f"{DRIVE}/files/{{fileId}}/approvals", SHAPED),
        Operation("GET", f"{DRIVE}/files/{{fileId}}/approvals/{{approvalId}}", SHAPED),
        Operation("GET", f"{DRIVE}/operations/{{name}}", SHAPED),
        # Docs
        Operation("GET", "/v1/documents/{documentId}", "document"),
    ],
    left_out=[
        LeftOut("GET", f"{CAL}/users/me/settings", "a user's Calendar UI settings, not content"),
        LeftOut("GET", f"{CAL}/users/me/settings/{{setting}}", "a user's Calendar UI settings"),
        *(LeftOut("GET", GMAIL + path, _USER_SETTINGS) for path in _GMAIL_SETTINGS),
        LeftOut("GET", f"{DRIVE}/apps", "the user's installed Drive apps: account settings"),
        LeftOut("GET", f"{DRIVE}/apps/{{appId}}", "the user's installed Drive apps"),
        LeftOut("GET", f"{DRIVE}/teamdrives", "deprecated: replaced by /drives"),
        LeftOut("GET", f"{DRIVE}/teamdrives/{{teamDriveId}}", "deprecated: replaced by /drives"),
        LeftOut(
            "GET",
            f"{DRIVE}/files/generateCseToken",
            "client-side encryption keys: an administration feature",
        ),
        LeftOut(
            "GET",
            f"{DRIVE}/files/{{fileId}}/export",
            "answers the file's bytes in another format, not JSON; documents are read as "
            "content through the Docs API instead",
        ),
    ],
    extra=[
        Operation("POST", f"{CAL}/calendars/{{calendarId}}/events", "insert_event"),
        Operation("POST", f"{GMAIL}/messages/send", "send_message"),
        Operation("POST", "/upload/drive/v3/files", "upload_file"),
    ],
)
