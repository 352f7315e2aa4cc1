"""``KitEmulator``: an :class:`~brainhub.sandbox.Emulator` driven by an operation table.

A vendor subclass declares::

    class ClickUpEmulator(KitEmulator):
        operations = OPERATIONS               # routes are built from the table
        surface_file = Path(__file__).with_name("surface.json")
        manners = HttpManners("application/json; charset=utf-8", gzip_when_asked=True)

        def shape_context(self, request, values):   # ids shaped answers should carry
            return {"team_id": self.data.tree.team_id, "user": owner}

        def check_path_ids(self, values):            # the vendor's 404s for unknown ids
            ...

Operations with a handler name call that method; a JSON object or array it returns is
*completed*: every documented field the hand-modelled object lacks is added, shaped
(``Operation(complete=False)`` opts out; a ready ``Response`` is sent as it is).
``SHAPED`` operations answer from the documented response shape filled by
:class:`~brainhub.sandbox.kit.shapes.Shaper`.

Writes go through the change journal (:mod:`.journal`): a vendor names how each
``(object, op)`` is applied in ``change_replay()``, calls ``replay_changes()`` at the end
of ``load()``, and writes with ``record_change(build)``. When the emulator follows the
stored state (no pinned ``generation``) every write is appended to the journal in the
state directory, and the next emulator process replays it; with a pinned generation
writes stay in memory. Before each handler the emulator catches up with changes other
processes appended.

Every change (a write, or what a new generation changed: the difference of the vendor's
``journal_snapshot`` between the two generations, :mod:`.generations`) is announced as
webhooks (:mod:`.webhooks`): the vendor turns it into its events (``webhook_events``), serves its subscription API through
``webhook_rules`` (handlers store subscriptions in ``self.webhooks``), and the kit signs
and delivers each event to every subscription that asked for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.sandbox import state
from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.kit.generations import Snapshot, snapshot_changes
from brainhub.sandbox.kit.journal import (
    Change,
    ChangeJournal,
    Draft,
    Pending,
    Replay,
    later_than,
)
from brainhub.sandbox.kit.manners import HttpManners
from brainhub.sandbox.kit.oauth import (
    CLIENT_ID,
    CLIENT_SECRET,
    DEFAULT_ACCESS_TTL_S,
    OAuthProfile,
    TokenIssuer,
)
from brainhub.sandbox.kit.operations import SHAPED_PREFIX, Operation, OperationTable
from brainhub.sandbox.kit.shapes import Shaper
from brainhub.sandbox.kit.surface import DocumentedOperation, load_surface, normalised
from brainhub.sandbox.kit.webhooks import (
    Outbox,
    Subscription,
    SubscriptionBook,
    WebhookEvent,
    sign,
    time_scale,
)


class KitEmulator(Emulator):
    """An emulator whose routes come from ``operations``; see the module doc."""

    operations: ClassVar[OperationTable] = OperationTable(served=())
    surface_file: ClassVar[Path | None] = None
    manners: ClassVar[HttpManners] = HttpManners()
    #: Host name in shaped URLs (avatars, links).
    shape_host: ClassVar[str] = "example.com"
    #: The :class:`Shaper` shaped and completed answers are filled by (a vendor whose ids
    #: or dates have their own form subclasses it).
    shaper_class: ClassVar[type[Shaper]] = Shaper
    _by_endpoint: ClassVar[dict[str, Operation]] = {}
    #: The vendor's OAuth token endpoint (:mod:`.oauth`), or ``None`` if it has none here.
    oauth: ClassVar[OAuthProfile | None] = None
    _token_issuer: TokenIssuer | None = None
    #: The change journal (made on first use) and the count of in-memory changes.
    _journal: ChangeJournal | None = None
    _memory_seq: int = 0
    #: The vendor's webhook subscription API (create/delete), appended to the routes.
    webhook_rules: ClassVar[Sequence[Rule]] = ()
    #: The vendor's delays between delivery retries, in real seconds (scaled down).
    retry_delays_s: ClassVar[tuple[float, ...]] = (10.0, 60.0, 300.0)
    _webhooks: SubscriptionBook | None = None
    _outbox: Outbox | None = None
    #: Per journal object, the values every generation change of it carries besides the
    #: changed ones (what ``webhook_events`` needs to find it: its repository, its issue).
    snapshot_keys: ClassVar[Mapping[str, tuple[str, ...]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.operations.served or cls.operations.extra:
            cls.routes = tuple(cls.operations.rules())
        if cls.webhook_rules:
            cls.routes = (*cls.routes, *cls.webhook_rules)
        cls._by_endpoint = {op.endpoint: op for op in cls.operations.served}

    # ------------------------------------------------------------------ vendor hooks

    def shape_context(self, request: Request, values: Mapping[str, Any]) -> dict[str, Any]:
        """Values shaped answers take by field name (path values by default)."""
        return dict(values)

    def check_path_ids(self, values: Mapping[str, Any]) -> None:
        """Answer the vendor's error when a path (or a documented query parameter of a
        shaped operation) names an object that does not exist."""

    def missing_query_response(self, name: str) -> Response:
        """The vendor's answer when a required query parameter is missing."""
        return self.json_response({"error": f"{name} is required"}, status=400)

    def shape_base_ms(self) -> int:
        """The dataset's "now" in epoch ms, for shaped dates."""
        return 1_772_323_200_000

    def shaper(self) -> Shaper:
        """What fills and completes this vendor's shapes (a vendor may refine it)."""
        return self.shaper_class(self.shape_base_ms(), self.shape_host)

    def change_replay(self) -> Replay | None:
        """How the store applies each ``(object, op)`` of the journal (``None``: no writes)."""
        return None

    # ------------------------------------------------------------------ OAuth

    @property
    def token_issuer(self) -> TokenIssuer | None:
        """The OAuth tokens this emulator issues (``None`` for a vendor without ``oauth``)."""
        if self.oauth is None:
            return None
        if self._token_issuer is None:
            folder = self._state_dir or state.state_dir()
            self._token_issuer = TokenIssuer(
                self.service,
                self.seed,
                self.oauth,
                self.clock,
                self.oauth_ttl_s or DEFAULT_ACCESS_TTL_S,
                folder / f"{self.service}.oauth.json" if self._follow_state else None,
            )
        return self._token_issuer

    def oauth_credentials(self) -> dict[str, str]:
        """The settings an ``oauth2_refresh_token`` connector needs to start against this
        emulator: the sandbox client and the dataset's first refresh token."""
        issuer = self.token_issuer
        if issuer is None:
            return {}
        return {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": issuer.initial_refresh_token(),
        }

    def bearer_token_issued(self, request: Request) -> bool:
        """Whether the request carries a live access token the token endpoint issued."""
        issuer = self.token_issuer
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if issuer is None or scheme.lower() != "bearer" or not token:
            return False
        return issuer.access_token_live(token)

    def answer_outside_routes(self, request: Request) -> Response | None:
        issuer = self.token_issuer
        if issuer is None or request.path != issuer.profile.endpoint:
            return None
        if request.method != "POST":
            return Response("Method Not Allowed", status=405, headers={"Allow": "POST"})
        return issuer.respond(request, self)

    def webhook_events(self, change: Change) -> list[WebhookEvent]:
        """The webhook events ``change`` makes, in the vendor's shapes (default: none)."""
        return []

    def address_event(self, event: WebhookEvent, subscription: Subscription) -> WebhookEvent | None:
        """``event`` as sent to one subscription (ClickUp and Trello name the webhook), or
        ``None`` when the subscription's scope (a repository, a board) does not cover it."""
        return event

    def journal_snapshot(self) -> Snapshot:
        """The objects webhooks are about, ``object → id → values``, with the object names
        and values of this vendor's journal drafts (default: none, so no generation
        webhooks)."""
        return {}

    def generation_changes(self, since_generation: int) -> list[Change]:
        """The changes the current generation made since ``since_generation``, as journal
        changes, so ``mutate`` announces them as webhooks: the difference between the
        :meth:`journal_snapshot` of that generation and this one (:mod:`.generations`)."""
        after = self.journal_snapshot()
        if not after:
            return []
        before = type(self)(seed=self.seed, size=self.size, generation=since_generation)
        return snapshot_changes(
            before.journal_snapshot(),
            after,
            self.journal_scope(),
            self.snapshot_keys,
            at=later_than(None),
        )

    # ------------------------------------------------------------------ webhooks

    @property
    def webhooks(self) -> SubscriptionBook:
        """This service's webhook subscriptions (in the state directory when following
        the stored state, else in memory)."""
        if self._webhooks is None:
            directory = (self._state_dir or state.state_dir()) if self._follow_state else None
            self._webhooks = SubscriptionBook(self.service, directory)
        return self._webhooks

    @webhooks.setter
    def webhooks(self, book: SubscriptionBook) -> None:
        self._webhooks = book

    @property
    def outbox(self) -> Outbox:
        """Where signed deliveries wait for the background sender."""
        if self._outbox is None:
            self._outbox = Outbox([d * time_scale() for d in self.retry_delays_s])
        return self._outbox

    def announce(self, changes: Iterable[Change]) -> int:
        """Send every subscription the events of ``changes`` it asked for; how many."""
        subscriptions = self.webhooks.all()
        if not subscriptions:
            return 0
        sent = 0
        for change in changes:
            for event in self.webhook_events(change):
                for subscription in subscriptions:
                    addressed = (
                        self.address_event(event, subscription)
                        if subscription.wants(event.name)
                        else None
                    )
                    if addressed is not None:
                        self.deliver(subscription, addressed)
                        sent += 1
        return sent

    def deliver(self, subscription: Subscription, event: WebhookEvent) -> None:
        """Sign ``event`` for ``subscription`` and queue it."""
        self.outbox.send(sign(self.service, subscription, event, self.clock()))

    def announce_generation(self, since_generation: int) -> int:
        """Announce what the current generation changed since ``since_generation`` (the
        changes are only worked out when someone subscribed)."""
        if not self.webhooks.all():
            return 0
        return self.announce(self.generation_changes(since_generation))

    # ------------------------------------------------------------------ change journal

    @property
    def journal(self) -> ChangeJournal | None:
        """The change journal in the state directory, or ``None`` for a pinned generation."""
        if not self._follow_state:
            return None
        if self._journal is None:
            self._journal = ChangeJournal(self._state_dir or state.state_dir(), self.service)
        return self._journal

    def journal_scope(self) -> dict[str, Any]:
        """The dataset a change belongs to; changes of other datasets are not applied."""
        return {"seed": self.seed, "size": self.size}

    def replay_changes(self) -> None:
        """Apply every journalled change to a freshly loaded store (call it from ``load``)."""
        journal = self.journal
        if journal is None:
            return
        journal.rewind()
        self._apply_pending(journal.pending())

    def catch_up(self) -> None:
        """Apply changes other processes appended since this emulator last looked."""
        journal = self.journal
        if journal is None:
            return
        with self.data_lock:
            self._apply_pending(journal.pending())

    def record_change(self, build: Callable[[], Draft]) -> Change:
        """Make one write: ``build`` validates it on up-to-date data and returns the draft
        (or raises the vendor's error, changing nothing); the change is journalled
        (durably, when following the stored state) and applied to the store."""
        replay = self.change_replay()
        if replay is None:
            raise NotImplementedError(f"{self.service}: this emulator declares no writes")
        with self.data_lock:
            journal = self.journal
            if journal is not None:
                change = journal.record(
                    self._apply_pending, build, replay.apply, self.journal_scope()
                )
                self.announce([change])
                return change
            draft = build()
            self._memory_seq += 1
            change = Change(
                seq=self._memory_seq,
                at=later_than(None),
                op=draft.op,
                object=draft.object,
                id=draft.id,
                scope=self.journal_scope(),
                data=dict(draft.data),
            )
            replay.apply(change)
            self.announce([change])
            return change

    def _apply_pending(self, pending: Pending) -> None:
        if pending.restart:
            self.load()  # the journal was emptied or rewritten: rebuild, then replay it all
            return
        replay = self.change_replay()
        if replay is None:
            return
        scope = self.journal_scope()
        for change in pending.changes:
            if dict(change.scope) == scope:
                replay.apply(change)

    # ------------------------------------------------------------------ machinery

    @classmethod
    def surface(cls) -> dict[str, DocumentedOperation]:
        """The vendor's documented operations (empty without a surface file)."""
        return _surface(cls.surface_file) if cls.surface_file is not None else {}

    def dispatch(self, endpoint: str, request: Request, values: Mapping[str, Any]) -> Any:
        self.catch_up()
        if endpoint.startswith(SHAPED_PREFIX):
            return self.shaped(request, endpoint[len(SHAPED_PREFIX) :], values)
        result = super().dispatch(endpoint, request, values)
        operation = self._by_endpoint.get(endpoint)
        if operation is None or not operation.complete or isinstance(result, Response):
            return result
        documented = self.surface().get(f"{operation.method} {normalised(operation.path)}")
        if documented is None:
            return result
        context = self.shape_context(request, values)
        seed = "|".join([operation.key, *(f"{k}={v}" for k, v in sorted(values.items()))])
        return self.shaper().complete(documented.shape, result, context, seed)

    def shaped(self, request: Request, key: str, values: Mapping[str, Any]) -> Any:
        """The documented answer of operation ``key``, filled for this request."""
        method, _, path = key.partition(" ")
        documented = self.surface()[f"{method} {normalised(path)}"]
        for parameter in documented.query:
            if parameter["required"] and not request.args.get(parameter["name"]):
                return self.missing_query_response(parameter["name"])
        named_in_query = {
            p["name"]: request.args[p["name"]]
            for p in documented.query
            if p["name"] in request.args
        }
        self.check_path_ids({**named_in_query, **values})
        context = self.shape_context(request, values)
        seed = "|".join([key, *(f"{k}={v}" for k, v in sorted(values.items()))])
        return self.shaper().fill(documented.shape, context, seed)

    def dress(self, request: Request, response: Response) -> Response:
        return self.manners.apply(request, response)


@cache
def _surface(path: Path) -> dict[str, DocumentedOperation]:
    return load_surface(path)
