"""Headers on every answer: the request id, and the browser protections a bank's pages need."""

from __future__ import annotations

from flask import Flask, Response

from web.commanding import REQUEST_ID_HEADER, request_id

PROTECTIONS = {
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
"""Own assets only, never framed (clickjacking), no MIME sniffing, no leaking URLs."""


def install_response_headers(app: Flask) -> None:
    """Add the request id (for support) and the protections to every response."""

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        for name, value in PROTECTIONS.items():
            response.headers.setdefault(name, value)
        return response
