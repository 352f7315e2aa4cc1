"""Acknowledging a queue's messages only once the target committed them.

A Singer tap cannot see the target's commits: it only knows that Meltano saves a STATE once
the target has written every record before it and printed that STATE back. So a queue tap
never acknowledges (deletes) a message in the run that hands it on. It records the message's
id in the STATE after its batch instead, and the *next* run, starting from the STATE Meltano
saved, acknowledges every redelivered message whose id that STATE names — those are in the
warehouse — and hands on the others again.

The guarantee is at-least-once: a message is acknowledged only after a STATE naming it was
saved, so none is lost; one the target wrote but whose STATE was not saved (a run killed
between the two) is handed on again, so a destination that upserts by the message's id
(target-duckdb with ``message_id`` as the key) holds each message exactly once. Until the
next run a message stays in the queue, unacknowledged and then redelivered.

The STATE of a stream is ``{"delivered": {message id: unix time recorded}}``: this run's
messages, plus ids of earlier runs not yet seen again (the broker may hold them back, an SQS
message stays invisible until its visibility timeout ends). Once a run has emptied its queue,
ids older than ``forget_after`` seconds are dropped: their messages are gone.
"""

from __future__ import annotations

import time
from typing import Any


class PendingAcks:
    """The ids handed on by earlier runs (from STATE) and by this one."""

    def __init__(self, stream_state: dict[str, Any], forget_after: float = 0.0) -> None:
        delivered = stream_state.get("delivered") or {}
        self.earlier: dict[str, float] = {str(k): float(v) for k, v in delivered.items()}
        self.now: dict[str, float] = {}
        self.forget_after = forget_after
        self.started = time.time()

    def committed_earlier(self, message_id: str) -> bool:
        """Whether a saved STATE named the message: acknowledge it, do not hand it on."""
        return message_id in self.earlier

    def acknowledged(self, message_id: str) -> None:
        """An earlier message was acknowledged now; the STATE forgets it."""
        self.earlier.pop(message_id, None)

    def handed_on(self, message_id: str) -> bool:
        """Record a message handed on in this run; False when this run had it already."""
        if message_id in self.now:
            return False
        self.now[message_id] = self.started
        return True

    def state(self, drained: bool = False) -> dict[str, Any]:
        """The stream's STATE: every id still to acknowledge (old ones dropped once drained)."""
        earlier = self.earlier
        if drained:
            horizon = self.started - self.forget_after
            earlier = {k: v for k, v in earlier.items() if v > horizon}
        return {"delivered": {**earlier, **self.now}}
