"""The emulator kit: what every vendor emulator shares beyond the request pipeline.

One fixed anatomy per vendor package (``brainhub/sandbox/services/<svc>/``):

``surface.json``    the documented read surface, derived from the vendor's OpenAPI
                    document by ``scripts/derive_surface.py`` (:mod:`.surface`)
``operations.py``   the operation table: every documented operation served (by a handler
                    or ``SHAPED``) or left out with a reason (:mod:`.operations`)
``errors.py``       the vendor's errors as a named table (:mod:`.errors`)
store modules       the seeded dataset, generations and ``mutate``, as before; writes
                    as journal drafts and the appliers that replay them

and the shared machinery: paginators bound to their request (:mod:`.paging`; ``Link``-header
pages in :mod:`.links`), responses
shaped from documented schemas (:mod:`.shapes`), the vendor's HTTP manners
(:mod:`.manners`), the coverage report (:mod:`.coverage`), the change journal that
makes writes outlive the process (:mod:`.journal`) and the signed webhooks every change
sends to its subscriptions (:mod:`.webhooks`). :class:`KitEmulator` ties them to
:class:`~brainhub.sandbox.Emulator`.
"""

from brainhub.sandbox.kit.emulator import KitEmulator
from brainhub.sandbox.kit.errors import ErrorTable, TextErrorTable, VendorError
from brainhub.sandbox.kit.journal import Change, ChangeJournal, Draft, Replay
from brainhub.sandbox.kit.links import LinkedPage, LinkHeaderPages
from brainhub.sandbox.kit.manners import HttpManners
from brainhub.sandbox.kit.operations import SHAPED, LeftOut, Operation, OperationTable
from brainhub.sandbox.kit.paging import CursorTokens, Offsets, Page, PageNumbers, PagingError

__all__ = [
    "SHAPED",
    "Change",
    "ChangeJournal",
    "CursorTokens",
    "Draft",
    "ErrorTable",
    "HttpManners",
    "KitEmulator",
    "LeftOut",
    "LinkHeaderPages",
    "LinkedPage",
    "Offsets",
    "Operation",
    "OperationTable",
    "Page",
    "PageNumbers",
    "PagingError",
    "Replay",
    "TextErrorTable",
    "VendorError",
]
