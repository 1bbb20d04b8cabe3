"""Persistence: SQLAlchemy models, engines with the right pragmas, Alembic migrations."""
