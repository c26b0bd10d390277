"""The atomic swap: scratch tables take the live tables' place, names and all, in one transaction.

Index and constraint names are unique per schema (PostgreSQL) or per database (SQLite),
so the scratch tables' `..._rebuild` names must become the live ones or the next rebuild
would collide with them. PostgreSQL renames indexes in place (renaming a primary key's
index renames its constraint too); SQLite cannot rename an index, so the secondary ones
are rebuilt under their live names (SQLite renames a primary key's autoindex itself).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Table, text

from read_models.lock_waits import waits_for


def swap_in(conn: Connection, scratch: Sequence[Table], live: Sequence[Table]) -> None:
    """Replace each live table by its scratch twin, in the caller's transaction.

    A live table that is missing is simply created: read models are disposable, and a
    rebuild is how they come back.
    """
    quote = conn.dialect.identifier_preparer.quote
    for new, old in zip(scratch, live, strict=True):
        with waits_for(old.name):
            old.drop(conn, checkfirst=True)
        conn.execute(text(f"ALTER TABLE {quote(new.name)} RENAME TO {quote(old.name)}"))
        if conn.dialect.name == "postgresql":
            for scratch_name, live_name in _index_names(new, old):
                conn.execute(
                    text(f"ALTER INDEX {quote(scratch_name)} RENAME TO {quote(live_name)}")
                )
        else:
            for index in new.indexes:
                conn.execute(text(f"DROP INDEX {quote(str(index.name))}"))
            for index in old.indexes:
                index.create(conn)


def _index_names(new: Table, old: Table) -> list[tuple[str, str]]:
    """(scratch name, live name) of every index, the primary key's included."""
    names = [str(new.primary_key.name)] + [str(index.name) for index in new.indexes]
    return [(name, name.replace(new.name, old.name, 1)) for name in names]
