"""Bad input, table-driven: every refusal has the right status and code, and changes nothing."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text
from werkzeug.test import EnvironBuilder, run_wsgi_app

from bootstrap import Settings, build_ledger, init_db
from tests.databases import fresh_engine
from tests.e2e.support import error_code, error_details
from web import create_app
from web.ledger import READ_CONNECTIONS

DEPOSIT = "/api/accounts/a-1/deposits"
WITHDRAW = "/api/accounts/a-1/withdrawals"
LIMIT = "/api/accounts/a-1/overdraft-limit"
CLOSE = "/api/accounts/a-1/close"
OPEN = "/api/accounts"
TRANSFER = "/api/transfers"
SQL = "'; DROP TABLE events; --"
HTML = "<script>alert(1)</script>"
VALIDATION = "validation_error"
TOO_LARGE = "payload_too_large"


@dataclass(frozen=True)
class Bad:
    """One bad request and the refusal it must get."""

    path: str
    body: str | bytes
    status: int
    code: str
    field: str | None = None
    method: str = "POST"
    content_type: str | None = "application/json"
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


def amount_refused(path: str, literal: str, name: str = "amount") -> Bad:
    """A body whose amount (or limit, or initial deposit) is `literal`: 422 naming the field."""
    extra = {
        TRANSFER: '"from_account_id": "a-1", "to_account_id": "a-2", ',
        OPEN: '"owner_id": "o-1", ',
    }.get(path, "")
    method = "PUT" if path == LIMIT else "POST"
    return Bad(path, f'{{{extra}"{name}": {literal}}}', 422, VALIDATION, name, method)


def not_json(path: str, body: str | bytes, **options: Any) -> Bad:
    """A body that is not a JSON object sent as JSON: 400."""
    return Bad(path, body, 400, "bad_request", **options)


def invalid(path: str, fields: dict[str, Any], name: str, **options: Any) -> Bad:
    """A JSON object with an invalid field: 422 naming it."""
    return Bad(path, json.dumps(fields), 422, VALIDATION, name, **options)


def opening(**fields: Any) -> dict[str, Any]:
    """An opening body, valid but for `fields`."""
    return {"owner_id": "o-1", "initial_deposit": 1, **fields}


def unknown(path: str, body: str = '{"amount": 5}', **options: Any) -> Bad:
    """A command on an account that does not exist: 404."""
    return Bad(path, body, 404, "account_not_found", **options)


def moving(to: str, amount: Any = 1, source: str = "a-1") -> dict[str, Any]:
    """A transfer body."""
    return {"from_account_id": source, "to_account_id": to, "amount": amount}


AMOUNT_LITERALS = [
    '"NaN"', '"Infinity"', '"-Infinity"', '"1e2"', '"+5"', '".5"', '"5."', '"1_000"', '"12,50"',
    '"\u0661\u0662"', '""', '"   "', '" 5"', '"5\\n"', "true", "false", "null", "[5]",
    '{"v": 5}', '"0.001"', "0.001", "12.345", "-5", '"-5"', "0", '"0"', "0.00",
    "1000000000000.01", '"1000000000000.01"', "1e400", "-1e400", "1e-400",
    "1e9999999999999999999", "-1e9999999999999999999", "1e-9999999999999999999",
    "0e9999999999999999999", "1e1000000", "-1e1000000", "1e-1000000",
]  # fmt: skip

CASES: list[Bad] = [
    *(amount_refused(DEPOSIT, literal) for literal in AMOUNT_LITERALS),
    *(amount_refused(WITHDRAW, literal) for literal in ("0", '"NaN"', "1e400", '"0.001"')),
    *(amount_refused(TRANSFER, literal) for literal in ("-1", '"Infinity"', "0.005")),
    *(amount_refused(LIMIT, literal, "limit") for literal in ("-0.01", '"1e3"', "true", "0.001")),
    *(amount_refused(OPEN, lit, "initial_deposit") for lit in ("-1", "1e13", '"x"', "null")),
    # not JSON, not an object, or not sent as JSON: 400
    not_json(DEPOSIT, '{"amount": NaN}'),
    not_json(DEPOSIT, '{"amount": Infinity}'),
    not_json(DEPOSIT, '{"amount": -Infinity}'),
    not_json(DEPOSIT, '{"amount": 5'),
    not_json(DEPOSIT, "{'amount': 5}"),
    not_json(DEPOSIT, '[{"amount": 5}]'),
    not_json(DEPOSIT, '"amount"'),
    not_json(DEPOSIT, "5"),
    not_json(DEPOSIT, "null"),
    not_json(DEPOSIT, ""),
    not_json(OPEN, ""),
    not_json(TRANSFER, "   "),
    not_json(LIMIT, "", method="PUT"),
    not_json(DEPOSIT, '{"amount": 1, "amount": 2}'),
    not_json(DEPOSIT, b'{"amount": "\xff5"}'),
    not_json(DEPOSIT, '{"amount": 5, "description": "\\ud800"}'),
    not_json(DEPOSIT, "[" * 30000 + "]" * 30000),
    not_json(DEPOSIT, '{"amount": 5}', content_type="text/plain"),
    not_json(DEPOSIT, '{"amount": 5}', content_type=None),
    not_json(DEPOSIT, "amount=5", content_type="application/x-www-form-urlencoded"),
    not_json(CLOSE, "nonsense", content_type="text/plain"),
    not_json(CLOSE, "[]"),
    # larger than 64 KiB: 413
    Bad(DEPOSIT, '{"amount": 5, "description": "' + "x" * 70_000 + '"}', 413, TOO_LARGE),
    Bad(OPEN, " " * 65_537, 413, TOO_LARGE),
    Bad(CLOSE, "{}" + " " * 65_536, 413, TOO_LARGE),
    # fields missing, of the wrong type, out of range, or unknown: 422 naming them
    invalid(DEPOSIT, {}, "amount"),
    invalid(DEPOSIT, {"description": "x"}, "amount"),
    invalid(DEPOSIT, {"amount": 5, "description": 5}, "description"),
    invalid(DEPOSIT, {"amount": 5, "description": "x" * 201}, "description"),
    invalid(DEPOSIT, {"amount": 5, "description": "a\nb"}, "description"),
    invalid(DEPOSIT, {"amount": 5, "description": "\u0000"}, "description"),
    invalid(DEPOSIT, {"amount": 5, "description": "\u007f"}, "description"),
    invalid(DEPOSIT, {"amount": 5, "ammount": 5}, "ammount"),
    invalid(CLOSE, {"reason": "moving"}, "reason"),
    invalid(OPEN, {}, "owner_id"),
    invalid(OPEN, {"owner_id": "o-1"}, "initial_deposit"),
    invalid(OPEN, opening(owner_id=SQL), "owner_id"),
    invalid(OPEN, opening(owner_id=HTML), "owner_id"),
    invalid(OPEN, opening(owner_id="M\u00fcller"), "owner_id"),
    invalid(OPEN, opening(owner_id="o" * 65), "owner_id"),
    invalid(OPEN, opening(owner_id="-o"), "owner_id"),
    invalid(OPEN, opening(owner_id=42), "owner_id"),
    invalid(OPEN, opening(account_id="a b"), "account_id"),
    invalid(OPEN, opening(account_id=""), "account_id"),
    invalid(OPEN, opening(currency="eur"), "currency"),
    invalid(OPEN, opening(currency="EURO"), "currency"),
    invalid(OPEN, opening(currency="\u20ac"), "currency"),
    invalid(TRANSFER, {"from_account_id": "a-1", "amount": 1}, "to_account_id"),
    invalid(TRANSFER, moving(HTML), "to_account_id"),
    Bad(TRANSFER, json.dumps(moving("a-1")), 422, "same_account"),
    invalid(DEPOSIT, {"amount": 5}, "Idempotency-Key", headers={"Idempotency-Key": "x" * 129}),
    # unknown accounts, however their ids look: 404
    unknown("/api/accounts/ghost/deposits"),
    unknown("/api/accounts/x'%3B%20DROP%20TABLE%20events%3B--/deposits"),
    unknown("/api/accounts/%3Cscript%3E/withdrawals"),
    unknown("/api/accounts/%C3%BC/close", ""),
    unknown("/api/accounts/a%00b/close", ""),
    unknown(f"/api/accounts/{'z' * 5000}/deposits"),
    unknown("/api/accounts/ghost/overdraft-limit", '{"limit": 5}', method="PUT"),
    unknown(TRANSFER, json.dumps(moving("a-1", source="ghost"))),
    # unknown routes and wrong methods
    Bad("/api/nothing", "{}", 404, "not_found"),
    Bad("/api/accounts/a-1/interest", "{}", 404, "not_found"),
    Bad(TRANSFER, "", 405, "method_not_allowed", method="GET"),
    Bad("/api/accounts/a-1", "", 405, "method_not_allowed", method="DELETE"),
    Bad(DEPOSIT, '{"amount": 5}', 405, "method_not_allowed", method="PUT"),
    # precedence: body before validation before existence
    not_json(DEPOSIT, '{"amount": 0', headers={"Idempotency-Key": ""}),
    invalid("/api/accounts/ghost/deposits", {"amount": 0}, "amount"),
]


@pytest.fixture
def accounts(open_account: Callable[..., Any]) -> None:
    """a-1 and a-2, 100.00 each."""
    open_account("a-1")
    open_account("a-2")


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.path[:40]} {c.body[:40]!r}")
def test_a_bad_request_is_refused_with_its_status_and_code_and_changes_nothing(
    client: FlaskClient, event_count: Callable[[], int], case: Bad
) -> None:
    before = event_count()
    response = client.open(
        case.path,
        method=case.method,
        data=case.body,
        content_type=case.content_type,
        headers=case.headers,
    )
    body = response.get_json()
    assert (response.status_code, error_code(response)) == (case.status, case.code), body
    assert response.mimetype == "application/json"
    assert set(body) == {"error"}
    assert body["error"]["message"]
    if case.field is not None:
        assert case.field in error_details(response)
        assert all(isinstance(m, str) for m in error_details(response)[case.field])
    assert event_count() == before


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize(
    "description",
    [
        SQL,
        HTML,
        "Zahlung f\u00fcr M\u00fcller \u2014 \u00e9t\u00e9 \U0001f389 \u4e2d\u6587",
        "d" * 200,
        "",
    ],
    ids=["sql", "html", "non-ascii", "200-characters", "empty"],
)
def test_a_hostile_but_valid_description_is_stored_and_returned_verbatim(
    client: FlaskClient, description: str
) -> None:
    response = client.post(DEPOSIT, json={"amount": 5, "description": description})
    line = client.get("/api/accounts/a-1/transactions?limit=1").get_json()["transactions"][0]
    assert response.status_code == 200
    assert line["description"] == description


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize("owner", [SQL, HTML, "o" * 65, "\u00fc"])
def test_a_hostile_owner_filter_is_422_and_leaks_nothing(client: FlaskClient, owner: str) -> None:
    response = client.get("/api/accounts", query_string={"owner_id": owner})
    assert response.status_code == 422
    assert "owner_id" in error_details(response)


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize(
    "case",
    [
        amount_refused(DEPOSIT, '"150"'),
        amount_refused(LIMIT, "150", "limit"),
        amount_refused(OPEN, '"150.00"', "initial_deposit"),
    ],
    ids=["amount", "limit", "initial_deposit"],
)
def test_the_edge_refuses_amounts_by_the_domains_own_bounds(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, case: Bad
) -> None:
    """bank.money holds the one maximum: lowering it is felt at the edge, field by field."""
    monkeypatch.setattr("bank.money.MAX_AMOUNT", Decimal("100.00"))
    response = client.open(
        case.path, method=case.method, data=case.body, content_type=case.content_type
    )
    assert response.status_code == 422
    assert case.field in error_details(response)


def test_an_unexpected_failure_is_a_500_that_says_nothing_of_internals(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("secret table name: events_v2")

    monkeypatch.setattr("web.api.accounts.account_summary", explode)
    response = client.get("/api/accounts/a-1")
    assert response.status_code == 500
    assert error_code(response) == "internal_error"
    assert "events_v2" not in response.get_data(as_text=True)


def test_health_is_503_in_the_error_shape_when_the_database_cannot_be_reached(
    dialect: str, tmp_path: Path
) -> None:
    nowhere = {
        "sqlite": f"sqlite:///{tmp_path / 'no-such-folder' / 'bank.db'}",
        "postgresql": "postgresql://postgres@127.0.0.1:1/bank",  # nothing listens on port 1
    }[dialect]
    response = (
        create_app(Settings(database_url=nowhere, secret_key="s")).test_client().get("/api/health")
    )
    assert response.status_code == 503
    assert error_code(response) == "database_unavailable"


def test_health_is_503_when_sqlites_own_begin_fails_then_recovers(
    settings: Settings, tmp_path: Path
) -> None:
    """SQLite alone: its `BEGIN` runs on the driver and raises sqlite3's own error, outside
    SQLAlchemy's wrapping (here: the kept connection was left in a transaction SQLAlchemy
    knows nothing of). PostgreSQL's `BEGIN` is psycopg's, inside Core's wrapping."""
    with fresh_engine("sqlite", tmp_path, None) as engine:
        init_db(engine)
        app = create_app(settings, ledger=build_ledger(settings, engine=engine))
        client = app.test_client()
        connections = app.extensions[READ_CONNECTIONS]
        kept = connections.borrow()
        connections.give_back(kept)
        kept.connection.dbapi_connection.execute("BEGIN")
        failed = client.get("/api/health")
        assert (failed.status_code, error_code(failed)) == (503, "database_unavailable")
        assert client.get("/api/health").status_code == 200


