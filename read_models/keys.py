"""Scratch tables that only grow are bulk-loaded without their keys, built once afterwards.

A replay appends statement lines in position order to a table keyed by (account, version).
In a ledger where consecutive events belong to different accounts, nearly every row lands
on another page of the key's index, and on SQLite each batch's commit writes most of that
index to the WAL again. Measured on SQLite with 1,000,000 events over 10,000 accounts
appended round-robin: 38,000 to 39,000 events/s with the keyed table, 47,000 to 48,000
loading without the key; no change when each account's events come ten at a time (as
`bench.seed` writes them) or on PostgreSQL's smaller stores.

PostgreSQL adds a primary key to a loaded table (`ALTER TABLE ... ADD CONSTRAINT`, one
sort). SQLite cannot, so there the lines go to a keyless TEMP table of the same name:
private to the replay's connection, without WAL or fsync, and found before the main
database's table by the same name, so writers need not know. `add_keys` then copies it
into the keyed table in key order, `COPY_CHUNK` rows per transaction so that commands
still get the write lock in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing

from sqlalchemy import Column, Connection, Index, MetaData, Table, insert, select, tuple_
from sqlalchemy.schema import AddConstraint, CreateIndex, DropTable

COPY_CHUNK = 50_000
"""Rows per transaction when SQLite copies a loaded table into its keyed twin."""


def create_keyless(conn: Connection, table: Table) -> None:
    """Create `table` (in the caller's transaction) to be loaded now, keyed by `add_keys`."""
    _keyless(table, None if _postgres(conn) else "temp").create(conn)


def add_keys(conn: Connection, tables: Sequence[Table]) -> None:
    """Give tables made by `create_keyless` their keys and indexes; commits as it goes."""
    for table in tables:
        if _postgres(conn):
            with conn.begin():
                conn.execute(AddConstraint(table.primary_key))
                for index in table.indexes:
                    index.create(conn)
        else:
            _copy_in_key_order(conn, table)


def discard_keyless(conn: Connection, tables: Sequence[Table]) -> None:
    """Drop what a failed replay left of SQLite's TEMP tables (they outlive a transaction)."""
    if _postgres(conn):
        return
    with conn.begin():
        for table in tables:
            conn.execute(DropTable(_keyless(table, "temp"), if_exists=True))


def _copy_in_key_order(conn: Connection, table: Table) -> None:
    loaded = _keyless(table, "temp")
    keyed = table.to_metadata(MetaData(), schema="main")
    key = [loaded.c[column.name] for column in table.primary_key]
    with conn.begin():
        keyed.create(conn)
    # The index only touches the TEMP database: built in SQLite's own autocommit, outside
    # SQLAlchemy's BEGIN IMMEDIATE, it does not hold the main database's write lock.
    index = CreateIndex(Index(f"{table.name}_loaded_key", *key))
    with closing(conn.connection.cursor()) as cursor:
        cursor.execute(str(index.compile(dialect=conn.dialect)))
    after: tuple[object, ...] | None = None
    while True:
        rows = select(*loaded.c).order_by(*key)
        if after is not None:
            rows = rows.where(tuple_(*key) > tuple_(*after))
        with conn.begin():
            bound = conn.execute(
                rows.with_only_columns(*key).offset(COPY_CHUNK - 1).limit(1)
            ).first()
            if bound is not None:
                rows = rows.where(tuple_(*key) <= tuple_(*bound))
            conn.execute(insert(keyed).from_select(list(loaded.c.keys()), rows))
        if bound is None:
            break
        after = tuple(bound)
    with conn.begin():
        loaded.drop(conn)


def _keyless(table: Table, schema: str | None) -> Table:
    """`table`'s columns alone: no primary key, no index."""
    columns = [Column(c.name, c.type, nullable=c.nullable) for c in table.c]
    return Table(table.name, MetaData(), *columns, schema=schema)


def _postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"
