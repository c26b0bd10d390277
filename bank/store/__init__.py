"""Persistence for the domain: the only part of `bank` that knows SQLAlchemy."""
