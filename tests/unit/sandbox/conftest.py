"""A toy emulator that exercises the sandbox framework without any vendor knowledge."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.sandbox import Emulator
from brainhub.sandbox.ratelimit import RateLimitDecision


class ToyEmulator(Emulator):
    """Five pets behind an API key, 3 requests per minute, ``X-Left`` header."""

    service = "toy"
    base_path = "/v1"
    default_rate_limit = 3
    routes = (
        Rule("/pets", endpoint="list_pets", methods=["GET"]),
        Rule("/pets/<int:pet_id>", endpoint="get_pet", methods=["GET"]),
    )

    def load(self) -> None:
        rng = self.rng("pets")
        count = {"tiny": 2, "demo": 5, "large": 50}[self.size] + self.generation
        self.pets = [{"id": i, "name": f"pet-{rng.randint(1, 10**6)}"} for i in range(count)]

    @property
    def credentials(self) -> dict[str, str]:
        return {"api_key": f"key-{self.seed}"}

    def counts(self) -> dict[str, int]:
        return {"pets": len(self.pets)}

    def authenticate(self, request: Request) -> Response | None:
        if request.headers.get("X-Api-Key") != self.credentials["api_key"]:
            return self.json_response({"error": "bad key"}, status=401)
        return None

    def credential_key(self, request: Request) -> str:
        return request.headers.get("X-Api-Key", "")

    def rate_limit_headers(self, decision: RateLimitDecision) -> dict[str, str]:
        return {"X-Left": str(decision.remaining), "X-Reset": str(decision.reset_epoch_s)}

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        return self.json_response({"error": "slow down"}, status=429)

    def list_pets(self, request: Request) -> dict[str, Any]:
        return {"pets": self.pets}

    def get_pet(self, request: Request, pet_id: int) -> Any:
        if pet_id >= len(self.pets):
            return self.json_response({"error": "no such pet"}, status=404)
        return self.pets[pet_id]


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def toy_headers() -> dict[str, str]:
    return {"X-Api-Key": "key-1"}


@pytest.fixture(autouse=True)
def _isolated_state_dir(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRAINHUB_SANDBOX_DIR", str(tmp_path / "sandbox-state"))
