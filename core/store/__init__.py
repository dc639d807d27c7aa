"""Storage: SQLAlchemy 2 tables, the database handle and the append-only event log."""
