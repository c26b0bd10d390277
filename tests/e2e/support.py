"""Small helpers the end-to-end tests share: reading answers and pages."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.test import TestResponse

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY_FIELD = re.compile(r'name="idempotency_key" value="([^"]+)"')


def error_code(response: TestResponse) -> str:
    """The machine code of an error answer."""
    code: str = response.get_json()["error"]["code"]
    return code


def error_details(response: TestResponse) -> dict[str, Any]:
    """The `details` of an error answer ({} when there are none)."""
    details: dict[str, Any] = response.get_json()["error"].get("details", {})
    return details


def csrf_token(page: TestResponse) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    assert match is not None, "the page has no CSRF token"
    return match.group(1)
