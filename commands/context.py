"""Who asks, why, and under which key: the context every command runs in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4


def _new_id() -> str:
    return str(uuid4())


@dataclass(frozen=True, slots=True)
class CommandContext:
    """Audit metadata for the events a command records, and its idempotency key.

    `fingerprint` identifies the request a key was first used for; when None, the
    command's own fields are hashed. The web passes one derived from route and body.
    """

    actor: str = "system"
    request_id: str = field(default_factory=_new_id)
    correlation_id: str | None = None
    idempotency_key: str | None = None
    fingerprint: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def event_metadata(self, command_name: str, causation_id: str) -> dict[str, Any]:
        """The metadata stored with every event of one command execution."""
        metadata: dict[str, Any] = {
            "actor": self.actor,
            "command": command_name,
            "request_id": self.request_id,
            "correlation_id": self.correlation_id or self.request_id,
            "causation_id": causation_id,
            **self.extra,
        }
        if self.idempotency_key is not None:
            metadata["idempotency_key"] = self.idempotency_key
        return metadata
