"""Which clients each emulator is tested against, and the tests that prove its manners.

One declared table, ``TESTED``, keyed by service: the client libraries (and our own tap)
whose tests run unchanged against the emulator, each with the test module that proves it,
plus the vendor-specific HTTP manners the emulator honours beyond what its class declares
(content type, gzip, ``HEAD``, slashes and rate limit are read from the class itself), each
with the test that proves it. ``docs/sandbox.md`` is rendered from this table and the
emulators' own code; a test holds every named test to existing code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TestedClient:
    """A client library read against the emulator, unchanged but for where it points."""

    #: How people know it, and its package name on PyPI (``""`` for this project's own).
    name: str
    package: str
    #: How the test points it at the emulator.
    pointed_by: str
    #: ``tests/…/test_x.py`` or ``tests/…/test_x.py::test_name``: what proves it works.
    proof: str


@dataclass(frozen=True)
class Manner:
    """A vendor-specific HTTP manner the emulator honours, and the test that proves it."""

    text: str
    proof: str


@dataclass(frozen=True)
class Tested:
    """What one service's emulator is proven against."""

    clients: tuple[TestedClient, ...]
    #: The module testing the manners read from the emulator class (``None``: untested).
    manners_proof: str | None
    manners: tuple[Manner, ...] = ()


def _tap(service: str) -> TestedClient:
    return TestedClient(
        f"tap-{service} (this project, on singer-sdk)",
        "",
        "its `base_url` setting",
        f"tests/emulated/test_{service}_tap.py",
    )


