"""The account document the API writes directly is the one `AccountSchema` documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from queries.accounts import AccountSummary
from web.api.documents import account_document
from web.schemas import AccountSchema

OPENED = datetime(2026, 11, 26, 19, 53, 17, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    "last_transaction_at",
    [None, OPENED, datetime(2026, 11, 27, 1, 0, tzinfo=timezone(timedelta(hours=2)))],
)
def test_the_document_is_the_schemas_dump_field_for_field_in_order(
    last_transaction_at: datetime | None,
) -> None:
    account = AccountSummary(
        account_id="a-1",
        owner_id="owner-1",
        currency="EUR",
        balance=Decimal("-12.50"),
        overdraft_limit=Decimal("100"),
        available=Decimal("87.5"),
        is_active=False,
        transaction_count=3,
        last_transaction_at=last_transaction_at,
        opened_at=OPENED,
        version=4,
    )
    document = account_document(account)
    dumped = AccountSchema().dump(account)
    assert list(document.items()) == list(dumped.items())
