"""A bounded fuzz of the webhook receiver and its verifier: whatever the body and headers,
each request ends in a documented status, a refusal says why in one line, and a delivery
is accepted only when its body and signature are the vendor's own.

Inputs: each vendor's signed deliveries (JSON or random bytes) with the body's bytes
flipped, cut or added, signature and timestamp headers edited or dropped, the wrong secret,
a stale timestamp, random headers. The long run is ``benchmarks/fuzz_parsers.py --only
webhook`` (100,000 inputs).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from brainhub.webhooks.schemes import verify

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "benchmarks"))
import fuzz_parsers  # noqa: E402

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(fuzz_parsers.webhook_requests())
def test_the_receiver_answers_every_request_with_a_documented_status(
    value: tuple[str, bytes, dict[str, str], bool],
) -> None:
    fuzz_parsers.check_webhook(value, Counter(), fuzz_parsers.webhook_receiver())


@FUZZ
@given(fuzz_parsers.webhook_requests())
def test_the_verifier_never_raises_and_passes_only_the_vendors_own(
    value: tuple[str, bytes, dict[str, str], bool],
) -> None:
    service, body, headers, genuine = value
    problem = verify(
        service,
        fuzz_parsers.WEBHOOK_SECRETS[service],
        body,
        headers,
        now=fuzz_parsers.WEBHOOK_NOW,
        url=f"http://localhost/webhooks/{service}",
    )
    if problem is None:
        assert genuine, (headers, body)
    else:
        assert "\n" not in problem
        assert problem