TESTED: dict[str, Tested] = {
    "bitbucket": Tested(
        clients=(
            TestedClient(
                "atlassian-python-api (Bitbucket Cloud)",
                "atlassian-python-api",
                "`Cloud(url=…)`",
                "tests/emulated/test_bitbucket_sdk.py",
            ),
            _tap("bitbucket"),
        ),
        manners_proof="tests/emulated/test_bitbucket_http_manners.py",
        manners=(
            Manner(
                'errors are `{"type": "error", "error": {"message": …}}`',
                "tests/emulated/test_bitbucket_http_manners.py::test_errors_have_bitbucket_s_body",
            ),
            Manner(
                "pages link the `next` one by absolute URL, keeping the query",
                "tests/emulated/test_bitbucket_http_manners.py::"
                "test_pages_link_the_next_one_and_keep_the_query",
            ),
            Manner(
                "BBQL `q` and `sort`; pull requests only `OPEN` unless `state` repeats",
                "tests/emulated/test_bitbucket_http_manners.py::"
                "test_bbql_filters_and_sorts_pull_requests_and_the_state_repeats",
            ),
            Manner(
                "over the limit: 429 with `Retry-After`",
                "tests/emulated/test_bitbucket_http_manners.py::"
                "test_over_the_limit_answers_429_with_retry_after",
            ),
        ),
    ),
    "asana": Tested(
        clients=(
            TestedClient(
                "Asana's official Python client",
                "asana",
                "`Configuration.host`",
                "tests/emulated/test_asana_sdk.py",
            ),
            _tap("asana"),
        ),
        manners_proof="tests/emulated/test_asana_http_manners.py",
        manners=(
            Manner(
                "`opt_pretty` indents the same answer",
                "tests/emulated/test_asana_http_manners.py::"
                "test_opt_pretty_indents_the_same_answer",
            ),
            Manner(
                "`Asana-Enable` / `Asana-Disable` deprecation headers are accepted",
                "tests/emulated/test_asana_http_manners.py::"
                "test_deprecation_opt_in_and_out_headers_are_accepted",
            ),
        ),
    ),
    "clickup": Tested(
        clients=(
            TestedClient(
                "`requests` scripts written from ClickUp's documented examples",
                "requests",
                "the base URL",
                "tests/emulated/test_clickup_requests_scripts.py",
            ),
            _tap("clickup"),
        ),
        manners_proof="tests/emulated/test_clickup_http_manners.py",
        manners=(
            Manner(
                "a trailing slash is ignored; an unserved method gets Express's HTML 404",
                "tests/emulated/test_clickup_http_manners.py::"
                "test_an_unserved_method_gets_expresss_404_page",
            ),
        ),
    ),
    "github": Tested(
        clients=(
            TestedClient("PyGithub", "PyGithub", "`base_url`", "tests/emulated/test_github_sdk.py"),
            TestedClient(
                "`requests` GraphQL queries",
                "requests",
                "the GraphQL URL",
                "tests/emulated/test_github_graphql.py",
            ),
            _tap("github"),
        ),
        manners_proof="tests/emulated/test_github_http_manners.py",
        manners=(
            Manner(
                "`Link` header paging (`next`, `last`, `prev`, `first`)",
                "tests/emulated/test_github_http_manners.py::"
                "test_lists_page_with_link_headers_across_the_families",
            ),
            Manner(
                "a weak `ETag` on every answer; `If-None-Match` gets an uncharged 304",
                "tests/emulated/test_github_http_manners.py::"
                "test_every_answer_has_a_weak_etag_and_if_none_match_gets_an_uncharged_304",
            ),
            Manner(
                "`X-GitHub-Api-Version` checked and echoed",
                "tests/emulated/test_github_http_manners.py::"
                "test_both_api_versions_are_served_and_echoed",
            ),
        ),
    ),
    "gitlab": Tested(
        clients=(
            TestedClient(
                "python-gitlab",
                "python-gitlab",
                "its `url` (the instance root)",
                "tests/emulated/test_gitlab_sdk.py",
            ),
            _tap("gitlab"),
        ),
        manners_proof="tests/emulated/test_gitlab_http_manners.py",
        manners=(
            Manner(
                "offset pages with `X-Total`, `X-Next-Page` and `Link`; keyset pages "
                '(`pagination=keyset`) with only `Link: rel="next"`',
                "tests/emulated/test_gitlab_http_manners.py::"
                "test_keyset_paging_follows_the_last_id_and_sends_only_next",
            ),
            Manner(
                "`:id` as a numeric id or a URL-encoded `namespace%2Fpath`",
                "tests/emulated/test_gitlab_http_manners.py::"
                "test_projects_are_found_by_id_or_url_encoded_path",
            ),
            Manner(
                "over the limit: 429 `Retry later` (plain text) with `Retry-After`; "
                "`RateLimit-*` headers on every answer",
                "tests/emulated/test_gitlab_http_manners.py::"
                "test_over_the_limit_is_429_retry_later_with_ratelimit_headers",
            ),
        ),
    ),
    "confluence": Tested(
        clients=(
            TestedClient(
                "atlassian-python-api (ConfluenceV2), REST v2",
                "atlassian-python-api",
                "`url=` (the site's `/wiki`)",
                "tests/emulated/test_confluence_sdk.py",
            ),
            _tap("confluence"),
        ),
        manners_proof="tests/emulated/test_confluence_surface.py",
        manners=(
            Manner(
                "v2 error lists (`errors[]` with `status`, `code`, `title`, `detail`)",
                "tests/emulated/test_confluence_surface.py::test_errors_are_v2_error_lists",
            ),
            Manner(
                'cursor pages: a relative `_links.next` and the same `Link: <…>; rel="next"`',
                "tests/emulated/test_confluence_surface.py::"
                "test_lists_page_by_relative_next_links_in_body_and_link_header",
            ),
        ),
    ),
    "google-workspace": Tested(
        clients=(
            TestedClient(
                "google-api-python-client with google-auth service-account credentials "
                "(Calendar, Gmail, Drive, Docs)",
                "google-api-python-client",
                "`client_options={'api_endpoint': …}` on each discovery document, and the "
                "key's `token_uri`",
                "tests/emulated/test_google_workspace_sdk.py",
            ),
            TestedClient(
                "tap-google-workspace (this project, on singer-sdk)",
                "",
                "its `base_url` setting (every host under the emulator's root)",
                "tests/emulated/test_google_workspace_tap.py",
            ),
        ),
        manners_proof="tests/emulated/test_google_workspace_surface.py",
        manners=(
            Manner(
                "a service account's token endpoint: the RS256 JWT assertion's signature, "
                "issuer, audience and lifetime are checked; OAuth's `invalid_grant` otherwise",
                "tests/emulated/test_google_workspace_surface.py::"
                "test_the_token_endpoint_checks_the_assertions_signature",
            ),
            Manner(
                'Google\'s error bodies (`{"error": {"code", "message", "errors": [{"domain", '
                '"reason", "message"}], "status"}}`)',
                "tests/emulated/test_google_workspace_surface.py::test_errors_are_googles_error_bodies",
            ),
            Manner(
                "`pageToken`/`nextPageToken` pages ending with Calendar's `nextSyncToken`; a "
                "sync token answers only what changed, 410 `fullSyncRequired` when too old",
                "tests/emulated/test_google_workspace_surface.py::"
                "test_events_page_and_end_with_a_sync_token_that_refuses_filters_beside_it",
            ),
            Manner(
                "Drive's default fields (`kind`, `id`, `name`, `mimeType`) unless `fields=` "
                "asks for more; `q` on `mimeType` and `trashed`",
                "tests/emulated/test_google_workspace_surface.py::"
                "test_drive_answers_the_default_fields_unless_fields_asks_for_more",
            ),
            Manner(
                "429 `rateLimitExceeded` over the rate limit",
                "tests/emulated/test_google_workspace_surface.py::"
                "test_over_the_rate_limit_the_answer_is_429_rate_limit_exceeded",
            ),
        ),
    ),
    "jira": Tested(
        clients=(
            TestedClient(
                "jira (pycontribs), REST v2",
                "jira",
                "`server=`",
                "tests/emulated/test_jira_sdk.py::test_search_issues_pages_through_every_issue",
            ),
            TestedClient(
                "atlassian-python-api, REST v3",
                "atlassian-python-api",
                "`url=`",
                "tests/emulated/test_jira_sdk.py::"
                "test_enhanced_jql_pages_every_issue_with_page_tokens",
            ),
            _tap("jira"),
        ),
        manners_proof="tests/emulated/test_jira_http_manners.py",
        manners=(
            Manner(
                "REST v2 and v3 side by side: v2 rich text as wiki markup, v3 as ADF",
                "tests/emulated/test_jira_http_manners.py::"
                "test_v2_writes_rich_text_as_wiki_markup_where_v3_writes_adf",
            ),
            Manner(
                "`fields=` selection and `expand=` (names, schema, renderedFields, "
                "transitions, changelog)",
                "tests/emulated/test_jira_http_manners.py::"
                "test_expand_adds_names_schema_rendered_fields_transitions_and_changelog",
            ),
            Manner(
                "error collections (`errorMessages`, `errors`) with Jira's texts; "
                "a plain-text 401 without credentials",
                "tests/emulated/test_jira_http_manners.py::"
                "test_errors_are_error_collections_with_jiras_texts",
            ),
        ),
    ),
    "notion": Tested(
        clients=(
            TestedClient(
                "Notion's official Python SDK",
                "notion-client",
                "`base_url`",
                "tests/emulated/test_notion_sdk.py",
            ),
            _tap("notion"),
        ),
        manners_proof="tests/emulated/test_notion_http_manners.py",
        manners=(
            Manner(
                "`Notion-Version` required; 2022-06-28 sees databases, 2025-09-03 data sources",
                "tests/emulated/test_notion_http_manners.py::"
                "test_the_tap_version_still_sees_databases_with_their_schema",
            ),
        ),
    ),
    "slack": Tested(
        clients=(
            TestedClient(
                "Slack's official Python SDK",
                "slack_sdk",
                "`base_url`",
                "tests/emulated/test_slack_sdk.py",
            ),
            _tap("slack"),
        ),
        manners_proof="tests/emulated/test_slack_http_manners.py",
        manners=(
            Manner(
                "GET with a query, POST form-encoded and POST JSON answer alike",
                "tests/emulated/test_slack_http_manners.py::"
                "test_get_query_post_form_and_post_json_answer_alike",
            ),
            Manner(
                "method errors are HTTP 200 with `ok: false`; throttling is 429 `ratelimited` "
                "with `Retry-After`",
                "tests/emulated/test_slack_http_manners.py::"
                "test_throttling_is_429_ratelimited_with_retry_after",
            ),
        ),
    ),
    "discord": Tested(
        clients=(
            TestedClient(
                "discord.py (its REST half; the Gateway is out of scope)",
                "discord-py",
                "`discord.http.Route.BASE`",
                "tests/emulated/test_discord_sdk.py",
            ),
            _tap("discord"),
        ),
        manners_proof="tests/emulated/test_discord_http_manners.py",
        manners=(
            Manner(
                'errors are `{"message", "code"}` with Discord\'s JSON error codes',
                "tests/emulated/test_discord_http_manners.py::"
                "test_errors_are_message_and_code_and_a_bot_token_is_required",
            ),
            Manner(
                "rate limits per route bucket (`X-RateLimit-Bucket`); 429 bodies carry "
                "`retry_after` in seconds and `global`",
                "tests/emulated/test_discord_http_manners.py::"
                "test_route_buckets_are_reported_and_a_429_says_how_long_in_its_body",
            ),
            Manner(
                "snowflake ids made from each object's creation time",
                "tests/emulated/test_discord_http_manners.py::"
                "test_every_id_is_a_snowflake_of_its_objects_moment",
            ),
            Manner(
                "incoming webhooks post with their token alone (`wait=true` answers the message)",
                "tests/emulated/test_discord_http_manners.py::"
                "test_the_incoming_webhook_posts_with_its_token_alone_and_never_logs_it",
            ),
        ),
    ),
    "microsoft365": Tested(
        clients=(
            TestedClient(
                "`requests` following Graph's documented examples (msgraph-sdk needs "
                "cryptography < 51, which the project's pin excludes)",
                "requests",
                "the served `authority_url` and base URL",
                "tests/emulated/test_microsoft365_requests_client.py",
            ),
            _tap("microsoft365"),
        ),
        manners_proof="tests/emulated/test_microsoft365_http_manners.py",
        manners=(
            Manner(
                'errors are `{"error": {"code", "message", "innerError"}}` with the '
                "`request-id` of the response header",
                "tests/emulated/test_microsoft365_http_manners.py::"
                "test_errors_have_graph_s_body_with_the_request_id_of_the_header",
            ),
            Manner(
                "`$top`, `$select` and `$filter`; absolute `@odata.nextLink` with `$skiptoken`",
                "tests/emulated/test_microsoft365_http_manners.py::"
                "test_top_select_and_filter_shape_the_listing",
            ),
            Manner(
                "delta tokens expire after three generations, and foreign or damaged ones "
                "are refused, with 410 `syncStateNotFound` (`resyncRequired` after a reset)",
                "tests/emulated/test_microsoft365_http_manners.py::"
                "test_delta_tokens_expire_and_foreign_ones_are_refused_with_410",
            ),
            Manner(
                "over the limit: 429 `TooManyRequests` with `Retry-After`",
                "tests/emulated/test_microsoft365_http_manners.py::"
                "test_over_the_limit_answers_429_with_retry_after",
            ),
        ),
    ),
    "trello": Tested(
        clients=(
            TestedClient(
                "py-trello",
                "py-trello",
                "`http_service` (a `requests.Session`)",
                "tests/emulated/test_trello_sdk.py",
            ),
            _tap("trello"),
        ),
        manners_proof="tests/emulated/test_trello_http_manners.py",
        manners=(
            Manner(
                "errors are plain text, as Trello sends them",
                "tests/emulated/test_trello_http_manners.py::"
                "test_every_named_error_is_plain_text_with_its_status",
            ),
            Manner(
                "`GET /batch` answers up to 10 reads at once",
                "tests/emulated/test_trello_http_manners.py::"
                "test_batch_answers_each_read_with_its_status",
            ),
        ),
    ),
}
