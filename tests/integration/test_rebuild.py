"""Rebuild and verify: read models are disposable, and a replay of the events proves them."""

from __future__ import annotations

import contextlib
import uuid
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, insert, update
from sqlalchemy.schema import DropTable

from bank.errors import DomainError
from bank.repository import AccountRepository
from bank.store.engine import WRITE
from bank.store.event_store import EventStore
from bank.store.snapshots import SnapshotStore
from bench.seed import seed_store
from commands.bus import CommandBus
from commands.messages import Command
from queries.accounts import account_summary, list_accounts
from read_models.accounts import ReplayWriter
from read_models.rebuild import rebuild_projections
from read_models.tables import LIVE, account_tables, metadata
from read_models.verify import compare, verify_projections
from tests.factories import (
    CloseAccountFactory,
    DepositMoneyFactory,
    OpenAccountFactory,
    SetOverdraftLimitFactory,
    TransferMoneyFactory,
    WithdrawMoneyFactory,
)
from tests.integration.read_side import read_models

ACCOUNTS = 6
Step = tuple[str, int, int, int]

steps = st.tuples(
    st.sampled_from(["deposit"] * 4 + ["withdraw"] * 3 + ["transfer"] * 4 + ["limit", "close"]),
    st.integers(0, ACCOUNTS - 1),
    st.integers(0, ACCOUNTS - 1),
    st.integers(1, 300_00),
)


def commands_for(step: Step, ids: list[str], engine: Engine) -> list[Command]:
    """The command(s) a random step stands for.

    Closing withdraws the whole balance first, and a new account takes the closed one's
    place, so that the rest of the script still moves money.
    """
    kind, first, second, cents = step
    account, other, amount = ids[first], ids[second], Decimal(cents) / 100
    if kind == "deposit":
        return [DepositMoneyFactory(account_id=account, amount=amount)]
    if kind == "withdraw":
        return [WithdrawMoneyFactory(account_id=account, amount=amount)]
    if kind == "transfer":
        return [TransferMoneyFactory(from_account_id=account, to_account_id=other, amount=amount)]
    if kind == "limit":
        return [SetOverdraftLimitFactory(account_id=account, limit=amount)]
    with engine.connect() as conn:
        balance = account_summary(conn, account).balance
    ids[first] = f"{account}.n"
    return [
        DepositMoneyFactory(account_id=account, amount=-balance)
        if balance < 0
        else WithdrawMoneyFactory(account_id=account, amount=balance),
        CloseAccountFactory(account_id=account),
        OpenAccountFactory(account_id=ids[first], initial_deposit=amount),
    ]


def run(bus: CommandBus, engine: Engine, script: list[Step]) -> tuple[list[str], int]:
    """Open the accounts and play the script; return every account id and the commands applied."""
    prefix = uuid.uuid4().hex[:6]
    ids = [f"{prefix}-{i}" for i in range(ACCOUNTS)]
    opened = list(ids)
    for account_id in ids:
        bus.execute(OpenAccountFactory(account_id=account_id, initial_deposit=Decimal(500)))
    applied = len(ids)
    for step in script:
        for command in commands_for(step, ids, engine):
            with contextlib.suppress(DomainError):
                bus.execute(command)
                applied += 1
        opened += [i for i in ids if i not in opened]
    return opened, applied


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(script=st.lists(steps, min_size=200, max_size=400), batch_size=st.integers(1, 500))
def test_a_rebuild_from_scratch_equals_the_live_read_models_field_by_field(
    engine: Engine, bus: CommandBus, script: list[Step], batch_size: int
) -> None:
    ids, applied = run(bus, engine, script)
    assert applied > len(script) // 2
    live = read_models(engine)
    report = rebuild_projections(engine, batch_size=batch_size)
    assert read_models(engine) == live
    assert report.events == sum(1 for _ in all_versions(engine))
    assert verify_projections(engine, batch_size=batch_size) == []
    with engine.connect() as conn:
        repository = AccountRepository(EventStore(conn), SnapshotStore(conn))
        for account_id in ids:
            summary, account = account_summary(conn, account_id), repository.as_of(account_id)
            assert (summary.balance, summary.overdraft_limit, summary.version) == (
                account.balance,
                account.overdraft_limit,
                account.version,
            )
            assert summary.is_active == account.is_open


def all_versions(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return [e.version for e in EventStore(conn).read_data(0, 1_000_000)]


def tamper(engine: Engine, statement: object) -> None:
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        conn.execute(statement)  # type: ignore[call-overload]


@pytest.fixture
def history(engine: Engine, bus: CommandBus) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("50.00")))
    bus.execute(OpenAccountFactory(account_id="b", initial_deposit=Decimal("5.00")))
    bus.execute(TransferMoneyFactory(from_account_id="a", to_account_id="b"))
    bus.execute(DepositMoneyFactory(account_id="b", amount=Decimal("1.00")))


