"""Vector search: statements per backend and metric, SQLite functions, pgvector indexes, the CLI command."""

# Importing pgvector's SQLAlchemy types registers `vector` for reflection, so an automapped
# Document.embedding on PostgreSQL gets pgvector's comparators (cosine_distance, l2_distance...).
import pgvector.sqlalchemy  # noqa: F401
