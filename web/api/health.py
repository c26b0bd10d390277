"""Health: whether the database answers, for load balancers and operators."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from queries.health import database_dialect
from web.api.blueprint import ApiBlueprint
from web.errors import Problem, RequestRefused
from web.ledger import current_ledger, read_connection
from web.schemas import ErrorSchema, HealthSchema

blp = ApiBlueprint("health", __name__, url_prefix="/api", description="Health.")


@blp.route("/health", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=ErrorSchema, description="The database does not answer.")
def health() -> dict[str, str]:
    """Say whether the database answers, and which one it is.

    The driver's own errors count too: SQLite's `BEGIN` runs on the driver
    (`bank.store.engine`), outside SQLAlchemy's error wrapping.
    """
    try:
        dialect = database_dialect(read_connection())
    except (SQLAlchemyError, current_ledger().engine.dialect.loaded_dbapi.Error):
        raise RequestRefused(
            Problem(503, "database_unavailable", "The database does not answer.")
        ) from None
    return {"status": "ok", "database": dialect}
