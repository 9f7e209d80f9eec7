"""Storage through SQLAlchemy: a SQLite file by default, PostgreSQL when configured."""
