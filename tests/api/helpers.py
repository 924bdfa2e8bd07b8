"""Helpers shared by the API tests."""

from __future__ import annotations

from typing import Any

from django.test import Client

URL = "/api/v1/complaints"

ASSESSMENT = {
    "severity": "low",
    "safety_risk": False,
    "complexity": "low",
    "impact": "low",
    "immediate_action_needed": False,
}
RESPONSE = {"outcome": "upheld", "remedy_type": "apology", "reasons": "배송 지연을 확인했습니다."}


def fire(client: Client, reference: str, event: str, headers: dict[str, str], **data: Any):
    return client.post(
        f"{URL}/{reference}/transitions",
        {"event": event, **data},
        content_type="application/json",
        **headers,
    )


def drive_to_decision(client: Client, reference: str, headers: dict[str, str]) -> None:
    """Assess, investigate, propose and communicate a decision, as a handler would (7.5–7.8)."""
    for event, data in (
        ("assess", ASSESSMENT),
        ("start_investigation", {}),
        ("propose_response", RESPONSE),
        ("communicate_decision", {"method": "email"}),
    ):
        response = fire(client, reference, event, headers, **data)
        assert response.status_code == 200, (event, response.content)
