"""The sample database: schema, deterministic data, and a builder for SQLite and PostgreSQL."""
