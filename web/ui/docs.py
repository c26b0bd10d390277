"""The OpenAPI document as a page for people, rendered on the server: no CDN, no script."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask.typing import ResponseReturnValue

from web.ui.blueprint import ui

METHODS = ("get", "post", "put", "patch", "delete")


@ui.get("/api-docs")
def api_docs() -> ResponseReturnValue:
    """Every route of the API with its parameters, body and answers, from /api/openapi.json."""
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    spec: dict[str, Any] = api.spec.to_dict()
    return render_template(
        "api_docs.html",
        spec=spec,
        operations=operations(spec),
        schemas=spec.get("components", {}).get("schemas", {}),
        describe=describe,
    )


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Each (path, method) with what a reader needs, in document order."""
    found = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                body: dict[str, Any] = operation.get("requestBody", {}).get("content", {})
                found.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "parameters": item.get("parameters", []) + operation.get("parameters", []),
                        "body": next(iter(body.values()), {"schema": None})["schema"],
                        "responses": operation.get("responses", {}),
                    }
                )
    return found


def describe(schema: dict[str, Any] | None) -> str:
    """A JSON schema in a few words: `AccountSchema`, `string (date-time)`, `array of X`."""
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "oneOf" in schema:
        return " or ".join(describe(s) for s in schema["oneOf"])
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"array of {describe(schema.get('items'))}"
    if "format" in schema:
        kind = f"{kind} ({schema['format']})"
    if schema.get("nullable"):
        kind = f"{kind} or null"
    return kind
