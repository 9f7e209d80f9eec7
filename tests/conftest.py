"""Session-wide fixtures: real services (see tests/fixtures/services.py)."""

from tests.fixtures.services import mosquitto, postgres, postgres_url  # noqa: F401
