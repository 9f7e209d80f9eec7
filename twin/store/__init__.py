"""Storage of the twin through SQLAlchemy: engines, the shared metadata, the audit log."""

from twin.store.audit import audit_entries, audit_log, record_audit
from twin.store.db import default_url, engine_for, metadata

__all__ = ["audit_entries", "audit_log", "default_url", "engine_for", "metadata", "record_audit"]
