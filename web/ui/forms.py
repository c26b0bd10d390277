"""Form handling for the UI: validate with the API's schemas, run the command, PRG or re-render."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import flash, redirect, request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, ValidationError

from commands.bus import result_as_json
from commands.inputs import DomainError
from commands.messages import Command
from web.commanding import execute
from web.errors import field_messages, problem_for
from web.fields import IDEMPOTENCY_KEY

HIDDEN = frozenset({"csrf_token", "idempotency_key"})
VERBATIM = frozenset({"description"})
"""Free text, kept as typed (API.md); other fields (ids, amounts) lose stray spaces."""
FORM_ERROR = "_form"

FIELD_FOR_CODE: dict[str, str] = {
    "insufficient_funds": "amount",
    "account_exists": "account_id",
    "same_account": "to_account_id",
    "currency_mismatch": "to_account_id",
    "account_not_found": "to_account_id",
}
"""Where on the form a refusal is shown; anything else is shown above the form's fields."""

UI_MESSAGES: dict[str, str] = {
    "idempotency_key_reused": "This form was already sent with other values; reload the page.",
}
"""Refusals a clerk should read in the UI's words rather than the API's."""


@dataclass(frozen=True)
class FormState:
    """The form the clerk last submitted: its values, to show again, and errors per field."""

    name: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, list[str]] = field(default_factory=dict)

    def value(self, form: str, name: str, default: str = "") -> str:
        """What to show in a field: the submitted value when this form failed, else `default`."""
        return self.values.get(name, default) if form == self.name else default

    def errors_for(self, form: str, name: str = FORM_ERROR) -> list[str]:
        """The messages to show next to one field (or above the form)."""
        return list(self.errors.get(name, [])) if form == self.name else []


Page = Callable[[FormState, int], ResponseReturnValue]
Done = Callable[[Mapping[str, Any], Mapping[str, Any]], tuple[str, str]]


def submit(
    form: str,
    schema: Schema,
    *,
    build: Callable[[dict[str, Any]], Command],
    done: Done,
    page: Page,
    fixed: Mapping[str, str] | None = None,
) -> ResponseReturnValue:
    """Validate the posted form, run its command; redirect (303) with a message, or re-render."""
    values = {
        k: v if k in VERBATIM else v.strip() for k, v in request.form.items() if k not in HIDDEN
    }
    try:
        data = schema.load({**{k: v for k, v in values.items() if v}, **(fixed or {})})
        outcome = execute(
            build(data),
            result_as_json,
            actor="ui",
            idempotency_key=_key(),
            body={**values, **(fixed or {})},
        )
    except ValidationError as exc:
        return page(FormState(form, values, field_messages(exc.messages)), 422)
    except DomainError as exc:
        problem = problem_for(exc)
        if problem.status >= 500:
            raise
        message = UI_MESSAGES.get(problem.code, problem.message)
        errors = {FIELD_FOR_CODE.get(problem.code, FORM_ERROR): [message]}
        return page(FormState(form, values, errors), problem.status)
    message, target = done(data, outcome.response)
    flash(message, "success")
    return redirect(target, code=303)


def _key() -> str | None:
    """The form's one-time key: a double-clicked submit is applied once."""
    key = request.form.get("idempotency_key") or None
    if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
        raise ValidationError({FORM_ERROR: ["The form is damaged; reload the page."]})
    return key
