"""marshmallow schemas: the shape of every request the API reads and every answer it writes."""

from __future__ import annotations

from typing import ClassVar

from marshmallow import RAISE, Schema, fields, validate

from web.fields import (
    Currency,
    Description,
    IdempotencyKey,
    Identifier,
    IfMatch,
    Instant,
    Timestamp,
    WholeNumber,
)
from web.money_field import Money, MoneyText

# -- requests ----------------------------------------------------------------------------


class Body(Schema):
    """A JSON request body; unknown fields are refused, so a typo never passes silently."""

    empty_allowed: ClassVar[bool] = False

    class Meta:
        unknown = RAISE


class OpenAccountBody(Body):
    """Open an account."""

    owner_id = Identifier(required=True)
    initial_deposit = Money(positive=False, required=True)
    account_id = Identifier()
    currency = Currency()


class MovementBody(Body):
    """A deposit or a withdrawal."""

    amount = Money(positive=True, required=True)
    description = Description()


class TransferBody(MovementBody):
    """A transfer between two accounts."""

    from_account_id = Identifier(required=True)
    to_account_id = Identifier(required=True)


class OverdraftLimitBody(Body):
    """A new overdraft limit."""

    limit = Money(positive=False, required=True)


class CloseBody(Body):
    """Closing takes no body: none, an empty one or `{}`."""

    empty_allowed = True


class CommandHeaders(Schema):
    """Headers every command reads."""

    idempotency_key = IdempotencyKey()


class AccountCommandHeaders(CommandHeaders):
    """Headers of a command on an existing account."""

    expected_version = IfMatch(data_key="If-Match", metadata={"pattern": '^("[0-9]+"|\\*)$'})


class PageQuery(Schema):
    """Keyset paging."""

    limit = WholeNumber(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(validate=validate.Length(min=1))


class AccountListQuery(PageQuery):
    """Filter accounts by owner."""

    owner_id = Identifier()


class BalanceQuery(Schema):
    """A point in time; absent means now."""

    as_of = Instant()


# -- responses ---------------------------------------------------------------------------


class AccountSchema(Schema):
    """An account as `GET /api/accounts/<id>` shows it."""

    account_id = fields.String(required=True)
    owner_id = fields.String(required=True)
    currency = fields.String(required=True)
    balance = MoneyText(required=True)
    overdraft_limit = MoneyText(required=True)
    available = MoneyText(required=True)
    is_active = fields.Boolean(required=True)
    transaction_count = fields.Integer(required=True)
    last_transaction_at = Timestamp(required=True, allow_none=True)
    opened_at = Timestamp(required=True)
    version = fields.Integer(required=True)


class AccountListSchema(Schema):
    """One page of accounts."""

    accounts = fields.List(fields.Nested(AccountSchema), required=True, attribute="items")
    next_cursor = fields.String(required=True, allow_none=True)


class StatementLineSchema(Schema):
    """One line of a statement; `amount` is never negative, `type` gives the direction."""

    version = fields.Integer(required=True)
    type = fields.String(
        required=True,
        validate=validate.OneOf(
            ["opening_deposit", "deposit", "withdrawal", "transfer_in", "transfer_out"]
        ),
    )
    amount = MoneyText(required=True)
    balance_after = MoneyText(required=True)
    description = fields.String(required=True)
    transfer_id = fields.String(required=True, allow_none=True)
    counterparty_account_id = fields.String(required=True, allow_none=True)
    occurred_at = Timestamp(required=True)


class StatementSchema(Schema):
    """One page of a statement, newest first."""

    transactions = fields.List(fields.Nested(StatementLineSchema), required=True, attribute="items")
    next_cursor = fields.String(required=True, allow_none=True)


class BalanceSchema(Schema):
    """A balance replayed from the event store as it stood at a time."""

    account_id = fields.String(required=True)
    as_of = Timestamp(required=True)
    balance = MoneyText(required=True)
    version = fields.Integer(required=True)
    is_active = fields.Boolean(required=True)


class AuditEventSchema(Schema):
    """One stored event, as the domain reads it today."""

    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    version = fields.Integer(required=True)
    position = fields.Integer(required=True)
    schema_version = fields.Integer(required=True)
    data = fields.Dict(required=True)
    metadata = fields.Dict(required=True)
    recorded_at = Timestamp(required=True)


class AuditTrailSchema(Schema):
    """An account's events, oldest first."""

    events = fields.List(fields.Nested(AuditEventSchema), required=True)


class TransferSchema(Schema):
    """A completed transfer and both accounts after it."""

    transfer_id = fields.String(required=True)
    from_account = fields.Nested(AccountSchema, required=True)
    to_account = fields.Nested(AccountSchema, required=True)


class HealthSchema(Schema):
    """The database answers."""

    status = fields.String(required=True)
    database = fields.String(required=True)


class ErrorDetailSchema(Schema):
    """The inside of an error answer."""

    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ErrorSchema(Schema):
    """Every unsuccessful answer: `{"error": {"code", "message", "details"}}`."""

    error = fields.Nested(ErrorDetailSchema, required=True)
