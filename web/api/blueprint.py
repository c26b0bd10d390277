"""What every API blueprint shares: strict JSON bodies and API.md's validation errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import flask
import marshmallow as ma
from flask import g, request
from flask_smorest import Blueprint
from webargs.core import is_json
from webargs.flaskparser import FlaskParser

from web.api.refusals import described_by_status
from web.errors import RequestRefused, field_messages
from web.json_body import parse_object
from web.schemas import CommandHeaders, ErrorSchema

F = TypeVar("F", bound=Callable[..., Any])


def request_body(*, empty_allowed: bool = False) -> dict[str, Any]:
    """The request's JSON object, parsed once; 400 for a wrong content type or bad JSON."""
    if "json_body" not in g:
        raw = request.get_data(cache=True)
        if empty_allowed and not raw.strip():
            g.json_body = {}
        elif empty_allowed or is_json(request.mimetype):
            g.json_body = parse_object(raw)
        else:
            raise RequestRefused.bad_request(
                "Send a JSON object with the header Content-Type: application/json."
            )
    body: dict[str, Any] = g.json_body
    return body


class LedgerParser(FlaskParser):
    """webargs' parser with exact-money JSON and errors raised in the API's own shape."""

    def load_json(self, req: flask.Request, schema: ma.Schema) -> Any:
        """The strict body; `Body.empty_allowed` schemas also take no body at all."""
        return request_body(empty_allowed=getattr(schema, "empty_allowed", False))

    def load_querystring(self, req: flask.Request, schema: ma.Schema) -> Any:
        """The query string; a parameter the schema reads, given more than once, is a 422.

        Taking the first (or last) of `limit=3&limit=4` would silently drop what the client
        also asked for.
        """
        names = {f.data_key or name for name, f in schema.fields.items()}
        repeated = sorted(n for n in names if len(req.args.getlist(n)) > 1)
        if repeated:
            raise ma.ValidationError({name: ["Give this parameter once."] for name in repeated})
        return super().load_querystring(req, schema)

    def handle_error(
        self,
        error: ma.ValidationError,
        req: flask.Request,
        schema: ma.Schema,
        *,
        error_status_code: int | None,
        error_headers: Any,
    ) -> NoReturn:
        """A 422 `validation_error` naming each field, the command's headers' too."""
        by_location = cast(dict[str, Any], error.messages)
        details: dict[str, list[str]] = {}
        for by_field in by_location.values():
            details.update(field_messages(by_field))
        if "json" in by_location:
            # Headers are parsed after the body, so a bad body would hide a bad header; every
            # route with a body is a command, and every command reads CommandHeaders.
            headers = CommandHeaders(unknown=ma.EXCLUDE)
            details.update(field_messages(headers.validate(self.load_headers(req, headers))))
        raise RequestRefused.invalid(details)


class ApiBlueprint(Blueprint):  # type: ignore[misc]
    """A flask-smorest blueprint that parses with `LedgerParser` and documents refusals."""

    ARGUMENTS_PARSER = LedgerParser()

    def arguments(self, schema: type[ma.Schema] | ma.Schema, **options: Any) -> Callable[[F], F]:
        """flask-smorest's `arguments`, given a schema instance made once, here.

        Given a class, webargs instantiates it on every request, deep-copying each field:
        50 to 100 µs a schema, twice per command.
        """
        instance = schema() if isinstance(schema, type) else schema
        return cast(Callable[[F], F], super().arguments(instance, **options))

    def refuses(self, *reasons: str) -> Callable[[F], F]:
        """Document each status `reasons` (keys of `REFUSALS`) answer with, in the error shape."""

        def document(view: F) -> F:
            for status, description in described_by_status(reasons).items():
                view = self.alt_response(status, schema=ErrorSchema, description=description)(view)
            return view

        return document

    if TYPE_CHECKING:  # flask-smorest has no type hints: the signatures this package relies on

        def route(self, rule: str, **options: Any) -> Callable[[F], F]: ...
        def response(self, status: int, schema: Any = None, **options: Any) -> Callable[[F], F]: ...
        def alt_response(self, status: int, **options: Any) -> Callable[[F], F]: ...
        def before_request(self, function: F) -> F: ...