def test_health_is_503_once_when_its_kept_connection_died_then_reconnects(
    app: Flask, client: FlaskClient, engine: Engine
) -> None:
    """On SQLite the kept connection is closed under SQLAlchemy's feet (its `BEGIN` on the
    driver fails first); on PostgreSQL the server ends the session."""
    assert client.get("/api/health").status_code == 200
    connections = app.extensions[READ_CONNECTIONS]
    kept = connections.borrow()
    postgres = engine.dialect.name == "postgresql"
    pid = kept.exec_driver_sql("SELECT pg_backend_pid()").scalar_one() if postgres else None
    connections.give_back(kept)  # idle again, and next in line
    if postgres:
        with engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    else:
        kept.connection.dbapi_connection.close()
    failed = client.get("/api/health")
    assert (failed.status_code, error_code(failed)) == (503, "database_unavailable")
    assert client.get("/api/health").status_code == 200


def post_unsized(app: Flask, path: str, body: bytes, content_type: str) -> tuple[int, bytes]:
    """POST `body` as a server hands on a chunked request: no Content-Length, input ended."""
    environ = EnvironBuilder(path, method="POST", data=body, content_type=content_type)
    wsgi = environ.get_environ()
    del wsgi["CONTENT_LENGTH"]
    wsgi["wsgi.input_terminated"] = True
    answer, status, _headers = run_wsgi_app(app, wsgi, buffered=True)
    return int(status.split()[0]), b"".join(answer)


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize(
    ("path", "content_type"),
    [(DEPOSIT, "application/json"), ("/accounts/a-1/deposit", "application/x-www-form-urlencoded")],
)
def test_a_chunked_body_over_64_kib_is_refused_not_cut_short(
    app: Flask, event_count: Callable[[], int], path: str, content_type: str
) -> None:
    before = event_count()
    head = b'{"amount": "1"}' if content_type == "application/json" else b"amount=1&x="
    status, answer = post_unsized(app, path, head + b" " * 65_536 + b"tail", content_type)
    assert status == 413, answer
    assert event_count() == before


@pytest.mark.usefixtures("accounts")
def test_a_chunked_body_of_exactly_65536_bytes_is_read_whole(
    app: Flask, event_count: Callable[[], int]
) -> None:
    before = event_count()
    body = b'{"amount": "1"}'.ljust(65_536)
    status, answer = post_unsized(app, DEPOSIT, body, "application/json")
    assert status == 200, answer
    assert json.loads(answer)["balance"] == "101.00"
    assert event_count() == before + 1


@pytest.mark.usefixtures("accounts")
def test_a_body_of_exactly_65536_bytes_is_still_read(client: FlaskClient) -> None:
    body = "{}" + " " * (65_536 - 2)
    response = client.post("/api/accounts/a-1/close", data=body, content_type="application/json")
    assert response.status_code == 409
    assert error_code(response) == "account_not_empty"