@pytest.mark.usefixtures("history")
def test_verify_names_a_summary_changed_behind_the_projectors_back(engine: Engine) -> None:
    summaries = LIVE.summaries
    tamper(engine, update(summaries).where(summaries.c.account_id == "a").values(balance_cents=1))
    [difference] = verify_projections(engine)
    assert (difference.table, difference.key) == ("account_summaries", ("a",))
    assert difference.changes() == {"balance_cents": (1, 4500)}
    assert "balance_cents is 1, events say 4500" in str(difference)


@pytest.mark.usefixtures("history")
def test_verify_names_missing_and_extra_statement_lines(engine: Engine) -> None:
    lines = LIVE.lines
    [removed] = [row for row in read_models(engine)["statement_lines"] if row["version"] == 3]
    tamper(engine, delete(lines).where(lines.c.account_id == "b", lines.c.version == 3))
    tamper(engine, insert(lines).values({**removed, "account_id": "ghost"}))
    differences = {(d.key, d.live is None, d.replayed is None) for d in verify_projections(engine)}
    assert differences == {(("b", 3), True, False), (("ghost", 3), False, True)}


@pytest.mark.usefixtures("history")
def test_a_rebuild_repairs_what_verify_found(engine: Engine) -> None:
    summaries = LIVE.summaries
    tamper(engine, update(summaries).values(is_active=False, transaction_count=99))
    assert len(verify_projections(engine)) == 2
    rebuild_projections(engine, ["accounts"], batch_size=3)
    assert verify_projections(engine) == []


@pytest.mark.usefixtures("history")
@pytest.mark.parametrize("lost", [table.name for table in LIVE.tables])
def test_a_rebuild_recreates_a_read_model_table_that_was_dropped(engine: Engine, lost: str) -> None:
    live = read_models(engine)
    tamper(engine, DropTable(metadata.tables[lost]))
    rebuild_projections(engine)
    assert read_models(engine) == live
    assert verify_projections(engine) == []


def test_rebuilding_an_empty_store_leaves_empty_read_models(engine: Engine) -> None:
    report = rebuild_projections(engine)
    assert (report.events, report.position) == (0, 0)
    assert read_models(engine) == {"account_summaries": [], "statement_lines": []}


@pytest.mark.usefixtures("history")
def test_repeated_rebuilds_leave_the_schema_exactly_as_the_migrations_made_it(
    engine: Engine,
) -> None:
    for _ in range(3):
        rebuild_projections(engine)
    ours = {table.name for table in LIVE.tables}
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": lambda name, kind, _parent: kind != "table" or name in ours}
        )
        drift = compare_metadata(context, metadata)
    assert drift == []


@pytest.mark.usefixtures("history")
def test_a_writer_that_forgets_summaries_beyond_its_cache_replays_the_same_rows(
    engine: Engine,
) -> None:
    scratch = account_tables("_tiny_cache")
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        scratch.summaries.metadata.create_all(conn)
        writer = ReplayWriter(scratch, max_cached=1)
        position = 0
        while batch := EventStore(conn).read_data(position, 2):
            writer.project(conn, batch)
            position = batch[-1].position
        writer.flush(conn)
        differences = [
            d
            for live, new in zip(LIVE.tables, scratch.tables, strict=True)
            for d in compare(conn, live, new)
        ]
        scratch.summaries.metadata.drop_all(conn)
    assert differences == []


def test_an_unknown_projection_name_is_refused(engine: Engine) -> None:
    with pytest.raises(KeyError, match="nonsense"):
        rebuild_projections(engine, ["nonsense"])


@pytest.mark.usefixtures("history")
def test_a_projection_named_twice_is_rebuilt_and_verified_once(engine: Engine) -> None:
    live = read_models(engine)
    report = rebuild_projections(engine, ["accounts", "accounts"])
    assert report.projections == ("accounts",)
    assert read_models(engine) == live
    assert verify_projections(engine, ["accounts", "accounts"]) == []


def test_a_seeded_million_event_store_in_miniature_replays_into_consistent_read_models(
    engine: Engine,
) -> None:
    written = seed_store(engine, accounts=9, events_per_account=23, chunk=4)
    report = rebuild_projections(engine, batch_size=50)
    assert report.events == written == 9 * 23
    with engine.connect() as conn:
        repository = AccountRepository(EventStore(conn), SnapshotStore(conn))
        for account_id in ["bench-0000000", "bench-0000008"]:
            summary, account = account_summary(conn, account_id), repository.as_of(account_id)
            assert (summary.balance, summary.version) == (account.balance, 23)
        assert all(a.balance >= 0 for a in list_accounts(conn, limit=500).items)
    assert verify_projections(engine) == []
