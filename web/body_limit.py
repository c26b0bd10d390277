"""The one limit on request bodies, 64 KiB, whether or not the client said how long its body is."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge

MAX_BODY_BYTES = 64 * 1024


def install_body_limit(app: Flask) -> None:
    """Refuse bodies over MAX_BODY_BYTES with 413, chunked ones included.

    With a Content-Length over the limit werkzeug raises 413 itself. A chunked body has
    none, and werkzeug stops reading it at the limit without a word, so the API and the
    forms would take its first 64 KiB for the whole of it (and apply it, if that part
    parses). Such a body is read here, once and kept, and if anything follows the first
    64 KiB the request is refused.
    """
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @app.before_request
    def _read_unsized_body() -> None:
        if request.content_length is not None or "wsgi.input_terminated" not in request.environ:
            return  # sized, or (without the server's end marker) read as empty by werkzeug
        body = request.get_data(cache=True)  # kept: `request.form` parses these bytes too
        if len(body) >= MAX_BODY_BYTES and request.environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()
