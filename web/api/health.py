"""Health: whether the database answers, for load balancers and operators."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from queries.health import database_dialect
from web.api.blueprint import ApiBlueprint
from web.errors import Problem, RequestRefused
from web.ledger import read_connection
from web.schemas import ErrorSchema, HealthSchema

blp = ApiBlueprint("health", __name__, url_prefix="/api", description="Health.")


@blp.route("/health", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=ErrorSchema, description="The database does not answer.")
def health() -> dict[str, str]:
    """Say whether the database answers, and which one it is.

    The query runs through Core, which wraps every driver error, SQLite's `BEGIN` on the
    driver (`bank.store.engine`) included, since that runs inside Core's execution.
    """
    try:
        dialect = database_dialect(read_connection())
    except SQLAlchemyError:
        raise RequestRefused(
            Problem(503, "database_unavailable", "The database does not answer.")
        ) from None
    return {"status": "ok", "database": dialect}
